/*
 * ShareGPT conversations: {"id": .., "conversations": [{"from": ..,
 * "value": ..}, ...], ...}, either as a whole JSON document (an array of
 * conversations, or one conversation object spread over many lines) or
 * as JSON Lines, one conversation per line. A file whose first non-blank
 * character is "[", or whose first non-blank line is a lone "{", is a
 * whole document; anything else is JSON Lines, read one line at a time.
 *
 * Each conversation becomes a dialogue "<file stem>:<n>" (n counts the
 * conversations of the file from 0); its "id" and every other key stay
 * in dialogue extra. The turns come from the first of "conversations",
 * "conversation", "messages" or "items" that the object has; the others
 * stay in extra. Roles (case-insensitive): human, user -> user; gpt,
 * chatgpt, bing, bard, assistant, model -> agent; system -> system;
 * tool, function, function_call, observation -> tool (a function_call
 * turn's text is a call payload, not something said); anything else ->
 * other, warned about with its place and counted at the end of the
 * file. "from" is kept as speaker; "value" is the text (null is empty);
 * other message keys go to turn extra. A message with "role" instead of
 * "from" is read as OpenAI (see fmt_openai.c), so rows that mix the two
 * keep every turn. Turn origins are the line and column of each message.
 */
#include "formats_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    enum pl_role role;
} sg_roles[] = {
    { "human", PL_ROLE_USER },         { "user", PL_ROLE_USER },
    { "gpt", PL_ROLE_AGENT },          { "chatgpt", PL_ROLE_AGENT },
    { "bing", PL_ROLE_AGENT },         { "bard", PL_ROLE_AGENT },
    { "assistant", PL_ROLE_AGENT },    { "model", PL_ROLE_AGENT },
    { "system", PL_ROLE_SYSTEM },      { "tool", PL_ROLE_TOOL },
    { "function", PL_ROLE_TOOL },      { "function_call", PL_ROLE_TOOL },
    { "observation", PL_ROLE_TOOL },   { "other", PL_ROLE_OTHER },
};

/* The members that may hold the turns, in the order they are tried. */
static const char *const turn_keys[] = { "conversations", "conversation",
                                         "messages", "items" };

static enum pl_role sg_role(const char *s)
{
    for (size_t i = 0; i < sizeof sg_roles / sizeof *sg_roles; i++)
        if (!strcasecmp(s, sg_roles[i].name))
            return sg_roles[i].role;
    return PL_ROLE_OTHER;
}

static enum pl_status sg_bad(struct pl_chat *c, const char *list, size_t i,
                             long line, long col, const char *what,
                             const json_t *found)
{
    c->item = (long)i;
    return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, line, col,
                        "%s[%zu]: expected %s, found %s", list, i, what,
                        found ? pl_json_kind(found) : "nothing");
}

enum pl_status pl_sharegpt_message(struct pl_chat *c, struct pl_dialogue *d,
                                   json_t *m, const char *list, size_t i,
                                   long line, long col)
{
    static const char *const mapped[] = { "from", "value", NULL };
    json_t *from = json_object_get(m, "from");
    json_t *value = json_object_get(m, "value");
    struct pl_turn *t;

    if (!json_is_string(from))
        return sg_bad(c, list, i, line, col, "a \"from\" string", from);
    if (!json_is_string(value) && !json_is_null(value))
        return sg_bad(c, list, i, line, col, "a \"value\" string", value);
    if (!(t = pl_dialogue_add_turn(d)) ||
        pl_origin_set(&t->origin, c->r->path, line, col, (long)i) != PL_OK)
        return pl_chat_nomem(c, line, col);
    t->role = sg_role(json_string_value(from));
    free(t->speaker);
    if (!(t->speaker = pl_strdup(json_string_value(from))) ||
        (json_is_string(value) &&
         pl_turn_set_text(t, json_string_value(value),
                          json_string_length(value)) != PL_OK) ||
        pl_json_copy_except(t->extra, m, mapped) != 0)
        return pl_chat_nomem(c, line, col);
    return PL_OK;
}

/* ---- conversations ---------------------------------------------------- */

