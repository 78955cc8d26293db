/*
 * Reading conversation logs in their many formats into unified records.
 * Formats are detected from content (file names are only hints); a folder
 * is read file by file in sorted order. Bad records go to a reject
 * callback with their location and reason, and reading goes on, unless
 * the caller asked for strict mode.
 */
#ifndef PARLANCE_FORMATS_H
#define PARLANCE_FORMATS_H

#include "parlance/record.h"

enum pl_format {
    PL_FMT_AUTO = 0,
    PL_FMT_UNIFIED,     /* parlance JSONL, one dialogue per line */
    PL_FMT_SGD,         /* Schema-Guided Dialogue shard (JSON array) */
    PL_FMT_CLINC,       /* CLINC150 data_*.json */
    PL_FMT_CSV,         /* comma-separated intent data with a header */
    PL_FMT_TSV,         /* tab-separated intent data with a header */
    PL_FMT_OPENAI,      /* OpenAI chat JSONL {"messages": [...]} */
    PL_FMT_COUNT
};

/* "unified", "sgd", "clinc150", "csv", "tsv", "openai". */
const char *pl_format_name(enum pl_format f);
/* Parse a name as above; PL_FMT_AUTO for "auto"; -1 when unknown. */
int pl_format_parse(const char *s);

enum pl_utf8_policy {
    PL_UTF8_REPAIR = 0, /* replace invalid bytes with U+FFFD, count, warn */
    PL_UTF8_REJECT      /* the record goes to the rejects */
};

/* A record set aside: its raw bytes (may be truncated to 64 KiB) and why.
 * Borrowed for the duration of the callback. */
struct pl_reject {
    const char *raw;
    size_t raw_len;
    const struct pl_error *why;
};

/* Receives each dialogue and takes ownership of its contents (call
 * pl_dialogue_fini or pl_corpus_take). A non-PL_OK return stops reading
 * and is returned by pl_read. */
typedef enum pl_status (*pl_dialogue_fn)(struct pl_dialogue *d, void *ctx);
typedef void (*pl_reject_fn)(const struct pl_reject *r, void *ctx);

struct pl_read_opts {
    enum pl_format format;      /* PL_FMT_AUTO: detect per file */
    enum pl_utf8_policy utf8;
    int strict;                 /* first bad record is fatal */
    size_t max_record_bytes;    /* 0: 16 MiB */
    const char *corpus_name;    /* NULL: from the path */
    const char *split;          /* NULL: from the corpus (file/folder) */
    const char *text_column;    /* CSV/TSV; NULL: "text" or first column */
    const char *label_column;   /* CSV/TSV; NULL: "label"/"intent"/
                                   "category" or second column */
    pl_dialogue_fn on_dialogue;
    void *ctx;
    pl_reject_fn on_reject;     /* may be NULL */
    void *reject_ctx;
};

void pl_read_opts_default(struct pl_read_opts *o);

struct pl_read_stats {
    long files;
    long read;                  /* records read = kept + rejected */
    long kept;
    long rejected;
    long utf8_repaired;         /* records whose text was repaired */
    enum pl_format format;      /* last format detected */
    char formats[256];          /* every format seen, comma-separated */
};

/*
 * Detect the format of a file from its first bytes (a folder: of its first
 * readable file). PL_FMT_AUTO when nothing matches, with err explaining
 * what was seen.
 */
enum pl_format pl_format_sniff(const char *path, struct pl_error *err);

/*
 * Read a file or folder, calling o->on_dialogue for each dialogue.
 * Returns the first fatal error (I/O, unknown format, strict-mode reject,
 * or a callback's status). st may be NULL.
 */
enum pl_status pl_read(const char *path, const struct pl_read_opts *o,
                       struct pl_read_stats *st, struct pl_error *err);

/* Read everything into a new corpus (o->on_dialogue is ignored). */
enum pl_status pl_corpus_read(const char *path,
                              const struct pl_read_opts *o,
                              struct pl_corpus **out,
                              struct pl_read_stats *st,
                              struct pl_error *err);

#endif
