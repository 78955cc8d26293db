/*
 * The ParlAI text writer: an episode per dialogue, a line per exchange
 * of tab-separated "key:value" fields. A user-side turn (any role but
 * agent) is the line's "text", the agent turn right after it its
 * "labels"; an agent turn with no user-side turn before it gets a line
 * of its own without "text", and a user-side turn with no agent turn
 * after it one without "labels". The last line of an episode carries
 * "episode_done:True".
 *
 * Escapes, as fmt_parlai_text.c reads them: tab, LF and CR become "\t",
 * "\n" and "\r", '|' becomes "__PIPE__" (list values are joined with a
 * bare '|'), and a backslash is doubled where the reader would otherwise
 * take it for the start of an escape. A literal "__PIPE__" is written
 * "\__PIPE__". The output is built back to front, so each choice can
 * look at what follows it, which is what the reader sees. A line of one
 * field whose value holds four spaces in a row ends with a tab, so the
 * reader does not take the spaces for a field separator.
 */
#include "writers_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats_impl.h"

static const char *const list_keys[] = {
    "labels", "eval_labels", "label_candidates", "text_candidates"
};

static int is_list_key(const char *k)
{
    for (size_t i = 0; i < sizeof list_keys / sizeof list_keys[0]; i++)
        if (!strcmp(k, list_keys[i]))
            return 1;
    return 0;
}

/* ---- escaping ------------------------------------------------------- */

struct esc {
    char *buf;
    size_t cap;
};

/* Does a backslash before c start an escape for the reader? */
static int escapes(char c)
{
    return c && strchr("\\ntr|_", c) != NULL;
}

/* The escaped form of s[0..n), followed in the line by the byte
 * follow (0 for a tab or the line end), in e->buf; NULL without memory.
 * Built from the end: each byte's form depends on what the reader will
 * see after it. */
static const char *escape(struct esc *e, const char *s, size_t n,
                          char follow, size_t *out_n)
{
    size_t pos;

    if (8 * n + 1 > e->cap) {
        char *nb = realloc(e->buf, 8 * n + 1);

        if (!nb)
            return NULL;
        e->buf = nb;
        e->cap = 8 * n + 1;
    }
    pos = e->cap;
    for (size_t i = n; i-- > 0;) {
        const char *rep = NULL;
        char one[2] = { s[i], 0 };
        char next = pos < e->cap ? e->buf[pos] : follow;

        switch (s[i]) {
        case '\t': rep = "\\t"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '|': rep = "__PIPE__"; break;
        case '\\': rep = escapes(next) ? "\\\\" : "\\"; break;
        case '_':
            rep = e->cap - pos >= 7 && !memcmp(e->buf + pos, "_PIPE__", 7)
                      ? "\\_" : "_";
            break;
        default: rep = one;
        }
        pos -= strlen(rep);
        memcpy(e->buf + pos, rep, strlen(rep));
    }
    *out_n = e->cap - pos;
    return e->buf + pos;
}

/* ---- lines ---------------------------------------------------------- */

/* The line being written: its keys, so none is written twice, and
 * whether a value holds four spaces in a row. */
struct line {
    const char *keys[64];
    size_t n_keys;
    int fields;
    int spaces;
};

struct parlai {
    struct esc esc;
    struct line ln;
};

static int key_taken(const struct line *ln, const char *k)
{
    for (size_t i = 0; i < ln->n_keys; i++)
        if (!strcmp(ln->keys[i], k))
            return 1;
    return 0;
}

/* Can k be written as a field of this line? */
static int key_ok(const struct line *ln, const char *k)
{
    return k[0] && !strpbrk(k, ":\t\n\r") && !key_taken(ln, k) &&
           ln->n_keys < sizeof ln->keys / sizeof ln->keys[0];
}

static enum pl_status put_value(struct pl_writer *w, const char *s,
                                char follow)
{
    struct parlai *p = w->state;
    size_t n;
    const char *e = escape(&p->esc, s, strlen(s), follow, &n);

    if (!e)
        return PL_ERR_NOMEM;
    fwrite(e, 1, n, w->fp);
    p->ln.spaces |= strstr(s, "    ") != NULL;
    return PL_OK;
}

static void put_key(struct pl_writer *w, const char *k)
{
    struct parlai *p = w->state;

    if (p->ln.fields++)
        fputc('\t', w->fp);
    fprintf(w->fp, "%s:", k);
    p->ln.keys[p->ln.n_keys++] = k;
}

static enum pl_status put_field(struct pl_writer *w, const char *k,
                                const char *v)
{
    put_key(w, k);
    return put_value(w, v, 0);
}

/* Is v a non-empty array of strings? */
static int string_list(const json_t *v)
{
    size_t i;
    json_t *e;

    if (!json_is_array(v) || json_array_size(v) == 0)
        return 0;
    json_array_foreach(v, i, e)
        if (!json_is_string(e))
            return 0;
    return 1;
}

/* A list field: first (when not NULL) replaces the list's first item. */
static enum pl_status put_list(struct pl_writer *w, const char *k,
                               const char *first, const json_t *list)
{
    enum pl_status st = PL_OK;
    size_t i, n = list ? json_array_size(list) : 0;

    put_key(w, k);
    if (first)
        st = put_value(w, first, n > 1 ? '|' : 0);
    for (i = first ? 1 : 0; st == PL_OK && i < n; i++) {
        if (i)
            fputc('|', w->fp);
        st = put_value(w, json_string_value(json_array_get(list, i)),
                       i + 1 < n ? '|' : 0);
    }
    return st;
}

