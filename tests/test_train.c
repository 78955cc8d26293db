/*
 * Training: a tiny fixed-seed run on a synthetic task whose per-step
 * losses must match recorded values and whose accuracy must reach
 * 100%; then the model surgery the transfer pipeline relies on
 * (remap_labels, grow_vocab, freeze_encoder, clone) and input checks.
 *
 * The recorded losses are golden values captured from this
 * implementation (single OpenBLAS thread) when the test was written;
 * they catch any change in the numbers (initialisation, packing,
 * gradients, Adam, clipping). A deliberate change of the maths must
 * re-record them and say so in its commit.
 */
#include "check.h"
#include "nn.h"

#include <cblas.h>
#include <math.h>

/* ---- the synthetic task -------------------------------------------- */

/*
 * Words 4..V-1 are filler. An example of class k contains the keyword
 * 1 + k once, at a random place among 1..7 fillers; the unknown word 0
 * appears now and then. Each token has two subwords, a hash of its id.
 */
enum { V = 24, S = 16, K = 3, MAXT = 9 };

struct example {
    int T;
    int words[MAXT];
    int sub_off[MAXT + 1];
    int subs[2 * MAXT];
};

struct dataset {
    int n;
    struct example *ex;
    struct pl_seq *xs;
    int *labels;
};

static void example_make(struct example *e, int label, struct pl_rng *r)
{
    int fill = 1 + (int)pl_rng_below(r, 7);
    int at = (int)pl_rng_below(r, (unsigned long)fill + 1);

    e->T = fill + 1;
    for (int t = 0, f = 0; t < e->T; t++) {
        if (t == at)
            e->words[t] = 1 + label;
        else if (pl_rng_below(r, 10) == 0)
            e->words[t] = 0, f++;
        else
            e->words[t] = 4 + (int)pl_rng_below(r, V - 4), f++;
    }
    for (int t = 0; t < e->T; t++) {
        e->sub_off[t] = 2 * t;
        e->subs[2 * t] = (e->words[t] * 7 + 3) % S;
        e->subs[2 * t + 1] = (e->words[t] * 5 + 1) % S;
    }
    e->sub_off[e->T] = 2 * e->T;
}

static void dataset_make(struct dataset *d, int n, unsigned long long seed)
{
    struct pl_rng r;

    pl_rng_seed(&r, seed);
    d->n = n;
    d->ex = calloc((size_t)n, sizeof *d->ex);
    d->xs = calloc((size_t)n, sizeof *d->xs);
    d->labels = calloc((size_t)n, sizeof *d->labels);
    for (int i = 0; i < n; i++) {
        struct example *e = &d->ex[i];

        d->labels[i] = (int)pl_rng_below(&r, K);
        example_make(e, d->labels[i], &r);
        d->xs[i] = (struct pl_seq){ e->T, e->words, e->sub_off, e->subs };
    }
}

static void dataset_free(struct dataset *d)
{
    free(d->ex);
    free(d->xs);
    free(d->labels);
}

static int argmax(const float *p, int n)
{
    int best = 0;

    for (int k = 1; k < n; k++)
        if (p[k] > p[best])
            best = k;
    return best;
}

static double accuracy(struct pl_model *m, const struct dataset *d)
{
    int K2 = pl_model_get_config(m)->n_labels, right = 0;
    float *p = malloc(sizeof *p * (size_t)d->n * K2);

    CHECK(pl_model_predict_batch(m, d->xs, d->n, p, NULL) == PL_OK);
    for (int i = 0; i < d->n; i++)
        right += argmax(p + (size_t)i * K2, K2) == d->labels[i];
    free(p);
    return (double)right / d->n;
}

/* ---- the recorded run ---------------------------------------------- */

enum { BATCH = 16, STEPS = 96 };

static const struct pl_model_config task_cfg = { V, S, 16, 16, K, 2024 };

static void task_opts(struct pl_train_opts *o)
{
    pl_train_opts_default(o);
    o->lr = 1e-2f;
    o->clip = 1.0f;
}

/* Step s trains on examples [s*BATCH, (s+1)*BATCH) mod the set size. */
static enum pl_status train_step(struct pl_model *m,
                                 const struct dataset *d, int s,
                                 const struct pl_train_opts *o,
                                 float *loss)
{
    int at = (s * BATCH) % d->n;

    return pl_model_train_step(m, d->xs + at, d->labels + at, BATCH, o,
                               loss, NULL);
}

