/*
 * YAML documents for the readers, on top of libyaml's event parser: bytes
 * libyaml would refuse are replaced before parsing (and remembered),
 * marks become byte offsets and file locations, libyaml's problems are
 * phrased as "expected X, found Y", and nodes are built into small trees
 * with anchors and aliases resolved (copies, within a budget) and turned
 * into typed JSON.
 */
#define _POSIX_C_SOURCE 200809L
#include "yaml_impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Deeper documents are refused rather than recursed into. */
#define MAX_DEPTH 100

struct pl_yanchor {
    char *name;
    struct pl_ynode *node;
};

static int nomem(struct pl_yaml *y)
{
    pl_error_set(&y->why, PL_ERR_NOMEM, y->r->path, 0, 0, "out of memory");
    return -1;
}

/* ---- bytes libyaml would refuse ------------------------------------- */

/* Length of the UTF-8 character at p (n bytes left), its code point in
 * *cp, or -1 there for a maximal invalid subpart of that length. */
static size_t utf8_char(const unsigned char *p, size_t n, long *cp)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    size_t need;
    long v;

    *cp = c;
    if (c < 0x80)
        return 1;
    *cp = -1;
    if (c < 0xC2 || c > 0xF4)
        return 1;
    need = c <= 0xDF ? 1 : c <= 0xEF ? 2 : 3;
    v = c & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07);
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (size_t i = 1; i <= need; i++) {
        if (i >= n || p[i] < lo || p[i] > hi)
            return i;
        v = (v << 6) | (p[i] & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = v;
    return need + 1;
}

/* The characters a YAML stream may hold. */
static int yaml_allowed(long c)
{
    return c == 0x09 || c == 0x0A || c == 0x0D ||
           (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
           (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/* Walk s replacing refused characters with U+FFFD into out and subs
 * (either may be NULL to only count). Returns the count; *w the length
 * of the result. */
static size_t substitute(const char *s, size_t n, char *out,
                         struct pl_ysub *subs, size_t *w)
{
    size_t i = 0, k = 0, len;
    long cp;

    *w = 0;
    while (i < n) {
        len = utf8_char((const unsigned char *)s + i, n - i, &cp);
        if (cp >= 0 && yaml_allowed(cp)) {
            if (out)
                memcpy(out + *w, s + i, len);
            *w += len;
        } else {
            if (subs) {
                subs[k].at = *w;
                subs[k].from = i;
                subs[k].len = len;
                subs[k].ctrl = cp >= 0;
            }
            if (out)
                memcpy(out + *w, "\xEF\xBF\xBD", 3);
            *w += 3;
            k++;
        }
        i += len;
    }
    return k;
}

enum pl_status pl_yaml_open(struct pl_yaml *y, struct pl_reader *r,
                            const char *buf, size_t n)
{
    size_t w, k;

    memset(y, 0, sizeof *y);
    y->r = r;
    y->orig = y->text = buf;
    y->orig_n = y->n = n;
    y->lline = 1;
    y->budget = r->max_record < ((size_t)1 << 20) ? (size_t)1 << 20
                                                  : r->max_record;
    k = substitute(buf, n, NULL, NULL, &w);
    if (k && (!(y->copy = malloc(w + 1)) ||
              !(y->subs = malloc(k * sizeof *y->subs))))
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                            "out of memory");
    if (k) {
        y->n_subs = substitute(buf, n, y->copy, y->subs, &y->n);
        y->copy[y->n] = '\0';
        y->text = y->copy;
    }
    if (!yaml_parser_initialize(&y->p))
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                            "out of memory");
    y->started = 1;
    yaml_parser_set_input_string(&y->p, (const unsigned char *)y->text,
                                 y->n);
    yaml_parser_set_encoding(&y->p, YAML_UTF8_ENCODING);
    return PL_OK;
}

void pl_yaml_close(struct pl_yaml *y)
{
    if (y->started)
        yaml_parser_delete(&y->p);
    for (size_t i = 0; i < y->n_anchors; i++) {
        free(y->anchors[i].name);
        pl_ynode_free(y->anchors[i].node);
    }
    free(y->anchors);
    free(y->copy);
    free(y->subs);
    y->started = 0;
    y->anchors = NULL;
    y->copy = NULL;
    y->subs = NULL;
}

/* ---- offsets and locations ------------------------------------------ */

size_t pl_yaml_at(struct pl_yaml *y, const yaml_mark_t *m)
{
    if (m->index < y->ci) {
        y->ci = 0;
        y->bi = 0;
    }
    while (y->ci < m->index && y->bi < y->n) {
        unsigned char c = (unsigned char)y->text[y->bi];

        y->bi += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        y->ci++;
    }
    return y->bi < y->n ? y->bi : y->n;
}

/* The last substitution at or before text offset at, or -1. */
static long sub_before(const struct pl_yaml *y, size_t at)
{
    size_t lo = 0, hi = y->n_subs;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (y->subs[mid].at <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

size_t pl_yaml_orig(const struct pl_yaml *y, size_t at)
{
    long k = sub_before(y, at);
    const struct pl_ysub *s;

    if (k < 0)
        return at;
    s = &y->subs[k];
    if (at < s->at + 3)
        return s->from;
    return s->from + s->len + (at - s->at - 3);
}

void pl_yaml_where(struct pl_yaml *y, size_t at, long *line, long *col)
{
    size_t o = pl_yaml_orig(y, at);
    const char *nl;

    if (o > y->orig_n)
        o = y->orig_n;
    if (o < y->lo) {
        y->lo = y->lbol = 0;
        y->lline = 1;
    }
    while ((nl = memchr(y->orig + y->lo, '\n', o - y->lo))) {
        y->lline++;
        y->lo = y->lbol = (size_t)(nl - y->orig) + 1;
    }
    y->lo = o;
    *line = (long)y->lline;
    *col = (long)(o - y->lbol) + 1;
}

const struct pl_ysub *pl_yaml_bad(const struct pl_yaml *y, size_t a,
                                  size_t b)
{
    long k = a ? sub_before(y, a - 1) + 1 : 0;

    if ((size_t)k < y->n_subs && y->subs[k].at < b)
        return &y->subs[k];
    return NULL;
}

/* ---- events and libyaml's problems ----------------------------------- */

/* What stands at text offset at, for messages. */
static void describe_at(const struct pl_yaml *y, size_t at, char *buf,
                        size_t n)
{
    size_t o = pl_yaml_orig(y, at);
    unsigned char c = o < y->orig_n ? (unsigned char)y->orig[o] : 0;
    long cp;
    size_t k;

    if (o >= y->orig_n)
        snprintf(buf, n, "the end of the file");
    else if (c == '\n' || c == '\r')
        snprintf(buf, n, "the end of the line");
    else if (c == '\t')
        snprintf(buf, n, "a tab");
    else if (c >= 0x20 && c < 0x7F)
        snprintf(buf, n, "'%c'", c);
    else if ((k = utf8_char((const unsigned char *)y->orig + o,
                            y->orig_n - o, &cp)) > 1 && cp >= 0xA0 &&
             yaml_allowed(cp))
        snprintf(buf, n, "'%.*s'", (int)k, y->orig + o);
    else
        snprintf(buf, n, "byte 0x%02X", c);
}

static const struct {
    const char *head, *expected;
} yaml_problems[] = {
    { "found character that cannot start any token", "a YAML token" },
    { "found unknown escape character", "a known escape (\\n, \\\", ...)" },
    { "mapping values are not allowed in this context",
      "no ': ' inside a plain value (quote the text)" },
    { "block sequence entries are not allowed in this context",
      "no '- ' entry here" },
    { "found a tab character", "spaces for indentation" },
    { "found unexpected end of stream", "the end of the value" },
};

/* Phrase libyaml's problem as "expected X, found Y (context)". */
static void parse_error(struct pl_yaml *y)
{
    const char *prob = y->p.problem ? y->p.problem : "an error";
    const char *ex = NULL, *w;
    char found[64], ctx[160] = "", tmp[160];
    size_t at = pl_yaml_at(y, &y->p.problem_mark);
    long line, col, cline, ccol;

    describe_at(y, at, found, sizeof found);
    if ((w = strstr(prob, "find expected ")))
        ex = w + 14;
    for (size_t i = 0; !ex && i < sizeof yaml_problems /
                                      sizeof yaml_problems[0]; i++)
        if (!strncmp(prob, yaml_problems[i].head,
                     strlen(yaml_problems[i].head)))
            ex = yaml_problems[i].expected;
    if (y->p.context && strstr(y->p.context, "quoted scalar") &&
        strstr(prob, "end of stream"))
        ex = "a closing quote";
    if (!ex) {
        snprintf(tmp, sizeof tmp, "valid YAML (%s)", prob);
        ex = tmp;
    }
    if (y->p.context) {
        pl_yaml_where(y, pl_yaml_at(y, &y->p.context_mark), &cline, &ccol);
        snprintf(ctx, sizeof ctx, " (%s from line %ld)", y->p.context,
                 cline);
    }
    pl_yaml_where(y, pl_yaml_at(y, &y->p.problem_mark), &line, &col);
    pl_error_set(&y->why, PL_ERR_PARSE, y->r->path, line, col,
                 "expected %s, found %s%s", ex, found, ctx);
}

int pl_yaml_event(struct pl_yaml *y, yaml_event_t *e)
{
    if (yaml_parser_parse(&y->p, e))
        return 0;
    memset(e, 0, sizeof *e);
    if (y->p.error == YAML_MEMORY_ERROR)
        return nomem(y);
    parse_error(y);
    return -1;
}

/* ---- nodes ------------------------------------------------------------ */

void pl_ynode_free(struct pl_ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        pl_ynode_free(n->kid[i]);
    free(n->kid);
    free(n->tag);
    free(n->s);
    free(n);
}

static int node_push(struct pl_ynode *n, struct pl_ynode *kid)
{
    if (n->n == n->cap) {
        size_t cap = n->cap ? 2 * n->cap : 4;
        struct pl_ynode **k = realloc(n->kid, cap * sizeof *k);

        if (!k)
            return -1;
        n->kid = k;
        n->cap = cap;
    }
    n->kid[n->n++] = kid;
    return 0;
}

/* How many levels n spans (a scalar: 1). */
static int node_height(const struct pl_ynode *n)
{
    int h = 0;

    for (size_t i = 0; i < n->n; i++) {
        int k = node_height(n->kid[i]);

        h = k > h ? k : h;
    }
    return h + 1;
}

/* A deep copy, charged to y->budget (a node and each byte of text). */
static struct pl_ynode *node_copy(struct pl_yaml *y,
                                  const struct pl_ynode *n, int *over)
{
    struct pl_ynode *c;

    if (y->budget < 1 + n->len) {
        *over = 1;
        return NULL;
    }
    y->budget -= 1 + n->len;
    if (!(c = calloc(1, sizeof *c)))
        return NULL;
    *c = *n;
    c->kid = NULL;
    c->n = c->cap = 0;
    c->tag = pl_strdup(n->tag);
    c->s = n->s ? malloc(n->len + 1) : NULL;
    if ((n->tag && !c->tag) || (n->s && !c->s)) {
        pl_ynode_free(c);
        return NULL;
    }
    if (n->s)
        memcpy(c->s, n->s, n->len + 1);
    for (size_t i = 0; i < n->n; i++) {
        struct pl_ynode *k = node_copy(y, n->kid[i], over);

        if (!k || node_push(c, k) != 0) {
            pl_ynode_free(k);
            pl_ynode_free(c);
            return NULL;
        }
    }
    return c;
}

static int copy_failed(struct pl_yaml *y, int over, size_t at)
{
    long line, col;

    if (!over)
        return nomem(y);
    pl_yaml_where(y, at, &line, &col);
    pl_error_set(&y->why, PL_ERR_LIMIT, y->r->path, line, col,
                 "expected aliases to expand within the size limit "
                 "(max_record_bytes), found more");
    return -1;
}

/* Remember a copy of n under name (a later anchor of the same name
 * replaces it, as YAML says). */
static int anchor_set(struct pl_yaml *y, char *name,
                      const struct pl_ynode *n)
{
    struct pl_yanchor *a;
    int over = 0;
    struct pl_ynode *c = node_copy(y, n, &over);

    if (!c) {
        free(name);
        return copy_failed(y, over, n->start);
    }
    for (size_t i = 0; i < y->n_anchors; i++)
        if (!strcmp(y->anchors[i].name, name)) {
            pl_ynode_free(y->anchors[i].node);
            y->anchors[i].node = c;
            free(name);
            return 0;
        }
    a = realloc(y->anchors, (y->n_anchors + 1) * sizeof *a);
    if (!a) {
        pl_ynode_free(c);
        free(name);
        return nomem(y);
    }
    y->anchors = a;
    a[y->n_anchors].name = name;
    a[y->n_anchors++].node = c;
    return 0;
}

static int alias_copy(struct pl_yaml *y, const char *name, size_t at,
                      int depth, struct pl_ynode **out)
{
    long line, col;
    int over = 0;

    for (size_t i = y->n_anchors; i-- > 0;) {
        if (strcmp(y->anchors[i].name, name))
            continue;
        if (depth + node_height(y->anchors[i].node) > MAX_DEPTH)
            break;
        *out = node_copy(y, y->anchors[i].node, &over);
        return *out ? 0 : copy_failed(y, over, at);
    }
    pl_yaml_where(y, at, &line, &col);
    pl_error_set(&y->why, PL_ERR_FORMAT, y->r->path, line, col,
                 "expected an anchor defined before this alias and at "
                 "most %d levels deep, found *%.64s", MAX_DEPTH, name);
    return -1;
}

static int build(struct pl_yaml *y, yaml_event_t *e, int depth,
                 struct pl_ynode **out);

/* Read the items of a collection up to its end event. */
static int fill(struct pl_yaml *y, struct pl_ynode *n, int depth)
{
    yaml_event_type_t end = n->kind == PL_Y_MAP ? YAML_MAPPING_END_EVENT
                                                : YAML_SEQUENCE_END_EVENT;
    yaml_event_t e;
    struct pl_ynode *kid;
    long line, col;

    if (depth >= MAX_DEPTH) {
        pl_yaml_where(y, n->start, &line, &col);
        pl_error_set(&y->why, PL_ERR_LIMIT, y->r->path, line, col,
                     "expected at most %d levels of nesting, found more",
                     MAX_DEPTH);
        return -1;
    }
    for (;;) {
        if (pl_yaml_event(y, &e) != 0)
            return -1;
        if (e.type == end) {
            n->end = pl_yaml_at(y, &e.end_mark);
            yaml_event_delete(&e);
            return 0;
        }
        if (build(y, &e, depth + 1, &kid) != 0)
            return -1;
        if (node_push(n, kid) != 0) {
            pl_ynode_free(kid);
            return nomem(y);
        }
    }
}

/* Start a node from its first event (not an alias). */
static struct pl_ynode *node_from(struct pl_yaml *y, const yaml_event_t *e)
{
    struct pl_ynode *n = calloc(1, sizeof *n);
    const yaml_char_t *tag = NULL;

    if (!n)
        return NULL;
    n->start = pl_yaml_at(y, &e->start_mark);
    if (e->type == YAML_SCALAR_EVENT) {
        n->kind = PL_Y_SCALAR;
        n->end = pl_yaml_at(y, &e->end_mark);
        n->len = e->data.scalar.length;
        n->literal = e->data.scalar.style == YAML_LITERAL_SCALAR_STYLE;
        n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                   e->data.scalar.plain_implicit;
        tag = e->data.scalar.tag;
        if ((n->s = malloc(n->len + 1)))
            memcpy(n->s, e->data.scalar.value, n->len + 1);
    } else {
        n->kind = e->type == YAML_MAPPING_START_EVENT ? PL_Y_MAP
                                                      : PL_Y_SEQ;
        tag = n->kind == PL_Y_MAP ? e->data.mapping_start.tag
                                  : e->data.sequence_start.tag;
    }
    n->tag = pl_strdup((const char *)tag);
    if ((n->kind == PL_Y_SCALAR && !n->s) || (tag && !n->tag)) {
        pl_ynode_free(n);
        return NULL;
    }
    return n;
}

static const yaml_char_t *anchor_of(const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT: return e->data.scalar.anchor;
    case YAML_SEQUENCE_START_EVENT: return e->data.sequence_start.anchor;
    case YAML_MAPPING_START_EVENT: return e->data.mapping_start.anchor;
    case YAML_ALIAS_EVENT: return e->data.alias.anchor;
    default: return NULL;
    }
}

static int build(struct pl_yaml *y, yaml_event_t *e, int depth,
                 struct pl_ynode **out)
{
    char *name = pl_strdup((const char *)anchor_of(e));
    int alias = e->type == YAML_ALIAS_EVENT, rc = 0;
    int named = anchor_of(e) != NULL;
    size_t at = pl_yaml_at(y, &e->start_mark);
    struct pl_ynode *n = NULL;

    *out = NULL;
    if (!alias && e->type != YAML_SCALAR_EVENT &&
        e->type != YAML_SEQUENCE_START_EVENT &&
        e->type != YAML_MAPPING_START_EVENT) {
        long line, col;

        pl_yaml_where(y, at, &line, &col);
        rc = -1;
        pl_error_set(&y->why, PL_ERR_PARSE, y->r->path, line, col,
                     "expected a YAML node, found the end of one");
    } else if (!alias && !(n = node_from(y, e)))
        rc = nomem(y);
    yaml_event_delete(e);
    if (named && !name)
        rc = rc ? rc : nomem(y);
    if (rc == 0 && alias)
        rc = alias_copy(y, name, at, depth, &n);
    else if (rc == 0 && n->kind != PL_Y_SCALAR)
        rc = fill(y, n, depth);
    if (rc == 0 && !alias && name) {
        rc = anchor_set(y, name, n);
        name = NULL;
    }
    free(name);
    if (rc != 0) {
        pl_ynode_free(n);
        return -1;
    }
    *out = n;
    return 0;
}

int pl_yaml_node(struct pl_yaml *y, yaml_event_t *e, struct pl_ynode **out)
{
    return build(y, e, 0, out);
}

/* ---- looking at nodes ---------------------------------------------- */

int pl_ynode_is(const struct pl_ynode *n, const char *s)
{
    return n && n->kind == PL_Y_SCALAR && n->len == strlen(s) &&
           !memcmp(n->s, s, n->len);
}

const struct pl_ynode *pl_ynode_get(const struct pl_ynode *map,
                                    const char *key)
{
    for (size_t i = 0; map && map->kind == PL_Y_MAP && i + 1 < map->n;
         i += 2)
        if (pl_ynode_is(map->kid[i], key))
            return map->kid[i + 1];
    return NULL;
}

static int is_null(const struct pl_ynode *n)
{
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

    for (size_t i = 0; n->plain && i < 5; i++)
        if (pl_ynode_is(n, nulls[i]))
            return 1;
    return n->tag && !strcmp(n->tag, "tag:yaml.org,2002:null");
}

const char *pl_ynode_kind(const struct pl_ynode *n)
{
    if (!n)
        return "nothing";
    if (n->kind == PL_Y_MAP)
        return "a mapping";
    if (n->kind == PL_Y_SEQ)
        return "a list";
    return is_null(n) ? "null" : "text";
}

/* ---- typed JSON ---------------------------------------------------- */

static json_t *typed_bool(const char *s)
{
    static const char *const t[] = { "true", "True", "TRUE" };
    static const char *const f[] = { "false", "False", "FALSE" };

    for (int i = 0; i < 3; i++) {
        if (!strcmp(s, t[i]))
            return json_true();
        if (!strcmp(s, f[i]))
            return json_false();
    }
    return NULL;
}

static int all_in(const char *s, const char *set)
{
    return *s && strspn(s, set) == strlen(s);
}

static json_t *typed_int(const char *s)
{
    const char *d = s + (*s == '-' || *s == '+');
    int base = 10;
    long long v;
    char *end;

    if (!strncmp(s, "0o", 2) && all_in(s + 2, "01234567"))
        base = 8, d = s + 2;
    else if (!strncmp(s, "0x", 2) && all_in(s + 2, "0123456789abcdefABCDEF"))
        base = 16, d = s + 2;
    else if (!all_in(d, "0123456789"))
        return NULL;
    errno = 0;
    v = strtoll(base == 10 ? s : d, &end, base);
    if (errno || *end)
        return NULL;
    return json_integer((json_int_t)v);
}

static json_t *typed_float(const char *s)
{
    const char *p = s + (*s == '-' || *s == '+');
    size_t digits = strspn(p, "0123456789"), frac = 0;
    double v;
    char *end;

    p += digits;
    if (*p == '.')
        frac = strspn(++p, "0123456789"), p += frac;
    if (!digits && !frac)
        return NULL;
    if (*p == 'e' || *p == 'E') {
        p += 1 + (p[1] == '-' || p[1] == '+');
        if (!strspn(p, "0123456789"))
            return NULL;
        p += strspn(p, "0123456789");
    }
    if (*p)
        return NULL;
    errno = 0;
    v = strtod(s, &end);
    if (*end || !isfinite(v))
        return NULL;
    return json_real(v);
}

/* A scalar by YAML 1.2's core schema, or as its tag says; anything
 * that is not a well-formed value of its type stays text. */
static json_t *scalar_json(struct pl_yaml *y, const struct pl_ynode *n)
{
    const char *tag = n->tag, *core = "tag:yaml.org,2002:";
    json_t *v = NULL;
    long line, col;

    if (memchr(n->s, '\0', n->len)) {
        pl_yaml_where(y, n->start, &line, &col);
        pl_error_set(&y->why, PL_ERR_FORMAT, y->r->path, line, col,
                     "expected text without NUL characters, found \\0");
        return NULL;
    }
    if (tag && !strncmp(tag, core, strlen(core)))
        tag += strlen(core);
    else if (tag || !n->plain)
        return json_stringn(n->s, n->len);
    if (is_null(n))
        return json_null();
    if (!tag || !strcmp(tag, "bool"))
        v = typed_bool(n->s);
    if (!v && (!tag || !strcmp(tag, "int")))
        v = typed_int(n->s);
    if (!v && (!tag || !strcmp(tag, "float")))
        v = typed_float(n->s);
    return v ? v : json_stringn(n->s, n->len);
}

/* The text of a mapping key: a scalar's value, else its JSON. */
static char *key_text(struct pl_yaml *y, const struct pl_ynode *k)
{
    json_t *j;
    char *s;

    if (k->kind == PL_Y_SCALAR) {
        if (memchr(k->s, '\0', k->len)) {
            json_decref(scalar_json(y, k)); /* says why */
            return NULL;
        }
        if (!(s = pl_strdup(k->s)))
            nomem(y);
        return s;
    }
    if (!(j = pl_ynode_json(y, k)))
        return NULL;
    s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    json_decref(j);
    if (!s)
        nomem(y);
    return s;
}

/* Add the members of merged (an object) that o lacks. */
static int merge_into(json_t *o, json_t *merged)
{
    const char *k;
    json_t *v;

    json_object_foreach(merged, k, v)
        if (!json_object_get(o, k) && json_object_set(o, k, v) != 0)
            return -1;
    return 0;
}

/* Apply a "<<" merge key's value: a mapping or a list of them. */
static int merge_key(struct pl_yaml *y, json_t *o, const struct pl_ynode *v)
{
    json_t *j = pl_ynode_json(y, v), *e;
    size_t i;
    int rc = 0;

    if (!j)
        return -1;
    if (json_is_object(j))
        rc = merge_into(o, j);
    else if (json_is_array(j))
        json_array_foreach(j, i, e)
            if (json_is_object(e) && merge_into(o, e) != 0)
                rc = -1;
    json_decref(j);
    return rc ? nomem(y) : 0;
}

static json_t *object_json(struct pl_yaml *y, const struct pl_ynode *n)
{
    json_t *o = json_object(), *v;
    long line, col;
    char *k;

    for (size_t i = 0; o && i + 1 < n->n; i += 2) {
        if (n->kid[i]->plain && pl_ynode_is(n->kid[i], "<<"))
            continue;
        if (!(k = key_text(y, n->kid[i])))
            goto fail;
        if (json_object_get(o, k)) {
            pl_yaml_where(y, n->kid[i]->start, &line, &col);
            pl_error_set(&y->why, PL_ERR_FORMAT, y->r->path, line, col,
                         "expected each key once in a mapping, found "
                         "\"%.64s\" again", k);
            free(k);
            goto fail;
        }
        v = pl_ynode_json(y, n->kid[i + 1]);
        if (!v || json_object_set_new(o, k, v) != 0) {
            free(k);
            goto fail;
        }
        free(k);
    }
    for (size_t i = 0; o && i + 1 < n->n; i += 2)
        if (n->kid[i]->plain && pl_ynode_is(n->kid[i], "<<") &&
            merge_key(y, o, n->kid[i + 1]) != 0)
            goto fail;
    if (!o)
        nomem(y);
    return o;
fail:
    if (y->why.status == PL_OK)
        nomem(y);
    json_decref(o);
    return NULL;
}

json_t *pl_ynode_json(struct pl_yaml *y, const struct pl_ynode *n)
{
    json_t *a, *v;

    pl_error_clear(&y->why);
    if (n->kind == PL_Y_SCALAR) {
        if (!(v = scalar_json(y, n)) && y->why.status == PL_OK)
            nomem(y);
        return v;
    }
    if (n->kind == PL_Y_MAP)
        return object_json(y, n);
    if (!(a = json_array())) {
        nomem(y);
        return NULL;
    }
    for (size_t i = 0; i < n->n; i++)
        if (!(v = pl_ynode_json(y, n->kid[i])) ||
            json_array_append_new(a, v) != 0) {
            json_decref(a);
            if (y->why.status == PL_OK)
                nomem(y);
            return NULL;
        }
    return a;
}
