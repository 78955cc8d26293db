/*
 * CSV and TSV intent data with a header row (Banking77 "text,category").
 * Both follow RFC 4180 quoting: a field that starts with '"' runs to the
 * matching quote, "" inside it is one quote, and delimiters and line
 * breaks inside it are data. Records end with LF or CRLF (the CR of a
 * record end is dropped; line breaks inside quotes are kept as they are).
 * Records are read one at a time, so memory stays bounded.
 *
 * What the columns mean (text, label, speaker, dialogue id, timestamp,
 * metadata) is fmt_table.c's business: this file hands it each row's
 * fields (rows count from 0 after the header).
 *
 * A quote never closed is reported where it opened, and reading resumes
 * on the line after that one; a wrong field count rejects the row.
 */
#include "csv_impl.h"
#include "table_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct csv {
    struct pl_csv_records sp; /* the records and their fields */
    char **names;           /* the header */
    size_t n_names;
    struct pl_table *tab;   /* what the columns mean */
    const char **fp;        /* the current row's fields */
    long row;
    struct pl_file_names fn;
    struct pl_turn_table *turns; /* the writer's layout, when it is that */
};

/* ---- header and rows ------------------------------------------------ */

/* Did the caller name any column? Then the table is read by those names,
 * even when its header looks like the writer's turn table. */
static int column_options(const struct pl_read_opts *o)
{
    return o->text_column || o->label_column || o->speaker_column ||
           o->dialogue_column || o->timestamp_column;
}

/* Read the header; *have is 0 when the file has none usable. */
static enum pl_status read_header(struct csv *c, int *have)
{
    struct pl_csv_records *rs = &c->sp;
    enum pl_status st;
    int got, kind = PL_CSV_BLANK;

    *have = 0;
    while (kind == PL_CSV_BLANK) {
        if ((st = pl_csv_records_next(rs, &got)) != PL_OK || got != 1)
            return st;
        if ((st = pl_csv_records_split(rs, &kind)) != PL_OK)
            return st;
    }
    if (kind != PL_CSV_OK)
        return PL_OK;
    if (!(c->names = calloc(rs->nf, sizeof *c->names)))
        return pl_csv_records_nomem(rs);
    for (c->n_names = 0; c->n_names < rs->nf; c->n_names++)
        if (!(c->names[c->n_names] =
                  pl_strdup(pl_csv_records_field(rs, c->n_names))))
            return pl_csv_records_nomem(rs);
    if (!(c->fp = calloc(c->n_names ? c->n_names : 1, sizeof *c->fp)))
        return pl_csv_records_nomem(rs);
    *have = 1;
    if (!column_options(rs->r->o)) {
        c->turns = pl_turn_table_new(rs->r, c->names, c->n_names, &st);
        if (st != PL_OK)
            return pl_csv_records_nomem(rs);
        if (c->turns)
            return PL_OK;
    }
    return pl_table_new(rs->r, c->names, c->n_names, rs->line, &c->tab);
}

static enum pl_status emit_row(struct csv *c)
{
    const struct pl_csv_records *rs = &c->sp;
    struct pl_error why;

    if (rs->nf != c->n_names) {
        pl_error_set(&why, PL_ERR_FORMAT, rs->r->path, rs->line, 1,
                     "expected %zu fields as in the header, found %zu",
                     c->n_names, rs->nf);
        return pl_reader_reject(rs->r, rs->rec, rs->len, &why);
    }
    if (c->turns)
        return pl_turn_table_row(c->turns, rs->fbuf, rs->foff, rs->rec,
                                 rs->len, rs->line);
    for (size_t i = 0; i < rs->nf; i++)
        c->fp[i] = pl_csv_records_field(rs, i);
    return pl_table_row(c->tab, c->fp, rs->line, c->row, rs->rec, rs->len);
}

static void csv_fini(struct csv *c)
{
    for (size_t i = 0; i < c->n_names; i++)
        free(c->names[i]);
    free(c->names);
    free(c->fp);
    pl_table_free(c->tab);
    pl_csv_records_fini(&c->sp);
    pl_turn_table_free(c->turns);
}

enum pl_status pl_csv_read(struct pl_reader *r, struct pl_lines *lr,
                           char delim)
{
    struct csv c;
    enum pl_status st;
    int have, got, kind;

    memset(&c, 0, sizeof c);
    pl_csv_records_init(&c.sp, r, lr, delim);
    pl_file_names_get(r->path, &c.fn);
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
    if (st == PL_OK && c.turns)
        st = pl_turn_table_end(c.turns);
    if (st == PL_OK && c.tab)
        st = pl_table_end(c.tab);
    csv_fini(&c);
    return st;
}
