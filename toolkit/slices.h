/*
 * Metadata slices of a scored test set: which (field, value) groups each
 * example belongs to, and every system's scores on each group.
 * Internal to the transfer pipeline.
 */
#ifndef PARLANCE_SLICES_H
#define PARLANCE_SLICES_H

#include <jansson.h>
#include "parlance/dataset.h"

struct slice_input {
    const struct pl_dataset *test;
    const int *gold;                /* [test->n] global label ids */
    int K;                          /* number of global labels */
    const char *const *names;       /* [n_sys] system names */
    int *const *preds;              /* [n_sys][test->n] */
    int n_sys;
    const struct pl_vocab *src_words;    /* every source training token */
    const struct pl_vocab *src_services; /* services seen in source train */
    const struct pl_vocab *src_domains;
    const struct pl_vocab *src_labels;
    int min_slice;
    int max_values;
    int resamples;
    unsigned long long seed;
};

/* Domain of an example's turn: its own metadata "domain", else the
 * dialogue's "domain", else the dialogue's only entry of "domains". */
const char *slices_turn_domain(const struct pl_item *it);

/* Share of an example's tokens that never occur in src_words. */
double slices_unseen_share(const struct pl_dataset *ds, long i,
                           const struct pl_vocab *src_words);

/*
 * A JSON array of fields, each {"field", "description", "values":
 * [{"value", "n", "small", "scores": {system: {accuracy, macro_f1,
 * accuracy_ci, macro_f1_ci}}}]}, plus "skipped_fields" notes appended to
 * *skipped (an array, may be NULL).
 */
json_t *slices_score(const struct slice_input *in, json_t *skipped,
                     struct pl_error *err);

#endif
