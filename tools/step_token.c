/*
 * tools/step_token.c — replay tokens (format in step.h).
 *
 * A token must survive a chat message and a shell: base64url (RFC 4648 §5,
 * no padding) over a version byte and varints (7 bits a byte, low first).
 * Only non-default choices cost bytes: a run with two changed decisions out
 * of twenty is "NAME:" plus about eight characters.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "step.h"

#define STEP_TOKEN_VERSION 3  /* choices as ranks, after where they were; 2: as ranks (written
                               * for block); 1: as queue indices (still read) */

static const char *const step__choices[] = {"block", "program", "line", "cpython"};

const char *ts_choices_name(int choices)
{
    return choices >= 0 && choices < 4 ? step__choices[choices] : "block";
}

int ts_choices_parse(const char *word)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(word, step__choices[i]) == 0)
            return i;
    return -1;
}

static const char step__b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void step__varint(sim_buf *b, uint64_t v)
{
    do {
        unsigned char c = v & 0x7F;
        v >>= 7;
        if (v)
            c |= 0x80;
        sim_buf_addc(b, (char)c);
    } while (v);
}

/* FIFO's choice at a decision of n ready threads, and a choice's rank:
 * 0 for FIFO's, then the others in queue order. */
static uint32_t step__dflt(uint32_t n, bool step) { return step && n ? n - 1 : 0; }

uint32_t ts_step_rank(uint32_t chosen, uint32_t n, bool step)
{
    uint32_t d = step__dflt(n, step);
    if (chosen == d)
        return 0;
    return chosen < d ? chosen + 1 : chosen;
}

uint32_t ts_step_unrank(uint32_t rank, uint32_t n, bool step)
{
    uint32_t d = step__dflt(n, step);
    if (rank == 0)
        return d;
    uint32_t c = rank - 1;
    return c >= d ? c + 1 : c;
}

char *ts_step_token(const ts_step *sp)
{
    uint32_t *r = malloc((sp->npath ? sp->npath : 1) * sizeof *r);
    if (!r)
        return NULL;
    for (size_t k = 0; k < sp->npath; k++) {
        const ts_step_dec *d = &sp->path[k];
        /* not run yet: as the token gave it (a rank; a version-1 index is
         * its rank at a decision that is not line-level) */
        r[k] = d->rank || !d->n ? d->chosen : ts_step_rank(d->chosen, d->n, d->step);
    }
    char *tok = ts_step_token_ranks(sp->name, r, sp->npath, sp->choices);
    free(r);
    return tok;
}

char *ts_step_token_ranks(const char *name, const uint32_t *ranks, size_t n, int choices)
{
    sim_buf raw = {0}, tok = {0};
    if (choices > TS_CHOICES_BLOCK && choices <= TS_CHOICES_CPYTHON) {
        sim_buf_addc(&raw, STEP_TOKEN_VERSION);
        sim_buf_addc(&raw, (char)choices);
    } else {
        sim_buf_addc(&raw, 2);
    }
    uint64_t zeros = 0;
    for (size_t k = 0; k < n; k++) {
        if (ranks[k] == 0) {
            zeros++;
            continue;
        }
        step__varint(&raw, zeros);
        step__varint(&raw, ranks[k] - 1);
        zeros = 0;
    }
    sim_buf_adds(&tok, name);
    sim_buf_addc(&tok, ':');
    const unsigned char *p = (const unsigned char *)raw.p;
    for (size_t i = 0; i < raw.len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        size_t m = raw.len - i < 3 ? raw.len - i : 3;
        if (m > 1)
            v |= (uint32_t)p[i + 1] << 8;
        if (m > 2)
            v |= p[i + 2];
        for (size_t j = 0; j < m + 1; j++)
            sim_buf_addc(&tok, step__b64[(v >> (18 - 6 * j)) & 63]);
    }
    sim_buf_free(&raw);
    return sim_buf_take(&tok);
}

static int step__b64val(char c)
{
    const char *p = c ? strchr(step__b64, c) : NULL;
    return p ? (int)(p - step__b64) : -1;
}

