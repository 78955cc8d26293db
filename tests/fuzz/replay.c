/*
 * Seed replay for a fuzz target: runs LLVMFuzzerTestOneInput on every file
 * in tests/fuzz/seeds/<name>/ so the normal test command (and its
 * sanitizer run) exercises each parser's seed corpus without libFuzzer.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parlance/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/fuzz/seeds/" REPLAY_NAME;
    DIR *d = opendir(dir);
    struct dirent *e;
    char *names[4096];
    int n = 0;

    if (!d) {
        printf("%s: 0 passed, 1 failed, 0 skipped\n", REPLAY_NAME);
        fprintf(stderr, "cannot open seed folder %s\n", dir);
        return 1;
    }
    while ((e = readdir(d)) && n < 4096)
        if (e->d_name[0] != '.')
            names[n++] = pl_strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp);
    for (int i = 0; i < n; i++) {
        char path[4096], *buf;
        size_t len;

        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (pl_file_read(path, &buf, &len, NULL) == PL_OK) {
            LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
            free(buf);
        }
        free(names[i]);
    }
    printf("%s: %d passed, 0 failed, 0 skipped\n", REPLAY_NAME, n);
    return 0;
}
