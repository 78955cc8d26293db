/*
 * Internal layer API of the sequence classifier, shared by model.c,
 * checkpoint.c and the tests. Not installed; the public contract is
 * include/parlance/model.h.
 *
 * Shape letters: B batch, T time, E embedding, H hidden, K classes,
 * V vocabulary, S subword buckets, and N = the total number of tokens
 * in a batch (rows of a packed tensor, see struct pl_batch).
 *
 * Conventions: every forward writes (overwrites) its outputs. Every
 * backward ADDS into parameter gradients (dW, db, dEw, ...) so one
 * gradient block can collect a whole step, and OVERWRITES the
 * gradients of its inputs (dx, dh, dlogits) unless stated otherwise.
 * Matrices are row-major.
 */
#ifndef PARLANCE_NN_H
#define PARLANCE_NN_H

#include <stddef.h>
#include "parlance/model.h"

/* ---- arena ------------------------------------------------------- */

/*
 * A bump allocator for per-batch activations. The model sizes it once
 * per batch (pl_arena_reserve, which may reallocate and so invalidates
 * earlier pointers), then carves buffers with pl_arena_alloc. An arena
 * whose base is NULL only measures: alloc returns NULL and counts.
 */
struct pl_arena {
    unsigned char *base;
    size_t cap;
    size_t used;
};

void pl_arena_init(struct pl_arena *a);
void pl_arena_fini(struct pl_arena *a);
/* Reset and make room for at least bytes. PL_ERR_NOMEM on failure. */
enum pl_status pl_arena_reserve(struct pl_arena *a, size_t bytes);
/* 64-byte aligned, uninitialised; NULL when measuring. */
void *pl_arena_alloc(struct pl_arena *a, size_t bytes);

/* ---- packed batches ---------------------------------------------- */

/*
 * Sequences of different lengths are handled by packing, not masking:
 * the examples are ordered longest first (stable), so at step t the
 * active examples are exactly the first n_at[t] packed rows. Step t's
 * rows of a packed tensor start at row off[t]; packed row i of step t
 * (i < n_at[t]) is token t of example order[i]. No padding row is ever
 * computed or read. Tensors noted [N,..] use this layout; per-example
 * tensors noted [B,..] use the caller's original order.
 */
struct pl_batch {
    int B;                      /* examples */
    int T;                      /* longest length (0 if all empty) */
    int N;                      /* total tokens = off[T] */
    const struct pl_seq *xs;    /* [B] */
    const int *order;           /* [B] packed row -> example */
    const int *n_at;            /* [T] active rows at step t */
    const int *off;             /* [T+1] first packed row of step t */
};

/* Longest length and total tokens of xs[0..B). */
void pl_batch_dims(const struct pl_seq *xs, int B, int *T, long *N);

/*
 * Fill bt for xs[0..B) with T from pl_batch_dims; the caller provides
 * order [B], n_at [T] and off [T+1], which bt points into.
 */
void pl_batch_pack(struct pl_batch *bt, const struct pl_seq *xs, int B,
                   int T, int *order, int *n_at, int *off);

/* ---- embedding bag ----------------------------------------------- */

/*
 * x[N,E]: row of token t of example b is
 *   Ew[words[t]] + (1/m) sum_{j in sub_off[t]..sub_off[t+1]} Es[subs[j]]
 * with m the number of subwords (the mean is skipped when m = 0, when
 * S = 0, or when sub_off is NULL). Ids are assumed valid (the model
 * checks them). Ew [V,E], Es [S,E] (may be NULL when S = 0).
 */
void pl_embed_forward(float *x, const struct pl_batch *bt,
                      const float *Ew, const float *Es, int E, int S);
/* dEw [V,E], dEs [S,E] += the scatter of dx [N,E]. */
void pl_embed_backward(float *dEw, float *dEs, const float *dx,
                       const struct pl_batch *bt, int E, int S);

/* ---- GRU ----------------------------------------------------------- */

/*
 * One GRU layer (Cho et al. 2014, with the reset gate applied after the
 * recurrent product, as cuDNN and PyTorch do). For each example, with
 * h_{-1} = 0 and x_t the input row:
 *
 *   z_t = sigmoid(Wxz x_t + bxz + Whz h_{t-1} + bhz)        update gate
 *   r_t = sigmoid(Wxr x_t + bxr + Whr h_{t-1} + bhr)        reset gate
 *   a_t = Whn h_{t-1} + bhn                                  (kept as hn)
 *   n_t = tanh(Wxn x_t + bxn + r_t * a_t)                    candidate
 *   h_t = (1 - z_t) * n_t + z_t * h_{t-1}
 *
 * Wx [3H,E] and Wh [3H,H] stack the z, r and n blocks in that order;
 * bx, bh [3H] likewise.
 */
struct pl_gru_w {
    const float *Wx, *bx, *Wh, *bh;
    int E, H;
};

struct pl_gru_grads {
    float *dWx, *dbx, *dWh, *dbh;
};

/* What the forward keeps for the backward; all packed. */
struct pl_gru_acts {
    float *gx;      /* [N,3H] Wx x + bx */
    float *gate;    /* [N,3H] z | r | n */
    float *hn;      /* [N,H]  Whn h_{t-1} + bhn */
    float *h;       /* [N,H]  outputs h_t */
    float *gh;      /* [B,3H] scratch */
};

