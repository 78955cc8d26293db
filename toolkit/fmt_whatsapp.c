/*
 * WhatsApp text exports ("Export chat" without media), in the shapes
 * the apps write across locales:
 *
 *   [14/03/2024, 21:05:09] Dana Reyes: text        (iOS)
 *   14/03/2024, 21:05 - Dana Reyes: text           (Android)
 *   3/14/24, 9:05 PM - Dana Reyes: text            (US, 12-hour clock)
 *   14.03.24, 21:05 - Dana Reyes: text             (dots)
 *   2024-03-14 21:05 - Dana Reyes: text            (year first)
 *
 * Any Unicode space may stand between the parts (exports since 2023 put
 * U+202F before AM/PM), AM/PM may be written am, a.m. or a. m., and
 * directional marks (U+200E ...) before the header or the name are
 * skipped. A line that is not a header continues the message above it
 * (blank lines inside a message are kept).
 *
 * Date order: year-first dates are read as such; otherwise a first
 * number above 12 anywhere in the file means day/month, a second number
 * above 12 month/day. When no date decides it, month/day is assumed if
 * the clock shows AM/PM in capitals (the US export) and day/month
 * otherwise, with a warning and dialogue meta "date_order_guessed":
 * true. The option date_order forces "dmy", "mdy" or "ymd". Dialogue
 * meta "date_order" says which was used. A two-digit year is 20YY. A
 * date that does not exist (31/02) rejects its message.
 *
 * Timestamps are ISO 8601 local time without a zone
 * ("2024-03-14T21:05:00"; seconds :00 when the export has none).
 *
 * Lines with a sender are turns of that speaker (role from the name,
 * see pl_export_role, default "other"). Lines without one ("Messages and
 * calls are end-to-end encrypted...", "Dana joined using this group's
 * invite link") are turns with role "system", no speaker and meta
 * "event" (encryption, join, leave, add, remove, create, subject, icon,
 * description, security_code, number, call, disappearing, pin, or
 * notice); the encryption notice that iOS files under the chat's name
 * is a system turn too. Placeholders keep their text and add meta
 * "media": "omitted" for a text that is all one <...> ("<Media
 * omitted>" and its translations), "attached" for "<attached: ...>",
 * "image" for "image omitted" and so on; "This message was
 * deleted" adds "deleted": true and a trailing "<This message was
 * edited>" adds "edited": true. Event and placeholder phrases are
 * recognised in English only.
 */
#include "export_impl.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { ORDER_DMY, ORDER_MDY, ORDER_YMD };

/* What a header line holds, as offsets into it. */
struct wa_head {
    size_t date_at, time_end;
    long f[3];
    int fd[3];
    int hour, min, sec, ampm;   /* ampm: 0 none, 1 AM, 2 PM */
    int upper_ampm;
    size_t body;                /* sender or system text */
    size_t name_b;              /* sender ends here; == body: none */
    size_t text;                /* the message text */
};

struct wa {
    struct pl_reader *r;
    int order, guessed;
};

/* ---- the header --------------------------------------------------------- */

static int wa_date(const char *s, size_t n, size_t *i, struct wa_head *h)
{
    char sep;

    h->date_at = *i;
    if ((h->f[0] = pl_export_digits(s, n, i, 4, &h->fd[0])) < 0 || *i >= n)
        return 0;
    sep = s[*i];
    if (sep != '/' && sep != '.' && sep != '-')
        return 0;
    ++*i;
    if ((h->f[1] = pl_export_digits(s, n, i, 2, &h->fd[1])) < 0 ||
        *i >= n || s[*i] != sep)
        return 0;
    ++*i;
    if ((h->f[2] = pl_export_digits(s, n, i, 4, &h->fd[2])) < 0)
        return 0;
    if (h->fd[0] == 4)
        return h->fd[2] <= 2;
    return h->fd[0] <= 2 && (h->fd[2] == 2 || h->fd[2] == 4);
}

/* "AM", "pm", "a.m.", "p. m." (any space) at s[*i]. */
static int wa_ampm(const char *s, size_t n, size_t *i, struct wa_head *h)
{
    size_t j = *i;
    char c = j < n ? s[j] : 0;

    if (c != 'a' && c != 'A' && c != 'p' && c != 'P')
        return 0;
    j++;
    if (j < n && s[j] == '.')
        j = pl_export_skip(s, n, j + 1, 0);
    if (j >= n || (s[j] != 'm' && s[j] != 'M'))
        return 0;
    j++;
    if (j < n && s[j] == '.')
        j++;
    if (j < n && s[j] != ']' && s[j] != '-' && !pl_export_space(s + j, n - j))
        return 0;
    h->upper_ampm = c == 'A' || c == 'P';
    h->ampm = c == 'a' || c == 'A' ? 1 : 2;
    *i = j;
    return 1;
}

