/*
 * Training loops over a whole example set: seeded shuffling, minibatches,
 * per-epoch loss, progress reports, and batch prediction.
 */
#ifndef PARLANCE_TRAIN_H
#define PARLANCE_TRAIN_H

#include "parlance/model.h"

#define PL_MAX_EPOCHS 200

/* What a long-running stage reports; called at most a few times a second
 * and once more with done set. */
struct pl_progress {
    const char *stage;      /* e.g. "source", "fine_tuned" */
    int epoch;              /* 1-based */
    int epochs;
    long step;              /* examples seen in this epoch */
    long steps;             /* examples per epoch */
    double loss;            /* running mean loss of this epoch */
    double per_second;      /* examples per second */
    int done;
};

typedef void (*pl_progress_fn)(const struct pl_progress *p, void *ctx);

struct pl_fit_opts {
    int epochs;
    int batch;
    struct pl_train_opts train;
    unsigned long long seed;    /* shuffling order */
    const char *stage;
    pl_progress_fn progress;    /* may be NULL */
    void *progress_ctx;
};

void pl_fit_opts_default(struct pl_fit_opts *o);

/* Mean training loss of each epoch, filled by pl_model_fit. */
struct pl_fit_log {
    int epochs;
    double loss[PL_MAX_EPOCHS];
    double seconds;
};

/* Train m on xs[n] with labels y[n] in 0..K-1. */
enum pl_status pl_model_fit(struct pl_model *m, const struct pl_seq *xs,
                            const int *y, long n,
                            const struct pl_fit_opts *o,
                            struct pl_fit_log *log, struct pl_error *err);

/* Most probable class of each example into pred[n] and its probability
 * into conf[n] (conf may be NULL). */
enum pl_status pl_model_predict_all(struct pl_model *m,
                                    const struct pl_seq *xs, long n,
                                    int *pred, float *conf,
                                    struct pl_error *err);

#endif
