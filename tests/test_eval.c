/*
 * Metrics: accuracy and macro-F1 on hand-computed cases (including
 * ../shared/cases/07, labels absent from a slice), bootstrap intervals
 * and the paired test.
 */
#include <math.h>

#include "check.h"
#include "parlance/eval.h"

static int near(double a, double b)
{
    return fabs(a - b) < 1e-4;
}

/* Case 07 slice 1: a perfect slice scores 1 however many labels exist. */
static void test_absent_labels(void)
{
    int gold[] = { 0, 0 }, pred[] = { 0, 0 };
    struct pl_scores s;

    CHECK(pl_scores_compute(gold, pred, NULL, 2, 50, &s, NULL) == PL_OK);
    CHECK(near(s.accuracy, 1.0));
    CHECK(near(s.macro_f1, 1.0));
    CHECK_INT(s.n_labels, 1);
}

/* Case 07 slice 2 with labels inferred from the data. */
static void test_inferred_labels(void)
{
    int gold[] = { 2, 1, 0, 0 }, pred[] = { 2, 1, 0, 1 };
    struct pl_scores s;

    CHECK(pl_scores_compute(gold, pred, NULL, 4, 5, &s, NULL) == PL_OK);
    CHECK(near(s.macro_f1, (2.0 / 3 + 2.0 / 3 + 1.0) / 3));
    CHECK(near(s.macro_f1, 0.7778));
    CHECK(near(s.accuracy, 0.75));
}

/* Case 07 slice 3: a label only predicted stays in the average. */
static void test_predicted_only_label(void)
{
    enum { GREET, BYE, OOS };
    int gold[] = { GREET, BYE, BYE }, pred[] = { GREET, BYE, OOS };
    struct pl_scores s;

    CHECK(pl_scores_compute(gold, pred, NULL, 3, 3, &s, NULL) == PL_OK);
    CHECK(near(s.macro_f1, 0.5556));
    CHECK_INT(s.n_labels, 3);
}

/* A subset via idx, and "no prediction" (-1) counted as wrong. */
static void test_subset_and_missing(void)
{
    int gold[] = { 0, 1, 1, 2, 2 }, pred[] = { 0, -1, 1, 2, 0 };
    long idx[] = { 1, 2 };
    struct pl_scores s;

    CHECK(pl_scores_compute(gold, pred, idx, 2, 3, &s, NULL) == PL_OK);
    CHECK_INT(s.n, 2);
    CHECK_INT(s.correct, 1);
    CHECK(near(s.macro_f1, 2.0 / 3));
    CHECK(pl_scores_compute(gold, pred, NULL, 0, 3, &s, NULL) == PL_OK);
    CHECK_INT(s.n, 0);
    CHECK(near(s.accuracy, 0));
}

static void test_bootstrap(void)
{
    enum { N = 400 };
    int gold[N], pred[N], other[N];
    struct pl_bootstrap_opts o;
    struct pl_interval acc, f1;
    struct pl_paired p;

    for (int i = 0; i < N; i++) {
        gold[i] = i % 4;
        pred[i] = i % 5 == 0 ? (i + 1) % 4 : i % 4;   /* 80% right */
        other[i] = i % 2 == 0 ? (i + 1) % 4 : i % 4;  /* 50% right */
    }
    pl_bootstrap_opts_default(&o);
    CHECK(pl_scores_bootstrap(gold, pred, NULL, N, 4, &o, &acc, &f1,
                              NULL) == PL_OK);
    CHECK(acc.lo < 0.8 && acc.hi > 0.8);
    CHECK(acc.lo > 0.7 && acc.hi < 0.9);
    CHECK(f1.lo <= f1.hi);
    CHECK(pl_scores_paired(gold, pred, other, NULL, N, 4, &o, &p, NULL) ==
          PL_OK);
    CHECK(near(p.acc_diff, 0.3));
    CHECK(p.acc_ci.lo > 0.2 && p.acc_ci.hi < 0.4);
    CHECK(p.p_value < 0.01);
    CHECK(pl_scores_paired(gold, pred, pred, NULL, N, 4, &o, &p, NULL) ==
          PL_OK);
    CHECK(near(p.acc_diff, 0));
    CHECK(p.p_value > 0.9);
}

int main(void)
{
    test_absent_labels();
    test_inferred_labels();
    test_predicted_only_label();
    test_subset_and_missing();
    test_bootstrap();
    return check_done("test_eval");
}