static int wa_time(const char *s, size_t n, size_t *i, struct wa_head *h)
{
    int d;
    size_t j;

    if ((h->hour = (int)pl_export_digits(s, n, i, 2, NULL)) < 0 ||
        *i >= n || s[*i] != ':')
        return 0;
    ++*i;
    if ((h->min = (int)pl_export_digits(s, n, i, 2, &d)) < 0 || d != 2)
        return 0;
    h->sec = 0;
    if (*i < n && s[*i] == ':' &&
        (++*i, (h->sec = (int)pl_export_digits(s, n, i, 2, &d)) < 0 || d != 2))
        return 0;
    h->ampm = 0;
    j = pl_export_skip(s, n, *i, 0);
    if (wa_ampm(s, n, &j, h))
        *i = j;
    h->time_end = *i;
    return 1;
}

/* Where the sender's name ends (": " after it), or 0 for none. A
 * "name" with quotes or many words is a system sentence. */
static size_t wa_sender(const char *s, size_t n, size_t a)
{
    size_t spaces = 0;

    for (size_t i = a; i < n && i - a <= 80; i++) {
        if (s[i] == ':' && i > a && (i + 1 == n || s[i + 1] == ' '))
            return i;
        if (s[i] == '"' || (i + 2 < n && !memcmp(s + i, "\xE2\x80", 2) &&
                            (s[i + 2] == '\x9C' || s[i + 2] == '\x9D')))
            return 0;
        if (s[i] == ' ' && ++spaces > 6)
            return 0;
    }
    return 0;
}

/* Parse a header line s[0..n); 1 when it is one. */
static int wa_parse(const char *s, size_t n, struct wa_head *h)
{
    size_t i = pl_export_skip(s, n, 0, 1), k;
    int bracket = i < n && s[i] == '[';

    memset(h, 0, sizeof *h);
    i += (size_t)bracket;
    if (!wa_date(s, n, &i, h))
        return 0;
    k = i;
    if (i < n && s[i] == ',')
        i++;
    i = pl_export_skip(s, n, i, 0);
    if (i == k || !wa_time(s, n, &i, h))
        return 0;
    if (bracket) {
        if (i >= n || s[i] != ']')
            return 0;
        i++;
    } else {
        i = pl_export_skip(s, n, i, 0);
        if (i >= n || s[i] != '-')
            return 0;
        i++;
    }
    k = i;
    i = pl_export_skip(s, n, i, 1);
    if (i == k && i < n)
        return 0;
    h->body = i;
    h->name_b = i;
    h->text = i;
    if ((k = wa_sender(s, n, i))) {
        h->name_b = k;
        h->text = k + 1 < n ? k + 2 : n;
    }
    return 1;
}

static size_t first_line(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    size_t k = nl ? (size_t)(nl - s) : n;

    return k && s[k - 1] == '\r' ? k - 1 : k;
}

/* ---- dates --------------------------------------------------------------- */

/* The calendar date and time of a header under the file's order. */
static int wa_when(const struct wa *w, const struct wa_head *h,
                   struct pl_when *when)
{
    int order = h->fd[0] == 4 ? ORDER_YMD : w->order;

    memset(when, 0, sizeof *when);
    when->has_date = when->has_time = 1;
    when->year = (int)(order == ORDER_YMD ? h->f[0] : h->f[2]);
    when->month = (int)(order == ORDER_MDY ? h->f[0] : h->f[1]);
    when->day = (int)(order == ORDER_DMY ? h->f[0]
                      : order == ORDER_MDY ? h->f[1] : h->f[2]);
    if ((order == ORDER_YMD ? h->fd[0] : h->fd[2]) == 2)
        when->year += 2000;
    when->hour = h->hour;
    when->min = h->min;
    when->sec = h->sec;
    if (h->ampm) {
        if (h->hour < 1 || h->hour > 12)
            return 0;
        when->hour = h->hour % 12 + (h->ampm == 2 ? 12 : 0);
    }
    return pl_when_valid(when);
}

static const char *const order_names[] = { "DMY", "MDY", "YMD" };

/* Decide the date order from the whole input (read twice: the first
 * pass only looks at the headers' numbers). */
