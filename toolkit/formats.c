/*
 * Reading conversation files: format names, the reading context shared
 * by the parsers (emit, reject, UTF-8 policy, parsing one JSON record),
 * the mapping of jansson errors, content sniffing, and pl_read itself,
 * which walks folders in sorted order and hands each file to its parser.
 * The line reader and the JSON scanner are in fmt_io.c.
 */
#define _XOPEN_SOURCE 700
#include "formats_impl.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "parlance/text.h"
#include "fmt_taskdata.h"

/* ---- names and options ---------------------------------------------- */

/* Is s[0..n) plain ASCII? (Then it is valid UTF-8, and most records
 * are: this saves the full decode.) */
static int is_ascii(const char *s, size_t n)
{
    unsigned long long acc = 0, w;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= (unsigned char)s[i];
    return (acc & 0x8080808080808080ULL) == 0;
}

void pl_utf8_fit(char *dst, size_t n, const char *src, size_t len)
{
    char *fixed = NULL;
    size_t fixed_n;

    if (!n)
        return;
    if (!is_ascii(src, len) && pl_utf8_validate(src, len, NULL) &&
        pl_utf8_repair(src, len, &fixed, &fixed_n, NULL) == PL_OK) {
        src = fixed;
        len = fixed_n;
    }
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    memmove(dst, src, len);
    dst[len] = '\0';
    free(fixed);
}

char *pl_str_join3(const char *a, const char *b, const char *c)
{
    size_t na = a ? strlen(a) : 0, nb = b ? strlen(b) : 0;
    size_t nc = c ? strlen(c) : 0;
    char *s = malloc(na + nb + nc + 1);

    if (!s)
        return NULL;
    memcpy(s, a ? a : "", na);
    memcpy(s + na, b ? b : "", nb);
    memcpy(s + na + nb, c ? c : "", nc);
    s[na + nb + nc] = '\0';
    return s;
}

static const char *const format_names[PL_FMT_COUNT] = {
    "auto", "unified", "sgd", "clinc150", "csv", "tsv", "openai",
    "sharegpt", "parlai_jsonl", "fasttext", "parlai_text", "rasa_yaml",
    "rasa_md", "multiwoz", "snips", "nlupp", "hwu64", "rasa_json",
    "transcript", "whatsapp", "irc", "telegram", "slack", "discord"
};

char *pl_format_list(char *buf, size_t n)
{
    size_t k = 0;

    if (n)
        buf[0] = '\0';
    for (int f = PL_FMT_AUTO + 1; f < PL_FMT_COUNT && k < n; f++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? ", " : "",
                              format_names[f]);
    return buf;
}

const char *pl_format_name(enum pl_format f)
{
    if ((int)f < 0 || f >= PL_FMT_COUNT)
        return "unknown";
    return format_names[f];
}

int pl_format_parse(const char *s)
{
    for (int i = 0; s && i < PL_FMT_COUNT; i++)
        if (strcasecmp(s, format_names[i]) == 0)
            return i;
    if (s && strcasecmp(s, "clinc") == 0)
        return PL_FMT_CLINC;
    return -1;
}

void pl_read_opts_default(struct pl_read_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = PL_FMT_AUTO;
    o->utf8 = PL_UTF8_REPAIR;
}

