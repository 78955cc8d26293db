/*
 * HWU64 (NLU-Evaluation-Data) tables: ';'-separated, RFC 4180 quoting
 * (a quoted field may hold ';', "" and line breaks), a header naming the
 * columns answerid;scenario;intent;answer_annotation;answer_from_anno;
 * answer_from_user. answer_annotation marks entities inline:
 * "wake me at [time : seven am]". Records are read one at a time, so
 * memory stays bounded.
 *
 * Each row becomes a one-turn user dialogue "hwu64:<split>:<file
 * stem>:<row>" (rows count from 0 after the header; the split part is
 * left out when there is none), corpus "hwu64". The text is the
 * annotation with its markup removed, and each "[type : words]" becomes a
 * slot span (bytes) named type over its words; brackets that do not hold
 * "type : words" (a type of letters, digits, '_', '-' or '.') stay in the
 * text as they are. Intent "<scenario>_<intent>" (alarm_query), or the
 * intent column alone when it already starts with "<scenario>_".
 *
 * Metadata: turn "domain" = scenario, "answerid" (a number when it is
 * one; it repeats across intents, so it is not an id). Turn extra keeps
 * answer_annotation, answer_from_user (the worker's raw text, with its
 * mojibake and the markup that leaked into 66 rows) and every other
 * column not named above; answer_from_anno only when it differs from the
 * text made from the annotation.
 *
 * Split from the folders (trainset -> train, testset -> test, see
 * td_split_of). A quote never closed is reported where it opened and
 * reading resumes on the next line; a wrong field count rejects the row.
 */
#include "fmt_taskdata.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { S_START, S_UNQUOTED, S_QUOTED, S_CLOSED };

struct hwu {
    struct pl_reader *r;
    struct pl_lines *lr;
    char *rec;              /* raw bytes of the current record */
    size_t len, cap;
    long line;              /* its first physical line */
    long q_line, q_col;     /* where the quote still open began */
    size_t q_next;          /* offset in rec of the line after it */
    char *fbuf;             /* fields of the record, unescaped */
    size_t *foff, nf, fcap;
    char **names;           /* the header */
    size_t n_names;
    long c_ann, c_scen, c_intent, c_id, c_anno;
    long row;
    char stem[256];
    const char *split;
};

/* A span found in the annotation: type at ann[ta..tb), text [a, b). */
struct mark {
    size_t ta, tb;
    long a, b;
};

static enum pl_status hwu_nomem(struct hwu *c)
{
    return pl_error_set(c->r->err, PL_ERR_NOMEM, c->r->path, c->line, 0,
                        "out of memory");
}

static int rec_append(struct hwu *c, const char *s, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 1024;
        char *nr;

        while (cap < c->len + n + 1)
            cap *= 2;
        if (!(nr = realloc(c->rec, cap)))
            return -1;
        c->rec = nr;
        c->cap = cap;
    }
    memcpy(c->rec + c->len, s, n);
    c->len += n;
    c->rec[c->len] = '\0';
    return 0;
}

/* ---- finding where a record ends ------------------------------------ */

/* Reject the record whose quote never closed; read on from the line
 * after the quote's. */
static enum pl_status unterminated(struct hwu *c, const char *found,
                                   int *got)
{
    struct pl_error why;
    enum pl_status st;

    pl_error_set(&why, PL_ERR_PARSE, c->r->path, c->q_line, c->q_col,
                 "expected a closing '\"' for the field opened here, "
                 "found %s", found);
    st = pl_reader_reject(c->r, c->rec, c->q_next, &why);
    if (st == PL_OK && c->q_next < c->len &&
        pl_lines_unread(c->lr, c->rec + c->q_next, c->len - c->q_next,
                        c->q_line + 1) != 0)
        st = hwu_nomem(c);
    *got = 2;
    return st;
}

