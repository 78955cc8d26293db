/*
 * Slack workspace exports: a folder per channel holding one JSON array
 * of messages per day (general/2024-03-12.json), with users.json and
 * channels.json at the top of the export.
 *
 *   [{"type": "message", "user": "U01", "text": "hi <@U02>",
 *     "ts": "1710238500.000100", "thread_ts": "1710238500.000100",
 *     "reply_count": 2, "files": [...]}, ...]
 *
 * Each day file is a session (new dialogues after long silences), ids
 * "<channel>/<day>:<n>", corpus the export's folder name, dialogue meta
 * "channel" (the folder name). users.json, when it sits one folder up,
 * gives speakers their display names (profile display_name, else real
 * name, else user name) and marks bots; it is read once per pl_read.
 * Without it the message's own user_profile, username or user id is
 * the speaker.
 *
 * Messages: "text" verbatim (Slack markup such as <@U02> left as it
 * is); "ts" (UTC epoch seconds) becomes the timestamp
 * "2024-03-12T10:15:00.000100Z" and stays in meta "ts", since replies
 * name their thread by it: meta "thread_ts" is kept, so threads can be
 * rebuilt, and replies stay in time order within the day. Roles:
 * channel_* and group_* subtypes, pins and bot additions -> "system"
 * (meta "event" = the subtype); bot_message, bot_id or a bot user ->
 * agent; people from their names (default "other"). Meta user_id,
 * subtype, action (me_message) and non_text_parts (files and
 * attachments); all other members go to turn extra. A message whose ts
 * is not "seconds.micros" is rejected on its own. users.json and
 * channels.json themselves are not conversations: a folder read skips
 * them.
 */
#define _XOPEN_SOURCE 700
#include "export_impl.h"

#include <stdlib.h>
#include <string.h>

/* The user list, kept in the reader's cache across day files. */
struct users {
    char *path;         /* users.json it came from, "" when none */
    json_t *map;        /* id -> [display name, is_bot] */
};

struct sl {
    struct pl_reader *r;
    const struct users *users;
};

/* ---- users.json -------------------------------------------------------- */

static void users_free(void *p)
{
    struct users *u = p;

    if (!u)
        return;
    free(u->path);
    json_decref(u->map);
    free(u);
}

static const char *display_name(const json_t *u)
{
    const json_t *prof = json_object_get(u, "profile");
    const char *keys[][2] = { { "profile", "display_name" },
                              { "profile", "real_name" },
                              { NULL, "real_name" }, { NULL, "name" } };

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *s = json_string_value(
            json_object_get(keys[i][0] ? prof : u, keys[i][1]));

        if (s && *s)
            return s;
    }
    return NULL;
}

static json_t *users_load(const char *path)
{
    char *buf = NULL;
    size_t len, i;
    json_t *all = NULL, *map = json_object(), *u;

    if (map && pl_file_read(path, &buf, &len, NULL) == PL_OK)
        all = json_loadb(buf, len, 0, NULL);
    json_array_foreach(all, i, u) {
        const char *id = json_string_value(json_object_get(u, "id"));
        const char *name = display_name(u);

        if (id && name)
            json_object_set_new(map, id, json_pack("[sb]", name,
                json_is_true(json_object_get(u, "is_bot"))));
    }
    if (buf && !json_is_array(all))
        pl_log(PL_LOG_WARN, "%s: not a Slack user list; user ids kept as "
               "speakers", path);
    json_decref(all);
    free(buf);
    return map;
}

/* users.json of the export holding the day file path: two folders up. */
static char *users_path(const char *path)
{
    char *real = realpath(path, NULL), *slash;
    char *out = NULL;

    for (int i = 0; real && i < 2; i++)
        if ((slash = strrchr(real, '/')))
            *slash = '\0';
    if (real)
        out = pl_str_join3(real, "/users.json", NULL);
    free(real);
    return out ? out : pl_strdup("");
}

static const struct users *users_get(struct pl_reader *r)
{
    struct users *u = r->cache_free == users_free ? r->cache : NULL;
    char *path = users_path(r->path);

    if (!path)
        return NULL;
    if (u && !strcmp(u->path, path)) {
        free(path);
        return u;
    }
    if (r->cache_free)
        r->cache_free(r->cache);
    r->cache = NULL;
    r->cache_free = NULL;
    if (!(u = calloc(1, sizeof *u))) {
        free(path);
        return NULL;
    }
    u->path = path;
    u->map = *path ? users_load(path) : json_object();
    r->cache = u;
    r->cache_free = users_free;
    return u;
}

/* ---- messages ------------------------------------------------------------ */

static int is_event(const char *sub)
{
    static const char *const others[] = { "pinned_item", "unpinned_item",
                                          "bot_add", "bot_remove",
                                          "reminder_add" };

    if (!sub)
        return 0;
    if (!strncmp(sub, "channel_", 8) || !strncmp(sub, "group_", 6))
        return 1;
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (!strcmp(sub, others[i]))
            return 1;
    return 0;
}

/* "1710238500.000100" as an ISO 8601 UTC time. */
static int ts_iso(const char *ts, char *iso, size_t n)
{
    long long secs = 0;
    size_t i = 0;

    for (; ts[i] >= '0' && ts[i] <= '9' && i < 12; i++)
        secs = secs * 10 + (ts[i] - '0');
    if (!i || secs > 253402300799LL ||
        (ts[i] && (ts[i] != '.' || !ts[i + 1] ||
                   strspn(ts + i + 1, "0123456789") != strlen(ts + i + 1) ||
                   strlen(ts + i + 1) > 9)))
        return 0;
    pl_epoch_iso(secs, ts[i] ? ts + i + 1 : "", iso, n);
    return 1;
}

