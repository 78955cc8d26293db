/*
 * Helpers for reader tests: files written under a temporary folder as a
 * user would write them, reading them into a corpus with the rejects and
 * log messages collected, span checks and unified round trips.
 */
#ifndef PARLANCE_TESTS_READ_UTIL_H
#define PARLANCE_TESTS_READ_UTIL_H

#ifndef TMP_NAME
#define TMP_NAME "parlance-read"
#endif
#include "tmp_files.h"
#include "check.h"
#include "parlance/formats.h"

#define FFFD "\xEF\xBF\xBD"

/* ---- log messages -------------------------------------------------- */

/* Every message kept since capture began, the last one, and how many. */
static char log_seen[8192];
static char log_last[1024];
static int log_count;
static int log_on;

static inline void log_to_buf(enum pl_log_level lvl, const char *msg,
                              void *ctx)
{
    size_t used = strlen(log_seen);

    (void)ctx;
    (void)lvl;
    if (used < sizeof log_seen)
        snprintf(log_seen + used, sizeof log_seen - used, "%s\n", msg);
    snprintf(log_last, sizeof log_last, "%s", msg);
    log_count++;
}

/* Collect log messages up to level (emptying what was kept), or stop
 * collecting (what was kept stays). While on, read_with leaves the log
 * alone; otherwise each read_with keeps its own warnings. */
static inline void log_capture(int on, enum pl_log_level level)
{
    log_on = on;
    if (on) {
        log_seen[0] = '\0';
        log_last[0] = '\0';
        log_count = 0;
        pl_log_set(log_to_buf, NULL, level);
    } else {
        pl_log_set(NULL, NULL, PL_LOG_WARN);
    }
}

/* ---- reading into a corpus ------------------------------------------ */

#define MAX_REJ 16

/* A read: the corpus, its counts and status, and for the first MAX_REJ
 * rejects the formatted message, status, raw length and raw start. */
struct got {
    struct pl_corpus *c;
    enum pl_status status;
    struct pl_error err;
    struct pl_read_stats st;
    int n_rej;
    char rej[MAX_REJ][700];
    enum pl_status rej_status[MAX_REJ];
    size_t rej_len[MAX_REJ];
    char raw[MAX_REJ][200];
};

static inline void on_reject(const struct pl_reject *r, void *ctx)
{
    struct got *g = ctx;

    if (g->n_rej < MAX_REJ) {
        pl_error_format(r->why, g->rej[g->n_rej], sizeof g->rej[0]);
        g->rej_status[g->n_rej] = r->why->status;
        g->rej_len[g->n_rej] = r->raw_len;
        snprintf(g->raw[g->n_rej], sizeof g->raw[0], "%.*s",
                 (int)(r->raw_len < 199 ? r->raw_len : 199), r->raw);
    }
    g->n_rej++;
}

/* Read path with base options (NULL: defaults) and check that the counts
 * add up. Unless log_capture is on, warnings go to log_seen. */
static inline void read_with(struct got *g, const char *path,
                             const struct pl_read_opts *base)
{
    struct pl_read_opts o;
    int own_log = !log_on;

    if (base)
        o = *base;
    else
        pl_read_opts_default(&o);
    memset(g, 0, sizeof *g);
    o.on_reject = on_reject;
    o.reject_ctx = g;
    if (own_log)
        log_capture(1, PL_LOG_WARN);
    g->status = pl_corpus_read(path, &o, &g->c, &g->st, &g->err);
    if (own_log)
        log_capture(0, PL_LOG_WARN);
    CHECK_INT(g->st.read, g->st.kept + g->st.rejected);
    CHECK_INT(g->st.rejected, g->n_rej);
    if (g->c)
        CHECK_INT(g->c->n_dialogues, g->st.kept);
}

/* The read worked and there is a corpus to look at. */
static inline int read_ok(const struct got *g)
{
    char msg[1200];

    if (g->status != PL_OK)
        fprintf(stderr, "  read failed: %s\n",
                pl_error_format(&g->err, msg, sizeof msg));
    return CHECK_INT(g->status, PL_OK) && CHECK(g->c != NULL);
}

static inline void got_free(struct got *g)
{
    pl_corpus_free(g->c);
    g->c = NULL;
}

/* The dialogue with this id, or NULL. */
static inline struct pl_dialogue *find(const struct got *g, const char *id)
{
    for (size_t i = 0; g->c && i < g->c->n_dialogues; i++)
        if (!strcmp(g->c->dialogues[i].id, id))
            return &g->c->dialogues[i];
    fprintf(stderr, "  no dialogue \"%s\"\n", id);
    return NULL;
}

static inline long count_turns(const struct pl_corpus *c)
{
    long n = 0;

    for (size_t i = 0; c && i < c->n_dialogues; i++)
        n += (long)c->dialogues[i].n_turns;
    return n;
}

static inline int has(const char *hay, const char *needle)
{
    if (hay && needle && strstr(hay, needle))
        return 1;
    fprintf(stderr, "  \"%s\"\n  does not contain \"%s\"\n",
            hay ? hay : "(null)", needle ? needle : "(null)");
    return 0;
}

/* The turn of dialogue i, turn j (NULL, and a failure, when absent). */
static inline const struct pl_turn *turn_at(const struct got *g, size_t i,
                                     size_t j)
{
    if (!CHECK(g->c && i < g->c->n_dialogues &&
               j < g->c->dialogues[i].n_turns))
        return NULL;
    return &g->c->dialogues[i].turns[j];
}

/* Does slot k of t cover exactly the bytes surface, named slot? */
static inline int span_is(const struct pl_turn *t, size_t k, const char *slot,
                   const char *surface, const char *value)
{
    const struct pl_span *s;
    size_t n = strlen(surface);

    if (!t || k >= t->n_slots) {
        fprintf(stderr, "  no slot %zu\n", k);
        return CHECK(0);
    }
    s = &t->slots[k];
    if (!(s->end - s->start == (long)n &&
          !memcmp(t->text + s->start, surface, n) &&
          !strcmp(s->slot, slot) &&
          (value ? s->value && !strcmp(s->value, value) : !s->value)))
        fprintf(stderr, "  slot %zu of \"%s\": %s [%ld, %ld) value %s\n",
                k, t->text, s->slot, s->start, s->end,
                s->value ? s->value : "(none)");
    return CHECK(s->end - s->start == (long)n &&
                 !memcmp(t->text + s->start, surface, n)) &&
           CHECK_STR(s->slot, slot) &&
           (value ? CHECK_STR(s->value, value) : CHECK(s->value == NULL));
}

static inline const char *meta_str(const json_t *meta, const char *key)
{
    return json_string_value(json_object_get(meta, key));
}

/* Every dialogue written as unified JSON reads back and writes again to
 * the same bytes. */
static inline void check_round_trip(const struct pl_corpus *c)
{
    for (size_t i = 0; c && i < c->n_dialogues; i++) {
        char *one = pl_dialogue_to_json(&c->dialogues[i]), *two = NULL;
        json_t *j = one ? json_loads(one, 0, NULL) : NULL;
        struct pl_dialogue back;
        int ok = j && pl_dialogue_from_json(&back, j, "rt", 1, NULL) ==
                          PL_OK;

        if (ok) {
            two = pl_dialogue_to_json(&back);
            pl_dialogue_fini(&back);
        }
        if (!CHECK(ok && two && !strcmp(one, two)))
            fprintf(stderr, "  round trip differs: %s\n", one);
        free(one);
        free(two);
        json_decref(j);
    }
}

#endif
