/*
 * Tests for the text module: UTF-8 validation and repair (against the
 * Unicode standard's examples and utf8proc as an oracle), normalisation
 * (shared cases 14 and 15), the tokenizer, subword ids, the vocabulary,
 * and real corpora when they are present.
 */
#include "parlance/text.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- UTF-8 validation and repair ----------------------------------- */

struct utf8_case {
    const char *bytes;
    size_t n_bad;
    size_t first_bad;
    const char *repaired;
};

#define FFFD "\xEF\xBF\xBD"

static const struct utf8_case utf8_cases[] = {
    { "", 0, 0, "" },
    { "plain ascii", 0, 11, "plain ascii" },
    { "caf\xC3\xA9", 0, 5, "caf\xC3\xA9" },
    { "\xF4\x8F\xBF\xBF", 0, 4, "\xF4\x8F\xBF\xBF" },      /* U+10FFFF */
    { "\xEF\xBF\xBF", 0, 3, "\xEF\xBF\xBF" },              /* U+FFFF */
    { "\xED\x9F\xBF", 0, 3, "\xED\x9F\xBF" },              /* U+D7FF */
    { "\xEE\x80\x80", 0, 3, "\xEE\x80\x80" },              /* U+E000 */
    { "\xC0\xAF", 2, 0, FFFD FFFD },                       /* overlong / */
    { "\xE0\x80\xAF", 3, 0, FFFD FFFD FFFD },
    { "\xF0\x80\x80\xAF", 4, 0, FFFD FFFD FFFD FFFD },
    { "\xED\xA0\x80", 3, 0, FFFD FFFD FFFD },              /* CESU-8 */
    { "x\xED\xBF\xBFy", 3, 1, "x" FFFD FFFD FFFD "y" },
    { "\xF4\x90\x80\x80", 4, 0, FFFD FFFD FFFD FFFD },     /* > 10FFFF */
    { "\xF5\x80", 2, 0, FFFD FFFD },
    { "a\xE2\x82", 1, 1, "a" FFFD },                       /* truncated */
    { "a\xE2\x82" "b", 1, 1, "a" FFFD "b" },
    { "\xF0\x9F\x98", 1, 0, FFFD },
    { "\x80\xBF", 2, 0, FFFD FFFD },                       /* stray */
    { "\xFE\xFF", 2, 0, FFFD FFFD },
    /* Unicode 15 section 3.9, Table 3-8 (maximal subparts) */
    { "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", 6, 1,
      "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d" },
};

static void test_utf8_cases(void)
{
    size_t i, first, n, out_len, n_bad;
    char *out;

    for (i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
        const struct utf8_case *c = &utf8_cases[i];

        n = strlen(c->bytes);
        CHECK_INT(pl_utf8_validate(c->bytes, n, &first), c->n_bad);
        CHECK_INT(first, c->n_bad ? c->first_bad : n);
        CHECK_INT(pl_utf8_repair(c->bytes, n, &out, &out_len, &n_bad),
                  PL_OK);
        CHECK_STR(out, c->repaired);
        CHECK_INT(out_len, strlen(c->repaired));
        CHECK_INT(n_bad, c->n_bad);
        free(out);
    }
}

