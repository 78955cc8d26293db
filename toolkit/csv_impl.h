/*
 * Internal to the delimited-table readers (fmt_csv.c for CSV/TSV,
 * fmt_hwu64.c for HWU64's ';' tables): finding where an RFC 4180 record
 * ends and splitting it into fields (csv_records.c).
 *
 * A field that starts with '"' runs to the matching quote, "" inside it
 * is one quote, and delimiters and line breaks inside it are data.
 * Records end with LF or CRLF. Records are read one at a time, so memory
 * stays bounded. A quote never closed is reported where it opened, and
 * reading resumes on the line after that one.
 */
#ifndef PARLANCE_CSV_IMPL_H
#define PARLANCE_CSV_IMPL_H

#include "formats_impl.h"

/* What pl_csv_records_split found in a record. */
enum { PL_CSV_BLANK, PL_CSV_REJECTED, PL_CSV_OK };

struct pl_csv_records {
    struct pl_reader *r;
    struct pl_lines *lr;
    char delim;
    char *rec;              /* raw bytes of the current record */
    size_t len, cap;
    long line;              /* its first physical line */
    long q_line, q_col;     /* where the quote still open began */
    size_t q_next;          /* offset in rec of the line after that */
    char *fbuf;             /* fields of the record, unescaped */
    size_t *foff, nf, fcap; /* field i starts at fbuf + foff[i] */
};

/* Start reading records separated by delim from lr; rs is the caller's,
 * emptied with pl_csv_records_fini. */
void pl_csv_records_init(struct pl_csv_records *rs, struct pl_reader *r,
                         struct pl_lines *lr, char delim);
void pl_csv_records_fini(struct pl_csv_records *rs);

/*
 * Read the raw bytes of the next record into rs->rec. *got: 1 a record,
 * 0 the end, 2 a malformed record was rejected. Returns a fatal status.
 */
enum pl_status pl_csv_records_next(struct pl_csv_records *rs, int *got);

/*
 * Check the record's bytes (NUL, UTF-8) and split it into rs->fbuf.
 * *kind is PL_CSV_BLANK, PL_CSV_REJECTED or PL_CSV_OK. Returns a fatal
 * status.
 */
enum pl_status pl_csv_records_split(struct pl_csv_records *rs, int *kind);

/* Field i of the record just split (i < rs->nf). */
const char *pl_csv_records_field(const struct pl_csv_records *rs,
                                 size_t i);

/* Fill r->err with "out of memory" at the record's line; returns
 * PL_ERR_NOMEM. */
enum pl_status pl_csv_records_nomem(struct pl_csv_records *rs);

#endif
