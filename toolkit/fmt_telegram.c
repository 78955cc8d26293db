/*
 * Telegram Desktop exports in JSON: result.json of one chat
 *
 *   {"name": "Trip", "type": "private_group", "id": 4471,
 *    "messages": [{"id": 1, "type": "message",
 *                  "date": "2024-03-12T10:15:00",
 *                  "date_unixtime": "1710238500", "from": "Dana",
 *                  "from_id": "user101", "text": "hi"}, ...]}
 *
 * or of a whole account (its "chats" and "left_chats" lists of such
 * chat objects; the other sections are not conversations and are left
 * out).
 *
 * Each chat is a session (see struct pl_export: new dialogues after long
 * silences), ids "<file stem>:<chat id>:<n>", dialogue meta chat_name,
 * chat_type, chat_id and the chat's other members in dialogue extra.
 *
 * Messages: "text" is a string or an array of strings and entity
 * objects ({"type": "link", "text": "..."}), joined into plain text;
 * parts without text are counted in meta "non_text_parts". "date" (the
 * exporting computer's local time, no zone) is the timestamp as written;
 * without it, "date_unixtime" as UTC. Speaker "from" (role from the name,
 * default "other"; a deleted account is ""), meta message_id, from_id,
 * reply_to, and "media" (media_type, or photo/file). Service messages
 * (joins, pins, calls) are turns with role "system", speaker the
 * "actor" and meta "event" = the "action". Other members go to turn
 * extra. A message with a date that does not parse, or a text of
 * another type, is rejected on its own.
 */
#include "export_impl.h"

#include <stdlib.h>
#include <string.h>

struct tg {
    struct pl_reader *r;
    char stem[256];
    long chats;
};

/* ---- messages -------------------------------------------------------- */

/* The timestamp: "date" as written, else "date_unixtime" in UTC. */
static int tg_time(const json_t *m, char *iso, size_t n)
{
    const json_t *date = json_object_get(m, "date");
    const json_t *unix_time = json_object_get(m, "date_unixtime");
    struct pl_time t;
    const char *u = json_string_value(unix_time);
    char *end;
    long long secs;

    iso[0] = '\0';
    if (date)
        return json_is_string(date) &&
               pl_time_parse(json_string_value(date), &t) == 0 &&
               t.kind == 1 &&
               snprintf(iso, n, "%s", json_string_value(date)) < (int)n;
    if (json_is_integer(unix_time)) {
        secs = json_integer_value(unix_time);
    } else if (u && *u >= '0' && *u <= '9') {
        secs = strtoll(u, &end, 10);
        if (*end)
            return 0;
    } else {
        return !unix_time;
    }
    if (secs < 0 || secs > 253402300799LL)
        return 0;
    pl_epoch_iso(secs, "", iso, n);
    return 1;
}

static int tg_media(const json_t *m, struct pl_turn *t)
{
    const json_t *mt = json_object_get(m, "media_type");
    const char *kind = json_is_string(mt) ? json_string_value(mt)
                       : json_object_get(m, "photo") ? "photo"
                       : json_object_get(m, "file") ? "file" : NULL;

    return kind && json_object_set_new(t->meta, "media", json_string(kind));
}

/* Meta that points at other records: ids, the sender's id, a reply. */
static int tg_links(const json_t *m, struct pl_turn *t, int service)
{
    static const char *const map[][2] = {
        { "id", "message_id" }, { "reply_to_message_id", "reply_to" },
        { "from_id", "from_id" }, { "actor_id", "from_id" },
    };
    json_t *type = json_object_get(m, "type");

    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        json_t *v = json_object_get(m, map[i][0]);

        if (v && !json_is_null(v) && json_object_set(t->meta, map[i][1], v))
            return -1;
    }
    if (service && json_object_get(m, "action") &&
        json_object_set(t->meta, "event", json_object_get(m, "action")))
        return -1;
    if (json_is_string(type) && !service &&
        strcmp(json_string_value(type), "message") &&
        json_object_set(t->meta, "message_type", type))
        return -1;
    return tg_media(m, t);
}

static enum pl_status tg_message(void *ctx, json_t *m, struct pl_turn *t,
                                 long line, long col, struct pl_error *why)
{
    static const char *const mapped[] = {
        "id", "type", "date", "from", "from_id", "actor", "actor_id",
        "action", "text", "reply_to_message_id", NULL
    };
    struct tg *g = ctx;
    const json_t *type = json_object_get(m, "type"), *who;
    int service = json_is_string(type) &&
                  !strcmp(json_string_value(type), "service");
    char iso[64];
    long other;
    int rc;

    if (!json_is_object(m))
        return pl_export_bad(g->r, why, line, col, "a message object", m);
    who = json_object_get(m, service ? "actor" : "from");
    if (who && !json_is_string(who) && !json_is_null(who))
        return pl_export_bad(g->r, why, line, col, "the sender as a string",
                             who);
    if (!tg_time(m, iso, sizeof iso))
        return pl_export_bad(g->r, why, line, col, "\"date\" as an ISO 8601 "
                             "date and time", json_object_get(m, "date"));
    if ((rc = pl_export_parts(json_object_get(m, "text"), t, &other)) > 0)
        return pl_export_bad(g->r, why, line, col, "\"text\" as a string or "
                             "an array of parts", json_object_get(m, "text"));
    free(t->speaker);
    t->speaker = pl_strdup(json_is_string(who) ? json_string_value(who) : "");
    if (rc < 0 || !t->speaker || (iso[0] && !(t->timestamp = pl_strdup(iso))) ||
        tg_links(m, t, service) ||
        (other && json_object_set_new(t->meta, "non_text_parts",
                                      json_integer(other))) ||
        pl_export_rest(t->extra, m, mapped))
        return pl_error_set(why, PL_ERR_NOMEM, g->r->path, line, col,
                            "out of memory");
    t->role = service ? PL_ROLE_SYSTEM
                      : pl_export_role(g->r, t->speaker, PL_ROLE_OTHER);
    return PL_OK;
}

