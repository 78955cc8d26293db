/*
 * IRC logs as clients and bouncers write them (irssi, mIRC, HexChat,
 * ZNC, WeeChat):
 *
 *   --- Log opened Tue Mar 12 10:00:00 2024
 *   [10:01] <dana> has anyone tried the 2.4 release?
 *   10:01:30 <@omar> yes, works here
 *   10:02 * dana waves
 *   10:03 -!- lee [~lee@host] has joined #help
 *   [10:04:05] *** Quits: sam (~sam@host) (Quit: bye)
 *   2024-03-12 10:05:00	omar	see you        (WeeChat, tab-separated)
 *   --- Day changed Wed Mar 13 2024
 *
 * Each line is one turn. "<nick> text" is a message from nick (a mode
 * prefix such as @ or + goes to turn extra "mode"); "* nick text" is an
 * action, meta "action": true; "-nick- text" a notice, meta "notice":
 * true. Join, part, quit, nick-change, kick, topic and mode lines
 * (after -!-, ***, -->, <--, --, or "* nick has joined ...") are kept
 * as turns with role "system", no speaker, the line's text, and meta
 * "event" (join, part, quit, nick, kick, topic, mode or other) and
 * "nick". Speakers' roles come from their nicks (pl_export_role, default
 * "other").
 *
 * Times: "[HH:MM]", "[HH:MM:SS]", "HH:MM[:SS]", optionally with a date
 * "YYYY-MM-DD" in front; a line may have none. The date comes from the
 * line, else from the last "--- Log opened", "--- Day changed",
 * "Session Start:" or "**** BEGIN LOGGING AT" line; without one the
 * timestamp is a time of day ("10:01:00"). A silence longer than the
 * split gap starts a new dialogue. Lines in none of these shapes are
 * rejected one by one.
 */
#include "export_impl.h"

#include <string.h>
#include <strings.h>

enum { IRC_MSG, IRC_ACTION, IRC_NOTICE, IRC_EVENT };

struct irc_line {
    int kind;
    struct pl_when when;
    int timed;
    size_t ts_at, ts_end;
    size_t nick_a, nick_b;
    size_t text;
    char mode;
};

struct irc {
    struct pl_reader *r;
    struct pl_when day;     /* has_date once a date line gave one */
};

/* ---- pieces of a line -------------------------------------------------- */

static int nick_byte(unsigned char c)
{
    static const char extra[] = "[]\\`_^{|}-.";

    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c >= 0x80 ||
           memchr(extra, c, sizeof extra - 1);
}

static int is_mode(char c)
{
    return c && memchr("@+%&~!", c, 6) != NULL;
}

/* A nick at s[*i] up to a byte in `stop`; its end, or 0. */
static size_t irc_nick(const char *s, size_t n, size_t i, const char *stop)
{
    size_t a = i;

    while (i < n && i - a < 64 && nick_byte((unsigned char)s[i]))
        i++;
    if (i == a || i == n || !memchr(stop, s[i], strlen(stop)))
        return 0;
    return i;
}

/* The time in front, bracketed or not, and the space after it. */
static int irc_time(const char *s, size_t n, size_t *i, struct irc_line *l)
{
    size_t j = *i;
    int bracket = j < n && s[j] == '[';

    j += (size_t)bracket;
    l->ts_at = j;
    if (!pl_export_clock(s, n, &j, &l->when)) {
        memset(&l->when, 0, sizeof l->when);
        return !bracket;
    }
    l->ts_end = j;
    if (bracket && (j >= n || s[j++] != ']'))
        return 0;
    if (j >= n || !pl_export_space(s + j, n - j))
        return 0;
    l->timed = 1;
    *i = s[j] == '\t' ? j : pl_export_skip(s, n, j, 0);
    return 1;
}

static int starts(const char *s, size_t n, size_t i, const char *p)
{
    size_t k = strlen(p);

    return i + k <= n && !memcmp(s + i, p, k);
}

static int contains(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);

    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(s + i, p, k))
            return 1;
    return 0;
}

