/*
 * tests/test_random.c — model/random: the same numbers as CPython 3.11.
 *
 * Every expected constant below was printed by python3 (CPython 3.11.7) on
 * this machine, e.g. for a seed s:
 *   r = random.Random(s); [r.getrandbits(32) for _ in range(3)],
 *   float.hex(r.random()), [r.randint(1, 10) for _ in range(5)]
 * Doubles are compared exactly (hex literals from float.hex()).
 */
#include <stdlib.h>
#include <string.h>

#include "model/random.h"
#include "test_util.h"

typedef struct seed_case {
    uint64_t seed;
    uint32_t bits[3];
    double f;
    int64_t ints[5];
} seed_case;

static const seed_case seed_cases[] = {
    {UINT64_C(0), {3626764237U, 1654615998U, 3255389356U}, 0x1.c7ce0d1aeaa51p-1, {1, 5, 9, 8, 7}},
    {UINT64_C(1), {577090037U, 2444712010U, 3639700191U}, 0x1.9ac27c70e1aefp-1, {2, 5, 2, 8, 8}},
    {UINT64_C(42), {2746317213U, 478163327U, 107420369U}, 0x1.7bac81d19a149p-1, {4, 4, 3, 2, 9}},
    {UINT64_C(12345), {1789368711U, 3146859322U, 43676229U}, 0x1.a3edf0f4d02efp-1,
     {5, 6, 4, 5, 10}},
    {UINT64_C(4294967301), {675479763U, 2085189291U, 1213270837U}, 0x1.c7a45ce6af5ffp-1,
     {1, 6, 3, 8, 6}},
    {UINT64_C(9223372036854775819), {1560446067U, 2675119618U, 3966640065U},
     0x1.0fa4ae5e4b402p-2, {10, 10, 8, 8, 3}},
    {UINT64_C(18446744073709551615), {93740670U, 1068495656U, 1452108352U},
     0x1.3cccf60d90e01p-1, {8, 10, 2, 6, 1}},
};

/* random.Random(s): getrandbits(32) x3, random(), randint(1, 10) x5. */
static void test_seeds_match_cpython(void)
{
    for (size_t c = 0; c < sizeof seed_cases / sizeof seed_cases[0]; c++) {
        const seed_case *sc = &seed_cases[c];
        model_mt g;
        model_mt_seed(&g, sc->seed);
        for (int i = 0; i < 3; i++)
            CU_ASSERT_EQUAL(model_mt_getrandbits(&g, 32), sc->bits[i]);
        CU_ASSERT_EQUAL(model_mt_random(&g), sc->f);
        for (int i = 0; i < 5; i++) {
            int64_t v = 0;
            CU_ASSERT_EQUAL(model_mt_randint(&g, 1, 10, &v), 0);
            CU_ASSERT_EQUAL(v, sc->ints[i]);
        }
    }
}

/* r = Random(3); [r.getrandbits(k) for k in (0, 1, 7, 31, 32, 33, 53, 64, 65)] */
static void test_getrandbits_widths(void)
{
    model_mt g;
    model_mt_seed(&g, 3);
    static const unsigned ks[] = {0, 1, 7, 31, 32, 33, 53, 64};
    static const uint64_t want[] = {0, 0, 75, 1168723365, 560161641, UINT64_C(5883912612),
                                    UINT64_C(4269895870742781), UINT64_C(10714829862921516198)};
    for (size_t i = 0; i < 8; i++)
        CU_ASSERT_EQUAL(model_mt_getrandbits(&g, ks[i]), want[i]);
    uint32_t w[3] = {7, 7, 7};
    model_mt_getrandbits_words(&g, 65, w); /* 11171339666664619993 */
    CU_ASSERT_EQUAL(w[0], 281444313U);
    CU_ASSERT_EQUAL(w[1], 2601030205U);
    CU_ASSERT_EQUAL(w[2], 0U);
}

/* r = Random(5); randrange(0, 100, 7), randrange(10, -10, -3), randrange(5),
 * randrange(-5, 5), randrange(-2**63, 2**63-1), randrange(2**63-1, -2**63, -1),
 * randrange(0, 2**63-1, 2**62) */
