/*
 * Finite-difference checks of every backward pass: the embedding bag,
 * the GRU (input and recurrent weights, both biases, and the input),
 * mean+max pooling, the linear head, softmax cross-entropy, and the
 * whole model end to end. Each check perturbs every entry by +-eps,
 * takes the central difference of a scalar objective accumulated in
 * double, and compares it with the analytic gradient.
 *
 * The relative error is |a - n| / max(|a|, |n|, FLOOR): FLOOR keeps
 * entries whose gradient is essentially zero from dividing float noise
 * by nothing. A wrong backward gives errors of order 1; float noise at
 * these step sizes stays below 1e-3.
 */
#include "check.h"
#include "nn.h"

#include <cblas.h>
#include <math.h>

#define TOL 1e-2
#define FLOOR 1e-2

static double rel_err(double a, double n)
{
    double d = fabs(a) > fabs(n) ? fabs(a) : fabs(n);

    return fabs(a - n) / (d > FLOOR ? d : FLOOR);
}

typedef double (*objective_fn)(void *ctx);

/*
 * The error of analytic gradient a against the differences of f around
 * a point: the central one, or, when the forward and backward ones
 * disagree (a kink of max pooling lies within the step), the closer
 * one-sided one, since a is the derivative on one side of the kink.
 * *kink is set in that case.
 */
static double point_err(double a, double fu, double f0, double fd,
                        double hu, double hd, int *kink)
{
    double central = (fu - fd) / (hu + hd), e = rel_err(a, central);
    double fwd = (fu - f0) / hu, bwd = (f0 - fd) / hd;
    double ef = rel_err(a, fwd), eb = rel_err(a, bwd);

    *kink = e > TOL && rel_err(fwd, bwd) > 0.5;
    if (*kink)
        e = ef < eb ? ef : eb;
    return e;
}

/*
 * Compare g[0..n) with finite differences of f over p[0..n), print
 * and return the worst relative error.
 */
static double fd_worst(const char *name, float *p, const float *g,
                       size_t n, float eps, objective_fn f, void *ctx)
{
    double worst = 0.0, f0 = f(ctx);
    size_t at = 0;
    int kinks = 0;

    for (size_t i = 0; i < n; i++) {
        float keep = p[i], up = keep + eps, down = keep - eps;
        double fu, fd, e;
        int kink;

        p[i] = up;
        fu = f(ctx);
        p[i] = down;
        fd = f(ctx);
        p[i] = keep;
        e = point_err(g[i], fu, f0, fd, (double)up - keep,
                      (double)keep - down, &kink);
        kinks += kink;
        if (e > worst) {
            worst = e;
            at = i;
        }
    }
    printf("  %-28s %4zu entries  max rel error %.2e (entry %zu)", name,
           n, worst, at);
    printf(kinks ? ", %d at a max-pool kink\n" : "\n", kinks);
    return worst;
}

/* fd_worst, failing the test above TOL. */
static void fd_check(const char *name, float *p, const float *g, size_t n,
                     float eps, objective_fn f, void *ctx)
{
    double worst = fd_worst(name, p, g, n, eps, f, ctx);

    check_at(worst < TOL, name, __FILE__, __LINE__);
}

static void fill(float *x, size_t n, float a, struct pl_rng *r)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (float)((2.0 * pl_rng_uniform(r) - 1.0) * a);
}

static double dot(const float *c, const float *x, size_t n)
{
    double s = 0.0;

    for (size_t i = 0; i < n; i++)
        s += (double)c[i] * x[i];
    return s;
}

/* ---- a fixed batch ------------------------------------------------- */

#define FB 5
#define FT 6

/* Lengths include 0, ties and a longest sequence not in first place,
 * so packing, masking by length and empty pooling are all exercised. */
static const int fix_len[FB] = { 3, 0, 5, 3, 1 };

struct fixture {
    struct pl_seq xs[FB];
    int words[FB][FT];
    int sub_off[FB][FT + 1];
    int subs[FB][FT * 3];
    int labels[FB];
    struct pl_batch bt;
    int order[FB], n_at[FT], off[FT + 1];
};

