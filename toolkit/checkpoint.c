/*
 * Model checkpoints: an explicit little-endian serialisation, written
 * atomically and checked on the way back in. A file is plain data;
 * loading only copies numbers and strings out of it.
 *
 * Format version 1, every integer little-endian:
 *
 *   0   8 bytes  magic "PLNCMDL\0"
 *   8   u32      format version (1)
 *   12  u64      size of the whole file in bytes, checksum included
 *   20  u32 x5   vocab_size, n_buckets, dim, hidden, n_labels
 *   40  u64      seed
 *   48  u32      number of vocabulary strings (0 or vocab_size), then
 *                each as u32 byte length + bytes (no NUL)
 *       u32      number of label strings (0 or n_labels), then each
 *       u32      text_config byte length, 0xffffffff for none; bytes
 *       u64      number of weights, then each as IEEE-754 binary32
 *                bits (u32), in the block order of nn.h
 *       u64      FNV-1a 64 (pl_fnv1a) of every byte before it
 *
 * The size field lets a cut-off file be told apart from a damaged one:
 * a short file is "truncated", a file of the right size whose checksum
 * fails is "damaged", and only then is the content parsed.
 */
#include "nn.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CKPT_MAGIC "PLNCMDL"        /* with its NUL: 8 bytes */
#define CKPT_VERSION 1u
#define CKPT_HEADER 20u             /* magic, version, size */
#define CKPT_NO_TEXT 0xffffffffu

/* ---- writing ------------------------------------------------------- */

/* Bytes go to the file and into the running checksum. */
struct writer {
    FILE *fp;
    unsigned long long h;
};

static void put(struct writer *w, const void *p, size_t n)
{
    fwrite(p, 1, n, w->fp);
    w->h = pl_fnv1a(w->h, p, n);
}

static void put_u32(struct writer *w, uint32_t v)
{
    unsigned char b[4];

    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put(w, b, 4);
}

static void put_u64(struct writer *w, unsigned long long v)
{
    unsigned char b[8];

    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put(w, b, 8);
}

static void put_str(struct writer *w, const char *s)
{
    size_t n = strlen(s);

    put_u32(w, (uint32_t)n);
    put(w, s, n);
}

/* Floats as their bit patterns, a chunk at a time. */
static void put_floats(struct writer *w, const float *x, size_t n)
{
    unsigned char buf[4096];
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t u;

        memcpy(&u, &x[i], 4);
        for (int j = 0; j < 4; j++)
            buf[k++] = (unsigned char)(u >> (8 * j));
        if (k == sizeof buf || i + 1 == n) {
            put(w, buf, k);
            k = 0;
        }
    }
}

/* Bytes that a list of n strings takes. */
static unsigned long long strings_size(char *const *s, int n)
{
    unsigned long long t = 4;

    for (int i = 0; i < n; i++)
        t += 4 + strlen(s[i]);
    return t;
}

static unsigned long long file_size(const struct pl_model_meta *mm,
                                    size_t n_weights)
{
    unsigned long long t = CKPT_HEADER + 5 * 4 + 8;

    t += strings_size(mm->vocab, mm->n_vocab);
    t += strings_size(mm->labels, mm->n_labels);
    t += 4 + (mm->text_config ? strlen(mm->text_config) : 0);
    return t + 8 + 4 * (unsigned long long)n_weights + 8;
}

/* A list is either absent (n = 0) or one string per row. */
static enum pl_status check_strings(char *const *s, int n, int want,
                                    const char *what, const char *path,
                                    struct pl_error *err)
{
    if (n != 0 && n != want)
        return pl_error_set(err, PL_ERR_USAGE, path, 0, 0,
                            "%d %s strings for a model with %d", n, what,
                            want);
    for (int i = 0; i < n; i++)
        if (!s || !s[i] || strlen(s[i]) >= CKPT_NO_TEXT)
            return pl_error_set(err, PL_ERR_USAGE, path, 0, 0,
                                "%s string %d is missing or too long",
                                what, i);
    return PL_OK;
}

