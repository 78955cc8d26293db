/*
 * Internal to the format readers (formats.c and fmt_*.c): the reading
 * context every parser gets, reject and emit plumbing, a bounded line
 * reader, a structural JSON scanner that finds record extents and their
 * line numbers, and the one place jansson errors become pl_errors.
 *
 * Columns are 1-based byte columns; a UTF-8 byte order mark at the start
 * of a file is not counted.
 */
#ifndef PARLANCE_FORMATS_IMPL_H
#define PARLANCE_FORMATS_IMPL_H

#include "parlance/formats.h"

/* Rejected records hand at most this many raw bytes to the callback. */
#define PL_REJECT_RAW_MAX (64 * 1024)
/* max_record_bytes when the options say 0. */
#define PL_RECORD_MAX_DEFAULT ((size_t)16 << 20)
/* How much of a file the sniffer looks at. */
#define PL_SNIFF_BYTES (64 * 1024)

/* ---- reading context ------------------------------------------------ */

struct pl_reader {
    const struct pl_read_opts *o;
    struct pl_read_stats *st;
    struct pl_error *err;   /* the fatal error, when one stops reading */
    const char *path;       /* file being read ("" for a bare buffer) */
    size_t max_record;      /* o->max_record_bytes or the default */
    void *fmt;              /* the running parser's own state */
    void *cache;            /* kept across the files of one read (the
                               Slack user list), freed by cache_free */
    void (*cache_free)(void *cache);
};

/*
 * Hand d to the caller's callback (which takes its contents) and count it
 * as read and kept. o->corpus_name and o->split, when set, replace what
 * the parser found. Returns the callback's status; on failure r->err says
 * reading was stopped there.
 */
enum pl_status pl_reader_emit(struct pl_reader *r, struct pl_dialogue *d);

/*
 * Count a rejected record and pass raw (cut to PL_REJECT_RAW_MAX) and why
 * to the reject callback. Returns PL_OK to go on, or why->status (copied
 * into r->err) in strict mode.
 */
enum pl_status pl_reader_reject(struct pl_reader *r, const char *raw,
                                size_t n, const struct pl_error *why);

/*
 * Parse one JSON record s[0..n) that starts at line/col of r->path.
 * Invalid UTF-8 (and, under PL_UTF8_REPAIR, lone UTF-16 surrogate escapes
 * such as "\ud83d") is repaired to U+FFFD with a warning and counted in
 * stats->utf8_repaired, or under PL_UTF8_REJECT makes the record fail
 * with PL_ERR_UTF8. Returns PL_OK with *out (caller decrefs), or the
 * record's error in why (PL_ERR_NOMEM means stop).
 */
enum pl_status pl_reader_json(struct pl_reader *r, const char *s, size_t n,
                              long line, long col, size_t flags,
                              json_t **out, struct pl_error *why);

/*
 * Check s[0..n) for invalid UTF-8. Valid: PL_OK, *fixed NULL. Repaired:
 * PL_OK with a new NUL-terminated copy in *fixed, length *fixed_n
 * (caller frees), counted and warned about. Rejected: PL_ERR_UTF8 with
 * why located at the first bad byte (s starts at line/col).
 */
enum pl_status pl_reader_utf8(struct pl_reader *r, const char *s, size_t n,
                              long line, long col, char **fixed,
                              size_t *fixed_n, struct pl_error *why);

/* Stop reading with why as the fatal error (copied to r->err). */
enum pl_status pl_reader_fatal(struct pl_reader *r,
                               const struct pl_error *why);

/* ---- names ---------------------------------------------------------- */

/* Canonical split for a file or folder name: train, dev (also val, valid,
 * validation), test; NULL for anything else. Case-insensitive. */
const char *pl_name_split(const char *name);

/* The last path component without its final extension, into buf. */
char *pl_name_stem(const char *path, char *buf, size_t n);

/* The name of the folder holding path ("" at the top), into buf. */
char *pl_name_parent(const char *path, char *buf, size_t n);

/* A corpus name for a line or table file: its stem, or its folder's name
 * when the stem is only a split name (train.csv in banking_data/). */
char *pl_name_corpus(const char *path, char *buf, size_t n);

/* What a line or table file's name says: dialogue ids start with its
 * stem, the corpus is pl_name_corpus, the split pl_name_split or "". */
struct pl_file_names {
    char stem[256];
    char corpus[256];
    const char *split;
};

void pl_file_names_get(const char *path, struct pl_file_names *fn);

/* Copy src[0..len) to dst (size n) as valid UTF-8: invalid sequences
 * become U+FFFD, and a cut for size falls between characters. dst may be
 * src. */
void pl_utf8_fit(char *dst, size_t n, const char *src, size_t len);

