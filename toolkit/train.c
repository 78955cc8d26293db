/*
 * Epoch loop, shuffling and batch prediction on top of pl_model_train_step
 * and pl_model_predict. See include/parlance/train.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "parlance/train.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void pl_fit_opts_default(struct pl_fit_opts *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 8;
    o->batch = 32;
    pl_train_opts_default(&o->train);
    o->seed = 1;
    o->stage = "train";
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Fisher-Yates shuffle of order[n]. */
static void shuffle(long *order, long n, struct pl_rng *rng)
{
    for (long i = n - 1; i > 0; i--) {
        long j = (long)pl_rng_below(rng, (unsigned long)i + 1);
        long t = order[i];

        order[i] = order[j];
        order[j] = t;
    }
}

/* Progress is reported at most every quarter second, plus at epoch end. */
static void report(const struct pl_fit_opts *o, struct pl_progress *p,
                   double start, double *last, int force)
{
    double t = now_seconds();

    if (!o->progress || (!force && t - *last < 0.25))
        return;
    *last = t;
    p->per_second = t > start ? p->step / (t - start) : 0;
    o->progress(p, o->progress_ctx);
}

/* One pass over the shuffled examples; returns the mean loss in *loss. */
static enum pl_status run_epoch(struct pl_model *m, const struct pl_seq *xs,
                                const int *y, long n, const long *order,
                                const struct pl_fit_opts *o,
                                struct pl_progress *p, double *loss,
                                struct pl_error *err)
{
    struct pl_seq *bx = malloc((size_t)o->batch * sizeof *bx);
    int *by = malloc((size_t)o->batch * sizeof *by);
    double start = now_seconds(), last = 0, sum = 0;
    enum pl_status st = PL_OK;

    if (!bx || !by)
        st = pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (long i = 0; st == PL_OK && i < n; i += o->batch) {
        int B = (int)(n - i < o->batch ? n - i : o->batch);
        float l = 0;

        for (int b = 0; b < B; b++) {
            bx[b] = xs[order[i + b]];
            by[b] = y[order[i + b]];
        }
        st = pl_model_train_step(m, bx, by, B, &o->train, &l, err);
        sum += (double)l * B;
        p->step = i + B;
        p->loss = sum / p->step;
        report(o, p, start, &last, 0);
    }
    *loss = n ? sum / n : 0;
    p->done = p->epoch == p->epochs;
    if (st == PL_OK)
        report(o, p, start, &last, 1);
    free(bx);
    free(by);
    return st;
}

enum pl_status pl_model_fit(struct pl_model *m, const struct pl_seq *xs,
                            const int *y, long n,
                            const struct pl_fit_opts *o,
                            struct pl_fit_log *log, struct pl_error *err)
{
    struct pl_progress p = { o->stage, 0, o->epochs, 0, n, 0, 0, 0 };
    long *order = malloc((size_t)(n ? n : 1) * sizeof *order);
    struct pl_rng rng;
    double t0 = now_seconds();
    enum pl_status st = PL_OK;

    if (!order)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (o->epochs < 0 || o->epochs > PL_MAX_EPOCHS || o->batch < 1) {
        free(order);
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "epochs must be 0..%d and batch at least 1",
                            PL_MAX_EPOCHS);
    }
    memset(log, 0, sizeof *log);
    pl_rng_seed(&rng, o->seed);
    for (long i = 0; i < n; i++)
        order[i] = i;
    for (int e = 0; e < o->epochs && st == PL_OK; e++) {
        p.epoch = e + 1;
        shuffle(order, n, &rng);
        st = run_epoch(m, xs, y, n, order, o, &p, &log->loss[e], err);
        log->epochs = e + 1;
    }
    log->seconds = now_seconds() - t0;
    free(order);
    return st;
}

enum pl_status pl_model_predict_all(struct pl_model *m,
                                    const struct pl_seq *xs, long n,
                                    int *pred, float *conf,
                                    struct pl_error *err)
{
    enum { CHUNK = 64 };
    int K = pl_model_get_config(m)->n_labels;
    float *probs = malloc((size_t)CHUNK * (size_t)(K > 0 ? K : 1) *
                          sizeof *probs);
    enum pl_status st = PL_OK;

    if (!probs)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (long i = 0; i < n && st == PL_OK; i += CHUNK) {
        int B = (int)(n - i < CHUNK ? n - i : CHUNK);

        st = pl_model_predict_batch(m, xs + i, B, probs, err);
        for (int b = 0; st == PL_OK && b < B; b++) {
            const float *p = probs + (size_t)b * (size_t)K;
            int best = 0;

            for (int k = 1; k < K; k++)
                if (p[k] > p[best])
                    best = k;
            pred[i + b] = K > 0 ? best : -1;
            if (conf)
                conf[i + b] = K > 0 ? p[best] : 0.0f;
        }
    }
    free(probs);
    return st;
}
