/*
 * OpenAI chat JSONL, one dialogue per line, id "<file stem>:<line index>".
 * Three line shapes are read:
 *   {"messages": [...], ...}                 chat and fine-tuning files
 *   {"request": {"messages": [...], ...},    logged chat completions
 *    "response": {"choices": [{"message": {...}}], ...}}
 *   {"custom_id": .., "body": {"messages": [...], ...}}   Batch API input
 * Logged completions add choices[0].message as a last turn with meta
 * "response" true and its "finish_reason"; the other choices stay in
 * dialogue extra "response", which keeps the whole response but that
 * message. The request (or body) is kept in dialogue extra without its
 * messages; meta "model" is the response's model, else the request's.
 *
 * Messages: system and developer -> system, user -> user, assistant ->
 * agent, tool and function -> tool, anything else -> other (warned
 * about); the role string is kept as speaker. A message with "from"
 * instead of "role" is read as ShareGPT (fmt_sharegpt.c). content may be
 * a string, null or missing (empty text, never "None"), or an array of
 * parts: text parts (text, input_text, output_text) and refusal parts are
 * joined with "\n"; the others are counted in turn meta "non_text_parts"
 * and their types listed in "non_text_types"; the array is kept in turn
 * extra "content". A refusal (part, or the "refusal" of a message
 * without content) sets meta "refusal" true.
 *
 * Every other message key is kept in turn extra as it was (tool_calls,
 * tool_call_id, function_call, name, weight, ...), and top-level keys in
 * dialogue extra (tools, parallel_tool_calls, metadata, ...); a top-level
 * "metadata" object is also copied into dialogue meta. Derived turn meta:
 *   tool_call_ids     ids of the calls an assistant turn makes
 *   function_call     the name of a legacy function_call
 *   tool_call_id      the call a tool result answers
 *   function_name     the name of a legacy role "function" result
 *   tool_call_turn    index of the turn holding that call
 *   tool_call_unmatched  true when no earlier turn holds it (counted in
 *                     a warning at the end of the file)
 *   weight            a fine-tuning weight (number)
 */
#include "formats_impl.h"

#include <stdlib.h>
#include <string.h>

static enum pl_status oa_bad(struct pl_chat *c, const char *list, size_t i,
                             long line, long col, const char *what,
                             const json_t *found)
{
    c->item = (long)i;
    return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, line, col,
                        "%s[%zu]: expected %s, found %s", list, i, what,
                        found ? pl_json_kind(found) : "nothing");
}

static enum pl_role oa_role(const char *s)
{
    if (!strcmp(s, "assistant"))
        return PL_ROLE_AGENT;
    if (!strcmp(s, "function") || !strcmp(s, "tool"))
        return PL_ROLE_TOOL;
    return pl_role_parse(s);
}

/* ---- content ---------------------------------------------------------- */

/* The text of a part, or NULL when it is not a text part. *refusal is set
 * for a refusal part. */
static const char *part_text(const json_t *p, int *refusal)
{
    const char *type = json_string_value(json_object_get(p, "type"));
    const json_t *text = json_object_get(p, "text");

    if (json_is_string(p))
        return json_string_value(p);
    if (type && !strcmp(type, "refusal") &&
        json_is_string(json_object_get(p, "refusal"))) {
        *refusal = 1;
        return json_string_value(json_object_get(p, "refusal"));
    }
    if (!type || !json_is_string(text))
        return NULL;
    if (strcmp(type, "text") && strcmp(type, "input_text") &&
        strcmp(type, "output_text"))
        return NULL;
    return json_string_value(text);
}

/* Note a part that is not text: count it, list its type once. */
static int note_other(json_t *types, const json_t *p)
{
    const char *type = json_string_value(json_object_get(p, "type"));
    size_t i;
    json_t *v;

    if (!type)
        type = json_is_object(p) ? "(no type)" : pl_json_kind(p);
    json_array_foreach(types, i, v)
        if (!strcmp(json_string_value(v), type))
            return 0;
    return json_array_append_new(types, json_string(type));
}

/* Join the text parts of a with "\n" into t; meta counts the others. */
static enum pl_status parts_text(const json_t *a, struct pl_turn *t)
{
    size_t len = 0, k = 0, i, other = 0, texts = 0;
    json_t *types = json_array(), *p;
    const char *s;
    char *buf = NULL;
    int refusal = 0, bad = !types;