const char *pl_name_split(const char *name)
{
    static const char *const map[][2] = {
        { "train", "train" }, { "dev", "dev" }, { "val", "dev" },
        { "valid", "dev" }, { "validation", "dev" }, { "test", "test" },
    };

    for (size_t i = 0; name && i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(name, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* The last component of path[0..n) (trailing slashes ignored). */
static void last_part(const char *path, size_t n, size_t *a, size_t *b)
{
    while (n > 1 && path[n - 1] == '/')
        n--;
    *b = n;
    while (n > 0 && path[n - 1] != '/')
        n--;
    *a = n;
}

/* File names are bytes; names made from them must be valid UTF-8. */
static char *copy_part(const char *s, size_t a, size_t b, char *buf,
                       size_t n)
{
    pl_utf8_fit(buf, n, s + a, b - a);
    return buf;
}

char *pl_name_stem(const char *path, char *buf, size_t n)
{
    size_t a, b, dot;

    last_part(path, strlen(path), &a, &b);
    for (dot = b; dot > a + 1 && path[dot - 1] != '.'; dot--)
        ;
    if (dot > a + 1)
        b = dot - 1;
    return copy_part(path, a, b, buf, n);
}

char *pl_name_parent(const char *path, char *buf, size_t n)
{
    char *real = realpath(path, NULL);
    const char *p = real ? real : path;
    size_t a, b;

    last_part(p, strlen(p), &a, &b);
    if (a == 0) {
        buf[0] = '\0';
    } else {
        last_part(p, a - 1 > 0 ? a - 1 : 1, &a, &b);
        copy_part(p, a, b, buf, n);
        if (!strcmp(buf, "/") || !strcmp(buf, "."))
            buf[0] = '\0';
    }
    free(real);
    return buf;
}

char *pl_name_corpus(const char *path, char *buf, size_t n)
{
    pl_name_stem(path, buf, n);
    if (pl_name_split(buf)) {
        char parent[256];

        if (pl_name_parent(path, parent, sizeof parent)[0])
            pl_utf8_fit(buf, n, parent, strlen(parent));
    }
    return buf;
}

void pl_file_names_get(const char *path, struct pl_file_names *fn)
{
    const char *split;

    pl_name_stem(path, fn->stem, sizeof fn->stem);
    pl_name_corpus(path, fn->corpus, sizeof fn->corpus);
    split = pl_name_split(fn->stem);
    fn->split = split ? split : "";
}

void pl_pos_advance(const char *s, size_t n, long *line, long *col)
{
    const char *p = s, *end = s + n, *nl;

    while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
        ++*line;
        *col = 1;
        p = nl + 1;
    }
    *col += (long)(end - p);
}

/* ---- the reading context --------------------------------------------- */

static enum pl_status replace_str(char **dst, const char *s)
{
    char *c = pl_strdup(s);

    if (!c)
        return PL_ERR_NOMEM;
    free(*dst);
    *dst = c;
    return PL_OK;
}

enum pl_status pl_reader_emit(struct pl_reader *r, struct pl_dialogue *d)
{
    long line = d->origin.line;
    enum pl_status st = PL_OK;

    if (r->o->corpus_name)
        st = replace_str(&d->corpus, r->o->corpus_name);
    if (st == PL_OK && r->o->split)
        st = replace_str(&d->split, r->o->split);
    if (st != PL_OK) {
        pl_dialogue_fini(d);
        return pl_error_set(r->err, st, r->path, line, 0, "out of memory");
    }
    r->st->read++;
    r->st->kept++;
    st = r->o->on_dialogue(d, r->o->ctx);
    if (st != PL_OK)
        pl_error_set(r->err, st, r->path, line, 0,
                     "reading stopped by the dialogue callback (%s)",
                     pl_status_str(st));
    return st;
}

enum pl_status pl_reader_fatal(struct pl_reader *r,
                               const struct pl_error *why)
{
    if (r->err && r->err != why)
        *r->err = *why;
    return why->status != PL_OK ? why->status : PL_ERR_INTERNAL;
}

enum pl_status pl_reader_reject(struct pl_reader *r, const char *raw,
                                size_t n, const struct pl_error *why)
{
    struct pl_error clean = *why;
    struct pl_reject rj = { raw, n < PL_REJECT_RAW_MAX ? n
                                                       : PL_REJECT_RAW_MAX,
                            &clean, n };

    pl_utf8_fit(clean.message, sizeof clean.message, clean.message,
                strlen(clean.message));
    why = &clean;
    r->st->read++;
    r->st->rejected++;
    if (r->o->on_reject)
        r->o->on_reject(&rj, r->o->reject_ctx);
    if (pl_log_enabled(PL_LOG_DEBUG)) {
        char msg[2048];

        pl_log(PL_LOG_DEBUG, "rejected: %s",
               pl_error_format(why, msg, sizeof msg));
    }
    if (r->o->strict)
        return pl_reader_fatal(r, why);
    return PL_OK;
}

/* Find invalid UTF-8 in s; repair (REPAIR) or describe it (REJECT).
 * Counting is left to the caller. *first is the first bad offset. */
static enum pl_status utf8_scan(struct pl_reader *r, const char *s,
                                size_t n, long line, long col, char **fixed,
                                size_t *fixed_n, size_t *first,
                                struct pl_error *why)
{
    *fixed = NULL;
    *fixed_n = 0;
    if (is_ascii(s, n) || pl_utf8_validate(s, n, first) == 0)
        return PL_OK;
    if (r->o->utf8 == PL_UTF8_REJECT) {
        pl_pos_advance(s, *first, &line, &col);
        return pl_error_set(why, PL_ERR_UTF8, r->path, line, col,
                            "expected valid UTF-8, found byte 0x%02X",
                            (unsigned char)s[*first]);
    }
    if (pl_utf8_repair(s, n, fixed, fixed_n, NULL) != PL_OK)
        return pl_error_set(why, PL_ERR_NOMEM, r->path, line, col,
                            "out of memory repairing UTF-8");
    return PL_OK;
}

static void note_repair(struct pl_reader *r, const char *s, size_t first,
                        long line, long col, const char *what)
{
    r->st->utf8_repaired++;
    if (pl_log_enabled(PL_LOG_WARN)) {
        pl_pos_advance(s, first, &line, &col);
        pl_log(PL_LOG_WARN, "%s:%ld:%ld: %s replaced with U+FFFD",
               r->path, line, col, what);
    }
}

enum pl_status pl_reader_utf8(struct pl_reader *r, const char *s, size_t n,
                              long line, long col, char **fixed,
                              size_t *fixed_n, struct pl_error *why)
{
    size_t first;
    enum pl_status st = utf8_scan(r, s, n, line, col, fixed, fixed_n,
                                  &first, why);

    if (st == PL_OK && *fixed)
        note_repair(r, s, first, line, col, "invalid UTF-8");
    return st;
}

static int hex4(const char *s)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Is there a \uD800..\uDFFF escape at s[i] that is not half of a pair?
 * *step is how far to move on. */
static int lone_surrogate(const char *s, size_t n, size_t i, size_t *step)
{
    int v, w;

    *step = 2;
    if (i + 6 > n || s[i + 1] != 'u' || (v = hex4(s + i + 2)) < 0)
        return 0;
    *step = 6;
    if (v < 0xD800 || v > 0xDFFF)
        return 0;
    if (v <= 0xDBFF && i + 12 <= n && s[i + 6] == '\\' &&
        s[i + 7] == 'u' && (w = hex4(s + i + 8)) >= 0xDC00 && w <= 0xDFFF) {
        *step = 12;
        return 0;
    }
    return 1;
}

/* Count lone surrogate escapes in s; with fix, rewrite each to \uFFFD
 * (same length, so positions hold). *first gets the first one's offset. */
static size_t fix_surrogates(char *s, size_t n, int fix, size_t *first)
{
    size_t i = 0, bad = 0, step;
    const char *p;

    while (i < n && (p = memchr(s + i, '\\', n - i))) {
        i = (size_t)(p - s);
        if (lone_surrogate(s, n, i, &step)) {
            if (bad++ == 0)
                *first = i;
            if (fix)
                memcpy(s + i + 2, "FFFD", 4);
        }
        i += step;
    }
    return bad;
}

/* Under REPAIR, give *buf (a copy when needed) lone surrogate escapes
 * rewritten. Returns how many there were, or -1 when out of memory. */
static long repair_escapes(const char **p, size_t n, char **copy,
                           size_t *first)
{
    size_t bad = fix_surrogates((char *)*p, n, 0, first);

    if (!bad)
        return 0;
    if (!*copy) {
        if (!(*copy = pl_strndup(*p, n)))
            return -1;
        *p = *copy;
    }
    fix_surrogates(*copy, n, 1, first);
    return (long)bad;
}

enum pl_status pl_reader_json(struct pl_reader *r, const char *s, size_t n,
                              long line, long col, size_t flags,
                              json_t **out, struct pl_error *why)
{
    char *fixed = NULL;
    const char *p = s;
    size_t fixed_n, first = 0, efirst = 0;
    long esc = 0;
    json_error_t je;
    enum pl_status st;

    *out = NULL;
    st = utf8_scan(r, s, n, line, col, &fixed, &fixed_n, &first, why);
    if (st != PL_OK)
        return st;
    if (fixed) {
        p = fixed;
        n = fixed_n;
    }
    if (r->o->utf8 == PL_UTF8_REPAIR &&
        (esc = repair_escapes(&p, n, &fixed, &efirst)) < 0)
        st = pl_error_set(why, PL_ERR_NOMEM, r->path, line, col,
                          "out of memory");
    if (st == PL_OK && !(*out = json_loadb(p, n, flags, &je))) {
        pl_json_error(why, r->path, p, n, line, col, &je);
        st = why->status;
    }
    if (st == PL_OK && (fixed_n || esc))
        note_repair(r, fixed_n ? s : p, fixed_n ? first : efirst, line, col,
                    fixed_n ? "invalid UTF-8" : "lone surrogate escape");
    free(fixed);
    return st;
}

/* ---- jansson errors ------------------------------------------------- */

const char *pl_json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "a value";
}

#define PL_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* jansson messages that do not end in "expected", and how to say them. */
static const struct {
    const char *head, *what, *prefix;
    int rest; /* found = prefix + rest of the head, else + token */
} json_messages[] = {
    { "unexpected token", "a JSON value", "", 0 },
    { "invalid token", "a JSON value", "", 0 },
    { "premature end of input", "a complete JSON value",
      "end of file after ", 0 },
    { "duplicate object key", "unique keys", "a repeated key ", 0 },
    { "invalid Unicode ", "a valid Unicode escape", "", 1 },
    { "\\u0000 is not allowed without JSON_ALLOW_NUL",
      "text without NUL characters", "\\u0000", 1 },
    { "control character ", "control characters to be escaped",
      "control character ", 1 },
};

/*
 * Rephrase jansson's messages ("X expected near 'Y'", "invalid token
 * near 'Y'", ...) as "expected X, found Y"; *tok_len gets the length of
 * the quoted token (0 for none), *at_eof whether it was the end.
 */
static void json_phrase(const char *text, char *buf, size_t n,
                        size_t *tok_len, int *at_eof)
{
    const char *near = strstr(text, " near ");
    size_t hn = near ? (size_t)(near - text) : strlen(text);
    const char *found = near ? near + 6 : "something else";

    *at_eof = near && !strcmp(found, "end of file");
    *tok_len = near && found[0] == '\'' && strlen(found) >= 2
                   ? strlen(found) - 2 : 0;
    if (hn > 9 && !strncmp(text + hn - 9, " expected", 9)) {
        snprintf(buf, n, "expected %.*s, found %s", (int)(hn - 9), text,
                 found);
        return;
    }
    for (size_t i = 0; i < PL_COUNT_OF(json_messages); i++) {
        size_t k = strlen(json_messages[i].head);

        if (strncmp(text, json_messages[i].head, k) || k > hn)
            continue;
        if (json_messages[i].rest)
            snprintf(buf, n, "expected %s, found %s%.*s", json_messages[i].what,
                     json_messages[i].prefix, (int)(hn - k), text + k);
        else
            snprintf(buf, n, "expected %s, found %s%s", json_messages[i].what,
                     json_messages[i].prefix, found);
        return;
    }
    snprintf(buf, n, "invalid JSON: %s", text);
}

void pl_json_error(struct pl_error *why, const char *path, const char *s,
                   size_t n, long line, long col, const json_error_t *je)
{
    char msg[400];
    size_t tok, off = je->position > 0 ? (size_t)je->position : 0;
    int at_eof;

    json_phrase(je->text, msg, sizeof msg, &tok, &at_eof);
    if (!at_eof)
        off = tok && tok <= off ? off - tok : (off ? off - 1 : 0);
    if (off > n)
        off = n;
    pl_pos_advance(s, off, &line, &col);
    pl_error_set(why, PL_ERR_PARSE, path, line, col, "%s", msg);
}

/* ---- sniffing ---------------------------------------------------------- */

/* What the first object of a JSON file holds. */
struct keys {
    int id, turns, messages, clinc, dialogue_id, service_name, n;
    char first[160];
};

static int key_is(const char *s, size_t a, size_t b, const char *k)
{
    return b - a == strlen(k) && !memcmp(s + a, k, b - a);
}

/* Does an array of arrays (or an empty array) start at js->pos? */
static int array_of_arrays(const struct pl_jscan *at)
{
    struct pl_jscan js = *at;
    int c;

    if (pl_jscan_expect(&js, '['))
        return 0;
    c = pl_jscan_ws(&js);
    return c == '[' || c == ']';
}

static void note_key(struct keys *k, const char *s, size_t a, size_t b,
                     struct pl_jscan *js)
{
    static const char *const clinc[] = { "train", "val", "test",
                                         "oos_train", "oos_val",
                                         "oos_test" };
    int arr = pl_jscan_ws(js) == '[';
    size_t used = strlen(k->first);

    k->id |= key_is(s, a, b, "id");
    k->turns |= arr && key_is(s, a, b, "turns");
    k->messages |= arr && key_is(s, a, b, "messages");
    k->dialogue_id |= key_is(s, a, b, "dialogue_id");
    k->service_name |= key_is(s, a, b, "service_name");
    for (size_t i = 0; i < sizeof clinc / sizeof clinc[0]; i++)
        k->clinc |= key_is(s, a, b, clinc[i]) && array_of_arrays(js);
    if (k->n++ < 3 && used < sizeof k->first - 40)
        snprintf(k->first + used, sizeof k->first - used, "%s\"%.*s\"",
                 used ? ", " : "", (int)(b - a < 32 ? b - a : 32), s + a);
}

/* Collect the member names of the object at js->pos, as far as the
 * sniffed bytes go. */
static void scan_keys(struct pl_jscan *js, struct keys *k)
{
    size_t a, b;

    memset(k, 0, sizeof *k);
    if (pl_jscan_expect(js, '{'))
        return;
    while (pl_jscan_ws(js) == '"') {
        if (pl_jscan_string(js, &a, &b) || pl_jscan_expect(js, ':'))
            return;
        note_key(k, js->s, a, b, js);
        if (pl_jscan_value(js) != 0 || pl_jscan_ws(js) != ',')
            return;
        js->pos++;
    }
}

/* What the object at js->pos says: JSON Lines or a CLINC150 document. */
static enum pl_format object_format(struct pl_jscan *js, struct keys *k)
{
    enum pl_format chat = pl_chat_sniff(js, 0);

    scan_keys(js, k);
    if (chat != PL_FMT_AUTO)
        return chat;
    if (k->messages)
        return PL_FMT_OPENAI;
    if (k->id && k->turns)
        return PL_FMT_UNIFIED;
    if (k->clinc)
        return PL_FMT_CLINC;
    return PL_FMT_AUTO;
}

/* An object at the start; when it is not conclusive (a damaged first
 * line of JSON Lines), the objects starting the next few lines. */
static enum pl_format sniff_objects(struct pl_jscan *js, char *desc,
                                    size_t dn)
{
    struct pl_jscan at = *js;
    struct keys k, first;
    enum pl_format f = object_format(&at, &first);
    const char *nl = js->s + js->pos;

    for (int i = 0; f == PL_FMT_AUTO && i < 16; i++) {
        nl = memchr(nl, '\n', (size_t)(js->s + js->n - nl));
        if (!nl)
            break;
        at = *js;
        at.pos = (size_t)(++nl - js->s);
        if (at.pos < at.n && js->s[at.pos] == '{')
            f = object_format(&at, &k);
    }
    if (f == PL_FMT_AUTO)
        snprintf(desc, dn, "a JSON object with keys %s",
                 first.n ? first.first : "(none)");
    return f;
}

static enum pl_format sniff_json(struct pl_jscan *js, int *schema,
                                 char *desc, size_t dn)
{
    struct keys k;

    if (js->s[js->pos] == '{')
        return sniff_objects(js, desc, dn);
    js->pos++;
    if (pl_jscan_ws(js) != '{') {
        snprintf(desc, dn, "a JSON array without objects");
        return PL_FMT_AUTO;
    }
    if (pl_chat_sniff(js, 1) == PL_FMT_SHAREGPT)
        return PL_FMT_SHAREGPT;
    scan_keys(js, &k);
    if (k.dialogue_id || k.service_name) {
        *schema = !k.dialogue_id;
        return PL_FMT_SGD;
    }
    snprintf(desc, dn, "a JSON array of objects with keys %s",
             k.n ? k.first : "(none)");
    return PL_FMT_AUTO;
}

/*
 * One CSV/TSV record from s[*pos..n): its field count and longest field.
 * Returns 1 when complete, 0 when the bytes ran out inside it (the record
 * may go on past what was sniffed), -1 when it is malformed.
 */
static int table_record(const char *s, size_t n, size_t *pos, char delim,
                        size_t *fields, size_t *longest)
{
    size_t i = *pos, start = i;
    int quoted = 0, after = 0;

    *fields = 1;
    *longest = 0;
    for (; i < n; i++) {
        char c = s[i];

        if (quoted) {
            if (c == '"' && i + 1 < n && s[i + 1] == '"')
                i++;
            else if (c == '"')
                quoted = 0, after = 1;
            continue;
        }
        if (c == delim || c == '\n') {
            *longest = i - start > *longest ? i - start : *longest;
            start = i + 1;
            after = 0;
            if (c == '\n')
                break;
            ++*fields;
        } else if (c == '"' && i == start) {
            quoted = 1;
        } else if (after && c != '\r') {
            return -1;
        }
    }
    *pos = i + 1;
    return i < n ? 1 : 0;
}

/* The first bytes of the first line, quoted and escaped, for messages. */
/* A NUL byte, or invalid UTF-8 in the first bytes (a cut at the end of
 * the sample does not count). */
static int looks_binary(const char *s, size_t n)
{
    size_t head = n < 512 ? n : 512, first_bad;

    if (memchr(s, '\0', head))
        return 1;
    return pl_utf8_validate(s, head, &first_bad) > 0 && first_bad + 4 < head;
}

static void describe_text(const char *s, size_t n, char *desc, size_t dn)
{
    char q[64];
    size_t k = 0;

    for (size_t i = 0; i < n && s[i] != '\n' && s[i] != '\r' && k < 40;
         i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c != 0x7F && c != '"')
            q[k++] = (char)c;
        else
            k += (size_t)snprintf(q + k, sizeof q - k, "\\x%02X", c);
    }
    q[k < sizeof q ? k : sizeof q - 1] = '\0';
    if (n && looks_binary(s, n))
        snprintf(desc, dn, "binary data (not text)");
    else if (n)
        snprintf(desc, dn, "text starting \"%s\"", q);
    else
        snprintf(desc, dn, "an empty file");
}

