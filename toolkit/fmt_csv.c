/*
 * CSV and TSV intent data with a header row (Banking77 "text,category").
 * Both follow RFC 4180 quoting: a field that starts with '"' runs to the
 * matching quote, "" inside it is one quote, and delimiters and line
 * breaks inside it are data. Records end with LF or CRLF (the CR of a
 * record end is dropped; line breaks inside quotes are kept as they are).
 * Records are read one at a time, so memory stays bounded.
 *
 * What the columns mean (text, label, speaker, dialogue id, timestamp,
 * metadata) is fmt_table.c's business: this file hands it each row's
 * fields (rows count from 0 after the header).
 *
 * A quote never closed is reported where it opened, and reading resumes
 * on the line after that one; a wrong field count rejects the row.
 */
#include "table_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { F_START, F_UNQUOTED, F_QUOTED, F_CLOSED };
enum { REC_BLANK, REC_REJECTED, REC_OK };

struct csv {
    struct pl_reader *r;
    struct pl_lines *lr;
    char delim;
    char *rec;              /* raw bytes of the current record */
    size_t len, cap;
    long line;              /* its first physical line */
    long q_line, q_col;     /* where the quote still open began */
    size_t q_next;          /* offset in rec of the line after that */
    char *fbuf;             /* fields of the record, unescaped */
    size_t *foff, nf, fcap;
    char **names;           /* the header */
    size_t n_names;
    struct pl_table *tab;   /* what the columns mean */
    const char **fp;        /* the current row's fields */
    long row;
    struct pl_file_names fn;
    struct pl_turn_table *turns; /* the writer's layout, when it is that */
};

static enum pl_status csv_nomem(struct csv *c)
{
    return pl_error_set(c->r->err, PL_ERR_NOMEM, c->r->path, c->line, 0,
                        "out of memory");
}

static int rec_append(struct csv *c, const char *s, size_t n)
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
static enum pl_status unterminated(struct csv *c, const char *found,
                                   int *got)
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
        st = csv_nomem(c);
    *got = 2;
    return st;
}

/* A line that would make the record longer than the limit. */
static enum pl_status too_long(struct csv *c, const char *s, size_t n,
                               int state, int *got)
{
    char found[96];
    struct pl_error why;
    size_t total;

    if (state == F_QUOTED) {
        if (rec_append(c, s, n) != 0)
            return csv_nomem(c);
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
static size_t scan_line(struct csv *c, size_t from, int *state)
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

static enum pl_status bad_after_quote(struct csv *c, size_t at,
                                      size_t line_start, int *got)
{
    struct pl_error why;
    unsigned char ch = (unsigned char)c->rec[at];
    char found[32];

    if (ch >= 0x20 && ch < 0x7F)
        snprintf(found, sizeof found, "'%c'", ch);
    else
        snprintf(found, sizeof found, "byte 0x%02X", ch);
    pl_error_set(&why, PL_ERR_PARSE, c->r->path, c->lr->lineno,
                 (long)(at - line_start) + 1,
                 "expected '%s' or the end of the line after a closing "
                 "quote, found %s", c->delim == '\t' ? "\\t" : ",", found);
    *got = 2;
    return pl_reader_reject(c->r, c->rec, c->len, &why);
}

/*
 * Read the raw bytes of the next record into c->rec. *got: 1 a record,
 * 0 the end, 2 a malformed record was rejected. Returns a fatal status.
 */
static enum pl_status next_record(struct csv *c, int *got)
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
            return csv_nomem(c);
        if ((bad = scan_line(c, from, &state)) != (size_t)-1)
            return bad_after_quote(c, bad, from, got);
        if (state != F_QUOTED) {
            *got = 1;
            return PL_OK;
        }
    }
}

/* ---- fields -------------------------------------------------------- */

/* Room for the fields of an n-byte record: at most n + 1 fields, each
 * with its NUL. */
static int fields_reserve(struct csv *c, size_t n)
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
static int split_fields(struct csv *c, const char *s, size_t n)
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

static const char *field(const struct csv *c, size_t i)
{
    return c->fbuf + c->foff[i];
}

