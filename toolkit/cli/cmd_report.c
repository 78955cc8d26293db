/*
 * parlance report: render a saved report.json again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parlance/transfer.h"

static const char HELP[] =
    "usage: parlance report REPORT.json [-o OUT.md]\n"
    "\n"
    "Render a report.json written by 'parlance transfer' as Markdown, to\n"
    "OUT.md (atomically) or standard output.\n";

int cmd_report(struct args *a)
{
    const char *in = NULL, *out = NULL, *v;
    struct pl_error err;
    json_error_t je;
    json_t *r;
    int bad = 0, rc = EXIT_OK;

    while (a->i < a->argc) {
        if (!strcmp(a->argv[a->i], "--help") || !strcmp(a->argv[a->i], "-h"))
        {
            fputs(HELP, stdout);
            return EXIT_OK;
        }
        if (arg_value(a, "-o", &v, &bad) || arg_value(a, "--output", &v,
                                                      &bad)) {
            if (bad)
                return EXIT_USAGE;
            out = v;
        } else if (a->argv[a->i][0] == '-' || in) {
            return cli_usage("report", "unexpected argument \"%s\"",
                             a->argv[a->i]);
        } else {
            in = a->argv[a->i++];
        }
    }
    if (!in)
        return cli_usage("report", "no report given");
    pl_error_clear(&err);
    r = json_load_file(in, 0, &je);
    if (!r) {
        pl_error_set(&err, PL_ERR_PARSE, in, je.line, je.column, "%s",
                     je.text);
        cli_error(&err);
        return EXIT_DATA;
    }
    if (out) {
        if (pl_report_write_markdown(r, out, &err) != PL_OK)
            rc = cli_exit_code(err.status);
    } else {
        char *md = pl_report_markdown(r, &err);
        if (md && (fputs(md, stdout) == EOF || fflush(stdout) != 0))
            rc = cli_exit_code(pl_error_set(&err, PL_ERR_IO, "<stdout>", 0,
                                            0, "cannot write"));
        else if (!md)
            rc = cli_exit_code(err.status);
        free(md);
    }
    if (rc != EXIT_OK) {
        if (!err.path[0])
            snprintf(err.path, sizeof err.path, "%s", in);
        cli_error(&err);
    }
    json_decref(r);
    return rc;
}
