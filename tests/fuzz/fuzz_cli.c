/*
 * tests/fuzz/fuzz_cli.c — libFuzzer target: the command line's option
 * parsers and the numeric parsers under them (sim/num.h). The input is
 * split at NUL bytes into argv words; each position is offered to the run,
 * Python, policy and database option parsers as the commands do, and each
 * word to sim_parse_u64, sim_parse_secs and ts_parse_size. A bad word must
 * be refused with a message (on stderr, closed by the smoke run), never
 * crash or be half-read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../model/core.h"
#include "../../sim/num.h"
#include "../../tools/cli.h"
#include "../../tools/cmd_py.h"
#include "../../tools/record.h"

#define FUZZ_MAX_WORDS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[FUZZ_MAX_WORDS + 1];
    int argc = 0;
    for (size_t i = 0; i <= size && argc < FUZZ_MAX_WORDS;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    for (int i = 0; i < argc; i++) {
        uint64_t u;
        double d;
        sim_parse_u64(argv[i], UINT64_MAX, &u);
        sim_parse_u64(argv[i], 1000, &u);
        sim_parse_secs(argv[i], 1e9, &d);
        ts_parse_size("--max-db-size", argv[i], &u);
    }
    model_opts o = model_opts_default();
    ts_db_opts db = ts_db_opts_default();
    ts_policy_opts pol = ts_policy_opts_default();
    ts_py_cli saved = ts_py;
    for (int i = 0; i < argc;) {
        int k = ts_parse_run_option(argc - i, argv + i, &o, NULL);
        if (k == 0)
            k = ts_parse_policy_option(argc - i, argv + i, &pol);
        if (k == 0)
            k = ts_parse_db_option(argc - i, argv + i, &db);
        if (k == 0)
            k = ts_parse_py_option(argc - i, argv + i);
        if (k > argc - i)
            abort(); /* consumed more words than there were */
        i += k > 0 ? k : 1;
    }
    ts_py_env_clear(); /* (what --env allocated: saved has none of it) */
    ts_py = saved;
    free(buf);
    return 0;
}
