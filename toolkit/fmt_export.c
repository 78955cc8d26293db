/*
 * Shared by the chat-export and transcript readers: Unicode spaces and
 * directional marks in headers, speaker roles from names and options,
 * and the session that turns a stream of messages into dialogues.
 *
 * Dialogue boundaries: a silence longer than the reader option
 * split_gap_minutes (6 hours by default) between two timed messages
 * starts a new dialogue, with dialogue meta "boundary": "silence"; so
 * does a dialogue grown past max_record_bytes of messages or
 * PL_EXPORT_MAX_TURNS turns ("boundary": "size", with a warning), which
 * keeps memory bounded for exports of any length.
 */
#include "export_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- characters ------------------------------------------------------ */

size_t pl_export_space(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    if (n >= 1 && (u[0] == ' ' || u[0] == '\t'))
        return 1;
    if (n >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (n < 3)
        return 0;
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] <= 0x8A || u[2] == 0xAF))
        return 3;
    if ((u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) ||
        (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80))
        return 3;
    return 0;
}

size_t pl_export_mark(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    if (n >= 2 && u[0] == 0xD8 && u[1] == 0x9C)
        return 2;
    if (n < 3 || u[0] != 0xE2)
        return 0;
    if (u[1] == 0x80 && (u[2] == 0x8E || u[2] == 0x8F ||
                         (u[2] >= 0xAA && u[2] <= 0xAE)))
        return 3;
    if (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)
        return 3;
    return 0;
}

size_t pl_export_skip(const char *s, size_t n, size_t i, int marks)
{
    size_t k;

    while (i < n && ((k = pl_export_space(s + i, n - i)) ||
                     (marks && (k = pl_export_mark(s + i, n - i)))))
        i += k;
    return i;
}

long pl_export_digits(const char *s, size_t n, size_t *i, int max,
                      int *digits)
{
    long v = 0;
    int k = 0;

    while (*i + (size_t)k < n && k < max && s[*i + (size_t)k] >= '0' &&
           s[*i + (size_t)k] <= '9')
        v = v * 10 + (s[*i + (size_t)k++] - '0');
    if (digits)
        *digits = k;
    if (!k)
        return -1;
    *i += (size_t)k;
    return v;
}

/* "H:MM[:SS[.fff]]" at s[*i]. */
static int clock_only(const char *s, size_t n, size_t *i, struct pl_when *w)
{
    size_t j = *i, k = 0;
    int d;

    if ((w->hour = (int)pl_export_digits(s, n, &j, 2, NULL)) < 0 || j >= n ||
        s[j++] != ':' ||
        (w->min = (int)pl_export_digits(s, n, &j, 2, &d)) < 0 || d != 2)
        return 0;
    w->sec = 0;
    if (j + 1 < n && s[j] == ':' && s[j + 1] >= '0' && s[j + 1] <= '9') {
        j++;
        if ((w->sec = (int)pl_export_digits(s, n, &j, 2, &d)) < 0 || d != 2)
            return 0;
        if (j + 1 < n && (s[j] == '.' || s[j] == ',') && s[j + 1] >= '0' &&
            s[j + 1] <= '9')
            for (j++; j < n && s[j] >= '0' && s[j] <= '9'; j++)
                if (k + 1 < sizeof w->frac)
                    w->frac[k++] = s[j];
    }
    w->frac[k] = '\0';
    w->has_time = 1;
    *i = j;
    return 1;
}

int pl_export_clock(const char *s, size_t n, size_t *i, struct pl_when *w)
{
    size_t j = *i;
    int d1, d2, d3;

    memset(w, 0, sizeof *w);
    if (j + 10 < n && s[j + 4] == '-' &&
        (w->year = (int)pl_export_digits(s, n, &j, 4, &d1)) >= 0 &&
        d1 == 4 && s[j++] == '-' &&
        (w->month = (int)pl_export_digits(s, n, &j, 2, &d2)) >= 0 &&
        j < n && s[j++] == '-' &&
        (w->day = (int)pl_export_digits(s, n, &j, 2, &d3)) >= 0 &&
        d2 == 2 && d3 == 2 && j < n && (s[j] == ' ' || s[j] == 'T')) {
        j++;
        w->has_date = 1;
    } else {
        j = *i;
        memset(w, 0, sizeof *w);
    }
    if (!clock_only(s, n, &j, w))
        return 0;
    *i = j;
    return 1;
}

int pl_export_next_line(const char *s, size_t n, size_t *pos, size_t *a,
                        size_t *b)
{
    const char *nl;

    if (*pos >= n)
        return 0;
    *a = *pos;
    nl = memchr(s + *pos, '\n', n - *pos);
    *b = nl ? (size_t)(nl - s) : n;
    *pos = nl ? *b + 1 : n;
    if (*b > *a && s[*b - 1] == '\r')
        --*b;
    return 1;
}

/* ---- speaker roles ------------------------------------------------------ */

/* Letters of word w[0..n), lower-cased ASCII, into buf ("User2" ->
 * "user"); 1 when the word ends in "Bot" after a lower-case letter. */
