/*
 * Helpers shared by the tests of the task-oriented and intent-dataset
 * readers (test_fmt_taskdata.c, test_fmt_nludata.c): files written into
 * a temporary folder, reading into a corpus while collecting rejects and
 * log lines, look-ups, span checks and unified round trips.
 */
#ifndef PARLANCE_TESTS_TASKDATA_CHECK_H
#define PARLANCE_TESTS_TASKDATA_CHECK_H

#define TMP_NAME "parlance-td"
#include "read_util.h"
#include <strings.h>
#include <unistd.h>

/* Read with one option changed from the defaults. */
static inline void read_utf8(struct got *g, const char *path,
                      enum pl_utf8_policy p)
{
    struct pl_read_opts o;

    pl_read_opts_default(&o);
    o.utf8 = p;
    read_with(g, path, &o);
}

/* The text a span covers, in buf. */
static inline const char *span_text(const struct pl_turn *t, size_t i,
                                    char *buf, size_t n)
{
    long len = t->slots[i].end - t->slots[i].start;

    snprintf(buf, n, "%.*s", (int)len, t->text + t->slots[i].start);
    return buf;
}

/* Spans that are not byte ranges of the text on character boundaries. */
static inline long bad_spans(const struct pl_corpus *c)
{
    long bad = 0;

    for (size_t i = 0; c && i < c->n_dialogues; i++)
        for (size_t j = 0; j < c->dialogues[i].n_turns; j++) {
            const struct pl_turn *t = &c->dialogues[i].turns[j];
            long n = (long)strlen(t->text);

            for (size_t k = 0; k < t->n_slots; k++) {
                long a = t->slots[k].start, b = t->slots[k].end;

                bad += a < 0 || b < a || b > n ||
                       (a < n && (t->text[a] & 0xC0) == 0x80) ||
                       (b < n && (t->text[b] & 0xC0) == 0x80);
            }
        }
    return bad;
}

static inline long count_split(const struct pl_corpus *c,
                               const char *split)
{
    long n = 0;

    for (size_t i = 0; c && i < c->n_dialogues; i++)
        n += !strcmp(c->dialogues[i].split, split);
    return n;
}

/* Distinct intents (or, with acts, acts) over the corpus. */
static inline size_t distinct_labels(const struct pl_corpus *c,
                                     int acts)
{
    json_t *seen = json_object();
    size_t n;

    for (size_t i = 0; c && i < c->n_dialogues; i++)
        for (size_t j = 0; j < c->dialogues[i].n_turns; j++) {
            const struct pl_turn *t = &c->dialogues[i].turns[j];
            char **v = acts ? t->acts : t->intents;
            size_t k = acts ? t->n_acts : t->n_intents;

            for (size_t m = 0; m < k; m++)
                json_object_set_new(seen, v[m], json_true());
        }
    n = json_object_size(seen);
    json_decref(seen);
    return n;
}

/* Distinct slot names over the corpus. */
static inline size_t distinct_slots(const struct pl_corpus *c)
{
    json_t *seen = json_object();
    size_t n;

    for (size_t i = 0; c && i < c->n_dialogues; i++)
        for (size_t j = 0; j < c->dialogues[i].n_turns; j++) {
            const struct pl_turn *t = &c->dialogues[i].turns[j];

            for (size_t m = 0; m < t->n_slots; m++)
                json_object_set_new(seen, t->slots[m].slot, json_true());
        }
    n = json_object_size(seen);
    json_decref(seen);
    return n;
}

static inline long count_slots(const struct pl_corpus *c)
{
    long n = 0;

    for (size_t i = 0; c && i < c->n_dialogues; i++)
        for (size_t j = 0; j < c->dialogues[i].n_turns; j++)
            n += (long)c->dialogues[i].turns[j].n_slots;
    return n;
}

/* ---- round trips ----------------------------------------------------- */

static inline enum pl_status write_one(struct pl_dialogue *d,
                                       void *ctx)
{
    enum pl_status st = pl_dialogue_write(ctx, d, NULL);

    pl_dialogue_fini(d);
    return st;
}

/* Convert path to unified JSONL at out; returns dialogues written. */
static inline long convert(const char *path, const char *out)
{
    struct pl_read_opts o;
    struct pl_read_stats st;
    struct pl_error err;
    FILE *fp = fopen(out, "wb");

    pl_read_opts_default(&o);
    o.on_dialogue = write_one;
    o.ctx = fp;
    if (!fp || pl_read(path, &o, &st, &err) != PL_OK) {
        fprintf(stderr, "convert %s: %s\n", path, err.message);
        st.kept = -1;
    }
    if (fp)
        fclose(fp);
    return st.kept;
}

static inline int same_bytes(const char *a, const char *b)
{
    char *x, *y;
    size_t nx, ny;
    int same;

    if (pl_file_read(a, &x, &nx, NULL) || pl_file_read(b, &y, &ny, NULL))
        return 0;
    same = nx == ny && nx > 0 && !memcmp(x, y, nx);
    free(x);
    free(y);
    return same;
}

/* path -> unified -> unified again: want dialogues, identical bytes. */
static inline void round_trip(const char *path, const char *tag,
                              long want)
{
    char one[600], two[620];

    snprintf(one, sizeof one, "%s", tpath(tag));
    snprintf(two, sizeof two, "%s.2", one);
    CHECK_INT(convert(path, one), want);
    CHECK_INT(convert(one, two), want);
    if (!CHECK(same_bytes(one, two)))
        fprintf(stderr, "  round trip of %s differs\n", path);
}

static inline void sniff_is(const char *rel, const char *data, size_t n,
                     enum pl_format want)
{
    struct pl_error err;
    enum pl_format f = pl_format_sniff(put_file(rel, data, n), &err);

    if (!CHECK_INT(f, want))
        fprintf(stderr, "  sniffing %s: %s\n", rel, err.message);
}

#define SNIFF(rel, lit, want) sniff_is((rel), (lit), sizeof(lit) - 1, (want))

#endif
