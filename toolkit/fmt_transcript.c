/*
 * "Speaker: text" transcripts: plain text, one turn per line
 *
 *   [10:15] Customer: my router keeps dropping the connection
 *   Agent: sorry to hear that. Which model is it?
 *
 * A line "Name: text" starts a turn; a line without such a prefix
 * continues the turn above it (joined with "\n"); a "Name:" line with
 * nothing after it takes its text from the lines that follow. One or
 * more blank lines end a dialogue, so a file holds many; they are not
 * split on silences.
 *
 * A name is 1..48 bytes of letters, digits, spaces (at most four, none
 * doubled) and . ' _ - ( ) # @ & +, with a letter in it; it starts the
 * line (directional marks aside), so indented lines are continuations.
 * An optional time before it, "[HH:MM]", "(HH:MM:SS)", "HH:MM:SS" or
 * with a date "[YYYY-MM-DD HH:MM:SS]", becomes the timestamp ("10:15:00"
 * for a time of day alone, which gap_seconds wraps past midnight).
 *
 * Roles from names (pl_export_role): User, Customer, Human, Client, ...
 * -> user; Agent, Assistant, Bot, System, Support, ... -> agent; any
 * other name -> other; the name is kept as speaker. The reader option
 * speaker_roles overrides ("Dana=user,Acme=agent").
 *
 * A line that starts a dialogue without a speaker is rejected on its
 * own; so is a turn whose time is out of range ("[25:61]").
 */
#include "export_impl.h"

#include <string.h>

struct tr_head {
    struct pl_when when;
    size_t ts_at;           /* where the time starts, for messages */
    size_t ts_end;
    size_t name_a, name_b;
    size_t text;
};

/* ---- the header ------------------------------------------------------ */

static int name_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c >= 0x80 || c == ' ' || c == '.' ||
           c == '\'' || c == '_' || c == '-' || c == '(' || c == ')' ||
           c == '#' || c == '@' || c == '&' || c == '+';
}

/* A name running to ':' at s[a..); its end, or 0. */
static size_t tr_name(const char *s, size_t n, size_t a)
{
    int letter = 0, spaces = 0;

    for (size_t i = a; i < n && i - a <= 48; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == ':')
            return i > a && letter && s[i - 1] != ' ' &&
                   (i + 1 == n || pl_export_space(s + i + 1, n - i - 1))
                       ? i : 0;
        if (!name_byte(c) || (c == ' ' && (++spaces > 4 || s[i - 1] == ' ')))
            return 0;
        letter |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c >= 0x80;
    }
    return 0;
}

/* An optional time before the name; *i moves past it and the spaces
 * after it. 0 when something time-like is there but malformed. */
static int tr_time(const char *s, size_t n, size_t *i, struct tr_head *h)
{
    size_t j = *i;
    char close = 0;

    if (j < n && (s[j] == '[' || s[j] == '('))
        close = s[j++] == '[' ? ']' : ')';
    h->ts_at = j;
    if (!pl_export_clock(s, n, &j, &h->when)) {
        memset(&h->when, 0, sizeof h->when);
        return !close;
    }
    h->ts_end = j;
    if (close && (j >= n || s[j++] != close))
        return 0;
    if (!close && (j >= n || !pl_export_space(s + j, n - j)))
        return 0;
    *i = pl_export_skip(s, n, j, 0);
    return 1;
}

static int tr_parse(const char *s, size_t n, struct tr_head *h)
{
    size_t i = 0, k;
    unsigned char c;

    memset(h, 0, sizeof *h);
    while (i < n && (k = pl_export_mark(s + i, n - i)))
        i += k;
    if (!tr_time(s, n, &i, h) || i >= n)
        return 0;
    c = (unsigned char)s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || (c >= 0x80 && !pl_export_space(s + i,
                                                                n - i))))
        return 0;
    if (!(k = tr_name(s, n, i)))
        return 0;
    h->name_a = i;
    h->name_b = k;
    h->text = pl_export_skip(s, n, k + 1, 0);
    return 1;
}

static size_t line_end(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);

    return nl ? (size_t)(nl - s) : n;
}

/* ---- building turns ----------------------------------------------------- */

static enum pl_status tr_build(void *ctx, const char *s, size_t n, long line,
                               struct pl_turn *t, struct pl_error *why)
{
    struct pl_reader *r = ctx;
    struct tr_head h;
    size_t k = line_end(s, n), first = k && s[k - 1] == '\r' ? k - 1 : k;
    char iso[48];

