/*
 * ParlAI's text format ("ParlAI dialog format"): a line per example of
 * tab-separated "key:value" fields, episodes closed by a line with
 * "episode_done:True". Each episode is a dialogue "<file stem>:<n>" (n
 * counts episodes from 0); each line gives up to two turns:
 *   text         a user turn with that text;
 *   labels       an agent turn after it, text = the first of the
 *                '|'-separated alternatives (eval_labels when the line
 *                has no labels); when there are several, or the key is
 *                eval_labels, the whole list is kept in the agent turn's
 *                extra under its key;
 *   id           the speaker of the line's first turn;
 *   episode_done "True" (any case) ends the episode, "False" does not;
 *                another value does not either and is kept in extra;
 *   other keys   extra members of the user turn: a list of strings for
 *                label_candidates, text_candidates (and eval_labels
 *                beside labels), a string otherwise.
 * A line without text gives a user turn with empty text when it has
 * other fields, or only an id; a line of only episode_done gives none.
 *
 * Values are unescaped as ParlAI writes them: "\n", "\t", "\r" are a
 * line feed, tab and carriage return, "__PIPE__" and "\|" a '|' that
 * does not separate alternatives, "\\" a backslash and "\_" an
 * underscore (so a literal "__PIPE__" can be written "\__PIPE__"); any
 * other backslash is kept. In list values a bare '|' separates items.
 * Keys are taken as they are. Empty fields (a tab at the end of a line)
 * are ignored. A line without any tab is split at runs of four or more
 * spaces before a known key (text, labels, eval_labels,
 * label_candidates, text_candidates, episode_done, id, reward), as
 * older ParlAI files were sometimes written.
 *
 * An episode is one record: a bad line (a field that is not key:value,
 * a key twice, a NUL byte, invalid UTF-8 under PL_UTF8_REJECT, a line
 * or an episode over the size limit) rejects its whole episode, located
 * at that line, and reading resumes after the episode's end. A file
 * whose last episode has no episode_done:True keeps that episode and
 * says so in a warning. Lines are read one at a time; memory holds one
 * episode.
 */
#define _POSIX_C_SOURCE 200809L
#include "formats_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const known_keys[] = {
    "text", "labels", "eval_labels", "label_candidates", "text_candidates",
    "episode_done", "id", "reward"
};

static const char *const list_keys[] = {
    "labels", "eval_labels", "label_candidates", "text_candidates"
};

static int in_set(const char *k, size_t n, const char *const *set,
                  size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(set[i]) == n && !memcmp(k, set[i], n))
            return 1;
    return 0;
}

#define IN_SET(k, n, set) in_set((k), (n), (set), sizeof(set) / sizeof(*set))

/* One key:value field of a line (offsets into the line). */
struct field {
    size_t a, colon, b;
};

struct pt {
    struct pl_reader *r;
    struct pl_file_names fn;
    struct pl_dialogue d;   /* the episode being read */
    int have;               /* d holds one */
    int broken;             /* it is to be rejected, for why */
    struct pl_error why;
    long episode;           /* its index in the file */
    long line;              /* physical line being read */
    size_t bytes;           /* raw bytes of the episode so far */
    char *raw;              /* the first PL_REJECT_RAW_MAX of them */
    size_t raw_len;
    struct field *f;
    size_t nf, fcap;
    char *buf;              /* unescaped values */
    size_t cap;
};

static enum pl_status pt_nomem(struct pt *p)
{
    return pl_error_set(p->r->err, PL_ERR_NOMEM, p->r->path, p->line, 0,
                        "out of memory");
}

/* ---- splitting a line into fields ----------------------------------- */

static int add_field(struct pt *p, size_t a, size_t b)
{
    if (a == b)
        return 0;
    if (p->nf == p->fcap) {
        size_t cap = p->fcap ? 2 * p->fcap : 16;
        struct field *nf = realloc(p->f, cap * sizeof *nf);

        if (!nf)
            return -1;
        p->f = nf;
        p->fcap = cap;
    }
    p->f[p->nf].a = a;
    p->f[p->nf].b = b;
    p->f[p->nf++].colon = a;
    return 0;
}