/* Buffers of a for bt carved from ar (NULL pointers when measuring). */
void pl_gru_acts_alloc(struct pl_gru_acts *a, struct pl_arena *ar,
                       const struct pl_batch *bt, int H);

/* Run the GRU over x [N,E]; outputs in a->h [N,H]. */
void pl_gru_forward(struct pl_gru_acts *a, const float *x,
                    const struct pl_gru_w *w, const struct pl_batch *bt);

/*
 * Backward through time. dh [N,H] holds dL/dh_t from the layers above
 * and is used as scratch (the recurrent terms are added into it).
 * dgx [N,3H] and dgh [B,3H] are scratch. dx [N,E] receives dL/dx; pass
 * NULL to skip it (and the work) when no layer below needs it.
 */
void pl_gru_backward(struct pl_gru_grads *g, float *dx, float *dh,
                     float *dgx, float *dgh, const struct pl_gru_acts *a,
                     const float *x, const struct pl_gru_w *w,
                     const struct pl_batch *bt);

/* ---- pooling ------------------------------------------------------- */

/*
 * pooled [B,2H] in the caller's example order: columns 0..H-1 the mean
 * of h_t over the example's T steps, H..2H-1 the maximum. An example
 * with T = 0 pools to zeros. argmax [B,H] records the packed row of
 * each maximum (-1 when T = 0) for the backward.
 */
void pl_pool_forward(float *pooled, int *argmax, const float *h,
                     const struct pl_batch *bt, int H);
/* dh [N,H] = the gradient of h given dpooled [B,2H]. */
void pl_pool_backward(float *dh, const float *dpooled, const int *argmax,
                      const struct pl_batch *bt, int H);

/* ---- linear head and softmax cross-entropy -------------------------- */

/* y [B,K] = x [B,D] W^T + b, with W [K,D], b [K]. */
void pl_linear_forward(float *y, const float *x, const float *W,
                       const float *b, int B, int D, int K);
/* dW [K,D], db [K] += ...; dx [B,D] = dy W (skipped when dx is NULL). */
void pl_linear_backward(float *dx, float *dW, float *db, const float *dy,
                        const float *x, const float *W, int B, int D,
                        int K);

/*
 * probs [B,K] = softmax(logits [B,K]) row by row; returns the mean over
 * the batch of -log probs[labels[b]], computed in double. labels may be
 * NULL (then 0 is returned and only probs are filled).
 */
double pl_softmax_ce_forward(float *probs, const float *logits,
                             const int *labels, int B, int K);
/* dlogits [B,K] = (probs - onehot(labels)) / B. */
void pl_softmax_ce_backward(float *dlogits, const float *probs,
                            const int *labels, int B, int K);

/* ---- model internals (checkpoint.c and tests) ----------------------- */

/*
 * Parameter block layout, in this order (also the checkpoint order):
 * Ew [V,E], Es [S,E], Wx [3H,E], bx [3H], Wh [3H,H], bh [3H],
 * Wo [K,2H], bo [K]. The encoder is everything before Wo.
 */
struct pl_params {
    float *Ew, *Es, *Wx, *bx, *Wh, *bh, *Wo, *bo;
};

/* Point p's views into block for cfg. */
void pl_params_view(struct pl_params *p, float *block,
                    const struct pl_model_config *cfg);

/*
 * Largest sizes a model may have. Checked by pl_model_new and before a
 * checkpoint allocates anything.
 */
#define PL_MODEL_MAX_VOCAB   (1 << 26)
#define PL_MODEL_MAX_BUCKETS (1 << 26)
#define PL_MODEL_MAX_DIM     4096
#define PL_MODEL_MAX_HIDDEN  4096
#define PL_MODEL_MAX_LABELS  (1 << 20)
#define PL_MODEL_MAX_PARAMS  ((size_t)1 << 31)

/* PL_ERR_USAGE (and a message) when cfg is out of the limits above. */
enum pl_status pl_model_config_check(const struct pl_model_config *cfg,
                                     struct pl_error *err);
/* Number of weights for a checked cfg. */
size_t pl_model_config_n_params(const struct pl_model_config *cfg);

/* A model of cfg with all weights zero (for loading). Caller frees. */
struct pl_model *pl_model_alloc(const struct pl_model_config *cfg,
                                struct pl_error *err);

/* The weight block ([n] floats, layout above). */
const float *pl_model_weights(const struct pl_model *m, size_t *n);
float *pl_model_weights_mut(struct pl_model *m, size_t *n);

/*
 * Mean loss and gradients of a batch without a step. The gradient block
 * returned by pl_model_grads is fully rewritten (encoder gradients are
 * left zero when encoder is 0). The pointer stays valid until the next
 * call that changes the model's shape.
 */
enum pl_status pl_model_compute_grads(struct pl_model *m,
                                      const struct pl_seq *xs,
                                      const int *labels, int B,
                                      int encoder, double *loss,
                                      struct pl_error *err);
/* Mean loss only, in double (for finite differences). */
enum pl_status pl_model_loss(struct pl_model *m, const struct pl_seq *xs,
                             const int *labels, int B, double *loss,
                             struct pl_error *err);
/* The gradient block ([n] floats, weight layout), NULL before any
 * gradient was computed. */
const float *pl_model_grads(const struct pl_model *m, size_t *n);

#endif
