/*
 * OpenAI chat JSONL: one {"messages": [{"role", "content", ...}, ...]}
 * object per line, one dialogue each, id "<file stem>:<line index>".
 *
 * Roles: system and developer -> system, user -> user, assistant ->
 * agent, tool and function -> tool; the role string is kept as speaker.
 * content may be a string, null or missing (empty text, never "None"),
 * or an array of parts: text parts are joined with "\n", the others are
 * counted in turn meta "non_text_parts", and the whole array is kept in
 * turn extra "content". tool_calls, tool_call_id and name are kept in
 * turn extra; the ids also go to turn meta "tool_call_ids" (on the call)
 * and "tool_call_id" (on the result) so calls and results stay linked.
 * Other message keys go to turn extra, other top-level keys to dialogue
 * extra.
 */
#include "formats_impl.h"

#include <stdlib.h>
#include <string.h>

/* The record being built, for error messages. */
struct oa {
    struct pl_reader *r;
    long line;
    struct pl_error why;
};

static enum pl_status oa_bad(struct oa *c, size_t i, const char *what,
                             const json_t *found)
{
    return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, c->line, 1,
                        "messages[%zu]: expected %s, found %s", i, what,
                        found ? pl_json_kind(found) : "nothing");
}

static enum pl_status oa_nomem(struct oa *c)
{
    return pl_error_set(&c->why, PL_ERR_NOMEM, c->r->path, c->line, 1,
                        "out of memory");
}

static enum pl_role oa_role(const char *s)
{
    if (!strcmp(s, "assistant"))
        return PL_ROLE_AGENT;
    if (!strcmp(s, "function") || !strcmp(s, "tool"))
        return PL_ROLE_TOOL;
    return pl_role_parse(s);
}

/* The text of a part, or NULL when it is not a text part. */
static const char *part_text(const json_t *p)
{
    const char *type = json_string_value(json_object_get(p, "type"));
    const json_t *text = json_object_get(p, "text");

    if (json_is_string(p))
        return json_string_value(p);
    if (!type || !json_is_string(text))
        return NULL;
    if (strcmp(type, "text") && strcmp(type, "input_text") &&
        strcmp(type, "output_text"))
        return NULL;
    return json_string_value(text);
}

/* Join the text parts of a with "\n"; *other counts the other parts. */
static enum pl_status parts_text(const json_t *a, struct pl_turn *t,
                                 long *other)
{
    size_t len = 0, k = 0, i;
    const json_t *p;
    const char *s;
    char *buf;
    enum pl_status st;

    *other = 0;
    json_array_foreach(a, i, p)
        if ((s = part_text(p)))
            len += strlen(s) + 1;
        else
            ++*other;
    if (!(buf = malloc(len + 1)))
        return PL_ERR_NOMEM;
    json_array_foreach(a, i, p)
        if ((s = part_text(p))) {
            if (k)
                buf[k++] = '\n';
            memcpy(buf + k, s, strlen(s));
            k += strlen(s);
        }
    st = pl_turn_set_text(t, buf, k);
    free(buf);
    return st;
}

static enum pl_status oa_content(struct oa *c, struct pl_turn *t,
                                 json_t *v, size_t i)
{
    long other;

    if (!v || json_is_null(v))
        return PL_OK;
    if (json_is_string(v))
        return pl_turn_set_text(t, json_string_value(v),
                                json_string_length(v)) == PL_OK
                   ? PL_OK : oa_nomem(c);
    if (!json_is_array(v))
        return oa_bad(c, i, "content as a string, null or an array of "
                      "parts", v);
    if (parts_text(v, t, &other) != PL_OK ||
        json_object_set(t->extra, "content", v) != 0 ||
        (other && json_object_set_new(t->meta, "non_text_parts",
                                      json_integer(other)) != 0))
        return oa_nomem(c);
    return PL_OK;
}

