/*
 * fastText supervised-learning lines: "__label__a __label__b some text".
 * Like fastText itself, any white-space separated token that starts with
 * the label prefix (o->label_prefix, default "__label__") is a label,
 * wherever it stands in the line; the label is the token without the
 * prefix. Each non-blank line is a one-turn user dialogue
 * "<file stem>:<n>" (n counts non-blank lines from 0) with the labels as
 * intents in their order; a line without labels has no intents.
 *
 * The text is the line without its label tokens: each label token is
 * taken out with the one white-space byte after it (at the end of the
 * line, the one before it), so "__label__a hi" and "hi __label__a" both
 * give "hi"; every other byte stays as written. White space is space,
 * tab, VT, FF and CR; the line end (LF or CRLF) is not part of the text.
 * Lines are read one at a time.
 *
 * Rejected: a prefix with no name after it, a NUL byte, invalid UTF-8
 * under PL_UTF8_REJECT (repaired otherwise), a line over the size limit.
 */
#define _POSIX_C_SOURCE 200809L
#include "formats_impl.h"

#include <stdlib.h>
#include <string.h>

#define FT_PREFIX "__label__"

struct ft {
    struct pl_reader *r;
    struct pl_file_names fn;
    const char *prefix;
    size_t plen;
    char *text;             /* the text being cut out of the line */
    size_t cap;
    long line, index;
};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static enum pl_status ft_nomem(struct ft *f)
{
    return pl_error_set(f->r->err, PL_ERR_NOMEM, f->r->path, f->line, 0,
                        "out of memory");
}

/* Add the label token s[a..b) to t; why says what is wrong with it. */
static enum pl_status take_label(struct ft *f, struct pl_turn *t,
                                 const char *s, size_t a, size_t b,
                                 size_t n, struct pl_error *why)
{
    char *name;
    enum pl_status st;

    if (b - a == f->plen)
        return pl_error_set(why, PL_ERR_FORMAT, f->r->path, f->line,
                            (long)b + 1, "expected a label name after "
                            "\"%s\", found %s", f->prefix,
                            b < n ? "white space" : "the end of the line");
    if (!(name = pl_strndup(s + a + f->plen, b - a - f->plen)))
        return PL_ERR_NOMEM;
    st = pl_turn_add_intent(t, name);
    free(name);
    return st;
}

/* Split s[0..n) into labels and text (see the top of the file). */
static enum pl_status split_line(struct ft *f, struct pl_turn *t,
                                 const char *s, size_t n,
                                 struct pl_error *why)
{
    size_t i = 0, k = 0, j;
    enum pl_status st;

    if (n + 1 > f->cap) {
        char *nt = realloc(f->text, n + 1);

        if (!nt)
            return PL_ERR_NOMEM;
        f->text = nt;
        f->cap = n + 1;
    }
    while (i < n) {
        if (is_space(s[i])) {
            f->text[k++] = s[i++];
            continue;
        }
        for (j = i; j < n && !is_space(s[j]); j++)
            ;
        if (j - i < f->plen || memcmp(s + i, f->prefix, f->plen)) {
            memcpy(f->text + k, s + i, j - i);
            k += j - i;
        } else if ((st = take_label(f, t, s, i, j, n, why)) != PL_OK) {
            return st;
        } else if (j < n) {
            j++;
        } else if (k && is_space(f->text[k - 1])) {
            k--;
        }
        i = j;
    }
    return pl_turn_set_text(t, f->text, k);
}

