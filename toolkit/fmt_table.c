/*
 * Mapping a CSV/TSV table's columns to dialogues and turns.
 *
 * Columns are named by the read options or found by their usual header
 * names (case-insensitive, first match wins; "" in an option means the
 * table has no such column):
 *   dialogue   dialogue_id, dialog_id, conversation_id, conversation,
 *              session_id, thread_id, chat_id
 *   speaker    speaker, sender, author, role, from, participant
 *   timestamp  timestamp, datetime, sent_at, created_at, date, time
 *   text       text, utterance, sentence, message, content, body; else
 *              the first column not taken
 *   label      label, intent, category, class, labels, intents; else the
 *              second column (the first when text is the second), if not
 *              taken
 * Every other column becomes turn meta under its header name (a repeated
 * name gets "#2", "#3"), as a string.
 *
 * Without a dialogue column each row is a one-turn user dialogue
 * "<file stem>:<row>". With one, a run of rows with the same id is one
 * dialogue with that id, its turns in row order (a turn-number column is
 * only metadata: reordering would need the whole dialogue in hand, and
 * exports already list turns in order); reading stays streamed,
 * so the rows of a dialogue must be together: an id that comes back after
 * other rows starts a new dialogue "<id>#2" (then "#3", ...) with a
 * warning, and so does a dialogue grown past max_record_bytes. A row
 * with an empty id is rejected.
 *
 * The speaker's value is the turn's speaker name and gives its role
 * (pl_role_parse: user, customer, agent, bot, assistant, system, ...;
 * other names are "other"); without a speaker column turns are the
 * user's. With a label separator, a label field holds several labels
 * (blank ones dropped, spaces trimmed). Timestamps become ISO 8601:
 * ISO 8601 itself and "YYYY-MM-DD HH:MM[:SS]" (also with "/") are kept
 * with a "T" and seconds, without inventing a time zone; Unix time in
 * seconds (9 or 10 digits, a fraction allowed) or milliseconds (12 or 13
 * digits) becomes UTC ("Z"). A value that is none of these stays in turn
 * meta under the column's name, with a warning.
 */
#define _POSIX_C_SOURCE 200809L
#include "table_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Warnings of one kind shown per file; the rest are counted. */
#define WARN_MAX 5
/* Dialogue ids remembered per file to notice one that comes back. */
#define SEEN_MAX ((size_t)1 << 22)

enum { COL_DIALOGUE, COL_SPEAKER, COL_TIME, COL_TEXT, COL_LABEL, ROLES };
enum { W_BACK, W_TIME, WARN_KINDS };

static const char *const usual[ROLES][8] = {
    { "dialogue_id", "dialog_id", "conversation_id", "conversation",
      "session_id", "thread_id", "chat_id", NULL },
    { "speaker", "sender", "author", "role", "from", "participant", NULL },
    { "timestamp", "datetime", "sent_at", "created_at", "date", "time",
      NULL },
    { "text", "utterance", "sentence", "message", "content", "body", NULL },
    { "label", "intent", "category", "class", "labels", "intents", NULL },
};

/* Ids met: their 64-bit hashes and how often each started a dialogue. */
struct seen {
    unsigned long long *key;
    unsigned *count;
    size_t cap, n;
};

struct pl_table {
    struct pl_reader *r;
    struct pl_file_names fn;
    char **names;           /* the header */
    char **keys;            /* meta key of each column */
    size_t n;
    long col[ROLES];        /* column of each role, or -1 */
    const char *sep;        /* label separator, or NULL */
    struct pl_dialogue d;   /* being gathered (with a dialogue column) */
    int open;
    char *cur;              /* its id as the file has it */
    size_t bytes;           /* its rows' bytes so far */
    long emitted;           /* dialogues started in this file */
    struct seen seen;
    long warned[WARN_KINDS];
};

static enum pl_status nomem(struct pl_table *t, long line)
{
    return pl_error_set(t->r->err, PL_ERR_NOMEM, t->r->path, line, 0,
                        "out of memory");
}

