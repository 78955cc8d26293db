/*
 * Input plumbing shared by the format readers: a bounded line reader
 * (files or memory), the JSON Lines driver, and a structural JSON
 * scanner that delimits and locates the records of a whole document so
 * each can be parsed and rejected on its own.
 */
#define _POSIX_C_SOURCE 200809L
#include "formats_impl.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the line reader ------------------------------------------------- */

#define LINES_BLOCK (64 * 1024)

void pl_lines_init(struct pl_lines *lr, FILE *fp, const char *mem,
                   size_t n, size_t max)
{
    memset(lr, 0, sizeof *lr);
    lr->fp = fp;
    lr->mem = mem;
    lr->mem_len = mem ? n : 0;
    lr->max = max ? max : PL_RECORD_MAX_DEFAULT;
    if (lr->max > SIZE_MAX / 4)
        lr->max = SIZE_MAX / 4;
}

void pl_lines_fini(struct pl_lines *lr)
{
    if (!lr)
        return;
    free(lr->blk);
    free(lr->line);
    lr->blk = lr->line = NULL;
}

/* Make unread bytes available; 1 when there are some, 0 at the end. */
static int lines_fill(struct pl_lines *lr)
{
    while (lr->blk_pos >= lr->blk_len) {
        size_t got;

        if (lr->eof)
            return 0;
        if (!lr->blk && !(lr->blk = malloc(LINES_BLOCK))) {
            lr->failed = 2;
            return -1;
        }
        if (!lr->blk_cap)
            lr->blk_cap = LINES_BLOCK;
        if (lr->fp) {
            got = fread(lr->blk, 1, lr->blk_cap, lr->fp);
            if (!got && ferror(lr->fp)) {
                lr->failed = 1;
                return -1;
            }
        } else {
            got = lr->mem_len - lr->mem_pos;
            got = got < lr->blk_cap ? got : lr->blk_cap;
            memcpy(lr->blk, lr->mem + lr->mem_pos, got);
            lr->mem_pos += got;
        }
        lr->eof = got == 0;
        lr->blk_len = got;
        lr->blk_pos = 0;
        if (!lr->started && got >= 3 && !memcmp(lr->blk, "\xEF\xBB\xBF", 3))
            lr->blk_pos = 3;
        lr->started = 1;
    }
    return 1;
}

static int line_append(struct pl_lines *lr, size_t len, const char *p,
                       size_t k)
{
    if (len + k + 1 > lr->line_cap) {
        size_t cap = lr->line_cap ? lr->line_cap : 256;
        char *nl;

        while (cap < len + k + 1)
            cap *= 2;
        if (!(nl = realloc(lr->line, cap))) {
            lr->failed = 2;
            return -1;
        }
        lr->line = nl;
        lr->line_cap = cap;
    }
    memcpy(lr->line + len, p, k);
    lr->line[len + k] = '\0';
    return 0;
}

int pl_lines_next(struct pl_lines *lr, const char **s, size_t *n,
                  int *partial)
{
    size_t len = 0, keep = lr->max + 2; /* the record, then "\r\n" */
    int more;

    *partial = 0;
    while ((more = lines_fill(lr)) > 0) {
        const char *p = lr->blk + lr->blk_pos, *nl;
        size_t avail = lr->blk_len - lr->blk_pos, take;

        nl = memchr(p, '\n', avail);
        take = nl ? (size_t)(nl - p) + 1 : avail;
        if (take > keep - len) {
            take = keep - len;
            nl = NULL;
            *partial = 1;
        }
        if (line_append(lr, len, p, take) != 0)
            return -1;
        lr->blk_pos += take;
        len += take;
        if (nl || *partial)
            break;
    }
    if (more < 0)
        return -1;
    if (len == 0)
        return 0;
    if (!lr->mid_line)
        lr->lineno++;
    lr->mid_line = *partial;
    *s = lr->line;
    *n = len;
    return 1;
}

size_t pl_lines_skip(struct pl_lines *lr)
{
    size_t skipped = 0;

    while (lr->mid_line && lines_fill(lr) > 0) {
        const char *p = lr->blk + lr->blk_pos;
        size_t avail = lr->blk_len - lr->blk_pos;
        const char *nl = memchr(p, '\n', avail);
        size_t take = nl ? (size_t)(nl - p) + 1 : avail;

        lr->blk_pos += take;
        skipped += take;
        if (nl)
            break;
    }
    lr->mid_line = 0;
    return skipped;
}

int pl_lines_unread(struct pl_lines *lr, const char *s, size_t n,
                    long lineno)
{
    size_t rest = lr->blk_len - lr->blk_pos, cap = n + rest;
    char *nb;

    if (cap < LINES_BLOCK)
        cap = LINES_BLOCK;
    if (!(nb = malloc(cap))) {
        lr->failed = 2;
        return -1;
    }
    memcpy(nb, s, n);
    if (rest)
        memcpy(nb + n, lr->blk + lr->blk_pos, rest);
    free(lr->blk);
    lr->blk = nb;
    lr->blk_cap = cap;
    lr->blk_len = n + rest;
    lr->blk_pos = 0;
    lr->started = 1;
    lr->lineno = lineno - 1;
    lr->mid_line = 0;
    return 0;
}

