/*
 * Option parsing, error messages, logging and progress for the CLI.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "parlance/formats.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int arg_value(struct args *a, const char *name, const char **val, int *bad)
{
    const char *s = a->argv[a->i];
    size_t n = strlen(name);

    if (strncmp(s, name, n) != 0)
        return 0;
    if (s[n] == '=') {
        *val = s + n + 1;
        a->i++;
        return 1;
    }
    if (s[n] != '\0')
        return 0;
    if (a->i + 1 >= a->argc) {
        cli_usage(a->cmd, "option %s needs a value", name);
        *bad = 1;
        a->i++;
        return 1;
    }
    *val = a->argv[a->i + 1];
    a->i += 2;
    return 1;
}

int arg_flag(struct args *a, const char *name)
{
    if (strcmp(a->argv[a->i], name) != 0)
        return 0;
    a->i++;
    return 1;
}

int parse_int(const char *cmd, const char *opt, const char *s, long lo,
              long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        cli_usage(cmd, "%s expects a whole number from %ld to %ld, found "
                  "\"%s\"", opt, lo, hi, s);
        return 0;
    }
    *out = v;
    return 1;
}

int parse_float(const char *cmd, const char *opt, const char *s, double lo,
                double hi, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) {
        cli_usage(cmd, "%s expects a number from %g to %g, found \"%s\"",
                  opt, lo, hi, s);
        return 0;
    }
    *out = v;
    return 1;
}

void cli_error(const struct pl_error *err)
{
    char buf[2048];

    fprintf(stderr, "parlance: %s\n", pl_error_format(err, buf, sizeof buf));
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "parlance %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'parlance %s --help')\n", cmd);
    return EXIT_USAGE;
}

int cli_exit_code(enum pl_status st)
{
    return st == PL_OK ? EXIT_OK : st == PL_ERR_USAGE ? EXIT_USAGE
                                                      : EXIT_DATA;
}

static void log_stderr(enum pl_log_level lvl, const char *msg, void *ctx)
{
    static const char *const names[] = { "error", "warning", "info",
                                         "debug" };
    (void)ctx;
    fprintf(stderr, "parlance: %s: %s\n", names[lvl], msg);
}

void cli_log_init(int quiet, int verbose)
{
    pl_log_set(log_stderr, NULL, quiet ? PL_LOG_ERROR
                                 : verbose ? PL_LOG_DEBUG : PL_LOG_WARN);
}

void cli_progress(const struct pl_progress *p, void *ctx)
{
    static int tty = -1;
    double pct = p->steps ? 100.0 * p->step / p->steps : 100.0;

    if (ctx && *(int *)ctx)
        return;
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (tty) {
        fprintf(stderr, "\r%-16s epoch %d/%d %5.1f%%  loss %.4f  %6.0f "
                "ex/s\033[K", p->stage, p->epoch, p->epochs, pct, p->loss,
                p->per_second);
        if (p->done)
            fputc('\n', stderr);
    } else if (p->step == p->steps) {
        fprintf(stderr, "%s: epoch %d/%d  loss %.4f  %.0f examples/s\n",
                p->stage, p->epoch, p->epochs, p->loss, p->per_second);
    }
    fflush(stderr);
}

int cli_unknown_format(const char *cmd, const char *name)
{
    char names[400];

    return cli_usage(cmd, "unknown format \"%s\" (known: %s)", name,
                     pl_format_list(names, sizeof names));
}

int cmd_formats(struct args *a)
{
    if (a->i < a->argc && (!strcmp(a->argv[a->i], "--help") ||
                           !strcmp(a->argv[a->i], "-h"))) {
        puts("usage: parlance formats\n\nList the names of the formats "
             "parlance reads, one per line,\nfor --format and "
             "--source-format/--target-format.");
        return EXIT_OK;
    }
    for (int f = PL_FMT_AUTO + 1; f < PL_FMT_COUNT; f++)
        puts(pl_format_name((enum pl_format)f));
    return EXIT_OK;
}