/* The member holding the turns, or NULL; *key gets its name. */
static json_t *sg_turns(json_t *obj, const char **key)
{
    for (size_t i = 0; i < sizeof turn_keys / sizeof *turn_keys; i++) {
        json_t *v = json_object_get(obj, turn_keys[i]);

        if (v) {
            *key = turn_keys[i];
            return v;
        }
    }
    *key = turn_keys[0];
    return NULL;
}

static enum pl_status sg_messages(struct pl_chat *c, struct pl_dialogue *d,
                                  json_t *msgs, const char *key,
                                  const char *s, size_t n, long line,
                                  long col)
{
    struct pl_pos *pos = NULL;
    size_t count = 0, i;
    json_t *m;
    enum pl_status st = PL_OK;

    pl_jscan_member_elems(s, n, line, col, key, &pos, &count);
    json_array_foreach(msgs, i, m) {
        long l = i < count ? pos[i].line : line;
        long k = i < count ? pos[i].col : col;

        if (!json_is_object(m))
            st = sg_bad(c, key, i, l, k, "a message object", m);
        else
            st = pl_chat_message(c, d, m, key, i, l, k);
        if (st != PL_OK)
            break;
    }
    free(pos);
    return st;
}

/* Build d from the conversation obj, whose text s[0..n) is at line/col. */
static enum pl_status sg_build(struct pl_chat *c, struct pl_dialogue *d,
                               json_t *obj, const char *s, size_t n,
                               long line, long col, long index)
{
    const char *key, *skip[2] = { NULL, NULL };
    json_t *msgs = sg_turns(obj, &key);
    enum pl_status st;

    if ((st = pl_chat_dialogue(c, d, line, col, index)) != PL_OK)
        return st;
    if (!json_is_object(obj))
        return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, line, col,
                            "expected a conversation object, found %s",
                            pl_json_kind(obj));
    if (!msgs)
        return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, line, col,
                            "expected a \"conversations\" array of turns "
                            "(or \"conversation\", \"messages\", "
                            "\"items\"), found none of them");
    if (!json_is_array(msgs))
        return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, line, col,
                            "%s: expected an array of turns, found %s", key,
                            pl_json_kind(msgs));
    skip[0] = key;
    if (pl_json_copy_except(d->extra, obj, skip) != 0)
        return pl_chat_nomem(c, line, col);
    st = sg_messages(c, d, msgs, key, s, n, line, col);
    if (st != PL_OK)
        return st;
    pl_chat_check_roles(c, d, key);
    return pl_openai_link(c, d, key);
}

/* Parse, build and emit (or reject) the conversation s[0..n). */
static enum pl_status sg_record(struct pl_chat *c, json_t *obj,
                                const char *s, size_t n, long line,
                                long col, long index)
{
    struct pl_dialogue d;
    enum pl_status st;

    memset(&d, 0, sizeof d);
    c->item = -1;
    st = sg_build(c, &d, obj, s, n, line, col, index);
    if (st == PL_OK)
        return pl_reader_emit(c->r, &d);
    pl_dialogue_fini(&d);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(c->r, &c->why);
    return pl_reader_reject(c->r, s, n, &c->why);
}

/* ---- JSON Lines --------------------------------------------------------- */

static enum pl_status sg_line(struct pl_reader *r, json_t *obj,
                              const char *raw, size_t n, long line,
                              long index)
{
    return sg_record(r->fmt, obj, raw, n, line, 1, index);
}

/* ---- whole documents ---------------------------------------------------- */

struct sg_doc {
    struct pl_chat *c;
    long next;              /* index of the next conversation */
};

/* One conversation of a whole document, at line/col. */
static enum pl_status sg_element(void *ctx, const char *s, size_t n,
                                 long line, long col, long index)
{
    struct sg_doc *doc = ctx;
    struct pl_chat *c = doc->c;
    struct pl_error why;
    json_t *obj = NULL;
    enum pl_status st;

    (void)index;
    index = doc->next++;
    if (n > c->r->max_record) {
        pl_error_set(&why, PL_ERR_LIMIT, c->r->path, line, col,
                     "expected a record of at most %zu bytes "
                     "(max_record_bytes), found %zu bytes",
                     c->r->max_record, n);
        return pl_reader_reject(c->r, s, n, &why);
    }
    st = pl_reader_json(c->r, s, n, line, col, JSON_REJECT_DUPLICATES |
                        JSON_DECODE_ANY, &obj, &why);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(c->r, &why);
    if (st != PL_OK)
        return pl_reader_reject(c->r, s, n, &why);
    st = sg_record(c, obj, s, n, line, col, index);
    json_decref(obj);
    return st;
}