static enum pl_status fill(struct ft *f, struct pl_dialogue *d,
                           const char *s, size_t n, struct pl_error *why)
{
    struct pl_turn *t;
    char id[300];

    snprintf(id, sizeof id, "%s:%ld", f->fn.stem, f->index);
    if (pl_dialogue_init(d, id) != PL_OK)
        return PL_ERR_NOMEM;
    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(f->fn.corpus);
    d->split = pl_strdup(f->fn.split);
    if (!d->corpus || !d->split || !(t = pl_dialogue_add_turn(d)) ||
        pl_origin_set(&d->origin, f->r->path, f->line, 1, f->index) != PL_OK ||
        pl_origin_set(&t->origin, f->r->path, f->line, 1, 0) != PL_OK)
        return PL_ERR_NOMEM;
    t->role = PL_ROLE_USER;
    return split_line(f, t, s, n, why);
}

/* ---- lines ---------------------------------------------------------- */

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
        if (!is_space(s[i]))
            return 0;
    return 1;
}

/* A line over the limit: rejected, the rest of it skipped. */
static enum pl_status too_long(struct ft *f, struct pl_lines *lr,
                               const char *s, size_t n, int partial)
{
    struct pl_error why;
    size_t total = n + (partial ? pl_lines_skip(lr) : 0);

    pl_error_set(&why, PL_ERR_LIMIT, f->r->path, f->line, 1,
                 "expected a line of at most %zu bytes (max_record_bytes), "
                 "found %zu bytes", f->r->max_record, total);
    return pl_reader_reject(f->r, s, n, &why);
}

/* Check the line's bytes, build its dialogue, emit or reject it. */
static enum pl_status one_line(struct ft *f, const char *s, size_t n)
{
    struct pl_dialogue d;
    struct pl_error why;
    char *fixed = NULL;
    size_t fixed_n, zero = strnlen(s, n);
    enum pl_status st;

    memset(&d, 0, sizeof d);
    if (zero < n)
        st = pl_error_set(&why, PL_ERR_FORMAT, f->r->path, f->line,
                          (long)zero + 1, "expected text, found a NUL byte");
    else
        st = pl_reader_utf8(f->r, s, n, f->line, 1, &fixed, &fixed_n, &why);
    if (st == PL_OK)
        st = fill(f, &d, fixed ? fixed : s, fixed ? fixed_n : n, &why);
    free(fixed);
    if (st == PL_OK)
        return pl_reader_emit(f->r, &d);
    pl_dialogue_fini(&d);
    if (st == PL_ERR_NOMEM)
        return ft_nomem(f);
    return pl_reader_reject(f->r, s, n, &why);
}

enum pl_status pl_fasttext_read(struct pl_reader *r, struct pl_lines *lr)
{
    struct ft f;
    enum pl_status st = PL_OK;
    const char *s;
    size_t n;
    int got, partial;

    memset(&f, 0, sizeof f);
    f.r = r;
    f.prefix = r->o->label_prefix && r->o->label_prefix[0]
                   ? r->o->label_prefix : FT_PREFIX;
    f.plen = strlen(f.prefix);
    pl_file_names_get(r->path, &f.fn);
    while (st == PL_OK && (got = pl_lines_next(lr, &s, &n, &partial)) > 0) {
        f.line = lr->lineno;
        if (!partial && is_blank(s, trim_eol(s, n)))
            continue;
        if (partial || trim_eol(s, n) > r->max_record)
            st = too_long(&f, lr, s, n, partial);
        else
            st = one_line(&f, s, trim_eol(s, n));
        f.index++;
    }
    free(f.text);
    if (st == PL_OK && got < 0)
        return pl_lines_error(r, lr);
    return st;
}

/* ---- sniffing ------------------------------------------------------- */

int pl_fasttext_sniff(const char *s, size_t n)
{
    size_t i = 0, plen = strlen(FT_PREFIX);

    while (i < n && s[i] != '\n') {
        while (i < n && is_space(s[i]))
            i++;
        if (n - i >= plen && !memcmp(s + i, FT_PREFIX, plen) &&
            n - i > plen && !is_space(s[i + plen]) && s[i + plen] != '\n')
            return 1;
        while (i < n && !is_space(s[i]) && s[i] != '\n')
            i++;
    }
    return 0;
}