/* ---- chats -------------------------------------------------------------- */

/* Dialogue ids, meta and extra from the chat's own members. */
static int tg_head(void *ctx, json_t *head, struct pl_export *c)
{
    static const char *const map[][2] = {
        { "name", "chat_name" }, { "type", "chat_type" }, { "id", "chat_id" }
    };
    static const char *const mapped[] = { "name", "type", "id", NULL };
    struct tg *g = ctx;
    json_t *id = json_object_get(head, "id");

    if (json_is_integer(id))
        snprintf(c->prefix, sizeof c->prefix, "%s:%" JSON_INTEGER_FORMAT,
                 g->stem, json_integer_value(id));
    else
        snprintf(c->prefix, sizeof c->prefix, "%s:%ld", g->stem, g->chats);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        json_t *v = json_object_get(head, map[i][0]);

        if (v && json_object_set(c->meta, map[i][1], v))
            return -1;
    }
    return pl_export_rest(c->extra, head, mapped);
}

static const struct pl_export_doc_fmt tg_fmt = { tg_head, tg_message };

static enum pl_status tg_chat(struct tg *g, struct pl_jscan *js, int *broken)
{
    enum pl_status st = pl_export_doc(g->r, js, &tg_fmt, g, broken);

    g->chats++;
    return st;
}

/* ---- whole-account exports ------------------------------------------- */

static enum pl_status tg_chat_elem(void *ctx, const char *s, size_t n,
                                   long line, long col, long index)
{
    struct pl_jscan js;
    int broken;

    (void)index;
    pl_jscan_init(&js, s, n, line, col);
    return tg_chat(ctx, &js, &broken);
}

static enum pl_status tg_list(void *ctx, struct pl_jscan *js,
                              const char *key, size_t klen, int *broken)
{
    struct tg *g = ctx;

    if (pl_export_key(key, klen, "list") && pl_jscan_ws(js) == '[')
        return pl_jscan_array(g->r, js, tg_chat_elem, g, broken);
    if (pl_jscan_value(js) != 0) {
        *broken = 1;
        return pl_jscan_reject(g->r, js, "a complete JSON value");
    }
    return PL_OK;
}

static enum pl_status tg_section(void *ctx, struct pl_jscan *js,
                                 const char *key, size_t klen, int *broken)
{
    struct tg *g = ctx;

    if ((pl_export_key(key, klen, "chats") ||
         pl_export_key(key, klen, "left_chats")) && pl_jscan_ws(js) == '{')
        return pl_export_object(g->r, js, tg_list, g, broken);
    if (pl_jscan_value(js) != 0) {
        *broken = 1;
        return pl_jscan_reject(g->r, js, "a complete JSON value");
    }
    return PL_OK;
}

/* Does the object at js have a member "messages" (one chat)? */
static int has_messages(struct pl_jscan js)
{
    size_t a, b;

    if (pl_jscan_expect(&js, '{'))
        return 0;
    while (pl_jscan_ws(&js) == '"') {
        if (pl_jscan_string(&js, &a, &b) || pl_jscan_expect(&js, ':'))
            return 0;
        if (pl_export_key(js.s + a, b - a, "messages"))
            return 1;
        if (pl_jscan_value(&js) != 0 || pl_jscan_ws(&js) != ',')
            return 0;
        js.pos++;
    }
    return 0;
}

enum pl_status pl_telegram_read(struct pl_reader *r, const char *buf,
                                size_t n)
{
    struct tg g;
    struct pl_jscan js;
    int broken = 0;
    enum pl_status st;

    memset(&g, 0, sizeof g);
    g.r = r;
    pl_name_stem(r->path, g.stem, sizeof g.stem);
    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        n -= 3;
    }
    pl_jscan_init(&js, buf, n, 1, 1);
    pl_jscan_ws(&js);
    if (has_messages(js))
        st = tg_chat(&g, &js, &broken);
    else
        st = pl_export_object(r, &js, tg_section, &g, &broken);
    if (st == PL_OK && !broken && pl_jscan_ws(&js) >= 0)
        st = pl_jscan_reject(r, &js, "the end of the file");
    return st;
}
