/*
 * The sequence classifier as an object: its weights, the training
 * state (gradients and Adam moments), a training step, prediction, and
 * the surgery the transfer pipeline needs (new label sets, a larger
 * vocabulary, a frozen encoder).
 *
 * Memory: the weights are one block [n]; the training state is a second
 * block [3n] holding gradients, first and second moments, allocated on
 * the first training call so a model loaded for prediction costs only
 * its weights. struct pl_params views name the tensors inside each.
 * Per-batch activations live in an arena that is reset every call.
 *
 * Embedding tables get sparse ("lazy") Adam: only the rows of words
 * and subwords present in the batch are updated (their moments, decay
 * and weights), the way sparse Adam variants treat embeddings. The
 * rest of the model gets ordinary dense Adam. This keeps a step's cost
 * independent of the vocabulary and bucket counts.
 */
#include "nn.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct pl_model {
    struct pl_model_config cfg;
    size_t n;               /* number of weights */
    float *w;               /* [n] weights */
    float *train;           /* [3n] grads | m | v, NULL until training */
    struct pl_params p, g, m1, m2;
    long long step;         /* Adam steps taken */
    unsigned char *mark;    /* [V+S] 1 for embedding rows in touched */
    int *touched;           /* [V+S] rows with gradient: word id, or
                               V + bucket */
    size_t n_touched;
    struct pl_arena arena;
};

/* Tags that separate the random streams of the tensors. */
enum { TAG_EW = 1, TAG_ES, TAG_WX, TAG_WH, TAG_WO };

void pl_train_opts_default(struct pl_train_opts *o)
{
    o->lr = 2e-3f;
    o->beta1 = 0.9f;
    o->beta2 = 0.999f;
    o->eps = 1e-8f;
    o->clip = 5.0f;
    o->weight_decay = 0.0f;
    o->freeze_encoder = 0;
}

/* ---- configuration and layout ------------------------------------ */

enum pl_status pl_model_config_check(const struct pl_model_config *c,
                                     struct pl_error *err)
{
    const char *bad = NULL;

    if (c->vocab_size < 1 || c->vocab_size > PL_MODEL_MAX_VOCAB)
        bad = "vocabulary size";
    else if (c->n_buckets < 0 || c->n_buckets > PL_MODEL_MAX_BUCKETS)
        bad = "subword bucket count";
    else if (c->dim < 1 || c->dim > PL_MODEL_MAX_DIM)
        bad = "embedding size";
    else if (c->hidden < 1 || c->hidden > PL_MODEL_MAX_HIDDEN)
        bad = "hidden size";
    else if (c->n_labels < 1 || c->n_labels > PL_MODEL_MAX_LABELS)
        bad = "label count";
    else if (pl_model_config_n_params(c) > PL_MODEL_MAX_PARAMS)
        bad = "total weight count";
    if (!bad)
        return PL_OK;
    return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                        "model %s out of range (vocab %d, buckets %d, "
                        "dim %d, hidden %d, labels %d)", bad,
                        c->vocab_size, c->n_buckets, c->dim, c->hidden,
                        c->n_labels);
}

/* Sizes of the eight tensors, in block order. */
static void tensor_sizes(size_t sz[8], const struct pl_model_config *c)
{
    size_t E = (size_t)c->dim, H = (size_t)c->hidden;
    size_t K = (size_t)c->n_labels;

    sz[0] = (size_t)c->vocab_size * E;
    sz[1] = (size_t)c->n_buckets * E;
    sz[2] = 3 * H * E;
    sz[3] = 3 * H;
    sz[4] = 3 * H * H;
    sz[5] = 3 * H;
    sz[6] = K * 2 * H;
    sz[7] = K;
}

size_t pl_model_config_n_params(const struct pl_model_config *c)
{
    size_t sz[8], n = 0;

    tensor_sizes(sz, c);
    for (int i = 0; i < 8; i++)
        n += sz[i];
    return n;
}

