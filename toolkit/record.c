/*
 * The unified record model: building and releasing turns, dialogues and
 * corpora, and the unified JSONL format. Writing uses a fixed key order
 * and leaves empty members out, and reading keeps whatever it does not
 * know in `extra`, so a file written by parlance reads back and writes
 * out to the same bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include "parlance/record.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats_impl.h"
#include "parlance/text.h"

/* ---- roles ---------------------------------------------------------- */

static const char *const role_names[PL_ROLE_COUNT] = {
    "user", "agent", "system", "tool", "other"
};

static const struct {
    const char *name;
    enum pl_role role;
} role_aliases[] = {
    { "user", PL_ROLE_USER },       { "human", PL_ROLE_USER },
    { "customer", PL_ROLE_USER },   { "client", PL_ROLE_USER },
    { "usr", PL_ROLE_USER },        { "caller", PL_ROLE_USER },
    { "apprentice", PL_ROLE_USER }, { "agent", PL_ROLE_AGENT },
    { "assistant", PL_ROLE_AGENT }, { "bot", PL_ROLE_AGENT },
    { "gpt", PL_ROLE_AGENT },       { "chatgpt", PL_ROLE_AGENT },
    { "model", PL_ROLE_AGENT },     { "ai", PL_ROLE_AGENT },
    { "wizard", PL_ROLE_AGENT },    { "operator", PL_ROLE_AGENT },
    { "system", PL_ROLE_SYSTEM },   { "developer", PL_ROLE_SYSTEM },
    { "tool", PL_ROLE_TOOL },       { "function", PL_ROLE_TOOL },
    { "ipython", PL_ROLE_TOOL },    { "other", PL_ROLE_OTHER },
};

const char *pl_role_name(enum pl_role r)
{
    if ((int)r < 0 || r >= PL_ROLE_COUNT)
        return "other";
    return role_names[r];
}

enum pl_role pl_role_parse(const char *s)
{
    size_t n = sizeof role_aliases / sizeof role_aliases[0];

    for (size_t i = 0; s && i < n; i++)
        if (strcasecmp(s, role_aliases[i].name) == 0)
            return role_aliases[i].role;
    return PL_ROLE_OTHER;
}

/* ---- origins, turns, dialogues, corpora ----------------------------- */

enum pl_status pl_origin_set(struct pl_origin *o, const char *path,
                             long line, long column, long index)
{
    char *p = NULL;

    if (path && pl_utf8_validate(path, strlen(path), NULL) != 0) {
        if (pl_utf8_repair(path, strlen(path), &p, NULL, NULL) != PL_OK)
            return PL_ERR_NOMEM;
    } else if (path && !(p = pl_strdup(path))) {
        return PL_ERR_NOMEM;
    }
    free(o->path);
    o->path = p;
    o->line = line;
    o->column = column;
    o->index = index;
    return PL_OK;
}

void pl_origin_fini(struct pl_origin *o)
{
    if (!o)
        return;
    free(o->path);
    o->path = NULL;
    o->line = o->column = 0;
    o->index = -1;
}

enum pl_status pl_turn_init(struct pl_turn *t)
{
    memset(t, 0, sizeof *t);
    t->origin.index = -1;
    t->speaker = pl_strdup("");
    t->text = pl_strdup("");
    t->meta = json_object();
    t->extra = json_object();
    if (!t->speaker || !t->text || !t->meta || !t->extra) {
        pl_turn_fini(t);
        return PL_ERR_NOMEM;
    }
    return PL_OK;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void pl_turn_fini(struct pl_turn *t)
{
    if (!t)
        return;
    free(t->speaker);
    free(t->text);
    free(t->norm);
    free(t->timestamp);
    free_strs(t->intents, t->n_intents);
    free_strs(t->acts, t->n_acts);
    for (size_t i = 0; i < t->n_slots; i++) {
        free(t->slots[i].slot);
        free(t->slots[i].value);
    }
    free(t->slots);
    json_decref(t->meta);
    json_decref(t->extra);
    pl_origin_fini(&t->origin);
    memset(t, 0, sizeof *t);
    t->origin.index = -1;
}

/* Make room for element n of *v (elements of size sz). Capacity is kept
 * at the next power of two, so it grows exactly when n is 0 or one. */
static int grow_pow2(void **v, size_t n, size_t sz)
{
    void *nv;

    if (n & (n - 1))
        return 0;
    nv = realloc(*v, (n ? 2 * n : 1) * sz);
    if (!nv)
        return -1;
    *v = nv;
    return 0;
}

static enum pl_status push_str(char ***v, size_t *n, const char *s)
{
    char *c = pl_strdup(s ? s : "");

