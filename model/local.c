/*
 * model/local.c — threading.local (see local.h).
 *
 * Slots are indexed by the sim thread id (dense, in creation order), grown on
 * demand; a NULL entry means the thread has not touched the object. The
 * first-touch path creates the slot before calling the init callback, so the
 * callback may use the object itself (as a subclass __init__ sets
 * self.val); a failing callback removes the slot again.
 */
#include "local.h"

#include <stdlib.h>
#include <string.h>

#include "world.h"

static void local__destroy(model_obj *o)
{
    model_local *l = (model_local *)o;
    for (uint32_t i = 0; i < l->nslots; i++) {
        if (l->slots[i] && l->fini)
            l->fini(l->slots[i], l->ud);
        free(l->slots[i]);
    }
    free(l->slots);
    l->slots = NULL;
    l->nslots = 0;
}

static uint32_t local__key(void)
{
    model_world *w = model__world();
    return model__current(w)->st->id;
}

static void **local__entry(model_local *l, uint32_t key)
{
    if (key >= l->nslots) {
        uint32_t n = l->nslots ? l->nslots : 8;
        while (n <= key)
            n *= 2;
        void **s = model__xmalloc(n * sizeof *s);
        if (l->nslots)
            memcpy(s, l->slots, l->nslots * sizeof *s);
        free(l->slots);
        l->slots = s;
        l->nslots = n;
    }
    return &l->slots[key];
}

/* First touch by the current thread: a zeroed slot, then init. */
static void *local__create(model_local *l, uint32_t key)
{
    void *slot = model__xmalloc(l->slot_size ? l->slot_size : 1);
    *local__entry(l, key) = slot;
    if (l->init && l->init(l, slot, l->ud) < 0) {
        void **e = local__entry(l, key);
        if (*e == slot) {
            if (l->fini)
                l->fini(slot, l->ud);
            free(slot);
            *e = NULL;
        }
        return NULL;
    }
    return slot;
}

model_local *model_local_new(size_t slot_size, model_local_init_fn init,
                             model_local_fini_fn fini, void *ud)
{
    model_step();
    model_local *l = model_obj_new(sizeof *l, "local", NULL);
    l->hdr.destroy = local__destroy;
    l->slot_size = slot_size;
    l->init = init;
    l->fini = fini;
    l->ud = ud;
    if (!local__create(l, local__key()))
        return NULL;
    return l;
}

void *model_local_get(model_local *l)
{
    model_step();
    uint32_t key = local__key();
    if (key < l->nslots && l->slots[key])
        return l->slots[key];
    return local__create(l, key);
}

bool model_local_touched(const model_local *l)
{
    uint32_t key = local__key();
    return key < l->nslots && l->slots[key] != NULL;
}
