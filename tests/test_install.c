/*
 * tests/test_install.c — threadsim as installed: `cmake --install` into a
 * temporary prefix, and the Debian package of `make deb` (dpkg-buildpackage,
 * tools/deb.sh) installed by dpkg into a temporary root.
 *
 * The installed binary is run from a directory outside the source tree,
 * with THREADSIM_DATA unset, so that it must find its expected outputs
 * beside itself (PREFIX/share/threadsim/expected); it checks the built-in
 * scenarios and runs a .py program. The man pages are there for every
 * command, the bash and zsh completions complete commands, options, scenario
 * names and run ids from the installed binary, and a scenario written outside
 * the tree (tests/install/hello_scenario.c) builds against the installed
 * libthreadsim with `pkg-config --cflags --libs threadsim`, shared and
 * static, and prints what its threads print.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#define SRC THREADSIM_SOURCE_DIR
#define BUILD THREADSIM_BUILD_DIR
#define CFLAGS "-std=c17 -Wall -Wextra -Werror " THREADSIM_SCENARIO_CFLAGS

static char dir[64]; /* the suite's temporary directory: prefix/, deb/, work/ */

static void setup(void)
{
    if (dir[0])
        return;
    snprintf(dir, sizeof dir, "/tmp/ts-install-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    /* the installed binary must find its data by itself */
    unsetenv("THREADSIM_DATA");
}

/* Run a shell command in dir/work; returns its stdout and stderr. */
static char *sh(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *sh(int *status, const char *fmt, ...)
{
    setup();
    va_list ap;
    va_start(ap, fmt);
    char where[4200];
    snprintf(where, sizeof where, "%s/work", dir);
    char *out = ts_shell_in_v(where, true, status, fmt, ap);
    va_end(ap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    return out;
}

/* sh() that must exit 0; prints the output if it does not. */
static char *sh_ok(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *sh_ok(const char *what, const char *fmt, ...)
{
    char args[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    int st = -1;
    char *out = sh(&st, "%s", args);
    if (st != 0)
        fprintf(stderr, "\n%s: exit %d:\n%s\n", what, st, out);
    CU_ASSERT_EQUAL(st, 0);
    return out;
}

static const char prog_py[] =
    "import threading, time\n"
    "def f(n):\n"
    "    time.sleep(n)\n"
    "    print('thread', n, threading.current_thread().name)\n"
    "ts = [threading.Thread(target=f, args=(i,), name='t%d' % i) for i in (2, 1)]\n"
    "for t in ts: t.start()\n"
    "for t in ts: t.join()\n"
    "print('done', time.monotonic())\n";
static const char prog_out[] = "thread 1 t1\nthread 2 t2\ndone 2.0\n";

/* The installed (or unpacked) binary ROOT/bin/threadsim: check on the
 * expected outputs beside it, and a .py program from the work directory. */
static void smoke(const char *root)
{
    char *out = sh_ok("check", "'%s/bin/threadsim' check --no-db", root);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " 0 failed, 0 could not be checked"));
    free(out);
    FILE *f = fopen("prog.py", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(prog_py, f);
    fclose(f);
    out = sh_ok("run prog.py", "'%s/bin/threadsim' run ../prog.py --no-db", root);
    TS_ASSERT_STR_EQ(out, prog_out);
    free(out);
}

static void test_install_prefix(void)
{
    setup();
    char *out = sh_ok("cmake --install", "cmake --install '%s' --prefix '%s/prefix' >/dev/null",
                      BUILD, dir);
    free(out);
    static const char *const files[] = {
        "bin/threadsim",
        "lib/libthreadsim.a",
        "lib/libthreadsim.so",
        "lib/pkgconfig/threadsim.pc",
        "include/threadsim/sim/sched.h",
        "include/threadsim/model/thread.h",
        "share/threadsim/expected/daemon-join/no-join.out",
        "share/bash-completion/completions/threadsim",
        "share/zsh/site-functions/_threadsim",
        "share/man/man1/threadsim.1",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/prefix/%s", dir, files[i]);
        if (access(path, R_OK) != 0)
            fprintf(stderr, "\nnot installed: %s\n", files[i]);
        CU_ASSERT_EQUAL(access(path, R_OK), 0);
    }
}

static void test_installed_runs(void)
{
    char root[128];
    snprintf(root, sizeof root, "%s/prefix", dir);
    /* smoke() writes prog.py in the suite's directory, outside any checkout */
    CU_ASSERT_EQUAL_FATAL(chdir(dir), 0);
    smoke(root);
}

/* One man page per command, each made from the command's --help text. */
static void test_man_pages(void)
{
    char *cmds = sh_ok("help --commands", "'%s/prefix/bin/threadsim' help --commands", dir);
    int n = 0;
    for (char *save = NULL, *c = strtok_r(cmds, "\n", &save); c; c = strtok_r(NULL, "\n", &save)) {
        char *page = sh_ok("man page", "cat '%s/prefix/share/man/man1/threadsim-%s.1'", dir, c);
        char th[128];
        snprintf(th, sizeof th, ".TH threadsim-%s 1 ", c);
        CU_ASSERT_PTR_NOT_NULL(strstr(page, th));
        CU_ASSERT_PTR_NOT_NULL(strstr(page, ".SH SYNOPSIS\n.nf\nthreadsim "));
        free(page);
        n++;
    }
    free(cmds);
    CU_ASSERT(n >= 12);
    /* run's page: its options, with '-' as \- */
    char *page = sh_ok("run(1)", "cat '%s/prefix/share/man/man1/threadsim-run.1'", dir);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "\\-\\-max\\-events N"));
    free(page);
    /* and man reads them, when it is installed */
    int st;
    char *out = sh(&st, "command -v man >/dev/null || exit 77; "
                        "MANWIDTH=80 man -l '%s/prefix/share/man/man1/threadsim-check.1'", dir);
    if (st != 77) {
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "--junit"));
    }
    free(out);
}

