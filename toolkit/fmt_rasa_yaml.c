/*
 * Rasa NLU training data in YAML (Rasa 2.x and 3.x): a document mapping
 * whose "nlu" key lists items. An intent item gives its examples either
 * as a block of "- " lines
 *
 *     - intent: greet
 *       metadata: {channel: web}
 *       examples: |
 *         - hi [Ann](name)
 *
 * or as a list whose elements are text or mappings with "text" and
 * optional "metadata". Each example becomes a dialogue as fmt_rasa.c
 * says. The item's metadata goes to the dialogue's meta and an example's
 * to its turn's meta, typed as YAML types them; other keys of the item
 * go to dialogue extra, other keys of an example to turn extra. Other
 * top-level keys ("version", "responses", "stories", ...) are not read;
 * all but "version" are named in the file's warning.
 *
 * The document is walked event by event, one nlu item at a time, so a
 * bad item is rejected on its own. A YAML syntax error ends what can be
 * followed: the rest of the file from the end of the last whole item is
 * rejected as one record, located at the error.
 */
#include "rasa_impl.h"
#include "yaml_impl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ry {
    struct pl_rasa x;
    struct pl_yaml y;
    size_t resume;          /* the text before this offset is read */
    int stop;               /* the document cannot be followed further */
};

/* What an intent item gives each of its examples. */
struct item {
    const struct pl_ynode *node;
    const char *intent;
    json_t *dmeta, *dextra;
    const struct pl_ysub *bad;  /* a refused byte outside the examples */
};

/* ---- rejects ---------------------------------------------------------- */

/* The original bytes of text[a..b). */
static const char *orig_span(struct ry *c, size_t a, size_t b, size_t *n)
{
    size_t oa = pl_yaml_orig(&c->y, a), ob = pl_yaml_orig(&c->y, b);

    *n = ob > oa ? ob - oa : 0;
    return c->y.orig + oa;
}