static void fixture_make(struct fixture *f, int V, int S, int K,
                         unsigned long long seed)
{
    struct pl_rng r;
    int T;
    long N;

    pl_rng_seed(&r, seed);
    for (int b = 0; b < FB; b++) {
        int pos = 0;

        f->sub_off[b][0] = 0;
        for (int t = 0; t < fix_len[b]; t++) {
            int m = S > 0 ? (int)pl_rng_below(&r, 4) : 0;

            f->words[b][t] = (int)pl_rng_below(&r, (unsigned long)V);
            for (int j = 0; j < m; j++)
                f->subs[b][pos++] = (int)pl_rng_below(&r, (unsigned long)S);
            f->sub_off[b][t + 1] = pos;
        }
        f->xs[b].T = fix_len[b];
        f->xs[b].words = f->words[b];
        f->xs[b].sub_off = f->sub_off[b];
        f->xs[b].subs = f->subs[b];
        f->labels[b] = (int)pl_rng_below(&r, (unsigned long)K);
    }
    pl_batch_dims(f->xs, FB, &T, &N);
    pl_batch_pack(&f->bt, f->xs, FB, T, f->order, f->n_at, f->off);
}

static void test_pack(void)
{
    struct fixture f;
    static const int want_order[FB] = { 2, 0, 3, 4, 1 };
    static const int want_n_at[5] = { 4, 3, 3, 1, 1 };

    fixture_make(&f, 4, 0, 2, 1);
    CHECK_INT(f.bt.T, 5);
    CHECK_INT(f.bt.N, 12);
    for (int i = 0; i < FB; i++)
        CHECK_INT(f.order[i], want_order[i]);
    for (int t = 0; t < 5; t++)
        CHECK_INT(f.n_at[t], want_n_at[t]);
    CHECK_INT(f.off[0], 0);
    CHECK_INT(f.off[5], 12);
}

/* ---- embedding bag ------------------------------------------------- */

struct embed_case {
    struct fixture f;
    float *Ew, *Es, *x, *c;
    int E, S;
};

static double embed_objective(void *p)
{
    struct embed_case *k = p;

    pl_embed_forward(k->x, &k->f.bt, k->Ew, k->Es, k->E, k->S);
    return dot(k->c, k->x, (size_t)k->f.bt.N * k->E);
}

static void test_embed(void)
{
    enum { V = 6, S = 5, E = 4 };
    struct embed_case k;
    float Ew[V * E], Es[S * E], dEw[V * E] = { 0 }, dEs[S * E] = { 0 };
    float x[FB * FT * E], c[FB * FT * E];
    struct pl_rng r;

    printf("embedding bag\n");
    fixture_make(&k.f, V, S, 2, 2);
    pl_rng_seed(&r, 3);
    fill(Ew, V * E, 1.0f, &r);
    fill(Es, S * E, 1.0f, &r);
    fill(c, FB * FT * E, 1.0f, &r);
    k.Ew = Ew, k.Es = Es, k.x = x, k.c = c, k.E = E, k.S = S;

    pl_embed_backward(dEw, dEs, c, &k.f.bt, E, S);
    fd_check("word table dEw", Ew, dEw, V * E, 1e-2f, embed_objective, &k);
    fd_check("subword table dEs", Es, dEs, S * E, 1e-2f, embed_objective,
             &k);
}

/* ---- GRU ----------------------------------------------------------- */

enum { GE = 4, GH = 3 };

struct gru_case {
    struct fixture f;
    struct pl_arena ar;
    struct pl_gru_acts a;
    float Wx[3 * GH * GE], bx[3 * GH], Wh[3 * GH * GH], bh[3 * GH];
    float x[FB * FT * GE], c[FB * FT * GH];
};

static struct pl_gru_w gru_case_w(const struct gru_case *k)
{
    struct pl_gru_w w = { k->Wx, k->bx, k->Wh, k->bh, GE, GH };
    return w;
}

static double gru_objective(void *p)
{
    struct gru_case *k = p;
    struct pl_gru_w w = gru_case_w(k);

    pl_gru_forward(&k->a, k->x, &w, &k->f.bt);
    return dot(k->c, k->a.h, (size_t)k->f.bt.N * GH);
}

/* Analytic gradients of the GRU case into the arrays given. */
static void gru_grads(struct gru_case *k, struct pl_gru_grads *g,
                      float *dx)
{
    size_t N = (size_t)k->f.bt.N;
    float *dh = malloc(N * GH * sizeof *dh);
    float *dgx = malloc(N * 3 * GH * sizeof *dgx);
    float *dgh = malloc((size_t)FB * 3 * GH * sizeof *dgh);
    struct pl_gru_w w = gru_case_w(k);

    gru_objective(k);
    memcpy(dh, k->c, N * GH * sizeof *dh);
    pl_gru_backward(g, dx, dh, dgx, dgh, &k->a, k->x, &w, &k->f.bt);
    free(dh);
    free(dgx);
    free(dgh);
}

