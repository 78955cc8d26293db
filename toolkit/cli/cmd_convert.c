/*
 * parlance convert: any readable format to unified JSONL (or, with --to,
 * fastText, ParlAI text, OpenAI chat JSONL, CSV or TSV), streamed; what
 * the output format cannot hold is counted in the summary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parlance/formats.h"
#include "parlance/rejects.h"
#include "parlance/writers.h"

static const char HELP[] =
    "usage: parlance convert INPUT... [-o OUT] [--to FMT] [OPTIONS]\n"
    "\n"
    "Read conversation logs (files or folders, format detected from their\n"
    "content) and write them as unified JSONL, one dialogue per line, or\n"
    "in the format FMT, to OUT or standard output. Records that cannot be\n"
    "read are set aside with their location and reason in the rejects\n"
    "file, and the run goes on; a summary goes to standard error, with a\n"
    "count of everything the output format could not hold.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT     write here (atomically) instead of stdout\n"
    "  --to FMT             output format: unified (default), fasttext,\n"
    "                       parlai (ParlAI text), openai, csv, tsv\n"
    "  --label-prefix P     fastText label prefix, read and written\n"
    "                       (default __label__)\n"
    "  --rejects FILE       rejects file (default: OUT.rejects.jsonl, or\n"
    "                       rejects.jsonl when writing to stdout)\n"
    "  --format F           force the input format (default: detect);\n"
    "                       'parlance formats' lists the names\n"
    CLI_COLUMNS_HELP
    "  --utf8 repair|reject invalid UTF-8 in a record: repair (default) or\n"
    "                       reject the record\n"
    "  --strict             stop at the first bad record (exit 1); invalid\n"
    "                       UTF-8 then counts as bad, not repaired\n"
    "  -q, --quiet          no summary\n"
    CLI_EXPORT_HELP;

struct conv {
    struct pl_read_opts ro;
    struct pl_write_opts wo;
    enum pl_format to;
    struct pl_writer *w;
    const char *out;
    const char *rejects_path;
    char rejects_default[4096];
    const char *inputs[256];
    int n_inputs;
    int quiet;
    FILE *fp;
    struct pl_atomic rej;
    long reasons[PL_ERR_INTERNAL + 1];
    long write_failed;
    struct pl_error write_err;
};

static enum pl_status write_one(struct pl_dialogue *d, void *ctx)
{
    struct conv *c = ctx;
    enum pl_status st = pl_writer_write(c->w, d, &c->write_err);

    if (st == PL_ERR_IO)
        pl_error_set(&c->write_err, st, c->out ? c->out : "<stdout>", 0, 0,
                     "cannot write: %s", strerror(errno));
    pl_dialogue_fini(d);
    return st;
}

static void reject_one(const struct pl_reject *r, void *ctx)
{
    struct conv *c = ctx;
    char *line;

    c->reasons[r->why->status]++;
    if (!c->rej.fp &&
        pl_atomic_open(&c->rej, c->rejects_path, NULL) != PL_OK) {
        c->write_failed++;
        return;
    }
    line = pl_reject_to_json(r, NULL);
    if (line)
        fprintf(c->rej.fp, "%s\n", line);
    else
        c->write_failed++;
    free(line);
}

/* The --to format; "parlai" names ParlAI's text format. */
static int parse_to(const char *v, enum pl_format *to)
{
    int k = strcmp(v, "parlai") ? pl_format_parse(v) : PL_FMT_PARLAI_TEXT;

    if (k <= 0 || !pl_writer_supports((enum pl_format)k))
        return cli_usage("convert", "--to expects unified, fasttext, "
                         "parlai, openai, csv or tsv, found \"%s\"", v);
    *to = (enum pl_format)k;
    return 0;
}

