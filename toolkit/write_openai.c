/*
 * The OpenAI chat writer: {"messages": [...]} per dialogue, as the
 * OpenAI reader (fmt_openai.c) reads it back. Roles: user -> user, agent
 * -> assistant, system -> system (developer when that was the speaker),
 * tool -> tool (function likewise), other -> user (counted). A speaker
 * that is not the role's own name becomes the message's "name" when it
 * fits OpenAI's pattern for names (letters, digits, '_', '-', at most
 * 64); otherwise it is counted as left out.
 *
 * Only members OpenAI's chat format defines are written from extra:
 * message members name, tool_calls, tool_call_id, function_call, weight,
 * refusal, audio, and a "content" array of parts when its text parts,
 * joined with "\n" as the reader joins them, still give the turn's text;
 * top-level members tools, functions, parallel_tool_calls. Turn meta
 * the reader derives again from what is written (tool-call links,
 * weight, refusal, non-text parts; see derived[]) is not counted as
 * lost; all other metadata is. A refusal that is the turn's text is
 * written with null content, as the reader expects it.
 */
#include "writers_impl.h"

#include <stdlib.h>
#include <string.h>

static const char *const message_keys[] = {
    "name", "tool_calls", "tool_call_id", "function_call", "weight",
    "refusal", "audio"
};

static const char *const top_keys[] = {
    "tools", "functions", "parallel_tool_calls"
};

static int in_list(const char *k, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(k, list[i]))
            return 1;
    return 0;
}

#define IN(k, list) in_list((k), (list), sizeof(list) / sizeof((list)[0]))

static const char *role_string(const struct pl_turn *t)
{
    switch (t->role) {
    case PL_ROLE_AGENT:
        return "assistant";
    case PL_ROLE_SYSTEM:
        return strcmp(t->speaker, "developer") ? "system" : "developer";
    case PL_ROLE_TOOL:
        return strcmp(t->speaker, "function") ? "tool" : "function";
    default:
        return "user";
    }
}

/* Does s fit OpenAI's pattern for a participant name? */
static int name_ok(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (!(s[n] >= 'a' && s[n] <= 'z') && !(s[n] >= 'A' && s[n] <= 'Z') &&
            !(s[n] >= '0' && s[n] <= '9') && s[n] != '_' && s[n] != '-')
            return 0;
    return n >= 1 && n <= 64;
}

/* The text of one content part as the reader takes it (text parts and
 * refusal parts), or NULL. */
static const char *part_string(const json_t *p)
{
    const char *type = json_string_value(json_object_get(p, "type"));
    const json_t *t = json_object_get(p, "text");

    if (json_is_string(p))
        return json_string_value(p);
    if (type && !strcmp(type, "refusal"))
        return json_string_value(json_object_get(p, "refusal"));
    if (!type || !json_is_string(t))
        return NULL;
    if (strcmp(type, "text") && strcmp(type, "input_text") &&
        strcmp(type, "output_text"))
        return NULL;
    return json_string_value(t);
}

/* Do the text parts of a, joined with "\n" as the reader joins them,
 * make text? */
static int parts_give(const json_t *a, const char *text)
{
    size_t i, at = 0, n;
    const json_t *p;
    const char *s;
    int first = 1;

    json_array_foreach(a, i, p) {
        if (!(s = part_string(p)))
            continue;
        if (!first && text[at++] != '\n')
            return 0;
        n = strlen(s);
        if (strncmp(text + at, s, n))
            return 0;
        at += n;
        first = 0;
    }
    return text[at] == '\0';
}

/* "content": the parts array when it still gives the text; null for an
 * empty call message, or for a refusal the text is; else the text. */
static json_t *content_of(struct pl_writer *w, const struct pl_turn *t)
{
    json_t *a = json_object_get(t->extra, "content");
    const char *refusal = json_string_value(json_object_get(t->extra,
                                                            "refusal"));

    if (json_is_array(a) && parts_give(a, t->text))
        return json_incref(a);
    if (a)
        w->st.lost[PL_LOSS_TURN_EXTRA]++;
    if (!t->text[0] && (json_object_get(t->extra, "tool_calls") ||
                        json_object_get(t->extra, "function_call")))
        return json_null();
    if (refusal && t->text[0] && !strcmp(refusal, t->text))
        return json_null();
    return json_string(t->text);
}