static void gru_case_init(struct gru_case *k)
{
    struct pl_arena measure;
    struct pl_rng r;

    fixture_make(&k->f, 4, 0, 2, 4);
    pl_rng_seed(&r, 5);
    fill(k->Wx, sizeof k->Wx / sizeof *k->Wx, 0.8f, &r);
    fill(k->bx, sizeof k->bx / sizeof *k->bx, 0.5f, &r);
    fill(k->Wh, sizeof k->Wh / sizeof *k->Wh, 0.8f, &r);
    fill(k->bh, sizeof k->bh / sizeof *k->bh, 0.5f, &r);
    fill(k->x, sizeof k->x / sizeof *k->x, 1.0f, &r);
    fill(k->c, sizeof k->c / sizeof *k->c, 1.0f, &r);
    pl_arena_init(&measure);
    pl_gru_acts_alloc(&k->a, &measure, &k->f.bt, GH);
    pl_arena_init(&k->ar);
    CHECK(pl_arena_reserve(&k->ar, measure.used) == PL_OK);
    pl_gru_acts_alloc(&k->a, &k->ar, &k->f.bt, GH);
}

static void test_gru(void)
{
    static struct gru_case k;
    float dWx[3 * GH * GE] = { 0 }, dbx[3 * GH] = { 0 };
    float dWh[3 * GH * GH] = { 0 }, dbh[3 * GH] = { 0 };
    float dx[FB * FT * GE];
    struct pl_gru_grads g = { dWx, dbx, dWh, dbh };
    float eps = 1e-2f;
    size_t nx;

    printf("GRU\n");
    gru_case_init(&k);
    gru_grads(&k, &g, dx);
    nx = (size_t)k.f.bt.N * GE;
    fd_check("input weights dWx", k.Wx, dWx, 3 * GH * GE, eps,
             gru_objective, &k);
    fd_check("input bias dbx", k.bx, dbx, 3 * GH, eps, gru_objective, &k);
    fd_check("recurrent weights dWh", k.Wh, dWh, 3 * GH * GH, eps,
             gru_objective, &k);
    fd_check("recurrent bias dbh", k.bh, dbh, 3 * GH, eps, gru_objective,
             &k);
    fd_check("input dx", k.x, dx, nx, eps, gru_objective, &k);

    /* The checker itself must notice a slightly wrong gradient. */
    dWh[4] = dWh[4] * 1.1f + 0.05f;
    CHECK(fd_worst("(deliberately wrong dWh)", k.Wh, dWh, 3 * GH * GH,
                   eps, gru_objective, &k) > TOL);
    pl_arena_fini(&k.ar);
}

/* ---- pooling ------------------------------------------------------- */

enum { PH = 4 };

struct pool_case {
    struct fixture f;
    float h[FB * FT * PH], pooled[FB * 2 * PH], c[FB * 2 * PH];
    int argmax[FB * PH];
};

static double pool_objective(void *p)
{
    struct pool_case *k = p;

    pl_pool_forward(k->pooled, k->argmax, k->h, &k->f.bt, PH);
    return dot(k->c, k->pooled, FB * 2 * PH);
}

static void test_pool(void)
{
    static struct pool_case k;
    float dh[FB * FT * PH];
    struct pl_rng r;
    int empty;

    printf("mean+max pooling\n");
    fixture_make(&k.f, 4, 0, 2, 6);
    pl_rng_seed(&r, 7);
    fill(k.h, sizeof k.h / sizeof *k.h, 1.0f, &r);
    fill(k.c, sizeof k.c / sizeof *k.c, 1.0f, &r);
    pool_objective(&k);
    pl_pool_backward(dh, k.c, k.argmax, &k.f.bt, PH);
    /* Piecewise linear: a small step never crosses a maximum here. */
    fd_check("pooling dh", k.h, dh, (size_t)k.f.bt.N * PH, 1e-3f,
             pool_objective, &k);

    empty = 1;          /* example 1 has T = 0 and pools to zeros */
    for (int j = 0; j < 2 * PH; j++)
        empty &= k.pooled[1 * 2 * PH + j] == 0.0f;
    CHECK(empty);
}

/* ---- linear head and softmax cross-entropy -------------------------- */

enum { LB = 4, LD = 6, LK = 5 };

struct head_case {
    float x[LB * LD], W[LK * LD], b[LK], logits[LB * LK], probs[LB * LK];
    int labels[LB];
};

static double head_objective(void *p)
{
    struct head_case *k = p;

    pl_linear_forward(k->logits, k->x, k->W, k->b, LB, LD, LK);
    return pl_softmax_ce_forward(k->probs, k->logits, k->labels, LB, LK);
}

static double softmax_objective(void *p)
{
    struct head_case *k = p;

    return pl_softmax_ce_forward(k->probs, k->logits, k->labels, LB, LK);
}