/* A line that would make the record longer than the limit. */
static enum pl_status too_long(struct hwu *c, const char *s, size_t n,
                               int state, int *got)
{
    char found[96];
    struct pl_error why;
    size_t total;

    if (state == S_QUOTED) {
        if (rec_append(c, s, n) != 0)
            return hwu_nomem(c);
        snprintf(found, sizeof found, "none within max_record_bytes (%zu)",
                 c->r->max_record);
        return unterminated(c, found, got);
    }
    total = n + pl_lines_skip(c->lr);
    pl_error_set(&why, PL_ERR_LIMIT, c->r->path, c->lr->lineno, 1,
                 "expected a record of at most %zu bytes "
                 "(max_record_bytes), found a line of %zu bytes",
                 c->r->max_record, total);
    *got = 2;
    return pl_reader_reject(c->r, s, n, &why);
}

/* Run the quoting rules over rec[from..len), the line just added.
 * Returns the offset of a byte that may not follow a closing quote, or
 * (size_t)-1. */
static size_t scan_line(struct hwu *c, size_t from, int *state)
{
    const char *s = c->rec;

    for (size_t i = from; i < c->len; i++) {
        char ch = s[i];

        if (*state == S_QUOTED) {
            *state = ch == '"' ? S_CLOSED : S_QUOTED;
        } else if (*state == S_CLOSED) {
            if (ch == '"')
                *state = S_QUOTED;
            else if (ch == ';')
                *state = S_START;
            else if (ch != '\n' && !(ch == '\r' && i + 1 < c->len &&
                                     s[i + 1] == '\n'))
                return i;
        } else if (*state == S_START && ch == '"') {
            *state = S_QUOTED;
            c->q_line = c->lr->lineno;
            c->q_col = (long)(i - from) + 1;
            c->q_next = c->len;
        } else {
            *state = ch == ';' ? S_START : S_UNQUOTED;
        }
    }
    return (size_t)-1;
}

static enum pl_status bad_after_quote(struct hwu *c, size_t at,
                                      size_t line_start, int *got)
{
    struct pl_error why;
    unsigned char ch = (unsigned char)c->rec[at];
    char found[32];

    if (ch >= 0x20 && ch < 0x7F)
        snprintf(found, sizeof found, "'%c'", ch);
    else
        snprintf(found, sizeof found, "byte 0x%02X", ch);
    pl_error_set(&why, PL_ERR_PARSE, c->r->path, c->lr->lineno,
                 (long)(at - line_start) + 1, "expected ';' or the end of "
                 "the line after a closing quote, found %s", found);
    *got = 2;
    return pl_reader_reject(c->r, c->rec, c->len, &why);
}

/*
 * The raw bytes of the next record into c->rec. *got: 1 a record, 0 the
 * end, 2 a malformed record was rejected. Returns a fatal status.
 */
static enum pl_status next_record(struct hwu *c, int *got)
{
    int state = S_START, partial, rc;
    const char *s;
    size_t n, from, bad;

    c->len = 0;
    for (;;) {
        rc = pl_lines_next(c->lr, &s, &n, &partial);
        if (rc < 0)
            return pl_lines_error(c->r, c->lr);
        if (rc == 0) {
            *got = 0;
            return c->len ? unterminated(c, "end of file", got) : PL_OK;
        }
        if (!c->len)
            c->line = c->lr->lineno;
        if (partial || c->len + n > c->r->max_record + 2)
            return too_long(c, s, n, state, got);
        from = c->len;
        if (rec_append(c, s, n) != 0)
            return hwu_nomem(c);
        if ((bad = scan_line(c, from, &state)) != (size_t)-1)
            return bad_after_quote(c, bad, from, got);
        if (state != S_QUOTED) {
            *got = 1;
            return PL_OK;
        }
    }
}

/* ---- fields ------------------------------------------------------- */

/* Room for the fields of an n-byte record: at most n + 1 fields and
 * n bytes of text with their NULs. */
static int fields_reserve(struct hwu *c, size_t n)
{
    char *nb;
    size_t *no;

    if (c->fbuf && n <= c->fcap)
        return 0;
    if ((nb = realloc(c->fbuf, 2 * n + 2)))
        c->fbuf = nb;
    if ((no = realloc(c->foff, (n + 1) * sizeof *no)))
        c->foff = no;
    if (!nb || !no)
        return -1;
    c->fcap = n;
    return 0;
}

