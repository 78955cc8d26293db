/*
 * What the chat-log readers (openai, sharegpt, parlai_jsonl) share:
 * starting a dialogue from a file's names, the warnings about turns kept
 * with a role parlance did not recognise, and sniffing which of the
 * three shapes a JSON object has.
 */
#include "formats_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Each kind of warning is logged for this many turns per file; the rest
 * are only counted in the file's summary. */
#define CHAT_WARN_EACH 5

void pl_chat_init(struct pl_chat *c, struct pl_reader *r)
{
    memset(c, 0, sizeof *c);
    c->r = r;
    pl_file_names_get(r->path, &c->fn);
}

enum pl_status pl_chat_nomem(struct pl_chat *c, long line, long col)
{
    return pl_error_set(&c->why, PL_ERR_NOMEM, c->r->path, line, col,
                        "out of memory");
}

enum pl_status pl_chat_dialogue(struct pl_chat *c, struct pl_dialogue *d,
                                long line, long col, long index)
{
    char id[300];

    snprintf(id, sizeof id, "%s:%ld", c->fn.stem, index);
    if (pl_dialogue_init(d, id) != PL_OK)
        return pl_chat_nomem(c, line, col);
    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(c->fn.corpus);
    d->split = pl_strdup(c->fn.split);
    if (!d->corpus || !d->split ||
        pl_origin_set(&d->origin, c->r->path, line, col, index) != PL_OK)
        return pl_chat_nomem(c, line, col);
    return PL_OK;
}

int pl_json_copy_except(json_t *dst, json_t *src, const char *const *skip)
{
    const char *k;
    json_t *v;

    json_object_foreach(src, k, v) {
        size_t i = 0;

        while (skip[i] && strcmp(skip[i], k))
            i++;
        if (!skip[i] && json_object_set(dst, k, v) != 0)
            return -1;
    }
    return 0;
}

/* How a turn is named in warnings: "conversations[2]" or "response". */
static void turn_label(const struct pl_turn *t, const char *list, char *buf,
                       size_t n)
{
    if (json_is_true(json_object_get(t->meta, "response")))
        snprintf(buf, n, "the response message");
    else
        snprintf(buf, n, "%s[%ld]", list, t->origin.index);
}

void pl_chat_warn_turn(struct pl_chat *c, long *count,
                       const struct pl_turn *t, const char *list,
                       const char *what)
{
    char where[80];

    if ((*count)++ >= CHAT_WARN_EACH || !pl_log_enabled(PL_LOG_WARN))
        return;
    turn_label(t, list, where, sizeof where);
    pl_log(PL_LOG_WARN, "%s:%ld:%ld: %s: %s", c->r->path, t->origin.line,
           t->origin.column, where, what);
}

void pl_chat_check_roles(struct pl_chat *c, const struct pl_dialogue *d,
                         const char *list)
{
    for (size_t i = 0; i < d->n_turns; i++) {
        const struct pl_turn *t = &d->turns[i];
        char what[200];

        if (t->role != PL_ROLE_OTHER || !strcasecmp(t->speaker, "other"))
            continue;
        snprintf(what, sizeof what, "unknown role \"%.60s\", kept as role "
                 "other with the name as speaker", t->speaker);
        pl_chat_warn_turn(c, &c->unknown_roles, t, list, what);
    }
}

void pl_chat_summary(const struct pl_chat *c)
{
    if (!pl_log_enabled(PL_LOG_WARN))
        return;
    if (c->unknown_roles)
        pl_log(PL_LOG_WARN, "%s: %ld turn(s) with an unknown role, kept "
               "as role other", c->r->path, c->unknown_roles);
    if (c->unmatched)
        pl_log(PL_LOG_WARN, "%s: %ld tool result(s) linked to no earlier "
               "tool call, kept with turn meta tool_call_unmatched",
               c->r->path, c->unmatched);
}

/* ---- sniffing ------------------------------------------------------- */

/* Is s[a..b) the key k? */
static int key_eq(const char *s, size_t a, size_t b, const char *k)
{
    return b - a == strlen(k) && !memcmp(s + a, k, b - a);
}

