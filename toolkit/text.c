/*
 * Text handling: UTF-8 validation and repair, normalisation through
 * utf8proc, the tokenizer and hashed character n-grams. The vocabulary
 * lives in vocab.c.
 */
#include "parlance/text.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- UTF-8 scanning ------------------------------------------------- */

/*
 * Length of the sequence at p (n > 0 bytes available). *ok is 1 when it
 * is well formed (Unicode Table 3-7); otherwise the length is that of the
 * maximal subpart: the longest prefix that could still have begun a well
 * formed sequence, or 1 byte. E0/ED/F0/F4 narrow the second byte's range,
 * which is what rejects overlongs, surrogates and code points > U+10FFFF.
 */
static size_t utf8_step(const unsigned char *p, size_t n, int *ok)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    size_t need = 0, i;

    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 2;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 3;
    *ok = c < 0x80 || need > 0;
    if (need == 0)
        return 1;

    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (i = 1; i <= need; i++) {
        if (i >= n || p[i] < lo || p[i] > hi) {
            *ok = 0;
            return i;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* Decode one code point; *cp is -1 for an invalid subpart. */
static size_t utf8_decode(const unsigned char *p, size_t n, int32_t *cp)
{
    int ok;
    size_t k = utf8_step(p, n, &ok), i;
    int32_t c;

    if (!ok) {
        *cp = -1;
        return k;
    }
    if (k == 1) {
        *cp = p[0];
        return 1;
    }
    c = p[0] & (0x7F >> k);
    for (i = 1; i < k; i++)
        c = (c << 6) | (p[i] & 0x3F);
    *cp = c;
    return k;
}

size_t pl_utf8_validate(const char *s, size_t n, size_t *first_bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, bad = 0, k;
    int ok;

    if (first_bad)
        *first_bad = n;
    while (i < n) {
        k = utf8_step(u + i, n - i, &ok);
        if (!ok && bad++ == 0 && first_bad)
            *first_bad = i;
        i += k;
    }
    return bad;
}

/* Write the repaired form of s to dst, or only measure it when dst is
 * NULL. Returns the output length; *n_bad gets the replacement count. */
static size_t repair_into(const unsigned char *s, size_t n, char *dst,
                          size_t *n_bad)
{
    static const char fffd[3] = { '\xEF', '\xBF', '\xBD' };
    size_t i = 0, w = 0, k;
    int ok;

    *n_bad = 0;
    while (i < n) {
        k = utf8_step(s + i, n - i, &ok);
        if (dst)
            memcpy(dst + w, ok ? (const char *)s + i : fffd, ok ? k : 3);
        w += ok ? k : 3;
        *n_bad += !ok;
        i += k;
    }
    return w;
}

enum pl_status pl_utf8_repair(const char *s, size_t n, char **out,
                              size_t *out_len, size_t *n_bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len, bad;

    if (!out || (!s && n))
        return PL_ERR_USAGE;
    *out = NULL;
    len = repair_into(u, n, NULL, &bad);
    *out = malloc(len + 1);
    if (!*out)
        return PL_ERR_NOMEM;
    repair_into(u, n, *out, &bad);
    (*out)[len] = '\0';
    if (out_len)
        *out_len = len;
    if (n_bad)
        *n_bad = bad;
    return PL_OK;
}

/* ---- character classes ---------------------------------------------- */

/* Unicode White_Space: the C0 spacing controls, NEL, Zs, Zl and Zp. */
static int is_white(int32_t cp)
{
    utf8proc_category_t c;

    if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x85)
        return 1;
    c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP;
}

/* Invisible characters that carry no meaning in chat text. The joiners
 * U+200C and U+200D are kept: they are spelling in Persian and Indic
 * scripts, and they hold emoji sequences together. */
static int is_zero_width(int32_t cp)
{
    return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF;
}

/* Controls that end a line; normalisation turns them into '\n' so that
 * old Mac text ("a\rb") does not glue words together. */
static int is_break_control(int32_t cp)
{
    return cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C ||
           cp == 0x85;
}

static int is_word_char(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);

    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO;
}