static enum pl_status check_meta(const struct pl_model_config *c,
                                 const struct pl_model_meta *mm,
                                 const char *path, struct pl_error *err)
{
    enum pl_status st;

    if ((st = check_strings(mm->vocab, mm->n_vocab, c->vocab_size,
                            "vocabulary", path, err)) ||
        (st = check_strings(mm->labels, mm->n_labels, c->n_labels,
                            "label", path, err)))
        return st;
    if (mm->text_config && strlen(mm->text_config) >= CKPT_NO_TEXT)
        return pl_error_set(err, PL_ERR_USAGE, path, 0, 0,
                            "text settings too long");
    return PL_OK;
}

static void write_body(struct writer *w, const struct pl_model *m,
                       const struct pl_model_meta *mm)
{
    const struct pl_model_config *c = pl_model_get_config(m);
    size_t n;
    const float *x = pl_model_weights(m, &n);

    put(w, CKPT_MAGIC, 8);
    put_u32(w, CKPT_VERSION);
    put_u64(w, file_size(mm, n));
    put_u32(w, (uint32_t)c->vocab_size);
    put_u32(w, (uint32_t)c->n_buckets);
    put_u32(w, (uint32_t)c->dim);
    put_u32(w, (uint32_t)c->hidden);
    put_u32(w, (uint32_t)c->n_labels);
    put_u64(w, c->seed);
    put_u32(w, (uint32_t)mm->n_vocab);
    for (int i = 0; i < mm->n_vocab; i++)
        put_str(w, mm->vocab[i]);
    put_u32(w, (uint32_t)mm->n_labels);
    for (int i = 0; i < mm->n_labels; i++)
        put_str(w, mm->labels[i]);
    if (mm->text_config)
        put_str(w, mm->text_config);
    else
        put_u32(w, CKPT_NO_TEXT);
    put_u64(w, n);
    put_floats(w, x, n);
}

enum pl_status pl_model_save(const struct pl_model *m,
                             const struct pl_model_meta *mm,
                             const char *path, struct pl_error *err)
{
    struct pl_model_meta none = { NULL, 0, NULL, 0, NULL };
    struct pl_atomic a;
    struct writer w;
    enum pl_status st;

    if (!mm)
        mm = &none;
    if ((st = check_meta(pl_model_get_config(m), mm, path, err)) ||
        (st = pl_atomic_open(&a, path, err)))
        return st;
    w.fp = a.fp;
    w.h = PL_FNV_OFFSET;
    write_body(&w, m, mm);
    put_u64(&w, w.h);
    return pl_atomic_commit(&a, err);
}

/* ---- reading ------------------------------------------------------- */

struct reader {
    const unsigned char *p;
    size_t at;              /* next byte to read */
    size_t end;             /* where the checksum starts */
    const char *path;
    struct pl_error *err;
};

