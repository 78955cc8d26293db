/*
 * Examples from records: normalise, tokenise, hash subwords, and map
 * tokens to word ids under a vocabulary. See include/parlance/dataset.h.
 */
#include "parlance/dataset.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SUBS_PER_TOKEN 64

void pl_feature_opts_default(struct pl_feature_opts *o)
{
    memset(o, 0, sizeof *o);
    pl_text_opts_default(&o->text);
    o->ngram_min = 3;
    o->ngram_max = 5;
    o->n_buckets = 50000;
    o->max_tokens = 80;
    o->min_count = 2;
    o->context = 0;
}

/* Growable arrays of the dataset, doubled as needed. */
static int grow(void **p, long *cap, long need, size_t elem)
{
    long c = *cap ? *cap : 1024;
    void *q;

    if (need <= *cap)
        return 1;
    while (c < need)
        c *= 2;
    q = realloc(*p, (size_t)c * elem);
    if (!q)
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

struct caps {
    long items, tokens, subs, offs;
};

/* The tokens of one example before they join the dataset: context turns
 * (each after a role marker) and then the labelled turn itself. */
struct seq {
    char **tok;
    unsigned char *marker;      /* markers get no subword features */
    int n;
    int cap;
    int cur;                    /* where the labelled turn starts */
};

static void seq_fini(struct seq *q)
{
    for (int i = 0; i < q->n; i++)
        free(q->tok[i]);
    free(q->tok);
    free(q->marker);
}

/* Append tok (taking ownership; NULL means out of memory). */
static int seq_push(struct seq *q, char *tok, int marker)
{
    if (!tok)
        return 0;
    if (q->n == q->cap) {
        int c = q->cap ? q->cap * 2 : 32;
        char **nt = realloc(q->tok, (size_t)c * sizeof *nt);
        unsigned char *nm = nt ? realloc(q->marker, (size_t)c) : NULL;

        if (nt)
            q->tok = nt;
        if (!nm) {
            free(tok);
            return 0;
        }
        q->marker = nm;
        q->cap = c;
    }
    q->tok[q->n] = tok;
    q->marker[q->n++] = (unsigned char)marker;
    return 1;
}

static enum pl_status seq_push_text(struct seq *q, const char *text)
{
    struct pl_tokens tk = { 0 };
    enum pl_status st = pl_tokenize(text, &tk);

    for (size_t i = 0; st == PL_OK && i < tk.n; i++) {
        if (!seq_push(q, tk.tok[i], 0))
            st = PL_ERR_NOMEM;
        tk.tok[i] = NULL;
    }
    pl_tokens_fini(&tk);
    return st;
}

/* Keep only the last max tokens, so the labelled turn survives. */
static void seq_truncate(struct seq *q, int max)
{
    int drop = q->n - max;

    if (drop <= 0)
        return;
    for (int i = 0; i < drop; i++)
        free(q->tok[i]);
    memmove(q->tok, q->tok + drop, (size_t)max * sizeof *q->tok);
    memmove(q->marker, q->marker + drop, (size_t)max);
    q->n = max;
    q->cur = q->cur > drop ? q->cur - drop : 0;
}

/* Move the tokens of q into ds with their subword ids, as item ds->n. */
static enum pl_status add_item(struct pl_dataset *ds, struct caps *cap,
                               const struct pl_feature_opts *fo,
                               struct seq *q)
{
    struct pl_item *it = &ds->items[ds->n];
    int T = q->n;
    long off0 = ds->n_tokens + ds->n;

    if (!grow((void **)&ds->tokens, &cap->tokens, ds->n_tokens + T,
              sizeof *ds->tokens) ||
        !grow((void **)&ds->sub_off, &cap->offs, off0 + T + 1,
              sizeof *ds->sub_off))
        return PL_ERR_NOMEM;
    it->tok_off = ds->n_tokens;
    it->T = T;
    it->cur = q->cur;
    it->sub_off = off0;
    it->sub_base = ds->n_subs;
    ds->sub_off[off0] = 0;
    for (int t = 0; t < T; t++) {
        int ids[MAX_SUBS_PER_TOKEN];
        size_t k = q->marker[t] ? 0
                 : pl_subword_ids(q->tok[t], fo->ngram_min, fo->ngram_max,
                                  fo->n_buckets, ids, MAX_SUBS_PER_TOKEN);

        ds->tokens[ds->n_tokens++] = q->tok[t];
        q->tok[t] = NULL;
        if (!grow((void **)&ds->subs, &cap->subs, ds->n_subs + (long)k,
                  sizeof *ds->subs))
            return PL_ERR_NOMEM;
        if (k)
            memcpy(ds->subs + ds->n_subs, ids, k * sizeof *ids);
        ds->n_subs += (long)k;
        ds->sub_off[off0 + t + 1] = ds->sub_off[off0 + t] + (int)k;
    }
    return PL_OK;
}

/* Normalise t->text into t->norm unless that was done already. */
static enum pl_status ensure_norm(struct pl_turn *t,
                                  const struct pl_feature_opts *fo,
                                  struct pl_error *err)
{
    enum pl_status st;
    char msg[sizeof err->message];

    if (t->norm)
        return PL_OK;
    st = pl_text_normalize(t->text, &fo->text, &t->norm, err);
    if (st != PL_OK && err && !err->path[0] && t->origin.path) {
        memcpy(msg, err->message, sizeof msg);
        pl_error_set(err, st, t->origin.path, t->origin.line,
                     t->origin.column, "%s", msg);
    }
    return st;
}

/* Tokens of turn j of d with up to fo->context earlier turns before it. */
static enum pl_status build_seq(struct seq *q, const struct pl_dialogue *d,
                                size_t j, const struct pl_feature_opts *fo)
{
    size_t first = j > (size_t)fo->context ? j - (size_t)fo->context : 0;
    enum pl_status st = PL_OK;
    char marker[32];

    for (size_t c = first; c < j && st == PL_OK; c++) {
        snprintf(marker, sizeof marker, "<%s>",
                 pl_role_name(d->turns[c].role));
        st = seq_push(q, pl_strdup(marker), 1) ? PL_OK : PL_ERR_NOMEM;
        if (st == PL_OK && d->turns[c].norm)
            st = seq_push_text(q, d->turns[c].norm);
    }
    if (st == PL_OK && first < j)
        st = seq_push(q, pl_strdup("<turn>"), 1) ? PL_OK : PL_ERR_NOMEM;
    q->cur = q->n;
    if (st == PL_OK)
        st = seq_push_text(q, d->turns[j].norm);
    seq_truncate(q, fo->max_tokens);
    return st;
}

static enum pl_status add_turn(struct pl_dataset *ds, struct caps *cap,
                               struct pl_dialogue *d, size_t j,
                               const struct pl_feature_opts *fo,
                               struct pl_error *err)
{
    struct pl_turn *t = &d->turns[j];
    struct seq q = { NULL, NULL, 0, 0, 0 };
    enum pl_status st = ensure_norm(t, fo, err);

    if (st != PL_OK || !t->n_intents)
        return st;
    if (!grow((void **)&ds->items, &cap->items, ds->n + 1,
              sizeof *ds->items))
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    ds->items[ds->n].dlg = d;
    ds->items[ds->n].turn = t;
    ds->items[ds->n].label = t->intents[0];
    st = build_seq(&q, d, j, fo);
    if (st == PL_OK)
        st = add_item(ds, cap, fo, &q);
    seq_fini(&q);
    if (st != PL_OK)
        return pl_error_set(err, st, NULL, 0, 0, "out of memory");
    ds->n++;
    return PL_OK;
}

enum pl_status pl_dataset_build(struct pl_dataset *ds, struct pl_corpus *c,
                                int (*keep)(const struct pl_dialogue *,
                                            void *),
                                void *ctx,
                                const struct pl_feature_opts *fo,
                                struct pl_error *err)
{
    struct caps cap = { 0, 0, 0, 0 };
    enum pl_status st = PL_OK;

    memset(ds, 0, sizeof *ds);
    for (size_t i = 0; i < c->n_dialogues && st == PL_OK; i++) {
        struct pl_dialogue *d = &c->dialogues[i];

        if (keep && !keep(d, ctx))
            continue;
        for (size_t j = 0; j < d->n_turns && st == PL_OK; j++)
            st = add_turn(ds, &cap, d, j, fo, err);
    }
    if (st != PL_OK)
        pl_dataset_fini(ds);
    return st;
}

void pl_dataset_fini(struct pl_dataset *ds)
{
    if (!ds)
        return;
    for (long i = 0; i < ds->n_tokens; i++)
        free(ds->tokens[i]);
    free(ds->tokens);
    free(ds->items);
    free(ds->subs);
    free(ds->sub_off);
    memset(ds, 0, sizeof *ds);
}

enum pl_status pl_dataset_count_words(const struct pl_dataset *ds,
                                      struct pl_vocab *v,
                                      struct pl_error *err)
{
    for (long i = 0; i < ds->n_tokens; i++)
        if (pl_vocab_add(v, ds->tokens[i]) < 0)
            return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0,
                                "out of memory");
    return PL_OK;
}

