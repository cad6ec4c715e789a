/*
 * model/random.c — CPython 3.11's `random` (see random.h).
 *
 * The generator is a transcription of Modules/_randommodule.c (itself the
 * reference MT19937 of Matsumoto and Nishimura): init_genrand, init_by_array,
 * genrand_uint32, random_random and getrandbits; the derived functions follow
 * Lib/random.py line by line. Integer ranges are computed in uint64_t so no
 * int64_t range overflows: a width is at most 2^64 - 1, and the one range of
 * 2^64 values (randint(INT64_MIN, INT64_MAX)) draws 65 bits as CPython would.
 *
 * The module-level functions act on the world's generator, seeded at run
 * start by model__random_init (called from model_run).
 */
#include "random.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "world.h"

#define MT_M 397
#define MT_MATRIX_A 0x9908b0dfU
#define MT_UPPER 0x80000000U
#define MT_LOWER 0x7fffffffU

/* ---- the generator ------------------------------------------------------ */

static void mt__init_genrand(model_mt *g, uint32_t s)
{
    uint32_t *mt = g->state;
    mt[0] = s;
    for (uint32_t i = 1; i < MODEL_MT_N; i++)
        mt[i] = 1812433253U * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i;
    g->index = MODEL_MT_N;
}

void model_mt_init_by_array(model_mt *g, const uint32_t *key, size_t n)
{
    uint32_t *mt = g->state;
    mt__init_genrand(g, 19650218U);
    size_t i = 1, j = 0;
    for (size_t k = MODEL_MT_N > n ? MODEL_MT_N : n; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + key[j] + (uint32_t)j;
        i++, j++;
        if (i >= MODEL_MT_N) {
            mt[0] = mt[MODEL_MT_N - 1];
            i = 1;
        }
        if (j >= n)
            j = 0;
    }
    for (size_t k = MODEL_MT_N - 1; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - (uint32_t)i;
        i++;
        if (i >= MODEL_MT_N) {
            mt[0] = mt[MODEL_MT_N - 1];
            i = 1;
        }
    }
    mt[0] = 0x80000000U; /* MSB is 1: a non-zero initial array */
}

void model_mt_seed(model_mt *g, uint64_t magnitude)
{
    /* CPython: keyused = max(1, ceil(bits / 32)) little-endian words. */
    uint32_t key[2] = {(uint32_t)magnitude, (uint32_t)(magnitude >> 32)};
    model_mt_init_by_array(g, key, key[1] ? 2 : 1);
}