/* Turn meta that links tool calls to their results. */
static enum pl_status oa_links(struct oa *c, struct pl_turn *t,
                               const json_t *m)
{
    const json_t *calls = json_object_get(m, "tool_calls"), *call;
    json_t *id = json_object_get(m, "tool_call_id"), *ids;
    size_t i;

    if (json_is_string(id) &&
        json_object_set(t->meta, "tool_call_id", id) != 0)
        return oa_nomem(c);
    if (!json_is_array(calls))
        return PL_OK;
    if (!(ids = json_array()))
        return oa_nomem(c);
    json_array_foreach(calls, i, call) {
        json_t *cid = json_object_get(call, "id");

        if (json_is_string(cid) && json_array_append(ids, cid) != 0) {
            json_decref(ids);
            return oa_nomem(c);
        }
    }
    if (json_object_set_new(t->meta, "tool_call_ids", ids) != 0)
        return oa_nomem(c);
    return PL_OK;
}

static enum pl_status oa_message(struct oa *c, struct pl_dialogue *d,
                                 size_t i, json_t *m)
{
    json_t *role = json_object_get(m, "role"), *v;
    struct pl_turn *t;
    const char *k;
    enum pl_status st;

    if (!json_is_object(m))
        return oa_bad(c, i, "a message object", m);
    if (!json_is_string(role))
        return oa_bad(c, i, "a \"role\" string", role);
    if (!(t = pl_dialogue_add_turn(d)) ||
        pl_origin_set(&t->origin, c->r->path, c->line, 1, (long)i) != PL_OK)
        return oa_nomem(c);
    t->role = oa_role(json_string_value(role));
    free(t->speaker);
    if (!(t->speaker = pl_strdup(json_string_value(role))))
        return oa_nomem(c);
    if ((st = oa_content(c, t, json_object_get(m, "content"), i)) != PL_OK)
        return st;
    json_object_foreach(m, k, v)
        if (strcmp(k, "role") && strcmp(k, "content") &&
            json_object_set(t->extra, k, v) != 0)
            return oa_nomem(c);
    return oa_links(c, t, m);
}

static enum pl_status oa_dialogue(struct oa *c, struct pl_dialogue *d,
                                  json_t *obj, long index)
{
    const struct pl_file_names *fn = c->r->fmt;
    json_t *msgs = json_object_get(obj, "messages"), *v;
    char id[300];
    const char *k;
    size_t i;
    enum pl_status st;

    snprintf(id, sizeof id, "%s:%ld", fn->stem, index);
    if (pl_dialogue_init(d, id) != PL_OK)
        return oa_nomem(c);
    if (!json_is_array(msgs))
        return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, c->line, 1,
                            "expected a \"messages\" array, found %s",
                            msgs ? pl_json_kind(msgs) : "nothing");
    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(fn->corpus);
    d->split = pl_strdup(fn->split);
    if (!d->corpus || !d->split ||
        pl_origin_set(&d->origin, c->r->path, c->line, 1, index) != PL_OK)
        return oa_nomem(c);
    json_object_foreach(obj, k, v)
        if (strcmp(k, "messages") && json_object_set(d->extra, k, v) != 0)
            return oa_nomem(c);
    json_array_foreach(msgs, i, v)
        if ((st = oa_message(c, d, i, v)) != PL_OK)
            return st;
    return PL_OK;
}

static enum pl_status oa_line(struct pl_reader *r, json_t *obj,
                              const char *raw, size_t n, long line,
                              long index)
{
    struct oa c = { r, line, { 0 } };
    struct pl_dialogue d;
    enum pl_status st = oa_dialogue(&c, &d, obj, index);

    if (st == PL_OK)
        return pl_reader_emit(r, &d);
    pl_dialogue_fini(&d);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &c.why);
    return pl_reader_reject(r, raw, n, &c.why);
}

enum pl_status pl_openai_read(struct pl_reader *r, struct pl_lines *lr)
{
    struct pl_file_names fn;
    enum pl_status st;

    pl_file_names_get(r->path, &fn);
    r->fmt = &fn;
    st = pl_jsonl_read(r, lr, 0, oa_line);
    r->fmt = NULL;
    return st;
}
