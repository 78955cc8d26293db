/*
 * Rasa NLU training data in its JSON form: {"rasa_nlu_data":
 * {"common_examples": [{"text", "intent", "entities": [{"start", "end",
 * "value", "entity"}, ...]}, ...], ...}}. The older lists
 * "intent_examples" and "entity_examples" hold examples of the same
 * shape and are read too; regex_features, lookup_tables,
 * entity_synonyms and other members are not examples and are only noted
 * in the log.
 *
 * Each example becomes a one-turn user dialogue "<corpus>:<list>:<index>"
 * (the corpus named as for tables: the file's stem, or its folder's name
 * when the stem is only a split name). Intent: "intent" when it is a
 * non-empty string. Entities become slot spans, converted from character
 * to byte offsets, slot = "entity", value = "value" (which differs from
 * the words when Rasa maps a synonym). When an entity carries more
 * (role, group, extractor, ...) the whole list stays in turn extra. An
 * example's "metadata" object goes to turn meta; other members to turn
 * extra. Split from the file or folder names (see td_split_of).
 *
 * Each example is parsed, located and rejected on its own.
 */
#include "fmt_taskdata.h"

#include <stdlib.h>
#include <string.h>

struct rasa {
    struct pl_reader *r;
    char corpus[256];
    const char *split;
    const char *list;       /* the list being read */
};

/* Does every entity hold only start, end, value and entity? */
static int plain_entities(const json_t *ents)
{
    const json_t *e;
    const char *k;
    json_t *v;
    size_t i;

    json_array_foreach(ents, i, e)
        json_object_foreach((json_t *)e, k, v)
            if (strcmp(k, "start") && strcmp(k, "end") &&
                strcmp(k, "value") && strcmp(k, "entity"))
                return 0;
    return 1;
}

/* Characters in s. */
static long char_count(const char *s)
{
    long n = 0;

    for (; *s; s++)
        n += (*s & 0xC0) != 0x80;
    return n;
}

static enum pl_status bad_entity(struct rasa *c, const struct pl_turn *t,
                                 const json_t *e, const struct td_rec *rec,
                                 size_t i, struct pl_error *why)
{
    const json_t *a = json_object_get(e, "start");
    const json_t *b = json_object_get(e, "end");
    char found[96];
    long line, col;

    if (json_is_integer(a) && json_is_integer(b) &&
        json_is_string(json_object_get(e, "entity")))
        snprintf(found, sizeof found, "characters %" JSON_INTEGER_FORMAT
                 "..%" JSON_INTEGER_FORMAT " of %ld", json_integer_value(a),
                 json_integer_value(b), char_count(t->text));
    else
        snprintf(found, sizeof found, "%s", json_is_object(e)
                 ? "no \"entity\" string or no integer \"start\" and "
                   "\"end\"" : pl_json_kind(e));
    td_elem_pos(rec, "entities", i, &line, &col);
    return td_bad(why, c->r->path, line, col, "%s[%ld].entities[%zu]: "
                  "expected an \"entity\" with \"start\" and \"end\" "
                  "characters within the text, found %s", c->list,
                  rec->index, i, found);
}

static enum pl_status add_entities(struct rasa *c, struct pl_turn *t,
                                   const json_t *ents,
                                   const struct td_rec *rec,
                                   struct pl_error *why)
{
    const json_t *e;
    size_t i;

    if (!json_is_array(ents))
        return td_bad(why, c->r->path, rec->line, rec->col, "%s[%ld]."
                      "entities: expected a list of entities, found %s",
                      c->list, rec->index, pl_json_kind(ents));
    json_array_foreach(ents, i, e) {
        const json_t *a = json_object_get(e, "start");
        const json_t *b = json_object_get(e, "end");
        const char *name = json_string_value(json_object_get(e, "entity"));
        int rc = 1;

        if (json_is_integer(a) && json_is_integer(b) && name)
            rc = td_add_char_span(t, name, (long)json_integer_value(a),
                                  (long)json_integer_value(b),
                                  json_string_value(json_object_get(e,
                                                                "value")));
        if (rc < 0)
            return td_nomem(why, c->r->path, rec->line, rec->col);
        if (rc > 0)
            return bad_entity(c, t, e, rec, i, why);
    }
    if (!plain_entities(ents) &&
        json_object_set(t->extra, "entities", (json_t *)ents))
        return td_nomem(why, c->r->path, rec->line, rec->col);
    return PL_OK;
}