/* PL_ERR_CHECKPOINT for path at byte offset at. */
static enum pl_status refuse(struct pl_error *err, const char *path,
                             long long at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum pl_status refuse(struct pl_error *err, const char *path,
                             long long at, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pl_error_set(err, PL_ERR_CHECKPOINT, path, 0, 0, "%s", msg);
    if (err)
        err->offset = at;
    return PL_ERR_CHECKPOINT;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static unsigned long long le64(const unsigned char *p)
{
    return (unsigned long long)le32(p) |
           (unsigned long long)le32(p + 4) << 32;
}

/* The frame: magic, version, recorded size and checksum. */
static enum pl_status check_frame(const unsigned char *p, size_t len,
                                  const char *path, struct pl_error *err)
{
    unsigned long long size, sum;
    uint32_t version;

    if (len == 0)
        return refuse(err, path, 0, "empty file: not a parlance model");
    if (memcmp(p, CKPT_MAGIC, len < 8 ? len : 8) != 0)
        return refuse(err, path, 0, "not a parlance model file");
    if (len < 12)
        return refuse(err, path, (long long)len, "truncated at byte %zu",
                      len);
    version = le32(p + 8);
    if (version > CKPT_VERSION)
        return refuse(err, path, 8, "made by a newer parlance (version "
                      "%u), this one reads up to %u", version,
                      CKPT_VERSION);
    if (version == 0)
        return refuse(err, path, 8, "unknown format version 0");
    if (len < CKPT_HEADER + 8)
        return refuse(err, path, (long long)len, "truncated at byte %zu",
                      len);
    size = le64(p + 12);
    if (size > len)
        return refuse(err, path, (long long)len, "truncated at byte %zu "
                      "(the file should have %llu bytes)", len, size);
    if (size != len || size < CKPT_HEADER + 8)
        return refuse(err, path, 12, "file is damaged: it has %zu bytes "
                      "but its header says %llu", len, size);
    sum = le64(p + len - 8);
    if (sum != pl_fnv1a(PL_FNV_OFFSET, p, len - 8))
        return refuse(err, path, (long long)(len - 8),
                      "checksum mismatch: file is damaged");
    return PL_OK;
}

/* 0 when k more bytes are there, else a refusal naming what. */
static enum pl_status need(struct reader *r, unsigned long long k,
                           const char *what)
{
    if (k <= r->end - r->at)
        return PL_OK;
    return refuse(r->err, r->path, (long long)r->at,
                  "malformed model file: it ends inside %s", what);
}

static uint32_t take_u32(struct reader *r)
{
    uint32_t v = le32(r->p + r->at);

    r->at += 4;
    return v;
}

static unsigned long long take_u64(struct reader *r)
{
    unsigned long long v = le64(r->p + r->at);

    r->at += 8;
    return v;
}

static enum pl_status read_config(struct reader *r,
                                  struct pl_model_config *c)
{
    uint32_t v[5];
    struct pl_error e;

    if (need(r, 5 * 4 + 8, "the model configuration"))
        return PL_ERR_CHECKPOINT;
    for (int i = 0; i < 5; i++)
        v[i] = take_u32(r);
    c->seed = take_u64(r);
    for (int i = 0; i < 5; i++)
        if (v[i] > (uint32_t)INT_MAX)
            return refuse(r->err, r->path, CKPT_HEADER + 4 * i,
                          "malformed model file: size %u is absurd",
                          v[i]);
    c->vocab_size = (int)v[0];
    c->n_buckets = (int)v[1];
    c->dim = (int)v[2];
    c->hidden = (int)v[3];
    c->n_labels = (int)v[4];
    if (pl_model_config_check(c, &e))
        return refuse(r->err, r->path, CKPT_HEADER, "malformed model "
                      "file: %s", e.message);
    return PL_OK;
}

/* A length-prefixed string into a new C string *out. */
static enum pl_status read_str(struct reader *r, uint32_t len, char **out,
                               const char *what)
{
    if (need(r, len, what))
        return PL_ERR_CHECKPOINT;
    if (memchr(r->p + r->at, '\0', len))
        return refuse(r->err, r->path, (long long)r->at, "malformed "
                      "model file: %s contains a NUL byte", what);
    *out = pl_strndup((const char *)r->p + r->at, len);
    if (!*out)
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                            "out of memory reading %s", what);
    r->at += len;
    return PL_OK;
}

/* A list of 0 or want strings. */
static enum pl_status read_strings(struct reader *r, int want,
                                   char ***list, int *n, const char *what)
{
    enum pl_status st;
    char where[48];
    uint32_t k;

    snprintf(where, sizeof where, "the %s list", what);
    if (need(r, 4, where))
        return PL_ERR_CHECKPOINT;
    k = take_u32(r);
    if (k != 0 && k != (uint32_t)want)
        return refuse(r->err, r->path, (long long)r->at - 4, "malformed "
                      "model file: %u %s strings for %d rows", k, what,
                      want);
    if (need(r, 4ULL * k, where))
        return PL_ERR_CHECKPOINT;
    *list = calloc(k ? k : 1, sizeof **list);
    if (!*list)
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                            "out of memory reading %s", where);
    for (*n = 0; *n < (int)k; (*n)++) {
        if ((st = need(r, 4, where)) ||
            (st = read_str(r, take_u32(r), &(*list)[*n], where)))
            return st;
    }
    return PL_OK;
}

