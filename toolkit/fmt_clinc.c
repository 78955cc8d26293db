/*
 * CLINC150 data_*.json: one object whose members train, val, test,
 * oos_train, oos_val and oos_test are lists of [text, intent] pairs.
 *
 * Each pair becomes a one-turn user dialogue "<corpus>:<list>:<index>",
 * the corpus being "clinc150" for data_full.json, "clinc150_<variant>"
 * for data_<variant>.json and the file stem otherwise. Splits: train ->
 * "train", val -> "dev", test -> "test", and each oos_ list goes to the
 * matching split with intent "oos". Turn meta "in_scope" (false for the
 * oos_ lists) and, when domains.json sits beside the file, "domain"
 * ("oos" for oos). The origin of each record is the physical line and
 * column of its "[", found by scanning the text, since jansson keeps no
 * positions.
 */
#define _POSIX_C_SOURCE 200809L
#include "formats_impl.h"

#include <stdlib.h>
#include <string.h>

struct clinc {
    struct pl_reader *r;
    char corpus[300];
    const char *list;       /* the member being read ("val") */
    const char *split;      /* its split ("dev") */
    int in_scope;
    json_t *domains;        /* intent -> domain, or NULL */
    struct pl_error why;
};

static const char *const lists[][2] = {
    { "train", "train" }, { "val", "dev" }, { "test", "test" },
    { "oos_train", "train" }, { "oos_val", "dev" }, { "oos_test", "test" },
};

static void corpus_name(const char *path, char *buf, size_t n)
{
    char stem[256];

    pl_name_stem(path, stem, sizeof stem);
    if (!strcmp(stem, "data_full"))
        snprintf(buf, n, "clinc150");
    else if (!strncmp(stem, "data_", 5) && stem[5])
        snprintf(buf, n, "clinc150_%s", stem + 5);
    else
        snprintf(buf, n, "%s", stem);
}

/* Map each intent to its domain from domains.json beside path. */
static json_t *load_domains(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dn = slash ? (size_t)(slash - path) + 1 : 0;
    char *dpath = malloc(dn + sizeof "domains.json"), *buf = NULL;
    json_t *src = NULL, *map = NULL, *intents, *it;
    const char *dom;
    size_t len, i;

    if (!dpath)
        return NULL;
    memcpy(dpath, path, dn);
    memcpy(dpath + dn, "domains.json", sizeof "domains.json");
    if (pl_file_read(dpath, &buf, &len, NULL) == PL_OK)
        src = json_loadb(buf, len, 0, NULL);
    if (json_is_object(src) && (map = json_object()))
        json_object_foreach(src, dom, intents)
            json_array_foreach(intents, i, it)
                if (json_is_string(it))
                    json_object_set_new(map, json_string_value(it),
                                        json_string(dom));
    if (buf && !map)
        pl_log(PL_LOG_WARN, "%s: not a CLINC150 domain map; domains left "
               "out", dpath);
    json_decref(src);
    free(buf);
    free(dpath);
    return map;
}

static enum pl_status clinc_nomem(struct clinc *c, long line, long col)
{
    return pl_error_set(&c->why, PL_ERR_NOMEM, c->r->path, line, col,
                        "out of memory");
}

static enum pl_status clinc_meta(struct clinc *c, struct pl_turn *t,
                                 const char *intent)
{
    json_t *dom = NULL;

    if (json_object_set_new(t->meta, "in_scope", json_boolean(c->in_scope)))
        return PL_ERR_NOMEM;
    if (!c->domains)
        return PL_OK;
    if (!strcmp(intent, "oos"))
        dom = json_string("oos");
    else if (json_object_get(c->domains, intent))
        dom = json_incref(json_object_get(c->domains, intent));
    if (dom && json_object_set_new(t->meta, "domain", dom))
        return PL_ERR_NOMEM;
    return PL_OK;
}

