/*
 * The table layout parlance's CSV/TSV writer makes (write_csv.c), read
 * back by the CSV reader when the header has the columns dialogue_id,
 * turn, role and text: a row per turn, consecutive rows with the same
 * dialogue_id forming one dialogue.
 *
 * Columns (any order, names in any case): dialogue_id (empty:
 * "<file stem>:<n>", n counting dialogues from 0); corpus and split
 * (empty: from the file name, as for other tables); turn, the turn's
 * position in its dialogue counting from 0; role (a role name or alias);
 * speaker; text; intents and acts, '|'-separated with "\|" and "\\"
 * for a '|' or '\' inside one; timestamp (empty: none);
 * "dialogue.K" for dialogue metadata key K and "meta.K" for turn
 * metadata, plain strings, or JSON values when the name ends in ":json";
 * an empty cell leaves the key out. Any other column becomes turn
 * metadata named by its header, a string, as in other tables.
 *
 * A row numbered 0 always starts a dialogue, so two dialogues with the
 * same id next to each other stay apart.
 *
 * A dialogue is one record. Its dialogue-level cells (corpus, split,
 * dialogue.*) must be the same on each of its rows, and its turn numbers
 * must count 0, 1, 2, ...; otherwise, or when a JSON cell does not
 * parse or the dialogue outgrows max_record_bytes, the whole dialogue is
 * rejected at the row where it went wrong. That also catches rows lost
 * to a reject of their own and dialogues split over the table.
 */
#include "formats_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum col_kind {
    C_ID, C_CORPUS, C_SPLIT, C_TURN, C_ROLE, C_SPEAKER, C_TEXT, C_INTENTS,
    C_ACTS, C_TIMESTAMP, C_DMETA, C_TMETA, C_OTHER
};

static const char *const fixed_names[] = {
    "dialogue_id", "corpus", "split", "turn", "role", "speaker", "text",
    "intents", "acts", "timestamp"
};

#define N_FIXED (sizeof fixed_names / sizeof *fixed_names)

struct column {
    enum col_kind kind;
    int json;           /* cells are JSON values */
    char *key;          /* the metadata key */
};

struct pl_turn_table {
    struct pl_reader *r;
    struct pl_file_names fn;
    struct column *cols;
    size_t n_cols;
    struct pl_dialogue d;   /* the dialogue being read */
    int have, broken;
    struct pl_error why;
    char **first;           /* its first row's dialogue-level cells */
    long index;             /* dialogues so far in the file */
    long line;
    char *raw;              /* its rows, the first PL_REJECT_RAW_MAX */
    size_t raw_len, bytes;
};

/* ---- the header ------------------------------------------------------ */

static int has_prefix(const char *s, const char *p)
{
    return !strncasecmp(s, p, strlen(p));
}

/* Kind and key of a column named name. */
static int classify(struct column *c, const char *name)
{
    size_t n = strlen(name), skip = 0;

    c->kind = C_OTHER;
    for (size_t i = 0; i < N_FIXED; i++)
        if (!strcasecmp(name, fixed_names[i]))
            c->kind = (enum col_kind)i;
    if (c->kind == C_OTHER && has_prefix(name, "dialogue."))
        c->kind = C_DMETA, skip = 9;
    else if (c->kind == C_OTHER && has_prefix(name, "meta."))
        c->kind = C_TMETA, skip = 5;
    if (skip && n - skip >= 5 && !strcmp(name + n - 5, ":json")) {
        c->json = 1;
        n -= 5;
    }
    c->key = pl_strndup(name + skip, n - skip);
    return c->key ? 0 : -1;
}

static int is_layout(const struct column *cols, size_t n)
{
    int seen[N_FIXED] = { 0 };

    for (size_t i = 0; i < n; i++)
        if (cols[i].kind < (int)N_FIXED)
            seen[cols[i].kind]++;
    return seen[C_ID] == 1 && seen[C_TURN] == 1 && seen[C_ROLE] == 1 &&
           seen[C_TEXT] == 1;
}

struct pl_turn_table *pl_turn_table_new(struct pl_reader *r,
                                        char *const *names, size_t n,
                                        enum pl_status *st)
{
    struct pl_turn_table *t = calloc(1, sizeof *t);

    *st = PL_ERR_NOMEM;
    if (!t || !(t->cols = calloc(n ? n : 1, sizeof *t->cols)) ||
        !(t->first = calloc(n ? n : 1, sizeof *t->first)))
        goto fail;
    for (t->n_cols = 0; t->n_cols < n; t->n_cols++)
        if (classify(&t->cols[t->n_cols], names[t->n_cols]) != 0)
            goto fail;
    *st = PL_OK;
    if (!is_layout(t->cols, n))
        goto fail;
    t->r = r;
    pl_file_names_get(r->path, &t->fn);
    if (!(t->raw = malloc(PL_REJECT_RAW_MAX))) {
        *st = PL_ERR_NOMEM;
        goto fail;
    }
    return t;
fail:
    pl_turn_table_free(t);
    return NULL;
}

