/*
 * Rasa NLU training data: what the YAML (fmt_rasa_yaml.c) and legacy
 * Markdown readers share, the Markdown reader itself, and sniffing.
 *
 * Each training example is a one-turn user dialogue "<file stem>:<n>"
 * (n counts the file's records, kept or rejected, from 0) with its intent
 * as the turn's one intent; retrieval intents keep their full name
 * ("chitchat/ask_name"). Corpus and split come from the file name as for
 * tables. Entity markup is taken out of the text and becomes slot spans
 * (byte offsets into the clean text):
 *   [text](entity)                         span, no value
 *   [text](entity:value)                   span with a value (synonym)
 *   [text]{"entity": "e", "value": "v"}    span; "role", "group" and any
 *                                          other key are kept with the
 *                                          span's offsets in turn extra
 *                                          "entities"
 *   [text][{"entity": ...}, {...}]         several spans over one text
 * Brackets that are not followed by one of these stay text; a "{" or
 * "[{" after "]" that is not a valid annotation rejects the example.
 *
 * Synonym, regex and lookup items are not examples: they are counted and
 * named in one warning per file, and left out, as are sections that are
 * not NLU data (responses, stories, rules in YAML; other "##" headers in
 * Markdown).
 *
 * Markdown is read line by line: "## intent:NAME" (also synonym, regex,
 * lookup) opens a section, "- ", "* " or "+ " lines are its items, blank
 * lines and <!-- --> comments are skipped. An example outside an intent
 * section, or a line in an intent section that is not an item, is
 * rejected with its location.
 */
#include "rasa_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- the tally of what is not an example ----------------------------- */

static const char *const kind_names[PL_RASA_KINDS] = { "synonym", "regex",
                                                       "lookup" };

int pl_rasa_kind(const char *s, size_t n)
{
    if (n == 6 && !memcmp(s, "intent", 6))
        return -1;
    for (int k = 0; k < PL_RASA_KINDS; k++)
        if (n == strlen(kind_names[k]) && !memcmp(s, kind_names[k], n))
            return k;
    return -2;
}

void pl_rasa_init(struct pl_rasa *x, struct pl_reader *r)
{
    memset(x, 0, sizeof *x);
    x->r = r;
    pl_file_names_get(r->path, &x->fn);
}

void pl_rasa_section(struct pl_rasa *x, const char *name, size_t n)
{
    size_t used = strlen(x->sections);
    char clean[48];

    pl_utf8_fit(clean, sizeof clean, name, n);
    if (strstr(x->sections, clean) || used + strlen(clean) + 8 >
                                          sizeof x->sections)
        return;
    snprintf(x->sections + used, sizeof x->sections - used, "%s\"%s\"",
             used ? ", " : "", clean);
}

void pl_rasa_note(const struct pl_rasa *x)
{
    char items[200] = "";
    size_t used = 0;

    if (!pl_log_enabled(PL_LOG_WARN))
        return;
    for (int k = 0; k < PL_RASA_KINDS; k++)
        if (x->items[k])
            used += (size_t)snprintf(items + used, sizeof items - used,
                                     "%s%ld %s item%s (%ld entr%s)",
                                     used ? ", " : "", x->items[k],
                                     kind_names[k],
                                     x->items[k] == 1 ? "" : "s",
                                     x->entries[k],
                                     x->entries[k] == 1 ? "y" : "ies");
    if (used || x->sections[0])
        pl_log(PL_LOG_WARN, "%s: left out as not examples: %s%s%s%s",
               x->r->path, items, used && x->sections[0] ? "; " : "",
               x->sections[0] ? "sections " : "", x->sections);
}

enum pl_status pl_rasa_reject(struct pl_rasa *x, const char *raw,
                              size_t raw_n, long line, long col,
                              enum pl_status st, const char *fmt, ...)
{
    struct pl_error why;
    char msg[sizeof why.message];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pl_error_set(&why, st, x->r->path, line, col, "%s", msg);
    x->index++;
    return pl_reader_reject(x->r, raw, raw_n, &why);
}

/* ---- entity markup ---------------------------------------------------- */

struct markup {
    struct pl_turn *t;
    char *out;              /* the clean text */
    size_t w;
    size_t bad;             /* where a malformed annotation starts */
    char msg[600];
};

