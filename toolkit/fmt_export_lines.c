/*
 * The driver for line-based logs (transcripts, WhatsApp, IRC): lines
 * are classified by the format, gathered into messages (a header line
 * and the continuation lines after it) and each message is checked and
 * built on its own, so a bad message is one reject and reading goes on.
 *
 * A message is the unit of rejection: its raw lines go to the rejects
 * when they hold a NUL byte, invalid UTF-8 under PL_UTF8_REJECT, a value
 * the format refuses (a date such as 31/02), or more than
 * max_record_bytes (the continuation lines after that point go with
 * it). A line that can neither start nor continue a message is
 * rejected alone. Memory holds one message and one dialogue.
 */
#include "export_impl.h"

#include <stdlib.h>
#include <string.h>

struct drv {
    struct pl_export *c;
    struct pl_lines *lr;
    const struct pl_line_fmt *f;
    void *ctx;
    char *msg;              /* raw lines of the pending message */
    size_t len, cap;
    long line;              /* its first line */
    int pending;
    int skipping;           /* rejected as too long; drop its lines */
};

static enum pl_status drv_nomem(struct drv *d)
{
    return pl_error_set(d->c->r->err, PL_ERR_NOMEM, d->c->r->path,
                        d->lr->lineno, 0, "out of memory");
}

static int msg_append(struct drv *d, const char *s, size_t n)
{
    if (d->len + n + 1 > d->cap) {
        size_t cap = d->cap ? d->cap : 256;
        char *m;

        while (cap < d->len + n + 1)
            cap *= 2;
        if (!(m = realloc(d->msg, cap)))
            return -1;
        d->msg = m;
        d->cap = cap;
    }
    memcpy(d->msg + d->len, s, n);
    d->len += n;
    d->msg[d->len] = '\0';
    return 0;
}

/* Bytes in the UTF-8 sequence led by c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
    return c >= 0xF0 && c <= 0xF7 ? 4 : c >= 0xE0 && c < 0xF0 ? 3
         : c >= 0xC0 && c < 0xE0 ? 2 : 1;
}

/* "\"first bytes\"" of a line for messages, control bytes escaped and
 * no character cut in two. */
static const char *quote(const char *s, size_t n, char *buf, size_t bn)
{
    size_t k = 0, i = 0, step;

    buf[k++] = '"';
    for (; i < n && i < 40 && k + 8 < bn; i += step) {
        unsigned char c = (unsigned char)s[i];

        step = seq_len(c);
        if (i + step > n || k + step + 8 >= bn)
            break;
        if (c < 0x20 || c == 0x7F || c == '"' || c == '\\')
            k += (size_t)snprintf(buf + k, bn - k, "\\x%02X", c);
        else
            memcpy(buf + k, s + i, step), k += step;
    }
    snprintf(buf + k, bn - k, "\"%s", i < n ? "..." : "");
    return buf;
}

/* ---- finishing a message ------------------------------------------- */

static enum pl_status build_turn(struct drv *d, const char *s, size_t n)
{
    struct pl_error why;
    struct pl_turn t;
    enum pl_status st;

    if (pl_turn_init(&t) != PL_OK)
        return drv_nomem(d);
    st = d->f->build(d->ctx, s, n, d->line, &t, &why);
    if (st == PL_OK)
        st = pl_export_add(d->c, &t, d->line, 1, d->len);
    else if (st == PL_ERR_NOMEM)
        st = pl_reader_fatal(d->c->r, &why);
    else
        st = pl_reader_reject(d->c->r, d->msg, d->len, &why);
    pl_turn_fini(&t);
    return st;
}

/* Check and build the pending message. */
static enum pl_status finish(struct drv *d)
{
    struct pl_reader *r = d->c->r;
    struct pl_error why;
    char *fixed = NULL;
    size_t fixed_n = 0, zero;
    enum pl_status st;

    if (!d->pending)
        return PL_OK;
    d->pending = 0;
    if ((zero = strlen(d->msg)) < d->len) {
        long line = d->line, col = 1;

        pl_pos_advance(d->msg, zero, &line, &col);
        return pl_export_reject(r, d->msg, d->len, PL_ERR_FORMAT, line, col,
                                "expected text, found a NUL byte");
    }
    st = pl_reader_utf8(r, d->msg, d->len, d->line, 1, &fixed, &fixed_n,
                        &why);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &why);
    if (st != PL_OK)
        return pl_reader_reject(r, d->msg, d->len, &why);
    st = build_turn(d, fixed ? fixed : d->msg, fixed ? fixed_n : d->len);
    free(fixed);
    return st;
}