void pl_params_view(struct pl_params *p, float *block,
                    const struct pl_model_config *c)
{
    float **view[8] = { &p->Ew, &p->Es, &p->Wx, &p->bx, &p->Wh, &p->bh,
                        &p->Wo, &p->bo };
    size_t sz[8], at = 0;

    tensor_sizes(sz, c);
    for (int i = 0; i < 8; i++) {
        *view[i] = block ? block + at : NULL;
        at += sz[i];
    }
}

/* Offsets of the dense part (from Wx) and of the head (from Wo). */
static size_t dense_start(const struct pl_model *m)
{
    return (size_t)(m->p.Wx - m->w);
}

static size_t head_start(const struct pl_model *m)
{
    return (size_t)(m->p.Wo - m->w);
}

static size_t n_rows(const struct pl_model_config *c)
{
    return (size_t)c->vocab_size + (size_t)c->n_buckets;
}

/* ---- initialisation ---------------------------------------------- */

/* A random stream for (seed, tag, row), independent of the order in
 * which rows are initialised, so a grown table gets the same new rows
 * a fresh model of that size would have. */
static void stream_seed(struct pl_rng *r, unsigned long long seed,
                        unsigned tag, size_t row)
{
    unsigned char key[24];
    unsigned long long v[3] = { seed, tag, (unsigned long long)row };

    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 8; k++)
            key[i * 8 + k] = (unsigned char)(v[i] >> (8 * k));
    pl_rng_seed(r, pl_fnv1a(PL_FNV_OFFSET, key, sizeof key));
}

/* x[0..n) uniform in (-a, a). */
static void fill_uniform(float *x, size_t n, float a, struct pl_rng *r)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (float)((2.0 * pl_rng_uniform(r) - 1.0) * a);
}

/* Embedding rows [from, to) of the table tagged tag: unit variance. */
static void init_rows(float *tab, size_t from, size_t to, int E,
                      unsigned tag, unsigned long long seed)
{
    struct pl_rng r;

    for (size_t i = from; i < to; i++) {
        stream_seed(&r, seed, tag, i);
        fill_uniform(tab + i * E, (size_t)E, sqrtf(3.0f), &r);
    }
}

/* Head row i of a K-class head: Xavier uniform, zero bias. */
static void init_head_row(struct pl_params *p,
                          const struct pl_model_config *c, int i)
{
    struct pl_rng r;
    int D = 2 * c->hidden;

    stream_seed(&r, c->seed, TAG_WO, (size_t)i);
    fill_uniform(p->Wo + (size_t)i * D, (size_t)D,
                 sqrtf(6.0f / (float)(c->n_labels + D)), &r);
    p->bo[i] = 0.0f;
}

/* Xavier uniform per gate block of the GRU, zero biases. */
static void init_gru(struct pl_params *p, const struct pl_model_config *c)
{
    size_t E = (size_t)c->dim, H = (size_t)c->hidden;
    struct pl_rng r;

    stream_seed(&r, c->seed, TAG_WX, 0);
    fill_uniform(p->Wx, 3 * H * E, sqrtf(6.0f / (float)(E + H)), &r);
    stream_seed(&r, c->seed, TAG_WH, 0);
    fill_uniform(p->Wh, 3 * H * H, sqrtf(3.0f / (float)H), &r);
    memset(p->bx, 0, sizeof *p->bx * 3 * H);
    memset(p->bh, 0, sizeof *p->bh * 3 * H);
}

static void init_all(struct pl_model *m)
{
    const struct pl_model_config *c = &m->cfg;

    init_rows(m->p.Ew, 0, (size_t)c->vocab_size, c->dim, TAG_EW, c->seed);
    init_rows(m->p.Es, 0, (size_t)c->n_buckets, c->dim, TAG_ES, c->seed);
    init_gru(&m->p, c);
    for (int i = 0; i < c->n_labels; i++)
        init_head_row(&m->p, c, i);
}

