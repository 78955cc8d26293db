/*
 * Checkpoints: a round trip keeps predictions, weights and strings
 * exactly; every kind of bad file (empty, missing, foreign, newer,
 * truncated at any byte, any flipped byte, absurd sizes) is refused
 * with the right status and a message saying which.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "nn.h"

#include <cblas.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

static char dir[64];

static const char *path_in(const char *name)
{
    static char buf[4][256];
    static int k;

    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");

    CHECK(fp != NULL);
    if (!fp)
        return;
    CHECK(fwrite(p, 1, n, fp) == n);
    fclose(fp);
}

static unsigned char *read_bytes(const char *path, size_t *n)
{
    char *buf;

    CHECK(pl_file_read(path, &buf, n, NULL) == PL_OK);
    return (unsigned char *)buf;
}

/* Load path and expect status st with msg in the message. */
static int refused(const char *path, enum pl_status st, const char *msg)
{
    /* Sentinels: a refused load must reset both outputs. */
    struct pl_model *m = (struct pl_model *)(void *)dir;
    char *junk[1] = { NULL };
    struct pl_model_meta mm = { junk, 1, NULL, 0, NULL };
    struct pl_error err;
    enum pl_status got = pl_model_load(path, &m, &mm, &err);
    int ok = got == st && m == NULL && mm.vocab == NULL &&
             strstr(err.message, msg) != NULL;

    if (!ok)
        fprintf(stderr, "load %s: status %d, message \"%s\"; expected "
                "%d with \"%s\"\n", path, (int)got, err.message, (int)st,
                msg);
    pl_model_free(got ? NULL : m);
    if (!got)
        pl_model_meta_fini(&mm);
    return ok;
}

/* ---- a small model with its strings -------------------------------- */

enum { V = 6, S = 5, K = 3 };

static const struct pl_model_config cfg = { V, S, 4, 5, K, 77 };
static char *vocab[V] = { "<unk>", "hello", "", "caf\xc3\xa9", "\xe4\xbd\xa0",
                          "a b" };
static char *labels[K] = { "greet", "bye", "book_flight" };
static const char text_cfg[] =
    "{\"norm\": \"NFC\", \"casefold\": false, \"cmd\": \"$(rm -rf ~)\"}";

static const int w0[4] = { 1, 3, 0, 5 }, off0[5] = { 0, 2, 2, 3, 5 };
static const int s0[5] = { 0, 4, 1, 2, 3 };
static const int w1[2] = { 4, 2 };
static const struct pl_seq seqs[3] = { { 4, w0, off0, s0 },
                                       { 2, w1, NULL, NULL },
                                       { 0, NULL, NULL, NULL } };
static const int gold[3] = { 2, 0, 1 };

static struct pl_model *model_make(void)
{
    struct pl_model *m = pl_model_new(&cfg, NULL);
    struct pl_train_opts o;

    pl_train_opts_default(&o);
    for (int s = 0; s < 3; s++)
        CHECK(pl_model_train_step(m, seqs, gold, 3, &o, NULL, NULL) ==
              PL_OK);
    return m;
}

/* ---- round trip ---------------------------------------------------- */

static void check_same_model(struct pl_model *a, struct pl_model *b)
{
    float pa[3 * K], pb[3 * K];
    size_t na, nb;
    const float *wa = pl_model_weights(a, &na), *wb = pl_model_weights(b, &nb);

    const struct pl_model_config *ca = pl_model_get_config(a);
    const struct pl_model_config *cb = pl_model_get_config(b);

    CHECK(ca->vocab_size == cb->vocab_size && ca->n_buckets == cb->n_buckets
          && ca->dim == cb->dim && ca->hidden == cb->hidden
          && ca->n_labels == cb->n_labels && ca->seed == cb->seed);
    CHECK(na == nb && memcmp(wa, wb, na * sizeof *wa) == 0);
    CHECK(pl_model_predict_batch(a, seqs, 3, pa, NULL) == PL_OK);
    CHECK(pl_model_predict_batch(b, seqs, 3, pb, NULL) == PL_OK);
    CHECK(memcmp(pa, pb, sizeof pa) == 0);
}

/* No "name.tmp.*" file may stay behind after a save. */
static int leftovers(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void test_round_trip(struct pl_model *m)
{
    struct pl_model_meta mm = { vocab, V, labels, K, (char *)text_cfg };
    struct pl_model_meta got;
    struct pl_model *back;

    printf("round trip\n");
    CHECK(pl_model_save(m, &mm, path_in("m.plm"), NULL) == PL_OK);
    CHECK_INT(leftovers(), 0);
    CHECK(pl_model_load(path_in("m.plm"), &back, &got, NULL) == PL_OK);
    if (!back)
        return;
    check_same_model(m, back);
    CHECK_INT(got.n_vocab, V);
    CHECK_INT(got.n_labels, K);
    for (int i = 0; got.vocab && i < V; i++)
        CHECK_STR(got.vocab[i], vocab[i]);
    for (int i = 0; got.labels && i < K; i++)
        CHECK_STR(got.labels[i], labels[i]);
    CHECK_STR(got.text_config, text_cfg);   /* kept verbatim, never run */

    /* Saving the loaded model again gives the same bytes. */
    CHECK(pl_model_save(back, &got, path_in("m2.plm"), NULL) == PL_OK);
    size_t n1, n2;
    unsigned char *b1 = read_bytes(path_in("m.plm"), &n1);
    unsigned char *b2 = read_bytes(path_in("m2.plm"), &n2);
    CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);
    free(b1);
    free(b2);
    pl_model_meta_fini(&got);
    pl_model_free(back);
}

