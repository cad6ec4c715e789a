/* sim/stack.c — mmap'd stacks with a guard page and a free list (see stack.h). */
#include "stack.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "asan.h"
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#endif

static size_t stack__page(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

void sim_stack_pool_init(sim_stack_pool *p, size_t size, unsigned max_free)
{
    size_t page = stack__page();
    if (size < SIM_STACK_MIN)
        size = SIM_STACK_MIN;
    p->size = (size + page - 1) / page * page;
    p->free = NULL;
    p->nfree = 0;
    p->max_free = max_free;
}

sim_stack *sim_stack_get(sim_stack_pool *p)
{
    if (p->free) {
        sim_stack *s = p->free;
        p->free = s->next;
        p->nfree--;
        s->next = NULL;
        return s;
    }
    sim_stack *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    size_t page = stack__page();
    void *mem = mmap(NULL, p->size + page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) {
        free(s);
        return NULL;
    }
    if (mprotect(mem, page, PROT_NONE) != 0) {
        munmap(mem, p->size + page);
        free(s);
        return NULL;
    }
    s->base = (char *)mem + page;
    s->size = p->size;
    s->next = NULL;
    return s;
}

static void stack__unmap(sim_stack *s)
{
    size_t page = stack__page();
    munmap((char *)s->base - page, s->size + page);
    free(s);
}

void sim_stack_put(sim_stack_pool *p, sim_stack *s)
{
#ifdef SIM_ASAN
    /* A thread killed while suspended leaves its frames' redzones poisoned;
     * the next thread on this stack must start from clean shadow memory. */
    __asan_unpoison_memory_region(s->base, s->size);
#endif
    if (p->nfree >= p->max_free) {
        stack__unmap(s);
        return;
    }
    s->next = p->free;
    p->free = s;
    p->nfree++;
}

void sim_stack_pool_fini(sim_stack_pool *p)
{
    while (p->free) {
        sim_stack *s = p->free;
        p->free = s->next;
        stack__unmap(s);
    }
    p->nfree = 0;
}