static enum pl_status read_text(struct reader *r, char **text)
{
    uint32_t len;

    if (need(r, 4, "the text settings"))
        return PL_ERR_CHECKPOINT;
    len = take_u32(r);
    if (len == CKPT_NO_TEXT)
        return PL_OK;
    return read_str(r, len, text, "the text settings");
}

/* The weights, into a new model of config c. */
static enum pl_status read_weights(struct reader *r,
                                   const struct pl_model_config *c,
                                   struct pl_model **out)
{
    size_t want = pl_model_config_n_params(c), n;
    unsigned long long k;
    float *w;

    if (need(r, 8, "the weight count"))
        return PL_ERR_CHECKPOINT;
    k = take_u64(r);
    if (k != want)
        return refuse(r->err, r->path, (long long)r->at - 8, "malformed "
                      "model file: %llu weights where the configuration "
                      "needs %zu", k, want);
    if (need(r, 4ULL * k, "the weights"))
        return PL_ERR_CHECKPOINT;
    if (!(*out = pl_model_alloc(c, r->err)))
        return r->err ? r->err->status : PL_ERR_NOMEM;

    w = pl_model_weights_mut(*out, &n);
    for (size_t i = 0; i < n; i++) {
        uint32_t u = take_u32(r);

        memcpy(&w[i], &u, 4);
        if (!isfinite(w[i]))
            return refuse(r->err, r->path, (long long)r->at - 4,
                          "malformed model file: weight %zu is not a "
                          "finite number", i);
    }
    return PL_OK;
}

static enum pl_status parse(struct reader *r, struct pl_model **out,
                            struct pl_model_meta *mm)
{
    struct pl_model_config c;
    enum pl_status st;

    r->at = CKPT_HEADER;
    if ((st = read_config(r, &c)) ||
        (st = read_strings(r, c.vocab_size, &mm->vocab, &mm->n_vocab,
                           "vocabulary")) ||
        (st = read_strings(r, c.n_labels, &mm->labels, &mm->n_labels,
                           "label")) ||
        (st = read_text(r, &mm->text_config)) ||
        (st = read_weights(r, &c, out)))
        return st;
    if (r->at != r->end)
        return refuse(r->err, r->path, (long long)r->at, "malformed "
                      "model file: %zu unexpected bytes after the "
                      "weights", r->end - r->at);
    return PL_OK;
}

enum pl_status pl_model_load(const char *path, struct pl_model **out,
                             struct pl_model_meta *mm,
                             struct pl_error *err)
{
    struct pl_model_meta got = { NULL, 0, NULL, 0, NULL };
    struct reader r;
    enum pl_status st;
    char *buf;
    size_t len;

    *out = NULL;
    if (mm)
        *mm = got;
    if ((st = pl_file_read(path, &buf, &len, err)))
        return st;
    r.p = (const unsigned char *)buf;
    r.end = len >= 8 ? len - 8 : 0;
    r.path = path;
    r.err = err;
    if (!(st = check_frame(r.p, len, path, err)))
        st = parse(&r, out, &got);
    free(buf);
    if (st) {
        pl_model_free(*out);
        *out = NULL;
    }
    if (st || !mm)
        pl_model_meta_fini(&got);
    else
        *mm = got;
    return st;
}

/* ---- metadata -------------------------------------------------------- */

static void free_strings(char **s, int n)
{
    for (int i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

void pl_model_meta_fini(struct pl_model_meta *mm)
{
    if (!mm)
        return;
    free_strings(mm->vocab, mm->n_vocab);
    free_strings(mm->labels, mm->n_labels);
    free(mm->text_config);
    memset(mm, 0, sizeof *mm);
}