void pl_turn_table_free(struct pl_turn_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_cols; i++) {
        free(t->cols[i].key);
        free(t->first ? t->first[i] : NULL);
    }
    free(t->cols);
    free(t->first);
    free(t->raw);
    pl_dialogue_fini(&t->d);
    free(t);
}

/* ---- cells ----------------------------------------------------------- */

/* The cells of a row: field i is fbuf + foff[i]. */
struct row {
    const char *fbuf;
    const size_t *foff;
};

static const char *cell(const struct row *w, size_t i)
{
    return w->fbuf + w->foff[i];
}

static int is_dialogue_level(enum col_kind k)
{
    return k == C_CORPUS || k == C_SPLIT || k == C_DMETA;
}

/* Split an intents or acts cell at bare '|' into t's list. */
static enum pl_status split_list(struct pl_turn *t, const char *s, int acts)
{
    size_t n = strlen(s), k = 0;
    char *item = malloc(n + 1);
    enum pl_status st = item ? PL_OK : PL_ERR_NOMEM;

    for (size_t i = 0; st == PL_OK && n && i <= n; i++) {
        if (i == n || s[i] == '|') {
            item[k] = '\0';
            st = acts ? pl_turn_add_act(t, item) : pl_turn_add_intent(t, item);
            k = 0;
        } else if (s[i] == '\\' && (s[i + 1] == '|' || s[i + 1] == '\\')) {
            item[k++] = s[++i];
        } else {
            item[k++] = s[i];
        }
    }
    free(item);
    return st;
}

/* Set obj[key] from a cell: absent when empty, a string, or JSON. *bad
 * says the JSON did not parse (why filled). */
static enum pl_status set_meta(struct pl_turn_table *t, json_t *obj,
                               const struct column *c, const char *s,
                               struct pl_error *why, int *bad)
{
    json_error_t je;
    json_t *v;

    if (!s[0] && c->kind != C_OTHER)
        return PL_OK;
    if (!c->json)
        v = json_string(s);
    else if (!(v = json_loads(s, JSON_DECODE_ANY, &je))) {
        *bad = 1;
        pl_error_set(why, PL_ERR_PARSE, t->r->path, t->line, 1,
                     "column \"%s%s:json\": expected a JSON value, found "
                     "\"%.40s\" (%s)", c->kind == C_DMETA ? "dialogue."
                     : "meta.", c->key, s, je.text);
        return PL_OK;
    }
    if (!v || json_object_set_new(obj, c->key, v) != 0)
        return PL_ERR_NOMEM;
    return PL_OK;
}

/* ---- dialogues ------------------------------------------------------- */

static void spoil(struct pl_turn_table *t, const struct pl_error *why)
{
    if (!t->broken)
        t->why = *why;
    t->broken = 1;
}

static void keep_raw(struct pl_turn_table *t, const char *s, size_t n)
{
    size_t take = PL_REJECT_RAW_MAX - t->raw_len;
    struct pl_error why;

    take = take < n ? take : n;
    memcpy(t->raw + t->raw_len, s, take);
    t->raw_len += take;
    t->bytes += n;
    if (t->bytes > t->r->max_record) {
        pl_error_set(&why, PL_ERR_LIMIT, t->r->path, t->line, 1,
                     "expected a dialogue of at most %zu bytes "
                     "(max_record_bytes), found more by this row",
                     t->r->max_record);
        spoil(t, &why);
    }
}

/* Emit or reject the dialogue being read. */
static enum pl_status end_dialogue(struct pl_turn_table *t)
{
    enum pl_status st;

    if (!t->have)
        return PL_OK;
    if (t->broken)
        st = pl_reader_reject(t->r, t->raw, t->raw_len, &t->why);
    else
        st = pl_reader_emit(t->r, &t->d);
    pl_dialogue_fini(&t->d);
    for (size_t i = 0; i < t->n_cols; i++) {
        free(t->first[i]);
        t->first[i] = NULL;
    }
    t->have = t->broken = 0;
    t->raw_len = t->bytes = 0;
    t->index++;
    return st;
}

/* Open a dialogue with the row's id, corpus, split and metadata. */
static enum pl_status start_dialogue(struct pl_turn_table *t,
                                     const struct row *w, const char *id)
{
    struct pl_dialogue *d = &t->d;
    struct pl_error why;
    const char *corpus = t->fn.corpus, *split = t->fn.split;
    int bad = 0;

    if (pl_dialogue_init(d, id) != PL_OK)
        return PL_ERR_NOMEM;
    t->have = 1;
    for (size_t i = 0; i < t->n_cols; i++) {
        const char *s = cell(w, i);

        if (t->cols[i].kind == C_CORPUS && s[0])
            corpus = s;
        if (t->cols[i].kind == C_SPLIT && s[0])
            split = s;
        if (is_dialogue_level(t->cols[i].kind) &&
            !(t->first[i] = pl_strdup(s)))
            return PL_ERR_NOMEM;
        if (t->cols[i].kind == C_DMETA &&
            set_meta(t, d->meta, &t->cols[i], s, &why, &bad) != PL_OK)
            return PL_ERR_NOMEM;
    }
    if (bad)
        spoil(t, &why);
    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(corpus);
    d->split = pl_strdup(split);
    if (!d->corpus || !d->split ||
        pl_origin_set(&d->origin, t->r->path, t->line, 1, t->index) != PL_OK)
        return PL_ERR_NOMEM;
    return PL_OK;
}

