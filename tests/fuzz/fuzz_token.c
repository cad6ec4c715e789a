/*
 * tests/fuzz/fuzz_token.c — libFuzzer target: replay tokens (NAME:CODE,
 * tools/step.h) of arbitrary bytes through ts_step_token_parse, and the
 * trace-hash decoder (traces/hash.h) that replay and diff read. A malformed
 * token must give a message, never a crash; a well-formed one must survive
 * a round trip through ts_step_token_ranks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/step.h"
#include "../../traces/hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *tok = malloc(size + 1);
    if (!tok)
        return 0;
    memcpy(tok, data, size);
    tok[size] = '\0';
    char *name = NULL, err[256];
    if (ts_step_token_parse(tok, &name, NULL, err, sizeof err) == 0)
        free(name);
    else if (!err[0])
        abort(); /* a refusal must say why */
    uint64_t h;
    trace_hash_parse(tok, &h);
    free(tok);
    return 0;
}