static int word_key(const char *w, size_t n, char *buf, size_t bn)
{
    size_t k = 0;

    for (size_t i = 0; i < n && k + 1 < bn; i++) {
        char c = w[i];

        if (c >= 'A' && c <= 'Z')
            buf[k++] = (char)(c - 'A' + 'a');
        else if (c >= 'a' && c <= 'z')
            buf[k++] = c;
    }
    buf[k] = '\0';
    return n > 3 && !strncmp(w + n - 3, "Bot", 3) && w[n - 4] >= 'a' &&
           w[n - 4] <= 'z';
}

static enum pl_role word_role(const char *w, size_t n)
{
    static const char *const users[] = {
        "user", "customer", "human", "client", "caller", "visitor",
        "guest", "requester"
    };
    static const char *const agents[] = {
        "agent", "assistant", "bot", "chatbot", "system", "support",
        "ai", "operator", "rep", "representative", "advisor", "adviser",
        "staff", "helpdesk", "gpt", "chatgpt", "model", "wizard", "service"
    };
    char key[32];

    if (word_key(w, n, key, sizeof key))
        return PL_ROLE_AGENT;
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
        if (!strcmp(key, users[i]))
            return PL_ROLE_USER;
    for (size_t i = 0; i < sizeof agents / sizeof agents[0]; i++)
        if (!strcmp(key, agents[i]))
            return PL_ROLE_AGENT;
    return PL_ROLE_COUNT;
}

static void trim(char *s)
{
    size_t a = 0, n = strlen(s);

    while (a < n && s[a] == ' ')
        a++;
    while (n > a && s[n - 1] == ' ')
        n--;
    memmove(s, s + a, n - a);
    s[n - a] = '\0';
}

/* The role given to name by the option, or PL_ROLE_COUNT. */
static enum pl_role option_role(const char *opt, const char *name)
{
    enum pl_role star = PL_ROLE_COUNT;
    size_t nn = strlen(name);

    while (opt && *opt) {
        const char *end = strchr(opt, ','), *eq;
        size_t len = end ? (size_t)(end - opt) : strlen(opt), a = 0, b;
        char role[32];

        eq = memchr(opt, '=', len);
        if (eq) {
            b = (size_t)(eq - opt);
            while (a < b && opt[a] == ' ')
                a++;
            while (b > a && opt[b - 1] == ' ')
                b--;
            pl_utf8_fit(role, sizeof role, eq + 1,
                        len - (size_t)(eq + 1 - opt));
            trim(role);
            if (b - a == 1 && opt[a] == '*')
                star = pl_role_parse(role);
            else if (b - a == nn && !strncasecmp(opt + a, name, nn))
                return pl_role_parse(role);
        }
        opt = end ? end + 1 : NULL;
    }
    return star;
}

enum pl_role pl_export_role(const struct pl_reader *r, const char *name,
                            enum pl_role dflt)
{
    enum pl_role role = option_role(r->o->speaker_roles, name);
    size_t n = strlen(name), a = n, b = n;

    if (role != PL_ROLE_COUNT)
        return role;
    while (b > 0 && name[b - 1] == ' ')
        b--;
    for (a = b; a > 0 && name[a - 1] != ' ';)
        a--;
    if (b > a && (role = word_role(name + a, b - a)) != PL_ROLE_COUNT)
        return role;
    for (a = 0; a < n && name[a] == ' ';)
        a++;
    for (b = a; b < n && name[b] != ' ';)
        b++;
    if (b > a && (role = word_role(name + a, b - a)) != PL_ROLE_COUNT)
        return role;
    return dflt;
}

/* ---- small helpers --------------------------------------------------- */

int pl_export_set_str(json_t *obj, const char *key, const char *s, size_t n)
{
    json_t *v = json_stringn(s, n);

    return v && json_object_set_new(obj, key, v) == 0 ? 0 : -1;
}

enum pl_status pl_export_text(struct pl_turn *t, const char *s, size_t n,
                              size_t off)
{
    char *buf = malloc(n - off + 1);
    size_t k = 0;
    enum pl_status st;

    if (!buf)
        return PL_ERR_NOMEM;
    for (size_t i = off; i < n; i++)
        if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
            buf[k++] = s[i];
    while (k > 0 && (buf[k - 1] == '\n' || buf[k - 1] == '\r'))
        k--;
    st = pl_turn_set_text(t, buf, k);
    free(buf);
    return st;
}

enum pl_status pl_export_reject(struct pl_reader *r, const char *raw,
                                size_t n, enum pl_status st, long line,
                                long col, const char *fmt, ...)
{
    struct pl_error why;
    va_list ap;

    pl_error_set(&why, st, r->path, line, col, "%s", "");
    va_start(ap, fmt);
    vsnprintf(why.message, sizeof why.message, fmt, ap);
    va_end(ap);
    return pl_reader_reject(r, raw, n, &why);
}

/* ---- sessions ------------------------------------------------------- */

