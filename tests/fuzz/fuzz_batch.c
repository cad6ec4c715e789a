/*
 * tests/fuzz/fuzz_batch.c — libFuzzer target: one stored event batch of
 * arbitrary bytes, past its checksum (which a damaged file would have to
 * forge): the first byte picks the codec, the next four the event count,
 * the rest is the row's data. It goes through what every reader does with
 * a batch (traces/store_sql.c): evbatch_uncompress, then evbatch_decode.
 * Any outcome but a crash, a leak, a sanitizer report or an allocation
 * past the 255:1 bound is fine.
 */
#include <stdint.h>
#include <string.h>

#include "../../traces/evbatch.h"

static void fuzz__event(void *ud, const sim_event *ev)
{
    /* touch what a reader touches */
    size_t *sum = ud;
    *sum += ev->len + (ev->reason ? strlen(ev->reason) : 0);
    if (ev->text && ev->len)
        *sum += (unsigned char)ev->text[ev->len - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    int codec = data[0] % 3; /* raw, LZ4 and one unknown */
    uint32_t n = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 |
                 (uint32_t)(data[4] & 0x7f) << 24;
    sim_buf scratch = {0};
    const void *raw;
    size_t rawlen, sum = 0;
    const char *why = NULL;
    if (evbatch_uncompress(codec, data + 5, size - 5, &scratch, &raw, &rawlen, &why) == 0)
        evbatch_decode(raw, rawlen, 1, n, fuzz__event, NULL, &sum, &why);
    sim_buf_free(&scratch);
    return 0;
}