    json_array_foreach(a, i, p) {
        if ((s = part_text(p, &refusal))) {
            len += strlen(s) + 1;
        } else if (!bad) {
            other++;
            bad = note_other(types, p) != 0;
        }
    }
    if (!bad && (buf = malloc(len + 1)))
        json_array_foreach(a, i, p)
            if ((s = part_text(p, &refusal))) {
                if (texts++)
                    buf[k++] = '\n';
                memcpy(buf + k, s, strlen(s));
                k += strlen(s);
            }
    bad = !buf || pl_turn_set_text(t, buf, k) != PL_OK;
    free(buf);
    if (other && !bad)
        bad = json_object_set_new(t->meta, "non_text_parts",
                                  json_integer((json_int_t)other)) ||
              json_object_set(t->meta, "non_text_types", types);
    if (refusal && !bad)
        bad = json_object_set_new(t->meta, "refusal", json_true());
    json_decref(types);
    return bad ? PL_ERR_NOMEM : PL_OK;
}

/* Text from content (string, null/missing, parts) or a lone refusal. */
static enum pl_status oa_content(struct pl_turn *t, const json_t *m,
                                 int *bad_type)
{
    json_t *v = json_object_get(m, "content");
    json_t *refusal = json_object_get(m, "refusal");

    *bad_type = 0;
    if ((!v || json_is_null(v)) && json_is_string(refusal)) {
        if (pl_turn_set_text(t, json_string_value(refusal),
                             json_string_length(refusal)) != PL_OK ||
            json_object_set_new(t->meta, "refusal", json_true()) != 0)
            return PL_ERR_NOMEM;
        return PL_OK;
    }
    if (!v || json_is_null(v))
        return PL_OK;
    if (json_is_string(v))
        return pl_turn_set_text(t, json_string_value(v),
                                json_string_length(v));
    if (!json_is_array(v)) {
        *bad_type = 1;
        return PL_OK;
    }
    if (json_object_set(t->extra, "content", v) != 0)
        return PL_ERR_NOMEM;
    return parts_text(v, t);
}

/* ---- calls and results ----------------------------------------------- */

/* Turn meta naming the calls a message makes and the call it answers. */
static int oa_links(struct pl_turn *t, const json_t *m)
{
    const json_t *calls = json_object_get(m, "tool_calls"), *call;
    json_t *id = json_object_get(m, "tool_call_id"), *ids;
    json_t *fc = json_object_get(json_object_get(m, "function_call"),
                                 "name");
    json_t *name = json_object_get(m, "name");
    size_t i;

    if (json_is_string(id) && json_object_set(t->meta, "tool_call_id", id))
        return -1;
    if (json_is_string(fc) && json_object_set(t->meta, "function_call", fc))
        return -1;
    if (!strcmp(t->speaker, "function") &&
        json_object_set_new(t->meta, "function_name",
                            json_is_string(name) ? json_incref(name)
                                                 : json_string("")))
        return -1;
    if (!strcmp(t->speaker, "tool") && !json_is_string(id) &&
        json_object_set_new(t->meta, "tool_call_unmatched", json_true()))
        return -1;
    if (!json_is_array(calls))
        return 0;
    if (!(ids = json_array()))
        return -1;
    json_array_foreach(calls, i, call) {
        json_t *cid = json_object_get(call, "id");

        if (json_is_string(cid) && json_array_append(ids, cid) != 0) {
            json_decref(ids);
            return -1;
        }
    }
    return json_object_set_new(t->meta, "tool_call_ids", ids);
}

static int has_id(const json_t *ids, const char *id)
{
    size_t i;
    json_t *v;

    json_array_foreach(ids, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), id))
            return 1;
    return 0;
}

/* The latest turn before k that makes the call result k answers, or -1. */
static long find_call(const struct pl_dialogue *d, size_t k)
{
    const json_t *meta = d->turns[k].meta;
    const char *id = json_string_value(json_object_get(meta,
                                                       "tool_call_id"));
    const char *fn = json_string_value(json_object_get(meta,
                                                       "function_name"));

    for (size_t j = k; j-- > 0;) {
        const json_t *m = d->turns[j].meta;
        const char *call = json_string_value(json_object_get(
            m, "function_call"));

        if (id && has_id(json_object_get(m, "tool_call_ids"), id))
            return (long)j;
        if (!id && fn && call && !strcmp(call, fn))
            return (long)j;
    }
    return -1;
}

/* Say why result t links to no call. */
static void unmatched_what(const struct pl_turn *t, char *buf, size_t n)
{
    const char *id = json_string_value(json_object_get(t->meta,
                                                       "tool_call_id"));
    const char *fn = json_string_value(json_object_get(t->meta,
                                                       "function_name"));

    if (id)
        snprintf(buf, n, "tool_call_id \"%.60s\" matches no earlier tool "
                 "call; kept, marked tool_call_unmatched", id);
    else if (fn)
        snprintf(buf, n, "function result \"%.60s\" follows no "
                 "function_call of that name; kept, marked "
                 "tool_call_unmatched", fn);
    else
        snprintf(buf, n, "tool result without a tool_call_id; kept, "
                 "marked tool_call_unmatched");
}

