/*
 * Helpers for reader tests: files written under a temporary folder as a
 * user would write them, reading them into a corpus with the rejects and
 * log messages collected, span checks and unified round trips.
 */
#ifndef PARLANCE_TESTS_READ_UTIL_H
#define PARLANCE_TESTS_READ_UTIL_H

#define TMP_NAME "parlance-read"
#include "tmp_files.h"
#include "check.h"
#include "parlance/formats.h"

/* ---- log messages -------------------------------------------------- */

static char ru_log[8192];

static inline void ru_log_fn(enum pl_log_level lvl, const char *msg, void *ctx)
{
    size_t used = strlen(ru_log);

    (void)ctx;
    if (lvl <= PL_LOG_WARN)
        snprintf(ru_log + used, sizeof ru_log - used, "%s\n", msg);
}

/* ---- reading into a corpus ------------------------------------------ */

#define RU_MAX_REJ 16

struct got {
    struct pl_corpus *c;
    enum pl_status status;
    struct pl_error err;
    struct pl_read_stats st;
    int n_rej;
    char rej[RU_MAX_REJ][700];
    enum pl_status rej_status[RU_MAX_REJ];
    char raw[RU_MAX_REJ][200];
};

static inline void ru_on_reject(const struct pl_reject *r, void *ctx)
{
    struct got *g = ctx;

    if (g->n_rej < RU_MAX_REJ) {
        pl_error_format(r->why, g->rej[g->n_rej], sizeof g->rej[0]);
        g->rej_status[g->n_rej] = r->why->status;
        snprintf(g->raw[g->n_rej], sizeof g->raw[0], "%.*s",
                 (int)(r->raw_len < 199 ? r->raw_len : 199), r->raw);
    }
    g->n_rej++;
}

/* Read path with base options (NULL: defaults), log warnings into
 * ru_log, and check that the counts add up. */
static inline void read_with(struct got *g, const char *path,
                      const struct pl_read_opts *base)
{
    struct pl_read_opts o;

    if (base)
        o = *base;
    else
        pl_read_opts_default(&o);
    memset(g, 0, sizeof *g);
    o.on_reject = ru_on_reject;
    o.reject_ctx = g;
    ru_log[0] = '\0';
    pl_log_set(ru_log_fn, NULL, PL_LOG_WARN);
    g->status = pl_corpus_read(path, &o, &g->c, &g->st, &g->err);
    pl_log_set(NULL, NULL, PL_LOG_WARN);
    CHECK_INT(g->st.read, g->st.kept + g->st.rejected);
    CHECK_INT(g->st.rejected, g->n_rej);
    if (g->c)
        CHECK_INT(g->c->n_dialogues, g->st.kept);
}

static inline int read_ok(const struct got *g)
{
    if (g->status != PL_OK)
        fprintf(stderr, "  read failed: %s\n", g->err.message);
    return CHECK_INT(g->status, PL_OK) && CHECK(g->c != NULL);
}

static inline void got_free(struct got *g)
{
    pl_corpus_free(g->c);
    g->c = NULL;
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