/* "(entity)" or "(entity:value)" at s[i]; 1 with *end past ")". */
static int paren_form(struct markup *m, const char *s, size_t n, size_t i,
                      size_t a, size_t b, size_t *end)
{
    const char *close = memchr(s + i, ')', n - i);
    const char *colon;
    size_t k;
    char *ent, *val = NULL;
    int ok;

    if (!close || (k = (size_t)(close - s)) == i + 1)
        return 0;
    colon = memchr(s + i + 1, ':', k - i - 1);
    if (colon == s + i + 1 || (colon && colon + 1 == close))
        return 0;
    ent = pl_strndup(s + i + 1, colon ? (size_t)(colon - s) - i - 1
                                      : k - i - 1);
    if (colon)
        val = pl_strndup(colon + 1, (size_t)(close - colon) - 1);
    ok = ent && (!colon || val) &&
         pl_turn_add_slot(m->t, ent, (long)m->w, (long)(m->w + b - a),
                          val) == PL_OK;
    free(ent);
    free(val);
    *end = k + 1;
    return ok ? 1 : -2;
}

/* A value that is not a string (a number) as its JSON text. */
static char *value_text(const json_t *v)
{
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return pl_strdup(json_string_value(v));
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Keep an annotation that says more than entity and value in turn
 * extra "entities". -1 when that key is taken, -2 without memory. */
static int keep_attrs(struct markup *m, json_t *ann, long start, long end)
{
    json_t *list = json_object_get(m->t->extra, "entities"), *c;

    if (json_object_size(ann) <= 1 + !!json_object_get(ann, "value"))
        return 0;
    if (list && !json_is_array(list)) {
        snprintf(m->msg, sizeof m->msg, "expected no \"entities\" key in "
                 "an example whose markup has roles or groups, found one");
        return -1;
    }
    if (!list && (!(list = json_array()) ||
                  json_object_set_new(m->t->extra, "entities", list)))
        return -2;
    if (!(c = json_deep_copy(ann)) ||
        json_object_set_new(c, "start", json_integer(start)) ||
        json_object_set_new(c, "end", json_integer(end)) ||
        json_array_append_new(list, c))
        return -2;
    return 0;
}

/* One {"entity": ...} annotation over the text now at out[w0..w). */
static int annotation(struct markup *m, json_t *ann, size_t len)
{
    const char *ent = json_string_value(json_object_get(ann, "entity"));
    json_t *jv = json_object_get(ann, "value");
    char *val;
    int rc;

    if (!json_is_object(ann) || !ent || !ent[0]) {
        snprintf(m->msg, sizeof m->msg, "expected an annotation object "
                 "with an \"entity\" name, found %s%s", pl_json_kind(ann),
                 json_is_object(ann) ? " without one" : "");
        return -1;
    }
    val = value_text(jv);
    if (jv && !json_is_null(jv) && !val)
        return -2;
    rc = pl_turn_add_slot(m->t, ent, (long)m->w, (long)(m->w + len), val);
    free(val);
    if (rc != PL_OK)
        return -2;
    return keep_attrs(m, ann, (long)m->w, (long)(m->w + len));
}

/* "{...}" or "[{...}, ...]" at s[i]: 1 with *end past it, -1 when it is
 * not a valid annotation (m->msg says why), -2 without memory. */
static int json_form(struct markup *m, const char *s, size_t n, size_t i,
                     size_t len, size_t *end)
{
    json_error_t je;
    json_t *v = json_loadb(s + i, n - i, JSON_DISABLE_EOF_CHECK, &je), *e;
    size_t k;
    int rc = 0;

    m->bad = i;
    if (!v) {
        struct pl_error why;

        pl_json_error(&why, "", s + i, n - i, 1, 1, &je);
        snprintf(m->msg, sizeof m->msg, "entity annotation: %s",
                 why.message);
        m->bad = i + (size_t)why.column - 1;
        return -1;
    }
    if (json_is_array(v) && json_array_size(v) == 0) {
        snprintf(m->msg, sizeof m->msg, "expected a list of annotations "
                 "after ']', found an empty list");
        rc = -1;
    }
    json_array_foreach(v, k, e)
        if (rc == 0)
            rc = annotation(m, e, len);
    if (!json_is_array(v))
        rc = annotation(m, v, len);
    json_decref(v);
    *end = i + (size_t)je.position;
    return rc == 0 ? 1 : rc;
}

/*
 * Is there an annotation "[text]..." at s[i] (s[i] == '[')? 1: the text
 * went to m->out, a span was added, *end is past it; 0: plain text; -1
 * malformed (m->msg, m->bad); -2 no memory.
 */
static int annotated(struct markup *m, const char *s, size_t n, size_t i,
                     size_t *end)
{
    const char *close = memchr(s + i + 1, ']', n - i - 1);
    size_t j = close ? (size_t)(close - s) : n;
    int rc = 0;

    if (!close || j == i + 1 || j + 1 >= n)
        return 0;
    if (s[j + 1] == '(')
        rc = paren_form(m, s, n, j + 1, i + 1, j, end);
    else if (s[j + 1] == '{' ||
             (s[j + 1] == '[' && j + 2 < n && s[j + 2] == '{'))
        rc = json_form(m, s, n, j + 1, j - i - 1, end);
    if (rc == 1) {
        memcpy(m->out + m->w, s + i + 1, j - i - 1);
        m->w += j - i - 1;
    }
    return rc;
}

/* Take the markup out of s[0..n) into t's text and slots. PL_OK,
 * PL_ERR_NOMEM, or PL_ERR_FORMAT with m->msg and m->bad. */
static enum pl_status markup_parse(struct markup *m, const char *s,
                                   size_t n)
{
    size_t i = 0, end;
    int rc;

    if (!(m->out = malloc(n + 1)))
        return PL_ERR_NOMEM;
    while (i < n) {
        const char *br = memchr(s + i, '[', n - i);
        size_t k = br ? (size_t)(br - s) : n;

        memcpy(m->out + m->w, s + i, k - i);
        m->w += k - i;
        i = k;
        if (i >= n)
            break;
        rc = annotated(m, s, n, i, &end);
        if (rc < 0)
            return rc == -1 ? PL_ERR_FORMAT : PL_ERR_NOMEM;
        if (rc == 0)
            m->out[m->w++] = s[i++];
        else
            i = end;
    }
    m->out[m->w] = '\0';
    return pl_turn_set_text(m->t, m->out, m->w);
}

/* ---- one example, one dialogue ---------------------------------------- */

static int copy_into(json_t **dst, const json_t *src)
{
    json_t *c;

    if (!src)
        return 0;
    if (!json_is_object(src))
        return json_object_set_new(*dst, "metadata", json_deep_copy(src));
    if (!(c = json_deep_copy(src)))
        return -1;
    json_decref(*dst);
    *dst = c;
    return 0;
}

/* Everything but the text and its spans. */
static enum pl_status example_fill(struct pl_rasa *x,
                                   const struct pl_rasa_ex *ex,
                                   struct pl_dialogue *d, struct pl_turn *t,
                                   long col)
{
    int bad;

    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(x->fn.corpus);
    d->split = pl_strdup(x->fn.split);
    t->role = PL_ROLE_USER;
    bad = !d->corpus || !d->split ||
          pl_origin_set(&d->origin, x->r->path, ex->line, col,
                        x->index) != PL_OK ||
          pl_origin_set(&t->origin, x->r->path, ex->line, col, 0) != PL_OK ||
          pl_turn_add_intent(t, ex->intent) != PL_OK ||
          copy_into(&d->meta, ex->dmeta) || copy_into(&d->extra, ex->dextra) ||
          copy_into(&t->meta, ex->tmeta) || copy_into(&t->extra, ex->textra);
    return bad ? PL_ERR_NOMEM : PL_OK;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum pl_status pl_rasa_example(struct pl_rasa *x, const struct pl_rasa_ex *ex)
{
    struct pl_dialogue d;
    struct markup m = { 0 };
    size_t a = 0, b = ex->len;
    long col;
    char id[300];
    enum pl_status st;

    while (a < b && is_space(ex->text[a]))
        a++;
    while (b > a && is_space(ex->text[b - 1]))
        b--;
    col = ex->col + (ex->exact ? (long)a : 0);
    if (a == b)
        return pl_rasa_reject(x, ex->raw, ex->raw_n, ex->line, col,
                              PL_ERR_FORMAT, "expected the text of an "
                              "example of intent \"%.64s\", found nothing",
                              ex->intent);
    if (memchr(ex->text + a, '\0', b - a))
        return pl_rasa_reject(x, ex->raw, ex->raw_n, ex->line, col,
                              PL_ERR_FORMAT, "expected text, found a NUL "
                              "byte");
    snprintf(id, sizeof id, "%s:%ld", x->fn.stem, x->index);
    if (pl_dialogue_init(&d, id) != PL_OK ||
        !(m.t = pl_dialogue_add_turn(&d)))
        st = PL_ERR_NOMEM;
    else if ((st = example_fill(x, ex, &d, m.t, col)) == PL_OK)
        st = markup_parse(&m, ex->text + a, b - a);
    free(m.out);
    if (st == PL_OK) {
        x->index++;
        return pl_reader_emit(x->r, &d);
    }
    pl_dialogue_fini(&d);
    if (st == PL_ERR_FORMAT)
        return pl_rasa_reject(x, ex->raw, ex->raw_n, ex->line,
                              col + (ex->exact ? (long)m.bad : 0),
                              PL_ERR_FORMAT, "%s", m.msg);
    return pl_error_set(x->r->err, PL_ERR_NOMEM, x->r->path, ex->line, col,
                        "out of memory");
}

/* ---- sniffing ---------------------------------------------------------- */

/* The first pat (k bytes) in s[0..n), or NULL. */
static const char *find(const char *s, size_t n, const char *pat, size_t k)
{
    const char *p = s, *end = s + n;

    while (k && (size_t)(end - p) >= k &&
           (p = memchr(p, pat[0], (size_t)(end - p) - k + 1))) {
        if (!memcmp(p, pat, k))
            return p;
        p++;
    }
    return NULL;
}

/* The next line of s[*pos..n) as s[*a..*b) without its line end. */
static int next_line(const char *s, size_t n, size_t *pos, size_t *a,
                     size_t *b)
{
    const char *nl;

    if (*pos >= n)
        return 0;
    *a = *pos;
    nl = memchr(s + *pos, '\n', n - *pos);
    *b = nl ? (size_t)(nl - s) : n;
    *pos = *b + 1;
    if (*b > *a && s[*b - 1] == '\r')
        --*b;
    return 1;
}

static size_t indent(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* "## intent:NAME" and its kind (-1 intent, 0.. the others), or -2 for
 * a line that is no such header. *name gets the offset of NAME. */
static int md_header(const char *s, size_t n, size_t *name)
{
    size_t i = 0, k;
    int kind;

    while (i < n && s[i] == '#')
        i++;
    if (i == 0)
        return -2;
    i += indent(s + i, n - i);
    for (k = i; k < n && s[k] >= 'a' && s[k] <= 'z'; k++)
        ;
    kind = pl_rasa_kind(s + i, k - i);
    k += indent(s + k, n - k);
    if (kind == -2 || k >= n || s[k] != ':')
        return -2;
    *name = k + 1;
    return kind;
}

/* Is the first line that is not blank or a comment a Rasa header? */
static int sniff_md(const char *s, size_t n)
{
    size_t pos = 0, a, b, name;
    int comment = 0;

    while (next_line(s, n, &pos, &a, &b)) {
        const char *l = s + a + indent(s + a, b - a);
        size_t len = (size_t)(s + b - l);
        const char *end = find(l, len, "-->", 3);

        if (comment) {
            comment = end == NULL;
            continue;
        }
        if (len >= 4 && !memcmp(l, "<!--", 4)) {
            comment = find(l + 4, len - 4, "-->", 3) == NULL;
            continue;
        }
        if (len)
            return md_header(l, len, &name) != -2;
    }
    return 0;
}

/* A top-level "key:" line; *nlu when it is "nlu:" with its value on the
 * lines below. */
static int top_key(const char *s, size_t n, int *nlu)
{
    size_t k = 0, rest;

    while (k < n && s[k] != ':' && s[k] != ' ' && s[k] != '#' &&
           s[k] != '"' && s[k] != '\'')
        k++;
    if (k == 0 || k >= n || s[k] != ':' ||
        (k + 1 < n && s[k + 1] != ' ' && s[k + 1] != '\t'))
        return 0;
    rest = k + 1 + indent(s + k + 1, n - k - 1);
    *nlu = k == 3 && !memcmp(s, "nlu", 3) && (rest == n || s[rest] == '#');
    return 1;
}

/* Top-level keys only, one of them "nlu:" followed by a "- " list. */
static int sniff_yaml(const char *s, size_t n)
{
    size_t pos = 0, a, b, ind;
    int want_item = 0, nlu;

    while (next_line(s, n, &pos, &a, &b)) {
        const char *l = s + a;
        size_t len = b - a;

        ind = indent(l, len);
        if (ind == len || l[ind] == '#')
            continue;
        if (want_item)
            return l[ind] == '-' && (ind + 1 == len || l[ind + 1] == ' ');
        if (ind > 0 || l[0] == '-' || l[0] == '%' ||
            (len >= 3 && !memcmp(l, "---", 3)))
            continue;
        if (!top_key(l, len, &nlu))
            return 0;
        want_item = nlu;
    }
    return 0;
}

enum pl_format pl_rasa_sniff(const char *s, size_t n)
{
    if (sniff_md(s, n))
        return PL_FMT_RASA_MD;
    if (sniff_yaml(s, n))
        return PL_FMT_RASA_YAML;
    return PL_FMT_AUTO;
}

int pl_rasa_md_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *head = fp ? malloc(PL_SNIFF_BYTES) : NULL;
    size_t n = head ? fread(head, 1, PL_SNIFF_BYTES, fp) : 0, skip = 0;
    int md;

    if (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3))
        skip = 3;
    md = head && sniff_md(head + skip, n - skip);
    free(head);
    if (fp)
        fclose(fp);
    return md;
}

/* ---- legacy Markdown ---------------------------------------------------- */

enum { SEC_NONE, SEC_INTENT, SEC_ITEMS, SEC_OTHER, SEC_NAMELESS };

struct md {
    struct pl_rasa x;
    struct pl_lines *lr;
    int sec, kind;
    char *intent;
    long head_line;
    int comment;            /* inside a <!-- --> comment */
};

/* The first bytes of s for a message, quoted. */
static void quote(char *buf, size_t bn, const char *s, size_t n)
{
    char part[48];

    pl_utf8_fit(part, sizeof part, s, n < 40 ? n : 40);
    snprintf(buf, bn, "\"%s%s\"", part, n > 40 ? "..." : "");
}

static enum pl_status md_header_line(struct md *m, const char *s, size_t n,
                                     size_t lead, const char *raw,
                                     size_t raw_n)
{
    size_t name = 0, a, b = n;
    int kind = md_header(s, n, &name);
    long line = m->lr->lineno;

    if (kind == -2) {
        a = indent(s, n) + strspn(s, "#");
        a += indent(s + a, n - a);
        m->sec = SEC_OTHER;
        pl_rasa_section(&m->x, s + a, n - a);
        return PL_OK;
    }
    a = name + indent(s + name, n - name);
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    m->head_line = line;
    if (a == b) {
        m->sec = SEC_NAMELESS;
        return pl_rasa_reject(&m->x, raw, raw_n, line,
                              (long)(lead + name) + 1,
                              PL_ERR_FORMAT, "expected a name after "
                              "\"%s:\", found nothing",
                              kind < 0 ? "intent" : kind_names[kind]);
    }
    m->kind = kind;
    m->sec = kind < 0 ? SEC_INTENT : SEC_ITEMS;
    if (kind >= 0) {
        m->x.items[kind]++;
        return PL_OK;
    }
    free(m->intent);
    if (!(m->intent = pl_strndup(s + a, b - a)))
        return pl_error_set(m->x.r->err, PL_ERR_NOMEM, m->x.r->path, line,
                            1, "out of memory");
    return PL_OK;
}

/* Drop <!-- ... --> comments closed on the line from an example. */
static char *strip_comments(const char *s, size_t n, size_t *out_n)
{
    char *c = malloc(n + 1);
    size_t i = 0, w = 0;
    const char *open, *close;

    if (!c)
        return NULL;
    while (i < n) {
        open = find(s + i, n - i, "<!--", 4);
        close = open ? find(open + 4, (size_t)(s + n - open) - 4, "-->",
                              3) : NULL;
        if (!close) {
            memcpy(c + w, s + i, n - i);
            w += n - i;
            break;
        }
        memcpy(c + w, s + i, (size_t)(open - s) - i);
        w += (size_t)(open - s) - i;
        i = (size_t)(close - s) + 3;
    }
    c[w] = '\0';
    *out_n = w;
    return c;
}

static enum pl_status md_example(struct md *m, const char *s, size_t n,
                                 size_t at, const char *raw, size_t raw_n)
{
    struct pl_rasa_ex ex = { 0 };
    char *clean = NULL;
    size_t cn = n - at;
    enum pl_status st;

    ex.text = s + at;
    if (find(ex.text, cn, "<!--", 4)) {
        if (!(clean = strip_comments(ex.text, cn, &cn)))
            return pl_error_set(m->x.r->err, PL_ERR_NOMEM, m->x.r->path,
                                m->lr->lineno, 1, "out of memory");
        ex.text = clean;
    }
    ex.len = cn;
    ex.exact = clean == NULL;
    ex.intent = m->intent;
    ex.line = m->lr->lineno;
    ex.col = (long)at + 1;
    ex.raw = raw;
    ex.raw_n = raw_n;
    st = pl_rasa_example(&m->x, &ex);
    free(clean);
    return st;
}

/* A "- " item (its text at s[at..n)) or another line. */
static enum pl_status md_item(struct md *m, const char *s, size_t n,
                              size_t at, int bullet, const char *raw,
                              size_t raw_n)
{
    long line = m->lr->lineno;
    size_t lead = indent(s, n);
    char found[80];

    if (m->sec == SEC_INTENT && bullet)
        return md_example(m, s, n, at, raw, raw_n);
    if (m->sec == SEC_ITEMS)
        m->x.entries[m->kind]++;
    if (m->sec == SEC_ITEMS || m->sec == SEC_OTHER)
        return PL_OK;
    quote(found, sizeof found, s + lead, n - lead);
    if (m->sec == SEC_INTENT)
        return pl_rasa_reject(&m->x, raw, raw_n, line, (long)lead + 1,
                              PL_ERR_FORMAT, "expected an example starting "
                              "with '- ', found %s", found);
    if (m->sec == SEC_NAMELESS)
        return pl_rasa_reject(&m->x, raw, raw_n, line, (long)lead + 1,
                              PL_ERR_FORMAT, "expected a header with a "
                              "name before this line, found the one on "
                              "line %ld without a name", m->head_line);
    return pl_rasa_reject(&m->x, raw, raw_n, line, (long)lead + 1,
                          PL_ERR_FORMAT, "expected a header such as "
                          "'## intent:NAME' before this line, found %s",
                          found);
}

/* One line, valid UTF-8 without its line end. */
static enum pl_status md_content(struct md *m, const char *s, size_t n,
                                 const char *raw, size_t raw_n)
{
    size_t lead = indent(s, n);
    const char *l = s + lead;
    size_t len = n - lead;
    int bullet;

    if (m->comment) {
        m->comment = find(s, n, "-->", 3) == NULL;
        return PL_OK;
    }
    if (len >= 4 && !memcmp(l, "<!--", 4)) {
        m->comment = find(l + 4, len - 4, "-->", 3) == NULL;
        return PL_OK;
    }
    if (len == 0)
        return PL_OK;
    if (l[0] == '#')
        return md_header_line(m, l, len, lead, raw, raw_n);
    bullet = (l[0] == '-' || l[0] == '*' || l[0] == '+') &&
             (len == 1 || l[1] == ' ' || l[1] == '\t');
    lead += bullet ? 1 + indent(l + 1, len - 1) : 0;
    return md_item(m, s, n, bullet ? lead : 0, bullet, raw, raw_n);
}

static enum pl_status md_line(struct md *m, const char *s, size_t n)
{
    struct pl_reader *r = m->x.r;
    long line = m->lr->lineno;
    size_t len = n, fixed_n;
    const char *nul;
    char *fixed = NULL;
    struct pl_error why;
    enum pl_status st;

    if (len && s[len - 1] == '\n')
        len--;
    if (len && s[len - 1] == '\r')
        len--;
    if ((nul = memchr(s, '\0', len)))
        return pl_rasa_reject(&m->x, s, n, line, (long)(nul - s) + 1,
                              PL_ERR_FORMAT, "expected text, found a NUL "
                              "byte");
    st = pl_reader_utf8(r, s, len, line, 1, &fixed, &fixed_n, &why);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &why);
    if (st != PL_OK) {
        m->x.index++;
        return pl_reader_reject(r, s, n, &why);
    }
    st = md_content(m, fixed ? fixed : s, fixed ? fixed_n : len, s, n);
    free(fixed);
    return st;
}

enum pl_status pl_rasa_md_read(struct pl_reader *r, struct pl_lines *lr)
{
    struct md m;
    const char *s;
    size_t n, total;
    int rc, partial;
    enum pl_status st = PL_OK;

    memset(&m, 0, sizeof m);
    pl_rasa_init(&m.x, r);
    m.lr = lr;
    while (st == PL_OK && (rc = pl_lines_next(lr, &s, &n, &partial)) != 0) {
        if (rc < 0) {
            st = pl_lines_error(r, lr);
        } else if (partial) {
            total = n + pl_lines_skip(lr);
            st = pl_rasa_reject(&m.x, s, n, lr->lineno, 1, PL_ERR_LIMIT,
                                "expected a line of at most %zu bytes "
                                "(max_record_bytes), found %zu bytes",
                                r->max_record, total);
        } else {
            st = md_line(&m, s, n);
        }
    }
    if (st == PL_OK)
        pl_rasa_note(&m.x);
    free(m.intent);
    return st;
}