static enum pl_status clinc_build(struct clinc *c, struct pl_dialogue *d,
                                  const json_t *pair, long line, long col,
                                  long index)
{
    const char *text = json_string_value(json_array_get(pair, 0));
    const char *intent = json_string_value(json_array_get(pair, 1));
    struct pl_turn *t;
    char id[400];

    if (!json_is_array(pair) || json_array_size(pair) != 2 || !text ||
        !intent)
        return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, line, col,
                            "%s[%ld]: expected a [text, intent] pair of "
                            "strings, found %s", c->list, index,
                            pl_json_kind(pair));
    snprintf(id, sizeof id, "%s:%s:%ld", c->corpus, c->list, index);
    if (pl_dialogue_init(d, id) != PL_OK)
        return clinc_nomem(c, line, col);
    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(c->corpus);
    d->split = pl_strdup(c->split);
    if (!d->corpus || !d->split || !(t = pl_dialogue_add_turn(d)) ||
        pl_origin_set(&d->origin, c->r->path, line, col, index) ||
        pl_origin_set(&t->origin, c->r->path, line, col, 0) ||
        pl_turn_set_text(t, text, strlen(text)) ||
        pl_turn_add_intent(t, intent) || clinc_meta(c, t, intent))
        return clinc_nomem(c, line, col);
    t->role = PL_ROLE_USER;
    return PL_OK;
}

static enum pl_status clinc_element(void *ctx, const char *s, size_t n,
                                    long line, long col, long index)
{
    struct clinc *c = ctx;
    struct pl_dialogue d;
    json_t *pair = NULL;
    enum pl_status st;

    memset(&d, 0, sizeof d);
    if (n > c->r->max_record) {
        pl_error_set(&c->why, PL_ERR_LIMIT, c->r->path, line, col,
                     "expected a record of at most %zu bytes "
                     "(max_record_bytes), found %zu bytes",
                     c->r->max_record, n);
        return pl_reader_reject(c->r, s, n, &c->why);
    }
    st = pl_reader_json(c->r, s, n, line, col, JSON_DECODE_ANY, &pair,
                        &c->why);
    if (st == PL_OK)
        st = clinc_build(c, &d, pair, line, col, index);
    json_decref(pair);
    if (st == PL_OK)
        return pl_reader_emit(c->r, &d);
    pl_dialogue_fini(&d);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(c->r, &c->why);
    return pl_reader_reject(c->r, s, n, &c->why);
}

/* Read one member of the top object; its name is s[a..b). *broken when
 * the document cannot be followed any further. */
static enum pl_status clinc_member(struct clinc *c, struct pl_jscan *js,
                                   size_t a, size_t b, int *broken)
{
    long line = js->line, col = pl_jscan_col(js);

    *broken = 0;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (b - a == strlen(lists[i][0]) &&
            !memcmp(js->s + a, lists[i][0], b - a)) {
            c->list = lists[i][0];
            c->split = lists[i][1];
            c->in_scope = strncmp(c->list, "oos_", 4) != 0;
            return pl_jscan_array(c->r, js, clinc_element, c, broken);
        }
    pl_log(PL_LOG_WARN, "%s:%ld:%ld: unknown CLINC150 list \"%.*s\" "
           "skipped", c->r->path, line, col, (int)(b - a < 64 ? b - a : 64),
           js->s + a);
    if (pl_jscan_value(js) != 0) {
        *broken = 1;
        return pl_jscan_reject(c->r, js, "a complete JSON value");
    }
    return PL_OK;
}

/* Walk the members of the top-level object. */
static enum pl_status clinc_object(struct clinc *c, struct pl_jscan *js)
{
    enum pl_status st = PL_OK;
    size_t a, b;
    int broken = 0, ch;

    if (pl_jscan_expect(js, '{'))
        return pl_jscan_reject(c->r, js, "'{' starting a CLINC150 object");
    if (pl_jscan_ws(js) == '}') {
        js->pos++;
        return PL_OK;
    }
    for (;;) {
        if (pl_jscan_ws(js) != '"' || pl_jscan_string(js, &a, &b) ||
            pl_jscan_expect(js, ':'))
            return pl_jscan_reject(c->r, js, "a list name and ':'");
        st = clinc_member(c, js, a, b, &broken);
        if (st != PL_OK || broken)
            return st;
        if ((ch = pl_jscan_ws(js)) == '}')
            break;
        if (ch != ',')
            return pl_jscan_reject(c->r, js, "',' or '}' after a list");
        js->pos++;
    }
    js->pos++;
    if (pl_jscan_ws(js) >= 0)
        return pl_jscan_reject(c->r, js, "the end of the file");
    return PL_OK;
}

enum pl_status pl_clinc_read(struct pl_reader *r, const char *buf, size_t n)
{
    struct clinc c;
    struct pl_jscan js;
    enum pl_status st;

    memset(&c, 0, sizeof c);
    c.r = r;
    corpus_name(r->path, c.corpus, sizeof c.corpus);
    c.domains = load_domains(r->path);
    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        n -= 3;
    }
    pl_jscan_init(&js, buf, n, 1, 1);
    st = clinc_object(&c, &js);
    json_decref(c.domains);
    return st;
}