/* ---- lines ----------------------------------------------------------- */

/* The message (or lone line) s[0..n) grew past the limit: reject it and
 * drop what is left of it. */
static enum pl_status too_long(struct drv *d, const char *s, size_t n,
                               int partial, int header)
{
    size_t total;
    long line = header || !d->pending ? d->lr->lineno : d->line;
    enum pl_status st;

    if (!header && d->skipping) {
        if (partial)
            pl_lines_skip(d->lr);
        return PL_OK;
    }
    total = n + (partial ? pl_lines_skip(d->lr) : 0);

    if (header || !d->pending) {
        d->len = 0;
        d->line = line;
    }
    total += d->len;
    if (msg_append(d, s, n) != 0)
        return drv_nomem(d);
    d->pending = 0;
    d->skipping = header || d->len > n;
    st = pl_export_reject(d->c->r, d->msg, d->len, PL_ERR_LIMIT, line, 1,
                          "expected a message of at most %zu bytes "
                          "(max_record_bytes), found %zu bytes",
                          d->c->r->max_record, total);
    d->len = 0;
    return st;
}

static enum pl_status start(struct drv *d, const char *s, size_t n)
{
    enum pl_status st = finish(d);

    d->len = 0;
    d->line = d->lr->lineno;
    d->skipping = 0;
    if (st == PL_OK && msg_append(d, s, n) != 0)
        return drv_nomem(d);
    d->pending = st == PL_OK;
    return st;
}

static enum pl_status bad_line(struct drv *d, const char *s, size_t n,
                               size_t k)
{
    char q[200];

    return pl_export_reject(d->c->r, s, n, PL_ERR_PARSE, d->lr->lineno, 1,
                            "expected %s, found %s", d->f->expect,
                            quote(s, k, q, sizeof q));
}

static int is_blank(const char *s, size_t n)
{
    return pl_export_skip(s, n, 0, 0) == n;
}

/* One line s[0..n) with its end, k bytes without it. */
static enum pl_status one_line(struct drv *d, const char *s, size_t n,
                               size_t k)
{
    enum pl_line_kind kind = is_blank(s, k) ? PL_LINE_BLANK
                                            : d->f->classify(d->ctx, s, k);
    enum pl_status st;

    if (kind == PL_LINE_HEADER)
        return start(d, s, n);
    if (kind == PL_LINE_CONT || (kind == PL_LINE_BLANK &&
                                 d->f->blank_is_text &&
                                 (d->pending || d->skipping))) {
        if (d->skipping)
            return PL_OK;
        if (!d->pending)
            return bad_line(d, s, n, k);
        if (d->len + n > d->c->r->max_record + 2)
            return too_long(d, s, n, 0, 0);
        return msg_append(d, s, n) ? drv_nomem(d) : PL_OK;
    }
    d->skipping = 0;
    if ((st = finish(d)) != PL_OK)
        return st;
    if (kind == PL_LINE_DIRECTIVE)
        d->f->directive(d->ctx, s, k);
    else if (kind == PL_LINE_BAD)
        return bad_line(d, s, n, k);
    else if (d->f->blank_ends)
        return pl_export_flush(d->c);
    return PL_OK;
}

static size_t trim_eol(const char *s, size_t n)
{
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    return n;
}

enum pl_status pl_export_lines(struct pl_export *c, struct pl_lines *lr,
                               const struct pl_line_fmt *f, void *ctx)
{
    struct drv d = { c, lr, f, ctx, NULL, 0, 0, 0, 0, 0 };
    enum pl_status st = PL_OK;
    const char *s;
    size_t n;
    int got, partial;

    while (st == PL_OK && (got = pl_lines_next(lr, &s, &n, &partial)) > 0) {
        size_t k = trim_eol(s, n);

        if (partial || k > c->r->max_record) {
            int header = f->classify(ctx, s, k) == PL_LINE_HEADER;

            if (header && (st = finish(&d)) != PL_OK)
                break;
            st = too_long(&d, s, n, partial, header);
        } else {
            st = one_line(&d, s, n, k);
        }
    }
    if (st == PL_OK && got < 0)
        st = pl_lines_error(c->r, lr);
    if (st == PL_OK)
        st = finish(&d);
    if (st == PL_OK)
        st = pl_export_flush(c);
    free(d.msg);
    return st;
}