/* ---- life cycle -------------------------------------------------- */

/* Point the four views at the current blocks. */
static void set_views(struct pl_model *m)
{
    float *t = m->train;

    pl_params_view(&m->p, m->w, &m->cfg);
    pl_params_view(&m->g, t, &m->cfg);
    pl_params_view(&m->m1, t ? t + m->n : NULL, &m->cfg);
    pl_params_view(&m->m2, t ? t + 2 * m->n : NULL, &m->cfg);
}

struct pl_model *pl_model_alloc(const struct pl_model_config *cfg,
                                struct pl_error *err)
{
    struct pl_model *m;

    if (pl_model_config_check(cfg, err))
        return NULL;
    m = calloc(1, sizeof *m);
    if (!m)
        goto nomem;
    m->cfg = *cfg;
    m->n = pl_model_config_n_params(cfg);
    m->w = calloc(m->n, sizeof *m->w);
    m->mark = calloc(n_rows(cfg), 1);
    m->touched = malloc(n_rows(cfg) * sizeof *m->touched);
    pl_arena_init(&m->arena);
    if (!m->w || !m->mark || !m->touched)
        goto nomem;
    set_views(m);
    return m;

nomem:
    pl_model_free(m);
    pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0,
                 "out of memory for a model of %zu weights",
                 pl_model_config_n_params(cfg));
    return NULL;
}

struct pl_model *pl_model_new(const struct pl_model_config *cfg,
                              struct pl_error *err)
{
    struct pl_model *m = pl_model_alloc(cfg, err);

    if (m)
        init_all(m);
    return m;
}

void pl_model_free(struct pl_model *m)
{
    if (!m)
        return;
    free(m->w);
    free(m->train);
    free(m->mark);
    free(m->touched);
    pl_arena_fini(&m->arena);
    free(m);
}

const struct pl_model_config *pl_model_get_config(const struct pl_model *m)
{
    return &m->cfg;
}

size_t pl_model_n_params(const struct pl_model *m)
{
    return m->n;
}

const float *pl_model_weights(const struct pl_model *m, size_t *n)
{
    if (n)
        *n = m->n;
    return m->w;
}

float *pl_model_weights_mut(struct pl_model *m, size_t *n)
{
    if (n)
        *n = m->n;
    return m->w;
}

const float *pl_model_grads(const struct pl_model *m, size_t *n)
{
    if (n)
        *n = m->n;
    return m->train;
}

struct pl_model *pl_model_clone(const struct pl_model *m,
                                struct pl_error *err)
{
    struct pl_model *c = pl_model_alloc(&m->cfg, err);

    if (!c)
        return NULL;
    memcpy(c->w, m->w, m->n * sizeof *m->w);
    memcpy(c->mark, m->mark, n_rows(&m->cfg));
    memcpy(c->touched, m->touched, m->n_touched * sizeof *m->touched);
    c->n_touched = m->n_touched;
    c->step = m->step;
    if (m->train) {
        c->train = malloc(3 * m->n * sizeof *c->train);
        if (!c->train) {
            pl_model_free(c);
            pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0,
                         "out of memory cloning a model");
            return NULL;
        }
        memcpy(c->train, m->train, 3 * m->n * sizeof *c->train);
    }
    set_views(c);
    return c;
}

void pl_model_reset_optimizer(struct pl_model *m)
{
    if (m->train)
        memset(m->train + m->n, 0, 2 * m->n * sizeof *m->train);
    m->step = 0;
}

/* Allocate the zeroed training state on first use. */
static enum pl_status ensure_train(struct pl_model *m, struct pl_error *err)
{
    if (m->train)
        return PL_OK;
    m->train = calloc(3 * m->n, sizeof *m->train);
    if (!m->train)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0,
                            "out of memory for training state (%zu "
                            "weights)", m->n);
    m->n_touched = 0;
    set_views(m);
    return PL_OK;
}