/* Split s[0..n) (one valid record, its line end removed). */
static int split_fields(struct hwu *c, const char *s, size_t n)
{
    size_t w = 0;
    int state = S_START;

    if (fields_reserve(c, n) != 0)
        return -1;
    c->nf = 0;
    c->foff[c->nf++] = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];

        if (state == S_QUOTED) {
            if (ch != '"')
                c->fbuf[w++] = ch;
            else if (i + 1 < n && s[i + 1] == '"')
                c->fbuf[w++] = s[++i];
            else
                state = S_CLOSED;
        } else if (ch == ';') {
            c->fbuf[w++] = '\0';
            c->foff[c->nf++] = w;
            state = S_START;
        } else if (state == S_START && ch == '"') {
            state = S_QUOTED;
        } else if (state != S_CLOSED) {
            state = S_UNQUOTED;
            c->fbuf[w++] = ch;
        }
    }
    c->fbuf[w] = '\0';
    return 0;
}

static const char *field(const struct hwu *c, long i)
{
    return c->fbuf + c->foff[i];
}

/*
 * Check the record's bytes (NUL, UTF-8) and split it. *kind: 0 blank,
 * 1 rejected, 2 split. Returns a fatal status.
 */
static enum pl_status take_fields(struct hwu *c, int *kind)
{
    struct pl_error why;
    char *fixed = NULL;
    const char *s = c->rec;
    size_t n = c->len, fixed_n, zero;
    enum pl_status st;

    *kind = 0;
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    if (n == 0)
        return PL_OK;
    *kind = 1;
    if ((zero = strlen(s)) < n) {
        long line = c->line, col = 1;

        pl_pos_advance(s, zero, &line, &col);
        pl_error_set(&why, PL_ERR_FORMAT, c->r->path, line, col,
                     "expected text, found a NUL byte");
        return pl_reader_reject(c->r, c->rec, c->len, &why);
    }
    st = pl_reader_utf8(c->r, s, n, c->line, 1, &fixed, &fixed_n, &why);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(c->r, &why);
    if (st != PL_OK)
        return pl_reader_reject(c->r, c->rec, c->len, &why);
    if (split_fields(c, fixed ? fixed : s, fixed ? fixed_n : n) != 0)
        st = hwu_nomem(c);
    free(fixed);
    if (st == PL_OK)
        *kind = 2;
    return st;
}

/* ---- the annotation markup ------------------------------------------ */

static int type_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '-' ||
           ch == '.';
}

/*
 * Is ann[i] the '[' of "[type : words]"? Then *ta..*tb is the type,
 * *wa..*wb the words (both trimmed) and *end the offset after ']'.
 */
static int markup_at(const char *ann, size_t i, size_t *ta, size_t *tb,
                     size_t *wa, size_t *wb, size_t *end)
{
    size_t j = i + 1, colon = 0;

    for (; ann[j] && ann[j] != ']' && ann[j] != '['; j++)
        if (ann[j] == ':' && !colon)
            colon = j;
    if (ann[j] != ']' || !colon)
        return 0;
    for (*ta = i + 1; *ta < colon && ann[*ta] == ' '; ++*ta)
        ;
    for (*tb = colon; *tb > *ta && ann[*tb - 1] == ' '; --*tb)
        ;
    if (*ta == *tb)
        return 0;
    for (size_t k = *ta; k < *tb; k++)
        if (!type_char(ann[k]))
            return 0;
    for (*wa = colon + 1; *wa < j && ann[*wa] == ' '; ++*wa)
        ;
    for (*wb = j; *wb > *wa && ann[*wb - 1] == ' '; --*wb)
        ;
    *end = j + 1;
    return 1;
}

/* The text of ann without markup (into out, as long as ann) and its
 * marks (room for one per three bytes). Returns the mark count. */
static size_t strip_markup(const char *ann, char *out, size_t *out_n,
                           struct mark *m)
{
    size_t i = 0, w = 0, k = 0, ta, tb, wa, wb, end;