enum pl_status pl_export_init(struct pl_export *c, struct pl_reader *r,
                              const char *prefix)
{
    struct pl_file_names fn;
    long gap = r->o->split_gap_minutes;

    memset(c, 0, sizeof *c);
    c->r = r;
    pl_file_names_get(r->path, &fn);
    snprintf(c->prefix, sizeof c->prefix, "%s", prefix ? prefix : fn.stem);
    snprintf(c->corpus, sizeof c->corpus, "%s", fn.corpus);
    c->split = fn.split;
    if (gap > 100L * 525600)
        gap = 100L * 525600;
    c->gap = gap == 0 ? 360 * 60 : gap < 0 ? 0 : gap * 60;
    c->split_on_gap = 1;
    c->meta = json_object();
    c->extra = json_object();
    if (!c->meta || !c->extra)
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                            "out of memory");
    return PL_OK;
}

void pl_export_fini(struct pl_export *c)
{
    if (!c)
        return;
    if (c->open)
        pl_dialogue_fini(&c->d);
    json_decref(c->meta);
    json_decref(c->extra);
    memset(c, 0, sizeof *c);
}

/* Copy the members of src into dst (values deep-copied). */
static int merge_copy(json_t *dst, const json_t *src)
{
    json_t *cp = json_deep_copy(src);
    int rc = cp ? json_object_update(dst, cp) : -1;

    json_decref(cp);
    return rc;
}

static enum pl_status chat_open(struct pl_export *c, long line, long col)
{
    char id[480];
    struct pl_dialogue *d = &c->d;

    snprintf(id, sizeof id, "%s:%ld", c->prefix, c->n_dialogues);
    if (pl_dialogue_init(d, id) != PL_OK)
        return PL_ERR_NOMEM;
    c->open = 1;
    c->bytes = 0;
    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(c->corpus);
    d->split = pl_strdup(c->split);
    if (!d->corpus || !d->split || merge_copy(d->meta, c->meta) ||
        merge_copy(d->extra, c->extra) ||
        (c->boundary && json_object_set_new(d->meta, "boundary",
                                            json_string(c->boundary))) ||
        pl_origin_set(&d->origin, c->r->path, line, col, c->n_dialogues))
        return PL_ERR_NOMEM;
    return PL_OK;
}

enum pl_status pl_export_flush(struct pl_export *c)
{
    enum pl_status st;

    if (!c->open)
        return PL_OK;
    c->open = 0;
    c->n_dialogues++;
    if (pl_dialogue_derive_times(&c->d) != PL_OK) {
        pl_dialogue_fini(&c->d);
        return pl_error_set(c->r->err, PL_ERR_NOMEM, c->r->path, 0, 0,
                            "out of memory");
    }
    st = pl_reader_emit(c->r, &c->d);
    memset(&c->d, 0, sizeof c->d);
    return st;
}

/* End the open dialogue before a turn at `now` when the silence or the
 * size says so. */
static enum pl_status chat_cut(struct pl_export *c, const struct pl_time *now,
                               size_t bytes, long line)
{
    long long ms;

    if (!c->open || !c->d.n_turns)
        return PL_OK;
    if (c->split_on_gap && c->gap > 0 && pl_time_diff(&c->last, now, &ms) &&
        ms > (long long)c->gap * 1000) {
        c->boundary = "silence";
        return pl_export_flush(c);
    }
    if (c->bytes + bytes > c->r->max_record ||
        c->d.n_turns >= PL_EXPORT_MAX_TURNS) {
        pl_log(PL_LOG_WARN, "%s:%ld: dialogue cut at %zu turns (limits: "
               "max_record_bytes %zu, %d turns); the next one goes on "
               "with \"boundary\": \"size\"", c->r->path, line,
               c->d.n_turns, c->r->max_record, PL_EXPORT_MAX_TURNS);
        c->boundary = "size";
        return pl_export_flush(c);
    }
    return PL_OK;
}

enum pl_status pl_export_add(struct pl_export *c, struct pl_turn *t, long line,
                             long col, size_t bytes)
{
    struct pl_time now;
    struct pl_turn *slot;
    long index;
    enum pl_status st;

    pl_time_parse(t->timestamp, &now);
    if ((st = chat_cut(c, &now, bytes, line)) != PL_OK)
        return st;
    if (!c->open && chat_open(c, line, col) != PL_OK)
        goto nomem;
    if (!(slot = pl_dialogue_add_turn(&c->d)))
        goto nomem;
    index = slot->index;
    pl_turn_fini(slot);
    *slot = *t;
    slot->index = index;
    memset(t, 0, sizeof *t);
    if (pl_origin_set(&slot->origin, c->r->path, line, col,
                      c->n_messages++) != PL_OK)
        goto nomem;
    c->bytes += bytes;
    if (now.kind)
        c->last = now;
    return PL_OK;
nomem:
    return pl_error_set(c->r->err, PL_ERR_NOMEM, c->r->path, line, col,
                        "out of memory");
}