    if (!c || grow_pow2((void **)v, *n, sizeof **v) != 0) {
        free(c);
        return PL_ERR_NOMEM;
    }
    (*v)[(*n)++] = c;
    return PL_OK;
}

enum pl_status pl_turn_add_intent(struct pl_turn *t, const char *s)
{
    return push_str(&t->intents, &t->n_intents, s);
}

enum pl_status pl_turn_add_act(struct pl_turn *t, const char *s)
{
    return push_str(&t->acts, &t->n_acts, s);
}

enum pl_status pl_turn_add_slot(struct pl_turn *t, const char *slot,
                                long start, long end, const char *value)
{
    struct pl_span sp = { NULL, start, end, NULL };

    sp.slot = pl_strdup(slot ? slot : "");
    sp.value = pl_strdup(value);
    if (!sp.slot || (value && !sp.value) ||
        grow_pow2((void **)&t->slots, t->n_slots, sizeof *t->slots) != 0) {
        free(sp.slot);
        free(sp.value);
        return PL_ERR_NOMEM;
    }
    t->slots[t->n_slots++] = sp;
    return PL_OK;
}

enum pl_status pl_turn_set_text(struct pl_turn *t, const char *s, size_t n)
{
    char *c = pl_strndup(s ? s : "", s ? n : 0);

    if (!c)
        return PL_ERR_NOMEM;
    free(t->text);
    t->text = c;
    return PL_OK;
}

enum pl_status pl_dialogue_init(struct pl_dialogue *d, const char *id)
{
    memset(d, 0, sizeof *d);
    d->origin.index = -1;
    d->id = pl_strdup(id ? id : "");
    d->corpus = pl_strdup("");
    d->split = pl_strdup("");
    d->meta = json_object();
    d->extra = json_object();
    if (!d->id || !d->corpus || !d->split || !d->meta || !d->extra) {
        pl_dialogue_fini(d);
        return PL_ERR_NOMEM;
    }
    return PL_OK;
}

void pl_dialogue_fini(struct pl_dialogue *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_turns; i++)
        pl_turn_fini(&d->turns[i]);
    free(d->turns);
    free(d->id);
    free(d->corpus);
    free(d->split);
    json_decref(d->meta);
    json_decref(d->extra);
    pl_origin_fini(&d->origin);
    memset(d, 0, sizeof *d);
    d->origin.index = -1;
}

struct pl_turn *pl_dialogue_add_turn(struct pl_dialogue *d)
{
    struct pl_turn *t;

    if (d->n_turns == d->cap_turns) {
        size_t cap = d->cap_turns ? 2 * d->cap_turns : 8;
        struct pl_turn *nt = realloc(d->turns, cap * sizeof *nt);

        if (!nt)
            return NULL;
        d->turns = nt;
        d->cap_turns = cap;
    }
    t = &d->turns[d->n_turns];
    if (pl_turn_init(t) != PL_OK)
        return NULL;
    t->index = (long)d->n_turns++;
    return t;
}

struct pl_corpus *pl_corpus_new(const char *name)
{
    struct pl_corpus *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    c->name = pl_strdup(name ? name : "");
    c->format = pl_strdup("");
    if (!c->name || !c->format) {
        pl_corpus_free(c);
        return NULL;
    }
    return c;
}

void pl_corpus_free(struct pl_corpus *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_dialogues; i++)
        pl_dialogue_fini(&c->dialogues[i]);
    free(c->dialogues);
    free(c->name);
    free(c->format);
    free(c);
}

enum pl_status pl_corpus_take(struct pl_corpus *c, struct pl_dialogue *d)
{
    if (c->n_dialogues == c->cap_dialogues) {
        size_t cap = c->cap_dialogues ? 2 * c->cap_dialogues : 64;
        struct pl_dialogue *nd = realloc(c->dialogues, cap * sizeof *nd);

        if (!nd)
            return PL_ERR_NOMEM;
        c->dialogues = nd;
        c->cap_dialogues = cap;
    }
    c->dialogues[c->n_dialogues++] = *d;
    memset(d, 0, sizeof *d);
    d->origin.index = -1;
    return PL_OK;
}

/* ---- writing unified JSON ------------------------------------------- */