/* Are the row's dialogue-level cells those of the dialogue's first
 * row? why says which is not. */
static int same_dialogue_cells(struct pl_turn_table *t, const struct row *w,
                               struct pl_error *why)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (is_dialogue_level(t->cols[i].kind) &&
            strcmp(t->first[i], cell(w, i))) {
            pl_error_set(why, PL_ERR_FORMAT, t->r->path, t->line, 1,
                         "expected the same %s on every row of dialogue "
                         "\"%.80s\" (\"%.40s\"), found \"%.40s\"",
                         t->cols[i].kind == C_CORPUS ? "corpus"
                         : t->cols[i].kind == C_SPLIT ? "split"
                         : "dialogue metadata", t->d.id, t->first[i],
                         cell(w, i));
            return 0;
        }
    return 1;
}

/* Is the turn cell the next position, d->n_turns? */
static int next_turn(struct pl_turn_table *t, const char *s,
                     struct pl_error *why)
{
    char want[32];

    snprintf(want, sizeof want, "%zu", t->d.n_turns);
    if (!strcmp(s, want))
        return 1;
    pl_error_set(why, PL_ERR_FORMAT, t->r->path, t->line, 1,
                 "expected turn %s of dialogue \"%.80s\", found \"%.40s\"",
                 want, t->d.id, s);
    return 0;
}

/* Fill turn u from cell i of the row. */
static enum pl_status turn_cell(struct pl_turn_table *t, struct pl_turn *u,
                                size_t i, const char *s,
                                struct pl_error *why, int *bad)
{
    char **dst = NULL;

    switch (t->cols[i].kind) {
    case C_ROLE: u->role = pl_role_parse(s); return PL_OK;
    case C_SPEAKER: dst = &u->speaker; break;
    case C_TEXT: dst = &u->text; break;
    case C_TIMESTAMP: dst = s[0] ? &u->timestamp : NULL; break;
    case C_INTENTS: return split_list(u, s, 0);
    case C_ACTS: return split_list(u, s, 1);
    case C_TMETA:
    case C_OTHER: return set_meta(t, u->meta, &t->cols[i], s, why, bad);
    default: return PL_OK;
    }
    if (dst) {
        char *c = pl_strdup(s);

        if (!c)
            return PL_ERR_NOMEM;
        free(*dst);
        *dst = c;
    }
    return PL_OK;
}

static enum pl_status add_turn(struct pl_turn_table *t, const struct row *w)
{
    struct pl_turn *u = pl_dialogue_add_turn(&t->d);
    struct pl_error why;
    enum pl_status st = PL_OK;
    int bad = 0;

    if (!u || pl_origin_set(&u->origin, t->r->path, t->line, 1,
                            (long)t->d.n_turns - 1) != PL_OK)
        return PL_ERR_NOMEM;
    for (size_t i = 0; st == PL_OK && i < t->n_cols; i++)
        st = turn_cell(t, u, i, cell(w, i), &why, &bad);
    if (st == PL_OK && bad)
        spoil(t, &why);
    return st;
}

/* One row of the table, to its dialogue. */
static enum pl_status take_row(struct pl_turn_table *t, const struct row *w)
{
    struct pl_error why;
    const char *id = NULL, *turn = "";
    char made[300];

    for (size_t i = 0; i < t->n_cols; i++) {
        if (t->cols[i].kind == C_ID)
            id = cell(w, i);
        else if (t->cols[i].kind == C_TURN)
            turn = cell(w, i);
    }
    if (!id[0]) {
        snprintf(made, sizeof made, "%s:%ld", t->fn.stem, t->index);
        id = made;
    }
    if (t->have && (strcmp(id, t->d.id) || !strcmp(turn, "0"))) {
        enum pl_status st = end_dialogue(t);

        if (st != PL_OK)
            return st;
    }
    if (!t->have && start_dialogue(t, w, id) != PL_OK)
        return PL_ERR_NOMEM;
    if (t->broken)
        return PL_OK;
    if (!same_dialogue_cells(t, w, &why) || !next_turn(t, turn, &why)) {
        spoil(t, &why);
        return PL_OK;
    }
    return add_turn(t, w);
}

enum pl_status pl_turn_table_row(struct pl_turn_table *t, const char *fbuf,
                                 const size_t *foff, const char *raw,
                                 size_t raw_n, long line)
{
    struct row w = { fbuf, foff };
    enum pl_status st;

    t->line = line;
    st = take_row(t, &w);
    if (st == PL_ERR_NOMEM)
        return pl_error_set(t->r->err, st, t->r->path, line, 0,
                            "out of memory");
    if (st == PL_OK)
        keep_raw(t, raw, raw_n);
    return st;
}

enum pl_status pl_turn_table_end(struct pl_turn_table *t)
{
    return end_dialogue(t);
}