/* Valid as a whole per utf8proc_iterate, an independent decoder. */
static int oracle_valid(const unsigned char *s, size_t n)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k;
    size_t i = 0;

    while (i < n) {
        k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

/* Every 4-byte string over the bytes at the edges of Table 3-7: the
 * verdict must match the oracle, and repair must yield valid text with
 * one U+FFFD per invalid subpart and leave valid text as it was. */
static void test_utf8_oracle(void)
{
    static const unsigned char edge[] = {
        0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
        0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3,
        0xF4, 0xF5, 0xFF,
    };
    const size_t E = sizeof edge;
    size_t i, j, bad, n_bad, len, disagree = 0, bad_repair = 0;
    unsigned char b[4];
    char *out;

    for (i = 0; i < E * E * E * E; i++) {
        for (j = 0, len = i; j < 4; j++, len /= E)
            b[j] = edge[len % E];
        bad = pl_utf8_validate((const char *)b, 4, NULL);
        disagree += (bad == 0) != oracle_valid(b, 4);
        if (pl_utf8_repair((const char *)b, 4, &out, &len, &n_bad) != PL_OK)
            break;
        bad_repair += n_bad != bad || pl_utf8_validate(out, len, NULL) ||
                      (bad == 0 && (len != 4 || memcmp(out, b, 4) != 0));
        free(out);
    }
    CHECK_INT(i, E * E * E * E);
    CHECK_INT(disagree, 0);
    CHECK_INT(bad_repair, 0);
}

static void test_utf8_edges(void)
{
    char *out = NULL;
    size_t len = 99, first = 99;

    CHECK_INT(pl_utf8_repair(NULL, 0, &out, &len, NULL), PL_OK);
    CHECK_STR(out, "");
    CHECK_INT(len, 0);
    free(out);
    CHECK_INT(pl_utf8_repair("x", 1, NULL, NULL, NULL), PL_ERR_USAGE);

    /* NUL is U+0000, valid; the length, not a terminator, bounds input */
    CHECK_INT(pl_utf8_validate("a\0b\xC3", 4, &first), 1);
    CHECK_INT(first, 3);
    CHECK_INT(pl_utf8_repair("a\0b\xC3", 4, &out, &len, NULL), PL_OK);
    CHECK_INT(len, 6);
    CHECK(memcmp(out, "a\0b" FFFD, 7) == 0);
    free(out);
    CHECK_INT(pl_utf8_validate("\xC3\xA9", 1, &first), 1);
    CHECK_INT(first, 0);
}

/* ---- normalisation -------------------------------------------------- */

/* Normalise s with the given options and compare with want. */
static void expect_norm(const char *s, enum pl_norm_form form,
                        int casefold, int strip, int collapse,
                        const char *want)
{
    struct pl_text_opts o = { form, casefold, strip, collapse };
    struct pl_error err;
    char *out = NULL;

    pl_error_clear(&err);
    CHECK_INT(pl_text_normalize(s, &o, &out, &err), PL_OK);
    CHECK_STR(out, want);
    free(out);
}

/* Shared case 14: NFC leaves compatibility characters alone; NFKC
 * rewrites them, and only when asked. */
static void test_norm_case14(void)
{
    static const char *const row[][2] = {
        { "x\xC2\xB2", "x2" },
        { "\xEF\xB8\xB0", ".." },
        { "\xC5\x89", "\xCA\xBCn" },
        { "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3\xEF\xBC\x91\xEF\xBC\x92"
          "\xEF\xBC\x93", "ABC123" },
        { "\xE2\x91\xA0", "1" },
        { "\xEF\xAC\x81le", "file" },
        { "\xC2\xBD", "1\xE2\x81\x84" "2" },
        { "a\xC2\xA0" "b", "a b" },
    };
    struct pl_text_opts o;
    size_t i;

    for (i = 0; i < sizeof row / sizeof row[0]; i++) {
        expect_norm(row[i][0], PL_NORM_NFC, 0, 0, 0, row[i][0]);
        expect_norm(row[i][0], PL_NORM_NFKC, 0, 0, 0, row[i][1]);
    }
    pl_text_opts_default(&o);
    CHECK_INT(o.form, PL_NORM_NFC);
    CHECK(!o.casefold && !o.strip_marks && o.collapse_space);
    expect_norm("x\xC2\xB2 \xEF\xAC\x81le \xC2\xBD", o.form, 0, 0, 1,
                "x\xC2\xB2 \xEF\xAC\x81le \xC2\xBD");
}

/* Count the tokens of s3 + s4 in a vocabulary. */
static size_t vocab_of_two(const char *a, const char *b)
{
    struct pl_tokens t = { 0 };
    struct pl_vocab *v = pl_vocab_new();
    const char *s[2] = { a, b };
    size_t i, k, n;

    for (k = 0; k < 2; k++) {
        CHECK_INT(pl_tokenize(s[k], &t), PL_OK);
        for (i = 0; i < t.n; i++)
            CHECK(pl_vocab_add(v, t.tok[i]) >= 0);
    }
    n = pl_vocab_size(v);
    pl_tokens_fini(&t);
    pl_vocab_free(v);
    return n;
}

/* Shared case 15: NFC unifies precomposed and decomposed accents; case
 * folding keeps accents; stripping happens only on request. */
static void test_norm_case15(void)
{
    const char *s1 = "caf\xC3\xA9", *s2 = "cafe\xCC\x81";
    const char *s3 = "Hac\xC3\xAD" "a fr\xC3\xAD" "o";
    const char *s4 = "hacia el norte";
    char *a = NULL, *b = NULL;

    CHECK(strcmp(s1, s2) != 0);
    CHECK_INT(pl_text_normalize(s1, NULL, &a, NULL), PL_OK);
    CHECK_INT(pl_text_normalize(s2, NULL, &b, NULL), PL_OK);
    CHECK_STR(a, "caf\xC3\xA9");
    CHECK_STR(b, a);
    free(a);
    free(b);
    expect_norm(s2, PL_NORM_NONE, 0, 0, 1, s2);

    expect_norm(s3, PL_NORM_NFC, 1, 0, 1, "hac\xC3\xAD" "a fr\xC3\xAD" "o");
    CHECK_INT(pl_text_normalize(s3, &(struct pl_text_opts){ PL_NORM_NFC, 1,
                                0, 1 }, &a, NULL), PL_OK);
    CHECK_INT(vocab_of_two(a, s4), 5);
    free(a);

    expect_norm(s3, PL_NORM_NFC, 1, 1, 1, "hacia frio");
    expect_norm(s3, PL_NORM_NFC, 0, 1, 1, "Hacia frio");
    expect_norm(s3, PL_NORM_NONE, 0, 1, 1, "Hacia frio");
    expect_norm("Stra\xC3\x9F" "e", PL_NORM_NONE, 1, 0, 1, "strasse");
    /* spacing marks are vowel signs, not accents: NFC keeps them */
    expect_norm("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4"
                "\xA6\xE0\xA5\x80", PL_NORM_NFC, 1, 0, 1,
                "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4"
                "\xA6\xE0\xA5\x80");
}

static void test_norm_space_and_controls(void)
{
    const char *s = "  a\t\tb\r\nc\xC2\xA0" "d\xE2\x80\xAF" "e\x01"
                    "f\xE2\x80\x8Bg\xEF\xBB\xBFh\xE2\x81\xA0i\xE3\x80\x80j ";

    expect_norm(s, PL_NORM_NFC, 0, 0, 1, "a b c d efghi j");
    expect_norm(s, PL_NORM_NFC, 0, 0, 0,
                "  a\t\tb\nc\xC2\xA0" "d\xE2\x80\xAF" "efghi\xE3\x80\x80j ");
    expect_norm("a\rb\x0B" "c\x0C" "d\xC2\x85" "e\x7F" "f", PL_NORM_NFC, 0,
                0, 0, "a\nb\nc\nd\nef");
    expect_norm("a\rb\xE2\x80\xA8" "c", PL_NORM_NFC, 0, 0, 1, "a b c");
    /* the joiners stay: Persian "mi-khaham" keeps its ZWNJ, and a family
     * emoji stays one sequence */
    expect_norm("\xD9\x85\xDB\x8C\xE2\x80\x8C\xD8\xAE\xD9\x88\xD8\xA7\xD9\x87\xD9\x85",
                PL_NORM_NFC, 0, 0, 1,
                "\xD9\x85\xDB\x8C\xE2\x80\x8C\xD8\xAE\xD9\x88\xD8\xA7\xD9\x87\xD9\x85");
    expect_norm("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9", PL_NORM_NFC, 0, 0,
                1, "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9");
    expect_norm("", PL_NORM_NFC, 0, 0, 1, "");
    expect_norm(" \t\r\n\xC2\xA0 ", PL_NORM_NFC, 0, 0, 1, "");
    expect_norm("", PL_NORM_NONE, 0, 0, 0, "");
    expect_norm("x \xCC\x81 y", PL_NORM_NFC, 0, 1, 1, "x y");
}

static void test_norm_errors(void)
{
    struct pl_text_opts o;
    struct pl_error err;
    char *out = (char *)&o;

    pl_error_clear(&err);
    CHECK_INT(pl_text_normalize("ok \xED\xA0\x80 bad", NULL, &out, &err),
              PL_ERR_UTF8);
    CHECK(out == NULL);
    CHECK_INT(err.status, PL_ERR_UTF8);
    CHECK_INT(err.offset, 3);
    CHECK(strstr(err.message, "byte 3") != NULL);
    CHECK(strstr(err.message, "3 bad sequences") != NULL);

    pl_text_opts_default(&o);
    o.form = (enum pl_norm_form)7;
    CHECK_INT(pl_text_normalize("x", &o, &out, &err), PL_ERR_USAGE);
    CHECK_INT(pl_text_normalize(NULL, NULL, &out, &err), PL_ERR_USAGE);
    CHECK_INT(pl_text_normalize("x", NULL, NULL, NULL), PL_ERR_USAGE);
}

/* ---- tokenizer ------------------------------------------------------ */

/* Offsets must cut exactly the token's bytes, in order, without
 * overlap. */
static int offsets_exact(const char *s, const struct pl_tokens *t)
{
    long last = 0;
    size_t i;

    for (i = 0; i < t->n; i++) {
        size_t len = (size_t)(t->end[i] - t->start[i]);

        if (t->start[i] < last || t->end[i] <= t->start[i] ||
            strlen(t->tok[i]) != len ||
            memcmp(s + t->start[i], t->tok[i], len) != 0)
            return 0;
        last = t->end[i];
    }
    return 1;
}

/* Tokenise s and compare with want, a NULL-terminated list. */
static void expect_tokens(const char *s, const char *const *want)
{
    struct pl_tokens t = { 0 };
    size_t i, n = 0;

    while (want[n])
        n++;
    CHECK_INT(pl_tokenize(s, &t), PL_OK);
    if (!CHECK_INT(t.n, n))
        fprintf(stderr, "  while tokenising \"%s\"\n", s);
    for (i = 0; i < n && i < t.n; i++)
        CHECK_STR(t.tok[i], want[i]);
    CHECK(offsets_exact(s, &t));
    pl_tokens_fini(&t);
}

#define TOKS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_tokenize_words(void)
{
    struct pl_tokens t = { 0 };
    static const long start[] = { 0, 6, 11, 13, 18, 22, 24 };
    static const long end[] = { 5, 11, 12, 17, 21, 24, 25 };
    size_t i;

    expect_tokens("Don't panic, it's 3.5 km!",
                  TOKS("Don't", "panic", ",", "it's", "3.5", "km", "!"));
    CHECK_INT(pl_tokenize("Don't panic, it's 3.5 km!", &t), PL_OK);
    for (i = 0; i < t.n && i < 7; i++) {
        CHECK_INT(t.start[i], start[i]);
        CHECK_INT(t.end[i], end[i]);
    }
    pl_tokens_fini(&t);

    expect_tokens("na\xC3\xAFve caf\xC3\xA9",
                  TOKS("na\xC3\xAFve", "caf\xC3\xA9"));
    expect_tokens("nai\xCC\x88ve cafe\xCC\x81!",
                  TOKS("nai\xCC\x88ve", "cafe\xCC\x81", "!"));
    expect_tokens("l'eau l\xE2\x80\x99" "eau",
                  TOKS("l'eau", "l\xE2\x80\x99" "eau"));
    expect_tokens("'quoted' rock'n'roll x'",
                  TOKS("'", "quoted", "'", "rock'n'roll", "x", "'"));
    expect_tokens("1,000.50 a,b 3. U.S. 2.x",
                  TOKS("1,000.50", "a", ",", "b", "3", ".", "U", ".", "S",
                       ".", "2", ".", "x"));
    expect_tokens("e-mail $5 snake_case",
                  TOKS("e", "-", "mail", "$", "5", "snake", "_", "case"));
    expect_tokens("\xEC\x95\x88\xEB\x85\x95 \xE0\xA4\xB9\xE0\xA4\xBF"
                  "\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80",
                  TOKS("\xEC\x95\x88\xEB\x85\x95", "\xE0\xA4\xB9\xE0\xA4"
                       "\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5"
                       "\x80"));
}

static void test_tokenize_cjk(void)
{
    expect_tokens("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83"
                  "\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88",
                  TOKS("\xE6\x97\xA5", "\xE6\x9C\xAC", "\xE8\xAA\x9E",
                       "\xE3\x81\xAE", "\xE3\x83\x86", "\xE3\x82\xAD",
                       "\xE3\x82\xB9", "\xE3\x83\x88"));
    expect_tokens("\xE4\xB8\xAD\xE6\x96\x87\xE3\x80\x82",
                  TOKS("\xE4\xB8\xAD", "\xE6\x96\x87", "\xE3\x80\x82"));
    /* Latin, digits and Han side by side; a voiced-mark kana stays whole */
    expect_tokens("abc\xE4\xB8\xAD" "3\xE6\x9C\x88 \xE3\x81\x8B\xE3\x82\x99",
                  TOKS("abc", "\xE4\xB8\xAD", "3", "\xE6\x9C\x88",
                       "\xE3\x81\x8B\xE3\x82\x99"));
    expect_tokens("\xF0\xA0\x80\x8B\xF0\xA0\x80\x8B",   /* U+2000B twice */
                  TOKS("\xF0\xA0\x80\x8B", "\xF0\xA0\x80\x8B"));
}

static void test_tokenize_emoji(void)
{
    const char *family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2"
                         "\x80\x8D\xF0\x9F\x91\xA7";
    const char *thumb = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";
    const char *flag = "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";
    const char *heart = "\xE2\x9D\xA4\xEF\xB8\x8F";
    const char *grin = "\xF0\x9F\x98\x80";
    char s[256];

    snprintf(s, sizeof s, "%s hi%s%s%s %s%s ok%s", family, thumb, flag,
             heart, grin, grin, grin);
    expect_tokens(s, TOKS(family, "hi", thumb, flag, heart, grin, grin,
                          "ok", grin));
    /* three regional indicators: one flag and a lone indicator */
    expect_tokens("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7\xF0\x9F\x87\xAB",
                  TOKS(flag, "\xF0\x9F\x87\xAB"));
    expect_tokens("\xC2\xA9 x\xC2\xB2 \xE2\x82\xAC" "5",
                  TOKS("\xC2\xA9", "x\xC2\xB2", "\xE2\x82\xAC", "5"));
}

static void test_tokenize_spaces(void)
{
    struct pl_tokens t = { 0 };

    expect_tokens("", TOKS(NULL));
    expect_tokens("   \t \n ", TOKS(NULL));
    expect_tokens("a\r\nb\r\n", TOKS("a", "b"));
    CHECK_INT(pl_tokenize("a\r\nb\r\n", &t), PL_OK);
    CHECK_INT(t.n, 2);
    if (t.n == 2) {
        CHECK_INT(t.start[1], 3);
        CHECK_INT(t.end[1], 4);
    }
    /* no-break spaces and ZWSP separate; a soft hyphen and BOM do not */
    expect_tokens("a\xC2\xA0" "b\xE2\x80\xAF" "c\xE2\x80\x8B" "d",
                  TOKS("a", "b", "c", "d"));
    expect_tokens("co\xC2\xAD" "op \xEF\xBB\xBFx \xC2\xAD",
                  TOKS("co\xC2\xAD" "op", "x"));
    expect_tokens("a\x01" "b\x7F", TOKS("a", "b"));

    /* a second call replaces the first call's tokens */
    CHECK_INT(pl_tokenize("one two three", &t), PL_OK);
    CHECK_INT(pl_tokenize("four", &t), PL_OK);
    CHECK_INT(t.n, 1);
    CHECK_STR(t.tok[0], "four");
    CHECK_INT(pl_tokenize("x \xC0\xAF y", &t), PL_ERR_UTF8);
    CHECK_INT(t.n, 0);
    CHECK_INT(pl_tokenize(NULL, &t), PL_ERR_USAGE);
    pl_tokens_fini(&t);
    pl_tokens_fini(&t);
    pl_tokens_fini(NULL);
    CHECK(t.tok == NULL && t.n == 0 && t.cap == 0);
}

/* ---- subword features ---------------------------------------------- */

static int gram_id(const char *gram, unsigned buckets)
{
    return (int)(pl_fnv1a(PL_FNV_OFFSET, gram, strlen(gram)) % buckets);
}

static void test_subword_fixed(void)
{
    static const int cat[] = { 333483, 1227117, 46729, 1550631, 43643,
                               1606050 };
    static const char *const cat_gram[] = { "<ca", "<cat", "<cat>", "cat",
                                            "cat>", "at>" };
    static const int ne[] = { 727, 343, 277, 537, 309 };
    static const char *const ne_gram[] = { "<n", "<n\xC3\xA9", "n\xC3\xA9",
                                           "n\xC3\xA9>", "\xC3\xA9>" };
    int out[16];
    size_t i;

    CHECK_INT(pl_subword_ids("cat", 3, 5, 2000000, out, 16), 6);
    for (i = 0; i < 6; i++) {
        CHECK_INT(out[i], cat[i]);
        CHECK_INT(out[i], gram_id(cat_gram[i], 2000000));
    }
    /* "é" is two bytes but one code point: never split */
    CHECK_INT(pl_subword_ids("n\xC3\xA9", 2, 3, 1000, out, 16), 5);
    for (i = 0; i < 5; i++) {
        CHECK_INT(out[i], ne[i]);
        CHECK_INT(out[i], gram_id(ne_gram[i], 1000));
    }
    /* unigrams: the token's code points, not the bare markers */
    CHECK_INT(pl_subword_ids("n\xC3\xA9", 1, 1, 1000, out, 16), 2);
    CHECK_INT(out[1], gram_id("\xC3\xA9", 1000));
    CHECK_INT(pl_subword_ids("", 1, 3, 1000, out, 16), 1);
    CHECK_INT(out[0], gram_id("<>", 1000));
}

static void test_subword_bounds(void)
{
    int out[64], i, bad = 0;
    size_t n;

    for (i = 0; i < 64; i++)
        out[i] = -7;
    CHECK_INT(pl_subword_ids("tokenization", 3, 6, 1000, out, 5), 5);
    CHECK_INT(out[5], -7);
    out[0] = -7;
    CHECK_INT(pl_subword_ids("tokenization", 3, 6, 1000, out, 0), 0);
    CHECK_INT(out[0], -7);
    n = pl_subword_ids("\xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x98\x80xyz", 1, 8,
                       97, out, 64);
    /* 6 code points + 2 markers: sum over n of (8 - n + 1), minus 2 */
    CHECK_INT(n, 8 + 7 + 6 + 5 + 4 + 3 + 2 + 1 - 2);
    for (i = 0; i < (int)n; i++)
        bad += out[i] < 0 || out[i] >= 97;
    CHECK_INT(bad, 0);
    CHECK_INT(pl_subword_ids("abc", 1, 3, 1, out, 64), 10);
    CHECK_INT(out[9], 0);
    CHECK_INT(pl_subword_ids("abc", 4, 3, 100, out, 64), 0);
    CHECK_INT(pl_subword_ids("abc", 3, 3, 0, out, 64), 0);
    CHECK_INT(pl_subword_ids("abc", 0, 1, 100, out, 64), 3);
    CHECK_INT(pl_subword_ids("a\xE2\x82" "b\xFF", 2, 2, 100, out, 64), 5);
    CHECK_INT(pl_subword_ids(NULL, 2, 2, 100, out, 64), 0);
}

/* ---- vocabulary ----------------------------------------------------- */

static void test_vocab_basic(void)
{
    struct pl_vocab *v = pl_vocab_new();

    CHECK(v != NULL);
    CHECK_INT(pl_vocab_size(v), 0);
    CHECK_INT(pl_vocab_add(v, "hello"), 0);
    CHECK_INT(pl_vocab_add(v, ""), 1);
    CHECK_INT(pl_vocab_add(v, "caf\xC3\xA9"), 2);
    CHECK_INT(pl_vocab_add(v, "hello"), 0);
    CHECK_INT(pl_vocab_size(v), 3);
    CHECK_INT(pl_vocab_count(v, 0), 2);
    CHECK_INT(pl_vocab_count(v, 1), 1);
    CHECK_INT(pl_vocab_find(v, "caf\xC3\xA9"), 2);
    CHECK_INT(pl_vocab_find(v, "cafe"), -1);
    CHECK_INT(pl_vocab_count(v, 2), 1);
    CHECK_STR(pl_vocab_word(v, 1), "");
    CHECK(pl_vocab_word(v, 3) == NULL);
    CHECK(pl_vocab_word(v, -1) == NULL);
    CHECK_INT(pl_vocab_count(v, 3), 0);
    CHECK_INT(pl_vocab_add(v, NULL), -1);
    CHECK_INT(pl_vocab_find(v, NULL), -1);
    CHECK_INT(pl_vocab_size(NULL), 0);
    pl_vocab_free(v);
    pl_vocab_free(NULL);
}

/* 100,000 strings through several table growths: ids dense in insertion
 * order, every one found again, counts exact. */
static void test_vocab_many(void)
{
    enum { N = 100000 };
    struct pl_vocab *v = pl_vocab_new();
    size_t wrong_id = 0, wrong_find = 0, wrong_word = 0, wrong_count = 0;
    char buf[32];
    int i;

    for (i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "w%d", i);
        wrong_id += pl_vocab_add(v, buf) != i;
    }
    for (i = 0; i < N; i += 3) {
        snprintf(buf, sizeof buf, "w%d", i);
        wrong_id += pl_vocab_add(v, buf) != i;
    }
    for (i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "w%d", i);
        wrong_find += pl_vocab_find(v, buf) != i;
        wrong_word += strcmp(pl_vocab_word(v, i), buf) != 0;
        wrong_count += pl_vocab_count(v, i) != (i % 3 == 0 ? 2 : 1);
    }
    CHECK_INT(pl_vocab_size(v), N);
    CHECK_INT(wrong_id, 0);
    CHECK_INT(wrong_find, 0);
    CHECK_INT(wrong_word, 0);
    CHECK_INT(wrong_count, 0);
    CHECK_INT(pl_vocab_find(v, "w100000"), -1);
    CHECK_INT(pl_vocab_find(v, "w"), -1);
    pl_vocab_free(v);
}