/* Do four or more spaces end at s[i] and a known key follow? */
static int space_break(const char *s, size_t n, size_t i)
{
    size_t k = 0, j = i;

    if (i < 4 || memcmp(s + i - 4, "    ", 4))
        return 0;
    while (j < n && s[j] != ':' && s[j] != ' ')
        j++;
    k = j - i;
    return j < n && s[j] == ':' && IN_SET(s + i, k, known_keys);
}

/* Cut s[0..n) into fields: at tabs, or in a line without tabs at runs
 * of four or more spaces before a known key. */
static int split_fields(struct pt *p, const char *s, size_t n)
{
    size_t a = 0;
    int tabs = memchr(s, '\t', n) != NULL;

    p->nf = 0;
    for (size_t i = 0; i < n; i++) {
        if (tabs && s[i] == '\t') {
            if (add_field(p, a, i) != 0)
                return -1;
            a = i + 1;
        } else if (!tabs && s[i] != ' ' && space_break(s, n, i)) {
            size_t e = i;

            while (e > a && s[e - 1] == ' ')
                e--;
            if (add_field(p, a, e) != 0)
                return -1;
            a = i;
        }
    }
    return add_field(p, a, n);
}

/* Find each field's colon; why says what is wrong when one has none or
 * a key comes twice. */
static enum pl_status check_fields(struct pt *p, const char *s,
                                   struct pl_error *why)
{
    for (size_t i = 0; i < p->nf; i++) {
        struct field *f = &p->f[i];
        const char *c = memchr(s + f->a, ':', f->b - f->a);

        if (!c || c == s + f->a)
            return pl_error_set(why, PL_ERR_FORMAT, p->r->path, p->line,
                                (long)f->a + 1, "expected a key:value field, "
                                "found \"%.*s\"", (int)(f->b - f->a < 40
                                ? f->b - f->a : 40), s + f->a);
        f->colon = (size_t)(c - s);
        for (size_t j = 0; j < i; j++)
            if (p->f[j].colon - p->f[j].a == f->colon - f->a &&
                !memcmp(s + p->f[j].a, s + f->a, f->colon - f->a))
                return pl_error_set(why, PL_ERR_FORMAT, p->r->path,
                                    p->line, (long)f->a + 1, "expected each "
                                    "key once in a line, found a second "
                                    "\"%.*s\"", (int)(f->colon - f->a < 40
                                    ? f->colon - f->a : 40), s + f->a);
    }
    return PL_OK;
}

/* The field with key k, or -1. */
static long find_field(const struct pt *p, const char *s, const char *k)
{
    size_t n = strlen(k);

    for (size_t i = 0; i < p->nf; i++)
        if (p->f[i].colon - p->f[i].a == n && !memcmp(s + p->f[i].a, k, n))
            return (long)i;
    return -1;
}

/* ---- values --------------------------------------------------------- */

/*
 * Unescape v[0..n) into p->buf. In a list, a bare '|' ends an item:
 * the items follow each other, each NUL-terminated. Returns the number
 * of items (1 for a plain value), or -1 without memory.
 */
static long unescape(struct pt *p, const char *v, size_t n, int list)
{
    static const char from[] = "\\ntr|_", to[] = "\\\n\t\r|_";
    size_t k = 0;
    long items = 1;

    if (n + 1 > p->cap) {
        char *nb = realloc(p->buf, n + 1);

        if (!nb)
            return -1;
        p->buf = nb;
        p->cap = n + 1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *e = i + 1 < n ? strchr(from, v[i + 1]) : NULL;

        if (v[i] == '\\' && e && v[i + 1]) {
            p->buf[k++] = to[e - from];
            i++;
        } else if (v[i] == '_' && n - i >= 8 && !memcmp(v + i, "__PIPE__", 8)) {
            p->buf[k++] = '|';
            i += 7;
        } else if (list && v[i] == '|') {
            p->buf[k++] = '\0';
            items++;
        } else {
            p->buf[k++] = v[i];
        }
    }
    p->buf[k] = '\0';
    return items;
}

