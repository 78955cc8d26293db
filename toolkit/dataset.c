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

/* Append the tokens and subword ids of text to ds as a new item. */
static enum pl_status add_item(struct pl_dataset *ds, struct caps *cap,
                               const struct pl_feature_opts *fo,
                               struct pl_tokens *tk)
{
    struct pl_item *it = &ds->items[ds->n];
    int T = (int)(tk->n < (size_t)fo->max_tokens ? tk->n
                                                 : (size_t)fo->max_tokens);
    long off0 = ds->n_tokens + ds->n;

    if (!grow((void **)&ds->tokens, &cap->tokens, ds->n_tokens + T,
              sizeof *ds->tokens) ||
        !grow((void **)&ds->sub_off, &cap->offs, off0 + T + 1,
              sizeof *ds->sub_off))
        return PL_ERR_NOMEM;
    it->tok_off = ds->n_tokens;
    it->T = T;
    it->sub_off = off0;
    it->sub_base = ds->n_subs;
    ds->sub_off[off0] = 0;
    for (int t = 0; t < T; t++) {
        int ids[MAX_SUBS_PER_TOKEN];
        size_t k = pl_subword_ids(tk->tok[t], fo->ngram_min, fo->ngram_max,
                                  fo->n_buckets, ids, MAX_SUBS_PER_TOKEN);

        ds->tokens[ds->n_tokens++] = tk->tok[t];
        tk->tok[t] = NULL;
        if (!grow((void **)&ds->subs, &cap->subs, ds->n_subs + (long)k,
                  sizeof *ds->subs))
            return PL_ERR_NOMEM;
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
    if (t->norm)
        return PL_OK;
    return pl_text_normalize(t->text, &fo->text, &t->norm, err);
}

static enum pl_status add_turn(struct pl_dataset *ds, struct caps *cap,
                               struct pl_dialogue *d, struct pl_turn *t,
                               const struct pl_feature_opts *fo,
                               struct pl_error *err)
{
    struct pl_tokens tk = { 0 };
    enum pl_status st = ensure_norm(t, fo, err);

    if (st != PL_OK) {
        if (err && !err->path[0] && t->origin.path) {
            char msg[sizeof err->message];

            memcpy(msg, err->message, sizeof msg);
            pl_error_set(err, st, t->origin.path, t->origin.line,
                         t->origin.column, "%s", msg);
        }
        return st;
    }
    if (!t->n_intents)
        return PL_OK;
    if (!grow((void **)&ds->items, &cap->items, ds->n + 1,
              sizeof *ds->items))
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    ds->items[ds->n].dlg = d;
    ds->items[ds->n].turn = t;
    ds->items[ds->n].label = t->intents[0];
    st = pl_tokenize(t->norm, &tk);
    if (st == PL_OK)
        st = add_item(ds, cap, fo, &tk);
    pl_tokens_fini(&tk);
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
            st = add_turn(ds, &cap, d, &d->turns[j], fo, err);
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
        seqs[i].subs = ds->subs + it->sub_base;
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