/* bash completion: COMPREPLY for the words given (the last is completed). */
static char *complete(const char *words)
{
    return sh_ok("completion",
                 "PATH='%s/prefix/bin':$PATH bash -c '"
                 "source \"%s/prefix/share/bash-completion/completions/threadsim\"; "
                 "COMP_WORDS=(%s); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _threadsim; "
                 "printf \"%%s\\n\" \"${COMPREPLY[@]}\" | sort -u'",
                 dir, dir, words);
}

static void test_bash_completion(void)
{
    char *out = complete("threadsim ru");
    TS_ASSERT_STR_EQ(out, "run\nruns\n");
    free(out);
    out = complete("threadsim check --ju");
    TS_ASSERT_STR_EQ(out, "--junit\n");
    free(out);
    out = complete("threadsim run daemon-join/no-j");
    TS_ASSERT_STR_EQ(out, "daemon-join/no-join\n");
    free(out);
    out = sh_ok("record", "'%s/prefix/bin/threadsim' run daemon-join/no-join --db c.db >/dev/null", dir);
    free(out);
    out = complete("threadsim show --db c.db \"\"");
    TS_ASSERT_STR_EQ(out, "1\nlast\n");
    free(out);
}

/* zsh completion: the installed _threadsim autoloaded by zsh itself and run
 * with the completion system's words/CURRENT for the line given (the last
 * word completed), compadd and _files standing in for the completion
 * widgets: what it would offer, one per line. */
static char *zcomplete(const char *fpath, const char *words)
{
    char script[128];
    snprintf(script, sizeof script, "%s/zcomplete.zsh", dir);
    FILE *f = fopen(script, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("compadd() { if [[ $1 == -a ]]; then print -l -- ${(P)2}; else print -l -- \"$@\"; fi }\n"
          "_files() { print -- \"<files $*>\" }\n"
          "fpath=($1 $fpath)\n"
          "autoload -Uz _threadsim\n"
          "shift\n"
          "words=(\"$@\")\n"
          "CURRENT=${#words}\n"
          "_threadsim\n",
          f);
    fclose(f);
    return sh_ok("zsh completion", "PATH='%s/prefix/bin':$PATH zsh -f '%s' '%s' %s | sort -u", dir,
                 script, fpath, words);
}

static void test_zsh_completion(void)
{
    char fpath[128];
    snprintf(fpath, sizeof fpath, "%s/prefix/share/zsh/site-functions", dir);
    char *out = zcomplete(fpath, "threadsim ''");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nrun\nruns\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nexplore\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--version\n"));
    free(out);
    out = zcomplete(fpath, "threadsim check --");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--junit\n"));
    CU_ASSERT_PTR_NULL(strstr(out, "--trace\n")); /* run's, not check's */
    free(out);
    out = zcomplete(fpath, "threadsim run ''");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "daemon-join/no-join\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<files -g *.py>\n"));
    free(out);
    out = zcomplete(fpath, "threadsim run --db ''");
    TS_ASSERT_STR_EQ(out, "<files >\n");
    free(out);
    /* run ids from the database named on the line (c.db: test_bash_completion's) */
    out = zcomplete(fpath, "threadsim show --db c.db ''");
    TS_ASSERT_STR_EQ(out, "1\nlast\n");
    free(out);
}

/* tests/install/hello_scenario.c against the installed library. */
static const char hello_out[] = "worker 1 at 1.000\nworker 2 at 2.000\ndone at 2.000\n";