/* A new string "a" + "b" + "c" (any may be NULL), or NULL without memory. */
char *pl_str_join3(const char *a, const char *b, const char *c);

/* Advance *line and *col over s[0..n) (newlines start new lines). */
void pl_pos_advance(const char *s, size_t n, long *line, long *col);

/* ---- a bounded line reader ----------------------------------------- */

/*
 * Reads a file or a memory buffer line by line. A UTF-8 BOM at the very
 * start is dropped. Lines longer than max come in pieces of at most max
 * bytes (*partial set), so memory stays bounded; pl_lines_skip drops the
 * rest of such a line.
 */
struct pl_lines {
    FILE *fp;
    const char *mem;
    size_t mem_len, mem_pos;
    char *blk;
    size_t blk_cap, blk_len, blk_pos;
    char *line;
    size_t line_cap;
    size_t max;
    long lineno;        /* physical line of the piece last returned */
    int mid_line;       /* the last piece did not end its line */
    int started, eof, failed;
};

void pl_lines_init(struct pl_lines *lr, FILE *fp, const char *mem,
                   size_t n, size_t max);
void pl_lines_fini(struct pl_lines *lr);

/*
 * Next line, with its "\n" when it has one, in *s, length *n (valid until the
 * next call). Returns 1, 0 at the end, -1 on a read error or when out of
 * memory (lr->failed says which: 1 read, 2 memory).
 */
int pl_lines_next(struct pl_lines *lr, const char **s, size_t *n,
                  int *partial);

/* The fatal error (I/O or memory) after pl_lines_next returned -1. */
enum pl_status pl_lines_error(struct pl_reader *r,
                              const struct pl_lines *lr);

/* Drop the rest of the current line; returns how many bytes that was. */
size_t pl_lines_skip(struct pl_lines *lr);

/*
 * Put s[0..n) back in front of the unread input, to be read again
 * starting as physical line lineno. Returns -1 when out of memory.
 */
int pl_lines_unread(struct pl_lines *lr, const char *s, size_t n,
                    long lineno);

/* ---- a structural JSON scanner -------------------------------------- */

/*
 * Walks JSON text without building values, to find where records start
 * and end (and on which line), so each record can be parsed, located and
 * rejected on its own. It checks brackets and string quoting only; the
 * real parse of each extent is left to jansson.
 */
struct pl_jscan {
    const char *s;
    size_t n, pos;
    long line;          /* line of s[pos] */
    size_t bol;         /* offset where that line starts */
};

void pl_jscan_init(struct pl_jscan *js, const char *s, size_t n,
                   long line, long col);
long pl_jscan_col(const struct pl_jscan *js);
/* Skip white space; returns the next byte or -1 at the end. */
int pl_jscan_ws(struct pl_jscan *js);
/* Skip one value; -1 (pos at the problem or the end) when malformed. */
int pl_jscan_value(struct pl_jscan *js);
/* Read a string token; its raw contents (escapes untouched) in s[*a..*b).
 * -1 when there is none or it is not closed. */
int pl_jscan_string(struct pl_jscan *js, size_t *a, size_t *b);
/* After white space, consume c; -1 when the next byte is not c. */
int pl_jscan_expect(struct pl_jscan *js, char c);
/* Short description of what stands at pos ("'x'", "end of file"). */
const char *pl_jscan_found(const struct pl_jscan *js, char *buf, size_t n);

/* Reject the rest of the document from js->pos: "expected <what>, found
 * <what is there>". */
enum pl_status pl_jscan_reject(struct pl_reader *r,
                               const struct pl_jscan *js, const char *what);

/* Called for each element s[0..n) of an array, found at line/col. */
typedef enum pl_status (*pl_elem_fn)(void *ctx, const char *s, size_t n,
                                     long line, long col, long index);

/*
 * Call fn for each element of the array at js->pos. When the array is
 * malformed, the rest of the document is rejected and *broken set, since
 * nothing after that point can be located reliably. Returns PL_OK or a
 * fatal status.
 */
enum pl_status pl_jscan_array(struct pl_reader *r, struct pl_jscan *js,
                              pl_elem_fn fn, void *ctx, int *broken);

/* Position of a record inside a document. */
struct pl_pos {
    long line, col;
};

/*
 * For the JSON object s[0..n) starting at line/col: the positions of the
 * elements of the array held by member key. *out (caller frees) is NULL
 * with *count 0 when there is no such member or the object is malformed.
 */
int pl_jscan_member_elems(const char *s, size_t n, long line, long col,
                          const char *key, struct pl_pos **out,
                          size_t *count);

/*
 * The one place a jansson error becomes a pl_error: locate it in s
 * (which starts at line/col of path) and phrase it as "expected X, found
 * Y". Status PL_ERR_PARSE.
 */