/* Does text s[0..n) after "* nick " or an event marker report a join,
 * part, quit or nick change? */
static const char *event_kind(const char *s, size_t n)
{
    static const char *const kinds[][2] = {
        { "has joined", "join" }, { "Joins:", "join" },
        { "has left", "part" }, { "Parts:", "part" },
        { "has parted", "part" }, { "has quit", "quit" },
        { "Quits:", "quit" }, { "is now known as", "nick" },
        { "was kicked", "kick" }, { "has kicked", "kick" },
        { "changed the topic", "topic" }, { "changed topic", "topic" },
        { "sets topic", "topic" }, { "sets mode", "mode" },
        { "mode/", "mode" },
    };

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (contains(s, n, kinds[i][0]))
            return kinds[i][1];
    return NULL;
}

/* The body after "<", "*", "-": a message, an action or a notice. */
static int irc_speech(const char *s, size_t n, size_t i, struct irc_line *l)
{
    size_t e;

    if (s[i] == '<') {
        i++;
        if (i < n && (is_mode(s[i]) || s[i] == ' '))
            l->mode = s[i++];
        if (!(e = irc_nick(s, n, i, ">")))
            return 0;
        l->kind = IRC_MSG;
        l->nick_a = i;
        l->nick_b = e;
        l->text = e + 1 < n ? e + 2 : n;
        return e + 1 == n || s[e + 1] == ' ';
    }
    if (s[i] == '*') {
        i = pl_export_skip(s, n, i + 1, 0);
        if (!(e = irc_nick(s, n, i, " ")))
            return 0;
        l->kind = event_kind(s + e, n - e) ? IRC_EVENT : IRC_ACTION;
        l->nick_a = i;
        l->nick_b = e;
        l->text = l->kind == IRC_EVENT ? i : e + 1;
        return 1;
    }
    for (e = i + 1; e + 1 < n && !(s[e] == '-' && s[e + 1] == ' '); e++)
        if (!nick_byte((unsigned char)s[e]) || e - i > 64)
            return 0;
    if (e == i + 1 || e + 1 >= n)
        return 0;
    l->kind = IRC_NOTICE;
    l->nick_a = i + 1;
    l->nick_b = e;
    l->text = e + 2;
    return 1;
}

/* WeeChat: "prefix<TAB>text" after the time. */
static int irc_tabbed(const char *s, size_t n, size_t i, struct irc_line *l)
{
    const char *tab = memchr(s + i, '\t', n - i);
    size_t p = i, e = tab ? (size_t)(tab - s) : 0;

    if (!tab)
        return 0;
    l->text = e + 1;
    if ((e - p == 3 && (starts(s, n, p, "-->") || starts(s, n, p, "<--") ||
                        starts(s, n, p, "=!="))) ||
        (e - p == 2 && starts(s, n, p, "--"))) {
        l->kind = IRC_EVENT;
        return 1;
    }
    if ((e - p == 1 && s[p] == '*') || (e - p == 2 && starts(s, n, p, " *"))) {
        l->kind = IRC_ACTION;
        l->nick_a = l->text;
        l->nick_b = irc_nick(s, n, l->text, " ");
        l->text = l->nick_b ? l->nick_b + 1 : 0;
        return l->nick_b != 0;
    }
    if (p < e && is_mode(s[p]))
        l->mode = s[p++];
    l->kind = IRC_MSG;
    l->nick_a = p;
    l->nick_b = irc_nick(s, n, p, "\t");
    return l->nick_b == e;
}

static const char *const markers[] = { "-!- ", "*** ", "--> ", "<-- ",
                                       "-- " };

/* Parse a turn line; 1 when it is one. */
static int irc_parse(const char *s, size_t n, struct irc_line *l)
{
    size_t i = pl_export_skip(s, n, 0, 1);

    memset(l, 0, sizeof *l);
    if (!irc_time(s, n, &i, l) || i >= n)
        return 0;
    if (s[i] == '\t')
        return l->timed && irc_tabbed(s, n, i + 1, l);
    for (size_t k = 0; k < sizeof markers / sizeof markers[0]; k++)
        if (starts(s, n, i, markers[k])) {
            l->kind = IRC_EVENT;
            l->text = pl_export_skip(s, n, i + strlen(markers[k]), 0);
            return 1;
        }
    return (s[i] == '<' || s[i] == '*' || s[i] == '-') &&
           irc_speech(s, n, i, l);
}