enum pl_status pl_lines_error(struct pl_reader *r,
                              const struct pl_lines *lr)
{
    if (lr->failed == 2)
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, lr->lineno, 0,
                            "out of memory");
    return pl_error_set(r->err, PL_ERR_IO, r->path, lr->lineno, 0,
                        "read failed: %s", strerror(errno));
}

/* ---- JSON Lines ------------------------------------------------------- */

static size_t trim_eol(const char *s, size_t n)
{
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    return n;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Reject a line longer than the limit (dropping the rest of it). */
static enum pl_status reject_long(struct pl_reader *r, struct pl_lines *lr,
                                  const char *s, size_t n, int partial)
{
    struct pl_error why;
    size_t total = n + (partial ? pl_lines_skip(lr) : 0);

    pl_error_set(&why, PL_ERR_LIMIT, r->path, lr->lineno, 1,
                 "expected a record of at most %zu bytes "
                 "(max_record_bytes), found a line of %zu bytes",
                 r->max_record, total);
    return pl_reader_reject(r, s, n, &why);
}

enum pl_status pl_jsonl_read(struct pl_reader *r, struct pl_lines *lr,
                             size_t json_flags, pl_jsonl_fn fn)
{
    enum pl_status st = PL_OK;
    const char *s;
    size_t n;
    long index = 0;
    int got, partial;

    while (st == PL_OK && (got = pl_lines_next(lr, &s, &n, &partial)) > 0) {
        struct pl_error why;
        json_t *obj;

        if (!partial && is_blank(s, trim_eol(s, n)))
            continue;
        if (partial || trim_eol(s, n) > r->max_record) {
            st = reject_long(r, lr, s, n, partial);
        } else {
            n = trim_eol(s, n);
            st = pl_reader_json(r, s, n, lr->lineno, 1, json_flags, &obj,
                                &why);
            if (st == PL_ERR_NOMEM)
                return pl_reader_fatal(r, &why);
            if (st != PL_OK) {
                st = pl_reader_reject(r, s, n, &why);
            } else {
                st = fn(r, obj, s, n, lr->lineno, index);
                json_decref(obj);
            }
        }
        index++;
    }
    if (st == PL_OK && got < 0)
        return pl_lines_error(r, lr);
    return st;
}

/* ---- the structural JSON scanner --------------------------------------- */

void pl_jscan_init(struct pl_jscan *js, const char *s, size_t n,
                   long line, long col)
{
    js->s = s;
    js->n = n;
    js->pos = 0;
    js->line = line;
    js->bol = (size_t)0 - (size_t)(col - 1);
}

long pl_jscan_col(const struct pl_jscan *js)
{
    return (long)(js->pos - js->bol) + 1;
}

int pl_jscan_ws(struct pl_jscan *js)
{
    while (js->pos < js->n) {
        char c = js->s[js->pos];

        if (c == '\n') {
            js->line++;
            js->bol = js->pos + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return (unsigned char)c;
        }
        js->pos++;
    }
    return -1;
}

int pl_jscan_string(struct pl_jscan *js, size_t *a, size_t *b)
{
    if (js->pos >= js->n || js->s[js->pos] != '"')
        return -1;
    *a = ++js->pos;
    while (js->pos < js->n) {
        char c = js->s[js->pos];

        if (c == '"') {
            *b = js->pos++;
            return 0;
        }
        if (c == '\\') {
            js->pos++;
        } else if (c == '\n') {
            js->line++;
            js->bol = js->pos + 1;
        }
        js->pos++;
    }
    js->pos = js->n;
    return -1;
}

int pl_jscan_expect(struct pl_jscan *js, char c)
{
    if (pl_jscan_ws(js) != (unsigned char)c)
        return -1;
    js->pos++;
    return 0;
}

static int is_delim(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' ||
           c == ':' || c == '[' || c == ']' || c == '{' || c == '}' ||
           c == '"';
}

/* Deepest nesting the scanner follows (jansson's own limit is 2048). */
#define JSCAN_DEPTH 2048

/* Enter or leave a bracket; arrays holds one bit per depth ('[' set).
 * Returns -1 on a mismatch or when nesting too deep. */
static int bracket(unsigned char *arrays, size_t *depth, int c)
{
    size_t d = *depth;

    if (c == '{' || c == '[') {
        if (d == JSCAN_DEPTH)
            return -1;
        if (c == '[')
            arrays[d / 8] |= (unsigned char)(1u << d % 8);
        else
            arrays[d / 8] &= (unsigned char)~(1u << d % 8);
        *depth = d + 1;
        return 0;
    }
    if (d == 0 || ((arrays[(d - 1) / 8] >> (d - 1) % 8) & 1) != (c == ']'))
        return -1;
    *depth = d - 1;
    return 0;
}

int pl_jscan_value(struct pl_jscan *js)
{
    unsigned char arrays[JSCAN_DEPTH / 8];
    size_t depth = 0, a, b;

    do {
        int c = pl_jscan_ws(js);

        if (c < 0)
            return -1;
        if (c == '"') {
            if (pl_jscan_string(js, &a, &b) != 0)
                return -1;
        } else if (c == '{' || c == '[' || c == '}' || c == ']') {
            if (bracket(arrays, &depth, c) != 0)
                return -1;
            js->pos++;
        } else if (c == ',' || c == ':') {
            if (depth == 0)
                return -1;
            js->pos++;
        } else {
            size_t start = js->pos;

            while (js->pos < js->n && !is_delim(js->s[js->pos]))
                js->pos++;
            if (js->pos == start)
                return -1;
        }
    } while (depth > 0);
    return 0;
}

const char *pl_jscan_found(const struct pl_jscan *js, char *buf, size_t n)
{
    unsigned char c;

    if (js->pos >= js->n)
        return "end of file";
    c = (unsigned char)js->s[js->pos];
    if (c >= 0x20 && c < 0x7F)
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02X", c);
    return buf;
}

enum pl_status pl_jscan_reject(struct pl_reader *r,
                               const struct pl_jscan *js, const char *what)
{
    struct pl_error why;
    char found[32];
    size_t at = js->pos < js->n ? js->pos : js->n;

    pl_error_set(&why, PL_ERR_PARSE, r->path, js->line, pl_jscan_col(js),
                 "expected %s, found %s", what,
                 pl_jscan_found(js, found, sizeof found));
    return pl_reader_reject(r, js->s + at, js->n - at, &why);
}

/* An element the scanner could not delimit: let jansson say why. */
static enum pl_status reject_element(struct pl_reader *r, const char *s,
                                     size_t n, long line, long col)
{
    struct pl_error why;
    json_t *v = NULL;
    enum pl_status st = pl_reader_json(r, s, n, line, col, JSON_DECODE_ANY,
                                       &v, &why);

    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &why);
    if (st == PL_OK)
        pl_error_set(&why, PL_ERR_PARSE, r->path, line, col,
                     "expected a complete JSON value, found end of file");
    json_decref(v);
    return pl_reader_reject(r, s, n, &why);
}

