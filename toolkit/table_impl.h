/*
 * Internal to the CSV/TSV reader: mapping a table's columns to the record
 * model (fmt_table.c), apart from splitting the bytes into fields
 * (fmt_csv.c).
 */
#ifndef PARLANCE_TABLE_IMPL_H
#define PARLANCE_TABLE_IMPL_H

#include "formats_impl.h"

struct pl_table;

/*
 * Choose the columns for the header names[0..n) (read at line), from
 * r->o's column options or the usual header names. A column named in the
 * options but absent is PL_ERR_USAGE, naming the columns there are. *out
 * is the caller's (pl_table_free); r->err is filled on failure.
 */
enum pl_status pl_table_new(struct pl_reader *r, char *const *names,
                            size_t n, long line, struct pl_table **out);

/*
 * One data row: fields[0..n) as many as the header, the record's first
 * physical line, its row number (from 0 after the header) and raw bytes
 * (for a reject). Emits a dialogue when one is complete. Returns PL_OK or
 * a fatal status.
 */
enum pl_status pl_table_row(struct pl_table *t, const char *const *fields,
                            long line, long row, const char *raw,
                            size_t raw_n);

/* The end of the file: emit the dialogue being gathered, if any, and
 * sum up the warnings that were cut short. */
enum pl_status pl_table_end(struct pl_table *t);

void pl_table_free(struct pl_table *t);

#endif
