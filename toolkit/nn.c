/*
 * The layers of the sequence classifier with their hand-written
 * backward passes: an embedding bag, a GRU over packed sequences,
 * mean+max pooling, a linear head and softmax cross-entropy. Matrix
 * work goes through OpenBLAS; everything else is plain loops.
 * Shapes and conventions are documented in nn.h.
 */
#include "nn.h"

#include <assert.h>
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------- */

#define ARENA_ALIGN 64

void pl_arena_init(struct pl_arena *a)
{
    a->base = NULL;
    a->cap = 0;
    a->used = 0;
}

void pl_arena_fini(struct pl_arena *a)
{
    free(a->base);
    pl_arena_init(a);
}

enum pl_status pl_arena_reserve(struct pl_arena *a, size_t bytes)
{
    a->used = 0;
    if (bytes <= a->cap && a->base)
        return PL_OK;

    /* Grow by half again so batches of slowly rising size do not
     * reallocate every step. */
    size_t cap = bytes + bytes / 2 + ARENA_ALIGN;
    void *p;

    cap = (cap + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    p = aligned_alloc(ARENA_ALIGN, cap);
    if (!p)
        return PL_ERR_NOMEM;
    free(a->base);
    a->base = p;
    a->cap = cap;
    return PL_OK;
}

void *pl_arena_alloc(struct pl_arena *a, size_t bytes)
{
    size_t at = (a->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

    a->used = at + bytes;
    if (!a->base)
        return NULL;
    assert(a->used <= a->cap && "arena sized smaller than its layout");
    return a->base + at;
}

/* ---- packed batches ---------------------------------------------- */

void pl_batch_dims(const struct pl_seq *xs, int B, int *T, long *N)
{
    int tmax = 0;
    long n = 0;

    for (int b = 0; b < B; b++) {
        if (xs[b].T > tmax)
            tmax = xs[b].T;
        n += xs[b].T;
    }
    *T = tmax;
    *N = n;
}

void pl_batch_pack(struct pl_batch *bt, const struct pl_seq *xs, int B,
                   int T, int *order, int *n_at, int *off)
{
    int longer = 0;

    /* off[] first counts the examples of each length, then becomes a
     * cursor: the first packed row for examples of length L is the
     * number of examples longer than L (a stable counting sort). */
    for (int L = 0; L <= T; L++)
        off[L] = 0;
    for (int b = 0; b < B; b++)
        off[xs[b].T]++;
    for (int L = T; L >= 0; L--) {
        int c = off[L];

        off[L] = longer;
        longer += c;
    }
    for (int t = 0; t < T; t++)
        n_at[t] = off[t];
    for (int b = 0; b < B; b++)
        order[off[xs[b].T]++] = b;

    off[0] = 0;
    for (int t = 0; t < T; t++)
        off[t + 1] = off[t] + n_at[t];

    bt->B = B;
    bt->T = T;
    bt->N = off[T];
    bt->xs = xs;
    bt->order = order;
    bt->n_at = n_at;
    bt->off = off;
}

/* ---- embedding bag ----------------------------------------------- */

/* Subword ids of token t of s as [*lo, *hi); empty when unused. */
static void sub_range(const struct pl_seq *s, int t, int S, int *lo,
                      int *hi)
{
    *lo = *hi = 0;
    if (S <= 0 || !s->sub_off || !s->subs)
        return;
    *lo = s->sub_off[t];
    *hi = s->sub_off[t + 1];
}

/* Row of packed index i at step t. */
static size_t prow(const struct pl_batch *bt, int t, int i)
{
    return (size_t)bt->off[t] + (size_t)i;
}

void pl_embed_forward(float *x, const struct pl_batch *bt,
                      const float *Ew, const float *Es, int E, int S)
{
    for (int t = 0; t < bt->T; t++) {
        for (int i = 0; i < bt->n_at[t]; i++) {
            const struct pl_seq *s = &bt->xs[bt->order[i]];
            float *xr = x + prow(bt, t, i) * E;
            int lo, hi;

            memcpy(xr, Ew + (size_t)s->words[t] * E, sizeof *xr * E);
            sub_range(s, t, S, &lo, &hi);
            if (hi <= lo)
                continue;
            float scale = 1.0f / (float)(hi - lo);
            for (int j = lo; j < hi; j++)
                cblas_saxpy(E, scale, Es + (size_t)s->subs[j] * E, 1,
                            xr, 1);
        }
    }
}

void pl_embed_backward(float *dEw, float *dEs, const float *dx,
                       const struct pl_batch *bt, int E, int S)
{
    for (int t = 0; t < bt->T; t++) {
        for (int i = 0; i < bt->n_at[t]; i++) {
            const struct pl_seq *s = &bt->xs[bt->order[i]];
            const float *dxr = dx + prow(bt, t, i) * E;
            int lo, hi;

            cblas_saxpy(E, 1.0f, dxr, 1, dEw + (size_t)s->words[t] * E, 1);
            sub_range(s, t, S, &lo, &hi);
            if (hi <= lo)
                continue;
            float scale = 1.0f / (float)(hi - lo);
            for (int j = lo; j < hi; j++)
                cblas_saxpy(E, scale, dxr, 1,
                            dEs + (size_t)s->subs[j] * E, 1);
        }
    }
}

/* ---- GRU ----------------------------------------------------------- */

void pl_gru_acts_alloc(struct pl_gru_acts *a, struct pl_arena *ar,
                       const struct pl_batch *bt, int H)
{
    size_t N = (size_t)bt->N, G = 3 * (size_t)H, f = sizeof(float);

    a->gx = pl_arena_alloc(ar, N * G * f);
    a->gate = pl_arena_alloc(ar, N * G * f);
    a->hn = pl_arena_alloc(ar, N * (size_t)H * f);
    a->h = pl_arena_alloc(ar, N * (size_t)H * f);
    a->gh = pl_arena_alloc(ar, (size_t)bt->B * G * f);
}

static float sigmoid(float v)
{
    return 1.0f / (1.0f + expf(-v));
}

/* tanh through expf: several times faster than tanhf here, accurate to
 * about 1e-7 absolute, which is all a float network needs. */
static float tanh_fast(float v)
{
    return 2.0f / (1.0f + expf(-2.0f * v)) - 1.0f;
}

/* Add b [C] to each of the R rows of y [R,C]. */
static void add_rows(float *y, const float *b, size_t R, int C)
{
    for (size_t i = 0; i < R; i++)
        for (int j = 0; j < C; j++)
            y[i * C + j] += b[j];
}

/* db [C] += column sums of dy [R,C]. */
static void sum_rows(float *db, const float *dy, size_t R, int C)
{
    for (size_t i = 0; i < R; i++)
        for (int j = 0; j < C; j++)
            db[j] += dy[i * C + j];
}

/* One example at one step: gates and h from gx, gh and h_{t-1} (hp,
 * NULL for zero). */
static void gru_cell(float *gate, float *hn, float *h, const float *gx,
                     const float *gh, const float *hp, int H)
{
    for (int j = 0; j < H; j++) {
        float z = sigmoid(gx[j] + gh[j]);
        float r = sigmoid(gx[H + j] + gh[H + j]);
        float a = gh[2 * H + j];
        float n = tanh_fast(gx[2 * H + j] + r * a);

        gate[j] = z;
        gate[H + j] = r;
        gate[2 * H + j] = n;
        hn[j] = a;
        h[j] = (1.0f - z) * n + z * (hp ? hp[j] : 0.0f);
    }
}

/* Step t for all active rows: gh = Wh h_{t-1} + bh, then the cells. */
static void gru_step(struct pl_gru_acts *a, const struct pl_gru_w *w,
                     const struct pl_batch *bt, int t)
{
    int n = bt->n_at[t], H = w->H, G = 3 * H;
    const float *hp = t ? a->h + prow(bt, t - 1, 0) * H : NULL;

    if (hp)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, G, H,
                    1.0f, hp, H, w->Wh, H, 0.0f, a->gh, G);
    else
        memset(a->gh, 0, sizeof *a->gh * (size_t)n * G);
    add_rows(a->gh, w->bh, (size_t)n, G);

    for (int i = 0; i < n; i++) {
        size_t r = prow(bt, t, i);

        gru_cell(a->gate + r * G, a->hn + r * H, a->h + r * H,
                 a->gx + r * G, a->gh + (size_t)i * G,
                 hp ? hp + (size_t)i * H : NULL, H);
    }
}

void pl_gru_forward(struct pl_gru_acts *a, const float *x,
                    const struct pl_gru_w *w, const struct pl_batch *bt)
{
    int N = bt->N, G = 3 * w->H;

    if (N == 0)
        return;
    /* The input projections do not depend on h: one product for all
     * steps at once. */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, G, w->E, 1.0f,
                x, w->E, w->Wx, w->E, 0.0f, a->gx, G);
    add_rows(a->gx, w->bx, (size_t)N, G);
    for (int t = 0; t < bt->T; t++)
        gru_step(a, w, bt, t);
}