/* ---- input checks ------------------------------------------------- */

static enum pl_status bad_input(struct pl_error *err, int b, int t,
                                const char *what, long v, long hi)
{
    return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                        "example %d, token %d: %s %ld outside 0..%ld", b,
                        t, what, v, hi);
}

/* Subword offsets and ids of token t of x (only when S > 0). */
static enum pl_status check_subs(const struct pl_seq *x, int b, int t,
                                 int S, struct pl_error *err)
{
    int lo = x->sub_off[t], hi = x->sub_off[t + 1];

    if (lo < 0 || hi < lo)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "example %d, token %d: subword offsets %d..%d "
                            "are not increasing", b, t, lo, hi);
    for (int j = lo; j < hi; j++)
        if (x->subs[j] < 0 || x->subs[j] >= S)
            return bad_input(err, b, t, "subword id", x->subs[j], S - 1);
    return PL_OK;
}

static enum pl_status check_seq(const struct pl_model *m,
                                const struct pl_seq *x, int b,
                                struct pl_error *err)
{
    int V = m->cfg.vocab_size, S = m->cfg.n_buckets;
    int use_subs = S > 0 && x->sub_off && x->subs;

    if (x->T < 0 || (x->T > 0 && !x->words))
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "example %d: length %d without words", b,
                            x->T);
    for (int t = 0; t < x->T; t++) {
        if (x->words[t] < 0 || x->words[t] >= V)
            return bad_input(err, b, t, "word id", x->words[t], V - 1);
        if (use_subs && check_subs(x, b, t, S, err))
            return PL_ERR_USAGE;
    }
    return PL_OK;
}

/* Examples, ids and labels (labels may be NULL). */
static enum pl_status check_batch(const struct pl_model *m,
                                  const struct pl_seq *xs,
                                  const int *labels, int B,
                                  struct pl_error *err)
{
    int K = m->cfg.n_labels;

    if (B < 1 || !xs)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "a batch needs at least one example");
    for (int b = 0; b < B; b++) {
        if (check_seq(m, &xs[b], b, err))
            return PL_ERR_USAGE;
        if (labels && (labels[b] < 0 || labels[b] >= K))
            return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                                "example %d: label %d outside 0..%d", b,
                                labels[b], K - 1);
    }
    return PL_OK;
}

/* ---- activations ------------------------------------------------- */

/* Everything one batch needs, carved from the model's arena. */
struct acts {
    struct pl_batch bt;
    int *order, *n_at, *off;
    float *x;                   /* [N,E] */
    struct pl_gru_acts gru;
    int *argmax;                /* [B,H] */
    float *pooled;              /* [B,2H] */
    float *logits, *probs;      /* [B,K] */
    float *dlogits;             /* [B,K] backward only from here */
    float *dpooled;             /* [B,2H] */
    float *dh;                  /* [N,H] */
    float *dgx;                 /* [N,3H] */
    float *dgh;                 /* [B,3H] */
    float *dx;                  /* [N,E] */
};

static void acts_layout(struct acts *a, struct pl_arena *ar,
                        const struct pl_model_config *c, int B, int T,
                        long N, int backward)
{
    size_t b = (size_t)B, n = (size_t)N, f = sizeof(float);
    size_t E = (size_t)c->dim, H = (size_t)c->hidden;
    size_t K = (size_t)c->n_labels;

    memset(a, 0, sizeof *a);
    a->order = pl_arena_alloc(ar, b * sizeof(int));
    a->n_at = pl_arena_alloc(ar, (size_t)T * sizeof(int));
    a->off = pl_arena_alloc(ar, ((size_t)T + 1) * sizeof(int));
    a->x = pl_arena_alloc(ar, n * E * f);
    a->bt.N = (int)N;
    a->bt.B = B;
    pl_gru_acts_alloc(&a->gru, ar, &a->bt, c->hidden);
    a->argmax = pl_arena_alloc(ar, b * H * sizeof(int));
    a->pooled = pl_arena_alloc(ar, b * 2 * H * f);
    a->logits = pl_arena_alloc(ar, b * K * f);
    a->probs = pl_arena_alloc(ar, b * K * f);
    if (!backward)
        return;
    a->dlogits = pl_arena_alloc(ar, b * K * f);
    a->dpooled = pl_arena_alloc(ar, b * 2 * H * f);
    a->dh = pl_arena_alloc(ar, n * H * f);
    a->dgx = pl_arena_alloc(ar, n * 3 * H * f);
    a->dgh = pl_arena_alloc(ar, b * 3 * H * f);
    a->dx = pl_arena_alloc(ar, n * E * f);
}