static void test_no_meta(struct pl_model *m)
{
    struct pl_model_meta got, wrong = { vocab, 2, NULL, 0, NULL };
    struct pl_model *back;
    struct pl_error err;

    printf("no strings; bad save arguments\n");
    CHECK(pl_model_save(m, NULL, path_in("bare.plm"), NULL) == PL_OK);
    CHECK(pl_model_load(path_in("bare.plm"), &back, &got, NULL) == PL_OK);
    CHECK(got.n_vocab == 0 && got.n_labels == 0 && !got.text_config);
    if (back)
        check_same_model(m, back);
    pl_model_meta_fini(&got);
    pl_model_free(back);

    CHECK(pl_model_save(m, &wrong, path_in("w.plm"), &err) ==
          PL_ERR_USAGE);
    CHECK(strstr(err.message, "2 vocabulary strings") != NULL);
    CHECK(pl_model_save(m, NULL, path_in("no/such/dir/m.plm"), &err) ==
          PL_ERR_IO);
    CHECK_STR(err.path, path_in("no/such/dir/m.plm"));
    CHECK_INT(leftovers(), 0);
}

/* ---- refusals ------------------------------------------------------ */

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, unsigned long long v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Recompute the checksum of a file image in place. */
static void reseal(unsigned char *b, size_t n)
{
    put64(b + n - 8, pl_fnv1a(PL_FNV_OFFSET, b, n - 8));
}

static void test_simple_refusals(const unsigned char *good, size_t n)
{
    unsigned char *b = malloc(n);
    char msg[128];

    printf("empty, missing, foreign, newer\n");
    write_bytes(path_in("empty.plm"), "", 0);
    CHECK(refused(path_in("empty.plm"), PL_ERR_CHECKPOINT, "empty file"));
    CHECK(refused(path_in("missing.plm"), PL_ERR_IO, "cannot open"));
    CHECK(refused(dir, PL_ERR_IO, ""));
    write_bytes(path_in("j.plm"), "{\"model\": 1}\n", 13);
    CHECK(refused(path_in("j.plm"), PL_ERR_CHECKPOINT,
                  "not a parlance model file"));

    memcpy(b, good, n);
    put32(b + 8, 2);
    reseal(b, n);
    write_bytes(path_in("new.plm"), b, n);
    CHECK(refused(path_in("new.plm"), PL_ERR_CHECKPOINT,
                  "made by a newer parlance (version 2), this one reads "
                  "up to 1"));
    put32(b + 8, 0);
    write_bytes(path_in("v0.plm"), b, n);
    CHECK(refused(path_in("v0.plm"), PL_ERR_CHECKPOINT, "version 0"));

    memcpy(b, good, n);
    b[n / 2] ^= 0x10;
    write_bytes(path_in("flip.plm"), b, n);
    CHECK(refused(path_in("flip.plm"), PL_ERR_CHECKPOINT,
                  "checksum mismatch: file is damaged"));
    snprintf(msg, sizeof msg, "truncated at byte %zu", n - 1);
    write_bytes(path_in("cut.plm"), good, n - 1);
    CHECK(refused(path_in("cut.plm"), PL_ERR_CHECKPOINT, msg));
    free(b);
}

/* Cut at every length, flip every byte: nothing may load. */
static void test_every_byte(const unsigned char *good, size_t n)
{
    unsigned char *b = malloc(n);
    const char *p = path_in("x.plm");
    int cut_bad = 0, flip_bad = 0;
    char msg[64];

    printf("every truncation and every flipped byte (%zu bytes)\n", n);
    for (size_t len = 1; len < n; len++) {
        snprintf(msg, sizeof msg, "truncated at byte %zu", len);
        write_bytes(p, good, len);
        cut_bad += !refused(p, PL_ERR_CHECKPOINT, msg);
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(b, good, n);
        b[i] ^= (unsigned char)(1u << (i % 8));
        write_bytes(p, b, n);
        flip_bad += !refused(p, PL_ERR_CHECKPOINT, "");
    }
    CHECK_INT(cut_bad, 0);
    CHECK_INT(flip_bad, 0);
    free(b);
}

/* ---- hand-made files ----------------------------------------------- */

struct img {
    unsigned char b[512];
    size_t n;
};

