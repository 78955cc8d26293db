/*
 * Classification metrics over label ids, on the whole test set or on a
 * subset (a metadata slice), with bootstrap confidence intervals and a
 * paired bootstrap test between two systems scored on the same examples.
 *
 * Macro-F1 averages per-label F1 over the labels that occur in the subset
 * as gold or as prediction; a label with neither is left out rather than
 * scored 0 (so a perfect slice scores 1 however many labels the schema
 * declares), and a label that is only predicted counts with F1 0.
 */
#ifndef PARLANCE_EVAL_H
#define PARLANCE_EVAL_H

#include "parlance/core.h"

struct pl_scores {
    long n;             /* examples scored */
    long correct;
    double accuracy;    /* correct / n; 0 when n == 0 */
    double macro_f1;
    int n_labels;       /* labels in the macro average */
};

/*
 * Score gold[] against pred[] (label ids in 0..K-1; a prediction of -1
 * means "no usable prediction" and counts as wrong). idx selects the
 * examples (n of them); idx NULL means examples 0..n-1.
 */
enum pl_status pl_scores_compute(const int *gold, const int *pred,
                                 const long *idx, long n, int K,
                                 struct pl_scores *out,
                                 struct pl_error *err);

/* A 95% percentile interval from bootstrap resampling. */
struct pl_interval {
    double lo;
    double hi;
};

struct pl_bootstrap_opts {
    int resamples;      /* default 1000 */
    double level;       /* default 0.95 */
    unsigned long long seed;
};

void pl_bootstrap_opts_default(struct pl_bootstrap_opts *o);

/* Intervals for accuracy and macro-F1 of one system on the subset idx. */
enum pl_status pl_scores_bootstrap(const int *gold, const int *pred,
                                   const long *idx, long n, int K,
                                   const struct pl_bootstrap_opts *o,
                                   struct pl_interval *acc,
                                   struct pl_interval *f1,
                                   struct pl_error *err);

/*
 * Paired comparison of systems a and b on the same examples: the
 * difference in accuracy (a - b) and in macro-F1, each with an interval,
 * and a two-sided bootstrap p-value for "no difference" in accuracy.
 */
struct pl_paired {
    double acc_diff;
    struct pl_interval acc_ci;
    double f1_diff;
    struct pl_interval f1_ci;
    double p_value;
};

enum pl_status pl_scores_paired(const int *gold, const int *pred_a,
                                const int *pred_b, const long *idx, long n,
                                int K, const struct pl_bootstrap_opts *o,
                                struct pl_paired *out,
                                struct pl_error *err);

#endif
