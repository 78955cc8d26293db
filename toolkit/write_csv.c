/*
 * The CSV and TSV writer: a header, then a row per turn (see writers.h
 * for the columns). The metadata columns are the keys seen in the whole
 * input, so the dialogues are spooled to a temporary file as unified
 * JSON lines while the keys are collected, and the table is written when
 * the writer is closed: memory holds one dialogue and the key lists,
 * the temporary file about as much as the output.
 *
 * A metadata column holds plain text when every value of its key is a
 * non-empty string; otherwise its name ends in ":json" and each cell is
 * the value as JSON. An empty cell means the key is absent. Cells are
 * quoted as RFC 4180 says when they hold the delimiter, a quote or a
 * line break. The CSV reader (fmt_csv_turns.c) knows this layout by its
 * header and puts the turns back into their dialogues.
 */
#define _POSIX_C_SOURCE 200809L
#include "writers_impl.h"
#include "formats_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const fixed_columns[] = {
    "dialogue_id", "corpus", "split", "turn", "role", "speaker", "text",
    "intents", "acts", "timestamp"
};

struct csvw {
    char delim;
    FILE *spool;
    json_t *dkeys;      /* dialogue meta key -> true for a JSON column */
    json_t *tkeys;      /* turn meta key -> the same */
};

/* ---- cells ---------------------------------------------------------- */

static void put_cell(struct pl_writer *w, const char *s, int first)
{
    struct csvw *c = w->state;

    if (!first)
        fputc(c->delim, w->fp);
    if (!strchr(s, c->delim) && !strpbrk(s, "\"\r\n")) {
        fputs(s, w->fp);
        return;
    }
    fputc('"', w->fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', w->fp);
        fputc(*s, w->fp);
    }
    fputc('"', w->fp);
}

/* Intents or acts joined with '|', '|' and '\' escaped; empty ones are
 * counted as lost in *lost. Caller frees; NULL without memory. */
static char *join_list(char *const *v, size_t n, long *lost)
{
    size_t len = 1, k = 0;
    char *s;

    for (size_t i = 0; i < n; i++)
        len += 2 * strlen(v[i]) + 1;
    if (!(s = malloc(len)))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!v[i][0]) {
            ++*lost;
            continue;
        }
        if (k)
            s[k++] = '|';
        for (const char *p = v[i]; *p; p++) {
            if (*p == '|' || *p == '\\')
                s[k++] = '\\';
            s[k++] = *p;
        }
    }
    s[k] = '\0';
    return s;
}

/* The cell of metadata key k in obj: "" when absent, the string in a
 * plain column, JSON in a JSON column. Caller frees. */
static char *meta_cell(const json_t *obj, const char *k, int as_json)
{
    const json_t *v = json_object_get(obj, k);

    if (!v)
        return pl_strdup("");
    if (!as_json)
        return pl_strdup(json_string_value(v));
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
                             JSON_PRESERVE_ORDER);
}

static int put_meta_cells(struct pl_writer *w, const json_t *keys,
                          const json_t *obj)
{
    const char *k;
    json_t *flag;

    json_object_foreach((json_t *)keys, k, flag) {
        char *cell = meta_cell(obj, k, json_is_true(flag));

        if (!cell)
            return -1;
        put_cell(w, cell, 0);
        free(cell);
    }
    return 0;
}

/* ---- rows ----------------------------------------------------------- */

static int put_row(struct pl_writer *w, const struct pl_dialogue *d,
                   size_t i)
{
    struct csvw *c = w->state;
    const struct pl_turn *t = &d->turns[i];
    char turn[32];
    char *intents = join_list(t->intents, t->n_intents,
                              &w->st.lost[PL_LOSS_INTENT]);
    char *acts = join_list(t->acts, t->n_acts, &w->st.lost[PL_LOSS_ACT]);
    int rc = -1;

    snprintf(turn, sizeof turn, "%zu", i);
    if (intents && acts) {
        put_cell(w, d->id, 1);
        put_cell(w, d->corpus, 0);
        put_cell(w, d->split, 0);
        put_cell(w, turn, 0);
        put_cell(w, pl_role_name(t->role), 0);
        put_cell(w, t->speaker, 0);
        put_cell(w, t->text, 0);
        put_cell(w, intents, 0);
        put_cell(w, acts, 0);
        put_cell(w, t->timestamp ? t->timestamp : "", 0);
        rc = put_meta_cells(w, c->dkeys, d->meta) ||
             put_meta_cells(w, c->tkeys, t->meta) ? -1 : 0;
        fputc('\n', w->fp);
        w->st.records++;
    }
    free(intents);
    free(acts);
    return rc;
}

static int put_header(struct pl_writer *w)
{
    struct csvw *c = w->state;
    const json_t *sets[2] = { c->dkeys, c->tkeys };
    const char *prefix[2] = { "dialogue.", "meta." }, *k;
    json_t *flag;

    for (size_t i = 0; i < sizeof fixed_columns / sizeof *fixed_columns; i++)
        put_cell(w, fixed_columns[i], i == 0);
    for (int s = 0; s < 2; s++)
        json_object_foreach((json_t *)sets[s], k, flag) {
            char *name = pl_str_join3(prefix[s], k,
                                      json_is_true(flag) ? ":json" : "");

            if (!name)
                return -1;
            put_cell(w, name, 0);
            free(name);
        }
    fputc('\n', w->fp);
    return 0;
}

