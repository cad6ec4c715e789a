/*
 * tools/explore_html.h — the explorer's teaching page (`threadsim export
 * PROGRAM --format html --explore`): one self-contained html file that says
 * "this program can print N different things", shows each outcome with its
 * path of choices, and lets a student choose which ready thread runs at each
 * decision and see where that leads.
 *
 * The page is built from a dfs exploration (every schedule within the
 * bound): each recorded run is walked into a tree of its choices; a choice
 * the search never varied (one explored child) is folded into the edge, so
 * the student is asked only where a different choice was explored, and each
 * button says which outcomes it can still lead to.
 */
#ifndef TS_EXPLORE_HTML_H
#define TS_EXPLORE_HTML_H

#include <stdio.h>

#include "explore.h"

typedef struct x_tree x_tree;

x_tree *x_tree_new(void);
/* A ts_x_on_run: add one run (ud is the tree). */
void x_tree_add(void *ud, const ts_x_dec *dec, size_t ndec, char *const *names, uint32_t nnames,
                long outcome);
/* Write the page. `what` says how it was explored ("every schedule with at
 * most 2 preemptions"); `estimate`, if not NULL, what a sampled search likely
 * missed (the report's Good-Turing and Chao1 line). Returns 0, or -1 on
 * out-of-memory or a write error. */
int x_tree_html(x_tree *t, const ts_x_result *r, const char *program, const char *what,
                const char *estimate, FILE *out);
void x_tree_free(x_tree *t);

#endif
