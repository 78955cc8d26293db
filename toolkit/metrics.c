/*
 * Accuracy and macro-F1 with a per-subset label set, bootstrap intervals
 * and a paired bootstrap test. See include/parlance/eval.h.
 */
#include "parlance/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Per-label counts reused across bootstrap resamples. */
struct counts {
    int K;
    long *tp, *fp, *fn;
};

static int counts_init(struct counts *c, int K)
{
    c->K = K;
    c->tp = calloc((size_t)K * 3 + 3, sizeof *c->tp);
    c->fp = c->tp ? c->tp + K + 1 : NULL;
    c->fn = c->tp ? c->fp + K + 1 : NULL;
    return c->tp != NULL;
}

static void counts_fini(struct counts *c)
{
    free(c->tp);
    c->tp = c->fp = c->fn = NULL;
}

static void counts_add(struct counts *c, int g, int p, long *correct)
{
    if (g == p && g >= 0) {
        c->tp[g]++;
        (*correct)++;
        return;
    }
    if (g >= 0 && g < c->K)
        c->fn[g]++;
    if (p >= 0 && p < c->K)
        c->fp[p]++;
}

/* Macro-F1 over labels with any gold or predicted example. */
static double counts_macro_f1(const struct counts *c, int *n_labels)
{
    double sum = 0;
    int used = 0;

    for (int k = 0; k < c->K; k++) {
        long tp = c->tp[k], fp = c->fp[k], fn = c->fn[k];

        if (tp + fp + fn == 0)
            continue;
        used++;
        sum += 2.0 * (double)tp / (double)(2 * tp + fp + fn);
    }
    if (n_labels)
        *n_labels = used;
    return used ? sum / used : 0.0;
}

static void counts_clear(struct counts *c)
{
    memset(c->tp, 0, ((size_t)c->K * 3 + 3) * sizeof *c->tp);
}

static long pick(const long *idx, long i)
{
    return idx ? idx[i] : i;
}

/* Score the examples sel[0..n) (positions into idx). */
static void score_into(struct counts *c, const int *gold, const int *pred,
                       const long *idx, const long *sel, long n,
                       struct pl_scores *out)
{
    long correct = 0;

    counts_clear(c);
    for (long i = 0; i < n; i++) {
        long j = pick(idx, sel ? sel[i] : i);
        counts_add(c, gold[j], pred[j], &correct);
    }
    out->n = n;
    out->correct = correct;
    out->accuracy = n ? (double)correct / (double)n : 0.0;
    out->macro_f1 = counts_macro_f1(c, &out->n_labels);
}

enum pl_status pl_scores_compute(const int *gold, const int *pred,
                                 const long *idx, long n, int K,
                                 struct pl_scores *out,
                                 struct pl_error *err)
{
    struct counts c;

    memset(out, 0, sizeof *out);
    if (K < 0 || n < 0)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "negative label or example count");
    if (!counts_init(&c, K))
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    score_into(&c, gold, pred, idx, NULL, n, out);
    counts_fini(&c);
    return PL_OK;
}