static enum pl_status reject_at(struct ry *c, size_t a, size_t b,
                                size_t at, enum pl_status st,
                                const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Reject text[a..b) as one record, located at text offset at. */
static enum pl_status reject_at(struct ry *c, size_t a, size_t b,
                                size_t at, enum pl_status st,
                                const char *fmt, ...)
{
    char msg[sizeof c->y.why.message];
    const char *raw;
    size_t raw_n;
    long line, col;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    raw = orig_span(c, a, b, &raw_n);
    pl_yaml_where(&c->y, at, &line, &col);
    return pl_rasa_reject(&c->x, raw, raw_n, line, col, st, "%s", msg);
}

/* Reject node n with the error the YAML layer gave. */
static enum pl_status reject_why(struct ry *c, const struct pl_ynode *n)
{
    const char *raw;
    size_t raw_n;

    if (c->y.why.status == PL_ERR_NOMEM)
        return pl_reader_fatal(c->x.r, &c->y.why);
    raw = orig_span(c, n->start, n->end, &raw_n);
    c->x.index++;
    return pl_reader_reject(c->x.r, raw, raw_n, &c->y.why);
}

/* The document cannot be followed past a syntax error: reject the rest
 * of the file from the end of the last record, located at the error. */
static enum pl_status broken(struct ry *c)
{
    size_t from = pl_yaml_orig(&c->y, c->resume);

    c->stop = 1;
    if (c->y.why.status == PL_ERR_NOMEM)
        return pl_reader_fatal(c->x.r, &c->y.why);
    while (from < c->y.orig_n && strchr(" \t\r\n", c->y.orig[from]))
        from++;
    c->x.index++;
    return pl_reader_reject(c->x.r, c->y.orig + from, c->y.orig_n - from,
                            &c->y.why);
}

/*
 * A byte libyaml refused inside a record: a control character rejects
 * it; bad UTF-8 rejects it or is counted as repaired, as the options
 * say. *skip when the record was rejected.
 */
static enum pl_status check_bytes(struct ry *c, const struct pl_ysub *bad,
                                  size_t a, size_t b, int *skip)
{
    struct pl_reader *r = c->x.r;
    unsigned char byte;
    long line, col;

    *skip = 0;
    if (!bad)
        return PL_OK;
    byte = (unsigned char)c->y.orig[bad->from];
    pl_yaml_where(&c->y, bad->at, &line, &col);
    if (bad->ctrl || r->o->utf8 == PL_UTF8_REJECT) {
        *skip = 1;
        if (!bad->ctrl)
            return reject_at(c, a, b, bad->at, PL_ERR_UTF8, "expected valid "
                             "UTF-8, found byte 0x%02X", byte);
        return reject_at(c, a, b, bad->at, PL_ERR_FORMAT, byte ? "expected "
                         "a character YAML allows, found byte 0x%02X"
                         : "expected text, found a NUL byte", byte);
    }
    r->st->utf8_repaired++;
    pl_log(PL_LOG_WARN, "%s:%ld:%ld: invalid UTF-8 replaced with U+FFFD",
           r->path, line, col);
    return PL_OK;
}

/* ---- examples ------------------------------------------------------- */

static size_t indent(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/*
 * Where the value line v[0..len) of a literal block sits in the text:
 * the line at *pos, if it ends with v (then *pos moves to the next
 * line). Returns the text offset of v[0] with the line in text[*la..*le),
 * or SIZE_MAX (and *pos too) when the lines cannot be matched.
 */
static size_t line_in_text(struct ry *c, const char *v, size_t len,
                           size_t *pos, size_t *la, size_t *le)
{
    const char *t = c->y.text, *nl;
    size_t a = *pos, e, b;

    if (a == SIZE_MAX || a > c->y.n)
        return *pos = SIZE_MAX;
    nl = memchr(t + a, '\n', c->y.n - a);
    e = nl ? (size_t)(nl - t) : c->y.n;
    b = e > a && t[e - 1] == '\r' ? e - 1 : e;
    *pos = e + 1;
    *la = a;
    *le = e;
    if (b - a < len || memcmp(t + b - len, v, len))
        return *pos = SIZE_MAX;
    return b - len;
}

/* Emit one example whose record is text[a..b) (refused byte: bad). */
static enum pl_status example(struct ry *c, const struct item *it,
                              struct pl_rasa_ex *e, size_t a, size_t b,
                              const struct pl_ysub *bad, size_t at)
{
    enum pl_status st;
    int skip;

    st = check_bytes(c, bad ? bad : it->bad, a, b, &skip);
    if (st != PL_OK || skip)
        return st;
    e->raw = orig_span(c, a, b, &e->raw_n);
    e->intent = it->intent;
    e->dmeta = it->dmeta;
    e->dextra = it->dextra;
    pl_yaml_where(&c->y, at, &e->line, &e->col);
    return pl_rasa_example(&c->x, e);
}

/* One value line of an examples block; *pos walks the text's lines. */
static enum pl_status block_line(struct ry *c, const struct item *it,
                                 const struct pl_ynode *ex, const char *v,
                                 size_t len, size_t *pos)
{
    struct pl_rasa_ex e = { 0 };
    size_t la = 0, le = 0, at = line_in_text(c, v, len, pos, &la, &le);
    size_t lead = indent(v, len), a = ex->start, b = ex->end;
    char found[64];

    if (at != SIZE_MAX) {
        a = la;
        b = le;
    }
    if (lead == len)
        return PL_OK;
    if (v[lead] != '-' || (lead + 1 < len && v[lead + 1] != ' ' &&
                           v[lead + 1] != '\t')) {
        pl_utf8_fit(found, sizeof found, v + lead,
                    len - lead < 40 ? len - lead : 40);
        return reject_at(c, a, b, at != SIZE_MAX ? at + lead : a,
                         PL_ERR_FORMAT, "expected an example starting with "
                         "'- ', found \"%s\"", found);
    }
    e.text = v + lead + 1;
    e.len = len - lead - 1;
    e.exact = at != SIZE_MAX;
    return example(c, it, &e, a, b, pl_yaml_bad(&c->y, a, b),
                   e.exact ? at + lead + 1 : ex->start);
}

/* Examples as a block of "- " lines. */
static enum pl_status block_examples(struct ry *c, const struct item *it,
                                     const struct pl_ynode *ex)
{
    const char *v = ex->s, *end = v + ex->len, *nl;
    size_t pos = SIZE_MAX, len;
    enum pl_status st = PL_OK;

    if (ex->literal && (nl = memchr(c->y.text + ex->start, '\n',
                                    c->y.n - ex->start)))
        pos = (size_t)(nl - c->y.text) + 1;
    while (st == PL_OK && v < end) {
        nl = memchr(v, '\n', (size_t)(end - v));
        len = nl ? (size_t)(nl - v) : (size_t)(end - v);
        st = block_line(c, it, ex, v, len, &pos);
        v += len + 1;
    }
    return st;
}

/* The members of map other than the keys named, as JSON (NULL with
 * *err clear when there are none). */
static json_t *other_keys(struct ry *c, const struct pl_ynode *map,
                          const char *const *known, size_t k, int *err)
{
    struct pl_ynode view = *map;
    json_t *j = NULL;
    size_t i, w = 0;

    *err = 0;
    if (!(view.kid = malloc((map->n + 1) * sizeof *view.kid))) {
        pl_error_set(&c->y.why, PL_ERR_NOMEM, c->x.r->path, 0, 0,
                     "out of memory");
        *err = 1;
        return NULL;
    }
    for (i = 0; i + 1 < map->n; i += 2) {
        size_t q = 0;

        while (q < k && !pl_ynode_is(map->kid[i], known[q]))
            q++;
        if (q == k) {
            view.kid[w++] = map->kid[i];
            view.kid[w++] = map->kid[i + 1];
        }
    }
    view.n = w;
    if (w && !(j = pl_ynode_json(&c->y, &view)))
        *err = 1;
    free(view.kid);
    return j;
}

/* The index of the first key that repeats an earlier one, or 0. */
static size_t repeated_key(const struct pl_ynode *map)
{
    for (size_t i = 2; i + 1 < map->n; i += 2)
        for (size_t j = 0; j < i; j += 2)
            if (map->kid[i]->kind == PL_Y_SCALAR &&
                map->kid[j]->kind == PL_Y_SCALAR &&
                map->kid[i]->len == map->kid[j]->len &&
                !memcmp(map->kid[i]->s, map->kid[j]->s, map->kid[i]->len))
                return i;
    return 0;
}

static enum pl_status repeated(struct ry *c, const struct pl_ynode *n,
                               size_t k, const char *what)
{
    char key[48];

    pl_utf8_fit(key, sizeof key, n->kid[k]->s, n->kid[k]->len);
    return reject_at(c, n->start, n->end, n->kid[k]->start, PL_ERR_FORMAT,
                     "expected each key once in %s, found \"%s\" again",
                     what, key);
}

/* An element of an examples list: text, or {text, metadata, ...}. */
static enum pl_status list_example(struct ry *c, const struct item *it,
                                   const struct pl_ynode *el)
{
    static const char *const known[] = { "text", "metadata" };
    const struct pl_ynode *text = el, *meta;
    struct pl_rasa_ex e = { 0 };
    enum pl_status st;
    size_t k;
    int err = 0;

    if (el->kind == PL_Y_MAP && (k = repeated_key(el)))
        return repeated(c, el, k, "an example");
    if (el->kind == PL_Y_MAP)
        text = pl_ynode_get(el, "text");
    if (!text || text->kind != PL_Y_SCALAR)
        return reject_at(c, el->start, el->end, el->start, PL_ERR_FORMAT,
                         "expected an example as text or as a mapping with "
                         "\"text\", found %s", text ? pl_ynode_kind(text)
                         : "a mapping without \"text\"");
    meta = pl_ynode_get(el, "metadata");
    if (meta && !(e.tmeta = pl_ynode_json(&c->y, meta)))
        return reject_why(c, el);
    if (el->kind == PL_Y_MAP)
        e.textra = other_keys(c, el, known, 2, &err);
    if (err) {
        json_decref(e.tmeta);
        return reject_why(c, el);
    }
    e.text = strcmp(pl_ynode_kind(text), "null") ? text->s : "";
    e.len = strcmp(pl_ynode_kind(text), "null") ? text->len : 0;
    e.exact = text->plain && !memchr(c->y.text + text->start, '\n',
                                     text->end - text->start);
    st = example(c, it, &e, el->start, el->end,
                 pl_yaml_bad(&c->y, el->start, el->end), text->start);
    json_decref(e.tmeta);
    json_decref(e.textra);
    return st;
}

/* ---- items ------------------------------------------------------------ */

/* Which kind of item n is (see pl_rasa_kind), its name node in *name;
 * -2 with the record rejected (*st) when that cannot be said. */
static int item_kind(struct ry *c, const struct pl_ynode *n,
                     const struct pl_ynode **name, enum pl_status *st)
{
    int kind = -2, k;
    size_t first = 0;

    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const struct pl_ynode *key = n->kid[i];

        if (key->kind != PL_Y_SCALAR ||
            (k = pl_rasa_kind(key->s, key->len)) == -2)
            continue;
        if (kind != -2) {
            *st = reject_at(c, n->start, n->end, key->start, PL_ERR_FORMAT,
                            "expected one of intent, synonym, regex or "
                            "lookup in an nlu item, found both \"%s\" and "
                            "\"%s\"", n->kid[first]->s, key->s);
            return -2;
        }
        kind = k;
        first = i;
        *name = n->kid[i + 1];
    }
    if (kind == -2)
        *st = reject_at(c, n->start, n->end, n->start, PL_ERR_FORMAT,
                        "expected intent, synonym, regex or lookup in an "
                        "nlu item, found %s", n->n ? "other keys" : "none");
    else if ((*name)->kind != PL_Y_SCALAR || !(*name)->len ||
             memchr((*name)->s, '\0', (*name)->len)) {
        *st = reject_at(c, n->start, n->end, (*name)->start, PL_ERR_FORMAT,
                        "expected a name after \"%s:\", found %s",
                        n->kid[first]->s, (*name)->kind == PL_Y_SCALAR &&
                        (*name)->len ? "a NUL byte" : pl_ynode_kind(*name));
        kind = -2;
    }
    return kind;
}

/* A synonym, regex or lookup item: counted, not read. */
static void tally(struct ry *c, int kind, const struct pl_ynode *ex)
{
    c->x.items[kind]++;
    if (ex && ex->kind == PL_Y_SEQ)
        c->x.entries[kind] += (long)ex->n;
    for (size_t i = 0; ex && ex->kind == PL_Y_SCALAR && i < ex->len; i++)
        if ((i == 0 || ex->s[i - 1] == '\n') &&
            ex->s[i + indent(ex->s + i, ex->len - i)] == '-')
            c->x.entries[kind]++;
}

static enum pl_status intent_examples(struct ry *c, struct item *it,
                                      const struct pl_ynode *ex)
{
    enum pl_status st = PL_OK;
    const struct pl_ynode *n = it->node;

    if (!ex || !strcmp(pl_ynode_kind(ex), "null"))
        return reject_at(c, n->start, n->end, n->start, PL_ERR_FORMAT,
                         "expected examples under intent \"%.64s\", found "
                         "none", it->intent);
    if (ex->kind == PL_Y_MAP)
        return reject_at(c, ex->start, ex->end, ex->start, PL_ERR_FORMAT,
                         "expected examples as a '|' block of '- ' lines or "
                         "as a list, found a mapping");
    for (size_t i = 0; !it->bad && i + 1 < n->n; i += 2) {
        const struct pl_ynode *k = n->kid[i], *v = n->kid[i + 1];

        if (v == ex)
            continue;
        it->bad = pl_yaml_bad(&c->y, k->start, k->end);
        if (!it->bad)
            it->bad = pl_yaml_bad(&c->y, v->start, v->end);
    }
    if (ex->kind == PL_Y_SCALAR)
        return block_examples(c, it, ex);
    for (size_t i = 0; st == PL_OK && i < ex->n; i++)
        st = list_example(c, it, ex->kid[i]);
    return st;
}

/* One item of the nlu list. */
static enum pl_status nlu_item(struct ry *c, const struct pl_ynode *n)
{
    static const char *const known[] = { "intent", "examples", "metadata" };
    const struct pl_ynode *name = NULL, *meta;
    struct item it = { n, NULL, NULL, NULL, NULL };
    enum pl_status st = PL_OK;
    size_t k;
    int kind, err = 0;

    if (n->end - n->start > c->x.r->max_record)
        return reject_at(c, n->start, n->end, n->start, PL_ERR_LIMIT,
                         "expected an nlu item of at most %zu bytes "
                         "(max_record_bytes), found %zu bytes",
                         c->x.r->max_record, n->end - n->start);
    if (n->kind != PL_Y_MAP)
        return reject_at(c, n->start, n->end, n->start, PL_ERR_FORMAT,
                         "expected an nlu item (a mapping with intent, "
                         "synonym, regex or lookup), found %s",
                         pl_ynode_kind(n));
    if ((k = repeated_key(n)))
        return repeated(c, n, k, "an nlu item");
    if ((kind = item_kind(c, n, &name, &st)) == -2)
        return st;
    if (kind >= 0) {
        tally(c, kind, pl_ynode_get(n, "examples"));
        return PL_OK;
    }
    it.intent = name->s;
    meta = pl_ynode_get(n, "metadata");
    if (meta && !(it.dmeta = pl_ynode_json(&c->y, meta)))
        return reject_why(c, n);
    it.dextra = other_keys(c, n, known, 3, &err);
    if (err)
        st = reject_why(c, n);
    else
        st = intent_examples(c, &it, pl_ynode_get(n, "examples"));
    json_decref(it.dmeta);
    json_decref(it.dextra);
    return st;
}

/* ---- walking the document ---------------------------------------------- */

/* Build the node starting with *e; on a syntax error the rest of the
 * file is rejected (*st) and NULL returned. */
static struct pl_ynode *node(struct ry *c, yaml_event_t *e,
                             enum pl_status *st)
{
    struct pl_ynode *n;

    *st = PL_OK;
    if (pl_yaml_node(&c->y, e, &n) == 0)
        return n;
    *st = broken(c);
    return NULL;
}

/* The value of "nlu": a list read item by item as it streams in. */
static enum pl_status nlu_list(struct ry *c)
{
    yaml_event_t e;
    struct pl_ynode *n;
    enum pl_status st = PL_OK;

    for (;;) {
        if (pl_yaml_event(&c->y, &e) != 0)
            return broken(c);
        if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            return PL_OK;
        }
        if (!(n = node(c, &e, &st)))
            return st;
        st = nlu_item(c, n);
        c->resume = n->end;
        pl_ynode_free(n);
        if (st != PL_OK)
            return st;
    }
}