static void img_u32(struct img *m, uint32_t v)
{
    put32(m->b + m->n, v);
    m->n += 4;
}

static void img_u64(struct img *m, unsigned long long v)
{
    put64(m->b + m->n, v);
    m->n += 8;
}

/* Header and configuration (vocab, buckets, dim, hidden, labels), no
 * strings and no text settings. */
static void img_begin(struct img *m, uint32_t V_, uint32_t S_, uint32_t E,
                      uint32_t H, uint32_t K_)
{
    memcpy(m->b, "PLNCMDL", 8);
    m->n = 8;
    img_u32(m, 1);
    img_u64(m, 0);                  /* size, set by img_write */
    img_u32(m, V_);
    img_u32(m, S_);
    img_u32(m, E);
    img_u32(m, H);
    img_u32(m, K_);
    img_u64(m, 1);
    img_u32(m, 0);
    img_u32(m, 0);
    img_u32(m, 0xffffffffu);
}

/* Size field, checksum, then to disk. */
static const char *img_write(struct img *m)
{
    const char *p = path_in("img.plm");

    m->n += 8;
    put64(m->b + 12, m->n);
    reseal(m->b, m->n);
    write_bytes(p, m->b, m->n);
    return p;
}

/* The smallest model (V = E = H = K = 1) has 16 weights. */
static void img_tiny(struct img *m, float w)
{
    img_begin(m, 1, 0, 1, 1, 1);
    img_u64(m, 16);
    for (int i = 0; i < 16; i++) {
        uint32_t u;

        memcpy(&u, &w, 4);
        img_u32(m, u);
    }
}

static void test_hand_made(void)
{
    struct img m;
    struct pl_model *got = NULL;
    struct pl_model_meta mm;

    printf("hand-made files: sizes, counts, content\n");
    img_tiny(&m, 0.5f);                 /* the builder is right */
    CHECK(pl_model_load(img_write(&m), &got, &mm, NULL) == PL_OK);
    pl_model_free(got);
    pl_model_meta_fini(&mm);

    img_begin(&m, 1000000000u, 0, 64, 8, 2);
    img_u64(&m, 0);
    CHECK(refused(img_write(&m), PL_ERR_CHECKPOINT, "out of range"));
    img_begin(&m, 1u << 26, 0, 4096, 1, 1);     /* 2^38 weights */
    img_u64(&m, 0);
    CHECK(refused(img_write(&m), PL_ERR_CHECKPOINT, "total weight count"));
    /* Within the limits (10^9 weights) but not in the file: refused
     * before anything is allocated. */
    img_begin(&m, 1000000, 0, 1000, 8, 2);
    img_u64(&m, 1000000ULL * 1000 + 3 * 8 * 1000 + 3 * 8 * 8 + 6 * 8 +
                2 * 16 + 2);
    CHECK(refused(img_write(&m), PL_ERR_CHECKPOINT,
                  "it ends inside the weights"));
    img_begin(&m, 1, 0, 1, 1, 1);
    img_u64(&m, 17);
    CHECK(refused(img_write(&m), PL_ERR_CHECKPOINT,
                  "17 weights where the configuration needs 16"));
}

/* Well-sized files whose content is wrong. */
static void test_hand_made_content(void)
{
    struct img m;

    img_tiny(&m, 0.0f);
    put32(m.b + 48, 0x7fffffffu);       /* vocabulary string count */
    CHECK(refused(img_write(&m), PL_ERR_CHECKPOINT,
                  "2147483647 vocabulary strings for 1 rows"));
    img_tiny(&m, 0.0f);
    put32(m.b + 56, 0xfffffff0u);       /* text settings length */
    CHECK(refused(img_write(&m), PL_ERR_CHECKPOINT,
                  "it ends inside the text settings"));
    img_tiny(&m, NAN);
    CHECK(refused(img_write(&m), PL_ERR_CHECKPOINT, "not a finite number"));
    img_tiny(&m, 0.0f);
    img_u32(&m, 0);
    CHECK(refused(img_write(&m), PL_ERR_CHECKPOINT,
                  "4 unexpected bytes after the weights"));
}

int main(void)
{
    struct pl_model *m;
    unsigned char *good;
    size_t n;

    openblas_set_num_threads(1);
    snprintf(dir, sizeof dir, "/tmp/pl_test_ckpt.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    m = model_make();
    test_round_trip(m);
    test_no_meta(m);
    good = read_bytes(path_in("m.plm"), &n);
    test_simple_refusals(good, n);
    test_every_byte(good, n);
    test_hand_made();
    test_hand_made_content();
    free(good);
    pl_model_free(m);

    const char *files[] = { "m.plm", "m2.plm", "bare.plm", "empty.plm",
                            "j.plm", "new.plm", "v0.plm", "flip.plm",
                            "cut.plm", "x.plm", "img.plm" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        unlink(path_in(files[i]));
    CHECK(rmdir(dir) == 0);
    return check_done("test_checkpoint");
}