/* Han, Hiragana and Katakana blocks (planes 2 and 3 are all Han). */
static int is_ideograph(int32_t cp)
{
    static const int32_t r[][2] = {
        { 0x3005, 0x3007 }, { 0x3021, 0x3029 }, { 0x3038, 0x303B },
        { 0x3040, 0x30FF }, { 0x31F0, 0x31FF }, { 0x3400, 0x4DBF },
        { 0x4E00, 0x9FFF }, { 0xF900, 0xFAFF }, { 0xFF66, 0xFF9F },
        { 0x1B000, 0x1B16F }, { 0x20000, 0x3FFFF },
    };
    size_t i;

    for (i = 0; i < sizeof r / sizeof r[0]; i++)
        if (cp >= r[i][0] && cp <= r[i][1])
            return 1;
    return 0;
}

/* ---- normalisation -------------------------------------------------- */

void pl_text_opts_default(struct pl_text_opts *o)
{
    o->form = PL_NORM_NFC;
    o->casefold = 0;
    o->strip_marks = 0;
    o->collapse_space = 1;
}

/*
 * Copy valid UTF-8 s[0..n) to dst (at least n bytes) without controls
 * and zero-width characters. CR LF becomes LF and the other line-break
 * controls become LF; with collapse every white-space character becomes
 * ' '. The result is never longer than the input.
 */
static size_t filter_chars(const unsigned char *s, size_t n, int collapse,
                           unsigned char *dst)
{
    size_t i = 0, w = 0, k;
    int32_t cp;

    while (i < n) {
        k = utf8_decode(s + i, n - i, &cp);
        if (is_zero_width(cp)) {
            /* dropped */
        } else if (collapse && is_white(cp)) {
            dst[w++] = ' ';
        } else if (cp == '\r' && i + 1 < n && s[i + 1] == '\n') {
            /* the LF that follows stands for both */
        } else if (is_break_control(cp)) {
            dst[w++] = '\n';
        } else if (cp == '\t' ||
                   utf8proc_category(cp) != UTF8PROC_CATEGORY_CC) {
            memcpy(dst + w, s + i, k);
            w += k;
        }
        i += k;
    }
    return w;
}

/* Squeeze runs of ' ' to one and trim both ends, in place. */
static size_t collapse_spaces(char *s, size_t n)
{
    size_t i, w = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == ' ' && (w == 0 || s[w - 1] == ' '))
            continue;
        s[w++] = s[i];
    }
    if (w > 0 && s[w - 1] == ' ')
        w--;
    return w;
}

/* utf8proc flags for o; 0 means utf8proc has nothing to do. Mark
 * stripping needs a decomposition pass, so it implies composition. */
static int map_options(const struct pl_text_opts *o)
{
    int f = 0;

    if (o->form == PL_NORM_NFC)
        f |= UTF8PROC_COMPOSE;
    else if (o->form == PL_NORM_NFKC)
        f |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    if (o->casefold)
        f |= UTF8PROC_CASEFOLD;
    if (o->strip_marks)
        f |= UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK;
    if (f)
        f |= UTF8PROC_STABLE;
    return f;
}

/* The one place utf8proc's negative return codes become statuses. */
static enum pl_status utf8proc_fail(utf8proc_ssize_t rc,
                                    struct pl_error *err)
{
    enum pl_status st = PL_ERR_INTERNAL;

    if (rc == UTF8PROC_ERROR_NOMEM)
        st = PL_ERR_NOMEM;
    else if (rc == UTF8PROC_ERROR_OVERFLOW)
        st = PL_ERR_LIMIT;
    else if (rc == UTF8PROC_ERROR_INVALIDUTF8)
        st = PL_ERR_UTF8;
    else if (rc == UTF8PROC_ERROR_NOTASSIGNED)
        st = PL_ERR_DATA;
    return pl_error_set(err, st, NULL, 0, 0,
                        "Unicode normalisation failed: %s (utf8proc %ld)",
                        utf8proc_errmsg(rc), (long)rc);
}

static enum pl_status utf8_fail(const char *s, size_t n,
                                struct pl_error *err)
{
    size_t first, bad = pl_utf8_validate(s, n, &first);

    pl_error_set(err, PL_ERR_UTF8, NULL, 0, 0,
                 "invalid UTF-8 at byte %zu (%zu bad sequence%s)", first,
                 bad, bad == 1 ? "" : "s");
    if (err)
        err->offset = (long long)first;
    return PL_ERR_UTF8;
}

/* Run utf8proc over buf[0..*len) with flags, replacing *buf. */
static enum pl_status apply_utf8proc(char **buf, size_t *len, int flags,
                                     struct pl_error *err)
{
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t rc;