/* ---- random input ------------------------------------------------- */

/* Random bytes drawn to hit UTF-8 edge cases: ASCII, spaces and
 * controls, lead and continuation bytes, and whole code points from
 * scripts with marks, emoji and ZWJ. */
static size_t random_text(struct pl_rng *r, char *buf, size_t cap)
{
    static const char *const piece[] = {
        "a", "Z", "7", " ", "\t", "\r\n", "'", ".", ",", "\x01", "\x80",
        "\xC3", "\xED\xA0", "\xF0\x9F", "\xCC\x81", "\xC3\xA9",
        "\xE2\x80\x8D", "\xE2\x80\x8B", "\xC2\xA0", "\xF0\x9F\x91\xA8",
        "\xF0\x9F\x8F\xBD", "\xE6\x97\xA5", "\xE0\xA4\xBF",
        "\xEF\xAC\x81", "\xF0\x9F\x87\xAB", "\xEF\xBF\xBF",
    };
    size_t n = 0, k, len = pl_rng_below(r, 40);

    for (k = 0; k < len; k++) {
        const char *p = piece[pl_rng_below(r, sizeof piece / sizeof *piece)];

        if (n + strlen(p) >= cap)
            break;
        memcpy(buf + n, p, strlen(p));
        n += strlen(p);
    }
    buf[n] = '\0';
    return n;
}