/* Size the arena for this batch, lay out a and pack the batch. */
static enum pl_status acts_prepare(struct pl_model *m, struct acts *a,
                                   const struct pl_seq *xs, int B,
                                   int backward, struct pl_error *err)
{
    struct pl_arena measure;
    int T;
    long N;

    pl_batch_dims(xs, B, &T, &N);
    if (N > INT_MAX / 4)
        return pl_error_set(err, PL_ERR_LIMIT, NULL, 0, 0,
                            "batch of %ld tokens is too large", N);
    pl_arena_init(&measure);
    acts_layout(a, &measure, &m->cfg, B, T, N, backward);
    if (pl_arena_reserve(&m->arena, measure.used))
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0,
                            "out of memory for a batch of %ld tokens", N);
    acts_layout(a, &m->arena, &m->cfg, B, T, N, backward);
    pl_batch_pack(&a->bt, xs, B, T, a->order, a->n_at, a->off);
    return PL_OK;
}

/* ---- forward and backward ---------------------------------------- */

static struct pl_gru_w gru_w(const struct pl_model *m)
{
    struct pl_gru_w w = { m->p.Wx, m->p.bx, m->p.Wh, m->p.bh, m->cfg.dim,
                          m->cfg.hidden };
    return w;
}

/* Probabilities into a->probs; returns the mean loss (0 without
 * labels). */
static double forward(struct pl_model *m, struct acts *a,
                      const int *labels)
{
    const struct pl_model_config *c = &m->cfg;
    struct pl_gru_w w = gru_w(m);
    int B = a->bt.B, H = c->hidden;

    pl_embed_forward(a->x, &a->bt, m->p.Ew, m->p.Es, c->dim, c->n_buckets);
    pl_gru_forward(&a->gru, a->x, &w, &a->bt);
    pl_pool_forward(a->pooled, a->argmax, a->gru.h, &a->bt, H);
    pl_linear_forward(a->logits, a->pooled, m->p.Wo, m->p.bo, B, 2 * H,
                      c->n_labels);
    return pl_softmax_ce_forward(a->probs, a->logits, labels, B,
                                 c->n_labels);
}

/* Gradients into m->g (which must be clear); the encoder's only when
 * encoder is set. */
static void backward(struct pl_model *m, struct acts *a, const int *labels,
                     int encoder)
{
    const struct pl_model_config *c = &m->cfg;
    struct pl_gru_w w = gru_w(m);
    struct pl_gru_grads gg = { m->g.Wx, m->g.bx, m->g.Wh, m->g.bh };
    int B = a->bt.B, H = c->hidden, K = c->n_labels;

    pl_softmax_ce_backward(a->dlogits, a->probs, labels, B, K);
    pl_linear_backward(encoder ? a->dpooled : NULL, m->g.Wo, m->g.bo,
                       a->dlogits, a->pooled, m->p.Wo, B, 2 * H, K);
    if (!encoder)
        return;
    pl_pool_backward(a->dh, a->dpooled, a->argmax, &a->bt, H);
    pl_gru_backward(&gg, a->dx, a->dh, a->dgx, a->dgh, &a->gru, a->x, &w,
                    &a->bt);
    pl_embed_backward(m->g.Ew, m->g.Es, a->dx, &a->bt, c->dim,
                      c->n_buckets);
}