static char table_delim(const char *s, size_t n)
{
    size_t tabs = 0, commas = 0;
    int quoted = 0;

    for (size_t i = 0; i < n && s[i] != '\n'; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == '\t')
            tabs++;
        else if (!quoted && s[i] == ',')
            commas++;
        else if ((unsigned char)s[i] < 0x20 && s[i] != '\r')
            return 0;
    }
    return tabs && tabs >= commas ? '\t' : commas ? ',' : 0;
}

/* A header line with at least two short fields, and a first data record
 * with as many (a header alone says too little to go on). */
static enum pl_format sniff_table(const char *s, size_t n, int complete)
{
    char delim = n && s[0] != '#' ? table_delim(s, n) : 0;
    size_t pos = 0, k, longest, k2, l2;
    enum pl_format f;
    int rc;

    if (!delim)
        return PL_FMT_AUTO;
    f = delim == ',' ? PL_FMT_CSV : PL_FMT_TSV;
    rc = table_record(s, n, &pos, delim, &k, &longest);
    if (rc < 0 || k < 2 || longest > 200 || (rc == 0 && !complete))
        return PL_FMT_AUTO;
    while (pos < n && (s[pos] == '\n' || (s[pos] == '\r' && pos + 1 < n &&
                                          s[pos + 1] == '\n')))
        pos++;
    if (pos >= n)
        return PL_FMT_AUTO;
    rc = table_record(s, n, &pos, delim, &k2, &l2);
    if (rc < 0 || ((rc > 0 || complete) && k2 != k))
        return PL_FMT_AUTO;
    return f;
}

