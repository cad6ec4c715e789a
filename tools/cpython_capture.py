"""Run a Python program under CPython the way threadsim's output view sees it.

    python3 tools/cpython_capture.py PROGRAM.py [ARGS...]

stdout and stderr go to one in-memory io.StringIO, so they keep program order
and a write never releases the GIL (as with CPython's own buffered stdout,
unlike `python3 -u`, where every write is a system call and a switch point);
everything is written out at exit, after threading's shutdown has joined the
non-daemon threads. The program runs as __main__ with the path as given, so
tracebacks name it as threadsim does. tools/cpython_outcomes.sh uses this to
record the outputs CPython produces for the corpus.
"""
import io
import os
import sys
import atexit
import runpy
import traceback

_real = os.fdopen(os.dup(1), "w", encoding="utf-8", errors="surrogateescape")
_buf = io.StringIO()


def _dump():
    _real.write(_buf.getvalue())
    _real.flush()


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(path)
    sys.stdout = sys.stderr = _buf
    atexit.register(_dump)
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as e:
        # the traceback from the program's own frame on, as python prints it
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != path:
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb or e.__traceback__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