/* `lib`: the library folder under the prefix (lib, or Debian's lib/ARCH) */
static void build_scenario(const char *prefix, const char *lib)
{
    char *out = sh_ok("pkg-config, shared",
                      "export PKG_CONFIG_PATH='%s/%s/pkgconfig'; "
                      "cc " CFLAGS " -o hello '%s/tests/install/hello_scenario.c' "
                      "$(pkg-config --cflags --libs threadsim) && LD_LIBRARY_PATH='%s/%s' ./hello",
                      prefix, lib, SRC, prefix, lib);
    TS_ASSERT_STR_EQ(out, hello_out);
    free(out);
    out = sh_ok("pkg-config, static",
                "export PKG_CONFIG_PATH='%s/%s/pkgconfig'; "
                "cc " CFLAGS " -o hello-static '%s/tests/install/hello_scenario.c' "
                "$(pkg-config --cflags threadsim) '%s/%s/libthreadsim.a' -lm && ./hello-static",
                prefix, lib, SRC, prefix, lib);
    TS_ASSERT_STR_EQ(out, hello_out);
    free(out);
}

static void test_out_of_tree_scenario(void)
{
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s/prefix", dir);
    build_scenario(prefix, "lib");
}

/* make deb's package, built by dpkg-buildpackage from debian/ (on a copy
 * of the tree): well-formed, its dependencies real packages (installed
 * here, as the build needs them), installed with dpkg into a root of its
 * own (dpkg --root: the host's packages are not touched) and working there,
 * then removed without a file left behind. */
static void test_deb(void)
{
    char *deb = sh_ok("deb", "'%s/tools/deb.sh' '%s/deb'", SRC, dir);
    char *nl = strchr(deb, '\n');
    if (nl)
        *nl = '\0';
    char *out = sh_ok("dpkg-deb -f", "dpkg-deb -f '%s' Package Depends", deb);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Package: threadsim\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "libpython3.11"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "libsqlite3-0"));
    free(out);
    /* each dependency (dh_shlibdeps' and debian/control's) is a package the host has */
    out = sh_ok("Depends installed",
                "dpkg-deb -f '%s' Depends | tr ',' '\\n' | sed 's/(.*//; s/ //g' | "
                "while read p; do dpkg-query -W -f='${Status}\\n' \"$p\" | "
                "grep -q 'install ok installed' || echo \"missing $p\"; done",
                deb);
    TS_ASSERT_STR_EQ(out, "");
    free(out);
    out = sh_ok("dpkg-deb -c", "dpkg-deb -c '%s'", deb);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " root/root "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "./usr/share/man/man1/threadsim-run.1.gz"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "./usr/share/zsh/vendor-completions/_threadsim"));
    free(out);
    out = sh_ok("dpkg -i",
                "r='%s/root'; mkdir -p \"$r/var/lib/dpkg/info\" \"$r/var/lib/dpkg/updates\" && "
                "touch \"$r/var/lib/dpkg/status\" && "
                "dpkg --root=\"$r\" --log=/dev/null --force-depends --force-not-root "
                "--force-script-chrootless -i '%s' >/dev/null 2>&1 && "
                "dpkg --root=\"$r\" -s threadsim | grep '^Status:'",
                dir, deb);
    TS_ASSERT_STR_EQ(out, "Status: install ok installed\n");
    free(out);
    free(deb);
    char usr[128];
    snprintf(usr, sizeof usr, "%s/root/usr", dir);
    CU_ASSERT_EQUAL_FATAL(chdir(dir), 0);
    smoke(usr);
    /* its threadsim.pc, moved with the tree, still finds the library */
    char lib[64];
    char *arch = sh_ok("arch", "dpkg-architecture -qDEB_HOST_MULTIARCH");
    nl = strchr(arch, '\n');
    if (nl)
        *nl = '\0';
    snprintf(lib, sizeof lib, "lib/%s", arch);
    free(arch);
    build_scenario(usr, lib);
    /* Debian's zsh finds the completion where the package put it */
    char fpath[160];
    snprintf(fpath, sizeof fpath, "%s/share/zsh/vendor-completions", usr);
    out = zcomplete(fpath, "threadsim ru");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "run\n"));
    free(out);
    out = sh_ok("dpkg -r",
                "dpkg --root='%s/root' --log=/dev/null --force-not-root --force-script-chrootless "
                "-r threadsim >/dev/null 2>&1; find '%s/root' -path '*/var/lib/dpkg' -prune -o "
                "-type f -print | wc -l",
                dir, dir);
    TS_ASSERT_STR_EQ(out, "0\n");
    free(out);
}

static void test_cleanup(void)
{
    CU_ASSERT_EQUAL(ts_remove_tree(dir), 0);
}

TS_TESTS("install", TS_TEST(test_install_prefix), TS_TEST(test_installed_runs),
         TS_TEST(test_man_pages), TS_TEST(test_bash_completion), TS_TEST(test_zsh_completion),
         TS_TEST(test_out_of_tree_scenario), TS_TEST(test_deb), TS_TEST(test_cleanup))