static enum pl_status nlu_value(struct ry *c)
{
    yaml_event_t e;
    struct pl_ynode *n;
    enum pl_status st = PL_OK;

    if (pl_yaml_event(&c->y, &e) != 0)
        return broken(c);
    if (e.type == YAML_SEQUENCE_START_EVENT &&
        !e.data.sequence_start.anchor) {
        yaml_event_delete(&e);
        return nlu_list(c);
    }
    if (!(n = node(c, &e, &st)))
        return st;
    if (n->kind == PL_Y_SEQ)
        for (size_t i = 0; st == PL_OK && i < n->n; i++)
            st = nlu_item(c, n->kid[i]);
    else if (strcmp(pl_ynode_kind(n), "null"))
        st = reject_at(c, n->start, n->end, n->start, PL_ERR_FORMAT,
                       "expected a list of items under \"nlu\", found %s",
                       pl_ynode_kind(n));
    c->resume = n->end;
    pl_ynode_free(n);
    return st;
}

/* The members of the document's top mapping. */
static enum pl_status root_map(struct ry *c)
{
    yaml_event_t e;
    struct pl_ynode *key, *val;
    enum pl_status st = PL_OK;

    while (st == PL_OK && !c->stop) {
        if (pl_yaml_event(&c->y, &e) != 0)
            return broken(c);
        if (e.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&e);
            return PL_OK;
        }
        if (!(key = node(c, &e, &st)))
            return st;
        if (pl_ynode_is(key, "nlu")) {
            st = nlu_value(c);
        } else if (pl_yaml_event(&c->y, &e) != 0) {
            st = broken(c);
        } else if ((val = node(c, &e, &st))) {
            if (!pl_ynode_is(key, "version"))
                pl_rasa_section(&c->x, key->kind == PL_Y_SCALAR ? key->s
                                : "?", key->kind == PL_Y_SCALAR ? key->len
                                : 1);
            c->resume = val->end;
            pl_ynode_free(val);
        }
        pl_ynode_free(key);
    }
    return st;
}

