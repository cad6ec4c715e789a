/*
 * tests/test_num.c — the one way numbers are parsed (sim/num.h): decimal
 * digits for integers, plain decimal for seconds, everything else refused,
 * and out-of-range values refused rather than clamped.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/num.h"
#include "test_util.h"

#define U64_SENTINEL UINT64_C(0xdeadbeef)

static void expect_u64(const char *s, uint64_t max, int rc, uint64_t want, int line)
{
    uint64_t v = U64_SENTINEL;
    int got = sim_parse_u64(s, max, &v);
    if (got != rc || v != (rc == SIM_NUM_OK ? want : U64_SENTINEL))
        fprintf(stderr, "\nline %d: sim_parse_u64(\"%s\", %llu) = %d, %llu; want %d, %llu\n", line,
                s ? s : "(null)", (unsigned long long)max, got, (unsigned long long)v, rc,
                (unsigned long long)want);
    CU_ASSERT_EQUAL(got, rc);
    CU_ASSERT_EQUAL(v, rc == SIM_NUM_OK ? want : U64_SENTINEL); /* untouched on error */
}
#define U64(s, max, rc, want) expect_u64(s, max, rc, want, __LINE__)

static void test_u64_digits(void)
{
    U64("0", UINT64_MAX, SIM_NUM_OK, 0);
    U64("42", UINT64_MAX, SIM_NUM_OK, 42);
    U64("007", UINT64_MAX, SIM_NUM_OK, 7);
    U64("18446744073709551615", UINT64_MAX, SIM_NUM_OK, UINT64_MAX);
    U64("10", 10, SIM_NUM_OK, 10);
}

static void test_u64_out_of_range(void)
{
    U64("18446744073709551616", UINT64_MAX, SIM_NUM_RANGE, 0);
    U64("99999999999999999999999", UINT64_MAX, SIM_NUM_RANGE, 0);
    U64("184467440737095516150", UINT64_MAX, SIM_NUM_RANGE, 0);
    U64("11", 10, SIM_NUM_RANGE, 0);
    U64("9223372036854775808", INT64_MAX, SIM_NUM_RANGE, 0);
    /* a long overflowing prefix with a bad tail is a syntax error */
    U64("99999999999999999999999x", UINT64_MAX, SIM_NUM_SYNTAX, 0);
}

static void test_u64_refuses_other_forms(void)
{
    const char *bad[] = {"", " 5", "5 ", "+5", "-5", "-0", "0x10", "1e3", "1.0", "5\n", "١", "5_000",
                         "\t5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        U64(bad[i], UINT64_MAX, SIM_NUM_SYNTAX, 0);
    U64(NULL, UINT64_MAX, SIM_NUM_SYNTAX, 0);
}

static void expect_secs(const char *s, double max, int rc, double want, int line)
{
    double v = -7;
    int got = sim_parse_secs(s, max, &v);
    if (got != rc || (rc == SIM_NUM_OK ? v != want : v != -7))
        fprintf(stderr, "\nline %d: sim_parse_secs(\"%s\") = %d, %g; want %d, %g\n", line, s, got,
                v, rc, want);
    CU_ASSERT_EQUAL(got, rc);
    CU_ASSERT_TRUE(rc == SIM_NUM_OK ? v == want : v == -7);
}
#define SECS(s, max, rc, want) expect_secs(s, max, rc, want, __LINE__)

static void test_secs_forms(void)
{
    SECS("2", 1e9, SIM_NUM_OK, 2);
    SECS("0.5", 1e9, SIM_NUM_OK, 0.5);
    SECS(".5", 1e9, SIM_NUM_OK, 0.5);
    SECS("5.", 1e9, SIM_NUM_OK, 5);
    SECS("1e-3", 1e9, SIM_NUM_OK, 1e-3);
    SECS("2.5E2", 1e9, SIM_NUM_OK, 250);
    SECS("1e+2", 1e9, SIM_NUM_OK, 100);
    SECS("0", 1e9, SIM_NUM_OK, 0);
    SECS("1e9", 1e9, SIM_NUM_OK, 1e9);
}

static void test_secs_refuses(void)
{
    const char *bad[] = {"", ".", "e3", "1e", "1e+", " 1", "1 ", "+1", "-1", "-0", "inf", "nan",
                         "Infinity", "0x1p3", "1,5", "1..2", "1e3.5", "1s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        SECS(bad[i], 1e9, SIM_NUM_SYNTAX, 0);
    SECS("1000000001", 1e9, SIM_NUM_RANGE, 0);
    SECS("1e400", 1e9, SIM_NUM_RANGE, 0);   /* overflows a double */
    SECS("1e400", INFINITY, SIM_NUM_RANGE, 0);
    SECS("1e-400", 1e9, SIM_NUM_RANGE, 0);  /* underflows */
}

TS_TESTS("num", TS_TEST(test_u64_digits), TS_TEST(test_u64_out_of_range),
         TS_TEST(test_u64_refuses_other_forms), TS_TEST(test_secs_forms),
         TS_TEST(test_secs_refuses))