/* ---- gradients and the touched-row list ---------------------------- */

static void touch(struct pl_model *m, size_t row)
{
    if (m->mark[row])
        return;
    m->mark[row] = 1;
    m->touched[m->n_touched++] = (int)row;
}

/* Record every embedding row the batch used. */
static void touch_batch(struct pl_model *m, const struct pl_seq *xs, int B)
{
    size_t V = (size_t)m->cfg.vocab_size;
    int S = m->cfg.n_buckets;

    for (int b = 0; b < B; b++) {
        const struct pl_seq *x = &xs[b];
        int subs = S > 0 && x->sub_off && x->subs;

        for (int t = 0; t < x->T; t++) {
            touch(m, (size_t)x->words[t]);
            if (!subs)
                continue;
            for (int j = x->sub_off[t]; j < x->sub_off[t + 1]; j++)
                touch(m, V + (size_t)x->subs[j]);
        }
    }
}

/* Embedding-table row r of a block viewed by p. Word rows come first
 * and the subword table follows it, so this is one stride. */
static float *table_row(const struct pl_params *p, size_t r, int E)
{
    return p->Ew + r * (size_t)E;
}

/* Make the gradient block all zero again (only touched rows and the
 * dense part can be non-zero). */
static void clear_grads(struct pl_model *m)
{
    size_t d = dense_start(m);
    int E = m->cfg.dim;

    for (size_t i = 0; i < m->n_touched; i++) {
        size_t r = (size_t)m->touched[i];

        memset(table_row(&m->g, r, E), 0, sizeof(float) * (size_t)E);
        m->mark[r] = 0;
    }
    m->n_touched = 0;
    memset(m->train + d, 0, (m->n - d) * sizeof *m->train);
}

enum pl_status pl_model_compute_grads(struct pl_model *m,
                                      const struct pl_seq *xs,
                                      const int *labels, int B,
                                      int encoder, double *loss,
                                      struct pl_error *err)
{
    struct acts a;
    enum pl_status st;

    if (!labels)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "training needs labels");
    if ((st = check_batch(m, xs, labels, B, err)) ||
        (st = ensure_train(m, err)))
        return st;
    clear_grads(m);
    if ((st = acts_prepare(m, &a, xs, B, 1, err)))
        return st;
    *loss = forward(m, &a, labels);
    backward(m, &a, labels, encoder);
    if (encoder)
        touch_batch(m, xs, B);
    return PL_OK;
}

enum pl_status pl_model_loss(struct pl_model *m, const struct pl_seq *xs,
                             const int *labels, int B, double *loss,
                             struct pl_error *err)
{
    struct acts a;
    enum pl_status st;

    if (!labels)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "a loss needs labels");
    if ((st = check_batch(m, xs, labels, B, err)) ||
        (st = acts_prepare(m, &a, xs, B, 0, err)))
        return st;
    *loss = forward(m, &a, labels);
    return PL_OK;
}

/* ---- Adam ---------------------------------------------------------- */

struct adam {
    float lr, b1, b2, eps, wd;
    float scale;            /* gradient clipping factor */
    float c1, c2;           /* bias corrections 1 / (1 - beta^t) */
};

static void adam_update(float *w, const float *g, float *m1, float *m2,
                        size_t n, const struct adam *k)
{
    for (size_t i = 0; i < n; i++) {
        float gi = g[i] * k->scale;

        m1[i] = k->b1 * m1[i] + (1.0f - k->b1) * gi;
        m2[i] = k->b2 * m2[i] + (1.0f - k->b2) * gi * gi;
        if (k->wd > 0.0f)
            w[i] -= k->lr * k->wd * w[i];
        w[i] -= k->lr * (m1[i] * k->c1) / (sqrtf(m2[i] * k->c2) + k->eps);
    }
}

