/*
 * Training and scoring the systems of a transfer run: the source model
 * (also scored zero-shot on the target), full fine-tuning, a new head on
 * the frozen source encoder, and a target-only baseline.
 */
#include "transfer_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parlance/eval.h"
#include "slices.h"

void model_fini(struct bundle *b)
{
    pl_model_free(b->m);
    pl_vocab_free(b->words);
    pl_vocab_free(b->labels);
    memset(b, 0, sizeof *b);
}

void system_fini(struct system *s)
{
    free(s->pred);
    free(s->conf);
    model_fini(&s->model);
}

static enum pl_status nomem(struct pl_error *err)
{
    return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

/* Label vocabulary of a dataset, in first-seen order. */
static struct pl_vocab *labels_of(const struct pl_dataset *ds)
{
    struct pl_vocab *v = pl_vocab_new();

    for (long i = 0; v && i < ds->n; i++)
        if (pl_vocab_add(v, ds->items[i].label) < 0) {
            pl_vocab_free(v);
            return NULL;
        }
    return v;
}

/* Copy of base followed by the words of counts seen min_count times. */
static struct pl_vocab *vocab_extend(const struct pl_vocab *base,
                                     const struct pl_vocab *counts,
                                     int min_count, struct pl_error *err)
{
    struct pl_vocab *add = pl_vocab_from_counts(counts, min_count, err);
    struct pl_vocab *v = pl_vocab_new();
    size_t i;

    for (i = 0; add && v && i < pl_vocab_size(base); i++)
        if (pl_vocab_add(v, pl_vocab_word(base, (int)i)) < 0)
            break;
    for (size_t k = 1; add && v && k < pl_vocab_size(add); k++)
        if (pl_vocab_add(v, pl_vocab_word(add, (int)k)) < 0)
            break;
    if (!add || !v || pl_vocab_size(v) < pl_vocab_size(base)) {
        pl_vocab_free(v);
        v = NULL;
        nomem(err);
    }
    pl_vocab_free(add);
    return v;
}

/* Training targets of a dataset under a model's label vocabulary. */
static int *labels_encode(const struct pl_dataset *ds,
                          const struct pl_vocab *labels)
{
    int *y = malloc((size_t)(ds->n ? ds->n : 1) * sizeof *y);

    for (long i = 0; y && i < ds->n; i++)
        y[i] = pl_vocab_find(labels, ds->items[i].label);
    return y;
}

static void fit_opts(const struct job *j, struct pl_fit_opts *fo,
                     const char *stage, int epochs, float lr)
{
    pl_fit_opts_default(fo);
    fo->epochs = epochs;
    fo->batch = j->o->batch;
    fo->train.lr = lr;
    fo->seed = j->o->seed + 101;
    fo->stage = stage;
    fo->progress = j->o->progress;
    fo->progress_ctx = j->o->progress_ctx;
}

/* Encode ds under b's vocabularies and train b->m on it. */
static enum pl_status train_on(struct bundle *b, const struct pl_dataset *ds,
                               const struct pl_fit_opts *fo,
                               struct pl_fit_log *log, struct pl_error *err)
{
    struct pl_seq *xs = malloc((size_t)(ds->n ? ds->n : 1) * sizeof *xs);
    int *y = labels_encode(ds, b->labels), *words = NULL;
    enum pl_status st = xs && y ? PL_OK : nomem(err);

    if (st == PL_OK)
        st = pl_dataset_encode(ds, b->words, &words, xs, err);
    if (st == PL_OK)
        st = pl_model_fit(b->m, xs, y, ds->n, fo, log, err);
    free(xs);
    free(y);
    free(words);
    return st;
}

/* Predict ds with b, mapping model labels into the global label space. */
static enum pl_status predict_on(const struct job *j, struct bundle *b,
                                 const struct pl_dataset *ds, int *pred,
                                 float *conf, struct pl_error *err)
{
    struct pl_seq *xs = malloc((size_t)(ds->n ? ds->n : 1) * sizeof *xs);
    int *words = NULL;
    enum pl_status st = xs ? PL_OK : nomem(err);

    if (st == PL_OK)
        st = pl_dataset_encode(ds, b->words, &words, xs, err);
    if (st == PL_OK)
        st = pl_model_predict_all(b->m, xs, ds->n, pred, conf, err);
    for (long i = 0; st == PL_OK && i < ds->n; i++)
        pred[i] = pred[i] < 0 ? -1
                : pl_vocab_find(j->labels,
                                pl_vocab_word(b->labels, pred[i]));
    free(xs);
    free(words);
    return st;
}

static enum pl_status new_model(const struct job *j, struct bundle *b,
                                unsigned long long seed,
                                struct pl_error *err)
{
    struct pl_model_config cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.vocab_size = (int)pl_vocab_size(b->words);
    cfg.n_buckets = (int)j->feat.n_buckets;
    cfg.dim = j->o->dim;
    cfg.hidden = j->o->hidden;
    cfg.n_labels = (int)pl_vocab_size(b->labels);
    cfg.seed = seed;
    b->m = pl_model_new(&cfg, err);
    return b->m ? PL_OK : (err ? err->status : PL_ERR_NOMEM);
}

/* Train a fresh model on one side's training split. */
static enum pl_status train_fresh(struct job *j, struct side *s,
                                  struct bundle *b, struct pl_vocab **all,
                                  struct pl_fit_log *log, const char *stage,
                                  struct pl_error *err)
{
    struct pl_fit_opts fo;
    enum pl_status st;

