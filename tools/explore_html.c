/* tools/explore_html.c — see explore_html.h. */
#include "explore_html.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/buf.h"
#include "../traces/json.h"

static void html__esc(sim_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '<')
            sim_buf_adds(b, "&lt;");
        else if (c == '>')
            sim_buf_adds(b, "&gt;");
        else if (c == '&')
            sim_buf_adds(b, "&amp;");
        else if (c == '"')
            sim_buf_adds(b, "&quot;");
        else
            sim_buf_addc(b, c);
    }
}

static void html__str(sim_buf *b, const char *s) { html__esc(b, s, strlen(s)); }

/* A JSON string inside <script>: every '<' as \u003c, so that nothing the
 * program printed ("</script>", "<!--<script>") is markup to the HTML
 * parser (the same string to JSON.parse and to JavaScript) */
static void json__script(sim_buf *b, const char *s, size_t n)
{
    sim_buf t = {0};
    trace_json_string(&t, s, n);
    for (size_t i = 0; i < t.len; i++) {
        if (t.p[i] == '<')
            sim_buf_adds(b, "\\u003c");
        else
            sim_buf_addc(b, t.p[i]);
    }
    sim_buf_free(&t);
}

typedef struct x_kid {
    uint32_t choice;          /* the index chosen at the decision */
    uint32_t node;            /* where it leads */
    char *label;              /* "Thread-1 goes on", "switch to MainThread", "timer 2 fires first" */
    bool dflt;                /* FIFO's own choice there */
} x_kid;

typedef struct x_node {
    long leaf;                /* the outcome if a run ends here, else -1 */
    long outcome;             /* an outcome reachable from here (its output has the prefix) */
    size_t out_len;           /* output printed before this point */
    x_kid *kids;
    uint32_t nkids;
    /* after folding: */
    uint32_t id;              /* index in the page's node list */
    uint64_t *reach;          /* bitset of outcomes reachable */
} x_node;

struct x_tree {
    x_node *n;
    uint32_t len, cap;
    bool oom;
};

static uint32_t tree__node(x_tree *t)
{
    if (t->len == t->cap) {
        uint32_t cap = t->cap ? 2 * t->cap : 256;
        x_node *n = realloc(t->n, cap * sizeof *n);
        if (!n) {
            t->oom = true;
            return UINT32_MAX;
        }
        t->n = n;
        t->cap = cap;
    }
    memset(&t->n[t->len], 0, sizeof t->n[t->len]);
    t->n[t->len].leaf = -1;
    t->n[t->len].outcome = -1;
    return t->len++;
}

x_tree *x_tree_new(void)
{
    x_tree *t = calloc(1, sizeof *t);
    if (t && tree__node(t) == UINT32_MAX) {
        free(t);
        return NULL;
    }
    return t;
}

static char *tree__label(const ts_x_dec *d, char *const *names, uint32_t nnames)
{
    char buf[256];
    if (d->thread == SIM_NONE) {
        snprintf(buf, sizeof buf, "timer %u fires first", d->chosen + 1);
    } else {
        const char *name = d->thread < nnames && names[d->thread] ? names[d->thread] : NULL;
        char fallback[32];
        if (!name) {
            snprintf(fallback, sizeof fallback, d->thread == 0 ? "MainThread" : "thread #%u",
                     d->thread);
            name = fallback;
        }
        if (d->step && d->chosen == d->n - 1)
            snprintf(buf, sizeof buf, "%s goes on", name);
        else if (d->step)
            snprintf(buf, sizeof buf, "switch to %s", name);
        else
            snprintf(buf, sizeof buf, "%s runs", name);
    }
    return strdup(buf);
}