/* Whatever the bytes: repair gives valid text, which normalises (to
 * valid text, stable under a second pass) and tokenises exactly. */
static void test_random_input(void)
{
    struct pl_tokens t = { 0 };
    struct pl_rng r;
    char raw[256], *fixed, *a, *b;
    size_t i, len, fails = 0;

    pl_rng_seed(&r, 2024);
    for (i = 0; i < 5000; i++) {
        len = random_text(&r, raw, sizeof raw);
        if (pl_utf8_repair(raw, len, &fixed, NULL, NULL) != PL_OK)
            break;
        a = b = NULL;
        fails += pl_text_normalize(fixed, NULL, &a, NULL) != PL_OK ||
                 pl_utf8_validate(a, strlen(a), NULL) != 0 ||
                 pl_text_normalize(a, NULL, &b, NULL) != PL_OK ||
                 strcmp(a, b) != 0 ||
                 pl_tokenize(fixed, &t) != PL_OK || !offsets_exact(fixed, &t);
        free(a);
        free(b);
        free(fixed);
    }
    CHECK_INT(i, 5000);
    CHECK_INT(fails, 0);
    pl_tokens_fini(&t);
}

/* ---- real corpora --------------------------------------------------- */

/* Normalise and tokenise one line; returns 0 when all went well. */
static int line_ok(const char *line, struct pl_tokens *t)
{
    char *norm = NULL;
    int bad;

    bad = pl_text_normalize(line, NULL, &norm, NULL) != PL_OK ||
          pl_tokenize(line, t) != PL_OK ||
          pl_tokenize(norm, t) != PL_OK ||
          strstr(norm, "\xC2\xA0") != NULL || strchr(norm, '\r') != NULL;
    free(norm);
    return bad;
}

