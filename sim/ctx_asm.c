/*
 * sim/ctx_asm.c — the "asm" backend of sim/ctx.h for x86-64 System V.
 *
 * A switch is a call to sim__asm_swap(&from->sp, to->sp): it pushes the
 * callee-saved registers (rbp, rbx, r12-r15) and an 8-byte slot holding MXCSR
 * and the x87 control word, stores rsp into *from, loads the other stack's
 * rsp, and pops the same layout before `ret`. Everything else is
 * caller-saved, so the compiler already spilled it around the call.
 *
 * A new context's stack is laid out as if it had been switched out at the
 * start of entry():
 *
 *   top (16-aligned)  0            <- entry's "return address" (never used)
 *   top-16            entry        <- popped by ret
 *   top-24 .. top-64  rbp rbx r12 r13 r14 r15 = 0
 *   top-72            MXCSR 0x1f80, x87 CW 0x037f (the ABI defaults)
 *   sp = top-72
 *
 * After `ret`, rsp = top-8, which is what a call leaves (rsp+8 16-aligned).
 */
#include "ctx.h"

#if defined(__x86_64__) && defined(__linux__)

#include <stdint.h>
#include <string.h>

void sim__asm_swap(void **save_sp, void *new_sp);

__asm__(".text\n"
        ".globl sim__asm_swap\n"
        ".hidden sim__asm_swap\n"
        ".type sim__asm_swap, @function\n"
        "sim__asm_swap:\n"
        "  .cfi_startproc\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  subq $8, %rsp\n"
        "  stmxcsr (%rsp)\n"
        "  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n"
        "  fldcw 4(%rsp)\n"
        "  addq $8, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        "  .cfi_endproc\n"
        ".size sim__asm_swap, .-sim__asm_swap\n"
        ".section .note.GNU-stack,\"\",@progbits\n"
        ".text\n");

static void asm__make(sim_ctx *c, void *stack, size_t size, void (*entry)(void))
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top;
    *--sp = 0;                          /* entry's return address: never returns */
    *--sp = (uint64_t)(uintptr_t)entry; /* popped by ret */
    for (int i = 0; i < 6; i++)
        *--sp = 0;                      /* rbp rbx r12 r13 r14 r15 */
    uint32_t fp[2] = {0x1f80, 0x037f};  /* MXCSR, x87 control word */
    --sp;
    memcpy(sp, fp, sizeof fp);
    c->sp = sp;
}

static void asm__swap(sim_ctx *from, sim_ctx *to) { sim__asm_swap(&from->sp, to->sp); }

const sim_ctx_backend sim__ctx_asm = {"asm", asm__make, asm__swap};

#endif
