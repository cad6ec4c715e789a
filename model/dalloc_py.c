/*
 * model/dalloc_py.c — dalloc as the embedded CPython's memory allocator.
 *
 * CPython 3.11 has three allocator domains. In a release build (Debian's
 * libpython3.11) MEM (PyMem_Malloc) and OBJ (PyObject_Malloc, every object)
 * are pymalloc: requests of up to 512 bytes come from pools inside 1 MiB
 * arenas that pymalloc gets from the arena allocator; larger requests, and
 * small ones when no arena can be had, fall back to PyMem_RawMalloc, the RAW
 * domain (Objects/obmalloc.c: _PyObject_Malloc, _PyObject_Calloc,
 * _PyObject_Realloc). So hooking RAW and the arena allocator puts every
 * Python allocation in dalloc's region, and pymalloc keeps its fast path.
 * When MEM/OBJ are not pymalloc (PYTHONMALLOC=malloc, or debug hooks over
 * malloc), dalloc_install_python() hooks them too.
 *
 * CPython requires the RAW allocator to be thread-safe (it is called without
 * the GIL). dalloc is not: this is only correct because threadsim runs the
 * interpreter, and every simulated thread, on one OS thread.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dalloc.h"

/* pymalloc's pools are 16 KiB: arenas aligned to that lose no pool. */
#define ARENA_ALIGN 16384

static size_t foreign_frees;

/* A block that was allocated before the hooks went in (by glibc) and is
 * freed or resized through them: hand it back to its own allocator. */
static void *py_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return dalloc_malloc(n ? n : 1);
}

static void *py_calloc(void *ctx, size_t nelem, size_t elsize)
{
    (void)ctx;
    if (nelem == 0 || elsize == 0)
        nelem = elsize = 1;
    return dalloc_calloc(nelem, elsize);
}

static void *py_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    if (n == 0)
        n = 1;
    if (!p || dalloc_owns(p))
        return dalloc_realloc(p, n);
    foreign_frees++;
    return realloc(p, n);
}

static void py_free(void *ctx, void *p)
{
    (void)ctx;
    if (!p)
        return;
    if (dalloc_owns(p)) {
        dalloc_free(p);
    } else {
        foreign_frees++;
        free(p);
    }
}

static void *arena_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return dalloc_memalign(ARENA_ALIGN, size);
}

static void arena_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    if (!p)
        return;
    if (dalloc_owns(p)) {
        dalloc_free(p);
    } else {
        foreign_frees++;
        munmap(p, size); /* CPython's default arena allocator mmaps */
    }
}

int dalloc_install_python(void)
{
    if (!dalloc_ready() || Py_IsInitialized())
        return -1;
    /* Which allocators MEM/OBJ are now, asked before RAW changes (the name
     * is that of a known set of all three domains, NULL otherwise). */
    const char *name = _PyMem_GetCurrentAllocatorName();
    bool pymalloc = name && (strcmp(name, "pymalloc") == 0 || strcmp(name, "pymalloc_debug") == 0);
    PyMemAllocatorEx a = {NULL, py_malloc, py_calloc, py_realloc, py_free};
    PyMem_SetAllocator(PYMEM_DOMAIN_RAW, &a);
    PyObjectArenaAllocator arena = {NULL, arena_alloc, arena_free};
    PyObject_SetArenaAllocator(&arena);
    if (!pymalloc) {
        PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &a);
        PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &a);
    }
    return 0;
}

int dalloc_check_python(void)
{
    /* small and large requests of each domain */
    static const size_t sizes[] = {16, 100000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *r = PyMem_RawMalloc(sizes[i]);
        void *m = PyMem_Malloc(sizes[i]);
        void *o = PyObject_Malloc(sizes[i]);
        bool ok = dalloc_owns(r) && dalloc_owns(m) && dalloc_owns(o);
        PyObject_Free(o);
        PyMem_Free(m);
        PyMem_RawFree(r);
        if (!ok)
            return -1;
    }
    PyObjectArenaAllocator arena;
    PyObject_GetArenaAllocator(&arena);
    return arena.alloc == arena_alloc ? 0 : -1;
}

size_t dalloc_python_foreign_frees(void)
{
    return foreign_frees;
}
