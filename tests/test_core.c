/*
 * Core helpers: error formatting, atomic output (regular files, symbolic
 * links, devices), the PRNG and the hash.
 */
#define _XOPEN_SOURCE 700
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "parlance/core.h"
#include "parlance/rejects.h"

static char dir[] = "/tmp/pl_test_core_XXXXXX";

static void test_error_format(void)
{
    struct pl_error e;
    char buf[256];

    pl_error_set(&e, PL_ERR_PARSE, "a.csv", 3, 7, "expected %s, found %s",
                 "a comma", "';'");
    CHECK_STR(pl_error_format(&e, buf, sizeof buf),
              "a.csv:3:7: expected a comma, found ';'");
    pl_error_set(&e, PL_ERR_IO, "b", 0, 0, "cannot open");
    CHECK_STR(pl_error_format(&e, buf, sizeof buf), "b: cannot open");
    pl_error_clear(&e);
    CHECK_INT(e.offset, -1);
    CHECK_INT(pl_error_set(NULL, PL_ERR_DATA, NULL, 0, 0, "x"), PL_ERR_DATA);
}

static char *slurp(const char *path)
{
    char *s = NULL;
    size_t n;

    pl_file_read(path, &s, &n, NULL);
    return s;
}

static int write_text(const char *path, const char *text)
{
    struct pl_atomic a;

    if (pl_atomic_open(&a, path, NULL) != PL_OK)
        return 0;
    fputs(text, a.fp);
    return pl_atomic_commit(&a, NULL) == PL_OK;
}

static void test_atomic(void)
{
    char file[4096], link[4096], *s;
    struct pl_atomic a;
    struct stat sb;

    snprintf(file, sizeof file, "%s/out.txt", dir);
    snprintf(link, sizeof link, "%s/link.txt", dir);
    CHECK(write_text(file, "one\n"));
    CHECK_STR(s = slurp(file), "one\n");
    free(s);
    CHECK(stat(file, &sb) == 0 && (sb.st_mode & 0044) == 0044);
    /* an aborted write leaves the old contents and no temporary file */
    CHECK(pl_atomic_open(&a, file, NULL) == PL_OK);
    fputs("two\n", a.fp);
    pl_atomic_abort(&a);
    CHECK_STR(s = slurp(file), "one\n");
    free(s);
    /* a link stays a link, and its target gets the new contents */
    CHECK(symlink("out.txt", link) == 0);
    CHECK(write_text(link, "three\n"));
    CHECK(lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode));
    CHECK_STR(s = slurp(file), "three\n");
    free(s);
    /* a device is written in place, never replaced by a file */
    CHECK(write_text("/dev/null", "gone\n"));
    CHECK(stat("/dev/null", &sb) == 0 && S_ISCHR(sb.st_mode));
    /* a folder that does not exist is an error with the path */
    struct pl_error e;
    snprintf(file, sizeof file, "%s/no/such/dir/x", dir);
    CHECK(pl_atomic_open(&a, file, &e) == PL_ERR_IO);
    CHECK(strstr(e.path, "no/such") != NULL);
    unlink(link);
}

static void test_rng_and_hash(void)
{
    struct pl_rng a, b;
    int same = 1, below = 1;

    pl_rng_seed(&a, 42);
    pl_rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++) {
        same &= pl_rng_next(&a) == pl_rng_next(&b);
        below &= pl_rng_below(&a, 7) < 7 && pl_rng_below(&b, 7) < 7;
    }
    CHECK(same);
    CHECK(below);
    CHECK(pl_fnv1a(PL_FNV_OFFSET, "a", 1) == 0xaf63dc4c8601ec8cULL);
}

/* Rejects keep the raw bytes, hex when not UTF-8, and say when cut. */
static void test_reject_json(void)
{
    struct pl_error why;
    struct pl_reject r = { "ab\xff", 3, &why, 3 };
    char *line;

    pl_error_set(&why, PL_ERR_UTF8, "x.jsonl", 2, 5, "expected valid UTF-8");
    line = pl_reject_to_json(&r, "source");
    CHECK(line && strstr(line, "\"raw_hex\":\"6162ff\""));
    CHECK(line && strstr(line, "\"line\":2") && strstr(line, "\"column\":5"));
    CHECK(line && !strstr(line, "raw_truncated"));
    free(line);
    r.raw = "abc";
    r.full_len = 1000;
    line = pl_reject_to_json(&r, NULL);
    CHECK(line && strstr(line, "\"raw_truncated\":true"));
    CHECK(line && strstr(line, "\"raw_bytes\":1000"));
    CHECK(line && !strstr(line, "corpus"));
    free(line);
}

int main(void)
{
    char cmd[4200];

    if (!mkdtemp(dir))
        return 1;
    test_error_format();
    test_atomic();
    test_rng_and_hash();
    test_reject_json();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_done("test_core");
}
