# tools/gen_man.cmake — the man pages, from the help texts of the built binary:
# threadsim(1) from `threadsim help --man`, threadsim-CMD(1) from
# `threadsim help --man CMD` for each CMD of `threadsim help --commands`.
#   cmake -DTHREADSIM=path/to/threadsim -DOUT=dir -P gen_man.cmake
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${THREADSIM} help --commands OUTPUT_VARIABLE cmds
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "threadsim help --commands failed (${rc})")
endif()
string(REPLACE "\n" ";" cmds "${cmds}")
execute_process(COMMAND ${THREADSIM} help --man OUTPUT_FILE ${OUT}/threadsim.1 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "threadsim help --man failed (${rc})")
endif()
foreach(c IN LISTS cmds)
  if(c STREQUAL "")
    continue()
  endif()
  execute_process(COMMAND ${THREADSIM} help --man ${c} OUTPUT_FILE ${OUT}/threadsim-${c}.1
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "threadsim help --man ${c} failed (${rc})")
  endif()
endforeach()