static const char *sl_speaker(const struct sl *c, const json_t *m,
                              int *bot)
{
    const char *user = json_string_value(json_object_get(m, "user"));
    const json_t *known = user && c->users
                              ? json_object_get(c->users->map, user) : NULL;
    const json_t *prof = json_object_get(m, "user_profile");
    const char *name = known ? json_string_value(json_array_get(known, 0))
                             : NULL;

    *bot = json_is_true(json_array_get(known, 1));
    if (!name)
        name = display_name(prof);
    if (!name)
        name = json_string_value(json_object_get(m, "username"));
    if (!name)
        name = user;
    if (!name)
        name = json_string_value(json_object_get(
            json_object_get(m, "bot_profile"), "name"));
    if (!name)
        name = json_string_value(json_object_get(m, "bot_id"));
    return name ? name : "";
}

static int sl_meta(const json_t *m, struct pl_turn *t, const char *sub)
{
    static const char *const copy[][2] = {
        { "user", "user_id" }, { "ts", "ts" }, { "thread_ts", "thread_ts" },
        { "subtype", "subtype" },
    };
    long parts = (long)json_array_size(json_object_get(m, "files")) +
                 (long)json_array_size(json_object_get(m, "attachments"));

    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++) {
        json_t *v = json_object_get(m, copy[i][0]);

        if (v && json_object_set(t->meta, copy[i][1], v))
            return -1;
    }
    if ((is_event(sub) &&
         json_object_set_new(t->meta, "event", json_string(sub))) ||
        (sub && !strcmp(sub, "me_message") &&
         json_object_set_new(t->meta, "action", json_true())) ||
        (parts && json_object_set_new(t->meta, "non_text_parts",
                                      json_integer(parts))))
        return -1;
    return 0;
}

static enum pl_status sl_message(void *ctx, json_t *m, struct pl_turn *t,
                                 long line, long col, struct pl_error *why)
{
    static const char *const mapped[] = { "type", "subtype", "user",
                                          "text", "ts", "thread_ts", NULL };
    struct sl *c = ctx;
    json_t *type = json_object_get(m, "type");
    const char *ts = json_string_value(json_object_get(m, "ts"));
    const char *sub = json_string_value(json_object_get(m, "subtype"));
    char iso[64];
    long other;
    int bot, rc;

    if (!json_is_object(m))
        return pl_export_bad(c->r, why, line, col, "a message object", m);
    if (!ts || !ts_iso(ts, iso, sizeof iso))
        return pl_export_bad(c->r, why, line, col, "\"ts\" as a string of "
                             "epoch seconds (\"1710238500.000100\")",
                             json_object_get(m, "ts"));
    if ((rc = pl_export_parts(json_object_get(m, "text"), t, &other)) > 0)
        return pl_export_bad(c->r, why, line, col, "\"text\" as a string",
                             json_object_get(m, "text"));
    free(t->speaker);
    t->speaker = pl_strdup(sl_speaker(c, m, &bot));
    if (rc < 0 || !t->speaker || !(t->timestamp = pl_strdup(iso)) ||
        sl_meta(m, t, sub) ||
        pl_export_rest(t->extra, m, mapped + (json_is_string(type) &&
            !strcmp(json_string_value(type), "message") ? 0 : 1)))
        return pl_error_set(why, PL_ERR_NOMEM, c->r->path, line, col,
                            "out of memory");
    t->role = is_event(sub) ? PL_ROLE_SYSTEM
              : bot || json_object_get(m, "bot_id") ||
                        (sub && !strcmp(sub, "bot_message"))
                  ? PL_ROLE_AGENT
                  : pl_export_role(c->r, t->speaker, PL_ROLE_OTHER);
    return PL_OK;
}

/* ---- day files ----------------------------------------------------------- */

/* Ids "<channel>/<day>", the corpus the export's name. */
static enum pl_status sl_names(struct pl_export *c)
{
    char chan[192], stem[192], *real = realpath(c->r->path, NULL);
    char *slash;

    pl_name_parent(c->r->path, chan, sizeof chan);
    pl_name_stem(c->r->path, stem, sizeof stem);
    snprintf(c->prefix, sizeof c->prefix, "%s%s%s", chan, *chan ? "/" : "",
             stem);
    for (int i = 0; real && i < 2; i++)
        if ((slash = strrchr(real, '/')))
            *slash = '\0';
    if (real && (slash = strrchr(real, '/')) && slash[1])
        pl_utf8_fit(c->corpus, sizeof c->corpus, slash + 1, strlen(slash + 1));
    else if (*chan)
        snprintf(c->corpus, sizeof c->corpus, "%s", chan);
    free(real);
    if (*chan && json_object_set_new(c->meta, "channel", json_string(chan)))
        return PL_ERR_NOMEM;
    return PL_OK;
}

enum pl_status pl_slack_read(struct pl_reader *r, const char *buf, size_t n)
{
    struct sl c = { r, users_get(r) };
    struct pl_export ch;
    struct pl_export_msgs cm = { &ch, sl_message, &c };
    struct pl_jscan js;
    int broken = 0;
    enum pl_status st = pl_export_init(&ch, r, NULL);

    if (st == PL_OK && sl_names(&ch) != PL_OK)
        st = pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                          "out of memory");
    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        n -= 3;
    }
    pl_jscan_init(&js, buf, n, 1, 1);
    if (st == PL_OK)
        st = pl_jscan_array(r, &js, pl_export_element, &cm, &broken);
    if (st == PL_OK)
        st = pl_export_flush(&ch);
    if (st == PL_OK && !broken && pl_jscan_ws(&js) >= 0)
        st = pl_jscan_reject(r, &js, "the end of the file");
    pl_export_fini(&ch);
    return st;
}