/* Captured from this implementation when the test was written. */
static const double recorded[STEPS] = {
    1.41253626, 1.22180665, 1.14183319, 1.14327884,
    0.977793515, 0.955413401, 0.807357252, 0.970797539,
    0.681059957, 0.643892765, 0.645943999, 0.654603601,
    0.540686011, 0.550422668, 0.483451903, 0.638903499,
    0.42389372, 0.395837545, 0.373419225, 0.379246563,
    0.329569399, 0.323966175, 0.273669124, 0.400362074,
    0.255428851, 0.230392441, 0.199753299, 0.206828579,
    0.180850685, 0.181630388, 0.140247017, 0.209830791,
    0.147158206, 0.130299658, 0.10955403, 0.112182647,
    0.0915835351, 0.0997944996, 0.0749535412, 0.0963850543,
    0.0827113912, 0.0752373114, 0.0627951771, 0.0635516569,
    0.0477557108, 0.0566851981, 0.0432139933, 0.0490168333,
    0.0483201556, 0.0470451936, 0.0393868461, 0.0395321399,
    0.0275939759, 0.0350638889, 0.0274074711, 0.0286535732,
    0.0299011767, 0.031784635, 0.0271744989, 0.0272872373,
    0.0177274384, 0.0240676776, 0.0191178098, 0.0190393627,
    0.0198996309, 0.0231497195, 0.0205048975, 0.020228548,
    0.012546923, 0.0177794732, 0.0144066159, 0.0139251202,
    0.0142564103, 0.0180045553, 0.0164980888, 0.0158891361,
    0.00961471908, 0.0138839027, 0.0114652999, 0.0108268801,
    0.0110076172, 0.0147072962, 0.0138640879, 0.0129631776,
    0.00781935453, 0.0113660134, 0.00946432445, 0.00885091722,
    0.0089784218, 0.0124121411, 0.0119320583, 0.0109310467,
    0.00662220037, 0.00963038392, 0.00803707913, 0.007493068
};

static int close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fabs(b);
}

/* Losses of the run, printed as a table to paste when re-recording. */
static void print_losses(const float *loss)
{
    printf("  losses of this run:\n");
    for (int s = 0; s < STEPS; s++)
        printf("%s%.9g,%s", s % 4 ? " " : "    ", loss[s],
               s % 4 == 3 ? "\n" : "");
}

static struct pl_model *test_recorded_run(const struct dataset *train,
                                          const struct dataset *test)
{
    struct pl_model *m = pl_model_new(&task_cfg, NULL);
    struct pl_train_opts o;
    float loss[STEPS];
    int off = 0;

    task_opts(&o);
    for (int s = 0; s < STEPS; s++) {
        loss[s] = NAN;
        CHECK(train_step(m, train, s, &o, &loss[s]) == PL_OK);
        off += !close_rel(loss[s], recorded[s], 1e-4);
    }
    printf("recorded run: %d steps of %d, loss %.4f -> %.4f, %d off the "
           "record\n", STEPS, BATCH, loss[0], loss[STEPS - 1], off);
    CHECK_INT(off, 0);
    if (off)
        print_losses(loss);
    printf("  accuracy: train %.3f, held out %.3f\n", accuracy(m, train),
           accuracy(m, test));
    CHECK(accuracy(m, train) == 1.0);
    CHECK(accuracy(m, test) == 1.0);
    return m;
}

/* ---- surgery ------------------------------------------------------- */

/* Probabilities of every example of d under m, [n*K]. Caller frees. */
static float *predict_all(struct pl_model *m, const struct dataset *d)
{
    int K2 = pl_model_get_config(m)->n_labels;
    float *p = malloc(sizeof *p * (size_t)d->n * K2);

    CHECK(pl_model_predict_batch(m, d->xs, d->n, p, NULL) == PL_OK);
    return p;
}

/*
 * New classes copied from old ones keep their logits, so the ratio of
 * any two copied classes' probabilities is unchanged; a pure
 * permutation keeps every probability.
 */