enum pl_status pl_openai_link(struct pl_chat *c, struct pl_dialogue *d,
                              const char *list)
{
    for (size_t k = 0; k < d->n_turns; k++) {
        struct pl_turn *t = &d->turns[k];
        int result = json_object_get(t->meta, "tool_call_id") ||
                     json_object_get(t->meta, "function_name");
        long j = result ? find_call(d, k) : -1;
        char what[200];

        if (j >= 0 && json_object_set_new(t->meta, "tool_call_turn",
                                          json_integer(j)) != 0)
            return pl_chat_nomem(c, t->origin.line, t->origin.column);
        if (j >= 0 || (!result && !json_object_get(t->meta,
                                                   "tool_call_unmatched")))
            continue;
        if (json_object_set_new(t->meta, "tool_call_unmatched",
                                json_true()) != 0)
            return pl_chat_nomem(c, t->origin.line, t->origin.column);
        unmatched_what(t, what, sizeof what);
        pl_chat_warn_turn(c, &c->unmatched, t, list, what);
    }
    return PL_OK;
}

/* ---- messages ------------------------------------------------------- */

/* Turn meta from the message's fine-tuning weight and its links. */
static int oa_meta(struct pl_turn *t, const json_t *m)
{
    json_t *w = json_object_get(m, "weight");

    if (json_is_number(w) && json_object_set(t->meta, "weight", w) != 0)
        return -1;
    return oa_links(t, m);
}

enum pl_status pl_openai_message(struct pl_chat *c, struct pl_dialogue *d,
                                 json_t *m, const char *list, size_t i,
                                 long line, long col)
{
    static const char *const mapped[] = { "role", "content", NULL };
    json_t *role = json_object_get(m, "role");
    struct pl_turn *t;
    int bad_type;

    if (!json_is_object(m))
        return oa_bad(c, list, i, line, col, "a message object", m);
    if (!json_is_string(role))
        return oa_bad(c, list, i, line, col, "a \"role\" string", role);
    if (!(t = pl_dialogue_add_turn(d)) ||
        pl_origin_set(&t->origin, c->r->path, line, col, (long)i) != PL_OK)
        return pl_chat_nomem(c, line, col);
    t->role = oa_role(json_string_value(role));
    free(t->speaker);
    if (!(t->speaker = pl_strdup(json_string_value(role))) ||
        oa_content(t, m, &bad_type) != PL_OK)
        return pl_chat_nomem(c, line, col);
    if (bad_type)
        return oa_bad(c, list, i, line, col, "content as a string, null or "
                      "an array of parts", json_object_get(m, "content"));
    if (pl_json_copy_except(t->extra, m, mapped) != 0 || oa_meta(t, m))
        return pl_chat_nomem(c, line, col);
    return PL_OK;
}

/* ---- dialogues ------------------------------------------------------ */

/* Where the messages are: "messages", or inside "request" or "body". */
static json_t *oa_find(json_t *obj, const char **holder)
{
    static const char *const holders[] = { "request", "body" };
    json_t *msgs = json_object_get(obj, "messages");

    *holder = NULL;
    for (size_t i = 0; !msgs && i < 2; i++) {
        json_t *h = json_object_get(obj, holders[i]);

        if (json_is_object(h) &&
            json_is_array(json_object_get(h, "messages"))) {
            *holder = holders[i];
            msgs = json_object_get(h, "messages");
        }
    }
    return msgs;
}

/* Add choices[0].message of a logged response as the last turn; the
 * response without that message goes to dialogue extra. */
static enum pl_status oa_response(struct pl_chat *c, struct pl_dialogue *d,
                                  json_t *resp, long line)
{
    json_t *choice = json_array_get(json_object_get(resp, "choices"), 0);
    json_t *msg = json_object_get(choice, "message"), *copy, *reason;
    size_t i = d->n_turns;
    enum pl_status st;

    if (!json_is_object(msg))
        return json_object_set(d->extra, "response", resp) ? PL_ERR_NOMEM
                                                           : PL_OK;
    if ((st = pl_openai_message(c, d, msg, "response.choices", 0, line,
                                1)) != PL_OK)
        return st;
    reason = json_object_get(choice, "finish_reason");
    if (json_object_set_new(d->turns[i].meta, "response", json_true()) ||
        (json_is_string(reason) &&
         json_object_set(d->turns[i].meta, "finish_reason", reason)))
        return PL_ERR_NOMEM;
    d->turns[i].origin.index = (long)i;
    if (!(copy = json_deep_copy(resp)))
        return PL_ERR_NOMEM;
    json_object_del(json_array_get(json_object_get(copy, "choices"), 0),
                    "message");
    return json_object_set_new(d->extra, "response", copy) ? PL_ERR_NOMEM
                                                           : PL_OK;
}

