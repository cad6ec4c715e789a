/*
 * model/local.h — threading.local: data that each thread sees its own copy of.
 *
 * A local object holds one slot per thread, keyed by the thread (its dense
 * trace id, so no address is involved). A slot is a zeroed block of
 * slot_size bytes that the program lays out as it likes (a struct of the
 * attributes it keeps, with flags for "not set yet").
 *
 * Initialisation mirrors CPython's _thread._local: the creating thread gets
 * its slot at once and the init callback runs for it during construction
 * (a subclass's __init__ called by the constructor); every other thread gets
 * its slot on its first touch (model_local_get), and the init callback runs
 * then, in that thread, with the same `ud` (CPython re-runs __init__ with the
 * constructor's arguments). The slot exists before the callback runs, so a
 * touch from inside the callback sees it and does not recurse. If the
 * callback fails, the slot is dropped and the touch fails with its
 * exception; the next touch in that thread tries again (as CPython does).
 * Without a callback (plain threading.local()) a first touch just creates a
 * zeroed slot.
 *
 * Slots live until the run ends (CPython drops a thread's values when the
 * thread ends; no program can observe the difference except through
 * destructors, which the C API does not have). The optional fini callback
 * runs for every slot when the run's objects are freed.
 *
 * The object's repr address (model_obj_address) is the same in every
 * thread, as in CPython, where `self` is one object.
 */
#ifndef MODEL_LOCAL_H
#define MODEL_LOCAL_H

#include <stddef.h>

#include "core.h"

typedef struct model_local model_local;

/* Runs in a thread before its first use of the local; `slot` is that
 * thread's zeroed slot. Returns 0, or -1 with an exception set. */
typedef int (*model_local_init_fn)(model_local *l, void *slot, void *ud);
/* Releases what a slot owns, when the run ends. */
typedef void (*model_local_fini_fn)(void *slot, void *ud);

struct model_local {
    model_obj hdr;              /* kind "local"; what "local-N" */
    size_t slot_size;           /* bytes per slot (at least 1 is allocated) */
    model_local_init_fn init;   /* per-thread initialiser, or NULL */
    model_local_fini_fn fini;   /* slot release at run end, or NULL */
    void *ud;                   /* passed to init and fini */
    void **slots;               /* by sim thread id; NULL = not touched yet */
    uint32_t nslots;            /* length of slots */
};

/* threading.local() (init NULL) or a subclass instance whose __init__ is
 * `init`: creates the object and the creating thread's slot, running init
 * for it. Returns NULL with init's exception set if that fails (like a
 * constructor that raised); the object is then unusable garbage. */
model_local *model_local_new(size_t slot_size, model_local_init_fn init,
                             model_local_fini_fn fini, void *ud);
/* The current thread's slot, created (and initialised) on first touch.
 * NULL with the init callback's exception set if it failed. */
void *model_local_get(model_local *l);
/* Whether the current thread has a slot already (does not touch). */
bool model_local_touched(const model_local *l);

#endif