/* Field i's value unescaped as a list: a new JSON array in *out. */
static enum pl_status value_list(struct pt *p, const char *s, size_t i,
                                 json_t **out)
{
    const struct field *f = &p->f[i];
    long n = unescape(p, s + f->colon + 1, f->b - f->colon - 1, 1);
    const char *item = p->buf;

    if (n < 0 || !(*out = json_array()))
        return PL_ERR_NOMEM;
    for (long k = 0; k < n; k++, item += strlen(item) + 1)
        if (json_array_append_new(*out, json_string(item)) != 0) {
            json_decref(*out);
            return PL_ERR_NOMEM;
        }
    return PL_OK;
}

/* Field i's value unescaped, in p->buf. */
static const char *value_str(struct pt *p, const char *s, size_t i)
{
    const struct field *f = &p->f[i];

    if (unescape(p, s + f->colon + 1, f->b - f->colon - 1, 0) < 0)
        return NULL;
    return p->buf;
}

/* ---- turns ---------------------------------------------------------- */

static struct pl_turn *new_turn(struct pt *p, enum pl_role role,
                                size_t col)
{
    struct pl_turn *t = pl_dialogue_add_turn(&p->d);

    if (!t || pl_origin_set(&t->origin, p->r->path, p->line, (long)col + 1,
                            (long)p->d.n_turns - 1) != PL_OK)
        return NULL;
    t->role = role;
    return t;
}

/* The agent turn of field i (key "labels" or "eval_labels"): its first
 * label, the whole list in extra when there is more to it than that. */
static enum pl_status agent_turn(struct pt *p, const char *s, long i,
                                 const char *key)
{
    struct pl_turn *t = new_turn(p, PL_ROLE_AGENT, p->f[i].a);
    const char *first;
    json_t *list;

    if (!t || value_list(p, s, (size_t)i, &list) != PL_OK)
        return PL_ERR_NOMEM;
    first = json_string_value(json_array_get(list, 0));
    if (pl_turn_set_text(t, first, strlen(first)) != PL_OK) {
        json_decref(list);
        return PL_ERR_NOMEM;
    }
    if (json_array_size(list) == 1 && !strcmp(key, "labels")) {
        json_decref(list);
        return PL_OK;
    }
    return json_object_set_new(t->extra, key, list) == 0 ? PL_OK
                                                          : PL_ERR_NOMEM;
}

/* The id field i as the speaker of t. */
static enum pl_status take_speaker(struct pt *p, const char *s, size_t i,
                                   struct pl_turn *t)
{
    const char *v = value_str(p, s, i);
    char *speaker = v ? pl_strdup(v) : NULL;

    if (!speaker)
        return PL_ERR_NOMEM;
    free(t->speaker);
    t->speaker = speaker;
    return PL_OK;
}

/* 1 for "true", 0 for "false" (any case, spaces around ignored), -1
 * for anything else. */
static int truth(const char *v)
{
    size_t n;

    while (*v == ' ')
        v++;
    for (n = strlen(v); n && v[n - 1] == ' '; n--)
        ;
    if (n == 4 && !strncasecmp(v, "true", 4))
        return 1;
    if (n == 5 && !strncasecmp(v, "false", 5))
        return 0;
    return -1;
}

/* The fields other than text, labels, id and a true/false episode_done,
 * as extra members of turn t. */