/* Line formats known by their first line. */
static enum pl_format sniff_lines(const char *s, size_t n)
{
    if (pl_parlai_text_sniff(s, n))
        return PL_FMT_PARLAI_TEXT;
    return pl_fasttext_sniff(s, n) ? PL_FMT_FASTTEXT : PL_FMT_AUTO;
}

enum pl_format pl_sniff_buffer(const char *s, size_t n, int complete,
                               const char *path, int *schema,
                               struct pl_error *err)
{
    struct pl_jscan js;
    char desc[256] = "", names[400];
    enum pl_format f = PL_FMT_AUTO;
    int c;

    *schema = 0;
    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
        s += 3;
        n -= 3;
    }
    if ((f = pl_exports_sniff(s, n, complete)) != PL_FMT_AUTO)
        return f;
    pl_jscan_init(&js, s, n, 1, 1);
    c = pl_jscan_ws(&js);
    if (c == '{' || c == '[')
        f = sniff_json(&js, schema, desc, sizeof desc);
    else if (c >= 0 && !(f = pl_rasa_sniff(s + js.bol, n - js.bol)) &&
             (f = sniff_lines(s + js.bol, n - js.bol)) == PL_FMT_AUTO)
        f = sniff_table(s + js.bol, n - js.bol, complete);
    if (f == PL_FMT_AUTO)
        f = pl_taskdata_sniff(s, n);
    if (f == PL_FMT_AUTO && !desc[0])
        describe_text(s + js.pos, n - js.pos, desc, sizeof desc);
    if (f == PL_FMT_AUTO)
        pl_error_set(err, PL_ERR_FORMAT, path, 1, 1,
                     "expected a known conversation format (%s), found %s",
                     pl_format_list(names, sizeof names), desc);
    return f;
}