/* Banking77 train.csv: every physical line must normalise and tokenise;
 * line 682 carries a U+00A0 that collapsing turns into a plain space. */
static void test_corpus_banking(void)
{
    char path[4096], *text = NULL, *line, *nl, *norm = NULL;
    struct pl_tokens t = { 0 };
    long lineno = 0, failed = 0;
    size_t len;

    if (!check_corpus("banking77/banking_data/train.csv", path))
        return;
    CHECK_INT(pl_file_read(path, &text, &len, NULL), PL_OK);
    if (!text)
        return;
    CHECK_INT(pl_utf8_validate(text, len, NULL), 0);
    for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        failed += line_ok(line, &t);
        if (lineno != 682)
            continue;
        CHECK(strstr(line, "$1\xC2\xA0 charge") != NULL);
        CHECK_INT(pl_text_normalize(line, NULL, &norm, NULL), PL_OK);
        CHECK(norm && strstr(norm, "$1 charge on my statement") != NULL);
        free(norm);
    }
    CHECK(lineno > 10000);
    CHECK_INT(failed, 0);
    pl_tokens_fini(&t);
    free(text);
}

/* SNIPS PlayMusic: exactly one CESU-8 surrogate pair (six maximal
 * subparts) at byte 150732, and repair yields valid UTF-8. */