static void test_remap(const struct pl_model *trained,
                       const struct dataset *d)
{
    static const int mixed[4] = { 2, 0, -1, 1 }, perm[3] = { 1, 2, 0 };
    struct pl_model *m = pl_model_clone(trained, NULL);
    float *old = predict_all(m, d), *now;
    int bad = 0;

    printf("remap_labels\n");
    CHECK(pl_model_remap_labels(m, 3, perm, NULL) == PL_OK);
    now = predict_all(m, d);
    for (int i = 0; i < d->n * 3; i++)
        bad += fabsf(now[i] - old[(i / 3) * 3 + perm[i % 3]]) > 1e-6f;
    CHECK_INT(bad, 0);
    free(now);

    pl_model_free(m);
    m = pl_model_clone(trained, NULL);
    CHECK(pl_model_remap_labels(m, 4, mixed, NULL) == PL_OK);
    CHECK_INT(pl_model_get_config(m)->n_labels, 4);
    now = predict_all(m, d);
    for (int i = 0; i < d->n; i++) {
        const float *o = old + i * 3, *p = now + i * 4;
        double r1 = log(p[0] / p[1]) - log(o[2] / o[0]);
        double r2 = log(p[3] / p[1]) - log(o[1] / o[0]);

        bad += fabs(r1) > 1e-4 || fabs(r2) > 1e-4;
    }
    CHECK_INT(bad, 0);
    free(now);
    free(old);
    pl_model_free(m);
}

/* Old ids predict exactly as before; new rows equal a fresh model's. */
static void test_grow(const struct pl_model *trained,
                      const struct dataset *d)
{
    struct pl_model *m = pl_model_clone(trained, NULL), *fresh;
    struct pl_model_config big = task_cfg;
    float *old = predict_all(m, d), *now;
    struct pl_params a, b;

    printf("grow_vocab\n");
    big.vocab_size = V + 10;
    CHECK(pl_model_grow_vocab(m, V + 10, NULL) == PL_OK);
    CHECK_INT(pl_model_get_config(m)->vocab_size, V + 10);
    now = predict_all(m, d);
    CHECK(memcmp(now, old, sizeof *now * (size_t)d->n * K) == 0);

    fresh = pl_model_new(&big, NULL);
    pl_params_view(&a, pl_model_weights_mut(m, NULL), &big);
    pl_params_view(&b, pl_model_weights_mut(fresh, NULL), &big);
    CHECK(memcmp(a.Ew + V * big.dim, b.Ew + V * big.dim,
                 sizeof(float) * 10 * big.dim) == 0);
    CHECK(pl_model_grow_vocab(m, V, NULL) == PL_ERR_USAGE);
    free(now);
    free(old);
    pl_model_free(fresh);
    pl_model_free(m);
}

/* A frozen encoder stays bit-identical while the head learns. */
static void test_freeze(const struct dataset *d)
{
    struct pl_model *m = pl_model_new(&task_cfg, NULL);
    struct pl_train_opts o;
    struct pl_params p;
    size_t n, enc;
    float *before, loss0 = 0.0f, loss = 0.0f;

    printf("freeze_encoder\n");
    task_opts(&o);
    o.freeze_encoder = 1;
    o.weight_decay = 0.01f;     /* decay must not touch frozen weights */
    pl_params_view(&p, pl_model_weights_mut(m, &n), &task_cfg);
    enc = (size_t)(p.Wo - p.Ew);
    before = malloc(n * sizeof *before);
    memcpy(before, p.Ew, n * sizeof *before);
    for (int s = 0; s < 20; s++)
        CHECK(train_step(m, d, s, &o, s ? &loss : &loss0) == PL_OK);
    CHECK(memcmp(before, p.Ew, enc * sizeof *before) == 0);
    CHECK(memcmp(before + enc, p.Wo, (n - enc) * sizeof *before) != 0);
    CHECK(loss < loss0);
    free(before);
    pl_model_free(m);
}

