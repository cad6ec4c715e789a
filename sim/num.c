/* sim/num.c — strict number parsing (see num.h). */
#include "num.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

static bool num__digit(char c) { return c >= '0' && c <= '9'; }

int sim_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !num__digit(*s))
        return SIM_NUM_SYNTAX;
    uint64_t v = 0;
    bool over = false;
    for (; *s; s++) {
        if (!num__digit(*s))
            return SIM_NUM_SYNTAX;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            over = true; /* keep reading: "12x" with a long prefix is still bad syntax */
        else
            v = v * 10 + d;
    }
    if (over || v > max)
        return SIM_NUM_RANGE;
    *out = v;
    return SIM_NUM_OK;
}

int sim_parse_secs(const char *s, double max, double *out)
{
    if (!s)
        return SIM_NUM_SYNTAX;
    const char *p = s;
    unsigned ndig = 0;
    while (num__digit(*p))
        p++, ndig++;
    if (*p == '.') {
        p++;
        while (num__digit(*p))
            p++, ndig++;
    }
    if (ndig == 0)
        return SIM_NUM_SYNTAX;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!num__digit(*p))
            return SIM_NUM_SYNTAX;
        while (num__digit(*p))
            p++;
    }
    if (*p)
        return SIM_NUM_SYNTAX;
    /* strtod reads this plain form the same way as long as LC_NUMERIC is
     * "C", which nothing in threadsim changes */
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end != p)
        return SIM_NUM_SYNTAX;
    if (errno == ERANGE || !isfinite(v) || v > max)
        return SIM_NUM_RANGE;
    *out = v;
    return SIM_NUM_OK;
}