void x_tree_add(void *ud, const ts_x_dec *dec, size_t ndec, char *const *names, uint32_t nnames,
                long outcome)
{
    x_tree *t = ud;
    if (t->oom)
        return;
    uint32_t at = 0;
    for (size_t i = 0; i < ndec; i++) {
        x_node *nd = &t->n[at];
        if (nd->outcome < 0) {
            nd->outcome = outcome;
            nd->out_len = dec[i].out_len;
        }
        uint32_t k = 0;
        while (k < nd->nkids && nd->kids[k].choice != dec[i].chosen)
            k++;
        if (k == nd->nkids) {
            x_kid *kk = realloc(nd->kids, (nd->nkids + 1) * sizeof *kk);
            if (!kk) {
                t->oom = true;
                return;
            }
            nd->kids = kk;
            uint32_t child = tree__node(t);
            if (child == UINT32_MAX)
                return;
            nd = &t->n[at]; /* the array may have moved */
            bool dflt = dec[i].chosen == (dec[i].step ? dec[i].n - 1 : 0);
            nd->kids[k] = (x_kid){dec[i].chosen, child, tree__label(&dec[i], names, nnames), dflt};
            nd->nkids++;
        }
        at = nd->kids[k].node;
    }
    x_node *end = &t->n[at];
    end->leaf = outcome;
    if (end->outcome < 0)
        end->outcome = outcome;
    end->out_len = SIZE_MAX; /* the whole output */
}

void x_tree_free(x_tree *t)
{
    if (!t)
        return;
    for (uint32_t i = 0; i < t->len; i++) {
        for (uint32_t k = 0; k < t->n[i].nkids; k++)
            free(t->n[i].kids[k].label);
        free(t->n[i].kids);
        free(t->n[i].reach);
    }
    free(t->n);
    free(t);
}

/* Follow single-child chains: where a choice was never varied, the student
 * is not asked. Returns the node where the next real choice (or the end) is. */
static uint32_t tree__fold(const x_tree *t, uint32_t at)
{
    while (t->n[at].nkids == 1 && t->n[at].leaf < 0)
        at = t->n[at].kids[0].node;
    return at;
}

/* Outcomes reachable from each node (bitsets of `words` words), bottom-up:
 * children are created after their parents, so a reverse sweep works. */
static int tree__reach(x_tree *t, size_t nout)
{
    size_t words = (nout + 63) / 64 ? (nout + 63) / 64 : 1;
    for (uint32_t i = t->len; i-- > 0;) {
        x_node *nd = &t->n[i];
        nd->reach = calloc(words, sizeof *nd->reach);
        if (!nd->reach)
            return -1;
        if (nd->leaf >= 0)
            nd->reach[nd->leaf / 64] |= 1ULL << (nd->leaf % 64);
        for (uint32_t k = 0; k < nd->nkids; k++)
            for (size_t w = 0; w < words; w++)
                nd->reach[w] |= t->n[nd->kids[k].node].reach[w];
    }
    return 0;
}