/* A top mapping built whole (it has an anchor). */
static enum pl_status root_node(struct ry *c, const struct pl_ynode *n)
{
    const struct pl_ynode *v = pl_ynode_get(n, "nlu");
    enum pl_status st = PL_OK;

    for (size_t i = 0; i + 1 < n->n; i += 2)
        if (!pl_ynode_is(n->kid[i], "nlu") &&
            !pl_ynode_is(n->kid[i], "version"))
            pl_rasa_section(&c->x, n->kid[i]->kind == PL_Y_SCALAR
                            ? n->kid[i]->s : "?", n->kid[i]->kind ==
                            PL_Y_SCALAR ? n->kid[i]->len : 1);
    for (size_t i = 0; v && v->kind == PL_Y_SEQ && st == PL_OK && i < v->n;
         i++)
        st = nlu_item(c, v->kid[i]);
    return st;
}

/* A document whose top was not streamed: empty, anchored, or not NLU
 * data. */
static enum pl_status other_root(struct ry *c, yaml_event_t *e)
{
    enum pl_status st;
    struct pl_ynode *n = node(c, e, &st);

    if (!n)
        return st;
    if (n->kind == PL_Y_MAP)
        st = root_node(c, n);
    else if (strcmp(pl_ynode_kind(n), "null"))
        st = reject_at(c, n->start, n->end, n->start, PL_ERR_FORMAT,
                       "expected a mapping with an \"nlu\" list at the top "
                       "of the document, found %s", pl_ynode_kind(n));
    c->resume = n->end;
    pl_ynode_free(n);
    return st;
}