/* Warn (the first WARN_MAX of a kind) about path:line. */
static void warn(struct pl_table *t, int kind, long line, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

static void warn(struct pl_table *t, int kind, long line, const char *fmt,
                 ...)
{
    char msg[600];
    va_list ap;

    if (t->warned[kind]++ >= WARN_MAX || !pl_log_enabled(PL_LOG_WARN))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pl_utf8_fit(msg, sizeof msg, msg, strlen(msg));
    pl_log(PL_LOG_WARN, "%s:%ld:1: %s", t->r->path, line, msg);
}

/* ---- choosing the columns ------------------------------------------- */

static long column_named(const struct pl_table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcasecmp(t->names[i], name))
            return (long)i;
    return -1;
}

static int taken(const struct pl_table *t, long i)
{
    for (int k = 0; k < ROLES; k++)
        if (i >= 0 && t->col[k] == i)
            return 1;
    return 0;
}

static enum pl_status missing(struct pl_table *t, const char *want,
                              long line)
{
    char have[400] = "";
    size_t used = 0;

    for (size_t i = 0; i < t->n && used + 40 < sizeof have; i++)
        used += (size_t)snprintf(have + used, sizeof have - used,
                                 "%s\"%.32s\"", i ? ", " : "", t->names[i]);
    return pl_error_set(t->r->err, PL_ERR_USAGE, t->r->path, line, 1,
                        "expected a column named \"%s\" in the header, "
                        "found %s", want, have);
}

static const char *option(const struct pl_read_opts *o, int role)
{
    const char *const v[ROLES] = { o->dialogue_column, o->speaker_column,
                                   o->timestamp_column, o->text_column,
                                   o->label_column };

    return v[role];
}

/* Columns the options name: they must be there, once each. */
static enum pl_status pick_named(struct pl_table *t, long line)
{
    for (int k = 0; k < ROLES; k++) {
        const char *want = option(t->r->o, k);
        long i;

        if (!want || !*want)
            continue;
        if ((i = column_named(t, want)) < 0)
            return missing(t, want, line);
        if (taken(t, i))
            return pl_error_set(t->r->err, PL_ERR_USAGE, t->r->path, line,
                                1, "expected column \"%s\" to be named by "
                                "one column option, found it in two", want);
        t->col[k] = i;
    }
    return PL_OK;
}

/* The other roles by their usual names, then text and label by place. */
static void pick_usual(struct pl_table *t)
{
    for (int k = 0; k < ROLES; k++) {
        if (option(t->r->o, k))
            continue;
        for (int j = 0; usual[k][j] && t->col[k] < 0; j++) {
            long i = column_named(t, usual[k][j]);

            if (!taken(t, i))
                t->col[k] = i;
        }
    }
    for (long i = 0; t->col[COL_TEXT] < 0 && !t->r->o->text_column &&
                     i < (long)t->n; i++)
        if (!taken(t, i))
            t->col[COL_TEXT] = i;
    if (t->col[COL_LABEL] < 0 && !t->r->o->label_column && t->n > 1) {
        long i = t->col[COL_TEXT] == 1 ? 0 : 1;

        if (!taken(t, i))
            t->col[COL_LABEL] = i;
    }
}

/* Meta keys: header names, repeats made distinct ("x", "x#2"). */
static int make_keys(struct pl_table *t)
{
    char buf[300];

    if (!(t->keys = calloc(t->n ? t->n : 1, sizeof *t->keys)))
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        unsigned k = 1;

        for (size_t j = 0; j < i; j++)
            k += !strcmp(t->names[j], t->names[i]);
        snprintf(buf, sizeof buf, k > 1 ? "%.280s#%u" : "%.280s",
                 t->names[i], k);
        if (!(t->keys[i] = pl_strdup(k > 1 ? buf : t->names[i])))
            return -1;
    }
    return 0;
}