/* ---- files and folders ------------------------------------------------ */

/* Read up to PL_SNIFF_BYTES of path into buf; *complete when that was
 * the whole file. */
static enum pl_status read_head(const char *path, char *buf, size_t *n,
                                int *complete, struct pl_error *err)
{
    FILE *fp = fopen(path, "rb");

    if (!fp)
        return pl_error_set(err, PL_ERR_IO, path, 0, 0, "cannot open: %s",
                            strerror(errno));
    *n = fread(buf, 1, PL_SNIFF_BYTES, fp);
    *complete = *n < PL_SNIFF_BYTES;
    if (ferror(fp)) {
        fclose(fp);
        return pl_error_set(err, PL_ERR_IO, path, 0, 0, "read failed: %s",
                            strerror(errno));
    }
    fclose(fp);
    return PL_OK;
}

/* Licences, readmes and documents that sit beside data files. */
static int is_doc_name(const char *path)
{
    static const char *const prefixes[] = { "readme", "license", "licence",
                                            "copying", "notice", "authors",
                                            "changelog", "citation" };
    static const char *const exts[] = { ".md", ".markdown", ".rst", ".pdf",
                                        ".html", ".htm" };
    const char *base = strrchr(path, '/');
    size_t bn;

    base = base ? base + 1 : path;
    bn = strlen(base);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncasecmp(base, prefixes[i], strlen(prefixes[i])))
            return 1;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (bn > strlen(exts[i]) &&
            !strcasecmp(base + bn - strlen(exts[i]), exts[i]))
            return 1;
    return 0;
}

