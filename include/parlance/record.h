/*
 * The unified record model: a corpus is a list of dialogues, a dialogue a
 * list of turns. Every record remembers where it came from and keeps the
 * source fields the parser did not map, so a round trip loses nothing.
 *
 * Metadata and unknown fields are jansson objects: metadata values keep
 * their JSON type (string, number, boolean, array). The record owns one
 * reference to each json_t it holds.
 */
#ifndef PARLANCE_RECORD_H
#define PARLANCE_RECORD_H

#include <jansson.h>
#include "parlance/core.h"

/* Speaker roles. The original speaker name is kept beside the role. */
enum pl_role {
    PL_ROLE_USER = 0,   /* the human side */
    PL_ROLE_AGENT,      /* the bot/assistant/system side of a dialogue */
    PL_ROLE_SYSTEM,     /* instructions such as a system prompt */
    PL_ROLE_TOOL,       /* tool or function results */
    PL_ROLE_OTHER,
    PL_ROLE_COUNT
};

/* "user", "agent", "system", "tool", "other". */
const char *pl_role_name(enum pl_role r);
/* Parse a role name or a common alias (assistant, bot, human, ...);
 * returns PL_ROLE_OTHER for anything unknown. Case-insensitive. */
enum pl_role pl_role_parse(const char *s);

/* Where a record was read: path, 1-based line/column (0 unknown), and the
 * index of the record inside its file or array (-1 unknown). */
struct pl_origin {
    char *path;
    long line;
    long column;
    long index;
};

/* A slot span: byte offsets [start, end) into the turn's text. */
struct pl_span {
    char *slot;
    long start;
    long end;
    char *value; /* canonical value when the source gives one, else NULL */
};

struct pl_turn {
    long index;          /* 0-based position in the dialogue */
    enum pl_role role;
    char *speaker;       /* original speaker name, never NULL ("" if none) */
    char *text;          /* raw text, valid UTF-8, never NULL */
    char *norm;          /* normalised text, NULL until normalised */
    char *timestamp;     /* ISO 8601 or NULL */
    char **intents;      /* labels; n_intents may be 0 */
    size_t n_intents;
    char **acts;         /* dialogue acts */
    size_t n_acts;
    struct pl_span *slots;
    size_t n_slots;
    json_t *meta;        /* object, never NULL */
    json_t *extra;       /* object of unmapped source fields, never NULL */
    struct pl_origin origin;
};

struct pl_dialogue {
    char *id;            /* never NULL */
    char *corpus;        /* corpus name, may be "" */
    char *split;         /* "train", "dev", "test", or "" when none */
    json_t *meta;        /* object, never NULL */
    json_t *extra;       /* object, never NULL */
    struct pl_turn *turns;
    size_t n_turns;
    size_t cap_turns;
    struct pl_origin origin;
};

struct pl_corpus {
    char *name;
    char *format;        /* format the corpus was read as */
    struct pl_dialogue *dialogues;
    size_t n_dialogues;
    size_t cap_dialogues;
};

/* ---- construction and release ------------------------------------- */

/* Set *o to path/line/col/index. The path is copied; bytes of it that
 * are not UTF-8 (file names are bytes) become U+FFFD, so the record can
 * always be written. *o must be initialised or zeroed. */
enum pl_status pl_origin_set(struct pl_origin *o, const char *path,
                             long line, long column, long index);
void pl_origin_fini(struct pl_origin *o);

/* Zero-initialise t with empty strings and empty objects. */
enum pl_status pl_turn_init(struct pl_turn *t);
void pl_turn_fini(struct pl_turn *t);
/* Append a copy of s to the turn's intents / acts. */
enum pl_status pl_turn_add_intent(struct pl_turn *t, const char *s);
enum pl_status pl_turn_add_act(struct pl_turn *t, const char *s);
enum pl_status pl_turn_add_slot(struct pl_turn *t, const char *slot,
                                long start, long end, const char *value);
/* Replace t->text with a copy of s (n bytes). */
enum pl_status pl_turn_set_text(struct pl_turn *t, const char *s,
                                size_t n);

enum pl_status pl_dialogue_init(struct pl_dialogue *d, const char *id);
/* Release everything d holds and zero it. The _fini and _free functions
 * accept NULL. */
void pl_dialogue_fini(struct pl_dialogue *d);
/* Append an initialised turn slot and return it (index set), or NULL on
 * allocation failure. The pointer is invalidated by the next append. */
struct pl_turn *pl_dialogue_add_turn(struct pl_dialogue *d);

struct pl_corpus *pl_corpus_new(const char *name);
void pl_corpus_free(struct pl_corpus *c);
/* Move *d into the corpus (d is zeroed afterwards; on failure d is left
 * untouched and still owned by the caller). */
enum pl_status pl_corpus_take(struct pl_corpus *c, struct pl_dialogue *d);

/* ---- the unified JSONL format -------------------------------------- */
/*
 * One dialogue per line:
 *   {"id":..,"corpus":..,"split":..,"meta":{..},
 *    "turns":[{"index":0,"role":"user","speaker":"USER","text":"..",
 *              "norm":"..","timestamp":"..","intents":[..],"acts":[..],
 *              "slots":[{"slot":..,"start":..,"end":..,"value":..}],
 *              "meta":{..},"extra":{..},"origin":{..}}, ..],
 *    "extra":{..},"origin":{"path":..,"line":..,"column":..,"index":..}}
 * Empty optional members are left out ("" corpus, split and speaker,
 * NULL norm and timestamp, empty lists and objects, unknown origin
 * parts); "id", "turns" and each turn's "index", "role" and "text" are
 * always there. A turn's origin leaves out the path when it is the
 * dialogue's. Keys are written in this fixed order and metadata keys in
 * insertion order, so reading a file written by parlance and writing it
 * again gives identical bytes.
 */

/* Serialise d as one compact JSON line (no newline). Caller frees. */
char *pl_dialogue_to_json(const struct pl_dialogue *d);

/* Write d followed by "\n". Fails with PL_ERR_DATA when d holds text
 * that is not valid UTF-8, PL_ERR_IO when the write fails. */
enum pl_status pl_dialogue_write(FILE *fp, const struct pl_dialogue *d,
                                 struct pl_error *err);

/*
 * Build d from one parsed unified JSON object. path/line locate the line
 * for error messages and for d->origin when the object carries none.
 * Members that are not part of the format go to the dialogue's or turn's
 * extra (an explicit "extra" member wins a clash). d shares (holds a
 * reference to) the meta and extra objects of obj rather than copying
 * them. Errors are PL_ERR_FORMAT "path:line:1: <where>: expected X,
 * found Y"; on any failure d is left empty (zeroed).
 */
enum pl_status pl_dialogue_from_json(struct pl_dialogue *d, json_t *obj,
                                     const char *path, long line,
                                     struct pl_error *err);

#endif