static void test_randrange_forms(void)
{
    model_mt g;
    model_mt_seed(&g, 5);
    int64_t v;
    CU_ASSERT_EQUAL(model_mt_randrange(&g, 0, 100, 7, &v), 0);
    CU_ASSERT_EQUAL(v, 63);
    CU_ASSERT_EQUAL(model_mt_randrange(&g, 10, -10, -3, &v), 0);
    CU_ASSERT_EQUAL(v, 4);
    CU_ASSERT_EQUAL(model_mt_randrange_stop(&g, 5, &v), 0);
    CU_ASSERT_EQUAL(v, 2);
    CU_ASSERT_EQUAL(model_mt_randrange(&g, -5, 5, 1, &v), 0);
    CU_ASSERT_EQUAL(v, 3);
    CU_ASSERT_EQUAL(model_mt_randrange(&g, INT64_MIN, INT64_MAX, 1, &v), 0);
    CU_ASSERT_EQUAL(v, INT64_C(6278314744523580143));
    CU_ASSERT_EQUAL(model_mt_randrange(&g, INT64_MAX, INT64_MIN, -1, &v), 0);
    CU_ASSERT_EQUAL(v, INT64_C(-5090537039564311516));
    CU_ASSERT_EQUAL(model_mt_randrange(&g, 0, INT64_MAX, INT64_C(1) << 62, &v), 0);
    CU_ASSERT_EQUAL(v, 0);
}

/* r = Random(9); [r.randint(-2**63, 2**63-1) for _ in range(3)], r.getrandbits(32):
 * 2**64 values need 65-bit draws. */
static void test_randint_full_int64_range(void)
{
    model_mt g;
    model_mt_seed(&g, 9);
    static const int64_t want[] = {INT64_C(2088452442651338350), INT64_C(-6667770931565106180),
                                   INT64_C(3258498773874573141)};
    for (int i = 0; i < 3; i++) {
        int64_t v;
        CU_ASSERT_EQUAL(model_mt_randint(&g, INT64_MIN, INT64_MAX, &v), 0);
        CU_ASSERT_EQUAL(v, want[i]);
    }
    CU_ASSERT_EQUAL(model_mt_getrandbits(&g, 32), 1453097014U);
}

