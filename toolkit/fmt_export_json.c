/*
 * Shared by the JSON chat-export readers (Telegram, Slack, Discord):
 * walking an object's members with the structural scanner, parsing one
 * member or one message at its own location, and turning text given as
 * a string or as an array of parts into plain text.
 *
 * Each message element is parsed and built on its own, so a bad one is
 * rejected with its line and column and the others are kept; a document
 * whose structure breaks has the rest rejected as one record.
 */
#include "export_impl.h"

#include <stdlib.h>
#include <string.h>

int pl_export_key(const char *key, size_t klen, const char *name)
{
    return klen == strlen(name) && !memcmp(key, name, klen);
}

enum pl_status pl_export_object(struct pl_reader *r, struct pl_jscan *js,
                                pl_member_fn fn, void *ctx, int *broken)
{
    enum pl_status st;
    size_t a, b;
    int ch;

    *broken = 1;
    if (pl_jscan_expect(js, '{'))
        return pl_jscan_reject(r, js, "'{'");
    if (pl_jscan_ws(js) == '}') {
        js->pos++;
        *broken = 0;
        return PL_OK;
    }
    for (;;) {
        if (pl_jscan_ws(js) != '"' || pl_jscan_string(js, &a, &b) ||
            pl_jscan_expect(js, ':'))
            return pl_jscan_reject(r, js, "a member name and ':'");
        *broken = 0;
        st = fn(ctx, js, js->s + a, b - a, broken);
        if (st != PL_OK || *broken)
            return st;
        *broken = 1;
        if ((ch = pl_jscan_ws(js)) == '}')
            break;
        if (ch != ',')
            return pl_jscan_reject(r, js, "',' or '}' after a member");
        js->pos++;
    }
    js->pos++;
    *broken = 0;
    return PL_OK;
}

enum pl_status pl_export_value(struct pl_reader *r, struct pl_jscan *js,
                               json_t **out, int *broken)
{
    struct pl_error why;
    size_t start;
    long line, col;
    enum pl_status st;

    *out = NULL;
    *broken = 0;
    pl_jscan_ws(js);
    start = js->pos;
    line = js->line;
    col = pl_jscan_col(js);
    if (pl_jscan_value(js) != 0) {
        *broken = 1;
        return pl_jscan_reject(r, js, "a complete JSON value");
    }
    st = pl_reader_json(r, js->s + start, js->pos - start, line, col,
                        JSON_DECODE_ANY, out, &why);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &why);
    if (st != PL_OK)
        return pl_reader_reject(r, js->s + start, js->pos - start, &why);
    return PL_OK;
}

enum pl_status pl_export_element(void *ctx, const char *s, size_t n,
                                 long line, long col, long index)
{
    struct pl_export_msgs *m = ctx;
    struct pl_reader *r = m->c->r;
    struct pl_error why;
    struct pl_turn t;
    json_t *v = NULL;
    enum pl_status st;

    (void)index;
    if (n > r->max_record)
        return pl_export_reject(r, s, n, PL_ERR_LIMIT, line, col,
                                "expected a message of at most %zu bytes "
                                "(max_record_bytes), found %zu bytes",
                                r->max_record, n);
    st = pl_reader_json(r, s, n, line, col, JSON_DECODE_ANY, &v, &why);
    if (st == PL_OK && pl_turn_init(&t) != PL_OK) {
        st = pl_error_set(&why, PL_ERR_NOMEM, r->path, line, col,
                          "out of memory");
    } else if (st == PL_OK) {
        st = m->fn(m->ctx, v, &t, line, col, &why);
        if (st == PL_OK) {
            st = pl_export_add(m->c, &t, line, col, n);
            pl_turn_fini(&t);
            json_decref(v);
            return st;
        }
        pl_turn_fini(&t);
    }
    json_decref(v);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &why);
    return pl_reader_reject(r, s, n, &why);
}