/*
 * One example at one step, backwards: from dh = dL/dh_t (complete),
 * the pre-activation gradients of the input side dgx and the recurrent
 * side dgh, and the direct term z * dh added into dhp (NULL at t = 0).
 */
static void gru_cell_back(float *dgx, float *dgh, float *dhp,
                          const float *gate, const float *hn,
                          const float *dh, const float *hp, int H)
{
    for (int j = 0; j < H; j++) {
        float z = gate[j], r = gate[H + j], n = gate[2 * H + j];
        float hpj = hp ? hp[j] : 0.0f;
        float dn = dh[j] * (1.0f - z);
        float dz = dh[j] * (hpj - n);
        float dan = dn * (1.0f - n * n);
        float daz = dz * z * (1.0f - z);
        float dar = dan * hn[j] * r * (1.0f - r);

        dgx[j] = daz;
        dgx[H + j] = dar;
        dgx[2 * H + j] = dan;
        dgh[j] = daz;
        dgh[H + j] = dar;
        dgh[2 * H + j] = dan * r;
        if (dhp)
            dhp[j] += dh[j] * z;
    }
}

static void gru_step_back(struct pl_gru_grads *g, float *dh, float *dgx,
                          float *dgh, const struct pl_gru_acts *a,
                          const struct pl_gru_w *w,
                          const struct pl_batch *bt, int t)
{
    int n = bt->n_at[t], H = w->H, G = 3 * H;
    const float *hp = t ? a->h + prow(bt, t - 1, 0) * H : NULL;
    float *dhp = t ? dh + prow(bt, t - 1, 0) * H : NULL;

    for (int i = 0; i < n; i++) {
        size_t r = prow(bt, t, i), k = (size_t)i * H;

        gru_cell_back(dgx + r * G, dgh + (size_t)i * G,
                      dhp ? dhp + k : NULL, a->gate + r * G, a->hn + r * H,
                      dh + r * H, hp ? hp + k : NULL, H);
    }
    sum_rows(g->dbh, dgh, (size_t)n, G);
    if (!hp)
        return;         /* h_{-1} = 0 is a constant */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, G, H, n, 1.0f,
                dgh, G, hp, H, 1.0f, g->dWh, H);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, H, G, 1.0f,
                dgh, G, w->Wh, H, 1.0f, dhp, H);
}