static void tree__reach_json(sim_buf *b, const uint64_t *reach, size_t nout)
{
    sim_buf_addc(b, '[');
    bool first = true;
    for (size_t o = 0; o < nout; o++)
        if (reach[o / 64] >> (o % 64) & 1) {
            sim_buf_printf(b, "%s%zu", first ? "" : ",", o);
            first = false;
        }
    sim_buf_addc(b, ']');
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<title>threadsim explore</title>\n<style>\n"
    "body{font:15px/1.45 system-ui,sans-serif;margin:24px auto;max-width:980px;color:#222}\n"
    "h1{font-size:22px}h2{font-size:18px;margin-top:28px}\n"
    "pre{background:#f4f4f4;border:1px solid #ddd;padding:8px;white-space:pre-wrap;margin:6px 0}\n"
    ".card{border:1px solid #ccc;border-radius:6px;padding:10px 14px;margin:10px 0}\n"
    ".fail{border-color:#c33;background:#fff6f6}.tag{font-weight:600}\n"
    ".path{font-size:13px;color:#555}.path span{white-space:nowrap}\n"
    "button{font:inherit;margin:4px 6px 4px 0;padding:5px 10px;cursor:pointer}\n"
    "#choices button{display:block}\n"
    "#where{font-weight:600}\n"
    "</style></head><body>\n";

static const char page_script[] =
    "<script>\n"
    "const N = DATA.nodes, O = DATA.outcomes;\n"
    "let path = [0];\n"
    "function esc(s){return s.replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));}\n"
    "function names(list){return list.map(i=>'#'+(i+1)).join(', ');}\n"
    "function render(){\n"
    "  const at = N[path[path.length-1]];\n"
    "  const o = O[at.o];\n"
    "  const shown = at.len < 0 ? o.output : o.output.slice(0, at.len);\n"
    "  document.getElementById('sofar').textContent = shown.length ? shown : '(nothing printed yet)';\n"
    "  const ch = document.getElementById('choices');\n"
    "  ch.innerHTML = '';\n"
    "  const where = document.getElementById('where');\n"
    "  if (at.leaf >= 0 && at.kids.length === 0) {\n"
    "    const lo = O[at.leaf];\n"
    "    where.textContent = 'The program ended: outcome #' + (at.leaf+1) + ', exit status ' + lo.exit +\n"
    "      (lo.failure ? ' (' + lo.failure + ')' : '');\n"
    "  } else {\n"
    "    where.textContent = 'Decision ' + path.length + ': which thread runs next? (this point can still lead to ' +\n"
    "      at.reach.length + ' outcome' + (at.reach.length === 1 ? '' : 's') + ': ' + names(at.reach) + ')';\n"
    "    at.kids.forEach(([label, to], i) => {\n"
    "      const b = document.createElement('button');\n"
    "      b.className = 'choice';\n"
    "      b.dataset.index = i;\n"
    "      b.textContent = label + '  \\u2192 can lead to ' + names(N[to].reach);\n"
    "      b.onclick = () => { path.push(to); render(); };\n"
    "      ch.appendChild(b);\n"
    "    });\n"
    "  }\n"
    "  document.getElementById('back').disabled = path.length < 2;\n"
    "}\n"
    "document.getElementById('back').onclick = () => { if (path.length > 1) { path.pop(); render(); } };\n"
    "document.getElementById('restart').onclick = () => { path = [0]; render(); };\n"
    "render();\n"
    "</script>\n</body></html>\n";

int x_tree_html(x_tree *t, const ts_x_result *r, const char *program, const char *what,
                const char *estimate, FILE *out)
{
    if (t->oom || tree__reach(t, r->nout) != 0)
        return -1;
    /* the page's nodes: the root's fold, then every node a kid folds to */
    uint32_t *order = malloc(t->len * sizeof *order);
    if (!order)
        return -1;
    for (uint32_t i = 0; i < t->len; i++)
        t->n[i].id = UINT32_MAX;
    uint32_t nshown = 0;
    uint32_t root = tree__fold(t, 0);
    t->n[root].id = nshown;
    order[nshown++] = root;
    for (uint32_t q = 0; q < nshown; q++) {
        const x_node *nd = &t->n[order[q]];
        for (uint32_t k = 0; k < nd->nkids; k++) {
            uint32_t to = tree__fold(t, nd->kids[k].node);
            if (t->n[to].id == UINT32_MAX) {
                t->n[to].id = nshown;
                order[nshown++] = to;
            }
        }
    }
    sim_buf b = {0};
    sim_buf_adds(&b, page_head);
    sim_buf_adds(&b, "<h1>");
    html__str(&b, program);
    sim_buf_printf(&b, " can print %zu different thing%s</h1>\n<p>", r->nout,
                   r->nout == 1 ? "" : "s");
    html__str(&b, what);
    sim_buf_printf(&b, ": %" PRIu64 " schedule%s, %zu distinct outcome%s (output and exit status).%s</p>\n",
                   r->schedules, r->schedules == 1 ? "" : "s", r->nout, r->nout == 1 ? "" : "s",
                   r->exhausted ? " The search covered that space." : " The budget ran out before the search covered that space.");
    if (estimate) {
        sim_buf_adds(&b, "<p>Of the outcomes, ");
        html__str(&b, estimate);
        sim_buf_adds(&b, ".</p>\n");
    }
    sim_buf_adds(&b, "<h2>Every outcome</h2>\n");
    for (size_t i = 0; i < r->nout; i++) {
        const ts_x_outcome *o = &r->out[i];
        sim_buf_printf(&b, "<div class=\"card%s\" id=\"outcome-%zu\"><span class=\"tag\">#%zu</span> "
                           "%" PRIu64 " schedule%s, exit status %d%s%s, fewest preemptions %u\n<pre>",
                       o->failure ? " fail" : "", i + 1, i + 1, o->count, o->count == 1 ? "" : "s",
                       o->status, o->failure ? ", fails: " : "", o->failure ? o->failure : "",
                       o->preemptions);
        if (o->len)
            html__esc(&b, o->output, o->len);
        else
            sim_buf_adds(&b, "(prints nothing)");
        sim_buf_adds(&b, "</pre>\n<div class=\"path\">its choices (besides the default): ");
        /* the choices along a path to it: first kid that can reach it */
        uint32_t at = root, steps = 0, shown = 0;
        while (steps < 200) {
            const x_node *nd = &t->n[at];
            if (nd->leaf == (long)i && nd->nkids == 0)
                break;
            uint32_t k = 0;
            while (k < nd->nkids && !(t->n[nd->kids[k].node].reach[i / 64] >> (i % 64) & 1))
                k++;
            if (k == nd->nkids)
                break;
            if (!nd->kids[k].dflt) { /* FIFO's own choices go without saying */
                sim_buf_adds(&b, shown ? " &rarr; <span>" : "<span>");
                html__str(&b, nd->kids[k].label);
                sim_buf_adds(&b, "</span>");
                shown++;
            }
            at = tree__fold(t, nd->kids[k].node);
            steps++;
        }
        if (!shown)
            sim_buf_adds(&b, "none: the default schedule");
        sim_buf_adds(&b, "</div></div>\n");
    }
    sim_buf_adds(&b, "<h2>Choose who runs next</h2>\n<p>At each point where the search tried "
                     "more than one thread, pick which runs; where it did not, the run goes on "
                     "by itself.</p>\n<div id=\"where\"></div>\n<div id=\"choices\"></div>\n"
                     "<button id=\"back\">Back</button><button id=\"restart\">Start over</button>\n"
                     "<p>Printed so far:</p><pre id=\"sofar\"></pre>\n");
    /* the data */
    sim_buf_adds(&b, "<script>\nconst DATA = {\"outcomes\": [");
    for (size_t i = 0; i < r->nout; i++) {
        const ts_x_outcome *o = &r->out[i];
        sim_buf_printf(&b, "%s{\"exit\": %d, \"failure\": ", i ? ",\n" : "", o->status);
        if (o->failure)
            json__script(&b, o->failure, strlen(o->failure));
        else
            sim_buf_adds(&b, "null");
        sim_buf_adds(&b, ", \"output\": ");
        json__script(&b, o->output, o->len);
        sim_buf_addc(&b, '}');
    }
    sim_buf_adds(&b, "],\n\"nodes\": [");
    for (uint32_t q = 0; q < nshown; q++) {
        const x_node *nd = &t->n[order[q]];
        long len = nd->out_len == SIZE_MAX ? -1 : (long)nd->out_len;
        sim_buf_printf(&b, "%s{\"o\": %ld, \"len\": %ld, \"leaf\": %ld, \"reach\": ", q ? ",\n" : "",
                       nd->outcome < 0 ? 0 : nd->outcome, len, nd->leaf);
        tree__reach_json(&b, nd->reach, r->nout);
        sim_buf_adds(&b, ", \"kids\": [");
        for (uint32_t k = 0; k < nd->nkids; k++) {
            sim_buf_adds(&b, k ? ", [" : "[");
            json__script(&b, nd->kids[k].label, strlen(nd->kids[k].label));
            sim_buf_printf(&b, ", %u]", t->n[tree__fold(t, nd->kids[k].node)].id);
        }
        sim_buf_adds(&b, "]}");
    }
    sim_buf_adds(&b, "]};\n</script>\n");
    sim_buf_adds(&b, page_script);
    free(order);
    size_t w = fwrite(b.p, 1, b.len, out);
    int rc = w == b.len && fflush(out) == 0 ? 0 : -1;
    sim_buf_free(&b);
    return rc;
}
