/*
 * A minimal test harness: CHECK records a pass or a failure with its
 * location, SKIP notes a skipped group, and check_done prints
 * "<name>: N passed, N failed, N skipped" and returns the exit code.
 */
#ifndef PARLANCE_TESTS_CHECK_H
#define PARLANCE_TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_pass, check_fail, check_skip;

#define CHECK(cond) check_at((cond) != 0, #cond, __FILE__, __LINE__)
#define CHECK_STR(a, b) check_str_at((a), (b), #a, __FILE__, __LINE__)
#define CHECK_INT(a, b) check_int_at((long long)(a), (long long)(b), #a, \
                                     __FILE__, __LINE__)

static inline int check_at(int ok, const char *what, const char *file,
                           int line)
{
    if (ok) {
        check_pass++;
    } else {
        check_fail++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
    }
    return ok;
}

static inline int check_str_at(const char *a, const char *b,
                               const char *what, const char *file, int line)
{
    int ok = a && b && strcmp(a, b) == 0;

    if (!ok)
        fprintf(stderr, "FAIL %s:%d: %s is \"%s\", expected \"%s\"\n",
                file, line, what, a ? a : "(null)", b ? b : "(null)");
    return check_at(ok, what, file, line) || 0;
}

static inline int check_int_at(long long a, long long b, const char *what,
                               const char *file, int line)
{
    if (a != b)
        fprintf(stderr, "FAIL %s:%d: %s is %lld, expected %lld\n", file,
                line, what, a, b);
    return check_at(a == b, what, file, line);
}

/* Note that a group of checks was skipped, and why. */
static inline void check_skip_group(const char *why)
{
    check_skip++;
    fprintf(stderr, "skip: %s\n", why);
}

/* Path of a file under the shared corpora, or NULL (and a skip notice)
 * when the folder is not there. buf must hold 4096 bytes. */
static inline const char *check_corpus(const char *rel, char *buf)
{
    const char *root = getenv("PARLANCE_CORPORA");
    FILE *fp;

    if (!root || !*root)
        root = "../shared/corpora";
    snprintf(buf, 4096, "%s/%s", root, rel);
    fp = fopen(buf, "rb");
    if (!fp) {
        char why[4200];
        snprintf(why, sizeof why, "%s not found (shared corpora missing)",
                 buf);
        check_skip_group(why);
        return NULL;
    }
    fclose(fp);
    return buf;
}

static inline int check_done(const char *name)
{
    printf("%s: %d passed, %d failed, %d skipped\n", name, check_pass,
           check_fail, check_skip);
    return check_fail ? 1 : 0;
}

#endif