/* Turn metadata the OpenAI reader derives from a message member (see
 * fmt_openai.c); it comes back when the message written has that member
 * ("content" meaning a parts array). */
static const struct {
    const char *meta, *member;
} derived[] = {
    { "tool_call_ids", "tool_calls" },   { "tool_call_id", "tool_call_id" },
    { "tool_call_turn", "tool_call_id" }, { "function_call", "function_call" },
    { "function_name", "role" },         { "tool_call_unmatched", "role" },
    { "weight", "weight" },              { "refusal", "refusal" },
    { "non_text_parts", "content" },     { "non_text_types", "content" },
};

/* How many of t's metadata keys the reader makes again from m. */
static long derived_meta(const struct pl_turn *t, const json_t *m)
{
    long n = 0;

    for (size_t i = 0; i < sizeof derived / sizeof *derived; i++) {
        const json_t *v = json_object_get(m, derived[i].member);

        if (!strcmp(derived[i].member, "content"))
            v = json_is_array(v) ? v : NULL;
        if (!strcmp(derived[i].meta, "refusal") && !v)
            v = json_is_array(json_object_get(m, "content")) ||
                json_is_null(json_object_get(m, "content"))
                    ? json_object_get(m, "content") : NULL;
        n += v && json_object_get(t->meta, derived[i].meta);
    }
    return n;
}

/* The speaker as "name", or counted as left out. */
static int put_name(struct pl_writer *w, const struct pl_turn *t,
                    const char *role, json_t *m)
{
    const char *name = json_string_value(json_object_get(t->extra, "name"));

    if (!t->speaker[0] || !strcmp(t->speaker, role) ||
        (name && !strcmp(name, t->speaker)))
        return 0;
    if (name || !name_ok(t->speaker)) {
        w->st.lost[PL_LOSS_SPEAKER]++;
        return 0;
    }
    return json_object_set_new(m, "name", json_string(t->speaker));
}

static json_t *message(struct pl_writer *w, const struct pl_turn *t)
{
    const char *role = role_string(t), *k;
    json_t *m = json_object(), *v;
    int bad;

    if (!m)
        return NULL;
    w->st.lost[PL_LOSS_ROLE] += t->role == PL_ROLE_OTHER;
    pl_wr_lose_turn(w, t, PL_CARRY(PL_LOSS_SPEAKER) |
                              PL_CARRY(PL_LOSS_TURN_EXTRA) |
                              PL_CARRY(PL_LOSS_TURN_META));
    bad = json_object_set_new(m, "role", json_string(role)) ||
          json_object_set_new(m, "content", content_of(w, t)) ||
          put_name(w, t, role, m);
    json_object_foreach(t->extra, k, v) {
        if (!strcmp(k, "content"))
            continue;
        if (IN(k, message_keys))
            bad |= json_object_set(m, k, v);
        else
            w->st.lost[PL_LOSS_TURN_EXTRA]++;
    }
    w->st.lost[PL_LOSS_TURN_META] += (long)json_object_size(t->meta) -
                                     derived_meta(t, m);
    if (bad) {
        json_decref(m);
        return NULL;
    }
    return m;
}

static json_t *dialogue(struct pl_writer *w, const struct pl_dialogue *d)
{
    json_t *o = json_object(), *msgs = json_array(), *v;
    const char *k;
    int bad = !o || !msgs || json_object_set(o, "messages", msgs);

    pl_wr_lose_dialogue(w, d, PL_CARRY(PL_LOSS_DIALOGUE_EXTRA));
    for (size_t i = 0; !bad && i < d->n_turns; i++)
        bad = json_array_append_new(msgs, message(w, &d->turns[i]));
    json_object_foreach(d->extra, k, v) {
        if (IN(k, top_keys))
            bad |= json_object_set(o, k, v);
        else
            w->st.lost[PL_LOSS_DIALOGUE_EXTRA]++;
    }
    json_decref(msgs);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static enum pl_status openai_write(struct pl_writer *w,
                                   const struct pl_dialogue *d,
                                   struct pl_error *err)
{
    json_t *o = dialogue(w, d);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    json_decref(o);
    if (!s)
        return pl_wr_bad_text(d, err);
    fputs(s, w->fp);
    fputc('\n', w->fp);
    free(s);
    w->st.records++;
    return pl_wr_check(w, err);
}

const struct pl_writer_ops pl_write_openai_ops = {
    NULL, openai_write, NULL, NULL
};