static void wa_prescan(struct wa *w, struct pl_lines *lr)
{
    struct pl_lines pre;
    struct wa_head h;
    const char *s;
    size_t n;
    long pos = lr->fp ? ftell(lr->fp) : 0;
    int partial, upper = 0, decided = 0, ymd = 0, other = 0;

    pl_lines_init(&pre, pos >= 0 ? lr->fp : NULL, lr->mem, lr->mem_len,
                  lr->max);
    while (!decided && pl_lines_next(&pre, &s, &n, &partial) > 0) {
        if (partial)
            pl_lines_skip(&pre);
        if (!wa_parse(s, first_line(s, n), &h))
            continue;
        upper |= h.upper_ampm;
        ymd += h.fd[0] == 4;
        other += h.fd[0] != 4;
        if (h.fd[0] != 4)
            decided = h.f[0] > 12 ? 1 : h.f[1] > 12 ? 2 : 0;
    }
    pl_lines_fini(&pre);
    if (lr->fp && pos >= 0) {
        clearerr(lr->fp);
        fseek(lr->fp, pos, SEEK_SET);
    }
    w->order = decided == 2 || (!decided && upper) ? ORDER_MDY : ORDER_DMY;
    if (ymd && !other)
        w->order = ORDER_YMD;
    w->guessed = !decided && other;
}

/* The order from the option, or from the file. */
static void wa_order(struct wa *w, struct pl_lines *lr)
{
    const char *opt = w->r->o->date_order;

    for (int i = 0; opt && i < 3; i++)
        if (!strcasecmp(opt, order_names[i])) {
            w->order = i;
            w->guessed = 0;
            return;
        }
    wa_prescan(w, lr);
    if (w->guessed)
        pl_log(PL_LOG_WARN, "%s: no date tells day from month; read as "
               "%s (set the date order to change it)", w->r->path,
               w->order == ORDER_MDY ? "month/day" : "day/month");
}

/* ---- what a message says --------------------------------------------- */

static int has(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; k <= n && i + k <= n; i++)
        if (!memcmp(s + i, needle, k))
            return 1;
    return 0;
}

static int ends(const char *s, size_t n, const char *tail)
{
    size_t k = strlen(tail);

    return n >= k && !memcmp(s + n - k, tail, k);
}

static const char *wa_event(const char *s, size_t n)
{
    static const char *const ev[][2] = {
        { "end-to-end encrypt", "encryption" },
        { "secured with end-to-end", "encryption" },
        { "joined using this group", "join" }, { " joined", "join" },
        { "created group", "create" }, { "created this group", "create" },
        { "changed the subject", "subject" },
        { "changed the group name", "subject" },
        { "group's icon", "icon" }, { "group icon", "icon" },
        { "group description", "description" },
        { "security code", "security_code" },
        { "phone number", "number" }, { "changed to +", "number" },
        { "issed voice call", "call" }, { "issed video call", "call" },
        { "disappearing messages", "disappearing" },
        { "pinned a message", "pin" }, { " removed ", "remove" },
        { " added ", "add" }, { " added", "add" }, { " left", "leave" },
    };

    for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++)
        if (has(s, n, ev[i][0]) &&
            (ev[i][0][strlen(ev[i][0]) - 1] == ' ' || ev[i][0][0] != ' ' ||
             ends(s, n, ev[i][0])))
            return ev[i][1];
    return "notice";
}

/* Meta "media" for a placeholder, or NULL. */
static const char *wa_media(const char *s, size_t n, char *buf, size_t bn)
{
    size_t sp = 0, k = 0;

    if (n > 1 && n <= 80 && s[0] == '<' && s[n - 1] == '>' &&
        !memchr(s + 1, '<', n - 2) && !memchr(s + 1, '>', n - 2))
        return n > 10 && !memcmp(s, "<attached: ", 11) ? "attached"
                                                       : "omitted";
    if (!ends(s, n, " omitted"))
        return NULL;
    for (size_t i = 0; i < n; i++)
        sp += s[i] == ' ';
    if (ends(s, n, "document omitted"))
        return "document";
    if (sp > 2)
        return NULL;
    while (k + 1 < bn && k < n && s[k] != ' ') {
        buf[k] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] - 'A' + 'a'
                                                   : s[k]);
        k++;
    }
    buf[k] = '\0';
    return buf;
}

