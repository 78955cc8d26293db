/*
 * Internal to the readers of task-oriented and intent datasets: MultiWOZ
 * 2.x logs (fmt_multiwoz.c), SNIPS (fmt_snips.c), NLU++ (fmt_nlupp.c),
 * HWU64 tables (fmt_hwu64.c) and Rasa NLU JSON (fmt_rasajson.c).
 *
 * formats.c calls pl_taskdata_sniff and pl_taskdata_read; the rest is the
 * plumbing those readers share (fmt_taskdata.c): walking the members of
 * a JSON object with their locations, parsing one located record and
 * emitting or rejecting it, and small builders for dialogues and turns.
 */
#ifndef PARLANCE_FMT_TASKDATA_H
#define PARLANCE_FMT_TASKDATA_H

#include <stdio.h>

#include "formats_impl.h"

/* ---- entry points for formats.c ------------------------------------- */

/* Which of these formats the first bytes s[0..n) of a file hold (BOM
 * already skipped), or PL_FMT_AUTO. */
enum pl_format pl_taskdata_sniff(const char *s, size_t n);

/* Is f one of the formats read here? */
int pl_taskdata_owns(enum pl_format f);

/*
 * Read r->path as format f: from buf[0..n) when buf is not NULL, else
 * from fp (HWU64 streams line by line; the JSON formats read the rest of
 * fp into memory, since each file is parsed whole). Returns PL_OK or the
 * fatal status (r->err filled).
 */
enum pl_status pl_taskdata_read(struct pl_reader *r, enum pl_format f,
                                FILE *fp, const char *buf, size_t n);

/* The readers themselves: whole documents (BOM skipped) or lines. */
enum pl_status pl_multiwoz_read(struct pl_reader *r, const char *buf,
                                size_t n);
enum pl_status pl_snips_read(struct pl_reader *r, const char *buf,
                             size_t n);
enum pl_status pl_nlupp_read(struct pl_reader *r, const char *buf,
                             size_t n);
enum pl_status pl_rasajson_read(struct pl_reader *r, const char *buf,
                                size_t n);
enum pl_status pl_hwu64_read(struct pl_reader *r, struct pl_lines *lr);

/*
 * MultiWOZ 2.2 keeps its dialogue acts apart from its SGD-style shards,
 * in dialog_acts.json beside the shard's folder: {dialogue id: {turn
 * id: {"dialog_act": {"Domain-Act": [[slot, value], ...]}, "span_info":
 * [...]}}}. The SGD reader merges them through these (fmt_multiwoz.c).
 */
struct td_mw22_acts;

/* Index dialog_acts.json in the shard's folder or the one above; NULL
 * when there is none. */
struct td_mw22_acts *td_mw22_acts_open(const char *shard_path);
void td_mw22_acts_free(struct td_mw22_acts *a);

/* The acts of dialogue id (turn id -> entry), a new reference, or NULL
 * when there are none (a damaged entry is logged and left out). */
json_t *td_mw22_acts_get(struct td_mw22_acts *a, const char *id);

/* Add the acts of entry to t ("Domain-Act(slot)", as for MultiWOZ 2.1)
 * and keep its members in turn extra; the first act domain other than
 * general and booking goes to dom (lower case) when dom is "". Returns
 * 0, or -1 without memory. */
int td_mw22_turn_acts(struct pl_turn *t, const json_t *entry, char *dom,
                      size_t dn);

/* ---- located records ------------------------------------------------ */

/* One record of a document: its bytes, where they start, its index. */
struct td_rec {
    const char *s;
    size_t n;
    long line, col;
    long index;
};

/*
 * Build d from the parsed record v. A record the format cannot use is
 * described in why (status PL_ERR_FORMAT, located); PL_ERR_NOMEM stops
 * reading. d is initialised by the builder and finalised by the caller.
 */
typedef enum pl_status (*td_build_fn)(void *ctx, struct pl_dialogue *d,
                                      json_t *v, const struct td_rec *rec,
                                      struct pl_error *why);

/*
 * Check the record's size (what names it in the message: "a dialogue"),
 * parse it with the UTF-8 policy, build it and emit it; a bad record is
 * rejected with its location. Returns PL_OK or a fatal status.
 */
enum pl_status td_record(struct pl_reader *r, const struct td_rec *rec,
                         const char *what, td_build_fn fn, void *ctx);