static enum pl_status other_fields(struct pt *p, const char *s, size_t t,
                                   const long *skip, size_t n_skip)
{
    for (size_t i = 0; i < p->nf; i++) {
        const struct field *f = &p->f[i];
        const char *key = s + f->a, *v;
        size_t kn = f->colon - f->a, j;
        json_t *val = NULL;
        char *k;

        for (j = 0; j < n_skip && skip[j] != (long)i; j++)
            ;
        if (j < n_skip)
            continue;
        if (IN_SET(key, kn, list_keys)) {
            if (value_list(p, s, i, &val) != PL_OK)
                return PL_ERR_NOMEM;
        } else if (!(v = value_str(p, s, i)) || !(val = json_string(v))) {
            return PL_ERR_NOMEM;
        }
        if (!(k = pl_strndup(key, kn)) ||
            json_object_set_new(p->d.turns[t].extra, k, val) != 0) {
            free(k);
            return PL_ERR_NOMEM;
        }
        free(k);
    }
    return PL_OK;
}

/* The user turn of a line (text, or empty text when the line has other
 * fields, or only an id), then its agent turn. */
static enum pl_status line_turns(struct pt *p, const char *s, int *done)
{
    long ti = find_field(p, s, "text"), li = find_field(p, s, "labels");
    long ii = find_field(p, s, "id"), di = find_field(p, s, "episode_done");
    const char *lkey = li >= 0 ? "labels" : "eval_labels", *v;
    long skip[4] = { ti, -1, ii, -1 };
    size_t first = p->d.n_turns, mapped;
    struct pl_turn *t;

    if (li < 0)
        li = find_field(p, s, "eval_labels");
    skip[1] = li;
    if (di >= 0 && (v = value_str(p, s, (size_t)di)) && truth(v) >= 0) {
        *done = truth(v);
        skip[3] = di;
    }
    mapped = (ti >= 0) + (li >= 0) + (ii >= 0) + (skip[3] >= 0);
    if (ti >= 0 || p->nf > mapped || (li < 0 && ii >= 0)) {
        if (!(t = new_turn(p, PL_ROLE_USER, ti >= 0 ? p->f[ti].a : 0)))
            return PL_ERR_NOMEM;
        v = ti >= 0 ? value_str(p, s, (size_t)ti) : "";
        if (!v || pl_turn_set_text(t, v, strlen(v)) != PL_OK ||
            other_fields(p, s, first, skip, 4) != PL_OK)
            return PL_ERR_NOMEM;
    }
    if (li >= 0 && agent_turn(p, s, li, lkey) != PL_OK)
        return PL_ERR_NOMEM;
    if (ii < 0 || first == p->d.n_turns)
        return PL_OK;
    return take_speaker(p, s, (size_t)ii, &p->d.turns[first]);
}

/* ---- episodes ------------------------------------------------------- */

/*
 * Finds a tab-separated "episode_done:True" field (any case, spaces
 * after the value allowed) in a line fed in pieces, for lines that are
 * not parsed: damaged ones and those over the size limit.
 */
struct done_scan {
    int state;      /* bytes of "\tepisode_done:true" matched */
    int found;
};

#define DONE_PATTERN "\tepisode_done:true"
#define DONE_LEN ((int)sizeof DONE_PATTERN - 1)

static void done_feed(struct done_scan *ds, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (ds->state == DONE_LEN) {
            if (c == ' ')
                continue;
            ds->found |= c == '\t' || c == '\r' || c == '\n';
            ds->state = c == '\t';
            continue;
        }
        if (ds->state >= DONE_LEN - 4)
            c = (char)tolower((unsigned char)c);
        ds->state = c == DONE_PATTERN[ds->state] ? ds->state + 1 : s[i] == '\t';
    }
}

static int done_in(const char *s, size_t n)
{
    struct done_scan ds = { 1, 0 };

    done_feed(&ds, s, n);
    return ds.found || ds.state == DONE_LEN;
}

static enum pl_status start_episode(struct pt *p)
{
    struct pl_dialogue *d = &p->d;
    char id[300];

