/*
 * Internal to the chat-export and transcript readers (fmt_transcript.c,
 * fmt_whatsapp.c, fmt_irc.c, fmt_telegram.c, fmt_slack.c,
 * fmt_discord.c): Unicode spacing and marks in headers, ISO 8601 times,
 * speaker roles, the session that cuts a stream of messages into
 * dialogues, and the driver for line-based logs.
 */
#ifndef PARLANCE_EXPORT_IMPL_H
#define PARLANCE_EXPORT_IMPL_H

#include "formats_impl.h"

/* ---- characters ------------------------------------------------------ */

/* Byte length of the white space character at s[0..n) (ASCII space or
 * tab, U+00A0, U+2000..U+200A, U+202F, U+205F, U+3000), else 0. */
size_t pl_export_space(const char *s, size_t n);

/* Byte length of the directional mark at s[0..n) (U+200E, U+200F,
 * U+061C, U+202A..U+202E, U+2066..U+2069), else 0. */
size_t pl_export_mark(const char *s, size_t n);

/* Skip spaces (and with marks, directional marks) from i; returns the
 * new offset. */
size_t pl_export_skip(const char *s, size_t n, size_t i, int marks);

/* Read 1..max ASCII digits at s[*i]; -1 (and *i unchanged) when there
 * are none. *digits gets how many there were. */
long pl_export_digits(const char *s, size_t n, size_t *i, int max,
                      int *digits);

/* ---- times ----------------------------------------------------------- */

/* A calendar date and clock time as read from a log. */
struct pl_when {
    int has_date, has_time;
    int year, month, day;
    int hour, min, sec;
    char frac[12];      /* digits of a fraction of a second, or "" */
};

/* Does the date exist (31/02 does not) and is the time in range? */
int pl_when_valid(const struct pl_when *w);

/* ISO 8601 without a zone: "2024-03-14T21:05:00", "21:05:00" for a
 * time alone, "2024-03-14" for a date alone (with any fraction). */
void pl_when_iso(const struct pl_when *w, char *buf, size_t n);

/* Seconds since 1970-01-01T00:00:00 as an ISO 8601 UTC time with the
 * given fraction digits ("2023-11-14T22:13:20.000100Z"). */
void pl_epoch_iso(long long secs, const char *frac, char *buf, size_t n);

/* A parsed ISO 8601 time: kind 0 unparseable, 1 a date (and time;
 * secs since 1970, moved to UTC when a zone is given), 2 a time of day
 * alone (secs since midnight). */
struct pl_time {
    int kind;
    long long secs;
    long nanos;
};

int pl_time_parse(const char *s, struct pl_time *t);

/* b - a in milliseconds (rounded) into *ms; 0 when they cannot be
 * compared. Times of day wrap: a later turn at an earlier clock time is
 * the next day. */
int pl_time_diff(const struct pl_time *a, const struct pl_time *b,
                 long long *ms);

/* A clock "H:MM[:SS[.fff]]", optionally after a date "YYYY-MM-DD" and
 * a space or 'T', at s[*i]: fills w (values not range-checked) and
 * moves *i past it; 0 (and *i unchanged) when there is none. */
int pl_export_clock(const char *s, size_t n, size_t *i, struct pl_when *w);

/* ---- speakers -------------------------------------------------------- */

/*
 * The role of a speaker name: the reader option speaker_roles first
 * ("Name=role,...", "*=role" for everyone else), then the name's first
 * or last word (user, customer, human, client, ... -> user; agent,
 * assistant, bot, system, support, ... -> agent), else dflt.
 */
enum pl_role pl_export_role(const struct pl_reader *r, const char *name,
                            enum pl_role dflt);

/* ---- sessions: messages into dialogues -------------------------------- */

/* A dialogue is cut before it holds more turns than this (or more than
 * max_record_bytes of messages), which bounds memory: a turn in memory
 * costs far more than its bytes in the export. */
#define PL_EXPORT_MAX_TURNS 10000