    while (ann[i]) {
        if (ann[i] == '[' && markup_at(ann, i, &ta, &tb, &wa, &wb, &end)) {
            m[k].ta = ta;
            m[k].tb = tb;
            m[k].a = (long)w;
            memcpy(out + w, ann + wa, wb - wa);
            w += wb - wa;
            m[k++].b = (long)w;
            i = end;
        } else {
            out[w++] = ann[i++];
        }
    }
    out[w] = '\0';
    *out_n = w;
    return k;
}

/* The turn's text and slot spans from the annotation. */
static int fill_text(struct pl_turn *t, const char *ann)
{
    size_t n = strlen(ann), len, k;
    char *out = malloc(n + 1);
    struct mark *m = malloc((n / 3 + 1) * sizeof *m);
    int bad = !out || !m;

    if (!bad) {
        k = strip_markup(ann, out, &len, m);
        bad = pl_turn_set_text(t, out, len) != PL_OK;
        for (size_t i = 0; !bad && i < k; i++) {
            char *type = pl_strndup(ann + m[i].ta, m[i].tb - m[i].ta);

            bad = !type || pl_turn_add_slot(t, type, m[i].a, m[i].b,
                                            NULL) != PL_OK;
            free(type);
        }
    }
    free(out);
    free(m);
    return bad ? -1 : 0;
}

/* ---- header and rows ------------------------------------------------ */

static long find_column(const struct hwu *c, const char *name)
{
    for (size_t i = 0; i < c->n_names; i++)
        if (!strcasecmp(c->names[i], name))
            return (long)i;
    return -1;
}

static enum pl_status missing_column(struct hwu *c, const char *want)
{
    char have[300] = "";
    size_t used = 0;

    for (size_t i = 0; i < c->n_names && used + 40 < sizeof have; i++) {
        char name[32];

        pl_utf8_fit(name, sizeof name, c->names[i], strlen(c->names[i]));
        used += (size_t)snprintf(have + used, sizeof have - used,
                                 "%s\"%s\"", i ? ", " : "", name);
    }
    return pl_error_set(c->r->err, PL_ERR_FORMAT, c->r->path, c->line, 1,
                        "expected a column named \"%s\" in the header, "
                        "found %s", want, have);
}

static enum pl_status pick_columns(struct hwu *c)
{
    c->c_ann = find_column(c, "answer_annotation");
    c->c_scen = find_column(c, "scenario");
    c->c_intent = find_column(c, "intent");
    c->c_id = find_column(c, "answerid");
    c->c_anno = find_column(c, "answer_from_anno");
    if (c->c_ann < 0)
        return missing_column(c, "answer_annotation");
    if (c->c_scen < 0)
        return missing_column(c, "scenario");
    if (c->c_intent < 0)
        return missing_column(c, "intent");
    return PL_OK;
}

/* Read the header; *have is 0 when the file has none usable. */
static enum pl_status read_header(struct hwu *c, int *have)
{
    enum pl_status st;
    int got, kind = 0;

    *have = 0;
    while (kind == 0) {
        if ((st = next_record(c, &got)) != PL_OK || got == 0)
            return st;
        if (got == 1 && (st = take_fields(c, &kind)) != PL_OK)
            return st;
        if (got == 2)
            kind = 1;
    }
    if (kind != 2)
        return pl_error_set(c->r->err, PL_ERR_FORMAT, c->r->path, c->line,
                            1, "expected a header row naming the columns, "
                            "found a record that cannot be read");
    if (!(c->names = calloc(c->nf, sizeof *c->names)))
        return hwu_nomem(c);
    for (c->n_names = 0; c->n_names < c->nf; c->n_names++)
        if (!(c->names[c->n_names] = pl_strdup(field(c, (long)c->n_names))))
            return hwu_nomem(c);
    *have = 1;
    return pick_columns(c);
}

/* "answerid" as a number when it is a plain one, else as text. */
static json_t *answer_id(const char *s)
{
    size_t i = 0;

    while (isdigit((unsigned char)s[i]))
        i++;
    if (i > 0 && i < 16 && !s[i] && (s[0] != '0' || i == 1))
        return json_integer(strtoll(s, NULL, 10));
    return json_string(s);
}