void pl_bootstrap_opts_default(struct pl_bootstrap_opts *o)
{
    o->resamples = 1000;
    o->level = 0.95;
    o->seed = 20261204ULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Percentile interval of v[0..n) (sorted in place). */
static struct pl_interval percentile(double *v, int n, double level)
{
    struct pl_interval r = { 0, 0 };
    double a = (1.0 - level) / 2.0;
    int lo, hi;

    if (n <= 0)
        return r;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    lo = (int)floor(a * (n - 1) + 0.5);
    hi = (int)floor((1.0 - a) * (n - 1) + 0.5);
    r.lo = v[lo];
    r.hi = v[hi];
    return r;
}

/* Shared state of one bootstrap run over one subset. */
struct boot {
    struct counts c;
    long *sel;
    double *acc, *f1, *acc2, *f12;
    struct pl_rng rng;
    int R;
};

static enum pl_status boot_init(struct boot *b, long n, int K,
                                const struct pl_bootstrap_opts *o,
                                struct pl_error *err)
{
    memset(b, 0, sizeof *b);
    b->R = o->resamples > 0 ? o->resamples : 1000;
    pl_rng_seed(&b->rng, o->seed);
    b->sel = malloc((size_t)(n > 0 ? n : 1) * sizeof *b->sel);
    b->acc = malloc((size_t)b->R * 4 * sizeof *b->acc);
    if (!counts_init(&b->c, K) || !b->sel || !b->acc)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    b->f1 = b->acc + b->R;
    b->acc2 = b->f1 + b->R;
    b->f12 = b->acc2 + b->R;
    return PL_OK;
}

static void boot_fini(struct boot *b)
{
    counts_fini(&b->c);
    free(b->sel);
    free(b->acc);
}

static void boot_draw(struct boot *b, long n)
{
    for (long i = 0; i < n; i++)
        b->sel[i] = (long)pl_rng_below(&b->rng, (unsigned long)n);
}

enum pl_status pl_scores_bootstrap(const int *gold, const int *pred,
                                   const long *idx, long n, int K,
                                   const struct pl_bootstrap_opts *o,
                                   struct pl_interval *acc,
                                   struct pl_interval *f1,
                                   struct pl_error *err)
{
    struct boot b;
    struct pl_scores s;
    enum pl_status st = boot_init(&b, n, K, o, err);

    if (st == PL_OK && n > 0) {
        for (int r = 0; r < b.R; r++) {
            boot_draw(&b, n);
            score_into(&b.c, gold, pred, idx, b.sel, n, &s);
            b.acc[r] = s.accuracy;
            b.f1[r] = s.macro_f1;
        }
        *acc = percentile(b.acc, b.R, o->level);
        *f1 = percentile(b.f1, b.R, o->level);
    } else if (st == PL_OK) {
        acc->lo = acc->hi = f1->lo = f1->hi = 0;
    }
    boot_fini(&b);
    return st;
}

/* Two-sided p-value: how often the resampled difference crosses zero. */
static double two_sided_p(const double *d, int R, double observed)
{
    int against = 0;

    for (int r = 0; r < R; r++)
        if (observed >= 0 ? d[r] <= 0 : d[r] >= 0)
            against++;
    return fmin(1.0, 2.0 * (double)against / R);
}

enum pl_status pl_scores_paired(const int *gold, const int *pred_a,
                                const int *pred_b, const long *idx, long n,
                                int K, const struct pl_bootstrap_opts *o,
                                struct pl_paired *out,
                                struct pl_error *err)
{
    struct boot b;
    struct pl_scores sa, sb;
    enum pl_status st;

    memset(out, 0, sizeof *out);
    out->p_value = 1.0;
    st = boot_init(&b, n, K, o, err);
    if (st != PL_OK || n == 0) {
        boot_fini(&b);
        return st;
    }
    score_into(&b.c, gold, pred_a, idx, NULL, n, &sa);
    score_into(&b.c, gold, pred_b, idx, NULL, n, &sb);
    out->acc_diff = sa.accuracy - sb.accuracy;
    out->f1_diff = sa.macro_f1 - sb.macro_f1;
    for (int r = 0; r < b.R; r++) {
        boot_draw(&b, n);
        score_into(&b.c, gold, pred_a, idx, b.sel, n, &sa);
        score_into(&b.c, gold, pred_b, idx, b.sel, n, &sb);
        b.acc[r] = sa.accuracy - sb.accuracy;
        b.f1[r] = sa.macro_f1 - sb.macro_f1;
    }
    out->p_value = two_sided_p(b.acc, b.R, out->acc_diff);
    out->acc_ci = percentile(b.acc, b.R, o->level);
    out->f1_ci = percentile(b.f1, b.R, o->level);
    boot_fini(&b);
    return PL_OK;
}