static void note_format(struct pl_read_stats *st, enum pl_format f)
{
    const char *name = pl_format_name(f);
    size_t used = strlen(st->formats), nn = strlen(name);
    const char *p = st->formats;

    st->format = f;
    while ((p = strstr(p, name))) {
        if ((p == st->formats || p[-1] == ',') && (!p[nn] || p[nn] == ','))
            return;
        p += nn;
    }
    if (used + nn + 2 <= sizeof st->formats)
        snprintf(st->formats + used, sizeof st->formats - used, "%s%s",
                 used ? "," : "", name);
}

/* Run the parser for f over a FILE or a whole buffer. */
static enum pl_status dispatch(struct pl_reader *r, enum pl_format f,
                               FILE *fp, const char *buf, size_t n)
{
    struct pl_lines lr;
    enum pl_status st;

    if (pl_exports_owns(f))
        return pl_exports_read(r, f, fp, buf, n);
    if (f == PL_FMT_SGD)
        return pl_sgd_read(r, buf, n);
    if (f == PL_FMT_CLINC)
        return pl_clinc_read(r, buf, n);
    if (f == PL_FMT_RASA_YAML)
        return pl_rasa_yaml_read(r, buf, n);
    if (pl_taskdata_owns(f))
        return pl_taskdata_read(r, f, fp, buf, n);
    pl_lines_init(&lr, fp, buf, n, r->max_record);
    if (f == PL_FMT_UNIFIED)
        st = pl_unified_read(r, &lr);
    else if (f == PL_FMT_OPENAI)
        st = pl_openai_read(r, &lr);
    else if (f == PL_FMT_SHAREGPT)
        st = pl_sharegpt_read(r, &lr);
    else if (f == PL_FMT_PARLAI_JSONL)
        st = pl_parlai_jsonl_read(r, &lr);
    else if (f == PL_FMT_FASTTEXT)
        st = pl_fasttext_read(r, &lr);
    else if (f == PL_FMT_PARLAI_TEXT)
        st = pl_parlai_text_read(r, &lr);
    else if (f == PL_FMT_RASA_MD)
        st = pl_rasa_md_read(r, &lr);
    else
        st = pl_csv_read(r, &lr, f == PL_FMT_TSV ? '\t' : ',');
    pl_lines_fini(&lr);
    return st;
}

/* Whole-document formats (and schema files, which are only noted). */
static enum pl_status read_whole(struct pl_reader *r, enum pl_format f,
                                 int schema)
{
    char *buf;
    size_t n;
    enum pl_status st = pl_file_read(r->path, &buf, &n, r->err);

    if (st != PL_OK)
        return st;
    if (schema)
        pl_sgd_schema_note(r->path, buf, n);
    else
        st = dispatch(r, f, NULL, buf, n);
    free(buf);
    return st;
}

static enum pl_status read_stream(struct pl_reader *r, enum pl_format f)
{
    FILE *fp = fopen(r->path, "rb");
    enum pl_status st;

    if (!fp)
        return pl_error_set(r->err, PL_ERR_IO, r->path, 0, 0,
                            "cannot open: %s", strerror(errno));
    st = dispatch(r, f, fp, NULL, 0);
    fclose(fp);
    return st;
}

/* Files that travel with corpora and are read by a reader beside them
 * or are plainly not dialogues: skipped without a warning. */
static int is_aux_name(const char *path)
{
    static const char *const names[] = { "domains.json", "categories.json",
                                         "valListFile", "testListFile",
                                         "trainListFile", "valListFile.json",
                                         "testListFile.json",
                                         "valListFile.txt",
                                         "testListFile.txt",
                                         "dialog_acts.json",
                                         "users.json", "channels.json",
                                         "groups.json", "dms.json",
                                         "mpims.json",
                                         "integration_logs.json",
                                         "dialogue_acts.json",
                                         "ontology.json" };
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(base, names[i]))
            return 1;
    return 0;
}

/* A file in a folder that is not in any known format is skipped, but
 * never silently: it is named with what was found, and counted. */
static void note_skipped(struct pl_reader *r, const char *path,
                         const struct pl_error *why)
{
    char buf[2048];

    if (is_aux_name(path)) {
        pl_log(PL_LOG_DEBUG, "%s: skipped (a file that goes with a corpus)",
               path);
        return;
    }
    r->st->files_skipped++;
    pl_log(PL_LOG_WARN, "skipped %s", pl_error_format(why, buf, sizeof buf));
}

/* Which format to read path as, or PL_FMT_AUTO to skip it (a document
 * in a folder); *schema for an SGD schema.json, which is only noted. A
 * fatal sniffing error goes to r->err. */
static enum pl_status choose_format(struct pl_reader *r, const char *path,
                                    int in_folder, enum pl_format *f,
                                    int *schema)
{
    char *head;
    size_t n;
    int complete;
    struct pl_error serr;
    enum pl_status st;

    *f = PL_FMT_AUTO;
    *schema = 0;
    if (in_folder && is_doc_name(path) && !pl_rasa_md_file(path)) {
        pl_log(PL_LOG_DEBUG, "%s: skipped (a document, not data)", path);
        return PL_OK;
    }
    if (!(head = malloc(PL_SNIFF_BYTES)))
        return pl_error_set(r->err, PL_ERR_NOMEM, path, 0, 0,
                            "out of memory");
    st = read_head(path, head, &n, &complete, r->err);
    if (st == PL_OK) {
        enum pl_format k = pl_sniff_buffer(head, n, complete, path,
                                           schema, &serr);

        if (*schema)
            *f = PL_FMT_SGD;
        else if (r->o->format != PL_FMT_AUTO &&
                 (!in_folder || k != PL_FMT_AUTO))
            *f = r->o->format;
        else if (k != PL_FMT_AUTO)
            *f = k;
        else if (!in_folder)
            st = pl_reader_fatal(r, &serr);
        else
            note_skipped(r, path, &serr);
    }
    free(head);
    return st;
}