static void test_corpus_snips(void)
{
    const char *rel = "snips/2017-06-custom-intent-engines/PlayMusic/"
                      "train_PlayMusic_full.json";
    char path[4096], *text = NULL, *fixed = NULL, *norm = NULL;
    size_t len, first, fixed_len, n_bad;
    struct pl_error err;

    if (!check_corpus(rel, path))
        return;
    CHECK_INT(pl_file_read(path, &text, &len, NULL), PL_OK);
    if (!text)
        return;
    CHECK_INT(pl_utf8_validate(text, len, &first), 6);
    CHECK_INT(first, 150732);
    CHECK(len > 150738 && memcmp(text + first, "\xED\xA0\xBC\xED\xBD\x95",
                                 6) == 0);
    CHECK_INT(pl_utf8_validate(text + 150738, len - 150738, NULL), 0);

    CHECK_INT(pl_text_normalize(text, NULL, &norm, &err), PL_ERR_UTF8);
    CHECK_INT(err.offset, 150732);
    CHECK_INT(pl_utf8_repair(text, len, &fixed, &fixed_len, &n_bad), PL_OK);
    CHECK_INT(n_bad, 6);
    CHECK_INT(fixed_len, len - 6 + 6 * 3);
    CHECK_INT(pl_utf8_validate(fixed, fixed_len, NULL), 0);
    CHECK(memcmp(fixed + 150732, FFFD FFFD FFFD FFFD FFFD FFFD, 18) == 0);
    CHECK(memcmp(fixed, text, 150732) == 0);
    free(fixed);
    free(text);
}

int main(void)
{
    test_utf8_cases();
    test_utf8_oracle();
    test_utf8_edges();
    test_norm_case14();
    test_norm_case15();
    test_norm_space_and_controls();
    test_norm_errors();
    test_tokenize_words();
    test_tokenize_cjk();
    test_tokenize_emoji();
    test_tokenize_spaces();
    test_subword_fixed();
    test_subword_bounds();
    test_vocab_basic();
    test_vocab_many();
    test_random_input();
    test_corpus_banking();
    test_corpus_snips();
    return check_done("test_text");
}