static int parse(struct args *a, struct conv *c)
{
    int strict_utf8 = 0;
    const char *v;
    int bad = 0, k;

    while (a->i < a->argc && !bad) {
        const char *s = a->argv[a->i];

        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            fputs(HELP, stdout);
            exit(EXIT_OK);
        } else if (arg_value(a, "-o", &v, &bad) ||
                   arg_value(a, "--output", &v, &bad)) {
            c->out = v;
        } else if (arg_value(a, "--to", &v, &bad)) {
            if (!bad && parse_to(v, &c->to) != 0)
                return EXIT_USAGE;
        } else if (arg_value(a, "--label-prefix", &v, &bad)) {
            c->ro.label_prefix = c->wo.label_prefix = v;
        } else if (arg_value(a, "--rejects", &v, &bad)) {
            c->rejects_path = v;
        } else if (arg_value(a, "--format", &v, &bad)) {
            if (!bad && (k = pl_format_parse(v)) < 0)
                return cli_unknown_format("convert", v);
            c->ro.format = bad ? PL_FMT_AUTO : (enum pl_format)k;
        } else if (arg_value(a, "--utf8", &v, &bad)) {
            if (!bad && strcmp(v, "repair") && strcmp(v, "reject"))
                return cli_usage("convert", "--utf8 expects repair or "
                                 "reject, found \"%s\"", v);
            c->ro.utf8 = !bad && !strcmp(v, "reject") ? PL_UTF8_REJECT
                                                      : PL_UTF8_REPAIR;
        } else if (arg_columns(a, &c->ro, &bad)) {
            continue;
        } else if (cli_export_option(a, "convert", &c->ro, &bad)) {
            continue;
        } else if (arg_flag(a, "--strict")) {
            c->ro.strict = 1;
            strict_utf8 = 1;
        } else if (arg_flag(a, "-q") || arg_flag(a, "--quiet")) {
            c->quiet = 1;
        } else if (s[0] == '-' && s[1]) {
            return cli_usage("convert", "unknown option \"%s\"", s);
        } else if (c->n_inputs < 256) {
            c->inputs[c->n_inputs++] = a->argv[a->i++];
        } else {
            return cli_usage("convert", "at most 256 inputs");
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (strict_utf8)
        c->ro.utf8 = PL_UTF8_REJECT;
    if (c->n_inputs == 0)
        return cli_usage("convert", "no input given");
    return EXIT_OK;
}

/* What was written, and what the output format could not hold. */
static void write_summary(const struct conv *c,
                          const struct pl_write_stats *ws)
{
    const char *sep = "; not carried: ";

    fprintf(stderr, "parlance: wrote %ld dialogues as %s (%ld %s)",
            ws->dialogues, pl_format_name(c->to), ws->records,
            c->to == PL_FMT_CSV || c->to == PL_FMT_TSV ? "rows" : "lines");
    for (int k = 0; k < PL_LOSS_COUNT; k++)
        if (ws->lost[k]) {
            fprintf(stderr, "%s%ld %s", sep, ws->lost[k],
                    pl_loss_name((enum pl_loss)k));
            sep = ", ";
        }
    fputc('\n', stderr);
}

static void summary(const struct conv *c, const struct pl_read_stats *st,
                    const struct pl_write_stats *ws)
{
    if (c->quiet)
        return;
    fprintf(stderr, "parlance: %ld records read (%s): %ld kept, %ld "
            "rejected", st->read, st->formats, st->kept, st->rejected);
    for (int k = 0; k <= PL_ERR_INTERNAL; k++)
        if (c->reasons[k])
            fprintf(stderr, "; %ld %s", c->reasons[k],
                    pl_status_str((enum pl_status)k));
    if (st->files_skipped)
        fprintf(stderr, "; %ld files skipped", st->files_skipped);
    if (st->utf8_repaired)
        fprintf(stderr, "; %ld repaired invalid UTF-8", st->utf8_repaired);
    if (st->rejected)
        fprintf(stderr, " (see %s)", c->rejects_path);
    fputc('\n', stderr);
    if (c->to != PL_FMT_UNIFIED || pl_write_stats_lost(ws))
        write_summary(c, ws);
}

/* Read every input into the writer, adding up the counts. */
static enum pl_status read_all(struct conv *c, struct pl_read_stats *total,
                               struct pl_error *err)
{
    struct pl_read_stats st;
    enum pl_status s = PL_OK;

    memset(total, 0, sizeof *total);
    for (int i = 0; s == PL_OK && i < c->n_inputs; i++) {
        s = pl_read(c->inputs[i], &c->ro, &st, err);
        if (s != PL_OK && c->write_err.status != PL_OK)
            *err = c->write_err;
        total->read += st.read;
        total->kept += st.kept;
        total->rejected += st.rejected;
        total->utf8_repaired += st.utf8_repaired;
        total->files_skipped += st.files_skipped;
        snprintf(total->formats + strlen(total->formats),
                 sizeof total->formats - strlen(total->formats), "%s%s",
                 i ? ", " : "", st.formats);
    }
    if (s == PL_OK && c->write_failed)
        s = pl_error_set(err, PL_ERR_IO, c->rejects_path, 0, 0,
                         "%ld rejected records could not be written",
                         c->write_failed);
    return s;
}

/* Finish the output (the writer, then the files, stdout flushed). */
static enum pl_status finish(struct conv *c, struct pl_atomic *out,
                             struct pl_write_stats *ws, struct pl_error *err)
{
    enum pl_status s = PL_OK;

    if (c->rej.fp)
        s = pl_atomic_commit(&c->rej, err);
    if (s == PL_OK)
        s = pl_writer_close(c->w, ws, err);
    else
        pl_writer_free(c->w);
    c->w = NULL;
    if (s == PL_OK && c->out)
        s = pl_atomic_commit(out, err);
    else if (s == PL_OK && fflush(stdout) != 0)
        s = pl_error_set(err, PL_ERR_IO, "<stdout>", 0, 0, "write failed");
    if (s != PL_OK && err->path[0] == '\0')
        snprintf(err->path, sizeof err->path, "%s",
                 c->out ? c->out : "<stdout>");
    return s;
}

/* Says so and returns 1 when no record at all could be read. */
static int nothing_read(const struct pl_read_stats *st)
{
    if (st->kept > 0)
        return 0;
    if (st->rejected > 0)
        fprintf(stderr, "parlance: every record was rejected\n");
    else if (st->files == 0)
        fprintf(stderr, "parlance: no file in a known format was found\n");
    else
        return 0;
    return 1;
}

static int run(struct conv *c)
{
    struct pl_read_stats total;
    struct pl_write_stats ws;
    struct pl_error err;
    struct pl_atomic out = { 0 };
    enum pl_status s = PL_OK;

    memset(&ws, 0, sizeof ws);
    c->fp = stdout;
    if (c->out && (s = pl_atomic_open(&out, c->out, &err)) == PL_OK)
        c->fp = out.fp;
    if (s == PL_OK)
        s = pl_writer_open(c->to, c->fp, &c->wo, &c->w, &err);
    if (s == PL_OK)
        s = read_all(c, &total, &err);
    if (s == PL_OK)
        s = finish(c, &out, &ws, &err);
    pl_writer_free(c->w);
    pl_atomic_abort(&out);
    pl_atomic_abort(&c->rej);
    if (s != PL_OK) {
        cli_error(&err);
        return cli_exit_code(s);
    }
    summary(c, &total, &ws);
    return nothing_read(&total) ? EXIT_DATA : EXIT_OK;
}

int cmd_convert(struct args *a)
{
    struct conv c;
    int rc;

    memset(&c, 0, sizeof c);
    pl_read_opts_default(&c.ro);
    pl_write_opts_default(&c.wo);
    c.to = PL_FMT_UNIFIED;
    rc = parse(a, &c);
    if (rc != EXIT_OK)
        return rc;
    if (!c.rejects_path) {
        if (c.out)
            snprintf(c.rejects_default, sizeof c.rejects_default,
                     "%s.rejects.jsonl", c.out);
        else
            snprintf(c.rejects_default, sizeof c.rejects_default,
                     "rejects.jsonl");
        c.rejects_path = c.rejects_default;
    }
    cli_log_init(c.quiet, 0);
    c.ro.on_dialogue = write_one;
    c.ro.ctx = &c;
    c.ro.on_reject = reject_one;
    c.ro.reject_ctx = &c;
    return run(&c);
}