enum pl_status pl_table_new(struct pl_reader *r, char *const *names,
                            size_t n, long line, struct pl_table **out)
{
    struct pl_table *t = calloc(1, sizeof *t);
    enum pl_status st;

    *out = t;
    if (!t || !(t->names = calloc(n ? n : 1, sizeof *t->names)))
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, line, 0,
                            "out of memory");
    t->r = r;
    pl_file_names_get(r->path, &t->fn);
    for (t->n = 0; t->n < n; t->n++)
        if (!(t->names[t->n] = pl_strdup(names[t->n])))
            return nomem(t, line);
    for (int k = 0; k < ROLES; k++)
        t->col[k] = -1;
    t->sep = r->o->label_separator && *r->o->label_separator
                 ? r->o->label_separator : NULL;
    if ((st = pick_named(t, line)) != PL_OK)
        return st;
    pick_usual(t);
    if (t->col[COL_TEXT] < 0)
        t->col[COL_TEXT] = 0;
    if (make_keys(t) != 0)
        return nomem(t, line);
    pl_log(PL_LOG_DEBUG, "%s: text column %ld, label %ld, speaker %ld, "
           "dialogue %ld, timestamp %ld", r->path, t->col[COL_TEXT],
           t->col[COL_LABEL], t->col[COL_SPEAKER], t->col[COL_DIALOGUE],
           t->col[COL_TIME]);
    return PL_OK;
}

void pl_table_free(struct pl_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->names[i]);
        free(t->keys ? t->keys[i] : NULL);
    }
    free(t->names);
    free(t->keys);
    if (t->open)
        pl_dialogue_fini(&t->d);
    free(t->cur);
    free(t->seen.key);
    free(t->seen.count);
    free(t);
}

/* ---- timestamps ------------------------------------------------------ */