void pl_json_error(struct pl_error *why, const char *path, const char *s,
                   size_t n, long line, long col, const json_error_t *je);

/* "a string", "a number", "null", ... for messages. */
const char *pl_json_kind(const json_t *v);

/* ---- sniffing and the format readers -------------------------------- */

/*
 * Detect the format of the first bytes s[0..n) of a file (complete: the
 * whole file is there). *schema is set for an SGD schema.json. Returns
 * PL_FMT_AUTO when nothing matches, with err describing what was found.
 */
enum pl_format pl_sniff_buffer(const char *s, size_t n, int complete,
                               const char *path, int *schema,
                               struct pl_error *err);

/* Each reader returns PL_OK, or the fatal status (r->err filled). */
enum pl_status pl_unified_read(struct pl_reader *r, struct pl_lines *lr);
enum pl_status pl_openai_read(struct pl_reader *r, struct pl_lines *lr);
enum pl_status pl_csv_read(struct pl_reader *r, struct pl_lines *lr,
                           char delim);
enum pl_status pl_sgd_read(struct pl_reader *r, const char *buf, size_t n);
enum pl_status pl_clinc_read(struct pl_reader *r, const char *buf,
                             size_t n);
enum pl_status pl_fasttext_read(struct pl_reader *r, struct pl_lines *lr);
enum pl_status pl_parlai_text_read(struct pl_reader *r,
                                   struct pl_lines *lr);

/* Does the first line of s[0..n) look like fastText (a "__label__"
 * token) or ParlAI text (known key:value fields)? */
int pl_fasttext_sniff(const char *s, size_t n);
int pl_parlai_text_sniff(const char *s, size_t n);

/*
 * The table layout of parlance's CSV/TSV writer, read back by the CSV
 * reader (fmt_csv_turns.c): a row per turn, regrouped into dialogues.
 * pl_turn_table_new returns a reader when the header names[0..n) has
 * the columns dialogue_id, turn, role and text, else NULL with *st
 * PL_OK (PL_ERR_NOMEM when out of memory). Each row goes to
 * pl_turn_table_row (field i is fbuf + foff[i]; raw is the record,
 * starting at line); pl_turn_table_end emits the last dialogue. Both
 * return PL_OK or a fatal status.
 */
struct pl_turn_table;
struct pl_turn_table *pl_turn_table_new(struct pl_reader *r,
                                        char *const *names, size_t n,
                                        enum pl_status *st);
enum pl_status pl_turn_table_row(struct pl_turn_table *t, const char *fbuf,
                                 const size_t *foff, const char *raw,
                                 size_t raw_n, long line);
enum pl_status pl_turn_table_end(struct pl_turn_table *t);
void pl_turn_table_free(struct pl_turn_table *t);

/* Rasa NLU training data (fmt_rasa.c, fmt_rasa_yaml.c). */
enum pl_status pl_rasa_yaml_read(struct pl_reader *r, const char *buf,
                                 size_t n);
enum pl_status pl_rasa_md_read(struct pl_reader *r, struct pl_lines *lr);
/* PL_FMT_RASA_YAML or PL_FMT_RASA_MD when s[0..n) (the first bytes of a
 * file, from its first non-blank line) looks like Rasa NLU data, else
 * PL_FMT_AUTO. */
enum pl_format pl_rasa_sniff(const char *s, size_t n);
/* Does the file at path hold Rasa Markdown? (.md files are otherwise
 * skipped in folders as documents.) */
int pl_rasa_md_file(const char *path);

/*
 * Chat exports and transcripts (fmt_exports.c and the files it names):
 * pl_exports_sniff recognises them in the first bytes s[0..n) (BOM
 * already skipped), pl_exports_owns says whether f is one of them, and
 * pl_exports_read reads one from a stream (fp) or a whole buffer.
 */
enum pl_format pl_exports_sniff(const char *s, size_t n, int complete);
int pl_exports_owns(enum pl_format f);
enum pl_status pl_exports_read(struct pl_reader *r, enum pl_format f,
                               FILE *fp, const char *buf, size_t n);

/*
 * Derived turn metadata for a dialogue whose turns carry timestamps
 * (fmt_times.c): from the second turn on, "speaker_change" (true when
 * the speaker differs from the previous turn's) and, when both turns'
 * timestamps parse as ISO 8601, "gap_seconds" (seconds since the
 * previous turn; times of day without a date wrap past midnight). Keys
 * already present are left alone. A dialogue without any parseable
 * timestamp is not touched. Returns PL_OK or PL_ERR_NOMEM.
 */
enum pl_status pl_dialogue_derive_times(struct pl_dialogue *d);

/* Log what an SGD schema.json holds (it is skipped, not read). */
void pl_sgd_schema_note(const char *path, const char *buf, size_t n);