struct pl_export {
    struct pl_reader *r;
    char prefix[400];       /* dialogue ids are "<prefix>:<n>" */
    char corpus[256];
    const char *split;
    long gap;               /* split after a silence > gap s; 0 never */
    int split_on_gap;       /* the reader splits on silence at all */
    long n_dialogues;       /* dialogues started in this file */
    long n_messages;        /* turns added (origin index of turns) */
    struct pl_dialogue d;   /* being built when open */
    int open;
    size_t bytes;           /* message bytes held by d */
    struct pl_time last;    /* time of the last timed turn in d */
    const char *boundary;   /* why the next dialogue starts, or NULL */
    json_t *meta, *extra;   /* given to every dialogue of the file */
};

/* Set up c for the file r->path, ids "<prefix>:<n>" (prefix NULL: the
 * file's stem). Returns PL_ERR_NOMEM (r->err set) on failure. */
enum pl_status pl_export_init(struct pl_export *c, struct pl_reader *r,
                              const char *prefix);
void pl_export_fini(struct pl_export *c);

/*
 * Add *t (a turn built with pl_turn_init; its contents move into the
 * dialogue and *t is zeroed) read at line/col, whose source record is
 * `bytes` long. A silence longer than the gap, or a dialogue grown past
 * max_record_bytes, first ends the open dialogue. Returns PL_OK or a
 * fatal status.
 */
enum pl_status pl_export_add(struct pl_export *c, struct pl_turn *t, long line,
                             long col, size_t bytes);

/* Emit the open dialogue (derived times, file meta). Fatal status or
 * PL_OK. */
enum pl_status pl_export_flush(struct pl_export *c);

/* Set t's text from s[off..n), CRLF as LF, final line ends dropped. */
enum pl_status pl_export_text(struct pl_turn *t, const char *s, size_t n,
                              size_t off);

/* Set a string member of an object; -1 when out of memory. */
int pl_export_set_str(json_t *obj, const char *key, const char *s, size_t n);