void pl_gru_backward(struct pl_gru_grads *g, float *dx, float *dh,
                     float *dgx, float *dgh, const struct pl_gru_acts *a,
                     const float *x, const struct pl_gru_w *w,
                     const struct pl_batch *bt)
{
    int N = bt->N, E = w->E, G = 3 * w->H;

    if (N == 0)
        return;
    for (int t = bt->T - 1; t >= 0; t--)
        gru_step_back(g, dh, dgx, dgh, a, w, bt, t);

    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, G, E, N, 1.0f,
                dgx, G, x, E, 1.0f, g->dWx, E);
    sum_rows(g->dbx, dgx, (size_t)N, G);
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, E, G,
                    1.0f, dgx, G, w->Wx, E, 0.0f, dx, E);
}

/* ---- pooling ------------------------------------------------------- */

/* Mean and max over the T steps of packed row i into mean [H], mx [H]. */
static void pool_one(float *mean, float *mx, int *am, const float *h,
                     const struct pl_batch *bt, int i, int T, int H)
{
    for (int j = 0; j < H; j++) {
        mean[j] = 0.0f;
        mx[j] = -INFINITY;
        am[j] = -1;
    }
    for (int t = 0; t < T; t++) {
        size_t r = prow(bt, t, i);
        const float *hr = h + r * H;

        for (int j = 0; j < H; j++) {
            mean[j] += hr[j];
            if (hr[j] > mx[j]) {
                mx[j] = hr[j];
                am[j] = (int)r;
            }
        }
    }
    for (int j = 0; j < H; j++)
        mean[j] /= (float)T;
}

