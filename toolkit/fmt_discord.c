/*
 * Discord channel exports in DiscordChatExporter's JSON:
 *
 *   {"guild": {"id": "...", "name": "Acme"},
 *    "channel": {"id": "...", "name": "help", ...},
 *    "messages": [{"id": "...", "type": "Default",
 *                  "timestamp": "2024-03-12T10:15:00.123+00:00",
 *                  "content": "hi",
 *                  "author": {"id": "...", "name": "dana",
 *                             "nickname": "Dana", "isBot": false},
 *                  "attachments": [], "embeds": [],
 *                  "reference": {"messageId": "..."}}, ...]}
 *
 * One session per file (new dialogues after long silences), ids
 * "<file stem>:<n>", dialogue meta guild, channel (their names) and
 * channel_id; the file's other members in dialogue extra.
 *
 * Messages: "content" (a string, or an array of parts) is the text;
 * "timestamp" as written (ISO 8601 with its offset); speaker the
 * author's nickname, else name; role agent for isBot, else from the
 * name (default "other"). Message types other than Default, Reply and
 * command replies (joins, pins, calls, renames) are turns with role
 * "system" and meta "event" = the type. Meta message_id, author_id,
 * reply_to (reference.messageId), and non_text_parts (attachments,
 * embeds and stickers); every other member (author included) goes to
 * turn extra. A timestamp that does not parse rejects the message.
 */
#include "export_impl.h"

#include <stdlib.h>
#include <string.h>

static const char *const plain_types[] = {
    "Default", "Reply", "ApplicationCommand", "ContextMenuCommand",
    "ThreadStarterMessage", NULL
};

static int is_plain(const json_t *type)
{
    for (size_t i = 0; plain_types[i]; i++)
        if (!type || !strcmp(json_string_value(type), plain_types[i]))
            return 1;
    return 0;
}

static const char *dc_speaker(const json_t *author)
{
    const char *nick = json_string_value(json_object_get(author, "nickname"));
    const char *name = json_string_value(json_object_get(author, "name"));

    return nick && *nick ? nick : name ? name : "";
}

/* Meta from the message; parts counts content parts without text. */
static int dc_meta(const json_t *m, struct pl_turn *t, int plain,
                   long parts)
{
    static const char *const lists[] = { "attachments", "embeds",
                                         "stickers" };
    json_t *author = json_object_get(m, "author");
    json_t *ref = json_object_get(json_object_get(m, "reference"),
                                  "messageId");

    for (size_t i = 0; i < 3; i++)
        parts += (long)json_array_size(json_object_get(m, lists[i]));
    if ((json_object_get(m, "id") &&
         json_object_set(t->meta, "message_id", json_object_get(m, "id"))) ||
        (json_object_get(author, "id") &&
         json_object_set(t->meta, "author_id",
                         json_object_get(author, "id"))) ||
        (ref && !json_is_null(ref) &&
         json_object_set(t->meta, "reply_to", ref)) ||
        (!plain && json_object_set(t->meta, "event",
                                   json_object_get(m, "type"))) ||
        (parts && json_object_set_new(t->meta, "non_text_parts",
                                      json_integer(parts))))
        return -1;
    return 0;
}

static enum pl_status dc_message(void *ctx, json_t *m, struct pl_turn *t,
                                 long line, long col, struct pl_error *why)
{
    static const char *const mapped[] = { "id", "type", "timestamp",
                                          "content", NULL };
    struct pl_reader *r = ctx;
    json_t *type = json_object_get(m, "type");
    json_t *ts = json_object_get(m, "timestamp");
    json_t *author = json_object_get(m, "author");
    struct pl_time when;
    long other;
    int rc;

    if (!json_is_object(m))
        return pl_export_bad(r, why, line, col, "a message object", m);
    if (type && !json_is_string(type))
        return pl_export_bad(r, why, line, col, "\"type\" as a string", type);
    if (author && !json_is_object(author))
        return pl_export_bad(r, why, line, col, "\"author\" as an object",
                             author);
    if (ts && (!json_is_string(ts) ||
               pl_time_parse(json_string_value(ts), &when) || when.kind != 1))
        return pl_export_bad(r, why, line, col, "\"timestamp\" as an ISO 8601 "
                             "date and time", ts);
    if ((rc = pl_export_parts(json_object_get(m, "content"), t, &other)) > 0)
        return pl_export_bad(r, why, line, col, "\"content\" as a string or "
                             "an array of parts",
                             json_object_get(m, "content"));
    free(t->speaker);
    t->speaker = pl_strdup(dc_speaker(author));
    if (rc < 0 || !t->speaker ||
        (ts && !(t->timestamp = pl_strdup(json_string_value(ts)))) ||
        dc_meta(m, t, is_plain(type), other) ||
        pl_export_rest(t->extra, m, mapped))
        return pl_error_set(why, PL_ERR_NOMEM, r->path, line, col,
                            "out of memory");
    t->role = !is_plain(type) ? PL_ROLE_SYSTEM
              : json_is_true(json_object_get(author, "isBot"))
                  ? PL_ROLE_AGENT
                  : pl_export_role(r, t->speaker, PL_ROLE_OTHER);
    return PL_OK;
}

static int dc_head(void *ctx, json_t *head, struct pl_export *c)
{
    static const char *const mapped[] = { NULL };
    json_t *guild = json_object_get(json_object_get(head, "guild"), "name");
    json_t *chan = json_object_get(head, "channel");

    (void)ctx;
    if ((json_is_string(guild) && json_object_set(c->meta, "guild", guild)) ||
        (json_is_string(json_object_get(chan, "name")) &&
         json_object_set(c->meta, "channel",
                         json_object_get(chan, "name"))) ||
        (json_object_get(chan, "id") &&
         json_object_set(c->meta, "channel_id",
                         json_object_get(chan, "id"))))
        return -1;
    return pl_export_rest(c->extra, head, mapped);
}

enum pl_status pl_discord_read(struct pl_reader *r, const char *buf,
                               size_t n)
{
    static const struct pl_export_doc_fmt fmt = { dc_head, dc_message };
    struct pl_jscan js;
    int broken = 0;
    enum pl_status st;

    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        n -= 3;
    }
    pl_jscan_init(&js, buf, n, 1, 1);
    st = pl_export_doc(r, &js, &fmt, r, &broken);
    if (st == PL_OK && !broken && pl_jscan_ws(&js) >= 0)
        st = pl_jscan_reject(r, &js, "the end of the file");
    return st;
}