    *all = pl_vocab_new();
    if (!*all)
        return nomem(err);
    st = pl_dataset_count_words(&s->train, *all, err);
    if (st != PL_OK)
        return st;
    b->words = pl_vocab_from_counts(*all, j->feat.min_count, err);
    b->labels = labels_of(&s->train);
    if (!b->words || !b->labels)
        return nomem(err);
    st = new_model(j, b, j->o->seed, err);
    fit_opts(j, &fo, stage, j->o->epochs, j->o->lr);
    if (st == PL_OK)
        st = train_on(b, &s->train, &fo, log, err);
    return st;
}

/* Services and domains of the source training turns. */
static enum pl_status note_source_fields(struct job *j,
                                         struct pl_error *err)
{
    const struct pl_dataset *ds = &j->src.train;

    j->src_services = pl_vocab_new();
    j->src_domains = pl_vocab_new();
    if (!j->src_services || !j->src_domains)
        return nomem(err);
    for (long i = 0; i < ds->n; i++) {
        json_t *sv = json_object_get(ds->items[i].turn->meta, "service");
        const char *dom = slices_turn_domain(&ds->items[i]);

        if (json_is_string(sv) &&
            pl_vocab_add(j->src_services, json_string_value(sv)) < 0)
            return nomem(err);
        if (dom && pl_vocab_add(j->src_domains, dom) < 0)
            return nomem(err);
    }
    return PL_OK;
}

/* The source model's in-domain score, when the source has a test split. */
static enum pl_status score_source_test(struct job *j, struct pl_error *err)
{
    const struct pl_dataset *ds = &j->src.test;
    int *pred = malloc((size_t)(ds->n ? ds->n : 1) * sizeof *pred);
    int *gold = malloc((size_t)(ds->n ? ds->n : 1) * sizeof *gold);
    enum pl_status st = pred && gold ? PL_OK : nomem(err);

    j->src_has_test = ds->n > 0;
    for (long i = 0; st == PL_OK && i < ds->n; i++)
        gold[i] = pl_vocab_add(j->labels, ds->items[i].label);
    if (st == PL_OK && ds->n > 0)
        st = predict_on(j, &j->src_model, ds, pred, NULL, err);
    if (st == PL_OK && ds->n > 0)
        st = pl_scores_compute(gold, pred, NULL, ds->n,
                               (int)pl_vocab_size(j->labels),
                               &j->src_in_domain, err);
    free(pred);
    free(gold);
    return st;
}

/* The global label space: source labels, then target train, then test. */
static enum pl_status label_space(struct job *j, struct pl_error *err)
{
    const struct pl_dataset *tt = &j->tgt.test;

    j->labels = pl_vocab_new();
    j->tgt_labels = labels_of(&j->tgt.train);
    j->gold = malloc((size_t)(tt->n ? tt->n : 1) * sizeof *j->gold);
    if (!j->labels || !j->gold || !j->tgt_labels)
        return nomem(err);
    for (size_t k = 0; k < pl_vocab_size(j->src_model.labels); k++)
        pl_vocab_add(j->labels, pl_vocab_word(j->src_model.labels, (int)k));
    for (long i = 0; i < j->tgt.train.n; i++)
        pl_vocab_add(j->labels, j->tgt.train.items[i].label);
    for (long i = 0; i < tt->n; i++)
        if ((j->gold[i] = pl_vocab_add(j->labels, tt->items[i].label)) < 0)
            return nomem(err);
    return PL_OK;
}

static struct system *system_add(struct job *j, const char *name,
                                 const char *desc)
{
    struct system *s = &j->sys[j->n_sys++];
    long n = j->tgt.test.n ? j->tgt.test.n : 1;

    memset(s, 0, sizeof *s);
    s->name = name;
    s->description = desc;
    s->applicable = 1;
    s->pred = malloc((size_t)n * sizeof *s->pred);
    s->conf = malloc((size_t)n * sizeof *s->conf);
    return s->pred && s->conf ? s : NULL;
}

/* Zero-shot: the source model as it is, labels matched by name. */
static enum pl_status run_zero_shot(struct job *j, struct pl_error *err)
{
    struct system *s = system_add(j, "source_zero_shot", "source model "
                                  "applied to the target as it is; labels "
                                  "matched by name");
    long shared = 0;