/* r = Random(7); x = list(range(10)); r.shuffle(x) */
static void test_shuffle(void)
{
    model_mt g;
    model_mt_seed(&g, 7);
    int x[10];
    for (int i = 0; i < 10; i++)
        x[i] = i;
    model_mt_shuffle(&g, x, 10, sizeof x[0]);
    static const int want[10] = {8, 3, 1, 4, 7, 0, 9, 6, 2, 5};
    for (int i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(x[i], want[i]);
}

/* Elements larger than the swap buffer are swapped whole. */
static void test_shuffle_big_elements(void)
{
    typedef struct big {
        int id;
        char pad[150];
        int tail;
    } big;
    big a[10];
    for (int i = 0; i < 10; i++) {
        memset(&a[i], 0, sizeof a[i]);
        a[i].id = a[i].tail = i;
    }
    model_mt g;
    model_mt_seed(&g, 7);
    model_mt_shuffle(&g, a, 10, sizeof a[0]);
    static const int want[10] = {8, 3, 1, 4, 7, 0, 9, 6, 2, 5};
    for (int i = 0; i < 10; i++) {
        CU_ASSERT_EQUAL(a[i].id, want[i]);
        CU_ASSERT_EQUAL(a[i].tail, want[i]);
    }
}

/* r = Random(11); [r.choice(range(7)) for _ in range(5)] */
static void test_choice(void)
{
    model_mt g;
    model_mt_seed(&g, 11);
    static const size_t want[] = {3, 6, 4, 6, 6};
    for (int i = 0; i < 5; i++) {
        size_t k = 99;
        CU_ASSERT_EQUAL(model_mt_choice_index(&g, 7, &k), 0);
        CU_ASSERT_EQUAL(k, want[i]);
    }
    size_t k = 99;
    CU_ASSERT_EQUAL(model_mt_choice_index(&g, 0, &k), -1); /* outside a run: no exception */
    CU_ASSERT_EQUAL(k, 99);
}

/* r = Random(13); uniform(2.5, 7.5), uniform(-1.0, 1.0) */
static void test_uniform(void)
{
    model_mt g;
    model_mt_seed(&g, 13);
    CU_ASSERT_EQUAL(model_mt_uniform(&g, 2.5, 7.5), 0x1.e5c3f38742b7ap+1);
    CU_ASSERT_EQUAL(model_mt_uniform(&g, -1.0, 1.0), 0x1.7b688ae8d79f4p-2);
}

/* r = Random(17); _randbelow(1) twice (each draws one bit), then getrandbits(32). */
static void test_randbelow_one_consumes_a_draw(void)
{
    model_mt g;
    model_mt_seed(&g, 17);
    CU_ASSERT_EQUAL(model_mt_randbelow(&g, 1), 0);
    CU_ASSERT_EQUAL(model_mt_randbelow(&g, 1), 0);
    CU_ASSERT_EQUAL(model_mt_getrandbits(&g, 32), 4125293655U);
}

/* ---- the module-level functions in a run -------------------------------- */

typedef struct draws {
    int64_t ints[3];
    double f;
    uint64_t bits[2];
} draws;

static void main_randint3(void *arg)
{
    draws *d = arg;
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(model_randint(1, 100, &d->ints[i]), 0);
    d->f = model_random();
}

/* An unseeded program draws as if random.seed(run seed) had been called:
 * seed 0 gives random.seed(0); [randint(1, 100) x3] = [50, 98, 54], random(). */
static void test_run_seed_seeds_the_module(void)
{
    model_opts o = model_opts_default();
    o.seed = 0;
    draws d = {{0}, 0, {0}};
    CU_ASSERT_EQUAL(model_run(&o, main_randint3, &d, NULL), 0);
    CU_ASSERT_EQUAL(d.ints[0], 50);
    CU_ASSERT_EQUAL(d.ints[1], 98);
    CU_ASSERT_EQUAL(d.ints[2], 54);
    CU_ASSERT_EQUAL(d.f, 0x1.4ba5e50921780p-5);

    /* seed 12345: random.seed(12345); getrandbits(32) x3 then random() ... the
     * first three randint(1, 100) follow the same generator. */
    o.seed = 12345;
    draws e = {{0}, 0, {0}};
    CU_ASSERT_EQUAL(model_run(&o, main_randint3, &e, NULL), 0);
    model_mt g;
    model_mt_seed(&g, 12345);
    for (int i = 0; i < 3; i++) {
        int64_t v;
        model_mt_randint(&g, 1, 100, &v);
        CU_ASSERT_EQUAL(e.ints[i], v);
    }
    CU_ASSERT_NOT_EQUAL(e.ints[0] * 10000 + e.ints[1] * 100 + e.ints[2],
                        d.ints[0] * 10000 + d.ints[1] * 100 + d.ints[2]);
}

static void main_reseed(void *arg)
{
    draws *d = arg;
    model_random_seed(-7); /* random.seed(-7) == random.seed(7)'s key */
    CU_ASSERT_EQUAL(model_getrandbits(32, &d->bits[0]), 0);
    CU_ASSERT_EQUAL(model_getrandbits(32, &d->bits[1]), 0);
    model_random_seed_default(); /* random.seed(): back to the run seed (42) */
    CU_ASSERT_EQUAL(model_randint(1, 10, &d->ints[0]), 0);
    CU_ASSERT_EQUAL(model_randint(1, 10, &d->ints[1]), 0);
}

static void test_explicit_seed_in_a_run(void)
{
    model_opts o = model_opts_default();
    o.seed = 42;
    draws d = {{0}, 0, {0}};
    CU_ASSERT_EQUAL(model_run(&o, main_reseed, &d, NULL), 0);
    CU_ASSERT_EQUAL(d.bits[0], 1390851128U); /* Random(-7).getrandbits(32) x2 */
    CU_ASSERT_EQUAL(d.bits[1], 4071050724U);
    /* random.seed() went back to the run seed: the draws after it are those
     * of a fresh generator seeded 42. */
    model_mt g;
    model_mt_seed(&g, 42);
    int64_t a, b;
    model_mt_randint(&g, 1, 10, &a);
    model_mt_randint(&g, 1, 10, &b);
    CU_ASSERT_EQUAL(d.ints[0], a);
    CU_ASSERT_EQUAL(d.ints[1], b);
}

/* Each misuse: CPython's exception type and exact message. */
typedef struct err_case {
    const char *type, *msg;
} err_case;

static err_case errs[10];
static int nerrs;

static void record_err(void)
{
    CU_ASSERT_TRUE(model_err_occurred());
    if (nerrs < 10 && model_err_occurred()) {
        errs[nerrs].type = strdup(model_err_type());
        errs[nerrs].msg = strdup(model_err_message());
        nerrs++;
    }
    model_err_clear();
}

static void main_errors(void *arg)
{
    (void)arg;
    int64_t v = 0;
    uint64_t u = 0;
    size_t k = 0;
    CU_ASSERT_EQUAL(model_randrange_stop(0, &v), -1);
    record_err();
    CU_ASSERT_EQUAL(model_randrange(5, 5, 1, &v), -1);
    record_err();
    CU_ASSERT_EQUAL(model_randrange(0, 10, 0, &v), -1);
    record_err();
    CU_ASSERT_EQUAL(model_randrange(5, 0, 1, &v), -1);
    record_err();
    CU_ASSERT_EQUAL(model_randint(3, 1, &v), -1);
    record_err();
    CU_ASSERT_EQUAL(model_choice_index(0, &k), -1);
    record_err();
    CU_ASSERT_EQUAL(model_getrandbits(-1, &u), -1);
    record_err();
    CU_ASSERT_EQUAL(model_randrange(0, 10, -1, &v), -1);
    record_err();
    CU_ASSERT_EQUAL(model_randrange(INT64_MAX, INT64_MIN, 1, &v), -1);
    record_err();
}

static void test_errors_are_cpythons(void)
{
    nerrs = 0;
    CU_ASSERT_EQUAL(model_run(NULL, main_errors, NULL, NULL), 0);
    /* python3 -c 'import random; random.randrange(0)' etc. */
    static const err_case want[] = {
        {"ValueError", "empty range for randrange()"},
        {"ValueError", "empty range for randrange() (5, 5, 0)"},
        {"ValueError", "zero step for randrange()"},
        {"ValueError", "empty range for randrange() (5, 0, -5)"},
        {"ValueError", "empty range for randrange() (3, 2, -1)"},
        {"IndexError", "Cannot choose from an empty sequence"},
        {"ValueError", "number of bits must be non-negative"},
        {"ValueError", "empty range for randrange()"},
        {"ValueError",
         "empty range for randrange() (9223372036854775807, -9223372036854775808, "
         "-18446744073709551615)"},
    };
    CU_ASSERT_EQUAL(nerrs, 9);
    for (int i = 0; i < nerrs && i < 9; i++) {
        TS_ASSERT_STR_EQ(errs[i].type, want[i].type);
        TS_ASSERT_STR_EQ(errs[i].msg, want[i].msg);
        free((char *)errs[i].type);
        free((char *)errs[i].msg);
    }
}

TS_TESTS("random", TS_TEST(test_seeds_match_cpython), TS_TEST(test_getrandbits_widths),
         TS_TEST(test_randrange_forms), TS_TEST(test_randint_full_int64_range),
         TS_TEST(test_shuffle), TS_TEST(test_shuffle_big_elements), TS_TEST(test_choice),
         TS_TEST(test_uniform), TS_TEST(test_randbelow_one_consumes_a_draw),
         TS_TEST(test_run_seed_seeds_the_module), TS_TEST(test_explicit_seed_in_a_run),
         TS_TEST(test_errors_are_cpythons))