static enum pl_status read_file(struct pl_reader *r, const char *path,
                                int in_folder)
{
    enum pl_format f;
    int schema;
    enum pl_status st = choose_format(r, path, in_folder, &f, &schema);

    if (st != PL_OK || f == PL_FMT_AUTO)
        return st;
    r->path = path;
    if (schema)
        return read_whole(r, f, 1);
    r->st->files++;
    note_format(r->st, f);
    if (f == PL_FMT_SGD || f == PL_FMT_CLINC || f == PL_FMT_RASA_YAML)
        return read_whole(r, f, 0);
    return read_stream(r, f);
}

typedef enum pl_status (*visit_fn)(void *ctx, const char *path, int *stop);

static int skip_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Visit the regular files under dir in byte order of their names,
 * folders recursively, hidden entries skipped. */
static enum pl_status walk(const char *dir, int depth, visit_fn fn,
                           void *ctx, int *stop, struct pl_error *err)
{
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, skip_hidden, by_name);
    enum pl_status st = PL_OK;

    if (n < 0)
        return pl_error_set(err, PL_ERR_IO, dir, 0, 0,
                            "cannot read folder: %s", strerror(errno));
    for (int i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(ents[i]->d_name) + 2;
        char *path = malloc(len);
        struct stat sb;

        if (!path)
            st = pl_error_set(err, PL_ERR_NOMEM, dir, 0, 0, "out of memory");
        if (st == PL_OK && !*stop) {
            size_t dl = strlen(dir);

            /* "corpora/" given with its slash: no "//" in the paths */
            snprintf(path, len, "%s%s%s", dir,
                     dl && dir[dl - 1] == '/' ? "" : "/", ents[i]->d_name);
            int found = stat(path, &sb) == 0;

            if (found && S_ISDIR(sb.st_mode) && depth < 32)
                st = walk(path, depth + 1, fn, ctx, stop, err);
            else if (found && S_ISREG(sb.st_mode))
                st = fn(ctx, path, stop);
        }
        free(path);
        free(ents[i]);
    }
    free(ents);
    return st;
}

static enum pl_status visit_read(void *ctx, const char *path, int *stop)
{
    struct pl_reader *r = ctx;
    enum pl_status st = read_file(r, path, 1);

    *stop = st != PL_OK;
    return st;
}

static enum pl_status check_opts(const struct pl_read_opts *o,
                                 const char *path, struct pl_error *err)
{
    if (!o || !o->on_dialogue || !path)
        return pl_error_set(err, PL_ERR_USAGE, path, 0, 0,
                            "pl_read needs a path and options with a "
                            "dialogue callback");
    if ((int)o->format < 0 || o->format >= PL_FMT_COUNT)
        return pl_error_set(err, PL_ERR_USAGE, path, 0, 0,
                            "unknown format number %d", (int)o->format);
    return PL_OK;
}

static void reader_init(struct pl_reader *r, const struct pl_read_opts *o,
                        struct pl_read_stats *st, struct pl_error *err,
                        const char *path)
{
    memset(st, 0, sizeof *st);
    st->format = PL_FMT_AUTO;
    r->o = o;
    r->st = st;
    r->err = err;
    r->path = path;
    r->max_record = o->max_record_bytes ? o->max_record_bytes
                                        : PL_RECORD_MAX_DEFAULT;
    r->cache = NULL;
    r->cache_free = NULL;
}

/* Everything from fp into a new buffer (caller frees). */
static enum pl_status slurp_stream(FILE *fp, const char *name, char **out,
                                   size_t *n, struct pl_error *err)
{
    size_t cap = 1 << 16, got;
    char *buf = malloc(cap), *nb;

    *n = 0;
    while (buf && (got = fread(buf + *n, 1, cap - *n, fp)) > 0) {
        *n += got;
        if (*n < cap)
            continue;
        if (!(nb = realloc(buf, cap * 2))) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
            cap *= 2;
        }
    }
    if (!buf)
        return pl_error_set(err, PL_ERR_NOMEM, name, 0, 0, "out of memory");
    if (ferror(fp)) {
        free(buf);
        return pl_error_set(err, PL_ERR_IO, name, 0, 0, "read failed: %s",
                            strerror(errno));
    }
    *out = buf;
    return PL_OK;
}

/*
 * Standard input ("-") and pipes cannot be read twice, once to detect
 * the format and once to parse, so they are read into memory first.
 */
static enum pl_status read_pipe(const char *path,
                                const struct pl_read_opts *o,
                                struct pl_read_stats *st,
                                struct pl_error *err)
{
    int is_stdin = !strcmp(path, "-");
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    enum pl_status s;

    if (!fp)
        return pl_error_set(err, PL_ERR_IO, path, 0, 0, "cannot open: %s",
                            strerror(errno));
    s = slurp_stream(fp, name, &buf, &n, err);
    if (!is_stdin)
        fclose(fp);
    if (s == PL_OK)
        s = pl_read_buffer(name, buf, n, o, st, err);
    free(buf);
    return s;
}

enum pl_status pl_read(const char *path, const struct pl_read_opts *o,
                       struct pl_read_stats *st, struct pl_error *err)
{
    struct pl_read_stats local;
    struct pl_reader r;
    struct stat sb;
    enum pl_status s;
    int stop = 0;
    char names[400];