static void test_head(void)
{
    static struct head_case k;
    float dlogits[LB * LK], dx[LB * LD], dW[LK * LD] = { 0 };
    float db[LK] = { 0 };
    struct pl_rng r;

    printf("linear head + softmax cross-entropy\n");
    pl_rng_seed(&r, 8);
    fill(k.x, LB * LD, 1.0f, &r);
    fill(k.W, LK * LD, 1.0f, &r);
    fill(k.b, LK, 0.5f, &r);
    for (int i = 0; i < LB; i++)
        k.labels[i] = (int)pl_rng_below(&r, LK);

    head_objective(&k);
    pl_softmax_ce_backward(dlogits, k.probs, k.labels, LB, LK);
    fd_check("softmax CE dlogits", k.logits, dlogits, LB * LK, 1e-2f,
             softmax_objective, &k);
    head_objective(&k);
    pl_linear_backward(dx, dW, db, dlogits, k.x, k.W, LB, LD, LK);
    fd_check("linear dW", k.W, dW, LK * LD, 1e-2f, head_objective, &k);
    fd_check("linear db", k.b, db, LK, 1e-2f, head_objective, &k);
    fd_check("linear dx", k.x, dx, LB * LD, 1e-2f, head_objective, &k);
}

/* ---- the whole model ----------------------------------------------- */

struct model_case {
    struct fixture f;
    struct pl_model *m;
};

static double model_objective(void *p)
{
    struct model_case *k = p;
    double loss = NAN;

    CHECK(pl_model_loss(k->m, k->f.xs, k->f.labels, FB, &loss, NULL) ==
          PL_OK);
    return loss;
}

/* Frozen gradients: the head's must equal the full ones, the rest 0. */
static void check_frozen(struct model_case *k, const float *full, size_t n)
{
    struct pl_params pv;
    const float *g;
    size_t head, bad = 0;
    double loss;

    pl_params_view(&pv, (float *)full, pl_model_get_config(k->m));
    head = (size_t)(pv.Wo - full);
    CHECK(pl_model_compute_grads(k->m, k->f.xs, k->f.labels, FB, 0, &loss,
                                 NULL) == PL_OK);
    g = pl_model_grads(k->m, NULL);
    for (size_t i = 0; i < n; i++)
        bad += i < head ? g[i] != 0.0f : g[i] != full[i];
    CHECK_INT(bad, 0);
}

/* Finite differences over each tensor of the model in turn. */
static void check_tensors(struct model_case *k, float *w, float *g)
{
    const struct pl_model_config *cfg = pl_model_get_config(k->m);
    static const char *names[8] = { "Ew", "Es", "Wx", "bx", "Wh", "bh",
                                    "Wo", "bo" };
    struct pl_params pv, gv;
    char name[64];

    pl_params_view(&pv, w, cfg);
    pl_params_view(&gv, g, cfg);
    float *views[8][2] = { { pv.Ew, gv.Ew }, { pv.Es, gv.Es },
                           { pv.Wx, gv.Wx }, { pv.bx, gv.bx },
                           { pv.Wh, gv.Wh }, { pv.bh, gv.bh },
                           { pv.Wo, gv.Wo }, { pv.bo, gv.bo } };
    for (int i = 0; i < 8; i++) {
        size_t len = i < 7 ? (size_t)(views[i + 1][0] - views[i][0])
                           : (size_t)cfg->n_labels;

        if (len == 0)
            continue;
        snprintf(name, sizeof name, "model d%s", names[i]);
        fd_check(name, views[i][0], views[i][1], len, 3e-3f,
                 model_objective, k);
    }
}

static void test_model(int S, unsigned long long seed)
{
    struct pl_model_config cfg = { 9, S, 5, 4, 3, seed };
    struct model_case k;
    float *w, *g;
    size_t n;
    double loss;

    printf("whole model (S = %d)\n", S);
    fixture_make(&k.f, cfg.vocab_size, S, cfg.n_labels, seed + 1);
    k.m = pl_model_new(&cfg, NULL);
    CHECK(k.m != NULL);
    CHECK(pl_model_compute_grads(k.m, k.f.xs, k.f.labels, FB, 1, &loss,
                                 NULL) == PL_OK);
    w = pl_model_weights_mut(k.m, &n);
    g = malloc(n * sizeof *g);
    memcpy(g, pl_model_grads(k.m, NULL), n * sizeof *g);
    CHECK(fabs(loss - model_objective(&k)) < 1e-12);

    check_tensors(&k, w, g);
    check_frozen(&k, g, n);
    free(g);
    pl_model_free(k.m);
}

int main(void)
{
    openblas_set_num_threads(1);
    test_pack();
    test_embed();
    test_gru();
    test_pool();
    test_head();
    test_model(7, 11);
    test_model(0, 12);
    return check_done("test_grad");
}