static double sum_sq(const float *x, size_t n)
{
    double s = 0.0;

    for (size_t i = 0; i < n; i++)
        s += (double)x[i] * x[i];
    return s;
}

/* Norm of the gradient of everything this step updates. */
static double grad_norm(const struct pl_model *m, int encoder)
{
    size_t from = encoder ? dense_start(m) : head_start(m);
    size_t E = (size_t)m->cfg.dim;
    double s = sum_sq(m->train + from, m->n - from);

    for (size_t i = 0; encoder && i < m->n_touched; i++)
        s += sum_sq(m->train + (size_t)m->touched[i] * E, E);
    return sqrt(s);
}

static void adam_step(struct pl_model *m, const struct pl_train_opts *o,
                      int encoder)
{
    size_t from = encoder ? dense_start(m) : head_start(m);
    size_t n = m->n, E = (size_t)m->cfg.dim;
    float *g = m->train, *m1 = g + n, *m2 = g + 2 * n;
    double norm = grad_norm(m, encoder);
    struct adam k = { o->lr, o->beta1, o->beta2, o->eps, o->weight_decay,
                      1.0f, 0.0f, 0.0f };

    m->step++;
    k.c1 = (float)(1.0 / (1.0 - pow(o->beta1, (double)m->step)));
    k.c2 = (float)(1.0 / (1.0 - pow(o->beta2, (double)m->step)));
    if (o->clip > 0.0f && norm > o->clip)
        k.scale = (float)(o->clip / norm);

    adam_update(m->w + from, g + from, m1 + from, m2 + from, n - from, &k);
    for (size_t i = 0; encoder && i < m->n_touched; i++) {
        size_t at = (size_t)m->touched[i] * E;

        adam_update(m->w + at, g + at, m1 + at, m2 + at, E, &k);
    }
}

static enum pl_status check_opts(const struct pl_train_opts *o,
                                 struct pl_error *err)
{
    if (o->lr >= 0.0f && o->beta1 >= 0.0f && o->beta1 < 1.0f &&
        o->beta2 >= 0.0f && o->beta2 < 1.0f && o->eps > 0.0f &&
        o->clip >= 0.0f && o->weight_decay >= 0.0f)
        return PL_OK;
    return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                        "training options out of range (lr %g, betas "
                        "%g/%g, eps %g, clip %g, decay %g)", o->lr,
                        o->beta1, o->beta2, o->eps, o->clip,
                        o->weight_decay);
}

enum pl_status pl_model_train_step(struct pl_model *m,
                                   const struct pl_seq *xs,
                                   const int *labels, int B,
                                   const struct pl_train_opts *o,
                                   float *loss, struct pl_error *err)
{
    int encoder = !o->freeze_encoder;
    enum pl_status st;
    double l;

    if ((st = check_opts(o, err)) ||
        (st = pl_model_compute_grads(m, xs, labels, B, encoder, &l, err)))
        return st;
    if (loss)
        *loss = (float)l;
    if (!isfinite(l))
        return pl_error_set(err, PL_ERR_DATA, NULL, 0, 0,
                            "loss is not finite: training has diverged "
                            "(try a smaller learning rate)");
    adam_step(m, o, encoder);
    return PL_OK;
}

/* ---- prediction ---------------------------------------------------- */

enum pl_status pl_model_predict_batch(struct pl_model *m,
                                      const struct pl_seq *xs, int B,
                                      float *probs, struct pl_error *err)
{
    struct acts a;
    enum pl_status st;

    if ((st = check_batch(m, xs, NULL, B, err)) ||
        (st = acts_prepare(m, &a, xs, B, 0, err)))
        return st;
    forward(m, &a, NULL);
    memcpy(probs, a.probs, sizeof *probs * (size_t)B * m->cfg.n_labels);
    return PL_OK;
}

enum pl_status pl_model_predict(struct pl_model *m, const struct pl_seq *x,
                                float *probs, struct pl_error *err)
{
    return pl_model_predict_batch(m, x, 1, probs, err);
}