    pl_error_clear(err);
    if ((s = check_opts(o, path, err)) != PL_OK)
        return s;
    reader_init(&r, o, st ? st : &local, err, path);
    if (!strcmp(path, "-"))
        return read_pipe(path, o, r.st, err);
    if (stat(path, &sb) != 0)
        return pl_error_set(err, PL_ERR_IO, path, 0, 0, "cannot open: %s",
                            strerror(errno));
    if (S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode))
        return read_pipe(path, o, r.st, err);
    if (!S_ISDIR(sb.st_mode))
        s = read_file(&r, path, 0);
    else
        s = walk(path, 0, visit_read, &r, &stop, err);
    if (r.cache_free)
        r.cache_free(r.cache);
    if (s == PL_OK && S_ISDIR(sb.st_mode) && r.st->files == 0)
        s = pl_error_set(err, PL_ERR_FORMAT, path, 0, 0,
                         "expected conversation files in this folder (%s), "
                         "found none", pl_format_list(names, sizeof names));
    return s;
}

enum pl_status pl_read_buffer(const char *name, const char *buf, size_t n,
                              const struct pl_read_opts *o,
                              struct pl_read_stats *st,
                              struct pl_error *err)
{
    struct pl_read_stats local;
    struct pl_reader r;
    struct pl_error serr;
    enum pl_format f;
    enum pl_status s;
    int schema;

    pl_error_clear(err);
    if ((s = check_opts(o, name, err)) != PL_OK)
        return s;
    reader_init(&r, o, st ? st : &local, err, name);
    f = pl_sniff_buffer(buf, n, 1, name, &schema, &serr);
    if (schema) {
        pl_sgd_schema_note(name, buf, n);
        return PL_OK;
    }
    if (o->format != PL_FMT_AUTO)
        f = o->format;
    if (f == PL_FMT_AUTO)
        return pl_reader_fatal(&r, &serr);
    r.st->files++;
    note_format(r.st, f);
    s = dispatch(&r, f, NULL, buf, n);
    if (r.cache_free)
        r.cache_free(r.cache);
    return s;
}

/* ---- whole corpora and sniffing files --------------------------------- */

static enum pl_status take_dialogue(struct pl_dialogue *d, void *ctx)
{
    enum pl_status st = pl_corpus_take(ctx, d);

    if (st != PL_OK)
        pl_dialogue_fini(d);
    return st;
}

/* The corpus's name: the option, else the one name all dialogues share,
 * else the path's stem. */
static enum pl_status name_corpus(struct pl_corpus *c, const char *path,
                                  const struct pl_read_opts *o,
                                  const struct pl_read_stats *st)
{
    char stem[256];
    const char *name = o->corpus_name;

    for (size_t i = 0; !name && i < c->n_dialogues; i++)
        if (strcmp(c->dialogues[i].corpus, c->dialogues[0].corpus))
            break;
        else if (i + 1 == c->n_dialogues && c->dialogues[0].corpus[0])
            name = c->dialogues[0].corpus;
    if (!name)
        name = pl_name_stem(path, stem, sizeof stem);
    if (replace_str(&c->name, name) != PL_OK ||
        replace_str(&c->format, st->formats) != PL_OK)
        return PL_ERR_NOMEM;
    return PL_OK;
}

enum pl_status pl_corpus_read(const char *path,
                              const struct pl_read_opts *o,
                              struct pl_corpus **out,
                              struct pl_read_stats *st,
                              struct pl_error *err)
{
    struct pl_read_opts co;
    struct pl_read_stats local;
    struct pl_corpus *c = pl_corpus_new(NULL);
    enum pl_status s;

    *out = NULL;
    if (!c)
        return pl_error_set(err, PL_ERR_NOMEM, path, 0, 0, "out of memory");
    if (o)
        co = *o;
    else
        pl_read_opts_default(&co);
    co.on_dialogue = take_dialogue;
    co.ctx = c;
    if (!st)
        st = &local;
    s = pl_read(path, &co, st, err);
    if (s == PL_OK && name_corpus(c, path, &co, st) != PL_OK)
        s = pl_error_set(err, PL_ERR_NOMEM, path, 0, 0, "out of memory");
    if (s != PL_OK) {
        pl_corpus_free(c);
        return s;
    }
    *out = c;
    return PL_OK;
}

struct sniff_walk {
    enum pl_format found;
};

static enum pl_status visit_sniff(void *ctx, const char *path, int *stop)
{
    struct sniff_walk *w = ctx;
    struct pl_error e;

    if (is_doc_name(path) && !pl_rasa_md_file(path))
        return PL_OK;
    w->found = pl_format_sniff(path, &e);
    *stop = w->found != PL_FMT_AUTO;
    return PL_OK;
}

enum pl_format pl_format_sniff(const char *path, struct pl_error *err)
{
    struct sniff_walk w = { PL_FMT_AUTO };
    struct stat sb;
    char *head;
    size_t n;
    int complete, schema, stop = 0;
    enum pl_format f = PL_FMT_AUTO;

    pl_error_clear(err);
    if (stat(path, &sb) != 0) {
        pl_error_set(err, PL_ERR_IO, path, 0, 0, "cannot open: %s",
                     strerror(errno));
        return PL_FMT_AUTO;
    }
    if (S_ISDIR(sb.st_mode)) {
        if (walk(path, 0, visit_sniff, &w, &stop, err) == PL_OK && !stop)
            pl_error_set(err, PL_ERR_FORMAT, path, 0, 0,
                         "expected conversation files in this folder, "
                         "found none in a known format");
        return w.found;
    }
    if (!(head = malloc(PL_SNIFF_BYTES)))
        return PL_FMT_AUTO;
    if (read_head(path, head, &n, &complete, err) == PL_OK)
        f = pl_sniff_buffer(head, n, complete, path, &schema, err);
    free(head);
    return f;
}