/* A lone object at js->pos: one conversation. *broken when it cannot be
 * delimited (the rest of the document is rejected). */
static enum pl_status sg_object(struct sg_doc *doc, struct pl_jscan *js,
                                int *broken)
{
    size_t start = js->pos;
    long line = js->line, col = pl_jscan_col(js);

    *broken = pl_jscan_value(js) != 0;
    if (*broken)
        return sg_element(doc, js->s + start, js->n - start, line, col, 0);
    return sg_element(doc, js->s + start, js->pos - start, line, col, 0);
}

/* Arrays of conversations and lone conversation objects, one after
 * another, up to the end of buf. */
static enum pl_status sg_document(struct pl_chat *c, const char *buf,
                                  size_t n)
{
    struct sg_doc doc = { c, 0 };
    struct pl_jscan js;
    enum pl_status st = PL_OK;
    int ch, broken = 0;

    pl_jscan_init(&js, buf, n, 1, 1);
    while (st == PL_OK && !broken && (ch = pl_jscan_ws(&js)) >= 0) {
        if (ch == '[')
            st = pl_jscan_array(c->r, &js, sg_element, &doc, &broken);
        else if (ch == '{')
            st = sg_object(&doc, &js, &broken);
        else
            return pl_jscan_reject(c->r, &js, "'[' or '{' starting "
                                   "ShareGPT conversations");
    }
    return st;
}

/* ---- telling the two apart -------------------------------------------- */

struct sg_buf {
    char *p;
    size_t n, cap;
};

static int buf_add(struct sg_buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *np;

        while (cap < b->n + n + 1)
            cap *= 2;
        if (!(np = realloc(b->p, cap)))
            return -1;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Read up to the first piece of input that is not blank into b.
 * Returns 1 for a whole document, 0 for JSON Lines (or nothing), -1 on
 * a read or memory failure. */
static int sg_head(struct pl_lines *lr, struct sg_buf *b)
{
    const char *s;
    size_t n, i;
    int partial, got;

    while ((got = pl_lines_next(lr, &s, &n, &partial)) > 0) {
        if (buf_add(b, s, n) != 0) {
            lr->failed = 2;
            return -1;
        }
        for (i = 0; i < n && is_space(s[i]); i++)
            ;
        if (i == n)
            continue;
        if (s[i] == '[')
            return 1;
        if (s[i] != '{' || partial)
            return 0;
        for (i++; i < n && is_space(s[i]); i++)
            ;
        return i == n;
    }
    return got;
}

/* Read the rest of the input into b. */
static int sg_slurp(struct pl_lines *lr, struct sg_buf *b)
{
    const char *s;
    size_t n;
    int partial, got;

    while ((got = pl_lines_next(lr, &s, &n, &partial)) > 0)
        if (buf_add(b, s, n) != 0) {
            lr->failed = 2;
            return -1;
        }
    return got;
}

enum pl_status pl_sharegpt_read(struct pl_reader *r, struct pl_lines *lr)
{
    struct pl_chat c;
    struct sg_buf b = { NULL, 0, 0 };
    enum pl_status st;
    int whole;

    pl_chat_init(&c, r);
    r->fmt = &c;
    whole = sg_head(lr, &b);
    if (whole > 0 && sg_slurp(lr, &b) < 0)
        whole = -1;
    if (whole < 0)
        st = pl_lines_error(r, lr);
    else if (whole)
        st = sg_document(&c, b.p, b.n);
    else if (b.n && pl_lines_unread(lr, b.p, b.n, 1) != 0)
        st = pl_lines_error(r, lr);
    else
        st = pl_jsonl_read(r, lr, JSON_REJECT_DUPLICATES, sg_line);
    free(b.p);
    r->fmt = NULL;
    pl_chat_summary(&c);
    return st;
}
