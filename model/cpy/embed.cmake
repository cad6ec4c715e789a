# embed.cmake: turn a text file into a C array (a NUL-terminated string).
#   cmake -DIN=file.py -DOUT=file.c -DNAME=symbol -P embed.cmake
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUT}" "/* generated from ${IN} by embed.cmake: do not edit */\nconst char ${NAME}[] = {${body}0x00};\n")