    if (p->have)
        return PL_OK;
    snprintf(id, sizeof id, "%s:%ld", p->fn.stem, p->episode);
    if (pl_dialogue_init(d, id) != PL_OK)
        return pt_nomem(p);
    p->have = 1;
    p->broken = 0;
    p->bytes = p->raw_len = 0;
    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(p->fn.corpus);
    d->split = pl_strdup(p->fn.split);
    if (!d->corpus || !d->split ||
        pl_origin_set(&d->origin, p->r->path, p->line, 1, p->episode) != PL_OK)
        return pt_nomem(p);
    return PL_OK;
}

/* Keep the raw bytes for a reject, and count them. */
static void keep_raw(struct pt *p, const char *s, size_t n)
{
    size_t take = PL_REJECT_RAW_MAX - p->raw_len;

    take = take < n ? take : n;
    memcpy(p->raw + p->raw_len, s, take);
    p->raw_len += take;
    p->bytes += n;
}

/* The episode is to be rejected for why (the first reason stays). */
static void spoil(struct pt *p, const struct pl_error *why)
{
    if (!p->broken)
        p->why = *why;
    p->broken = 1;
}

/* Emit, reject or (with no turns) drop the episode read so far; ended
 * says whether episode_done closed it. */
static enum pl_status end_episode(struct pt *p, int ended)
{
    enum pl_status st = PL_OK;

    if (!p->have)
        return PL_OK;
    if (p->broken) {
        st = pl_reader_reject(p->r, p->raw, p->raw_len, &p->why);
    } else if (p->d.n_turns) {
        if (!ended)
            pl_log(PL_LOG_WARN, "%s:%ld: the file ends before "
                   "episode_done:True closes the episode that starts on "
                   "line %ld; the episode is kept", p->r->path, p->line,
                   p->d.origin.line);
        st = pl_reader_emit(p->r, &p->d);
    }
    pl_dialogue_fini(&p->d);
    p->have = 0;
    p->episode++;
    return st;
}

/* ---- lines ---------------------------------------------------------- */