enum pl_status pl_dataset_encode(const struct pl_dataset *ds,
                                 const struct pl_vocab *v, int **words,
                                 struct pl_seq *seqs, struct pl_error *err)
{
    int *w = malloc((size_t)(ds->n_tokens ? ds->n_tokens : 1) * sizeof *w);

    *words = w;
    if (!w)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (long i = 0; i < ds->n_tokens; i++) {
        int id = pl_vocab_find(v, ds->tokens[i]);
        w[i] = id > 0 ? id : 0;
    }
    for (long i = 0; i < ds->n; i++) {
        const struct pl_item *it = &ds->items[i];
        const int *off = ds->sub_off + it->sub_off;

        seqs[i].T = it->T;
        seqs[i].words = w + it->tok_off;
        seqs[i].sub_off = off;
        seqs[i].subs = ds->subs ? ds->subs + it->sub_base : NULL;
    }
    return PL_OK;
}

/* Order for a model vocabulary: frequent words first, ties by first
 * appearance, so ids do not depend on hash-table layout. */
struct ranked {
    int id;
    long count;
};

static int cmp_ranked(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

struct pl_vocab *pl_vocab_from_counts(const struct pl_vocab *counts,
                                      int min_count, struct pl_error *err)
{
    size_t n = pl_vocab_size(counts);
    struct ranked *r = malloc((n ? n : 1) * sizeof *r);
    struct pl_vocab *v = pl_vocab_new();
    size_t k = 0;

    if (!r || !v || pl_vocab_add(v, "<unk>") != 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        long c = pl_vocab_count(counts, (int)i);
        if (c >= min_count)
            r[k++] = (struct ranked){ (int)i, c };
    }
    qsort(r, k, sizeof *r, cmp_ranked);
    for (size_t i = 0; i < k; i++)
        if (pl_vocab_add(v, pl_vocab_word(counts, r[i].id)) < 0)
            goto fail;
    free(r);
    return v;
fail:
    free(r);
    pl_vocab_free(v);
    pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return NULL;
}
