/*
 * RFC 4180 records for the delimited-table readers: where a record ends
 * (quotes may hold line breaks) and its fields, unescaped. See
 * csv_impl.h for the contract.
 */
#include "csv_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_START, F_UNQUOTED, F_QUOTED, F_CLOSED };

void pl_csv_records_init(struct pl_csv_records *rs, struct pl_reader *r,
                         struct pl_lines *lr, char delim)
{
    memset(rs, 0, sizeof *rs);
    rs->r = r;
    rs->lr = lr;
    rs->delim = delim;
}

void pl_csv_records_fini(struct pl_csv_records *rs)
{
    free(rs->rec);
    free(rs->fbuf);
    free(rs->foff);
}

enum pl_status pl_csv_records_nomem(struct pl_csv_records *c)
{
    return pl_error_set(c->r->err, PL_ERR_NOMEM, c->r->path, c->line, 0,
                        "out of memory");
}

static int rec_append(struct pl_csv_records *c, const char *s, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 1024;
        char *nr;

        while (cap < c->len + n + 1)
            cap *= 2;
        if (!(nr = realloc(c->rec, cap)))
            return -1;
        c->rec = nr;
        c->cap = cap;
    }
    memcpy(c->rec + c->len, s, n);
    c->len += n;
    c->rec[c->len] = '\0';
    return 0;
}

/* ---- finding where a record ends ------------------------------------ */

/* Reject the record whose quote never closed and read again from the
 * line after the quote's. */
static enum pl_status unterminated(struct pl_csv_records *c,
                                   const char *found, int *got)
{
    struct pl_error why;
    enum pl_status st;

    pl_error_set(&why, PL_ERR_PARSE, c->r->path, c->q_line, c->q_col,
                 "expected a closing '\"' for the field opened here, "
                 "found %s", found);
    st = pl_reader_reject(c->r, c->rec, c->q_next, &why);
    if (st == PL_OK && c->q_next < c->len &&
        pl_lines_unread(c->lr, c->rec + c->q_next, c->len - c->q_next,
                        c->q_line + 1) != 0)
        st = pl_csv_records_nomem(c);
    *got = 2;
    return st;
}

/* A line that would make the record longer than the limit. */
static enum pl_status too_long(struct pl_csv_records *c, const char *s,
                               size_t n, int state, int *got)
{
    char found[96];
    struct pl_error why;
    size_t total;

    if (state == F_QUOTED) {
        if (rec_append(c, s, n) != 0)
            return pl_csv_records_nomem(c);
        snprintf(found, sizeof found, "none within max_record_bytes (%zu)",
                 c->r->max_record);
        return unterminated(c, found, got);
    }
    total = n + pl_lines_skip(c->lr);
    pl_error_set(&why, PL_ERR_LIMIT, c->r->path, c->lr->lineno, 1,
                 "expected a record of at most %zu bytes "
                 "(max_record_bytes), found a line of %zu bytes",
                 c->r->max_record, total);
    *got = 2;
    return pl_reader_reject(c->r, s, n, &why);
}

/* Run the quote state machine over the line just added at rec[from..).
 * Returns the offset of a byte that may not follow a closing quote, or
 * (size_t)-1 when there is none. */
static size_t scan_line(struct pl_csv_records *c, size_t from, int *state)
{
    const char *s = c->rec;

    for (size_t i = from; i < c->len; i++) {
        char ch = s[i];

        switch (*state) {
        case F_QUOTED:
            if (ch == '"')
                *state = F_CLOSED;
            break;
        case F_CLOSED:
            if (ch == '"')
                *state = F_QUOTED;
            else if (ch == c->delim)
                *state = F_START;
            else if (ch != '\n' &&
                     !(ch == '\r' && i + 1 < c->len && s[i + 1] == '\n'))
                return i;
            break;
        case F_START:
            if (ch == '"') {
                *state = F_QUOTED;
                c->q_line = c->lr->lineno;
                c->q_col = (long)(i - from) + 1;
                c->q_next = c->len;
                break;
            }
            /* fall through */
        default:
            *state = ch == c->delim ? F_START : F_UNQUOTED;
        }
    }
    return (size_t)-1;
}

