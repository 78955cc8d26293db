/*
 * The rejects file: one JSON line per record set aside, with where it was
 * (path, line, column), why, and its raw bytes. Raw bytes that are not
 * valid UTF-8 are kept exactly as "raw_hex" beside a repaired "raw".
 */
#ifndef PARLANCE_REJECTS_H
#define PARLANCE_REJECTS_H

#include "parlance/formats.h"

/* One rejects-file line (no newline) for r; corpus may be NULL. Caller
 * frees; NULL when out of memory. */
char *pl_reject_to_json(const struct pl_reject *r, const char *corpus);

#endif