/* Intent, metadata and the members not mapped. */
static int rasa_labels(struct pl_turn *t, const json_t *v)
{
    static const char *const mapped[] = { "text", "intent", "entities",
                                          "metadata", NULL };
    const char *intent = json_string_value(json_object_get(v, "intent"));
    const json_t *meta = json_object_get(v, "metadata");

    if (intent && intent[0] && pl_turn_add_intent(t, intent))
        return -1;
    if (json_is_object(meta) && json_object_update(t->meta, (json_t *)meta))
        return -1;
    if (meta && !json_is_object(meta) &&
        json_object_set(t->extra, "metadata", (json_t *)meta))
        return -1;
    if (json_object_get(v, "intent") && !(intent && intent[0]) &&
        json_object_set(t->extra, "intent", json_object_get(v, "intent")))
        return -1;
    return td_copy_rest(t->extra, v, mapped);
}

static enum pl_status rasa_build(void *ctx, struct pl_dialogue *d,
                                 json_t *v, const struct td_rec *rec,
                                 struct pl_error *why)
{
    struct rasa *c = ctx;
    const json_t *text = json_object_get(v, "text");
    const json_t *ents = json_object_get(v, "entities");
    struct pl_turn *t;
    char id[400];

    if (!json_is_object(v) || !json_is_string(text))
        return td_bad(why, c->r->path, rec->line, rec->col, "%s[%ld]: "
                      "expected an example with a \"text\" string, found %s",
                      c->list, rec->index, json_is_object(v)
                          ? "no text" : pl_json_kind(v));
    snprintf(id, sizeof id, "%s:%s:%ld", c->corpus, c->list, rec->index);
    if (td_dialogue_init(d, id, c->corpus, c->split, c->r->path, rec) ||
        !(t = td_turn_add(d, PL_ROLE_USER, json_string_value(text),
                          json_string_length(text), c->r->path, rec->line,
                          rec->col)) ||
        rasa_labels(t, v))
        return td_nomem(why, c->r->path, rec->line, rec->col);
    return ents ? add_entities(c, t, ents, rec, why) : PL_OK;
}

static enum pl_status rasa_element(void *ctx, const char *s, size_t n,
                                   long line, long col, long index)
{
    struct rasa *c = ctx;
    struct td_rec rec = { s, n, line, col, index };

    return td_record(c->r, &rec, "an example", rasa_build, c);
}

static void note_skipped(struct rasa *c, const struct td_key *key,
                         const char *where)
{
    char name[68];

    if (!pl_log_enabled(PL_LOG_INFO))
        return;
    pl_utf8_fit(name, sizeof name, key->raw, key->n);
    pl_log(PL_LOG_INFO, "%s:%ld:%ld: Rasa %s\"%s\" noted, not read as "
           "examples", c->r->path, key->line, key->col, where, name);
}

/* A member of rasa_nlu_data: a list of examples, or something else. */
static enum pl_status rasa_data(void *ctx, struct pl_jscan *js,
                                const struct td_key *key, int *broken)
{
    static const char *const lists[] = { "common_examples",
                                         "intent_examples",
                                         "entity_examples" };
    struct rasa *c = ctx;

    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (td_key_is(key, lists[i])) {
            c->list = lists[i];
            return pl_jscan_array(c->r, js, rasa_element, c, broken);
        }
    note_skipped(c, key, "");
    return td_skip_value(c->r, js, broken);
}

static enum pl_status rasa_top(void *ctx, struct pl_jscan *js,
                               const struct td_key *key, int *broken)
{
    struct rasa *c = ctx;

    if (td_key_is(key, "rasa_nlu_data"))
        return td_object(c->r, js, "'{' after \"rasa_nlu_data\"", rasa_data,
                         c, broken);
    note_skipped(c, key, "top-level ");
    return td_skip_value(c->r, js, broken);
}

enum pl_status pl_rasajson_read(struct pl_reader *r, const char *buf,
                                size_t n)
{
    struct rasa c;
    struct pl_jscan js;
    enum pl_status st;
    int broken;

    memset(&c, 0, sizeof c);
    c.r = r;
    pl_name_corpus(r->path, c.corpus, sizeof c.corpus);
    c.split = td_split_of(r->path);
    pl_jscan_init(&js, buf, n, 1, 1);
    st = td_object(r, &js, "'{' starting a Rasa NLU JSON file", rasa_top,
                   &c, &broken);
    if (st == PL_OK && !broken)
        st = td_expect_end(r, &js);
    return st;
}