/*
 * Called by the JSONL driver for each parsed line; builds and emits (or
 * rejects) the dialogue. Returns PL_OK or a fatal status.
 */
typedef enum pl_status (*pl_jsonl_fn)(struct pl_reader *r, json_t *obj,
                                      const char *raw, size_t n, long line,
                                      long index);

/* Read JSON Lines: blank lines skipped, CRLF accepted, each line parsed
 * with pl_reader_json and given to fn; bad lines rejected. */
enum pl_status pl_jsonl_read(struct pl_reader *r, struct pl_lines *lr,
                             size_t json_flags, pl_jsonl_fn fn);

/* ---- chat logs (fmt_chat.c, fmt_openai.c, fmt_sharegpt.c,
 *      fmt_parlai_jsonl.c) ------------------------------------------- */

/* Per-file state of a chat-log reader: the file's names, the current
 * record's error, and the counts behind the end-of-file warnings. */
struct pl_chat {
    struct pl_reader *r;
    struct pl_file_names fn;
    struct pl_error why;    /* the record's error */
    long item;              /* message the error is about, or -1 */
    long unknown_roles;     /* turns kept as role other */
    long unmatched;         /* tool results linked to no earlier call */
};

void pl_chat_init(struct pl_chat *c, struct pl_reader *r);
/* Fill c->why with "out of memory" at line/col; returns PL_ERR_NOMEM. */
enum pl_status pl_chat_nomem(struct pl_chat *c, long line, long col);
/* Start d as the index-th record of the file: id "<stem>:<index>",
 * corpus and split from the file's names, origin line/col. */
enum pl_status pl_chat_dialogue(struct pl_chat *c, struct pl_dialogue *d,
                                long line, long col, long index);
/* Set the members of object src whose names are not in skip (a NULL-
 * ended list) into dst. -1 when out of memory. */
int pl_json_copy_except(json_t *dst, json_t *src, const char *const *skip);
/* Log "path:line:col: <list>[i]: what" for turn t, for the first few
 * turns of each kind in a file, and count it in *count. */
void pl_chat_warn_turn(struct pl_chat *c, long *count,
                       const struct pl_turn *t, const char *list,
                       const char *what);
/* Warn about the turns of d kept as role other for an unknown role. */
void pl_chat_check_roles(struct pl_chat *c, const struct pl_dialogue *d,
                         const char *list);
/* Log the file's totals of unknown roles and unmatched tool results. */
void pl_chat_summary(const struct pl_chat *c);

/*
 * What the object at js->pos is: PL_FMT_SHAREGPT ("conversations",
 * "conversation" or "items" arrays, or "messages" whose first message
 * has "from"), PL_FMT_OPENAI ("messages" otherwise, or "request"/"body"
 * holding "messages"), PL_FMT_PARLAI_JSONL ("dialog" array), else
 * PL_FMT_AUTO. With in_array (an element of a whole-document array) only
 * PL_FMT_SHAREGPT or PL_FMT_AUTO, since only that reader reads arrays.
 */
enum pl_format pl_chat_sniff(const struct pl_jscan *js, int in_array);

/*
 * Append the turn for message m, element i of the list named list (for
 * messages), found at line/col. pl_chat_message reads a message with
 * "from" (or "value" and no "role") as ShareGPT, anything else as
 * OpenAI. A bad message fills c->why and c->item and returns
 * PL_ERR_FORMAT; PL_ERR_NOMEM means stop.
 */
enum pl_status pl_chat_message(struct pl_chat *c, struct pl_dialogue *d,
                               json_t *m, const char *list, size_t i,
                               long line, long col);
enum pl_status pl_openai_message(struct pl_chat *c, struct pl_dialogue *d,
                                 json_t *m, const char *list, size_t i,
                                 long line, long col);
enum pl_status pl_sharegpt_message(struct pl_chat *c, struct pl_dialogue *d,
                                   json_t *m, const char *list, size_t i,
                                   long line, long col);
/* Link the tool results of d to the turns making their calls (turn meta
 * tool_call_turn), flag and warn about those without one. */
enum pl_status pl_openai_link(struct pl_chat *c, struct pl_dialogue *d,
                              const char *list);

enum pl_status pl_sharegpt_read(struct pl_reader *r, struct pl_lines *lr);
enum pl_status pl_parlai_jsonl_read(struct pl_reader *r,
                                    struct pl_lines *lr);

/*
 * Read a buffer as if it were the file name (used by the fuzz targets and
 * tests): format o->format, or sniffed from the buffer.
 */
enum pl_status pl_read_buffer(const char *name, const char *buf, size_t n,
                              const struct pl_read_opts *o,
                              struct pl_read_stats *st,
                              struct pl_error *err);

#endif