/* ---- date lines -------------------------------------------------------- */

static const char *const date_lines[] = {
    "--- Log opened ", "--- Day changed ", "--- Log closed ",
    "Session Start: ", "Session Close: ", "Session Ident: ",
    "**** BEGIN LOGGING AT ", "**** ENDING LOGGING AT ",
};

static int is_date_line(const char *s, size_t n)
{
    size_t i = pl_export_skip(s, n, 0, 1);

    for (size_t k = 0; k < sizeof date_lines / sizeof date_lines[0]; k++)
        if (starts(s, n, i, date_lines[k]))
            return 1;
    return 0;
}

/* A "YYYY-MM-DD" token p[0..10) into w. */
static int iso_day(const char *p, struct pl_when *w)
{
    static const char shape[] = "dddd-dd-dd";

    for (int i = 0; i < 10; i++)
        if (shape[i] == 'd' ? p[i] < '0' || p[i] > '9' : p[i] != '-')
            return 0;
    w->year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 +
              (p[3] - '0');
    w->month = (p[5] - '0') * 10 + (p[6] - '0');
    w->day = (p[8] - '0') * 10 + (p[9] - '0');
    return 1;
}

/* One word s[a..b) of a date line into the date being gathered. */
static void date_word(const char *s, size_t a, size_t b, struct pl_when *w)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    size_t i = a;

    if (b - a == 10 && iso_day(s + a, w))
        return;
    if (b - a >= 3 && !w->month && s[a] > '9') {
        for (int m = 0; m < 12; m++)
            if (!strncasecmp(s + a, months + 3 * m, 3))
                w->month = m + 1;
    } else if (s[a] < '0' || s[a] > '9') {
        return;
    } else if (b - a <= 2 && !w->day) {
        w->day = (int)pl_export_digits(s, b, &i, 2, NULL);
    } else if (b - a == 4) {
        w->year = (int)pl_export_digits(s, b, &i, 4, NULL);
    }
}

/* "Tue Mar 12 10:00:00 2024", "Wed Mar 13 2024" or "2024-03-13" in
 * s[0..n) into *w; 0 when there is no whole date. */
static int find_date(const char *s, size_t n, struct pl_when *w)
{
    size_t i = 0, a;

    memset(w, 0, sizeof *w);
    while (i < n) {
        i = pl_export_skip(s, n, i, 0);
        a = i;
        while (i < n && s[i] != ' ')
            i++;
        if (i > a)
            date_word(s, a, i, w);
    }
    w->has_date = 1;
    return w->year > 0 && w->month > 0 && w->day > 0 && pl_when_valid(w);
}

static void irc_directive(void *ctx, const char *s, size_t n)
{
    struct irc *c = ctx;
    struct pl_when w;

    if (find_date(s, n, &w))
        c->day = w;
}

/* ---- turns --------------------------------------------------------------- */

static int irc_meta(struct pl_turn *t, const struct irc_line *l,
                    const char *s, size_t n)
{
    const char *kind;
    size_t a = l->text, b;

    if (l->mode && l->mode != ' ' &&
        pl_export_set_str(t->extra, "mode", &l->mode, 1))
        return -1;
    if (l->kind == IRC_ACTION || l->kind == IRC_NOTICE)
        return json_object_set_new(t->meta, l->kind == IRC_ACTION
                                   ? "action" : "notice", json_true());
    if (l->kind != IRC_EVENT)
        return 0;
    kind = event_kind(s + a, n - a);
    if (json_object_set_new(t->meta, "event",
                            json_string(kind ? kind : "other")))
        return -1;
    if (starts(s, n, a, "Joins: ") || starts(s, n, a, "Parts: ") ||
        starts(s, n, a, "Quits: "))
        a += 7;
    for (b = a; b < n && nick_byte((unsigned char)s[b]);)
        b++;
    return b > a ? pl_export_set_str(t->meta, "nick", s + a, b - a) : 0;
}