    /* utf8proc holds 4-byte code points and decomposition grows text;
     * keep its signed sizes far from overflow. */
    if (*len > (size_t)(PTRDIFF_MAX / 16))
        return pl_error_set(err, PL_ERR_LIMIT, NULL, 0, 0,
                            "text of %zu bytes is too long to normalise",
                            *len);
    rc = utf8proc_map((const utf8proc_uint8_t *)*buf, (utf8proc_ssize_t)*len,
                      &mapped, (utf8proc_option_t)flags);
    if (rc < 0)
        return utf8proc_fail(rc, err);
    free(*buf);
    *buf = (char *)mapped;
    *len = (size_t)rc;
    return PL_OK;
}

/* Normalise valid UTF-8 s[0..n) into a new string *out. */
static enum pl_status normalize_valid(const char *s, size_t n,
                                      const struct pl_text_opts *o,
                                      char **out, struct pl_error *err)
{
    enum pl_status st = PL_OK;
    int flags = map_options(o);
    char *buf = malloc(n + 1);
    size_t len;

    if (!buf)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    len = filter_chars((const unsigned char *)s, n, o->collapse_space,
                       (unsigned char *)buf);
    if (flags) {
        st = apply_utf8proc(&buf, &len, flags, err);
        if (st != PL_OK)
            goto done;
    }
    if (o->collapse_space)
        len = collapse_spaces(buf, len);
    buf[len] = '\0';
    *out = buf;
    buf = NULL;
done:
    free(buf);
    return st;
}

enum pl_status pl_text_normalize(const char *s,
                                 const struct pl_text_opts *o, char **out,
                                 struct pl_error *err)
{
    struct pl_text_opts def;
    size_t n;

    if (!s || !out)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "pl_text_normalize: NULL text or result");
    *out = NULL;
    if (!o) {
        pl_text_opts_default(&def);
        o = &def;
    }
    if ((int)o->form < PL_NORM_NFC || (int)o->form > PL_NORM_NONE)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "unknown normalisation form %d", (int)o->form);
    n = strlen(s);
    if (pl_utf8_validate(s, n, NULL))
        return utf8_fail(s, n, err);
    return normalize_valid(s, n, o, out, err);
}

/* ---- tokenizer ------------------------------------------------------ */

enum tok_kind { K_SKIP, K_WORD, K_SINGLE };

/* What a grapheme cluster starting with cp contributes. */
static enum tok_kind kind_of(int32_t cp)
{
    utf8proc_category_t c;

    if (is_ideograph(cp))
        return K_SINGLE;
    if (is_word_char(cp))
        return K_WORD;
    c = utf8proc_category(cp);
    if (is_white(cp) || c == UTF8PROC_CATEGORY_CC ||
        c == UTF8PROC_CATEGORY_CF)
        return K_SKIP;
    return K_SINGLE;
}

/*
 * End of the extended grapheme cluster (UAX #29) that starts at byte i;
 * *first gets its first code point. Clusters keep a letter with its
 * marks, and an emoji with its modifiers, variation selectors and ZWJ
 * continuations, and pair regional indicators into flags.
 */
static size_t cluster_end(const unsigned char *s, size_t n, size_t i,
                          int32_t *first)
{
    utf8proc_int32_t state = 0;
    int32_t prev, cp;
    size_t j = i + utf8_decode(s + i, n - i, &prev), k;

    *first = prev;
    while (j < n) {
        k = utf8_decode(s + j, n - j, &cp);
        if (utf8proc_grapheme_break_stateful(prev, cp, &state))
            break;
        prev = cp;
        j += k;
    }
    return j;
}

/* Whether mid, between word clusters starting with a and b, stays
 * inside the word: apostrophes between letters, . and , between
 * digits, and invisible format characters other than ZERO WIDTH SPACE. */
static int joins_word(int32_t a, int32_t mid, int32_t b)
{
    utf8proc_category_t ca = utf8proc_category(a);
    utf8proc_category_t cb = utf8proc_category(b);

    if (mid == '\'' || mid == 0x2019)
        return 1;
    if (mid == '.' || mid == ',')
        return ca == UTF8PROC_CATEGORY_ND && cb == UTF8PROC_CATEGORY_ND;
    return mid != 0x200B &&
           utf8proc_category(mid) == UTF8PROC_CATEGORY_CF;
}

