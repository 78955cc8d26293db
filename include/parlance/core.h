/*
 * parlance core: status codes, the error record every library call fills,
 * and the replaceable log callback. The library never prints and never
 * exits on bad input; it returns a status and describes the problem here.
 */
#ifndef PARLANCE_CORE_H
#define PARLANCE_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define PL_VERSION_STRING "0.1.0"

enum pl_status {
    PL_OK = 0,
    PL_ERR_NOMEM,       /* allocation failed */
    PL_ERR_IO,          /* open, read, write or rename failed */
    PL_ERR_PARSE,       /* input is not well-formed for its format */
    PL_ERR_FORMAT,      /* well-formed but not what the format requires */
    PL_ERR_UTF8,        /* invalid UTF-8 where text was expected */
    PL_ERR_LIMIT,       /* a size limit was exceeded */
    PL_ERR_CHECKPOINT,  /* model file damaged, foreign or too new */
    PL_ERR_USAGE,       /* caller passed arguments that make no sense */
    PL_ERR_DATA,        /* data unusable for the job (e.g. no labels) */
    PL_ERR_INTERNAL
};

/*
 * Where and why something failed. line and column are 1-based, 0 when
 * unknown; offset is a byte offset, -1 when unknown. path may be "".
 */
struct pl_error {
    enum pl_status status;
    char message[512];
    char path[1024];
    long line;
    long column;
    long long offset;
};

/* Short English name of a status ("parse error", ...). Never NULL. */
const char *pl_status_str(enum pl_status st);

/* Reset err to "no error" (offset -1). Accepts NULL. */
void pl_error_clear(struct pl_error *err);

/*
 * Fill err (if not NULL) and return st, so callers can write
 * `return pl_error_set(err, PL_ERR_PARSE, path, line, col, "...", ...)`.
 * path may be NULL.
 */
enum pl_status pl_error_set(struct pl_error *err, enum pl_status st,
                            const char *path, long line, long column,
                            const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * Format err as "path:line:col: message" (parts that are unknown are left
 * out) into buf of size n. Returns buf.
 */
char *pl_error_format(const struct pl_error *err, char *buf, size_t n);

/* ---- logging ------------------------------------------------------ */

enum pl_log_level { PL_LOG_ERROR = 0, PL_LOG_WARN, PL_LOG_INFO,
                    PL_LOG_DEBUG };

typedef void (*pl_log_fn)(enum pl_log_level lvl, const char *msg,
                          void *ctx);

/*
 * Replace the log sink (NULL restores the default, which discards
 * everything) and set the most verbose level that is delivered.
 */
void pl_log_set(pl_log_fn fn, void *ctx, enum pl_log_level max_level);

/* True when messages at lvl would be delivered; check before formatting. */
int pl_log_enabled(enum pl_log_level lvl);

void pl_log(enum pl_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- small helpers shared by every module ------------------------- */

/* strdup that returns NULL for NULL input. Caller frees. */
char *pl_strdup(const char *s);

/* strndup equivalent (C11 has none). Caller frees. */
char *pl_strndup(const char *s, size_t n);

/*
 * Read a whole file into a NUL-terminated buffer. *out is owned by the
 * caller (free()). Fails with PL_ERR_IO and a message naming path.
 */
enum pl_status pl_file_read(const char *path, char **out, size_t *len,
                            struct pl_error *err);

/*
 * Atomic output: pl_atomic_open creates "path.tmp.XXXXXX" beside path;
 * pl_atomic_commit flushes, fsyncs, closes and renames it over path;
 * pl_atomic_abort closes and removes it. Both accept a NULL file.
 * A symbolic link keeps pointing at the new file. An existing path that
 * is not a regular file (/dev/stdout, a pipe, a terminal) is written in
 * place instead, as renaming over it would replace the device itself.
 */
struct pl_atomic {
    char *path;
    char *tmp_path;
    FILE *fp;
};
enum pl_status pl_atomic_open(struct pl_atomic *a, const char *path,
                              struct pl_error *err);
enum pl_status pl_atomic_commit(struct pl_atomic *a, struct pl_error *err);
void pl_atomic_abort(struct pl_atomic *a);

/* 64-bit FNV-1a over n bytes, continuing from h (start with
 * PL_FNV_OFFSET). Stable across platforms: used for hashed features and
 * checksums. */
#define PL_FNV_OFFSET 0xcbf29ce484222325ULL
unsigned long long pl_fnv1a(unsigned long long h, const void *data,
                            size_t n);

/* Deterministic PRNG (xoshiro-style; one state per user, no globals). */
struct pl_rng { unsigned long long s[4]; };
void pl_rng_seed(struct pl_rng *r, unsigned long long seed);
unsigned long long pl_rng_next(struct pl_rng *r);
/* Uniform in [0,1). */
double pl_rng_uniform(struct pl_rng *r);
/* Uniform integer in [0,n). n > 0. */
unsigned long pl_rng_below(struct pl_rng *r, unsigned long n);
/* Standard normal (Box-Muller). */
double pl_rng_normal(struct pl_rng *r);

#endif
