/*
 * From records to model inputs: which turns are examples, their labels,
 * tokens and subword features, and word ids under a given vocabulary.
 * An example is a turn with at least one intent; its label is the first
 * intent. With context > 0 the example's tokens start with up to that
 * many earlier turns of the dialogue, each after a role marker ("<user>",
 * "<agent>", ...), then "<turn>" and the turn itself; a sequence longer
 * than max_tokens loses tokens from the front. The dataset borrows the
 * corpus: free the dataset first.
 */
#ifndef PARLANCE_DATASET_H
#define PARLANCE_DATASET_H

#include "parlance/model.h"
#include "parlance/record.h"
#include "parlance/text.h"

/* Settings that decide how text becomes features; stored in checkpoints. */
struct pl_feature_opts {
    struct pl_text_opts text;
    int ngram_min;          /* character n-grams, default 3..5 */
    int ngram_max;
    unsigned n_buckets;     /* default 50000 */
    int max_tokens;         /* longer turns are cut, default 80 */
    int min_count;          /* rarer words map to the unknown id, def. 2 */
    int context;            /* earlier turns put before the turn, def. 0 */
};

void pl_feature_opts_default(struct pl_feature_opts *o);

struct pl_item {
    const struct pl_dialogue *dlg;
    const struct pl_turn *turn;
    const char *label;      /* borrowed from the turn */
    long tok_off;           /* into the dataset's token array */
    int T;                  /* tokens, context included */
    int cur;                /* the turn's own tokens are [cur, T) */
    long sub_off;           /* into sub_off: the item's T+1 offsets */
    long sub_base;          /* into subs: the item's first subword id */
};

struct pl_dataset {
    struct pl_item *items;
    long n;
    char **tokens;          /* all tokens, items' runs back to back */
    long n_tokens;
    int *subs;              /* subword ids, all items */
    int *sub_off;           /* [n_tokens + n] per item: T+1 offsets */
    long n_subs;
};

/*
 * Collect the examples of the dialogues for which keep(d, ctx) is true
 * (keep NULL: all), normalising each turn's text into turn->norm when it
 * is still NULL (the corpus is modified for that reason).
 */
enum pl_status pl_dataset_build(struct pl_dataset *ds, struct pl_corpus *c,
                                int (*keep)(const struct pl_dialogue *,
                                            void *),
                                void *ctx,
                                const struct pl_feature_opts *fo,
                                struct pl_error *err);
void pl_dataset_fini(struct pl_dataset *ds);

/* Count every token of the dataset into v (ids in first-seen order). */
enum pl_status pl_dataset_count_words(const struct pl_dataset *ds,
                                      struct pl_vocab *v,
                                      struct pl_error *err);

/*
 * Word ids of every token under a model vocabulary, where id 0 is the
 * unknown word. *words (n_tokens ints) is owned by the caller. seqs[n]
 * is filled with views into ds and *words.
 */
enum pl_status pl_dataset_encode(const struct pl_dataset *ds,
                                 const struct pl_vocab *v, int **words,
                                 struct pl_seq *seqs, struct pl_error *err);

/*
 * A model vocabulary from a word count: the unknown marker "<unk>" as id
 * 0, then every word counted at least min_count times, in count order.
 */
struct pl_vocab *pl_vocab_from_counts(const struct pl_vocab *counts,
                                      int min_count, struct pl_error *err);

#endif
