/*
 * Status strings, error records, the log sink, atomic output files and the
 * small deterministic helpers (hash, PRNG) every module shares.
 */
#define _XOPEN_SOURCE 700
#include "parlance/core.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- status and errors -------------------------------------------- */

const char *pl_status_str(enum pl_status st)
{
    switch (st) {
    case PL_OK: return "ok";
    case PL_ERR_NOMEM: return "out of memory";
    case PL_ERR_IO: return "input/output error";
    case PL_ERR_PARSE: return "parse error";
    case PL_ERR_FORMAT: return "format error";
    case PL_ERR_UTF8: return "invalid UTF-8";
    case PL_ERR_LIMIT: return "size limit exceeded";
    case PL_ERR_CHECKPOINT: return "bad checkpoint";
    case PL_ERR_USAGE: return "usage error";
    case PL_ERR_DATA: return "unusable data";
    case PL_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

void pl_error_clear(struct pl_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->offset = -1;
}

enum pl_status pl_error_set(struct pl_error *err, enum pl_status st,
                            const char *path, long line, long column,
                            const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return st;
    pl_error_clear(err);
    err->status = st;
    if (path)
        snprintf(err->path, sizeof err->path, "%s", path);
    err->line = line;
    err->column = column;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

char *pl_error_format(const struct pl_error *err, char *buf, size_t n)
{
    size_t k = 0;

    if (!n)
        return buf;
    buf[0] = '\0';
    if (err->path[0])
        k += (size_t)snprintf(buf + k, n - k, "%s:", err->path);
    if (k < n && err->line > 0)
        k += (size_t)snprintf(buf + k, n - k, "%ld:", err->line);
    if (k < n && err->line > 0 && err->column > 0)
        k += (size_t)snprintf(buf + k, n - k, "%ld:", err->column);
    if (k < n && k > 0)
        k += (size_t)snprintf(buf + k, n - k, " ");
    if (k < n)
        snprintf(buf + k, n - k, "%s",
                 err->message[0] ? err->message : pl_status_str(err->status));
    return buf;
}

/* ---- logging ------------------------------------------------------ */

static pl_log_fn log_fn;
static void *log_ctx;
static enum pl_log_level log_max = PL_LOG_WARN;

void pl_log_set(pl_log_fn fn, void *ctx, enum pl_log_level max_level)
{
    log_fn = fn;
    log_ctx = ctx;
    log_max = max_level;
}

int pl_log_enabled(enum pl_log_level lvl)
{
    return log_fn && lvl <= log_max;
}

void pl_log(enum pl_log_level lvl, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;

    if (!pl_log_enabled(lvl))
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    log_fn(lvl, buf, log_ctx);
}

/* ---- strings and files -------------------------------------------- */

char *pl_strdup(const char *s)
{
    return s ? pl_strndup(s, strlen(s)) : NULL;
}

char *pl_strndup(const char *s, size_t n)
{
    char *p;

    if (!s)
        return NULL;
    p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

enum pl_status pl_file_read(const char *path, char **out, size_t *len,
                            struct pl_error *err)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL, *nb;
    size_t n = 0, cap = 0, got;

    *out = NULL;
    if (len)
        *len = 0;
    if (!fp)
        return pl_error_set(err, PL_ERR_IO, path, 0, 0,
                            "cannot open: %s", strerror(errno));
    for (;;) {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 1 << 20;
            nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(fp);
                return pl_error_set(err, PL_ERR_NOMEM, path, 0, 0,
                                    "out of memory reading file");
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        free(buf);
        fclose(fp);
        return pl_error_set(err, PL_ERR_IO, path, 0, 0,
                            "read failed (is it a folder?)");
    }
    fclose(fp);
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return PL_OK;
}

/* ---- atomic output ------------------------------------------------ */

/*
 * Where the temporary file goes and what it is renamed onto: the file a
 * symbolic link points to, so the link survives. *target is malloc'd.
 * Returns 1 when path exists and is not a regular file (a terminal,
 * /dev/stdout, a pipe): such outputs are written in place, since renaming
 * over them would replace the device or pipe with a plain file.
 */
static int atomic_target(const char *path, char **target)
{
    struct stat sb, lsb;

    *target = NULL;
    if (stat(path, &sb) != 0)
        return 0;
    if (!S_ISREG(sb.st_mode))
        return 1;
    if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode))
        *target = realpath(path, NULL);
    return 0;
}

static enum pl_status atomic_fail(struct pl_atomic *a, enum pl_status st,
                                  const char *path, const char *what,
                                  struct pl_error *err)
{
    int e = errno;

    pl_atomic_abort(a);
    if (st == PL_ERR_NOMEM)
        return pl_error_set(err, st, path, 0, 0, "out of memory");
    return pl_error_set(err, st, path, 0, 0, "%s: %s", what, strerror(e));
}

/* Write straight into a device, pipe or other non-regular file. */
static enum pl_status atomic_direct(struct pl_atomic *a, const char *path,
                                    struct pl_error *err)
{
    a->fp = fopen(path, "wb");
    if (!a->fp)
        return atomic_fail(a, PL_ERR_IO, path, "cannot open", err);
    return PL_OK;
}

enum pl_status pl_atomic_open(struct pl_atomic *a, const char *path,
                              struct pl_error *err)
{
    char *real = NULL;
    int fd, direct;

    memset(a, 0, sizeof *a);
    direct = atomic_target(path, &real);
    a->path = real ? real : pl_strdup(path);
    if (!a->path)
        return atomic_fail(a, PL_ERR_NOMEM, path, NULL, err);
    if (direct)
        return atomic_direct(a, path, err);
    a->tmp_path = malloc(strlen(a->path) + 16);
    if (!a->tmp_path)
        return atomic_fail(a, PL_ERR_NOMEM, path, NULL, err);
    snprintf(a->tmp_path, strlen(a->path) + 16, "%s.tmp.XXXXXX", a->path);
    fd = mkstemp(a->tmp_path);
    if (fd < 0) {
        free(a->tmp_path);
        a->tmp_path = NULL;
        return atomic_fail(a, PL_ERR_IO, path, "cannot create", err);
    }
    /* mkstemp makes the file private; give it the usual mode instead. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0)
        pl_log(PL_LOG_DEBUG, "%s: cannot set file mode: %s", path,
               strerror(errno));
    a->fp = fdopen(fd, "wb");
    if (!a->fp) {
        close(fd);
        return atomic_fail(a, PL_ERR_IO, path, "cannot open", err);
    }
    return PL_OK;
}

enum pl_status pl_atomic_commit(struct pl_atomic *a, struct pl_error *err)
{
    enum pl_status st = PL_OK;
    int bad;

    if (!a->fp)
        return pl_error_set(err, PL_ERR_USAGE, a->path, 0, 0,
                            "output was not open");
    bad = fflush(a->fp) != 0 || ferror(a->fp);
    if (a->tmp_path)
        bad |= fsync(fileno(a->fp)) != 0 && errno != EINVAL;
    bad |= fclose(a->fp) != 0;
    a->fp = NULL;
    if (bad)
        st = pl_error_set(err, PL_ERR_IO, a->path, 0, 0,
                          "write failed: %s", strerror(errno));
    else if (a->tmp_path && rename(a->tmp_path, a->path) != 0)
        st = pl_error_set(err, PL_ERR_IO, a->path, 0, 0,
                          "cannot rename into place: %s", strerror(errno));
    pl_atomic_abort(a);
    return st;
}

void pl_atomic_abort(struct pl_atomic *a)
{
    if (!a)
        return;
    if (a->fp)
        fclose(a->fp);
    if (a->tmp_path)
        unlink(a->tmp_path); /* after a successful rename this is a no-op */
    free(a->tmp_path);
    free(a->path);
    memset(a, 0, sizeof *a);
}

/* ---- hashing and random numbers ------------------------------------ */

unsigned long long pl_fnv1a(unsigned long long h, const void *data,
                            size_t n)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static unsigned long long splitmix(unsigned long long *x)
{
    unsigned long long z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void pl_rng_seed(struct pl_rng *r, unsigned long long seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static unsigned long long rotl(unsigned long long x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** step. */
unsigned long long pl_rng_next(struct pl_rng *r)
{
    unsigned long long *s = r->s;
    unsigned long long out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double pl_rng_uniform(struct pl_rng *r)
{
    return (double)(pl_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

unsigned long pl_rng_below(struct pl_rng *r, unsigned long n)
{
    return (unsigned long)(pl_rng_uniform(r) * (double)n) % n;
}

double pl_rng_normal(struct pl_rng *r)
{
    double u1 = pl_rng_uniform(r), u2 = pl_rng_uniform(r);

    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
