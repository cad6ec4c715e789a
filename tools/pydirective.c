/*
 * tools/pydirective.c — reading a corpus program's `# threadsim:` directives
 * (see pydirective.h for the rules). Line by line over the text; a line is
 * a directive only if it starts with the tag exactly, so indented comments
 * and code are never taken for one.
 */
#include "pydirective.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/num.h"

static const char pydir__tag[] = "# threadsim: ";

/* An integer in [lo, hi] (decimal digits, sim/num.h) and nothing else but
 * trailing blanks. */
static bool pydir__int(const char *s, int lo, int hi, int *out)
{
    char buf[32];
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    if (n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    uint64_t v;
    if (sim_parse_u64(buf, (uint64_t)hi, &v) != SIM_NUM_OK || v < (uint64_t)lo)
        return false;
    *out = (int)v;
    return true;
}

int ts_pydirectives_parse(const char *src, ts_pydirectives *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->python = 3;
    bool seen_python = false, seen_scenario = false, seen_options = false, seen_exit = false;
    bool seen_args = false;
    const size_t tlen = sizeof pydir__tag - 1;
    for (const char *line = src; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len >= tlen && strncmp(line, pydir__tag, tlen) == 0) {
            char buf[512];
            if (len - tlen >= sizeof buf) {
                if (errlen)
                    snprintf(err, errlen, "a '# threadsim:' directive line is too long");
                return -1;
            }
            memcpy(buf, line + tlen, len - tlen);
            buf[len - tlen] = '\0';
            size_t blen = strlen(buf);
            while (blen && (buf[blen - 1] == '\r' || buf[blen - 1] == ' '))
                buf[--blen] = '\0';
            if (strncmp(buf, "python ", 7) == 0 && !seen_python) {
                seen_python = true;
                if (!pydir__int(buf + 7, 2, 3, &d->python)) {
                    if (errlen)
                        snprintf(err, errlen, "'# threadsim: python' needs 2 or 3, not '%s'",
                                 buf + 7);
                    return -1;
                }
            } else if (strncmp(buf, "scenario ", 9) == 0 && !seen_scenario) {
                seen_scenario = true;
                sscanf(buf + 9, "%127s", d->scenario);
            } else if (strncmp(buf, "args ", 5) == 0 && !seen_args) {
                seen_args = true;
                snprintf(d->args, sizeof d->args, "%s", buf + 5);
            } else if (strncmp(buf, "options ", 8) == 0 && !seen_options) {
                seen_options = true;
                snprintf(d->options, sizeof d->options, "%s", buf + 8);
            } else if (strncmp(buf, "exit ", 5) == 0 && !seen_exit) {
                seen_exit = true;
                if (!pydir__int(buf + 5, 0, 255, &d->exit_status)) {
                    if (errlen)
                        snprintf(err, errlen, "'# threadsim: exit' needs a status 0-255, not '%s'",
                                 buf + 5);
                    return -1;
                }
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

int ts_pydirectives_split(char *s, char **argv, int max)
{
    int n = 0;
    for (char *p = s; *p;) {
        while (*p && isspace((unsigned char)*p))
            *p++ = '\0';
        if (!*p)
            break;
        if (n == max)
            return -1;
        argv[n++] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
    }
    return n;
}
