/*
 * Internal to the Rasa NLU readers (fmt_rasa.c for the shared part and
 * legacy Markdown, fmt_rasa_yaml.c for YAML): turning one training
 * example, entity markup included, into a one-turn dialogue, and the
 * tally of what a file held that is not an example.
 */
#ifndef PARLANCE_RASA_IMPL_H
#define PARLANCE_RASA_IMPL_H

#include "formats_impl.h"

/* Kinds of nlu items that are not examples: counted and left out. */
enum { PL_RASA_SYNONYM, PL_RASA_REGEX, PL_RASA_LOOKUP, PL_RASA_KINDS };

struct pl_rasa {
    struct pl_reader *r;
    struct pl_file_names fn;
    long index;                     /* examples met so far (ids) */
    long items[PL_RASA_KINDS];      /* synonym, regex, lookup items */
    long entries[PL_RASA_KINDS];    /* and their entries */
    char sections[200];             /* other sections left out */
};

/* One example as written. The json members are borrowed (copied into
 * the dialogue) and may be NULL. */
struct pl_rasa_ex {
    const char *text;       /* after the "- ", markup included */
    size_t len;
    const char *intent;
    json_t *dmeta;          /* intent-level metadata -> dialogue meta */
    json_t *dextra;         /* other keys of the item -> dialogue extra */
    json_t *tmeta;          /* the example's own metadata -> turn meta */
    json_t *textra;         /* other keys of the example -> turn extra */
    long line, col;         /* where text starts */
    int exact;              /* text sits on that line as written, so a
                               markup problem can be located in it */
    const char *raw;        /* the record's bytes, for a reject */
    size_t raw_n;
};

void pl_rasa_init(struct pl_rasa *x, struct pl_reader *r);

/* Build the example's dialogue and emit it, or reject the record when
 * its markup is malformed or it has no text. PL_OK or a fatal status. */
enum pl_status pl_rasa_example(struct pl_rasa *x, const struct pl_rasa_ex *ex);

/* Reject a record that is not a usable example: why is located at
 * line/col of x->r->path. */
enum pl_status pl_rasa_reject(struct pl_rasa *x, const char *raw,
                              size_t raw_n, long line, long col,
                              enum pl_status st, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Note a section left out (a YAML key such as "responses"). */
void pl_rasa_section(struct pl_rasa *x, const char *name, size_t n);

/* One warning per file naming what was left out, if anything was. */
void pl_rasa_note(const struct pl_rasa *x);

/* "intent", "synonym", "regex", "lookup" -> -1 (intent) or the kind;
 * -2 when s[0..n) is none of them. */
int pl_rasa_kind(const char *s, size_t n);

#endif