/* End of the word that starts with the cluster at byte i. */
static size_t word_end(const unsigned char *s, size_t n, size_t i)
{
    int32_t prev, mid, next;
    size_t j = cluster_end(s, n, i, &prev), k, m;

    while (j < n) {
        k = cluster_end(s, n, j, &mid);
        if (kind_of(mid) == K_WORD) {
            prev = mid;
            j = k;
            continue;
        }
        if (k >= n)
            break;
        m = cluster_end(s, n, k, &next);
        if (kind_of(next) != K_WORD || !joins_word(prev, mid, next))
            break;
        prev = next;
        j = m;
    }
    return j;
}

/* Drop the strings but keep the arrays for the next call. */
static void tokens_clear(struct pl_tokens *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->tok[i]);
    t->n = 0;
}

static int tokens_grow(struct pl_tokens *t)
{
    size_t cap = t->cap ? t->cap * 2 : 16;
    char **tok;
    long *start, *end;

    tok = realloc(t->tok, cap * sizeof *tok);
    if (!tok)
        return -1;
    t->tok = tok;
    start = realloc(t->start, cap * sizeof *start);
    if (!start)
        return -1;
    t->start = start;
    end = realloc(t->end, cap * sizeof *end);
    if (!end)
        return -1;
    t->end = end;
    t->cap = cap;
    return 0;
}

static int tokens_push(struct pl_tokens *t, const char *s, size_t a,
                       size_t b)
{
    char *tok;

    if (t->n == t->cap && tokens_grow(t) != 0)
        return -1;
    tok = pl_strndup(s + a, b - a);
    if (!tok)
        return -1;
    t->tok[t->n] = tok;
    t->start[t->n] = (long)a;
    t->end[t->n] = (long)b;
    t->n++;
    return 0;
}

enum pl_status pl_tokenize(const char *s, struct pl_tokens *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n, i = 0, j;
    enum tok_kind kind;
    int32_t cp;

    if (!s || !out)
        return PL_ERR_USAGE;
    tokens_clear(out);
    n = strlen(s);
    if (n > LONG_MAX)
        return PL_ERR_LIMIT;
    if (pl_utf8_validate(s, n, NULL))
        return PL_ERR_UTF8;

    while (i < n) {
        j = cluster_end(u, n, i, &cp);
        kind = kind_of(cp);
        if (kind == K_WORD)
            j = word_end(u, n, i);
        if (kind != K_SKIP && tokens_push(out, s, i, j) != 0) {
            tokens_clear(out);
            return PL_ERR_NOMEM;
        }
        i = j;
    }
    return PL_OK;
}

void pl_tokens_fini(struct pl_tokens *t)
{
    if (!t)
        return;
    tokens_clear(t);
    free(t->tok);
    free(t->start);
    free(t->end);
    memset(t, 0, sizeof *t);
}

/* ---- subword features ---------------------------------------------- */

/*
 * Byte p of the virtual string "<" tok ">" (tn = strlen(tok)) starts a
 * unit: the marker or one code point of tok (an invalid byte run counts
 * as one unit, so no input is ever split mid-character or overrun).
 * Returns the unit's length and points *b at its bytes.
 */
static size_t marked_unit(const char *tok, size_t tn, size_t p,
                          const char **b)
{
    int ok;

    if (p == 0 || p == tn + 1) {
        *b = p == 0 ? "<" : ">";
        return 1;
    }
    *b = tok + p - 1;
    return utf8_step((const unsigned char *)*b, tn - (p - 1), &ok);
}

size_t pl_subword_ids(const char *tok, int nmin, int nmax,
                      unsigned n_buckets, int *out, size_t max_out)
{
    size_t tn, p, q, len, w = 0;
    unsigned long long h;
    const char *b;
    int k;

    if (!tok || !out || n_buckets == 0 || n_buckets > INT_MAX)
        return 0;
    if (nmin < 1)
        nmin = 1;
    tn = strlen(tok);
    for (p = 0; p < tn + 2; p += marked_unit(tok, tn, p, &b)) {
        h = PL_FNV_OFFSET;
        q = p;
        for (k = 1; k <= nmax && q < tn + 2; k++) {
            len = marked_unit(tok, tn, q, &b);
            h = pl_fnv1a(h, b, len);
            q += len;
            if (k < nmin || (k == 1 && (p == 0 || p == tn + 1)))
                continue;
            if (w == max_out)
                return w;
            out[w++] = (int)(h % n_buckets);
        }
    }
    return w;
}