/* Where element i of the array held by member key of the record's
 * object starts (for messages); the record's start when it cannot be
 * found. */
void td_elem_pos(const struct td_rec *rec, const char *key, size_t i,
                 long *line, long *col);

/* A member name as it stands in the document: raw bytes between the
 * quotes (escapes untouched) and where its opening quote is. */
struct td_key {
    const char *raw;
    size_t n;
    long line, col;
};

/* Is the raw key exactly the ASCII name k? */
int td_key_is(const struct td_key *key, const char *k);

/*
 * The decoded text of a key (escapes resolved, UTF-8 checked as for a
 * record). Returns PL_OK with *out (caller frees) or the reason in why.
 */
enum pl_status td_key_text(struct pl_reader *r, const struct td_key *key,
                           char **out, struct pl_error *why);

/*
 * Called for each member of an object with js at the member's value; it
 * must consume the value (pl_jscan_value, pl_jscan_array, td_object) and
 * set *broken when the document cannot be followed past it.
 */
typedef enum pl_status (*td_member_fn)(void *ctx, struct pl_jscan *js,
                                       const struct td_key *key,
                                       int *broken);

/*
 * Walk the object at js->pos (what names it: "'{' starting a SNIPS
 * file"), calling fn for each member. A malformed object rejects the rest
 * of the document and sets *broken. Returns PL_OK or a fatal status.
 */
enum pl_status td_object(struct pl_reader *r, struct pl_jscan *js,
                         const char *what, td_member_fn fn, void *ctx,
                         int *broken);

/* Skip a member's value that is not read; *broken when it is malformed
 * (the rest of the document is then rejected). */
enum pl_status td_skip_value(struct pl_reader *r, struct pl_jscan *js,
                             int *broken);

/* Delimit the value at js->pos into rec (s, n, line, col; the index is
 * left alone). When it is malformed, the rest of the document is
 * rejected with jansson's reason and *broken set. */
enum pl_status td_value(struct pl_reader *r, struct pl_jscan *js,
                        struct td_rec *rec, int *broken);

/* After the top value: reject anything but white space up to the end. */
enum pl_status td_expect_end(struct pl_reader *r, struct pl_jscan *js);

/* ---- building dialogues --------------------------------------------- */

/* Set why to a PL_ERR_FORMAT error at line/col of path. */
enum pl_status td_bad(struct pl_error *why, const char *path, long line,
                      long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Set why to "out of memory" and return PL_ERR_NOMEM. */
enum pl_status td_nomem(struct pl_error *why, const char *path, long line,
                        long col);

/* Initialise d with id, corpus and split, its origin at rec. */
enum pl_status td_dialogue_init(struct pl_dialogue *d, const char *id,
                                const char *corpus, const char *split,
                                const char *path, const struct td_rec *rec);

/* Append a turn with role, text s[0..n) and origin; NULL without memory.
 * The pointer is invalidated by the next append. */
struct pl_turn *td_turn_add(struct pl_dialogue *d, enum pl_role role,
                            const char *s, size_t n, const char *path,
                            long line, long col);

/* Copy every member of obj whose name is not in skip (NULL-terminated)
 * into dst. Returns 0, or -1 without memory. */
int td_copy_rest(json_t *dst, const json_t *obj, const char *const *skip);

/* Add s to the turn's intents / acts unless it is there already.
 * Returns 0, or -1 without memory. */
int td_add_unique_intent(struct pl_turn *t, const char *s);
int td_add_unique_act(struct pl_turn *t, const char *s);

/* Byte offset of character k of s[0..n), or -1 when k is past the end. */
long td_char_to_byte(const char *s, size_t n, long k);

/* A slot span given in characters [a, b) of the turn's text, added in
 * bytes. Returns 1 when a..b is not a span of the text, -1 without
 * memory, 0 when added. */
int td_add_char_span(struct pl_turn *t, const char *slot, long a, long b,
                     const char *value);

/*
 * The split a path names: its file stem, the folder holding it or that
 * folder's parent, the first of them that is a split name (train,
 * trainset, training -> train; dev, val, valid, validate, validation,
 * devset -> dev; test, testset -> test); "" when none is.
 */
const char *td_split_of(const char *path);

/* The split name s[0..n) stands for, as above, or NULL. */
const char *td_split_name(const char *s, size_t n);

#endif
