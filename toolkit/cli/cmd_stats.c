/*
 * parlance stats: what parlance understood of a corpus, at a glance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parlance/formats.h"
#include "parlance/text.h"

static const char HELP[] =
    "usage: parlance stats [OPTIONS] INPUT...\n"
    "\n"
    "Read each input (file or folder) and print the format detected and\n"
    "counts of dialogues, turns, roles, speakers, labels, splits and\n"
    "metadata fields. Options apply to the inputs after them.\n"
    "\n"
    "options:\n"
    "  --json               one JSON object per input instead\n"
    "  --format F           force the input format (default: detect);\n"
    "                       'parlance formats' lists the names\n"
    CLI_COLUMNS_HELP
    CLI_EXPORT_HELP;

struct tally {
    long dialogues, turns, labelled;
    struct pl_vocab *roles, *speakers, *intents, *acts, *splits;
    struct pl_vocab *turn_meta, *dlg_meta;
};

static void count_keys(struct pl_vocab *v, json_t *obj)
{
    const char *k;
    json_t *val;

    json_object_foreach(obj, k, val)
        pl_vocab_add(v, k);
}

static enum pl_status tally_one(struct pl_dialogue *d, void *ctx)
{
    struct tally *t = ctx;

    t->dialogues++;
    pl_vocab_add(t->splits, d->split[0] ? d->split : "(none)");
    count_keys(t->dlg_meta, d->meta);
    for (size_t i = 0; i < d->n_turns; i++) {
        const struct pl_turn *tu = &d->turns[i];

        t->turns++;
        t->labelled += tu->n_intents > 0;
        pl_vocab_add(t->roles, pl_role_name(tu->role));
        pl_vocab_add(t->speakers, tu->speaker[0] ? tu->speaker : "(none)");
        for (size_t k = 0; k < tu->n_intents; k++)
            pl_vocab_add(t->intents, tu->intents[k]);
        for (size_t k = 0; k < tu->n_acts; k++)
            pl_vocab_add(t->acts, tu->acts[k]);
        count_keys(t->turn_meta, tu->meta);
    }
    pl_dialogue_fini(d);
    return PL_OK;
}

/* "name (count), ..." for up to most entries. */
static json_t *counts_json(const struct pl_vocab *v)
{
    json_t *o = json_object();

    for (size_t i = 0; i < pl_vocab_size(v); i++)
        json_object_set_new(o, pl_vocab_word(v, (int)i),
                            json_integer(pl_vocab_count(v, (int)i)));
    return o;
}

static void print_counts(const char *what, const struct pl_vocab *v,
                         size_t most)
{
    size_t n = pl_vocab_size(v);

    printf("  %-10s %zu", what, n);
    for (size_t i = 0; i < n && i < most; i++)
        printf("%s%s (%ld)", i ? ", " : ": ", pl_vocab_word(v, (int)i),
               pl_vocab_count(v, (int)i));
    printf(n > most ? ", ...\n" : "\n");
}

static void print_text(const char *path, const struct pl_read_stats *st,
                       const struct tally *t)
{
    printf("%s\n  format     %s\n  files      %ld read, %ld skipped\n"
           "  dialogues  %ld\n  turns      %ld (%ld with an intent)\n"
           "  records    %ld read, %ld rejected, %ld with repaired UTF-8\n",
           path, st->formats, st->files, st->files_skipped, t->dialogues,
           t->turns, t->labelled, st->read, st->rejected,
           st->utf8_repaired);
    print_counts("splits", t->splits, 8);
    print_counts("roles", t->roles, 8);
    print_counts("speakers", t->speakers, 8);
    print_counts("intents", t->intents, 12);
    print_counts("acts", t->acts, 12);
    print_counts("turn meta", t->turn_meta, 16);
    print_counts("dlg meta", t->dlg_meta, 16);
}