    if (!s)
        return nomem(err);
    for (long i = 0; i < j->tgt.test.n; i++)
        shared += pl_vocab_find(j->src_model.labels,
                                j->tgt.test.items[i].label) >= 0;
    if (shared < j->o->min_zero_shot * (double)j->tgt.test.n) {
        s->applicable = 0;
        if (shared == 0)
            snprintf(s->why_buf, sizeof s->why_buf, "no target test label "
                     "exists among the source labels");
        else
            snprintf(s->why_buf, sizeof s->why_buf, "the source labels "
                     "cover only %ld of %ld target test examples (under "
                     "%.0f%%)", shared, j->tgt.test.n,
                     100 * j->o->min_zero_shot);
        s->why_not = s->why_buf;
        s->shared_only = shared > 0;
    }
    if (shared == 0) {
        for (long i = 0; i < j->tgt.test.n; i++)
            s->pred[i] = -1;
        return PL_OK;
    }
    return predict_on(j, &j->src_model, &j->tgt.test, s->pred, s->conf,
                      err);
}

/* A copy of the source model with the target's label head. */
static enum pl_status adapt_copy(struct job *j, struct bundle *b,
                                 int grow, struct pl_error *err)
{
    int K = 0, *from = NULL;
    struct pl_vocab *counts = pl_vocab_new();
    enum pl_status st = counts ? PL_OK : nomem(err);

    b->m = st == PL_OK ? pl_model_clone(j->src_model.m, err) : NULL;
    b->labels = labels_of(&j->tgt.train);
    if (st == PL_OK && (!b->m || !b->labels))
        st = b->m ? nomem(err) : (err ? err->status : PL_ERR_NOMEM);
    if (st == PL_OK && grow) {
        st = pl_dataset_count_words(&j->tgt.train, counts, err);
        b->words = st == PL_OK ? vocab_extend(j->src_model.words, counts,
                                              j->feat.min_count, err)
                               : NULL;
        if (st == PL_OK && !b->words)
            st = PL_ERR_NOMEM;
        if (st == PL_OK)
            st = pl_model_grow_vocab(b->m, (int)pl_vocab_size(b->words),
                                     err);
    } else if (st == PL_OK) {
        b->words = vocab_extend(j->src_model.words, counts, 1, err);
        st = b->words ? PL_OK : PL_ERR_NOMEM;
    }
    K = b->labels ? (int)pl_vocab_size(b->labels) : 0;
    from = malloc((size_t)(K ? K : 1) * sizeof *from);
    if (st == PL_OK && !from)
        st = nomem(err);
    for (int k = 0; st == PL_OK && k < K; k++)
        from[k] = pl_vocab_find(j->src_model.labels,
                                pl_vocab_word(b->labels, k));
    if (st == PL_OK)
        st = pl_model_remap_labels(b->m, K, from, err);
    free(from);
    pl_vocab_free(counts);
    return st;
}

static enum pl_status run_adapted(struct job *j, const char *name,
                                  const char *desc, int freeze,
                                  struct pl_error *err)
{
    struct system *s = system_add(j, name, desc);
    struct pl_fit_opts fo;
    enum pl_status st;

    if (!s)
        return nomem(err);
    st = adapt_copy(j, &s->model, !freeze, err);
    fit_opts(j, &fo, name, j->o->finetune_epochs,
             freeze ? j->o->lr : j->o->finetune_lr);
    fo.train.freeze_encoder = freeze;
    if (st == PL_OK)
        st = train_on(&s->model, &j->tgt.train, &fo, &s->log, err);
    s->trained = st == PL_OK;
    s->train_examples = j->tgt.train.n;
    if (st == PL_OK)
        st = predict_on(j, &s->model, &j->tgt.test, s->pred, s->conf, err);
    return st;
}

static enum pl_status run_target_only(struct job *j, struct pl_error *err)
{
    struct system *s = system_add(j, "target_only", "new model trained on "
                                  "the target training split alone");
    struct pl_vocab *all = NULL;
    enum pl_status st;

    if (!s)
        return nomem(err);
    st = train_fresh(j, &j->tgt, &s->model, &all, &s->log, s->name, err);
    pl_vocab_free(all);
    s->trained = st == PL_OK;
    s->train_examples = j->tgt.train.n;
    if (st == PL_OK)
        st = predict_on(j, &s->model, &j->tgt.test, s->pred, s->conf, err);
    return st;
}

enum pl_status run_systems(struct job *j, struct pl_error *err)
{
    enum pl_status st;

    st = train_fresh(j, &j->src, &j->src_model, &j->src_words, &j->src_log,
                     "source", err);
    if (st == PL_OK)
        st = note_source_fields(j, err);
    if (st == PL_OK)
        st = label_space(j, err);
    if (st == PL_OK)
        st = score_source_test(j, err);
    if (st == PL_OK)
        st = run_zero_shot(j, err);
    if (st == PL_OK)
        st = run_adapted(j, "fine_tuned", "source model with a target "
                         "head, all weights trained on the target; "
                         "vocabulary extended with target words", 0, err);
    if (st == PL_OK)
        st = run_adapted(j, "head_only", "source encoder frozen, only a "
                         "new target head trained", 1, err);
    if (st == PL_OK)
        st = run_target_only(j, err);
    return st;
}
