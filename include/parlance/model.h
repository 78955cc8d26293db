/*
 * The sequence classifier: token + subword embeddings, a GRU encoder,
 * mean-and-max pooling and a softmax head, with hand-written backward
 * passes over OpenBLAS and Adam. Shapes use fixed letters: B batch,
 * T time, E embedding, H hidden, K classes, V vocabulary, S subword
 * buckets.
 */
#ifndef PARLANCE_MODEL_H
#define PARLANCE_MODEL_H

#include "parlance/core.h"

struct pl_model_config {
    int vocab_size;     /* V: word ids 0..V-1; id 0 is the unknown word */
    int n_buckets;      /* S: subword hash buckets (0 disables subwords) */
    int dim;            /* E */
    int hidden;         /* H */
    int n_labels;       /* K */
    unsigned long long seed;
};

/* One tokenised example. The embedding of token t is
 * Ew[words[t]] + mean of Es[subs[sub_off[t] .. sub_off[t+1])].
 * sub_off and subs may be NULL (no subwords); ids out of range are
 * refused with PL_ERR_USAGE. */
struct pl_seq {
    int T;              /* may be 0: the pooled vector is then zero */
    const int *words;   /* [T] */
    const int *sub_off; /* [T+1] */
    const int *subs;
};

struct pl_train_opts {
    float lr;           /* Adam step size */
    float beta1, beta2, eps;
    float clip;         /* global gradient-norm clip, 0 = none */
    float weight_decay; /* decoupled (AdamW), 0 = none */
    int freeze_encoder; /* update only the head */
};

/* lr 2e-3, betas 0.9/0.999, eps 1e-8, clip 5, no decay, not frozen. */
void pl_train_opts_default(struct pl_train_opts *o);

struct pl_model;

/* New model with weights drawn from cfg->seed. Caller frees. */
struct pl_model *pl_model_new(const struct pl_model_config *cfg,
                              struct pl_error *err);
void pl_model_free(struct pl_model *m);
const struct pl_model_config *pl_model_get_config(const struct pl_model *m);
/* Deep copy, optimizer state included. Caller frees. */
struct pl_model *pl_model_clone(const struct pl_model *m,
                                struct pl_error *err);

/*
 * One Adam step on a minibatch of B examples with gold labels [B] in
 * 0..K-1. *loss (may be NULL) receives the mean cross-entropy before
 * the step. Embedding rows of words and subwords absent from the batch
 * are left alone (sparse Adam: no moment decay, no weight decay), so a
 * step costs the same whatever V and S; the rest of the model gets
 * dense Adam. Weight decay applies to every weight a step updates,
 * biases included. PL_ERR_USAGE for bad ids, labels or options;
 * PL_ERR_DATA, without a step, when the loss is not finite.
 */
enum pl_status pl_model_train_step(struct pl_model *m,
                                   const struct pl_seq *xs,
                                   const int *labels, int B,
                                   const struct pl_train_opts *o,
                                   float *loss, struct pl_error *err);

/* Class probabilities probs[K] for one example. */
enum pl_status pl_model_predict(struct pl_model *m, const struct pl_seq *x,
                                float *probs, struct pl_error *err);

/*
 * Class probabilities probs[B*K] (row b for xs[b]) for B examples in one
 * pass; much faster than B calls. Results agree with pl_model_predict up
 * to float rounding. Prediction and training use scratch memory inside
 * m, so one model must not be used from two threads at once.
 */
enum pl_status pl_model_predict_batch(struct pl_model *m,
                                      const struct pl_seq *xs, int B,
                                      float *probs, struct pl_error *err);

/* Number of weights (floats) in the model. */
size_t pl_model_n_params(const struct pl_model *m);

/*
 * Replace the head with one of n_new classes; row i is copied from old
 * class from_old[i], or freshly initialised when from_old[i] < 0.
 * Optimizer moments are reset.
 */
enum pl_status pl_model_remap_labels(struct pl_model *m, int n_new,
                                     const int *from_old,
                                     struct pl_error *err);

/* Grow the word table to new_V rows (new rows initialised from the seed);
 * new_V must be >= V. Optimizer moments are reset. */
enum pl_status pl_model_grow_vocab(struct pl_model *m, int new_V,
                                   struct pl_error *err);

/* Zero the Adam moments and step count. */
void pl_model_reset_optimizer(struct pl_model *m);

/* ---- checkpoints ----------------------------------------------------- */

/*
 * Checkpoint file: magic "PLNCMDL\0", format version, file size,
 * config, the word list (V strings), the label names (K strings), a
 * free-form JSON string of text settings, the weights, and a 64-bit
 * checksum of everything before it. Written atomically. The layout is
 * documented byte by byte in toolkit/checkpoint.c.
 */
struct pl_model_meta {
    char **vocab;       /* [V], vocab[0] is the unknown-word marker */
    int n_vocab;        /* V, or 0 to store no word list */
    char **labels;      /* [K] */
    int n_labels;       /* K, or 0 to store no label names */
    char *text_config;  /* JSON text, may be NULL */
};

void pl_model_meta_fini(struct pl_model_meta *mm);

/* mm may be NULL (no strings). PL_ERR_USAGE when a list has neither 0
 * nor V (K) entries, PL_ERR_IO when the file cannot be written. */
enum pl_status pl_model_save(const struct pl_model *m,
                             const struct pl_model_meta *mm,
                             const char *path, struct pl_error *err);

/* Load a checkpoint. A damaged, truncated, foreign or newer file is
 * refused with PL_ERR_CHECKPOINT and a message saying which (a missing
 * or unreadable one with PL_ERR_IO); on failure *out is NULL and *mm
 * empty. *out and *mm are owned by the caller (pl_model_free,
 * pl_model_meta_fini). mm may be NULL. */
enum pl_status pl_model_load(const char *path, struct pl_model **out,
                             struct pl_model_meta *mm,
                             struct pl_error *err);

#endif