static enum pl_status bad_after_quote(struct pl_csv_records *c, size_t at,
                                      size_t line_start, int *got)
{
    struct pl_error why;
    unsigned char ch = (unsigned char)c->rec[at];
    char found[32], delim[3] = { c->delim, '\0', '\0' };

    if (c->delim == '\t')
        memcpy(delim, "\\t", 3);
    if (ch >= 0x20 && ch < 0x7F)
        snprintf(found, sizeof found, "'%c'", ch);
    else
        snprintf(found, sizeof found, "byte 0x%02X", ch);
    pl_error_set(&why, PL_ERR_PARSE, c->r->path, c->lr->lineno,
                 (long)(at - line_start) + 1,
                 "expected '%s' or the end of the line after a closing "
                 "quote, found %s", delim, found);
    *got = 2;
    return pl_reader_reject(c->r, c->rec, c->len, &why);
}

enum pl_status pl_csv_records_next(struct pl_csv_records *c, int *got)
{
    int state = F_START, partial, rc;
    const char *s;
    size_t n, from, bad;

    c->len = 0;
    for (;;) {
        rc = pl_lines_next(c->lr, &s, &n, &partial);
        if (rc < 0)
            return pl_lines_error(c->r, c->lr);
        if (rc == 0) {
            *got = 0;
            return c->len ? unterminated(c, "end of file", got) : PL_OK;
        }
        if (!c->len)
            c->line = c->lr->lineno;
        if (partial || c->len + n > c->r->max_record + 2)
            return too_long(c, s, n, state, got);
        from = c->len;
        if (rec_append(c, s, n) != 0)
            return pl_csv_records_nomem(c);
        if ((bad = scan_line(c, from, &state)) != (size_t)-1)
            return bad_after_quote(c, bad, from, got);
        if (state != F_QUOTED) {
            *got = 1;
            return PL_OK;
        }
    }
}

/* ---- fields --------------------------------------------------------- */

/* Room for the fields of an n-byte record: at most n + 1 fields, each
 * with its NUL. */
static int fields_reserve(struct pl_csv_records *c, size_t n)
{
    char *nb;
    size_t *no;

    if (2 * n + 2 <= c->fcap)
        return 0;
    if ((nb = realloc(c->fbuf, 2 * n + 2)))
        c->fbuf = nb;
    if ((no = realloc(c->foff, (n + 1) * sizeof *no)))
        c->foff = no;
    if (!nb || !no)
        return -1;
    c->fcap = 2 * n + 2;
    return 0;
}

/* Split s[0..n) (one record, its line end removed) into c->fbuf. */
static int split_fields(struct pl_csv_records *c, const char *s, size_t n)
{
    size_t w = 0;
    int state = F_START;

    if (fields_reserve(c, n) != 0)
        return -1;
    c->nf = 0;
    c->foff[c->nf++] = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];

        if (state == F_QUOTED) {
            if (ch != '"')
                c->fbuf[w++] = ch;
            else if (i + 1 < n && s[i + 1] == '"')
                c->fbuf[w++] = s[++i];
            else
                state = F_CLOSED;
        } else if (ch == c->delim) {
            c->fbuf[w++] = '\0';
            c->foff[c->nf++] = w;
            state = F_START;
        } else if (state == F_START && ch == '"') {
            state = F_QUOTED;
        } else if (state != F_CLOSED) {
            state = F_UNQUOTED;
            c->fbuf[w++] = ch;
        }
    }
    c->fbuf[w] = '\0';
    return 0;
}

const char *pl_csv_records_field(const struct pl_csv_records *c,
                                 size_t i)
{
    return c->fbuf + c->foff[i];
}

enum pl_status pl_csv_records_split(struct pl_csv_records *c, int *kind)
{
    struct pl_error why;
    char *fixed = NULL;
    const char *s = c->rec;
    size_t n = c->len, fixed_n, zero;
    enum pl_status st;

    *kind = PL_CSV_BLANK;
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    if (n == 0)
        return PL_OK;
    *kind = PL_CSV_REJECTED;
    if ((zero = strlen(s)) < n) {
        long line = c->line, col = 1;

        pl_pos_advance(s, zero, &line, &col);
        pl_error_set(&why, PL_ERR_FORMAT, c->r->path, line, col,
                     "expected text, found a NUL byte");
        return pl_reader_reject(c->r, c->rec, c->len, &why);
    }
    st = pl_reader_utf8(c->r, s, n, c->line, 1, &fixed, &fixed_n, &why);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(c->r, &why);
    if (st != PL_OK)
        return pl_reader_reject(c->r, c->rec, c->len, &why);
    if (split_fields(c, fixed ? fixed : s, fixed ? fixed_n : n) != 0)
        st = pl_csv_records_nomem(c);
    free(fixed);
    if (st == PL_OK)
        *kind = PL_CSV_OK;
    return st;
}

