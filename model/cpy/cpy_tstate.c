/*
 * model/cpy/cpy_tstate.c — thread-state switching for CPython 3.11 (see
 * cpy_tstate.h). Py_BUILD_CORE exposes _PyRuntime, whose gilstate member
 * holds the GIL-state key; nothing else in threadsim includes internal
 * headers.
 */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_runtime.h"

#include "cpy_tstate.h"

#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
#error "cpy_tstate.c is written for CPython 3.11"
#endif

void cpy_ts_activate(PyThreadState *ts)
{
    PyThreadState_Swap(ts);
    PyThread_tss_set(&_PyRuntime.gilstate.autoTSSkey, ts);
}

PyThreadState *cpy_ts_new(void)
{
    PyThreadState *cur = PyThreadState_Get();
    /* PyThreadState_New notes the state for the GIL-state key only if the
     * key is empty; ours never is, so it stays the running thread's. */
    return PyThreadState_New(cur->interp);
}

void cpy_ts_delete(PyThreadState *ts)
{
    PyThreadState_Clear(ts);
    PyThreadState_Delete(ts);
}

void cpy_ts_set_ident(PyThreadState *ts, unsigned long ident)
{
    ts->thread_id = ident;
}

bool cpy_ts_other_async_exc(PyThreadState *self)
{
    for (PyThreadState *t = PyInterpreterState_ThreadHead(self->interp); t;
         t = PyThreadState_Next(t))
        if (t != self && t->async_exc)
            return true;
    return false;
}

bool cpy_ts_version_ok(void)
{
    const char *v = Py_GetVersion();
    return v[0] == '3' && v[1] == '.' && v[2] == '1' && v[3] == '1' && v[4] == '.';
}
