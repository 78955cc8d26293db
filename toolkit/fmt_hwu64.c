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
#include "csv_impl.h"
#include "fmt_taskdata.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct hwu {
    struct pl_csv_records sp; /* the records and their fields */
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
    return pl_csv_records_nomem(&c->sp);
}

static const char *field(const struct hwu *c, long i)
{
    return pl_csv_records_field(&c->sp, (size_t)i);
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
    return pl_error_set(c->sp.r->err, PL_ERR_FORMAT, c->sp.r->path,
                        c->sp.line, 1, "expected a column named \"%s\" in "
                        "the header, found %s", want, have);
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
    int got, kind = PL_CSV_BLANK;

    *have = 0;
    while (kind == PL_CSV_BLANK) {
        if ((st = pl_csv_records_next(&c->sp, &got)) != PL_OK || got == 0)
            return st;
        if (got == 1 && (st = pl_csv_records_split(&c->sp, &kind)) != PL_OK)
            return st;
        if (got == 2)
            kind = PL_CSV_REJECTED;
    }
    if (kind != PL_CSV_OK)
        return pl_error_set(c->sp.r->err, PL_ERR_FORMAT, c->sp.r->path,
                            c->sp.line, 1, "expected a header row naming "
                            "the columns, found a record that cannot be "
                            "read");
    if (!(c->names = calloc(c->sp.nf, sizeof *c->names)))
        return hwu_nomem(c);
    for (c->n_names = 0; c->n_names < c->sp.nf; c->n_names++)
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
    for (long i = 0; i < (long)c->sp.nf; i++) {
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
    struct td_rec rec = { c->sp.rec, c->sp.len, c->sp.line, 1, c->row };
    const char *path = c->sp.r->path;
    struct pl_turn *t;
    char id[700], *label;
    int bad;

    if (c->split[0])
        snprintf(id, sizeof id, "hwu64:%s:%s:%ld", c->split, c->stem,
                 c->row);
    else
        snprintf(id, sizeof id, "hwu64:%s:%ld", c->stem, c->row);
    if (td_dialogue_init(d, id, "hwu64", c->split, path, &rec) ||
        !(t = td_turn_add(d, PL_ROLE_USER, "", 0, path, c->sp.line, 1)) ||
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
    if (c->sp.nf != c->n_names) {
        pl_error_set(&why, PL_ERR_FORMAT, c->sp.r->path, c->sp.line, 1,
                     "expected %zu fields as in the header, found %zu",
                     c->n_names, c->sp.nf);
        return pl_reader_reject(c->sp.r, c->sp.rec, c->sp.len, &why);
    }
    if (!field(c, c->c_scen)[0] || !field(c, c->c_intent)[0]) {
        pl_error_set(&why, PL_ERR_FORMAT, c->sp.r->path, c->sp.line, 1,
                     "expected a scenario and an intent, found an empty "
                     "field");
        return pl_reader_reject(c->sp.r, c->sp.rec, c->sp.len, &why);
    }
    if (fill_row(c, &d) != PL_OK) {
        pl_dialogue_fini(&d);
        return hwu_nomem(c);
    }
    return pl_reader_emit(c->sp.r, &d);
}

static void hwu_fini(struct hwu *c)
{
    for (size_t i = 0; i < c->n_names; i++)
        free(c->names[i]);
    free(c->names);
    pl_csv_records_fini(&c->sp);
}

enum pl_status pl_hwu64_read(struct pl_reader *r, struct pl_lines *lr)
{
    struct hwu c;
    enum pl_status st;
    int have, got, kind;

    memset(&c, 0, sizeof c);
    pl_csv_records_init(&c.sp, r, lr, ';');
    pl_name_stem(r->path, c.stem, sizeof c.stem);
    c.split = td_split_of(r->path);
    st = read_header(&c, &have);
    while (st == PL_OK && have) {
        if ((st = pl_csv_records_next(&c.sp, &got)) != PL_OK || got == 0)
            break;
        if (got == 1) {
            st = pl_csv_records_split(&c.sp, &kind);
            if (st != PL_OK || kind == PL_CSV_BLANK)
                continue;
            if (kind == PL_CSV_OK)
                st = emit_row(&c);
        }
        c.row++;
    }
    hwu_fini(&c);
    return st;
}
