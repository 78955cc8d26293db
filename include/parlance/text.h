/*
 * Text handling: UTF-8 validation and repair, Unicode normalisation
 * (utf8proc), a Unicode-aware tokenizer, hashed character n-gram
 * features and a string-to-id vocabulary.
 */
#ifndef PARLANCE_TEXT_H
#define PARLANCE_TEXT_H

#include <stddef.h>
#include "parlance/core.h"

/* ---- UTF-8 --------------------------------------------------------- */

/*
 * Count the invalid sequences in s[0..n) (overlong forms, surrogates
 * encoded as UTF-8 (CESU-8), code points past U+10FFFF, truncated
 * sequences, stray continuation bytes). *first_bad, if not NULL, gets the
 * byte offset of the first one (n when none). Returns 0 for valid text.
 * Each maximal invalid subpart counts once, so the count equals the
 * number of U+FFFD pl_utf8_repair writes: ED A0 80 counts 3, and a
 * CESU-8 surrogate pair 6.
 */
size_t pl_utf8_validate(const char *s, size_t n, size_t *first_bad);

/*
 * Copy s[0..n) replacing each maximal invalid subpart with U+FFFD, as
 * Unicode recommends. *out is NUL-terminated and owned by the caller;
 * *out_len and *n_bad may be NULL. Valid input is copied unchanged.
 * Fails with PL_ERR_NOMEM, or PL_ERR_USAGE when out is NULL.
 */
enum pl_status pl_utf8_repair(const char *s, size_t n, char **out,
                              size_t *out_len, size_t *n_bad);

/* ---- normalisation -------------------------------------------------- */

enum pl_norm_form {
    PL_NORM_NFC = 0,   /* default: composes, never changes meaning */
    PL_NORM_NFKC,      /* compatibility forms too (ﬁ -> fi, ² -> 2) */
    PL_NORM_NONE
};

struct pl_text_opts {
    enum pl_norm_form form;
    int casefold;        /* Unicode case folding */
    int strip_marks;     /* remove combining marks (é -> e) */
    int collapse_space;  /* runs of white space -> one ASCII space, trim */
};

/* Defaults: NFC, no folding, no stripping, collapse white space. */
void pl_text_opts_default(struct pl_text_opts *o);

/*
 * Normalise NUL-terminated valid UTF-8 s into a new string *out (caller
 * frees). Control characters other than tab/newline and zero-width
 * characters (U+200B, U+2060, U+FEFF; not the joiners U+200C and U+200D,
 * which are spelling in some scripts and join emoji) are removed; CR LF becomes
 * LF and the other line-break controls (lone CR, VT, FF, NEL) become LF,
 * so words on either side stay apart. With collapse_space every white
 * space character (tab, LF, U+00A0, U+202F and the other Zs, Zl, Zp)
 * counts as space. o NULL means the defaults. PL_NORM_NONE skips
 * utf8proc unless casefold or strip_marks is set; strip_marks implies
 * NFC around the stripping. Fails with PL_ERR_UTF8 on invalid input
 * (err->offset is the first bad byte); utf8proc failures are reported
 * in err with utf8proc's own message.
 */
enum pl_status pl_text_normalize(const char *s,
                                 const struct pl_text_opts *o, char **out,
                                 struct pl_error *err);

/* ---- tokenizer ------------------------------------------------------ */

/*
 * Tokens of a string: runs of letters/marks/digits (with inner
 * apostrophes, e.g. "don't", "l'eau"; inner . or , between digits
 * "3.5", "1,000"), and every other non-space character on its own
 * (punctuation, symbols, each emoji). Ideographs (Han, Hiragana,
 * Katakana) are one token each. start/end are byte offsets into the input.
 *
 * Text is read in extended grapheme clusters (UAX #29), so a base keeps
 * its combining marks, and an emoji its skin-tone modifier, variation
 * selector and ZWJ continuations (man ZWJ woman ZWJ girl is one token);
 * two regional indicators make one flag token. White space, controls
 * and format characters separate tokens and are not tokens; an
 * invisible format character other than U+200B (e.g. a soft hyphen)
 * inside a word keeps the word whole. Apostrophe means U+0027 or U+2019.
 *
 * out must be zeroed before its first use; each call replaces the
 * tokens it holds (reusing its arrays), and pl_tokens_fini frees them.
 * The strings tok[i] belong to out. Fails with PL_ERR_UTF8 on invalid
 * UTF-8 and PL_ERR_NOMEM, leaving out with no tokens.
 */
struct pl_tokens {
    char **tok;
    long *start;
    long *end;
    size_t n;
    size_t cap;
};

enum pl_status pl_tokenize(const char *s, struct pl_tokens *out);
void pl_tokens_fini(struct pl_tokens *t);

/* ---- subword features ---------------------------------------------- */

/*
 * Hashed character n-grams of "<tok>" for n in [nmin, nmax] counted in
 * code points, each mapped to [0, n_buckets) with pl_fnv1a. Writes at most
 * max_out ids to out and returns how many were written.
 *
 * Each id is pl_fnv1a(PL_FNV_OFFSET, gram bytes) % n_buckets. Order: by
 * start position, then by length, so truncation keeps the early grams.
 * The lone markers "<" and ">" are not features (they would be the same
 * for every token). A run of invalid bytes counts as one code point.
 * Returns 0 when n_buckets is 0 or above INT_MAX; nmin below 1 means 1.
 */
size_t pl_subword_ids(const char *tok, int nmin, int nmax,
                      unsigned n_buckets, int *out, size_t max_out);

/* ---- vocabulary ----------------------------------------------------- */

/* An open-addressing hash map from string to dense id 0..n-1, with a
 * count per entry. */
struct pl_vocab;

struct pl_vocab *pl_vocab_new(void);
void pl_vocab_free(struct pl_vocab *v);
/* Id of s, adding it (count 0) if absent; adds 1 to its count. -1 on
 * allocation failure (v is then unchanged) or NULL arguments. */
int pl_vocab_add(struct pl_vocab *v, const char *s);
/* Id of s or -1. Never changes a count. */
int pl_vocab_find(const struct pl_vocab *v, const char *s);
size_t pl_vocab_size(const struct pl_vocab *v);
/* The string of id (owned by v) or NULL when out of range. */
const char *pl_vocab_word(const struct pl_vocab *v, int id);
/* How many times id was added; 0 when out of range. */
long pl_vocab_count(const struct pl_vocab *v, int id);

#endif
