/*
 * model/random.h — Python's `random` module, bit for bit CPython 3.11's.
 *
 * The generator is the Mersenne Twister MT19937 with CPython's seeding and
 * derivations, so a program that calls random.seed(n) draws the same numbers
 * as under CPython 3.11:
 *
 *   seed(n)        init_by_array() with the 32-bit words of |n|, least
 *                  significant first (one word 0 for n = 0);
 *   random()       a = w1 >> 5, b = w2 >> 6, (a * 2^26 + b) / 2^53;
 *   getrandbits(k) k <= 32: w >> (32 - k); more: 32-bit words filled least
 *                  significant first, the last one shifted right;
 *   _randbelow(n)  k = n.bit_length(); r = getrandbits(k) until r < n
 *                  (_randbelow_with_getrandbits);
 *   randrange, randint, choice, shuffle, uniform: random.py's code on top.
 *
 * Two layers. model_mt_* work on an explicit generator (random.Random
 * instances; usable without a run). model_random*, model_randint, ... are
 * the module-level functions: they use the run's generator (random._inst),
 * count as an API call (model_step) and report misuse with CPython's
 * exception and message.
 *
 * The run's generator: at the start of every run it is seeded exactly as
 * random.seed(model_opts.seed) would seed it, so a program that never calls
 * random.seed() is still deterministic: the same run seed gives the same
 * numbers (CPython would seed from the OS). random.seed() with no argument
 * (model_random_seed_default) re-seeds from the run seed the same way.
 *
 * Limits of the C API: integers are int64_t (ranges are computed without
 * overflow: randint(INT64_MIN, INT64_MAX) works); getrandbits returns at
 * most 64 bits (model_mt_getrandbits_words for more).
 */
#ifndef MODEL_RANDOM_H
#define MODEL_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODEL_MT_N 624

/* One Mersenne Twister: CPython's RandomObject state. */
typedef struct model_mt {
    uint32_t state[MODEL_MT_N]; /* the 624 words of MT19937 */
    uint32_t index;             /* next word to temper; MODEL_MT_N: regenerate first */
} model_mt;

/* ---- an explicit generator (random.Random) ------------------------------ */

/* init_by_array(key, n): the core of seeding. n >= 1. */
void model_mt_init_by_array(model_mt *g, const uint32_t *key, size_t n);
/* random.seed(n) for an integer whose absolute value is `magnitude`
 * (negative seeds give the same sequence as their absolute value). */
void model_mt_seed(model_mt *g, uint64_t magnitude);
/* The next tempered 32-bit output (genrand_uint32). */
uint32_t model_mt_genrand32(model_mt *g);
/* random(): a double in [0, 1) with 53 random bits. */
double model_mt_random(model_mt *g);
/* getrandbits(k) for 0 <= k <= 64 (k > 64 is clamped to 64). */
uint64_t model_mt_getrandbits(model_mt *g, unsigned k);
/* getrandbits(k) for any k >= 1 into ceil(k/32) words, least significant
 * first; the caller provides the array. k = 0 writes nothing. */
void model_mt_getrandbits_words(model_mt *g, uint32_t k, uint32_t *words);
/* _randbelow(n): uniform in [0, n) for n >= 1 (n = 0 returns 0: CPython
 * would loop forever; no caller passes it). */
uint64_t model_mt_randbelow(model_mt *g, uint64_t n);

/* Range helpers on an explicit generator: each returns 0, or -1 on an empty
 * range / zero step, with CPython's ValueError set when inside a run.
 * randrange(start, stop, step): */
int model_mt_randrange(model_mt *g, int64_t start, int64_t stop, int64_t step, int64_t *out);
/* randrange(stop), the one-argument form (its error message differs). */
int model_mt_randrange_stop(model_mt *g, int64_t stop, int64_t *out);
/* randint(a, b) = randrange(a, b + 1). */
int model_mt_randint(model_mt *g, int64_t a, int64_t b, int64_t *out);
/* uniform(a, b) = a + (b - a) * random(). */
double model_mt_uniform(model_mt *g, double a, double b);
/* choice(seq) for a sequence of `len` items: the index chosen. -1 with
 * IndexError "Cannot choose from an empty sequence" if len = 0. */
int model_mt_choice_index(model_mt *g, size_t len, size_t *out);
/* shuffle(x) in place: `n` elements of `size` bytes each at `base`
 * (for i in reversed(range(1, n)): j = _randbelow(i + 1); swap x[i], x[j]). */
void model_mt_shuffle(model_mt *g, void *base, size_t n, size_t size);

/* ---- the module-level functions (the run's generator) ------------------- */

/* The run's generator (random._inst), for a front end that needs more. */
model_mt *model_random_state(void);
/* random.seed(n) / random.seed() (the latter: re-seed from the run seed). */
void model_random_seed(int64_t n);
void model_random_seed_default(void);
/* random.random(), random.uniform(a, b). */
double model_random(void);
double model_uniform(double a, double b);
/* random.getrandbits(k): -1 + ValueError "number of bits must be
 * non-negative" if k < 0; -1 + OverflowError if k > 64 (a limit of this C
 * API, not of Python). */
int model_getrandbits(int k, uint64_t *out);
/* _randbelow(n), n >= 1. */
uint64_t model_randbelow(uint64_t n);
/* random.randrange(start, stop, step), randrange(stop), randint(a, b):
 * 0, or -1 with ValueError "empty range for randrange() (a, b, w)",
 * "empty range for randrange()" or "zero step for randrange()". */
int model_randrange(int64_t start, int64_t stop, int64_t step, int64_t *out);
int model_randrange_stop(int64_t stop, int64_t *out);
int model_randint(int64_t a, int64_t b, int64_t *out);
/* random.choice on a sequence of `len` items: the index (see above). */
int model_choice_index(size_t len, size_t *out);
/* random.shuffle on an array (see model_mt_shuffle). */
void model_shuffle(void *base, size_t n, size_t size);

#endif