/* The value of the k digits at s, or -1. */
static int num(const char *s, int k)
{
    int v = 0;

    for (int i = 0; i < k; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int month_days(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 ? 28 + leap : days[m - 1];
}

/* "YYYY-MM-DD" (or with '/') at s into out; *s moves past it. */
static int parse_date(const char **s, char *out, size_t n)
{
    const char *p = *s;
    int y = num(p, 4), m, d;
    char sep = p[4];

    if (y < 0 || (sep != '-' && sep != '/') || p[7] != sep)
        return 0;
    m = num(p + 5, 2);
    d = num(p + 8, 2);
    if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return 0;
    snprintf(out, n, "%04d-%02d-%02d", y, m, d);
    *s = p + 10;
    return 1;
}

/* "hh:mm[:ss[.fraction]]" at s, appended to out as "Thh:mm:ss[.f]". */
static int parse_clock(const char **s, char *out, size_t n)
{
    const char *p = *s;
    int h = num(p, 2), mi = p[2] == ':' ? num(p + 3, 2) : -1, sec = 0;
    size_t used = strlen(out), frac = 0;

    if (h < 0 || h > 23 || mi < 0 || mi > 59)
        return 0;
    p += 5;
    if (*p == ':') {
        if ((sec = num(p + 1, 2)) < 0 || sec > 60)
            return 0;
        p += 3;
        if (*p == '.' || *p == ',')
            frac = strspn(p + 1, "0123456789");
        if ((*p == '.' || *p == ',') && (frac == 0 || frac > 9))
            return 0;
    }
    snprintf(out + used, n - used, "T%02d:%02d:%02d%s%.*s", h, mi, sec,
             frac ? "." : "", (int)frac, frac ? p + 1 : "");
    *s = frac ? p + 1 + frac : p;
    return 1;
}

/* "", "Z", "+hh", "+hhmm" or "+hh:mm" at s, appended as "Z"/"+hh:mm". */
static int parse_zone(const char *s, char *out, size_t n)
{
    size_t used = strlen(out);
    int h, m = 0;

    if (!*s)
        return 1;
    if ((*s == 'Z' || *s == 'z') && !s[1]) {
        snprintf(out + used, n - used, "Z");
        return 1;
    }
    if ((*s != '+' && *s != '-') || (h = num(s + 1, 2)) < 0 || h > 23)
        return 0;
    if (s[3] == ':') {
        if ((m = num(s + 4, 2)) < 0 || s[6])
            return 0;
    } else if (s[3]) {
        if ((m = num(s + 3, 2)) < 0 || s[5])
            return 0;
    }
    if (m > 59)
        return 0;
    snprintf(out + used, n - used, "%c%02d:%02d", *s, h, m);
    return 1;
}

/* Unix time in seconds (9-10 digits, maybe a fraction) or milliseconds
 * (12-13 digits), as UTC. */
static int parse_epoch(const char *s, char *out, size_t n)
{
    size_t k = strspn(s, "0123456789"), frac = 0;
    long long v = 0;
    long ms = -1;
    struct tm tm;
    time_t secs;

    if (s[k] == '.' && k >= 9 && k <= 10)
        frac = strspn(s + k + 1, "0123456789");
    if ((s[k] && !(frac && !s[k + 1 + frac] && frac <= 9)) ||
        !((k >= 9 && k <= 10) || (k >= 12 && k <= 13)))
        return 0;
    for (size_t i = 0; i < k; i++)
        v = v * 10 + (s[i] - '0');
    if (k >= 12) {
        ms = (long)(v % 1000);
        v /= 1000;
    }
    secs = (time_t)v;
    if (!gmtime_r(&secs, &tm))
        return 0;
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (ms >= 0)
        snprintf(out + 19, n - 19, ".%03ldZ", ms);
    else
        snprintf(out + 19, n - 19, "%s%.*sZ", frac ? "." : "", (int)frac,
                 s + k + 1);
    return 1;
}

/* s as ISO 8601 into out (at least 64 bytes), or 0 when it is no time
 * parlance knows. */
static int parse_time(const char *s, char *out, size_t n)
{
    const char *p = s;

    out[0] = '\0';
    if (strlen(s) > 40)
        return 0;
    if (parse_epoch(s, out, n))
        return 1;
    if (!parse_date(&p, out, n))
        return 0;
    if (!*p)
        return 1;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return 0;
    p++;
    if (!parse_clock(&p, out, n))
        return 0;
    if (*p == ' ' && (p[1] == 'Z' || p[1] == '+' || p[1] == '-'))
        p++;
    return parse_zone(p, out, n);
}

/* ---- rows to turns ---------------------------------------------------- */

static enum pl_status add_labels(struct pl_table *t, struct pl_turn *tu,
                                 const char *f)
{
    size_t k = t->sep ? strlen(t->sep) : 0;
    const char *end;

    if (!t->sep)
        return *f ? pl_turn_add_intent(tu, f) : PL_OK;
    for (;; f = end + k) {
        const char *next = strstr(f, t->sep);
        size_t a = 0, b;

        end = next ? next : f + strlen(f);
        b = (size_t)(end - f);
        while (a < b && (f[a] == ' ' || f[a] == '\t'))
            a++;
        while (b > a && (f[b - 1] == ' ' || f[b - 1] == '\t'))
            b--;
        if (b > a) {
            char *one = pl_strndup(f + a, b - a);
            enum pl_status st = one ? pl_turn_add_intent(tu, one)
                                    : PL_ERR_NOMEM;

            free(one);
            if (st != PL_OK)
                return st;
        }
        if (!next)
            return PL_OK;
    }
}

/* The timestamp, or the raw value in meta with a warning. */
static enum pl_status add_time(struct pl_table *t, struct pl_turn *tu,
                               const char *f, long line)
{
    char iso[96];
    long c = t->col[COL_TIME];

    if (!*f)
        return PL_OK;
    if (parse_time(f, iso, sizeof iso))
        return (tu->timestamp = pl_strdup(iso)) ? PL_OK : PL_ERR_NOMEM;
    warn(t, W_TIME, line, "expected a timestamp in column \"%.64s\" (ISO "
         "8601, YYYY-MM-DD HH:MM[:SS] or Unix time), found \"%.40s\"; kept "
         "in meta", t->names[c], f);
    if (json_object_set_new(tu->meta, t->keys[c], json_string(f)) != 0)
        return PL_ERR_NOMEM;
    return PL_OK;
}

static enum pl_status fill_turn(struct pl_table *t, struct pl_turn *tu,
                                const char *const *f, long line, long index)
{
    const long *col = t->col;
    const char *text = f[col[COL_TEXT]];

    if (pl_origin_set(&tu->origin, t->r->path, line, 1, index) != PL_OK ||
        pl_turn_set_text(tu, text, strlen(text)) != PL_OK)
        return PL_ERR_NOMEM;
    tu->role = PL_ROLE_USER;
    if (col[COL_SPEAKER] >= 0) {
        char *sp = pl_strdup(f[col[COL_SPEAKER]]);

        if (!sp)
            return PL_ERR_NOMEM;
        free(tu->speaker);
        tu->speaker = sp;
        tu->role = pl_role_parse(sp);
    }
    if ((col[COL_LABEL] >= 0 &&
         add_labels(t, tu, f[col[COL_LABEL]]) != PL_OK) ||
        (col[COL_TIME] >= 0 &&
         add_time(t, tu, f[col[COL_TIME]], line) != PL_OK))
        return PL_ERR_NOMEM;
    for (size_t i = 0; i < t->n; i++)
        if (!taken(t, (long)i) &&
            json_object_set_new(tu->meta, t->keys[i], json_string(f[i])))
            return PL_ERR_NOMEM;
    return PL_OK;
}

static enum pl_status start_dialogue(struct pl_table *t,
                                     struct pl_dialogue *d, const char *id,
                                     long line, long index)
{
    if (pl_dialogue_init(d, id) != PL_OK)
        return PL_ERR_NOMEM;
    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(t->fn.corpus);
    d->split = pl_strdup(t->fn.split);
    if (!d->corpus || !d->split ||
        pl_origin_set(&d->origin, t->r->path, line, 1, index) != PL_OK)
        return PL_ERR_NOMEM;
    return PL_OK;
}

/* A row on its own: a one-turn dialogue "<stem>:<row>". */
static enum pl_status one_row(struct pl_table *t, const char *const *f,
                              long line, long row)
{
    struct pl_dialogue d;
    struct pl_turn *tu;
    char id[300];

    memset(&d, 0, sizeof d);
    snprintf(id, sizeof id, "%s:%ld", t->fn.stem, row);
    if (start_dialogue(t, &d, id, line, row) != PL_OK ||
        !(tu = pl_dialogue_add_turn(&d)) ||
        fill_turn(t, tu, f, line, 0) != PL_OK) {
        pl_dialogue_fini(&d);
        return nomem(t, line);
    }
    return pl_reader_emit(t->r, &d);
}

/* ---- rows gathered into dialogues ------------------------------------- */

/* Double the table of ids met. */
static int seen_grow(struct seen *s)
{
    size_t cap = s->cap ? 2 * s->cap : 1024, i;
    unsigned long long *key = calloc(cap, sizeof *key);
    unsigned *count = calloc(cap, sizeof *count);

    if (!key || !count) {
        free(key);
        free(count);
        return -1;
    }
    for (size_t j = 0; j < s->cap; j++) {
        if (!s->key[j])
            continue;
        for (i = s->key[j] & (cap - 1); key[i]; i = (i + 1) & (cap - 1))
            ;
        key[i] = s->key[j];
        count[i] = s->count[j];
    }
    free(s->key);
    free(s->count);
    s->key = key;
    s->count = count;
    s->cap = cap;
    return 0;
}

/* Count one more start of id; returns how many there have been, or 0
 * for an id not remembered (past SEEN_MAX ids, or without memory). */
static unsigned seen_add(struct seen *s, const char *id)
{
    unsigned long long h = pl_fnv1a(PL_FNV_OFFSET, id, strlen(id)) | 1;
    int room = 2 * (s->n + 1) <= s->cap ||
               (s->n < SEEN_MAX && seen_grow(s) == 0);
    size_t i;

    if (!s->cap)
        return 0;
    for (i = h & (s->cap - 1); s->key[i]; i = (i + 1) & (s->cap - 1))
        if (s->key[i] == h)
            return ++s->count[i];
    if (!room)
        return 0;
    s->key[i] = h;
    s->n++;
    return s->count[i] = 1;
}

static enum pl_status emit_open(struct pl_table *t)
{
    if (!t->open)
        return PL_OK;
    t->open = 0;
    free(t->cur);
    t->cur = NULL;
    /* a chat log gathered by dialogue id: gaps and speaker changes */
    if (pl_dialogue_derive_times(&t->d) != PL_OK) {
        pl_dialogue_fini(&t->d);
        return pl_error_set(t->r->err, PL_ERR_NOMEM, t->r->path, 0, 0,
                            "out of memory");
    }
    return pl_reader_emit(t->r, &t->d);
}

/* Start gathering dialogue id at line; cut: the last one of that id
 * grew too long. */
static enum pl_status open_dialogue(struct pl_table *t, const char *id,
                                    long line, int cut)
{
    unsigned k = seen_add(&t->seen, id);
    size_t len = strlen(id) + 16;
    char *name = k > 1 ? malloc(len) : NULL;
    enum pl_status st;

    if (k > 1 && !name)
        return nomem(t, line);
    if (name)
        snprintf(name, len, "%s#%u", id, k);
    if (cut)
        warn(t, W_BACK, line, "dialogue \"%.64s\" is longer than "
             "max_record_bytes (%zu); continued as \"%.80s\"", id,
             t->r->max_record, name ? name : id);
    else if (name)
        warn(t, W_BACK, line, "dialogue \"%.64s\" comes back after other "
             "rows; read as a new dialogue \"%.80s\" (rows of a dialogue "
             "must be together)", id, name);
    memset(&t->d, 0, sizeof t->d);
    st = start_dialogue(t, &t->d, name ? name : id, line, t->emitted);
    free(name);
    if (st == PL_OK && !(t->cur = pl_strdup(id)))
        st = PL_ERR_NOMEM;
    if (st != PL_OK) {
        pl_dialogue_fini(&t->d);
        return nomem(t, line);
    }
    t->open = 1;
    t->bytes = 0;
    t->emitted++;
    return PL_OK;
}

static enum pl_status dialogue_row(struct pl_table *t, const char *const *f,
                                   long line, long row, const char *raw,
                                   size_t raw_n)
{
    const char *id = f[t->col[COL_DIALOGUE]];
    struct pl_error why;
    struct pl_turn *tu;
    enum pl_status st = PL_OK;
    int same = t->open && !strcmp(id, t->cur);

    if (!*id) {
        pl_error_set(&why, PL_ERR_FORMAT, t->r->path, line, 1, "expected a "
                     "dialogue id in column \"%.64s\", found an empty field",
                     t->names[t->col[COL_DIALOGUE]]);
        return pl_reader_reject(t->r, raw, raw_n, &why);
    }
    if (same && t->bytes + raw_n > t->r->max_record) {
        if ((st = emit_open(t)) == PL_OK)
            st = open_dialogue(t, id, line, 1);
    } else if (!same) {
        if ((st = emit_open(t)) == PL_OK)
            st = open_dialogue(t, id, line, 0);
    }
    if (st != PL_OK)
        return st;
    t->bytes += raw_n;
    if (!(tu = pl_dialogue_add_turn(&t->d)) ||
        fill_turn(t, tu, f, line, row) != PL_OK)
        return nomem(t, line);
    return PL_OK;
}

enum pl_status pl_table_row(struct pl_table *t, const char *const *fields,
                            long line, long row, const char *raw,
                            size_t raw_n)
{
    if (t->col[COL_DIALOGUE] < 0)
        return one_row(t, fields, line, row);
    return dialogue_row(t, fields, line, row, raw, raw_n);
}

enum pl_status pl_table_end(struct pl_table *t)
{
    static const char *const what[WARN_KINDS] = {
        "dialogues that came back or were cut", "unreadable timestamps"
    };
    enum pl_status st = emit_open(t);

    for (int k = 0; k < WARN_KINDS; k++)
        if (t->warned[k] > WARN_MAX)
            pl_log(PL_LOG_WARN, "%s: %ld more %s (the first %d are shown)",
                   t->r->path, t->warned[k] - WARN_MAX, what[k], WARN_MAX);
    return st;
}