    if (!tr_parse(s, first, &h))
        return pl_error_set(why, PL_ERR_PARSE, r->path, line, 1,
                            "expected a 'Speaker: text' line");
    if (h.when.has_time && !pl_when_valid(&h.when))
        return pl_error_set(why, PL_ERR_FORMAT, r->path, line,
                            (long)h.ts_at + 1, "expected a valid time, "
                            "found \"%.*s\"", (int)(h.ts_end - h.ts_at),
                            s + h.ts_at);
    free(t->speaker);
    if (!(t->speaker = pl_strndup(s + h.name_a, h.name_b - h.name_a)))
        goto nomem;
    if (h.when.has_time) {
        pl_when_iso(&h.when, iso, sizeof iso);
        if (!(t->timestamp = pl_strdup(iso)))
            goto nomem;
    }
    if (pl_export_text(t, s, n, h.text == first && k < n ? k + 1 : h.text))
        goto nomem;
    t->role = pl_export_role(r, t->speaker, PL_ROLE_OTHER);
    return PL_OK;
nomem:
    return pl_error_set(why, PL_ERR_NOMEM, r->path, line, 1,
                        "out of memory");
}

static enum pl_line_kind tr_classify(void *ctx, const char *s, size_t n)
{
    struct tr_head h;

    (void)ctx;
    return tr_parse(s, n, &h) ? PL_LINE_HEADER : PL_LINE_CONT;
}

enum pl_status pl_transcript_read(struct pl_reader *r, struct pl_lines *lr)
{
    static const struct pl_line_fmt fmt = {
        "a 'Speaker: text' line to start a dialogue", 1, 0, tr_classify,
        NULL, tr_build
    };
    struct pl_export c;
    enum pl_status st = pl_export_init(&c, r, NULL);

    c.split_on_gap = 0;
    if (st == PL_OK)
        st = pl_export_lines(&c, lr, &fmt, r);
    pl_export_fini(&c);
    return st;
}

/* ---- sniffing ------------------------------------------------------------ */

struct names {
    size_t a[16], len[16];
    int n;
    const char *s;
};

/* The index of a name, added when new; -1 when there are too many
 * distinct ones to track. */
static int names_add(struct names *nm, size_t a, size_t len)
{
    for (int i = 0; i < nm->n; i++)
        if (nm->len[i] == len && !memcmp(nm->s + nm->a[i], nm->s + a, len))
            return i;
    if (nm->n == 16)
        return -1;
    nm->a[nm->n] = a;
    nm->len[nm->n] = len;
    return nm->n++;
}

/*
 * Most non-blank lines (60%) of the first 200 are "Name: text", the
 * first of them too, at least two; the names are few (at most 8, and no
 * more than half the speaker lines, two always allowed) and someone
 * speaks twice in a dialogue (unless there are only two or three
 * lines, all of them speaker lines), and the speaker changes at least
 * once in four lines. "Key:
 * value" files have many keys, each once per stanza, or one key again
 * and again, and are left alone.
 */
int pl_transcript_sniff(const char *s, size_t n, int complete)
{
    struct names nm = { { 0 }, { 0 }, 0, s };
    struct tr_head h;
    size_t pos = 0, a, b;
    int lines = 0, heads = 0, repeats = 0, changes = 0, k, last = -1;
    unsigned seen = 0;

    while (lines < 200 && pl_export_next_line(s, n, &pos, &a, &b)) {
        if (pl_export_skip(s + a, b - a, 0, 1) == b - a) {
            seen = 0;
            last = -1;
            continue;
        }
        if (pos >= n && !complete && b == n)
            break;
        if (tr_parse(s + a, b - a, &h)) {
            if ((k = names_add(&nm, a + h.name_a, h.name_b - h.name_a)) < 0)
                return 0;
            repeats += (seen >> k) & 1;
            changes += last >= 0 && k != last;
            seen |= 1u << k;
            last = k;
            heads++;
        } else if (!lines) {
            return 0;
        }
        lines++;
    }
    return heads >= 2 && heads * 10 >= lines * 6 && nm.n <= 8 &&
           nm.n <= (heads / 2 > 2 ? heads / 2 : 2) &&
           (repeats > 0 || (heads <= 3 && heads == lines)) &&
           changes * 4 >= heads - 1;
}