/* ---- exchanges ------------------------------------------------------ */

/* Which list gives an agent turn's label alternatives: "eval_labels"
 * when its extra has that list and no "labels" list. */
static const char *label_key(const struct pl_turn *at)
{
    if (!string_list(json_object_get(at->extra, "labels")) &&
        string_list(json_object_get(at->extra, "eval_labels")))
        return "eval_labels";
    return "labels";
}

/* May extra member k of the line's owner turn become a field? */
static int extra_ok(const struct line *ln, const char *k, const json_t *v,
                    int last)
{
    if (!key_ok(ln, k) || !strcmp(k, "text") || !strcmp(k, "id") ||
        !strcmp(k, "labels"))
        return 0;
    if (!strcmp(k, "eval_labels") && !key_taken(ln, "labels"))
        return 0;
    if (!strcmp(k, "episode_done"))
        return !last && json_is_string(v) &&
               strcasecmp(json_string_value(v), "true") != 0;
    return is_list_key(k) ? string_list(v) : json_is_string(v);
}

/* The user-side turn's extra members as fields. */
static enum pl_status put_extra(struct pl_writer *w, const struct pl_turn *t,
                                int last)
{
    struct parlai *p = w->state;
    enum pl_status st = PL_OK;
    const char *k;
    json_t *v;

    json_object_foreach(t->extra, k, v) {
        if (!extra_ok(&p->ln, k, v, last))
            w->st.lost[PL_LOSS_TURN_EXTRA]++;
        else if (json_is_array(v))
            st = put_list(w, k, NULL, v);
        else
            st = put_field(w, k, json_string_value(v));
        if (st != PL_OK)
            return st;
    }
    return PL_OK;
}

/* What an agent turn's line cannot keep of it: extra members besides
 * its labels, and its speaker when the line's id is the user side's. */
static void lose_agent_side(struct pl_writer *w, const struct pl_turn *at,
                            const char *key, int shared)
{
    size_t n = json_object_size(at->extra);

    if (string_list(json_object_get(at->extra, key)))
        n--;
    w->st.lost[PL_LOSS_SPEAKER] += shared && at->speaker[0] != '\0';
    w->st.lost[PL_LOSS_TURN_EXTRA] += (long)n;
}

static enum pl_status put_line(struct pl_writer *w, const struct pl_turn *tt,
                               const struct pl_turn *at, int last)
{
    struct parlai *p = w->state;
    const struct pl_turn *owner = tt ? tt : at;
    const char *key = at ? label_key(at) : NULL;
    enum pl_status st = PL_OK;

    memset(&p->ln, 0, sizeof p->ln);
    if (owner->speaker[0])
        st = put_field(w, "id", owner->speaker);
    if (st == PL_OK && tt)
        st = put_field(w, "text", tt->text);
    if (st == PL_OK && at)
        st = put_list(w, key, at->text,
                      string_list(json_object_get(at->extra, key))
                          ? json_object_get(at->extra, key) : NULL);
    if (st == PL_OK && tt)
        st = put_extra(w, tt, last);
    if (at)
        lose_agent_side(w, at, key, tt != NULL);
    if (last)
        fputs(p->ln.fields++ ? "\tepisode_done:True" : "episode_done:True",
              w->fp);
    if (p->ln.fields == 1 && p->ln.spaces)
        fputc('\t', w->fp);
    fputc('\n', w->fp);
    w->st.records++;
    return st;
}

static void lose_turn(struct pl_writer *w, const struct pl_turn *t)
{
    w->st.lost[PL_LOSS_ROLE] += t->role != PL_ROLE_USER &&
                                t->role != PL_ROLE_AGENT;
    pl_wr_lose_turn(w, t, PL_CARRY(PL_LOSS_SPEAKER) |
                              PL_CARRY(PL_LOSS_TURN_EXTRA));
}

static enum pl_status parlai_write(struct pl_writer *w,
                                   const struct pl_dialogue *d,
                                   struct pl_error *err)
{
    enum pl_status st = PL_OK;
    size_t i = 0;

    pl_wr_lose_dialogue(w, d, 0);
    if (d->n_turns == 0)
        w->st.lost[PL_LOSS_DIALOGUE]++;
    while (st == PL_OK && i < d->n_turns) {
        const struct pl_turn *tt = &d->turns[i], *at = NULL;

        if (tt->role == PL_ROLE_AGENT) {
            at = tt;
            tt = NULL;
        } else if (i + 1 < d->n_turns &&
                   d->turns[i + 1].role == PL_ROLE_AGENT) {
            at = &d->turns[i + 1];
        }
        if (tt)
            lose_turn(w, tt);
        if (at)
            lose_turn(w, at);
        i += tt && at ? 2 : 1;
        st = put_line(w, tt, at, i >= d->n_turns);
    }
    if (st == PL_ERR_NOMEM)
        return pl_error_set(err, st, NULL, 0, 0, "out of memory");
    return st != PL_OK ? st : pl_wr_check(w, err);
}

static enum pl_status parlai_open(struct pl_writer *w, struct pl_error *err)
{
    if (!(w->state = calloc(1, sizeof(struct parlai))))
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return PL_OK;
}

static void parlai_fini(struct pl_writer *w)
{
    struct parlai *p = w->state;

    if (p)
        free(p->esc.buf);
    free(p);
}

const struct pl_writer_ops pl_write_parlai_ops = {
    parlai_open, parlai_write, NULL, parlai_fini
};