const char *pl_export_found(const json_t *v, char *buf, size_t n)
{
    const char *s = json_string_value(v);
    size_t len = s ? json_string_length(v) : 0, k = len > 40 ? 40 : len;

    if (!v)
        return "nothing";
    if (!s)
        return pl_json_kind(v);
    while (k < len && k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    snprintf(buf, n, "\"%.*s\"%s", (int)k, s, k < len ? "..." : "");
    return buf;
}

enum pl_status pl_export_bad(struct pl_reader *r, struct pl_error *why,
                             long line, long col, const char *what,
                             const json_t *v)
{
    char buf[64];

    return pl_error_set(why, PL_ERR_FORMAT, r->path, line, col,
                        "expected %s, found %s", what,
                        pl_export_found(v, buf, sizeof buf));
}

/* The text of one part, or NULL. */
static const char *part_text(const json_t *p, size_t *len)
{
    const json_t *v = json_is_string(p) ? p : json_object_get(p, "text");

    if (!json_is_string(v))
        return NULL;
    *len = json_string_length(v);
    return json_string_value(v);
}

int pl_export_parts(const json_t *v, struct pl_turn *t, long *other)
{
    size_t total = 0, k = 0, len, i;
    const json_t *p;
    const char *s;
    char *buf;
    int rc;

    *other = 0;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v))
        return pl_turn_set_text(t, json_string_value(v),
                                json_string_length(v)) ? -1 : 0;
    if (!json_is_array(v))
        return 1;
    json_array_foreach(v, i, p)
        if ((s = part_text(p, &len)))
            total += len;
        else
            ++*other;
    if (!(buf = malloc(total + 1)))
        return -1;
    json_array_foreach(v, i, p)
        if ((s = part_text(p, &len))) {
            memcpy(buf + k, s, len);
            k += len;
        }
    rc = pl_turn_set_text(t, buf, k) ? -1 : 0;
    free(buf);
    return rc;
}

int pl_export_rest(json_t *dst, const json_t *src, const char *const *skip)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)src, k, v) {
        int keep = 1;

        for (size_t i = 0; skip[i] && keep; i++)
            keep = strcmp(k, skip[i]) != 0;
        if (keep && json_object_set(dst, k, v))
            return -1;
    }
    return 0;
}

/* ---- chat objects --------------------------------------------------- */

struct doc {
    struct pl_reader *r;
    const struct pl_export_doc_fmt *f;
    void *ctx;
    json_t *head;
    struct pl_jscan msgs;
    int have_msgs, tail_broken;
};

static enum pl_status doc_member(void *ctx, struct pl_jscan *js,
                                 const char *key, size_t klen, int *broken)
{
    struct doc *d = ctx;
    json_t *v;
    char name[128];
    enum pl_status st;

    if (pl_export_key(key, klen, "messages") && pl_jscan_ws(js) == '[') {
        d->msgs = *js;
        d->have_msgs = 1;
        if (pl_jscan_value(js) != 0)
            d->tail_broken = *broken = 1;
        return PL_OK;
    }
    st = pl_export_value(d->r, js, &v, broken);
    pl_utf8_fit(name, sizeof name, key, klen);
    if (v && json_object_set_new(d->head, name, v))
        return pl_error_set(d->r->err, PL_ERR_NOMEM, d->r->path, js->line,
                            0, "out of memory");
    return st;
}

/* The messages, once the other members are known. */
static enum pl_status doc_messages(struct doc *d, int *broken)
{
    struct pl_export c;
    struct pl_export_msgs cm = { &c, d->f->message, d->ctx };
    int b2 = 0;
    enum pl_status st = pl_export_init(&c, d->r, NULL);

    if (st == PL_OK && d->f->head(d->ctx, d->head, &c))
        st = pl_error_set(d->r->err, PL_ERR_NOMEM, d->r->path, 0, 0,
                          "out of memory");
    if (st == PL_OK)
        st = pl_jscan_array(d->r, &d->msgs, pl_export_element, &cm, &b2);
    if (st == PL_OK)
        st = pl_export_flush(&c);
    pl_export_fini(&c);
    if (st == PL_OK && d->tail_broken && !b2) {
        b2 = 1;
        st = pl_jscan_reject(d->r, &d->msgs, "the end of the chat");
    }
    *broken |= b2;
    return st;
}

enum pl_status pl_export_doc(struct pl_reader *r, struct pl_jscan *js,
                             const struct pl_export_doc_fmt *f, void *ctx,
                             int *broken)
{
    struct doc d = { r, f, ctx, NULL, { 0 }, 0, 0 };
    struct pl_jscan at;
    enum pl_status st;

    pl_jscan_ws(js);
    at = *js;
    if (!(d.head = json_object()))
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                            "out of memory");
    st = pl_export_object(r, js, doc_member, &d, broken);
    if (st == PL_OK && d.have_msgs) {
        st = doc_messages(&d, broken);
    } else if (st == PL_OK && !*broken) {
        json_t *v = json_object_get(d.head, "messages");

        st = pl_export_reject(r, at.s + at.pos, js->pos - at.pos,
                              PL_ERR_FORMAT, at.line, pl_jscan_col(&at),
                              "expected a \"messages\" array in the chat, "
                              "found %s", v ? pl_json_kind(v) : "none");
    }
    json_decref(d.head);
    return st;
}
