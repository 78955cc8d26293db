/*
 * Helpers for the format tests that read buffers: read one into a
 * corpus collecting rejects, capture log warnings, compare strings.
 */
#ifndef PARLANCE_TESTS_FMT_HELPERS_H
#define PARLANCE_TESTS_FMT_HELPERS_H

#include "check.h"
#include "formats_impl.h"

#define MAX_REJ 16

struct got {
    struct pl_corpus *c;
    enum pl_status status;
    struct pl_error err;
    struct pl_read_stats st;
    int n_rej;
    char rej[MAX_REJ][600];
    char raw[MAX_REJ][200];
};

static inline void on_reject(const struct pl_reject *r, void *ctx)
{
    struct got *g = ctx;

    if (g->n_rej < MAX_REJ) {
        pl_error_format(r->why, g->rej[g->n_rej], sizeof g->rej[0]);
        snprintf(g->raw[g->n_rej], sizeof g->raw[0], "%.*s",
                 (int)(r->raw_len < 199 ? r->raw_len : 199), r->raw);
    }
    g->n_rej++;
}

static inline enum pl_status take(struct pl_dialogue *d, void *ctx)
{
    enum pl_status st = pl_corpus_take(ctx, d);

    if (st != PL_OK)
        pl_dialogue_fini(d);
    return st;
}

/* Read buf as the file name (format o->format or sniffed). */
static inline void read_buf(struct got *g, const char *name, const char *buf,
                     size_t n, const struct pl_read_opts *base)
{
    struct pl_read_opts o;

    if (base)
        o = *base;
    else
        pl_read_opts_default(&o);
    memset(g, 0, sizeof *g);
    g->c = pl_corpus_new(name);
    o.on_dialogue = take;
    o.ctx = g->c;
    o.on_reject = on_reject;
    o.reject_ctx = g;
    g->status = pl_read_buffer(name, buf, n, &o, &g->st, &g->err);
    CHECK_INT(g->st.read, g->st.kept + g->st.rejected);
    CHECK_INT(g->st.rejected, g->n_rej);
    CHECK_INT(g->c->n_dialogues, g->st.kept);
}

#define READ(g, name, lit, o) read_buf((g), (name), (lit), sizeof(lit) - 1, (o))

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

/* The turn j of dialogue i, or NULL (a failed check) when missing. */
static inline struct pl_turn *turn_at(const struct got *g, size_t i, size_t j)
{
    if (!CHECK(g->c && i < g->c->n_dialogues &&
               j < g->c->dialogues[i].n_turns))
        return NULL;
    return &g->c->dialogues[i].turns[j];
}

static inline const char *extra_str(const struct pl_turn *t, const char *k)
{
    return json_string_value(json_object_get(t->extra, k));
}

/* Item i of the string array t->extra[k], or NULL. */
static inline const char *extra_item(const struct pl_turn *t, const char *k,
                              size_t i)
{
    return json_string_value(json_array_get(json_object_get(t->extra, k),
                                            i));
}

/* ---- log capture ----------------------------------------------------- */

static char log_last[1024];
static int log_count;

static inline void log_keep(enum pl_log_level lvl, const char *msg, void *ctx)
{
    (void)lvl;
    (void)ctx;
    snprintf(log_last, sizeof log_last, "%s", msg);
    log_count++;
}

static inline void log_capture(void)
{
    log_last[0] = '\0';
    log_count = 0;
    pl_log_set(log_keep, NULL, PL_LOG_WARN);
}

static inline void log_release(void)
{
    pl_log_set(NULL, NULL, PL_LOG_ERROR);
}

#endif