/* A clone continues exactly like its original: moments are copied. */
static void test_clone(const struct dataset *d)
{
    struct pl_model *a = pl_model_new(&task_cfg, NULL), *b;
    struct pl_train_opts o;
    int same = 1;

    printf("clone\n");
    task_opts(&o);
    for (int s = 0; s < 5; s++)
        CHECK(train_step(a, d, s, &o, NULL) == PL_OK);
    b = pl_model_clone(a, NULL);
    for (int s = 5; s < 10; s++) {
        float la, lb;

        CHECK(train_step(a, d, s, &o, &la) == PL_OK);
        CHECK(train_step(b, d, s, &o, &lb) == PL_OK);
        same &= la == lb;
    }
    CHECK(same);
    CHECK(memcmp(pl_model_weights(a, NULL), pl_model_weights(b, NULL),
                 pl_model_n_params(a) * sizeof(float)) == 0);
    pl_model_free(a);
    pl_model_free(b);
}

/* ---- smaller contracts --------------------------------------------- */

static void test_seed_and_empty(void)
{
    struct pl_model_config other = task_cfg;
    struct pl_model *a = pl_model_new(&task_cfg, NULL);
    struct pl_model *b = pl_model_new(&task_cfg, NULL), *c;
    size_t bytes = pl_model_n_params(a) * sizeof(float);
    struct pl_seq empty = { 0, NULL, NULL, NULL };
    float p[K];

    printf("seeds, empty input, predict vs batch\n");
    other.seed++;
    c = pl_model_new(&other, NULL);
    CHECK(memcmp(pl_model_weights(a, NULL), pl_model_weights(b, NULL),
                 bytes) == 0);
    CHECK(memcmp(pl_model_weights(a, NULL), pl_model_weights(c, NULL),
                 bytes) != 0);
    /* T = 0 pools to zeros; a fresh head has zero bias: uniform. */
    CHECK(pl_model_predict(a, &empty, p, NULL) == PL_OK);
    CHECK(fabsf(p[0] - 1.0f / K) < 1e-7f && fabsf(p[2] - 1.0f / K) < 1e-7f);
    pl_model_free(a);
    pl_model_free(b);
    pl_model_free(c);
}

static void test_predict_batch(struct pl_model *m, const struct dataset *d)
{
    float *all = predict_all(m, d), one[K];
    int bad = 0;

    for (int i = 0; i < d->n; i++) {
        CHECK(pl_model_predict(m, &d->xs[i], one, NULL) == PL_OK);
        for (int k = 0; k < K; k++)
            bad += fabsf(one[k] - all[i * K + k]) > 1e-6f;
    }
    CHECK_INT(bad, 0);
    free(all);
}

static void test_bad_input(struct pl_model *m, const struct dataset *d)
{
    struct example e = d->ex[0];
    struct pl_seq x = { e.T, e.words, e.sub_off, e.subs };
    struct pl_train_opts o;
    struct pl_error err;
    int label = K;
    float p[K];

    printf("input checks\n");
    pl_train_opts_default(&o);
    CHECK(pl_model_train_step(m, &x, &label, 1, &o, NULL, &err) ==
          PL_ERR_USAGE);
    CHECK(strstr(err.message, "label 3") != NULL);
    CHECK(pl_model_train_step(m, &x, d->labels, 0, &o, NULL, &err) ==
          PL_ERR_USAGE);
    e.words[1] = V;
    CHECK(pl_model_predict(m, &x, p, &err) == PL_ERR_USAGE);
    CHECK(strstr(err.message, "word id 24 outside 0..23") != NULL);
    e.words[1] = 4;
    e.subs[0] = -1;
    CHECK(pl_model_predict(m, &x, p, &err) == PL_ERR_USAGE);
    e.subs[0] = 0;
    e.sub_off[1] = 5;
    e.sub_off[2] = 3;
    CHECK(pl_model_predict(m, &x, p, &err) == PL_ERR_USAGE);
    o.beta1 = 1.0f;
    CHECK(pl_model_train_step(m, d->xs, d->labels, 1, &o, NULL, &err) ==
          PL_ERR_USAGE);
}

int main(void)
{
    struct dataset train, test;
    struct pl_model *m;

    openblas_set_num_threads(1);
    dataset_make(&train, 128, 1);
    dataset_make(&test, 60, 2);
    m = test_recorded_run(&train, &test);
    test_remap(m, &test);
    test_grow(m, &test);
    test_freeze(&train);
    test_clone(&train);
    test_seed_and_empty();
    test_predict_batch(m, &test);
    test_bad_input(m, &train);
    pl_model_free(m);
    dataset_free(&train);
    dataset_free(&test);
    return check_done("test_train");
}
