/*
 * The main job: read a source and a target corpus, train on the source,
 * score it zero-shot on the target, adapt it to the target in several
 * ways, train a target-only baseline, and score everything on the same
 * target test split, overall and by metadata slice.
 */
#ifndef PARLANCE_TRANSFER_H
#define PARLANCE_TRANSFER_H

#include <jansson.h>
#include "parlance/dataset.h"
#include "parlance/formats.h"
#include "parlance/train.h"

#define PL_REPORT_VERSION 1

struct pl_transfer_opts {
    const char *source;
    const char *target;
    const char *out_dir;            /* models, predictions, rejects */
    enum pl_format source_format;   /* PL_FMT_AUTO: detect */
    enum pl_format target_format;
    /* CSV/TSV column mapping for both corpora: the *_column members and
     * label_separator of this are used (NULL: found by header names). */
    const struct pl_read_opts *columns;
    enum pl_utf8_policy utf8;
    struct pl_feature_opts feat;    /* pl_feature_opts_default, but with
                                       case folded and context -1 (auto:
                                       4 turns when the source's labels
                                       persist across turns, else 0) */
    int dim;                        /* E, default 64 */
    int hidden;                     /* H, default 128 */
    int epochs;                     /* source and target-only, default 8 */
    int finetune_epochs;            /* default 8 */
    int batch;                      /* default 32 */
    float lr;                       /* default 2e-3 */
    float finetune_lr;              /* default 1e-3 */
    double test_fraction;           /* seeded split when none, def. 0.3 */
    unsigned long long seed;        /* default 13 */
    double min_zero_shot;           /* zero-shot is scored when source
                                       labels cover this share of the
                                       target test, default 0.05 */
    int min_slice;                  /* smaller slices are flagged, def. 20 */
    int max_slice_values;           /* fields with more are skipped, 40 */
    int resamples;                  /* bootstrap resamples, default 1000 */
    int save_models;                /* write checkpoints into out_dir */
    pl_progress_fn progress;
    void *progress_ctx;
};

void pl_transfer_opts_default(struct pl_transfer_opts *o);

/*
 * Run the whole job. *report receives the versioned JSON report (caller
 * decrefs). Files written into out_dir: predictions.jsonl, rejects.jsonl
 * (when anything was rejected) and, with save_models, models/<name>.plm.
 */
enum pl_status pl_transfer_run(const struct pl_transfer_opts *o,
                               json_t **report, struct pl_error *err);

/* ---- reports ----------------------------------------------------------- */

/* Write report as indented JSON / Markdown, atomically. */
enum pl_status pl_report_write_json(const json_t *report, const char *path,
                                    struct pl_error *err);
enum pl_status pl_report_write_markdown(const json_t *report,
                                        const char *path,
                                        struct pl_error *err);
/* Render a report as Markdown text (caller frees). NULL on a report that
 * is not a parlance transfer report, with err saying why. */
char *pl_report_markdown(const json_t *report, struct pl_error *err);

#endif