static size_t trim_eol(const char *s, size_t n)
{
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    return n;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* Parse a line s[0..n) (line end removed) that passed the byte checks
 * into turns; a damaged line spoils the episode. */
static enum pl_status parse_line(struct pt *p, const char *s, size_t n,
                                 int *done)
{
    struct pl_error why;

    if (split_fields(p, s, n) != 0)
        return pt_nomem(p);
    if (check_fields(p, s, &why) != PL_OK) {
        spoil(p, &why);
        *done = done_in(s, n);
        return PL_OK;
    }
    if (line_turns(p, s, done) != PL_OK)
        return pt_nomem(p);
    return PL_OK;
}

/* Is the line s[0..len) or its episode over the size limit, or does
 * the line hold a NUL byte? */
static int bad_bytes(struct pt *p, const char *s, size_t len,
                     struct pl_error *why)
{
    size_t zero = strnlen(s, len);

    if (len > p->r->max_record) {
        pl_error_set(why, PL_ERR_LIMIT, p->r->path, p->line, 1,
                     "expected a line of at most %zu bytes "
                     "(max_record_bytes), found %zu bytes",
                     p->r->max_record, len);
        return 1;
    }
    if (p->bytes > p->r->max_record) {
        pl_error_set(why, PL_ERR_LIMIT, p->r->path, p->line, 1,
                     "expected an episode of at most %zu bytes "
                     "(max_record_bytes), found more by this line",
                     p->r->max_record);
        return 1;
    }
    if (zero < len) {
        pl_error_set(why, PL_ERR_FORMAT, p->r->path, p->line,
                     (long)zero + 1, "expected text, found a NUL byte");
        return 1;
    }
    return 0;
}

/* One whole line s[0..n) (with its line end) of the current episode. */
static enum pl_status one_line(struct pt *p, const char *s, size_t n)
{
    struct pl_error why;
    char *fixed = NULL;
    size_t len = trim_eol(s, n), fixed_n;
    enum pl_status st = PL_OK;
    int done = 0;

    keep_raw(p, s, n);
    if (!p->broken && bad_bytes(p, s, len, &why))
        spoil(p, &why);
    if (!p->broken) {
        st = pl_reader_utf8(p->r, s, len, p->line, 1, &fixed, &fixed_n,
                            &why);
        if (st == PL_ERR_NOMEM)
            return pl_reader_fatal(p->r, &why);
        if (st != PL_OK)
            spoil(p, &why);
        st = PL_OK;
    }
    if (p->broken)
        done = done_in(s, len);
    else
        st = parse_line(p, fixed ? fixed : s, fixed ? fixed_n : len, &done);
    free(fixed);
    if (st == PL_OK && done)
        st = end_episode(p, 1);
    return st;
}

/* A line over the size limit, in pieces: it spoils the episode, and
 * ends it when one of its fields is episode_done:True. */
static enum pl_status long_line(struct pt *p, struct pl_lines *lr,
                                const char *s, size_t n, int partial)
{
    struct done_scan ds = { 1, 0 };
    struct pl_error why;
    size_t total = n;

    for (;;) {
        keep_raw(p, s, n);
        done_feed(&ds, s, n);
        if (!partial)
            break;
        if (pl_lines_next(lr, &s, &n, &partial) <= 0)
            break;
        total += n;
    }
    total -= n - trim_eol(s, n);
    if (lr->failed)
        return pl_lines_error(p->r, lr);
    pl_error_set(&why, PL_ERR_LIMIT, p->r->path, p->line, 1,
                 "expected a line of at most %zu bytes (max_record_bytes), "
                 "found %zu bytes", p->r->max_record, total);
    spoil(p, &why);
    return ds.found || ds.state == DONE_LEN ? end_episode(p, 1) : PL_OK;
}

static void pt_fini(struct pt *p)
{
    pl_dialogue_fini(&p->d);
    free(p->raw);
    free(p->f);
    free(p->buf);
}

enum pl_status pl_parlai_text_read(struct pl_reader *r, struct pl_lines *lr)
{
    struct pt p;
    enum pl_status st = PL_OK;
    const char *s;
    size_t n;
    int got, partial;

    memset(&p, 0, sizeof p);
    p.r = r;
    pl_file_names_get(r->path, &p.fn);
    if (!(p.raw = malloc(PL_REJECT_RAW_MAX)))
        return pt_nomem(&p);
    while (st == PL_OK && (got = pl_lines_next(lr, &s, &n, &partial)) > 0) {
        p.line = lr->lineno;
        if (!partial && is_blank(s, trim_eol(s, n)))
            continue;
        if ((st = start_episode(&p)) != PL_OK)
            break;
        if (partial)
            st = long_line(&p, lr, s, n, partial);
        else
            st = one_line(&p, s, n);
    }
    if (st == PL_OK && got < 0)
        st = pl_lines_error(r, lr);
    if (st == PL_OK)
        st = end_episode(&p, 0);
    pt_fini(&p);
    return st;
}

/* ---- sniffing ------------------------------------------------------- */

/* Does s[0..n) start with a key (letters, digits, '_') and a ':'? */
static size_t key_len(const char *s, size_t n)
{
    size_t k = 0;

    while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
        k++;
    return k && k < n && s[k] == ':' ? k : 0;
}

int pl_parlai_text_sniff(const char *s, size_t n)
{
    static const char *const main_keys[] = { "text", "labels",
                                              "eval_labels", "episode_done" };
    const char *end = memchr(s, '\n', n);
    size_t len = end ? (size_t)(end - s) : n, a = 0, k;
    int main_key = 0;

    if (!key_len(s, len) || !IN_SET(s, key_len(s, len), known_keys))
        return 0;
    while (a < len) {
        const char *tab = memchr(s + a, '\t', len - a);
        size_t b = tab ? (size_t)(tab - s) : len, e = b;

        if (e > a && s[e - 1] == '\r')
            e--;
        if (e > a && !(k = key_len(s + a, e - a)))
            return 0;
        if (e > a)
            main_key |= IN_SET(s + a, k, main_keys);
        a = b + 1;
    }
    return main_key;
}