static enum pl_status read_stream(struct ry *c)
{
    yaml_event_t e;
    enum pl_status st = PL_OK;

    while (st == PL_OK && !c->stop) {
        if (pl_yaml_event(&c->y, &e) != 0)
            return broken(c);
        if (e.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&e);
            break;
        }
        if (e.type == YAML_MAPPING_START_EVENT &&
            !e.data.mapping_start.anchor) {
            yaml_event_delete(&e);
            st = root_map(c);
        } else if (e.type == YAML_MAPPING_START_EVENT ||
                   e.type == YAML_SEQUENCE_START_EVENT ||
                   e.type == YAML_SCALAR_EVENT ||
                   e.type == YAML_ALIAS_EVENT) {
            st = other_root(c, &e);
        } else {
            yaml_event_delete(&e);
        }
    }
    return st;
}

enum pl_status pl_rasa_yaml_read(struct pl_reader *r, const char *buf,
                                 size_t n)
{
    struct ry c;
    enum pl_status st;

    memset(&c, 0, sizeof c);
    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        n -= 3;
    }
    pl_rasa_init(&c.x, r);
    st = pl_yaml_open(&c.y, r, buf, n);
    if (st == PL_OK)
        st = read_stream(&c);
    if (st == PL_OK)
        pl_rasa_note(&c.x);
    pl_yaml_close(&c.y);
    return st;
}