uint32_t model_mt_genrand32(model_mt *g)
{
    static const uint32_t mag01[2] = {0x0U, MT_MATRIX_A};
    uint32_t *mt = g->state;
    uint32_t y;
    if (g->index >= MODEL_MT_N) {
        int kk;
        for (kk = 0; kk < MODEL_MT_N - MT_M; kk++) {
            y = (mt[kk] & MT_UPPER) | (mt[kk + 1] & MT_LOWER);
            mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        for (; kk < MODEL_MT_N - 1; kk++) {
            y = (mt[kk] & MT_UPPER) | (mt[kk + 1] & MT_LOWER);
            mt[kk] = mt[kk + (MT_M - MODEL_MT_N)] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        y = (mt[MODEL_MT_N - 1] & MT_UPPER) | (mt[0] & MT_LOWER);
        mt[MODEL_MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 0x1U];
        g->index = 0;
    }
    y = mt[g->index++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

double model_mt_random(model_mt *g)
{
    uint32_t a = model_mt_genrand32(g) >> 5, b = model_mt_genrand32(g) >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

void model_mt_getrandbits_words(model_mt *g, uint32_t k, uint32_t *words)
{
    if (k == 0)
        return;
    if (k <= 32) {
        words[0] = model_mt_genrand32(g) >> (32 - k);
        return;
    }
    uint32_t n = (k - 1) / 32 + 1;
    for (uint32_t i = 0; i < n; i++, k -= 32) {
        uint32_t r = model_mt_genrand32(g);
        if (k < 32)
            r >>= (32 - k); /* drop the least significant bits */
        words[i] = r;
    }
}

uint64_t model_mt_getrandbits(model_mt *g, unsigned k)
{
    uint32_t w[2] = {0, 0};
    model_mt_getrandbits_words(g, k > 64 ? 64 : k, w);
    return (uint64_t)w[0] | (uint64_t)w[1] << 32;
}

static unsigned mt__bit_length(uint64_t n)
{
    unsigned k = 0;
    while (n) {
        k++;
        n >>= 1;
    }
    return k;
}

uint64_t model_mt_randbelow(model_mt *g, uint64_t n)
{
    if (n == 0)
        return 0;
    unsigned k = mt__bit_length(n); /* not (n - 1): n can be 1 */
    uint64_t r = model_mt_getrandbits(g, k);
    while (r >= n)
        r = model_mt_getrandbits(g, k);
    return r;
}

/* _randbelow(m1 + 1) for m1 + 1 up to 2^64 (65 bits for the last one). */
static uint64_t mt__below_plus1(model_mt *g, uint64_t m1)
{
    if (m1 != UINT64_MAX)
        return model_mt_randbelow(g, m1 + 1);
    for (;;) {
        uint32_t w[3];
        model_mt_getrandbits_words(g, 65, w);
        if (w[2] == 0)
            return (uint64_t)w[0] | (uint64_t)w[1] << 32;
    }
}

/* ---- ranges ------------------------------------------------------------- */

/* Set a Python exception if a run is in progress; returns -1. */
static int mt__fail(const char *type, const char *msg)
{
    model_world *w = model__world_or_null();
    if (w && model__current(w))
        model_err_set(type, "%s", msg);
    return -1;
}

/* start + step * r, wrapping in uint64_t (the true result fits int64_t). */
static int64_t mt__offset(int64_t start, int64_t step, uint64_t r)
{
    uint64_t v = (uint64_t)start + (uint64_t)step * r;
    int64_t out;
    memcpy(&out, &v, sizeof out); /* two's complement, without an implementation-defined cast */
    return out;
}

/* |a - b| for a >= b, exactly. */
static uint64_t mt__diff(int64_t a, int64_t b) { return (uint64_t)a - (uint64_t)b; }

static int mt__empty_unit(int64_t start, int64_t stop)
{
    /* "empty range for randrange() (%d, %d, %d)" % (istart, istop, width) */
    char msg[128];
    if (stop >= start)
        snprintf(msg, sizeof msg, "empty range for randrange() (%" PRId64 ", %" PRId64 ", 0)",
                 start, stop);
    else
        snprintf(msg, sizeof msg,
                 "empty range for randrange() (%" PRId64 ", %" PRId64 ", -%" PRIu64 ")", start,
                 stop, mt__diff(start, stop));
    return mt__fail("ValueError", msg);
}

int model_mt_randrange(model_mt *g, int64_t start, int64_t stop, int64_t step, int64_t *out)
{
    if (step == 1) {
        if (stop <= start)
            return mt__empty_unit(start, stop);
        *out = mt__offset(start, 1, model_mt_randbelow(g, mt__diff(stop, start)));
        return 0;
    }
    if (step == 0)
        return mt__fail("ValueError", "zero step for randrange()");
    /* n = ceil(|width| / |step|) when width and step have the same sign */
    uint64_t width, astep;
    if (step > 0) {
        if (stop <= start)
            return mt__fail("ValueError", "empty range for randrange()");
        width = mt__diff(stop, start);
        astep = (uint64_t)step;
    } else {
        if (stop >= start)
            return mt__fail("ValueError", "empty range for randrange()");
        width = mt__diff(start, stop);
        astep = (uint64_t)(-(step + 1)) + 1;
    }
    uint64_t n = width / astep + (width % astep != 0);
    *out = mt__offset(start, step, model_mt_randbelow(g, n));
    return 0;
}

int model_mt_randrange_stop(model_mt *g, int64_t stop, int64_t *out)
{
    if (stop <= 0)
        return mt__fail("ValueError", "empty range for randrange()");
    *out = (int64_t)model_mt_randbelow(g, (uint64_t)stop);
    return 0;
}

int model_mt_randint(model_mt *g, int64_t a, int64_t b, int64_t *out)
{
    if (b < a)
        return mt__empty_unit(a, b + 1); /* b + 1 <= a: no overflow */
    *out = mt__offset(a, 1, mt__below_plus1(g, mt__diff(b, a)));
    return 0;
}

double model_mt_uniform(model_mt *g, double a, double b) { return a + (b - a) * model_mt_random(g); }

int model_mt_choice_index(model_mt *g, size_t len, size_t *out)
{
    if (len == 0)
        return mt__fail("IndexError", "Cannot choose from an empty sequence");
    *out = (size_t)model_mt_randbelow(g, len);
    return 0;
}

void model_mt_shuffle(model_mt *g, void *base, size_t n, size_t size)
{
    unsigned char *x = base, tmp[64];
    for (size_t i = n ? n - 1 : 0; i >= 1; i--) {
        size_t j = (size_t)model_mt_randbelow(g, (uint64_t)i + 1);
        if (j == i)
            continue;
        /* swap x[i] and x[j], in chunks */
        for (size_t off = 0; off < size; off += sizeof tmp) {
            size_t c = size - off < sizeof tmp ? size - off : sizeof tmp;
            memcpy(tmp, x + i * size + off, c);
            memcpy(x + i * size + off, x + j * size + off, c);
            memcpy(x + j * size + off, tmp, c);
        }
    }
}

/* ---- the module-level functions ----------------------------------------- */

void model__random_init(model_world *w) { model_mt_seed(&w->rng, w->opts.seed); }

model_mt *model_random_state(void) { return &model__world()->rng; }

static model_mt *random__api(void)
{
    model_world *w = model__world();
    model_step();
    return &w->rng;
}

void model_random_seed(int64_t n)
{
    model_mt *g = random__api();
    model_mt_seed(g, n < 0 ? (uint64_t)(-(n + 1)) + 1 : (uint64_t)n);
}

void model_random_seed_default(void)
{
    model_mt *g = random__api();
    model_mt_seed(g, model__world()->opts.seed);
}

double model_random(void) { return model_mt_random(random__api()); }
double model_uniform(double a, double b) { return model_mt_uniform(random__api(), a, b); }

int model_getrandbits(int k, uint64_t *out)
{
    model_mt *g = random__api();
    if (k < 0)
        return model_err_set("ValueError", "number of bits must be non-negative");
    if (k > 64)
        return model_err_set("OverflowError", "getrandbits(%d): more than 64 bits", k);
    *out = model_mt_getrandbits(g, (unsigned)k);
    return 0;
}

uint64_t model_randbelow(uint64_t n) { return model_mt_randbelow(random__api(), n); }

int model_randrange(int64_t start, int64_t stop, int64_t step, int64_t *out)
{
    return model_mt_randrange(random__api(), start, stop, step, out);
}

int model_randrange_stop(int64_t stop, int64_t *out)
{
    return model_mt_randrange_stop(random__api(), stop, out);
}

int model_randint(int64_t a, int64_t b, int64_t *out)
{
    return model_mt_randint(random__api(), a, b, out);
}

int model_choice_index(size_t len, size_t *out)
{
    return model_mt_choice_index(random__api(), len, out);
}

void model_shuffle(void *base, size_t n, size_t size)
{
    model_mt_shuffle(random__api(), base, n, size);
}
