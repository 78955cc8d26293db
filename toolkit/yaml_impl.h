/*
 * Internal to the YAML-based readers: libyaml's event parser wrapped so a
 * reader can walk a document's top levels event by event and build any
 * part of it as a small tree whose nodes know their byte offsets.
 *
 * libyaml refuses a whole document at the first byte that is not UTF-8 or
 * is a control character YAML forbids. So that only the record holding
 * such a byte suffers, each one is replaced by U+FFFD before parsing and
 * remembered: pl_yaml_bad tells a reader whether a node's bytes hold one,
 * and offsets and locations are translated back to the original bytes.
 * libyaml's marks count characters; they are turned into byte offsets.
 */
#ifndef PARLANCE_YAML_IMPL_H
#define PARLANCE_YAML_IMPL_H

#include <yaml.h>

#include "formats_impl.h"

enum pl_ykind { PL_Y_SCALAR, PL_Y_SEQ, PL_Y_MAP };

/* A node of a YAML document. Offsets are into the parsed text. */
struct pl_ynode {
    enum pl_ykind kind;
    size_t start, end;
    int literal;            /* a literal block scalar ("|") */
    int plain;              /* a plain scalar without a tag */
    char *tag;              /* explicit tag, or NULL */
    char *s;                /* scalar value, NUL-terminated (may hold a
                               NUL from a "\0" escape: see len) */
    size_t len;
    struct pl_ynode **kid;  /* SEQ: items; MAP: key, value, key, ... */
    size_t n, cap;
};

/* Byte orig[from..from+len) was replaced by U+FFFD at text[at..at+3). */
struct pl_ysub {
    size_t at, from, len;
    int ctrl;               /* a forbidden control character, not bad
                               UTF-8 */
};

struct pl_yanchor;

struct pl_yaml {
    struct pl_reader *r;
    yaml_parser_t p;
    int started;
    const char *orig;       /* the file's bytes (BOM removed) */
    size_t orig_n;
    const char *text;       /* what libyaml reads: orig or copy */
    size_t n;
    char *copy;
    struct pl_ysub *subs;
    size_t n_subs;
    size_t ci, bi;          /* char index ci is at byte bi of text */
    size_t lo, lline, lbol; /* orig offset lo is on line lline (bol) */
    struct pl_yanchor *anchors;
    size_t n_anchors;
    size_t budget;          /* node copies left for aliases */
    struct pl_error why;    /* the last error */
};

/* Prepare to parse buf[0..n) (a BOM already removed). PL_ERR_NOMEM with
 * r->err filled on failure; pl_yaml_close is safe either way. */
enum pl_status pl_yaml_open(struct pl_yaml *y, struct pl_reader *r,
                            const char *buf, size_t n);
void pl_yaml_close(struct pl_yaml *y);

/* The next event into *e (the caller deletes it, or hands it to
 * pl_yaml_node). 0, or -1 with y->why set (PL_ERR_PARSE located at the
 * problem, or PL_ERR_NOMEM). */
int pl_yaml_event(struct pl_yaml *y, yaml_event_t *e);

/* Build the node that starts with *e (which is consumed), reading its
 * remaining events. 0 with *out (pl_ynode_free), or -1 with y->why. */
int pl_yaml_node(struct pl_yaml *y, yaml_event_t *e, struct pl_ynode **out);
void pl_ynode_free(struct pl_ynode *n);

/* Byte offset in the parsed text of a libyaml mark. */
size_t pl_yaml_at(struct pl_yaml *y, const yaml_mark_t *m);
/* The original offset of text offset at, and its 1-based line and byte
 * column. */
size_t pl_yaml_orig(const struct pl_yaml *y, size_t at);
void pl_yaml_where(struct pl_yaml *y, size_t at, long *line, long *col);

/* The first substitution inside text[a..b), or NULL. */
const struct pl_ysub *pl_yaml_bad(const struct pl_yaml *y, size_t a,
                                  size_t b);

/* The value of key in a mapping (NULL when absent or not a mapping). */
const struct pl_ynode *pl_ynode_get(const struct pl_ynode *map,
                                    const char *key);
/* Is n a scalar with a value equal to s? */
int pl_ynode_is(const struct pl_ynode *n, const char *s);
/* "a mapping", "a list", "text", "null", ... for messages. */
const char *pl_ynode_kind(const struct pl_ynode *n);

/*
 * The node as JSON: mappings become objects (merge keys "<<" applied),
 * sequences arrays, and scalars are typed as YAML 1.2's core schema
 * says (null, true/false, integers, floats; quoted and block scalars
 * are strings; explicit tags are followed). NULL with y->why set on a
 * repeated key or a NUL in text (PL_ERR_FORMAT) or without memory.
 */
json_t *pl_ynode_json(struct pl_yaml *y, const struct pl_ynode *n);

#endif