static char *intent_label(const char *scen, const char *intent)
{
    size_t n = strlen(scen);

    if (!strncmp(intent, scen, n) && intent[n] == '_')
        return pl_strdup(intent);
    return pl_str_join3(scen, "_", intent);
}

/* Meta and extra: every column but scenario and intent, which make the
 * label, and a redundant answer_from_anno. */
static int row_fields(struct hwu *c, struct pl_turn *t)
{
    for (long i = 0; i < (long)c->nf; i++) {
        const char *v = field(c, i);

        if (i == c->c_scen || i == c->c_intent ||
            (i == c->c_anno && !strcmp(v, t->text)))
            continue;
        if (i == c->c_id ? json_object_set_new(t->meta, "answerid",
                                               answer_id(v))
                         : json_object_set_new(t->extra, c->names[i],
                                               json_string(v)))
            return -1;
    }
    return json_object_set_new(t->meta, "domain",
                               json_string(field(c, c->c_scen)));
}

static enum pl_status fill_row(struct hwu *c, struct pl_dialogue *d)
{
    struct td_rec rec = { c->rec, c->len, c->line, 1, c->row };
    struct pl_turn *t;
    char id[700], *label;
    int bad;

    if (c->split[0])
        snprintf(id, sizeof id, "hwu64:%s:%s:%ld", c->split, c->stem,
                 c->row);
    else
        snprintf(id, sizeof id, "hwu64:%s:%ld", c->stem, c->row);
    if (td_dialogue_init(d, id, "hwu64", c->split, c->r->path, &rec) ||
        !(t = td_turn_add(d, PL_ROLE_USER, "", 0, c->r->path, c->line, 1)) ||
        fill_text(t, field(c, c->c_ann)) || row_fields(c, t))
        return PL_ERR_NOMEM;
    label = intent_label(field(c, c->c_scen), field(c, c->c_intent));
    bad = !label || pl_turn_add_intent(t, label) != PL_OK;
    free(label);
    return bad ? PL_ERR_NOMEM : PL_OK;
}

static enum pl_status emit_row(struct hwu *c)
{
    struct pl_dialogue d;
    struct pl_error why;

    memset(&d, 0, sizeof d);
    if (c->nf != c->n_names) {
        pl_error_set(&why, PL_ERR_FORMAT, c->r->path, c->line, 1,
                     "expected %zu fields as in the header, found %zu",
                     c->n_names, c->nf);
        return pl_reader_reject(c->r, c->rec, c->len, &why);
    }
    if (!field(c, c->c_scen)[0] || !field(c, c->c_intent)[0]) {
        pl_error_set(&why, PL_ERR_FORMAT, c->r->path, c->line, 1,
                     "expected a scenario and an intent, found an empty "
                     "field");
        return pl_reader_reject(c->r, c->rec, c->len, &why);
    }
    if (fill_row(c, &d) != PL_OK) {
        pl_dialogue_fini(&d);
        return hwu_nomem(c);
    }
    return pl_reader_emit(c->r, &d);
}

static void hwu_fini(struct hwu *c)
{
    for (size_t i = 0; i < c->n_names; i++)
        free(c->names[i]);
    free(c->names);
    free(c->rec);
    free(c->fbuf);
    free(c->foff);
}

enum pl_status pl_hwu64_read(struct pl_reader *r, struct pl_lines *lr)
{
    struct hwu c;
    enum pl_status st;
    int have, got, kind;

    memset(&c, 0, sizeof c);
    c.r = r;
    c.lr = lr;
    pl_name_stem(r->path, c.stem, sizeof c.stem);
    c.split = td_split_of(r->path);
    st = read_header(&c, &have);
    while (st == PL_OK && have) {
        if ((st = next_record(&c, &got)) != PL_OK || got == 0)
            break;
        if (got == 1) {
            if ((st = take_fields(&c, &kind)) != PL_OK || kind == 0)
                continue;
            if (kind == 2)
                st = emit_row(&c);
        }
        c.row++;
    }
    hwu_fini(&c);
    return st;
}