enum pl_status pl_jscan_array(struct pl_reader *r, struct pl_jscan *js,
                              pl_elem_fn fn, void *ctx, int *broken)
{
    enum pl_status st;

    *broken = 1;
    if (pl_jscan_expect(js, '['))
        return pl_jscan_reject(r, js, "'['");
    for (long index = 0;; index++) {
        size_t start;
        long line, col;
        int c = pl_jscan_ws(js);

        if (index == 0 && c == ']')
            break;
        start = js->pos;
        line = js->line;
        col = pl_jscan_col(js);
        if (pl_jscan_value(js) != 0)
            return reject_element(r, js->s + start, js->n - start, line,
                                  col);
        st = fn(ctx, js->s + start, js->pos - start, line, col, index);
        if (st != PL_OK)
            return st;
        if ((c = pl_jscan_ws(js)) == ']')
            break;
        if (c != ',')
            return pl_jscan_reject(r, js, "',' or ']' after an element");
        js->pos++;
    }
    js->pos++;
    *broken = 0;
    return PL_OK;
}

static int push_pos(struct pl_pos **v, size_t *n, size_t *cap, long line,
                    long col)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 32;
        struct pl_pos *nv = realloc(*v, nc * sizeof *nv);

        if (!nv)
            return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[*n].line = line;
    (*v)[(*n)++].col = col;
    return 0;
}

/* Positions of the elements of the array at js->pos. */
static int array_elems(struct pl_jscan *js, struct pl_pos **out,
                       size_t *count)
{
    size_t cap = 0;

    if (pl_jscan_expect(js, '['))
        return -1;
    if (pl_jscan_ws(js) == ']')
        return 0;
    for (;;) {
        int c = pl_jscan_ws(js);

        if (c < 0 || push_pos(out, count, &cap, js->line,
                              pl_jscan_col(js)) != 0)
            return -1;
        if (pl_jscan_value(js) != 0)
            return -1;
        c = pl_jscan_ws(js);
        js->pos++;
        if (c == ']')
            return 0;
        if (c != ',')
            return -1;
    }
}

int pl_jscan_member_elems(const char *s, size_t n, long line, long col,
                          const char *key, struct pl_pos **out,
                          size_t *count)
{
    struct pl_jscan js;
    size_t a, b, kn = strlen(key);
    int rc = -1;

    *out = NULL;
    *count = 0;
    pl_jscan_init(&js, s, n, line, col);
    if (pl_jscan_expect(&js, '{'))
        return -1;
    while (pl_jscan_ws(&js) == '"') {
        if (pl_jscan_string(&js, &a, &b) || pl_jscan_expect(&js, ':'))
            break;
        if (b - a == kn && !memcmp(s + a, key, kn)) {
            rc = array_elems(&js, out, count);
            break;
        }
        if (pl_jscan_value(&js) != 0 || pl_jscan_ws(&js) != ',')
            break;
        js.pos++;
    }
    if (rc != 0) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    return rc;
}