static void print_json(const char *path, const struct pl_read_stats *st,
                       const struct tally *t)
{
    json_t *o = json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o,"
        " s:o, s:o, s:o, s:o}", "path", path, "format", st->formats,
        "files", (json_int_t)st->files, "files_skipped",
        (json_int_t)st->files_skipped, "dialogues",
        (json_int_t)t->dialogues, "turns", (json_int_t)t->turns,
        "labelled_turns", (json_int_t)t->labelled, "records_read",
        (json_int_t)st->read, "rejected", (json_int_t)st->rejected,
        "utf8_repaired", (json_int_t)st->utf8_repaired, "splits",
        counts_json(t->splits), "roles", counts_json(t->roles), "speakers",
        counts_json(t->speakers), "intents", counts_json(t->intents),
        "acts", counts_json(t->acts), "turn_meta", counts_json(t->turn_meta),
        "dialogue_meta", counts_json(t->dlg_meta));

    if (o)
        json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(o);
}

static void tally_fini(struct tally *t)
{
    struct pl_vocab *all[] = { t->roles, t->speakers, t->intents, t->acts,
                               t->splits, t->turn_meta, t->dlg_meta };

    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        pl_vocab_free(all[i]);
}

static int stats_one(const char *path, struct pl_read_opts *ro, int json)
{
    struct tally t = { 0, 0, 0, pl_vocab_new(), pl_vocab_new(),
                       pl_vocab_new(), pl_vocab_new(), pl_vocab_new(),
                       pl_vocab_new(), pl_vocab_new() };
    struct pl_read_stats st;
    struct pl_error err;
    enum pl_status s;

    ro->on_dialogue = tally_one;
    ro->ctx = &t;
    s = pl_read(path, ro, &st, &err);
    if (s == PL_OK && json)
        print_json(path, &st, &t);
    else if (s == PL_OK)
        print_text(path, &st, &t);
    else
        cli_error(&err);
    if (s == PL_OK && st.files == 0) {
        fprintf(stderr, "parlance: %s: no file in a known format\n", path);
        s = PL_ERR_DATA;
    } else if (s == PL_OK && st.kept == 0 && st.rejected > 0) {
        fprintf(stderr, "parlance: %s: every record was rejected\n", path);
        s = PL_ERR_DATA;
    }
    if (s == PL_OK && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "parlance: cannot write to standard output\n");
        s = PL_ERR_IO;
    }
    tally_fini(&t);
    return cli_exit_code(s);
}

int cmd_stats(struct args *a)
{
    struct pl_read_opts ro;
    int json = 0, rc = EXIT_OK, n = 0, bad = 0, k;
    const char *v;

    pl_read_opts_default(&ro);
    for (int i = a->i; i < a->argc; i++)
        if (!strcmp(a->argv[i], "--help") || !strcmp(a->argv[i], "-h")) {
            fputs(HELP, stdout);
            return EXIT_OK;
        }
    cli_log_init(0, 0);
    while (a->i < a->argc) {
        if (arg_flag(a, "--json")) {
            json = 1;
        } else if (arg_value(a, "--format", &v, &bad)) {
            if (bad || (k = pl_format_parse(v)) < 0)
                return bad ? EXIT_USAGE
                           : cli_unknown_format("stats", v);
            ro.format = (enum pl_format)k;
        } else if (arg_columns(a, &ro, &bad)) {
            if (bad)
                return EXIT_USAGE;
        } else if (cli_export_option(a, "stats", &ro, &bad)) {
            if (bad)
                return EXIT_USAGE;
        } else if (a->argv[a->i][0] == '-' && a->argv[a->i][1]) {
            return cli_usage("stats", "unknown option \"%s\"",
                             a->argv[a->i]);
        } else {
            int r = stats_one(a->argv[a->i++], &ro, json);
            rc = rc ? rc : r;
            n++;
        }
    }
    return n ? rc : cli_usage("stats", "no input given");
}