/* Set o[k] = v, taking v; any failure (v NULL included) sets *bad. */
static void put(json_t *o, const char *k, json_t *v, int *bad)
{
    if (json_object_set_new(o, k, v) != 0)
        *bad = 1;
}

static void put_str(json_t *o, const char *k, const char *s, int *bad)
{
    put(o, k, json_string(s), bad);
}

/* Objects are shared, not copied: the output holds one more reference. */
static void put_obj_if_any(json_t *o, const char *k, json_t *v, int *bad)
{
    if (v && json_object_size(v) > 0 && json_object_set(o, k, v) != 0)
        *bad = 1;
}

static json_t *strs_to_json(char *const *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_string(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *slots_to_json(const struct pl_span *v, size_t n)
{
    json_t *a = json_array();
    int bad = !a;

    for (size_t i = 0; !bad && i < n; i++) {
        json_t *s = json_object();

        put_str(s, "slot", v[i].slot, &bad);
        put(s, "start", json_integer(v[i].start), &bad);
        put(s, "end", json_integer(v[i].end), &bad);
        if (v[i].value)
            put_str(s, "value", v[i].value, &bad);
        if (json_array_append_new(a, s) != 0)
            bad = 1;
    }
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* The known parts of o; its path only when it differs from parent's.
 * Sets *empty when nothing is known (then NULL is returned). */
static json_t *origin_to_json(const struct pl_origin *o, const char *parent,
                              int *empty)
{
    json_t *j = json_object();
    int bad = !j;

    if (o->path && (!parent || strcmp(o->path, parent) != 0))
        put_str(j, "path", o->path, &bad);
    if (o->line > 0)
        put(j, "line", json_integer(o->line), &bad);
    if (o->column > 0)
        put(j, "column", json_integer(o->column), &bad);
    if (o->index >= 0)
        put(j, "index", json_integer(o->index), &bad);
    *empty = !bad && json_object_size(j) == 0;
    if (bad || *empty) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static void put_origin(json_t *o, const struct pl_origin *org,
                       const char *parent, int *bad)
{
    int empty;
    json_t *j = origin_to_json(org, parent, &empty);

    if (!empty)
        put(o, "origin", j, bad);
}

static json_t *turn_to_json(const struct pl_turn *t, const char *dpath)
{
    json_t *o = json_object();
    int bad = !o;

    put(o, "index", json_integer(t->index), &bad);
    put_str(o, "role", pl_role_name(t->role), &bad);
    if (t->speaker && t->speaker[0])
        put_str(o, "speaker", t->speaker, &bad);
    put_str(o, "text", t->text ? t->text : "", &bad);
    if (t->norm)
        put_str(o, "norm", t->norm, &bad);
    if (t->timestamp)
        put_str(o, "timestamp", t->timestamp, &bad);
    if (t->n_intents)
        put(o, "intents", strs_to_json(t->intents, t->n_intents), &bad);
    if (t->n_acts)
        put(o, "acts", strs_to_json(t->acts, t->n_acts), &bad);
    if (t->n_slots)
        put(o, "slots", slots_to_json(t->slots, t->n_slots), &bad);
    put_obj_if_any(o, "meta", t->meta, &bad);
    put_obj_if_any(o, "extra", t->extra, &bad);
    put_origin(o, &t->origin, dpath, &bad);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *dialogue_to_json(const struct pl_dialogue *d)
{
    json_t *o = json_object(), *turns = json_array();
    int bad = !o || !turns;

    put_str(o, "id", d->id ? d->id : "", &bad);
    if (d->corpus && d->corpus[0])
        put_str(o, "corpus", d->corpus, &bad);
    if (d->split && d->split[0])
        put_str(o, "split", d->split, &bad);
    put_obj_if_any(o, "meta", d->meta, &bad);
    for (size_t i = 0; !bad && i < d->n_turns; i++)
        if (json_array_append_new(turns,
                                  turn_to_json(&d->turns[i],
                                               d->origin.path)) != 0)
            bad = 1;
    put(o, "turns", turns, &bad);
    put_obj_if_any(o, "extra", d->extra, &bad);
    put_origin(o, &d->origin, NULL, &bad);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *pl_dialogue_to_json(const struct pl_dialogue *d)
{
    json_t *o = dialogue_to_json(d);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    json_decref(o);
    return s;
}

enum pl_status pl_dialogue_write(FILE *fp, const struct pl_dialogue *d,
                                 struct pl_error *err)
{
    char *s = pl_dialogue_to_json(d);
    enum pl_status st = PL_OK;

    if (!s)
        return pl_error_set(err, PL_ERR_DATA, d->origin.path,
                            d->origin.line, 0,
                            "cannot serialise dialogue \"%s\" (text that "
                            "is not valid UTF-8, or out of memory)",
                            d->id ? d->id : "");
    if (fputs(s, fp) == EOF || fputc('\n', fp) == EOF)
        st = pl_error_set(err, PL_ERR_IO, NULL, 0, 0,
                          "cannot write dialogue \"%s\"", d->id);
    free(s);
    return st;
}

/* ---- reading unified JSON ------------------------------------------- */

/* Where a record being read came from, for error messages. */
struct rd {
    const char *path;
    long line;
    struct pl_error *err;
};

/* "path:line:1: <where>: expected <what>, found <kind of v>". */
static enum pl_status expected(const struct rd *c, const char *where,
                               const char *what, const json_t *v)
{
    return pl_error_set(c->err, PL_ERR_FORMAT, c->path, c->line, 1,
                        "%s%sexpected %s, found %s", where,
                        where[0] ? ": " : "", what,
                        v ? pl_json_kind(v) : "nothing");
}

static enum pl_status nomem(const struct rd *c)
{
    return pl_error_set(c->err, PL_ERR_NOMEM, c->path, c->line, 1,
                        "out of memory");
}

/* Replace *dst by a copy of string v. */
static enum pl_status take_str(const struct rd *c, char **dst,
                               const json_t *v, const char *where)
{
    char *s;

    if (!json_is_string(v))
        return expected(c, where, "a string", v);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return pl_error_set(c->err, PL_ERR_FORMAT, c->path, c->line, 1,
                            "%s: expected text, found a NUL character",
                            where);
    if (!(s = pl_strdup(json_string_value(v))))
        return nomem(c);
    free(*dst);
    *dst = s;
    return PL_OK;
}

/* Copy the members of src into dst (an explicit "extra" wins over
 * unknown keys of the same name). */
static enum pl_status merge_obj(const struct rd *c, json_t *dst,
                                json_t *src)
{
    const char *k;
    json_t *v;

    json_object_foreach(src, k, v)
        if (json_object_set(dst, k, v) != 0)
            return nomem(c);
    return PL_OK;
}

/* Unknown keys go to extra, unless the explicit "extra" has them. */
static enum pl_status keep_unknown(const struct rd *c, json_t *extra,
                                   const char *k, json_t *v)
{
    if (json_object_get(extra, k))
        return PL_OK;
    return json_object_set(extra, k, v) == 0 ? PL_OK : nomem(c);
}

static enum pl_status take_obj(const struct rd *c, json_t **dst, json_t *v,
                               const char *where)
{
    if (!json_is_object(v))
        return expected(c, where, "an object", v);
    json_decref(*dst);
    *dst = json_incref(v);
    return PL_OK;
}

static enum pl_status take_long(const struct rd *c, long *dst,
                                const json_t *v, long min, const char *where)
{
    if (!json_is_integer(v) || json_integer_value(v) < min ||
        json_integer_value(v) > 0x7fffffffL)
        return expected(c, where, min >= 0 ? "a non-negative integer" :
                        "an integer", v);
    *dst = (long)json_integer_value(v);
    return PL_OK;
}

static enum pl_status origin_from_json(const struct rd *c,
                                       struct pl_origin *o, json_t *v,
                                       const char *where)
{
    enum pl_status st = PL_OK;
    const char *k;
    json_t *m;

    if (!json_is_object(v))
        return expected(c, where, "an object", v);
    json_object_foreach(v, k, m) {
        if (st != PL_OK)
            break;
        if (!strcmp(k, "path"))
            st = take_str(c, &o->path, m, where);
        else if (!strcmp(k, "line"))
            st = take_long(c, &o->line, m, 1, where);
        else if (!strcmp(k, "column"))
            st = take_long(c, &o->column, m, 1, where);
        else if (!strcmp(k, "index"))
            st = take_long(c, &o->index, m, 0, where);
        else
            st = pl_error_set(c->err, PL_ERR_FORMAT, c->path, c->line, 1,
                              "%s: expected path, line, column or index, "
                              "found \"%s\"", where, k);
    }
    return st;
}

static enum pl_status strs_from_json(const struct rd *c, struct pl_turn *t,
                                     json_t *v, int acts, const char *where)
{
    enum pl_status (*add)(struct pl_turn *, const char *) =
        acts ? pl_turn_add_act : pl_turn_add_intent;
    size_t i;
    json_t *e;

    if (!json_is_array(v))
        return expected(c, where, "an array of strings", v);
    json_array_foreach(v, i, e) {
        if (!json_is_string(e))
            return expected(c, where, "an array of strings", e);
        if (add(t, json_string_value(e)) != PL_OK)
            return nomem(c);
    }
    return PL_OK;
}

static enum pl_status slot_from_json(const struct rd *c, struct pl_turn *t,
                                     json_t *v, const char *where)
{
    json_t *slot = json_object_get(v, "slot"), *val;
    long start = 0, end = 0;
    const char *k;
    enum pl_status st;

    if (!json_is_object(v))
        return expected(c, where, "a slot object", v);
    json_object_foreach(v, k, val)
        if (strcmp(k, "slot") && strcmp(k, "start") && strcmp(k, "end") &&
            strcmp(k, "value"))
            return pl_error_set(c->err, PL_ERR_FORMAT, c->path, c->line,
                                1, "%s: expected slot, start, end or "
                                "value, found \"%s\"", where, k);
    if (!json_is_string(slot))
        return expected(c, where, "a \"slot\" string", slot);
    val = json_object_get(v, "value");
    if (val && !json_is_string(val))
        return expected(c, where, "a \"value\" string", val);
    st = take_long(c, &start, json_object_get(v, "start"), 0, where);
    if (st == PL_OK)
        st = take_long(c, &end, json_object_get(v, "end"), 0, where);
    if (st != PL_OK)
        return st;
    if (pl_turn_add_slot(t, json_string_value(slot), start, end,
                         val ? json_string_value(val) : NULL) != PL_OK)
        return nomem(c);
    return PL_OK;
}

static enum pl_status slots_from_json(const struct rd *c, struct pl_turn *t,
                                      json_t *v, const char *where)
{
    char w[96];
    size_t i;
    json_t *e;
    enum pl_status st;

    if (!json_is_array(v))
        return expected(c, where, "an array of slots", v);
    json_array_foreach(v, i, e) {
        snprintf(w, sizeof w, "%s.slots[%zu]", where, i);
        if ((st = slot_from_json(c, t, e, w)) != PL_OK)
            return st;
    }
    return PL_OK;
}

/* Spans must lie inside the text and on character boundaries. */
static enum pl_status check_spans(const struct rd *c,
                                  const struct pl_turn *t, const char *where)
{
    long n = (long)strlen(t->text);

    for (size_t i = 0; i < t->n_slots; i++) {
        const struct pl_span *s = &t->slots[i];
        int cut = (s->start < n && (t->text[s->start] & 0xC0) == 0x80) ||
                  (s->end < n && (t->text[s->end] & 0xC0) == 0x80);

        if (s->start > s->end || s->end > n || cut)
            return pl_error_set(c->err, PL_ERR_FORMAT, c->path, c->line, 1,
                                "%s.slots[%zu]: expected a span of "
                                "character boundaries within 0..%ld, "
                                "found %ld..%ld", where, i, n, s->start,
                                s->end);
    }
    return PL_OK;
}

static enum pl_status turn_member(const struct rd *c, struct pl_turn *t,
                                  const char *k, json_t *v, const char *w)
{
    if (!strcmp(k, "index"))
        return take_long(c, &t->index, v, 0, w);
    if (!strcmp(k, "role")) {
        if (!json_is_string(v))
            return expected(c, w, "a \"role\" string", v);
        t->role = pl_role_parse(json_string_value(v));
        return PL_OK;
    }
    if (!strcmp(k, "speaker"))
        return take_str(c, &t->speaker, v, w);
    if (!strcmp(k, "text"))
        return take_str(c, &t->text, v, w);
    if (!strcmp(k, "norm"))
        return take_str(c, &t->norm, v, w);
    if (!strcmp(k, "timestamp"))
        return take_str(c, &t->timestamp, v, w);
    if (!strcmp(k, "intents") || !strcmp(k, "acts"))
        return strs_from_json(c, t, v, k[0] == 'a', w);
    if (!strcmp(k, "slots"))
        return slots_from_json(c, t, v, w);
    if (!strcmp(k, "meta"))
        return take_obj(c, &t->meta, v, w);
    if (!strcmp(k, "extra"))
        return json_is_object(v) ? merge_obj(c, t->extra, v)
                                 : expected(c, w, "an object", v);
    if (!strcmp(k, "origin"))
        return origin_from_json(c, &t->origin, v, w);
    return keep_unknown(c, t->extra, k, v);
}

static enum pl_status turn_from_json(const struct rd *c,
                                     struct pl_dialogue *d, size_t i,
                                     json_t *v)
{
    enum pl_status st = PL_OK;
    struct pl_turn *t;
    const char *k;
    char w[64];
    json_t *m;

    snprintf(w, sizeof w, "turns[%zu]", i);
    if (!json_is_object(v))
        return expected(c, w, "a turn object", v);
    if (!json_is_string(json_object_get(v, "role")))
        return expected(c, w, "a \"role\" string",
                        json_object_get(v, "role"));
    if (!json_is_string(json_object_get(v, "text")))
        return expected(c, w, "a \"text\" string",
                        json_object_get(v, "text"));
    if (!(t = pl_dialogue_add_turn(d)))
        return nomem(c);
    json_object_foreach(v, k, m)
        if ((st = turn_member(c, t, k, m, w)) != PL_OK)
            return st;
    return check_spans(c, t, w);
}

static enum pl_status turns_from_json(const struct rd *c,
                                      struct pl_dialogue *d, json_t *v)
{
    enum pl_status st;
    size_t i;
    json_t *e;

    if (!json_is_array(v))
        return expected(c, "turns", "an array", v);
    json_array_foreach(v, i, e)
        if ((st = turn_from_json(c, d, i, e)) != PL_OK)
            return st;
    return PL_OK;
}

static enum pl_status dialogue_member(const struct rd *c,
                                      struct pl_dialogue *d, const char *k,
                                      json_t *v)
{
    if (!strcmp(k, "id"))
        return PL_OK;
    if (!strcmp(k, "corpus") || !strcmp(k, "split"))
        return take_str(c, k[0] == 'c' ? &d->corpus : &d->split, v, k);
    if (!strcmp(k, "meta"))
        return take_obj(c, &d->meta, v, k);
    if (!strcmp(k, "turns"))
        return turns_from_json(c, d, v);
    if (!strcmp(k, "extra"))
        return json_is_object(v) ? merge_obj(c, d->extra, v)
                                 : expected(c, k, "an object", v);
    if (!strcmp(k, "origin"))
        return origin_from_json(c, &d->origin, v, k);
    return keep_unknown(c, d->extra, k, v);
}

/* Turns record only the parts of their origin that differ from the
 * dialogue's; fill the path back in. */
static enum pl_status inherit_paths(const struct rd *c,
                                    struct pl_dialogue *d)
{
    for (size_t i = 0; i < d->n_turns; i++) {
        struct pl_origin *o = &d->turns[i].origin;

        if (o->path || !d->origin.path)
            continue;
        if (o->line <= 0 && o->column <= 0 && o->index < 0)
            continue;
        if (!(o->path = pl_strdup(d->origin.path)))
            return nomem(c);
    }
    return PL_OK;
}

enum pl_status pl_dialogue_from_json(struct pl_dialogue *d, json_t *obj,
                                     const char *path, long line,
                                     struct pl_error *err)
{
    struct rd c = { path, line, err };
    enum pl_status st = PL_OK;
    json_t *id = json_object_get(obj, "id"), *v;
    const char *k;

    memset(d, 0, sizeof *d);
    if (!json_is_object(obj))
        return expected(&c, "", "a dialogue object", obj);
    if (!json_is_string(id))
        return expected(&c, "", "an \"id\" string", id);
    if (pl_dialogue_init(d, json_string_value(id)) != PL_OK)
        return nomem(&c);
    json_object_foreach(obj, k, v)
        if ((st = dialogue_member(&c, d, k, v)) != PL_OK)
            goto done;
    if (!json_object_get(obj, "turns")) {
        st = expected(&c, "", "a \"turns\" array", NULL);
        goto done;
    }
    if (!d->origin.path && !d->origin.line && d->origin.index < 0 &&
        pl_origin_set(&d->origin, path, line, 0, -1) != PL_OK)
        st = nomem(&c);
    if (st == PL_OK)
        st = inherit_paths(&c, d);
done:
    if (st != PL_OK)
        pl_dialogue_fini(d);
    return st;
}