/* Meta from the text of a message (marks at its start skipped). */
static int wa_notes(struct pl_turn *t, int system)
{
    const char *s = t->text;
    size_t n = strlen(s), a = pl_export_skip(s, n, 0, 1);
    const char *media;
    char buf[32];

    s += a;
    n -= a;
    if (!system && (has(s, n, "Messages and calls are end-to-end encrypt") ||
                    has(s, n, "Messages to this group are now secured")))
        t->role = PL_ROLE_SYSTEM, system = 1;
    if (system)
        return json_object_set_new(t->meta, "event",
                                   json_string(wa_event(s, n)));
    if ((media = wa_media(s, n, buf, sizeof buf)) &&
        json_object_set_new(t->meta, "media", json_string(media)))
        return -1;
    if ((!strcmp(s, "This message was deleted") ||
         !strcmp(s, "You deleted this message")) &&
        json_object_set_new(t->meta, "deleted", json_true()))
        return -1;
    if (ends(s, n, "<This message was edited>") &&
        json_object_set_new(t->meta, "edited", json_true()))
        return -1;
    return 0;
}

/* ---- building turns ---------------------------------------------------- */

static enum pl_status wa_build(void *ctx, const char *s, size_t n, long line,
                               struct pl_turn *t, struct pl_error *why)
{
    struct wa *w = ctx;
    struct wa_head h;
    struct pl_when when;
    char iso[48];
    size_t k = first_line(s, n);
    int system;

    if (!wa_parse(s, k, &h))
        return pl_error_set(why, PL_ERR_PARSE, w->r->path, line, 1,
                            "expected a WhatsApp message header");
    if (!wa_when(w, &h, &when))
        return pl_error_set(why, PL_ERR_FORMAT, w->r->path, line,
                            (long)h.date_at + 1, "expected a valid date "
                            "and time (%s), found \"%.*s\"",
                            order_names[h.fd[0] == 4 ? ORDER_YMD : w->order],
                            (int)(h.time_end - h.date_at), s + h.date_at);
    pl_when_iso(&when, iso, sizeof iso);
    system = h.name_b == h.body;
    free(t->timestamp);
    free(t->speaker);
    t->timestamp = pl_strdup(iso);
    t->speaker = pl_strndup(s + h.body, h.name_b - h.body);
    if (!t->timestamp || !t->speaker ||
        pl_export_text(t, s, n, h.text) != PL_OK)
        goto nomem;
    t->role = system ? PL_ROLE_SYSTEM
                     : pl_export_role(w->r, t->speaker, PL_ROLE_OTHER);
    if (wa_notes(t, system) != 0)
        goto nomem;
    return PL_OK;
nomem:
    return pl_error_set(why, PL_ERR_NOMEM, w->r->path, line, 1,
                        "out of memory");
}

static enum pl_line_kind wa_classify(void *ctx, const char *s, size_t n)
{
    struct wa_head h;

    (void)ctx;
    return wa_parse(s, n, &h) ? PL_LINE_HEADER : PL_LINE_CONT;
}

enum pl_status pl_whatsapp_read(struct pl_reader *r, struct pl_lines *lr)
{
    static const struct pl_line_fmt fmt = {
        "a WhatsApp message header (\"DATE, TIME - NAME: text\" or "
        "\"[DATE, TIME] NAME: text\")",
        0, 1, wa_classify, NULL, wa_build
    };
    struct wa w = { r, ORDER_DMY, 0 };
    struct pl_export c;
    enum pl_status st = pl_export_init(&c, r, NULL);

    if (st == PL_OK) {
        wa_order(&w, lr);
        if (json_object_set_new(c.meta, "date_order",
                                json_string(order_names[w.order])) ||
            (w.guessed && json_object_set_new(c.meta, "date_order_guessed",
                                              json_true())))
            st = pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                              "out of memory");
    }
    if (st == PL_OK)
        st = pl_export_lines(&c, lr, &fmt, &w);
    pl_export_fini(&c);
    return st;
}

/* A header on the first non-blank line, a second one (or the whole
 * file seen), and a sender on at least one. */
int pl_whatsapp_sniff(const char *s, size_t n, int complete)
{
    size_t pos = 0, a, b;
    int heads = 0, senders = 0, lines = 0;
    struct wa_head h;

    while (lines < 64 && pl_export_next_line(s, n, &pos, &a, &b)) {
        if (pl_export_skip(s + a, b - a, 0, 1) == b - a)
            continue;
        if (pos >= n && !complete && b == n)
            break;
        if (!wa_parse(s + a, b - a, &h)) {
            if (!lines)
                return 0;
        } else {
            heads++;
            senders += h.name_b != h.body;
        }
        lines++;
    }
    return senders > 0 && (heads >= 2 || (complete && heads == 1));
}