/*
 * Check the record's bytes (NUL, UTF-8) and split it. *kind says whether
 * it was blank, rejected or split. Returns a fatal status.
 */
static enum pl_status take_fields(struct csv *c, int *kind)
{
    struct pl_error why;
    char *fixed = NULL;
    const char *s = c->rec;
    size_t n = c->len, fixed_n, zero;
    enum pl_status st;

    *kind = REC_BLANK;
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    if (n == 0)
        return PL_OK;
    *kind = REC_REJECTED;
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
        st = csv_nomem(c);
    free(fixed);
    if (st == PL_OK)
        *kind = REC_OK;
    return st;
}

/* ---- header and rows ------------------------------------------------ */

/* Read the header; *have is 0 when the file has none usable. */
/* Did the caller name any column? Then the table is read by those names,
 * even when its header looks like the writer's turn table. */
static int column_options(const struct pl_read_opts *o)
{
    return o->text_column || o->label_column || o->speaker_column ||
           o->dialogue_column || o->timestamp_column;
}

static enum pl_status read_header(struct csv *c, int *have)
{
    enum pl_status st;
    int got, kind = REC_BLANK;

    *have = 0;
    while (kind == REC_BLANK) {
        if ((st = next_record(c, &got)) != PL_OK || got != 1)
            return st;
        if ((st = take_fields(c, &kind)) != PL_OK)
            return st;
    }
    if (kind != REC_OK)
        return PL_OK;
    if (!(c->names = calloc(c->nf, sizeof *c->names)))
        return csv_nomem(c);
    for (c->n_names = 0; c->n_names < c->nf; c->n_names++)
        if (!(c->names[c->n_names] = pl_strdup(field(c, c->n_names))))
            return csv_nomem(c);
    if (!(c->fp = calloc(c->n_names ? c->n_names : 1, sizeof *c->fp)))
        return csv_nomem(c);
    *have = 1;
    if (!column_options(c->r->o)) {
        c->turns = pl_turn_table_new(c->r, c->names, c->n_names, &st);
        if (st != PL_OK)
            return csv_nomem(c);
        if (c->turns)
            return PL_OK;
    }
    return pl_table_new(c->r, c->names, c->n_names, c->line, &c->tab);
}

static enum pl_status emit_row(struct csv *c)
{
    struct pl_error why;

    if (c->nf != c->n_names) {
        pl_error_set(&why, PL_ERR_FORMAT, c->r->path, c->line, 1,
                     "expected %zu fields as in the header, found %zu",
                     c->n_names, c->nf);
        return pl_reader_reject(c->r, c->rec, c->len, &why);
    }
    if (c->turns)
        return pl_turn_table_row(c->turns, c->fbuf, c->foff, c->rec, c->len,
                                 c->line);
    for (size_t i = 0; i < c->nf; i++)
        c->fp[i] = field(c, i);
    return pl_table_row(c->tab, c->fp, c->line, c->row, c->rec, c->len);
}

static void csv_fini(struct csv *c)
{
    for (size_t i = 0; i < c->n_names; i++)
        free(c->names[i]);
    free(c->names);
    free(c->fp);
    pl_table_free(c->tab);
    free(c->rec);
    free(c->fbuf);
    free(c->foff);
    pl_turn_table_free(c->turns);
}

enum pl_status pl_csv_read(struct pl_reader *r, struct pl_lines *lr,
                           char delim)
{
    struct csv c;
    enum pl_status st;
    int have, got, kind;

    memset(&c, 0, sizeof c);
    c.r = r;
    c.lr = lr;
    c.delim = delim;
    pl_file_names_get(r->path, &c.fn);
    st = read_header(&c, &have);
    while (st == PL_OK && have) {
        if ((st = next_record(&c, &got)) != PL_OK || got == 0)
            break;
        if (got == 1) {
            if ((st = take_fields(&c, &kind)) != PL_OK || kind == REC_BLANK)
                continue;
            if (kind == REC_OK)
                st = emit_row(&c);
        }
        c.row++;
    }
    if (st == PL_OK && c.turns)
        st = pl_turn_table_end(c.turns);
    if (st == PL_OK && c.tab)
        st = pl_table_end(c.tab);
    csv_fini(&c);
    return st;
}
