/*
 * Temporary files for the reader tests: a folder made once per test
 * executable (named after TMP_NAME, defined before including this), files
 * written into it as a user would write them, and its removal at the end.
 */
#ifndef PARLANCE_TESTS_TMP_FILES_H
#define PARLANCE_TESTS_TMP_FILES_H

#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef TMP_NAME
#define TMP_NAME "parlance-test"
#endif

static char tmp_root[64];

static inline void tmp_setup(void)
{
    snprintf(tmp_root, sizeof tmp_root, "/tmp/" TMP_NAME "-XXXXXX");
    if (!mkdtemp(tmp_root)) {
        perror("mkdtemp");
        exit(2);
    }
}

static inline int rm_entry(const char *p, const struct stat *sb, int flag,
                           struct FTW *f)
{
    (void)sb;
    (void)flag;
    (void)f;
    return remove(p);
}

static inline void tmp_cleanup(void)
{
    nftw(tmp_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The full path of rel under the temporary folder (a few kept at once). */
static inline const char *tpath(const char *rel)
{
    static char bufs[8][512];
    static int next;
    char *b = bufs[next++ % 8];

    snprintf(b, 512, "%s/%s", tmp_root, rel);
    return b;
}

/* Write n bytes to rel, creating its folders; returns the full path. */
static inline const char *put_file(const char *rel, const char *data,
                                   size_t n)
{
    const char *p = tpath(rel);
    char dir[512];
    FILE *fp;

    for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
        snprintf(dir, sizeof dir, "%s/%.*s", tmp_root, (int)(s - rel), rel);
        mkdir(dir, 0700);
    }
    fp = fopen(p, "wb");
    if (!fp || fwrite(data, 1, n, fp) != n) {
        perror(p);
        exit(2);
    }
    fclose(fp);
    return p;
}

#define PUT(rel, lit) put_file((rel), (lit), sizeof(lit) - 1)

#endif