/* Reject a record that is not a whole message, stating where. */
enum pl_status pl_export_reject(struct pl_reader *r, const char *raw,
                                size_t n, enum pl_status st, long line,
                                long col, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* ---- line-based logs --------------------------------------------------- */

enum pl_line_kind {
    PL_LINE_HEADER,     /* starts a message */
    PL_LINE_CONT,       /* continues the message before it */
    PL_LINE_BLANK,      /* white space only */
    PL_LINE_DIRECTIVE,  /* about the log, not a message (a date line) */
    PL_LINE_BAD         /* none of these */
};

struct pl_line_fmt {
    const char *expect;     /* "a 'Speaker: text' line", for rejects */
    int blank_ends;         /* a blank line ends the dialogue */
    int blank_is_text;      /* inside a message, blank lines are text */
    /* What s[0..n) (line end removed) is. */
    enum pl_line_kind (*classify)(void *ctx, const char *s, size_t n);
    /* Take in a directive line. */
    void (*directive)(void *ctx, const char *s, size_t n);
    /* Build t from one message s[0..n) (its lines with their ends; the
     * first line is the header, at `line`). A data error fills why. */
    enum pl_status (*build)(void *ctx, const char *s, size_t n, long line,
                            struct pl_turn *t, struct pl_error *why);
};

/* Read lines into messages and messages into c's dialogues. */
enum pl_status pl_export_lines(struct pl_export *c, struct pl_lines *lr,
                               const struct pl_line_fmt *f, void *ctx);

/* Each line-based reader, and its sniffer over the first bytes. */
enum pl_status pl_transcript_read(struct pl_reader *r, struct pl_lines *lr);
enum pl_status pl_whatsapp_read(struct pl_reader *r, struct pl_lines *lr);
enum pl_status pl_irc_read(struct pl_reader *r, struct pl_lines *lr);
int pl_transcript_sniff(const char *s, size_t n, int complete);
int pl_whatsapp_sniff(const char *s, size_t n, int complete);
int pl_irc_sniff(const char *s, size_t n, int complete);

/* ---- JSON exports ---------------------------------------------------- */

/* Called with js at the value of member key[0..klen) (raw bytes); must
 * move js past the value, or set *broken once it has rejected the rest
 * of the document. */
typedef enum pl_status (*pl_member_fn)(void *ctx, struct pl_jscan *js,
                                       const char *key, size_t klen,
                                       int *broken);

/* Walk the members of the object at js->pos. A malformed object rejects
 * the rest of the document and sets *broken. */
enum pl_status pl_export_object(struct pl_reader *r, struct pl_jscan *js,
                                pl_member_fn fn, void *ctx, int *broken);

/* Parse the value at js->pos (moving past it) into *out (caller
 * decrefs). A value whose extent cannot be found breaks the document; a
 * value that does not parse is rejected on its own, *out NULL. */
enum pl_status pl_export_value(struct pl_reader *r, struct pl_jscan *js,
                               json_t **out, int *broken);

/* Does key[0..klen) equal name? */
int pl_export_key(const char *key, size_t klen, const char *name);

/* Builds turn t from message object m (any JSON value: check it); a data
 * error fills why and returns its status. */
typedef enum pl_status (*pl_msg_fn)(void *ctx, json_t *m,
                                    struct pl_turn *t, long line, long col,
                                    struct pl_error *why);

struct pl_export_msgs {
    struct pl_export *c;
    pl_msg_fn fn;
    void *ctx;
};

/* A pl_elem_fn for pl_jscan_array (ctx a struct pl_export_msgs): parse one
 * message element, build its turn, add it or reject the element. */
enum pl_status pl_export_element(void *ctx, const char *s, size_t n,
                                 long line, long col, long index);

/* How a chat object ({..., "messages": [...], ...}) is read: head gets
 * the object's other members and the session (set its prefix, meta
 * and extra; -1 when out of memory); message builds each turn. */
struct pl_export_doc_fmt {
    int (*head)(void *ctx, json_t *members, struct pl_export *c);
    pl_msg_fn message;
};

/*
 * Read the chat object at js->pos as one session: its members other
 * than "messages" first (wherever they stand), then each message. An
 * object without a "messages" array is rejected as one record. *broken
 * when the rest of the document was rejected.
 */
enum pl_status pl_export_doc(struct pl_reader *r, struct pl_jscan *js,
                             const struct pl_export_doc_fmt *f, void *ctx,
                             int *broken);

/* Text from a string, null, or an array of strings and {"text": "..."}
 * parts (joined as they are); *other counts parts without text.
 * Returns 0, 1 when v is none of these, -1 when out of memory. */
int pl_export_parts(const json_t *v, struct pl_turn *t, long *other);

/* For messages: a string value quoted (its first 40 bytes), else its
 * kind ("a number"), or "nothing" for NULL. */
const char *pl_export_found(const json_t *v, char *buf, size_t n);

/* A data error about member values: "expected <what>, found <v>". */
enum pl_status pl_export_bad(struct pl_reader *r, struct pl_error *why,
                             long line, long col, const char *what,
                             const json_t *v);

/* Copy the members of src not named in skip (NULL-terminated) to dst.
 * -1 when out of memory. */
int pl_export_rest(json_t *dst, const json_t *src, const char *const *skip);

/* The JSON readers (whole documents) and what they recognise in the
 * first bytes of a JSON text. */
enum pl_status pl_telegram_read(struct pl_reader *r, const char *buf,
                                size_t n);
enum pl_status pl_slack_read(struct pl_reader *r, const char *buf,
                             size_t n);
enum pl_status pl_discord_read(struct pl_reader *r, const char *buf,
                               size_t n);

/* Next line of s[0..n) from *pos: its bytes without the line end in
 * *a..*b; 0 at the end. For sniffers. */
int pl_export_next_line(const char *s, size_t n, size_t *pos, size_t *a,
                        size_t *b);

#endif