/* Call fn for each member of the object at js->pos (as far as the bytes
 * go), with js at the member's value; stop when fn returns non-zero.
 * Returns what fn returned last, or 0. */
static int each_member(struct pl_jscan *js,
                       int (*fn)(struct pl_jscan *, size_t, size_t, void *),
                       void *ctx)
{
    size_t a, b;
    int rc;

    if (pl_jscan_expect(js, '{'))
        return 0;
    while (pl_jscan_ws(js) == '"') {
        if (pl_jscan_string(js, &a, &b) || pl_jscan_expect(js, ':'))
            return 0;
        pl_jscan_ws(js);
        if ((rc = fn(js, a, b, ctx)) != 0)
            return rc;
        if (pl_jscan_value(js) != 0 || pl_jscan_ws(js) != ',')
            return 0;
        js->pos++;
    }
    return 0;
}

/* A message member: 1 for OpenAI's "role", 2 for ShareGPT's "from". */
static int message_key(struct pl_jscan *js, size_t a, size_t b, void *ctx)
{
    (void)ctx;
    if (key_eq(js->s, a, b, "from"))
        return 2;
    if (key_eq(js->s, a, b, "role"))
        return 1;
    return 0;
}

/* Which kind of message the array at js->pos starts with (0: unknown). */
static int first_message(const struct pl_jscan *at)
{
    struct pl_jscan js = *at;

    if (pl_jscan_expect(&js, '[') || pl_jscan_ws(&js) != '{')
        return 0;
    return each_member(&js, message_key, NULL);
}

/* Does the object at js->pos hold a "messages" array? */
static int has_messages(struct pl_jscan *js, size_t a, size_t b, void *ctx)
{
    (void)ctx;
    return key_eq(js->s, a, b, "messages") && js->pos < js->n &&
           js->s[js->pos] == '[';
}

/* The top-level members that decide a chat shape; ctx points to an int
 * that says the object is an element of a whole-document array. */
static int chat_key(struct pl_jscan *js, size_t a, size_t b, void *ctx)
{
    static const char *const sharegpt[] = { "conversations",
                                            "conversation", "items" };
    const char *s = js->s;
    int arr = js->pos < js->n && s[js->pos] == '[';
    int in_array = *(const int *)ctx;

    for (size_t i = 0; arr && i < sizeof sharegpt / sizeof *sharegpt; i++)
        if (key_eq(s, a, b, sharegpt[i]))
            return PL_FMT_SHAREGPT;
    if (arr && key_eq(s, a, b, "messages"))
        return first_message(js) == 2 ? PL_FMT_SHAREGPT : PL_FMT_OPENAI;
    if (arr && key_eq(s, a, b, "dialog"))
        return in_array ? 0 : PL_FMT_PARLAI_JSONL;
    if (!in_array && (key_eq(s, a, b, "request") || key_eq(s, a, b, "body")) &&
        js->pos < js->n && s[js->pos] == '{') {
        struct pl_jscan in = *js;

        if (each_member(&in, has_messages, NULL))
            return PL_FMT_OPENAI;
    }
    return 0;
}

enum pl_format pl_chat_sniff(const struct pl_jscan *at, int in_array)
{
    struct pl_jscan js = *at;
    int f = each_member(&js, chat_key, &in_array);

    if (in_array && f == PL_FMT_OPENAI)
        return PL_FMT_SHAREGPT;
    return f ? (enum pl_format)f : PL_FMT_AUTO;
}

/* ---- messages ------------------------------------------------------- */

enum pl_status pl_chat_message(struct pl_chat *c, struct pl_dialogue *d,
                               json_t *m, const char *list, size_t i,
                               long line, long col)
{
    if (json_object_get(m, "from") ||
        (json_object_get(m, "value") && !json_object_get(m, "role")))
        return pl_sharegpt_message(c, d, m, list, i, line, col);
    return pl_openai_message(c, d, m, list, i, line, col);
}