void pl_pool_forward(float *pooled, int *argmax, const float *h,
                     const struct pl_batch *bt, int H)
{
    for (int i = 0; i < bt->B; i++) {
        int b = bt->order[i], T = bt->xs[b].T;
        float *mean = pooled + (size_t)b * 2 * H;
        int *am = argmax + (size_t)b * H;

        if (T > 0) {
            pool_one(mean, mean + H, am, h, bt, i, T, H);
            continue;
        }
        memset(mean, 0, sizeof *mean * 2 * (size_t)H);
        for (int j = 0; j < H; j++)
            am[j] = -1;
    }
}

void pl_pool_backward(float *dh, const float *dpooled, const int *argmax,
                      const struct pl_batch *bt, int H)
{
    memset(dh, 0, sizeof *dh * (size_t)bt->N * H);
    for (int i = 0; i < bt->B; i++) {
        int b = bt->order[i], T = bt->xs[b].T;
        const float *dmean = dpooled + (size_t)b * 2 * H;
        const float *dmax = dmean + H;
        const int *am = argmax + (size_t)b * H;

        if (T == 0)
            continue;
        for (int t = 0; t < T; t++) {
            float *dr = dh + prow(bt, t, i) * H;

            for (int j = 0; j < H; j++)
                dr[j] += dmean[j] / (float)T;
        }
        for (int j = 0; j < H; j++)
            dh[(size_t)am[j] * H + j] += dmax[j];
    }
}

/* ---- linear head and softmax cross-entropy -------------------------- */

void pl_linear_forward(float *y, const float *x, const float *W,
                       const float *b, int B, int D, int K)
{
    if (B == 0)
        return;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, K, D, 1.0f, x,
                D, W, D, 0.0f, y, K);
    add_rows(y, b, (size_t)B, K);
}

void pl_linear_backward(float *dx, float *dW, float *db, const float *dy,
                        const float *x, const float *W, int B, int D,
                        int K)
{
    if (B == 0)
        return;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, D, B, 1.0f, dy,
                K, x, D, 1.0f, dW, D);
    sum_rows(db, dy, (size_t)B, K);
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, D, K,
                    1.0f, dy, K, W, D, 0.0f, dx, D);
}

/* Softmax of one row; returns log of the normaliser relative to the
 * row maximum *mx. */
static double softmax_row(float *p, const float *l, int K, float *mx)
{
    double sum = 0.0;

    *mx = l[0];
    for (int k = 1; k < K; k++)
        if (l[k] > *mx)
            *mx = l[k];
    for (int k = 0; k < K; k++)
        sum += exp((double)l[k] - *mx);
    for (int k = 0; k < K; k++)
        p[k] = (float)(exp((double)l[k] - *mx) / sum);
    return log(sum);
}

double pl_softmax_ce_forward(float *probs, const float *logits,
                             const int *labels, int B, int K)
{
    double total = 0.0;

    for (int b = 0; b < B; b++) {
        const float *l = logits + (size_t)b * K;
        float mx;
        double lse = softmax_row(probs + (size_t)b * K, l, K, &mx);

        if (labels)
            total += lse - ((double)l[labels[b]] - mx);
    }
    return B > 0 ? total / B : 0.0;
}

void pl_softmax_ce_backward(float *dlogits, const float *probs,
                            const int *labels, int B, int K)
{
    float inv = 1.0f / (float)B;

    for (int b = 0; b < B; b++) {
        const float *p = probs + (size_t)b * K;
        float *d = dlogits + (size_t)b * K;

        for (int k = 0; k < K; k++)
            d[k] = p[k] * inv;
        d[labels[b]] -= inv;
    }
}