/* Dialogue extra and meta from the keys around the messages. */
static int oa_around(struct pl_dialogue *d, json_t *obj, const char *holder,
                     int logged)
{
    static const char *const skip_msgs[] = { "messages", NULL };
    const char *skip_top[] = { "messages", holder ? holder : "messages",
                               logged ? "response" : "messages", NULL };
    json_t *h = holder ? json_object_get(obj, holder) : NULL, *copy;
    json_t *meta = json_object_get(obj, "metadata");
    json_t *model = json_object_get(json_object_get(obj, "response"),
                                    "model");

    if (pl_json_copy_except(d->extra, obj, skip_top) != 0)
        return -1;
    if (json_is_object(meta) && json_object_update(d->meta, meta) != 0)
        return -1;
    if (!h)
        return 0;
    if (!logged || !json_is_string(model))
        model = json_object_get(h, "model");
    if (json_is_string(model) && json_object_set(d->meta, "model", model))
        return -1;
    if (!(copy = json_object()) ||
        pl_json_copy_except(copy, h, skip_msgs) != 0) {
        json_decref(copy);
        return -1;
    }
    return json_object_set_new(d->extra, holder, copy);
}

static enum pl_status oa_dialogue(struct pl_chat *c, struct pl_dialogue *d,
                                  json_t *obj, long line, long index)
{
    const char *holder, *list;
    json_t *msgs = oa_find(obj, &holder), *v;
    json_t *resp = json_object_get(obj, "response");
    int logged = holder && !strcmp(holder, "request") &&
                 json_is_object(resp);
    size_t i;
    enum pl_status st;

    if ((st = pl_chat_dialogue(c, d, line, 1, index)) != PL_OK)
        return st;
    if (!json_is_array(msgs))
        return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, line, 1,
                            "expected a \"messages\" array, found %s",
                            msgs ? pl_json_kind(msgs) : "nothing");
    list = !holder ? "messages"
           : !strcmp(holder, "request") ? "request.messages"
                                        : "body.messages";
    if (oa_around(d, obj, holder, logged) != 0)
        return pl_chat_nomem(c, line, 1);
    json_array_foreach(msgs, i, v)
        if ((st = pl_chat_message(c, d, v, list, i, line, 1)) != PL_OK)
            return st;
    if (logged && (st = oa_response(c, d, resp, line)) != PL_OK)
        return st == PL_ERR_NOMEM ? pl_chat_nomem(c, line, 1) : st;
    pl_chat_check_roles(c, d, list);
    return pl_openai_link(c, d, list);
}

/* Point an error about messages[i] of a top-level "messages" array at
 * that message's line and column. */
static void oa_locate(struct pl_chat *c, const char *raw, size_t n,
                      long line)
{
    struct pl_pos *pos;
    size_t count;

    if (c->item < 0 || strncmp(c->why.message, "messages[", 9) ||
        pl_jscan_member_elems(raw, n, line, 1, "messages", &pos,
                              &count) != 0)
        return;
    if ((size_t)c->item < count) {
        c->why.line = pos[c->item].line;
        c->why.column = pos[c->item].col;
    }
    free(pos);
}

static enum pl_status oa_line(struct pl_reader *r, json_t *obj,
                              const char *raw, size_t n, long line,
                              long index)
{
    struct pl_chat *c = r->fmt;
    struct pl_dialogue d;
    enum pl_status st;

    c->item = -1;
    st = oa_dialogue(c, &d, obj, line, index);
    if (st == PL_OK)
        return pl_reader_emit(r, &d);
    pl_dialogue_fini(&d);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &c->why);
    oa_locate(c, raw, n, line);
    return pl_reader_reject(r, raw, n, &c->why);
}

enum pl_status pl_openai_read(struct pl_reader *r, struct pl_lines *lr)
{
    struct pl_chat c;
    enum pl_status st;

    pl_chat_init(&c, r);
    r->fmt = &c;
    st = pl_jsonl_read(r, lr, JSON_REJECT_DUPLICATES, oa_line);
    r->fmt = NULL;
    pl_chat_summary(&c);
    return st;
}