/* ---- collecting keys, spooling, writing the table ------------------- */

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);

    return n >= k && !strcmp(s + n - k, tail);
}

/* Add obj's keys to keys; a key gets a JSON column when any value is
 * not a non-empty string (or the key itself ends in ":json"). */
static int note_keys(json_t *keys, const json_t *obj)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)obj, k, v) {
        int as_json = !json_is_string(v) || !json_string_length(v) ||
                      ends_with(k, ":json");
        json_t *had = json_object_get(keys, k);

        if ((!had || (as_json && !json_is_true(had))) &&
            json_object_set_new(keys, k, json_boolean(as_json)) != 0)
            return -1;
    }
    return 0;
}

static enum pl_status csv_write(struct pl_writer *w,
                                const struct pl_dialogue *d,
                                struct pl_error *err)
{
    struct csvw *c = w->state;
    char *line;
    int bad;

    pl_wr_lose_dialogue(w, d, PL_CARRY(PL_LOSS_ID) | PL_CARRY(PL_LOSS_CORPUS)
                                  | PL_CARRY(PL_LOSS_SPLIT) |
                                  PL_CARRY(PL_LOSS_DIALOGUE_META));
    if (d->n_turns == 0) {
        w->st.lost[PL_LOSS_DIALOGUE]++;
        return PL_OK;
    }
    bad = note_keys(c->dkeys, d->meta);
    for (size_t i = 0; i < d->n_turns; i++) {
        pl_wr_lose_turn(w, &d->turns[i],
                        PL_CARRY(PL_LOSS_SPEAKER) |
                            PL_CARRY(PL_LOSS_TIMESTAMP) |
                            PL_CARRY(PL_LOSS_INTENT) | PL_CARRY(PL_LOSS_ACT) |
                            PL_CARRY(PL_LOSS_TURN_META));
        bad |= note_keys(c->tkeys, d->turns[i].meta);
    }
    if (bad)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (!(line = pl_dialogue_to_json(d)))
        return pl_wr_bad_text(d, err);
    bad = fputs(line, c->spool) == EOF || fputc('\n', c->spool) == EOF;
    free(line);
    if (bad)
        return pl_error_set(err, PL_ERR_IO, NULL, 0, 0, "cannot write the "
                            "temporary table file: %s", strerror(errno));
    return PL_OK;
}

/* One spooled line back into rows. */
static enum pl_status spooled_rows(struct pl_writer *w, const char *line,
                                   struct pl_error *err)
{
    json_t *j = json_loads(line, 0, NULL);
    struct pl_dialogue d;
    enum pl_status st = PL_ERR_NOMEM;

    if (j && pl_dialogue_from_json(&d, j, "", 0, err) == PL_OK) {
        st = PL_OK;
        for (size_t i = 0; st == PL_OK && i < d.n_turns; i++)
            if (put_row(w, &d, i) != 0)
                st = PL_ERR_NOMEM;
        pl_dialogue_fini(&d);
    }
    json_decref(j);
    if (st != PL_OK)
        return pl_error_set(err, st, NULL, 0, 0, "out of memory");
    return pl_wr_check(w, err);
}

static enum pl_status csv_finish(struct pl_writer *w, struct pl_error *err)
{
    struct csvw *c = w->state;
    enum pl_status st = PL_OK;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;

    if (put_header(w) != 0)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (fflush(c->spool) != 0 || fseek(c->spool, 0, SEEK_SET) != 0)
        return pl_error_set(err, PL_ERR_IO, NULL, 0, 0, "cannot read the "
                            "temporary table file: %s", strerror(errno));
    while (st == PL_OK && (got = getline(&line, &cap, c->spool)) > 0)
        st = spooled_rows(w, line, err);
    if (st == PL_OK && ferror(c->spool))
        st = pl_error_set(err, PL_ERR_IO, NULL, 0, 0, "cannot read the "
                          "temporary table file: %s", strerror(errno));
    free(line);
    return st;
}

static enum pl_status csv_open(struct pl_writer *w, struct pl_error *err)
{
    struct csvw *c = calloc(1, sizeof *c);

    w->state = c;
    if (!c || !(c->dkeys = json_object()) || !(c->tkeys = json_object()))
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    c->delim = w->format == PL_FMT_TSV ? '\t' : ',';
    if (!(c->spool = tmpfile()))
        return pl_error_set(err, PL_ERR_IO, NULL, 0, 0, "cannot create a "
                            "temporary table file: %s", strerror(errno));
    return PL_OK;
}

static void csv_fini(struct pl_writer *w)
{
    struct csvw *c = w->state;

    if (!c)
        return;
    if (c->spool)
        fclose(c->spool);
    json_decref(c->dkeys);
    json_decref(c->tkeys);
    free(c);
}

const struct pl_writer_ops pl_write_csv_ops = {
    csv_open, csv_write, csv_finish, csv_fini
};