/* Decode base64url `s` into `out`; -1 if malformed. */
static int step__unb64(const char *s, sim_buf *out)
{
    size_t n = strlen(s);
    if (n % 4 == 1)
        return -1;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        size_t m = n - i < 4 ? n - i : 4;
        for (size_t j = 0; j < 4; j++) {
            int d = j < m ? step__b64val(s[i + j]) : 0;
            if (d < 0)
                return -1;
            v = v << 6 | (uint32_t)d;
        }
        for (size_t j = 0; j + 1 < m; j++)
            sim_buf_addc(out, (char)((v >> (16 - 8 * j)) & 0xFF));
    }
    return 0;
}

static int step__unvarint(const unsigned char *p, size_t n, size_t *i, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*i >= n)
            return -1;
        unsigned char c = p[(*i)++];
        *v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

int ts_step_token_parse(const char *tok, char **name, ts_step *sp, char *err, size_t errcap)
{
    const char *colon = strrchr(tok, ':');
    if (!colon || colon == tok) {
        snprintf(err, errcap, "a replay token looks like NAME:CODE ('%s' does not)", tok);
        return -1;
    }
    sim_buf raw = {0};
    ts_step_dec *path = NULL;
    size_t npath = 0, cap = 0;
    const unsigned char *p;
    size_t i = 1;
    int choices = -1;
    if (step__unb64(colon + 1, &raw) != 0 || raw.len < 1) {
        snprintf(err, errcap, "replay token '%s': its code is not base64url", tok);
        goto fail;
    }
    p = (const unsigned char *)raw.p;
    bool ranks = p[0] >= 2;
    if (p[0] < 1 || p[0] > STEP_TOKEN_VERSION) {
        snprintf(err, errcap, "replay token '%s' is of version %u; this threadsim reads up to %d",
                 tok, p[0], STEP_TOKEN_VERSION);
        goto fail;
    }
    if (p[0] == 3) {
        if (raw.len < 2 || p[1] < TS_CHOICES_PROGRAM || p[1] > TS_CHOICES_CPYTHON) {
            snprintf(err, errcap, "replay token '%s' is damaged", tok);
            goto fail;
        }
        choices = p[1];
        i = 2;
    }
    while (i < raw.len) {
        uint64_t zeros, idx;
        if (step__unvarint(p, raw.len, &i, &zeros) != 0 ||
            step__unvarint(p, raw.len, &i, &idx) != 0 || zeros > 1000000 || idx >= UINT32_MAX ||
            npath + zeros + 1 > 10000000) {
            snprintf(err, errcap, "replay token '%s' is damaged", tok);
            goto fail;
        }
        for (uint64_t z = 0; z <= zeros; z++) {
            if (npath == cap) {
                cap = cap ? cap * 2 : 64;
                ts_step_dec *q = realloc(path, cap * sizeof *q);
                if (!q) {
                    snprintf(err, errcap, "out of memory");
                    goto fail;
                }
                path = q;
            }
            path[npath++] = (ts_step_dec){.chosen = z == zeros ? (uint32_t)idx + 1 : 0,
                                          .thread = SIM_NONE, .n = 0, .seq = TS_STEP_NOSEQ,
                                          .rank = ranks};
        }
    }
    sim_buf_free(&raw);
    *name = strndup(tok, (size_t)(colon - tok));
    if (sp) {
        free(sp->path);
        sp->path = path;
        sp->npath = sp->cap_path = npath;
        if (!path)
            sp->cap_path = 0;
        if (choices >= 0)
            sp->choices = choices;
    } else {
        free(path);
    }
    return 0;
fail:
    sim_buf_free(&raw);
    free(path);
    return -1;
}

/* A token's bytes (after its name), decoded into raw; false if not base64url. */
static bool step__raw(const char *tok, sim_buf *raw)
{
    const char *colon = strrchr(tok, ':');
    return colon && step__unb64(colon + 1, raw) == 0;
}

int ts_step_token_choices(const char *tok)
{
    sim_buf raw = {0};
    int c = -1;
    if (step__raw(tok, &raw) && raw.len >= 2 && raw.p[0] == 3 &&
        raw.p[1] >= TS_CHOICES_PROGRAM && raw.p[1] <= TS_CHOICES_CPYTHON)
        c = raw.p[1];
    sim_buf_free(&raw);
    return c;
}

bool ts_step_token_is_default(const char *tok)
{
    sim_buf raw = {0};
    bool dflt = step__raw(tok, &raw) && raw.len >= 1 && raw.len == (raw.p[0] == 3 ? 2u : 1u);
    sim_buf_free(&raw);
    return dflt;
}
