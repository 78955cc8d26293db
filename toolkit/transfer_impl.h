/*
 * Shared state of one transfer run, split over transfer.c (reading and
 * splits), transfer_models.c (training and scoring the systems) and
 * transfer_report.c (predictions file and JSON report).
 */
#ifndef PARLANCE_TRANSFER_IMPL_H
#define PARLANCE_TRANSFER_IMPL_H

#include "parlance/eval.h"
#include "parlance/transfer.h"

enum { ROLE_NONE = 0, ROLE_TRAIN, ROLE_TEST };

struct job;

struct side {
    const char *name;           /* "source" or "target" */
    const char *path;
    struct job *job;
    struct pl_corpus *corpus;
    struct pl_read_stats stats;
    long rejected;
    unsigned char *role;        /* [n_dialogues] ROLE_* */
    json_t *split_info;
    struct pl_dataset train;
    struct pl_dataset test;
};

/* A model with the vocabularies that give its ids meaning. */
struct bundle {
    struct pl_model *m;
    struct pl_vocab *words;     /* id 0 is "<unk>" */
    struct pl_vocab *labels;
};

/* One system scored on the target test split. */
struct system {
    const char *name;
    const char *description;
    int applicable;
    const char *why_not;        /* when not applicable */
    char why_buf[160];
    int shared_only;            /* not applicable, yet scored on the few
                                   examples with shared labels */
    int *pred;                  /* [tgt.test.n] global label ids */
    float *conf;
    long train_examples;
    struct pl_fit_log log;
    int trained;
    struct bundle model;
};

#define MAX_SYSTEMS 4

struct job {
    const struct pl_transfer_opts *o;
    struct pl_feature_opts feat;    /* o->feat with "auto" resolved */
    double label_persistence;       /* of the source training turns */
    struct side src;
    struct side tgt;
    struct pl_atomic rejects;
    char *rejects_path;
    long rejects_lost;
    struct bundle src_model;
    struct pl_fit_log src_log;
    struct pl_vocab *src_words;     /* every source training token */
    struct pl_vocab *src_services;
    struct pl_vocab *src_domains;
    int src_has_test;
    struct pl_scores src_in_domain; /* source model on source test */
    struct pl_vocab *labels;        /* global label space */
    struct pl_vocab *tgt_labels;    /* labels of the target train split */
    int *gold;                      /* [tgt.test.n] */
    struct system sys[MAX_SYSTEMS];
    int n_sys;
};

void model_fini(struct bundle *b);
void system_fini(struct system *s);
enum pl_status run_systems(struct job *j, struct pl_error *err);
enum pl_status write_predictions(struct job *j, struct pl_error *err);
json_t *build_report(struct job *j, struct pl_error *err);

#endif