/* ---- surgery ------------------------------------------------------- */

/* Install weights w2 laid out for c; the training state and Adam step
 * count start over. Takes ownership of w2 (freed on failure). */
static enum pl_status replace_weights(struct pl_model *m,
                                      const struct pl_model_config *c,
                                      float *w2, struct pl_error *err)
{
    unsigned char *mark = calloc(n_rows(c), 1);
    int *touched = malloc(n_rows(c) * sizeof *touched);

    if (!mark || !touched) {
        free(mark);
        free(touched);
        free(w2);
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0,
                            "out of memory resizing the model");
    }
    free(m->w);
    free(m->train);
    free(m->mark);
    free(m->touched);
    m->cfg = *c;
    m->n = pl_model_config_n_params(c);
    m->w = w2;
    m->train = NULL;
    m->mark = mark;
    m->touched = touched;
    m->n_touched = 0;
    m->step = 0;
    set_views(m);
    return PL_OK;
}

/* A new weight block for c in *w. */
static enum pl_status new_block(const struct pl_model_config *c, float **w,
                                struct pl_error *err)
{
    enum pl_status st = pl_model_config_check(c, err);

    *w = NULL;
    if (st)
        return st;
    *w = malloc(pl_model_config_n_params(c) * sizeof **w);
    if (!*w)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0,
                            "out of memory for %zu weights",
                            pl_model_config_n_params(c));
    return PL_OK;
}

static enum pl_status check_remap(const struct pl_model *m, int n_new,
                                  const int *from_old, struct pl_error *err)
{
    int K = m->cfg.n_labels;

    if (n_new < 1 || !from_old)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "a new head needs at least one class");
    for (int i = 0; i < n_new; i++)
        if (from_old[i] >= K)
            return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                                "new class %d copies old class %d, but "
                                "the model has only %d", i, from_old[i],
                                K);
    return PL_OK;
}

enum pl_status pl_model_remap_labels(struct pl_model *m, int n_new,
                                     const int *from_old,
                                     struct pl_error *err)
{
    struct pl_model_config c = m->cfg;
    struct pl_params p2;
    size_t D = 2 * (size_t)c.hidden;
    enum pl_status st;
    float *w2;

    if ((st = check_remap(m, n_new, from_old, err)))
        return st;
    c.n_labels = n_new;
    if ((st = new_block(&c, &w2, err)))
        return st;
    pl_params_view(&p2, w2, &c);

    memcpy(w2, m->w, head_start(m) * sizeof *w2);
    for (int i = 0; i < n_new; i++) {
        int k = from_old[i];

        if (k < 0) {
            init_head_row(&p2, &c, i);
            continue;
        }
        memcpy(p2.Wo + i * D, m->p.Wo + k * D, D * sizeof *w2);
        p2.bo[i] = m->p.bo[k];
    }
    return replace_weights(m, &c, w2, err);
}

enum pl_status pl_model_grow_vocab(struct pl_model *m, int new_V,
                                   struct pl_error *err)
{
    struct pl_model_config c = m->cfg;
    size_t V = (size_t)c.vocab_size, E = (size_t)c.dim;
    struct pl_params p2;
    enum pl_status st;
    float *w2;

    if (new_V < c.vocab_size)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "cannot shrink the vocabulary from %d to %d "
                            "words", c.vocab_size, new_V);
    c.vocab_size = new_V;
    if ((st = new_block(&c, &w2, err)))
        return st;
    pl_params_view(&p2, w2, &c);

    memcpy(p2.Ew, m->p.Ew, V * E * sizeof *w2);
    init_rows(p2.Ew, V, (size_t)new_V, c.dim, TAG_EW, c.seed);
    memcpy(p2.Es, m->p.Es, (m->n - V * E) * sizeof *w2);
    return replace_weights(m, &c, w2, err);
}