/* The timestamp of a line: its own date, the log's, or none. */
static int irc_stamp(struct irc *c, struct irc_line *l, struct pl_turn *t)
{
    char iso[48];

    if (!l->timed)
        return 0;
    if (!l->when.has_date && c->day.has_date) {
        l->when.has_date = 1;
        l->when.year = c->day.year;
        l->when.month = c->day.month;
        l->when.day = c->day.day;
    }
    pl_when_iso(&l->when, iso, sizeof iso);
    return (t->timestamp = pl_strdup(iso)) ? 0 : -1;
}

static enum pl_status irc_build(void *ctx, const char *s, size_t n,
                                long line, struct pl_turn *t,
                                struct pl_error *why)
{
    struct irc *c = ctx;
    struct irc_line l;

    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    if (!irc_parse(s, n, &l))
        return pl_error_set(why, PL_ERR_PARSE, c->r->path, line, 1,
                            "expected an IRC log line");
    if (l.timed && !pl_when_valid(&l.when))
        return pl_error_set(why, PL_ERR_FORMAT, c->r->path, line,
                            (long)l.ts_at + 1, "expected a valid time, "
                            "found \"%.*s\"", (int)(l.ts_end - l.ts_at),
                            s + l.ts_at);
    free(t->speaker);
    t->speaker = l.kind == IRC_EVENT ? pl_strdup("")
                 : pl_strndup(s + l.nick_a, l.nick_b - l.nick_a);
    if (!t->speaker || irc_stamp(c, &l, t) ||
        pl_export_text(t, s, n, l.text < n ? l.text : n) != PL_OK ||
        irc_meta(t, &l, s, n))
        return pl_error_set(why, PL_ERR_NOMEM, c->r->path, line, 1,
                            "out of memory");
    t->role = l.kind == IRC_EVENT ? PL_ROLE_SYSTEM
                                  : pl_export_role(c->r, t->speaker,
                                                   PL_ROLE_OTHER);
    return PL_OK;
}

static enum pl_line_kind irc_classify(void *ctx, const char *s, size_t n)
{
    struct irc_line l;

    (void)ctx;
    if (is_date_line(s, n))
        return PL_LINE_DIRECTIVE;
    return irc_parse(s, n, &l) ? PL_LINE_HEADER : PL_LINE_BAD;
}

enum pl_status pl_irc_read(struct pl_reader *r, struct pl_lines *lr)
{
    static const struct pl_line_fmt fmt = {
        "an IRC log line (\"[HH:MM] <nick> text\", \"* nick action\", "
        "\"-!- nick has joined\")", 0, 0, irc_classify, irc_directive,
        irc_build
    };
    struct irc c;
    struct pl_export ch;
    enum pl_status st = pl_export_init(&ch, r, NULL);

    memset(&c, 0, sizeof c);
    c.r = r;
    if (st == PL_OK)
        st = pl_export_lines(&ch, lr, &fmt, &c);
    pl_export_fini(&ch);
    return st;
}

/*
 * The first non-blank line is a timed IRC line or a date line, and at
 * least 60% of the first 200 non-blank lines (two or more) are IRC
 * lines.
 */
int pl_irc_sniff(const char *s, size_t n, int complete)
{
    struct irc_line l;
    size_t pos = 0, a, b;
    int lines = 0, good = 0;

    while (lines < 200 && pl_export_next_line(s, n, &pos, &a, &b)) {
        int ok;

        if (pl_export_skip(s + a, b - a, 0, 1) == b - a)
            continue;
        if (pos >= n && !complete && b == n)
            break;
        ok = is_date_line(s + a, b - a) || irc_parse(s + a, b - a, &l);
        if (!lines && (!ok || (!is_date_line(s + a, b - a) && !l.timed)))
            return 0;
        good += ok;
        lines++;
    }
    return good >= 2 && good * 10 >= lines * 6;
}
