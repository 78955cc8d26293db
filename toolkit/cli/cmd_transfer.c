/*
 * parlance transfer: the main job from two corpora to a report folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "cli.h"
#include "parlance/transfer.h"

static const char HELP[] =
    "usage: parlance transfer --source PATH --target PATH --out DIR "
    "[OPTIONS]\n"
    "\n"
    "Train an intent model on the source corpus, score it zero-shot on the\n"
    "target, adapt it to the target (full fine-tuning; new head on the\n"
    "frozen encoder), train a target-only baseline, and score all of them\n"
    "on the same target test split, overall and by metadata slice.\n"
    "PATH is a file or a folder in any supported format (detected).\n"
    "\n"
    "Writes DIR/report.json, DIR/report.md, DIR/predictions.jsonl,\n"
    "DIR/rejects.jsonl and DIR/models/*.plm; prints the report path.\n"
    "\n"
    "options:\n"
    "  --source-format F, --target-format F\n"
    "                       force a format (default: detect);\n"
    "                       'parlance formats' lists the names\n"
    CLI_COLUMNS_HELP
    "                       (the column options apply to both corpora)\n"
    "  --seed N             seed for weights, shuffling, splits (13)\n"
    "  --epochs N           source and target-only training epochs (8)\n"
    "  --finetune-epochs N  epochs when adapting to the target (8)\n"
    "  --lr X               learning rate from scratch (0.002)\n"
    "  --finetune-lr X      learning rate for fine-tuning (0.001)\n"
    "  --dim N --hidden N   embedding and GRU sizes (64, 128)\n"
    "  --batch N            minibatch size (32)\n"
    "  --test-fraction X    target test share when the target has no\n"
    "                       splits of its own (0.3)\n"
    "  --context N|auto     earlier turns of the dialogue given to the\n"
    "                       model with each turn (auto: 4 when the source's\n"
    "                       labels persist from turn to turn like a\n"
    "                       dialogue state, else 0)\n"
    "  --no-casefold        keep letter case (the model folds case by\n"
    "                       default; --casefold says so explicitly)\n"
    "  --nfkc               NFKC instead of NFC (changes meaning of some\n"
    "                       characters; off by default)\n"
    "  --strip-marks        remove accents and other combining marks\n"
    "  --utf8 repair|reject invalid UTF-8 in a record: repair it (default)\n"
    "                       or set the record aside in rejects.jsonl\n"
    "  --min-slice N        slices smaller than N are flagged (20)\n"
    "  --resamples N        bootstrap resamples for intervals (1000)\n"
    "  --no-models          do not write checkpoints\n"
    "  -q, --quiet          no progress output\n";

struct topts {
    struct pl_transfer_opts o;
    struct pl_read_opts columns;
    int quiet;
};

static int parse_format(const char *v, enum pl_format *f)
{
    int k = pl_format_parse(v);

    if (k < 0)
        return cli_unknown_format("transfer", v);
    *f = (enum pl_format)k;
    return 0;
}

/* Numeric options, each with its range. Returns 1 if argv[i] was one. */
static int parse_number(struct args *a, struct topts *t, int *bad)
{
    static const struct { const char *name; long lo, hi; } ints[] = {
        { "--seed", 0, 2147483647L }, { "--epochs", 1, PL_MAX_EPOCHS },
        { "--finetune-epochs", 1, PL_MAX_EPOCHS }, { "--dim", 1, 1024 },
        { "--hidden", 1, 2048 }, { "--batch", 1, 4096 },
        { "--min-slice", 1, 1000000 }, { "--resamples", 10, 100000 },
    };
    const char *v;
    long val;
    double x;

    for (size_t k = 0; k < sizeof ints / sizeof *ints; k++) {
        if (!arg_value(a, ints[k].name, &v, bad))
            continue;
        if (*bad || !parse_int("transfer", ints[k].name, v, ints[k].lo,
                               ints[k].hi, &val))
            return *bad = 1;
        switch (k) {
        case 0: t->o.seed = (unsigned long long)val; break;
        case 1: t->o.epochs = (int)val; break;
        case 2: t->o.finetune_epochs = (int)val; break;
        case 3: t->o.dim = (int)val; break;
        case 4: t->o.hidden = (int)val; break;
        case 5: t->o.batch = (int)val; break;
        case 6: t->o.min_slice = (int)val; break;
        default: t->o.resamples = (int)val; break;
        }
        return 1;
    }
    if (arg_value(a, "--context", &v, bad)) {
        if (!*bad && !strcmp(v, "auto"))
            t->o.feat.context = -1;
        else if (*bad || !parse_int("transfer", "--context (or auto)", v, 0,
                                    64, &val))
            return *bad = 1;
        else
            t->o.feat.context = (int)val;
        return 1;
    }
    if (arg_value(a, "--lr", &v, bad)) {
        if (*bad || !parse_float("transfer", "--lr", v, 1e-6, 1, &x))
            return *bad = 1;
        t->o.lr = (float)x;
        return 1;
    }
    if (arg_value(a, "--finetune-lr", &v, bad)) {
        if (*bad || !parse_float("transfer", "--finetune-lr", v, 1e-6, 1,
                                 &x))
            return *bad = 1;
        t->o.finetune_lr = (float)x;
        return 1;
    }
    if (arg_value(a, "--test-fraction", &v, bad)) {
        if (*bad || !parse_float("transfer", "--test-fraction", v, 0.01,
                                 0.99, &x))
            return *bad = 1;
        t->o.test_fraction = x;
        return 1;
    }
    return 0;
}

/* Text and other options. Returns 1 if argv[i] was one. */
static int parse_other(struct args *a, struct topts *t, int *bad)
{
    const char *v;

    if (arg_columns(a, &t->columns, bad))
        return 1;
    if (arg_value(a, "--source", &v, bad))
        t->o.source = v;
    else if (arg_value(a, "--target", &v, bad))
        t->o.target = v;
    else if (arg_value(a, "--out", &v, bad))
        t->o.out_dir = v;
    else if (arg_value(a, "--source-format", &v, bad))
        *bad |= !*bad && parse_format(v, &t->o.source_format) != 0;
    else if (arg_value(a, "--target-format", &v, bad))
        *bad |= !*bad && parse_format(v, &t->o.target_format) != 0;
    else if (arg_value(a, "--utf8", &v, bad)) {
        if (!*bad && !strcmp(v, "reject"))
            t->o.utf8 = PL_UTF8_REJECT;
        else if (!*bad && strcmp(v, "repair") != 0)
            *bad = cli_usage("transfer", "--utf8 expects repair or reject, "
                             "found \"%s\"", v) != 0;
    } else if (arg_flag(a, "--casefold"))
        t->o.feat.text.casefold = 1;
    else if (arg_flag(a, "--no-casefold"))
        t->o.feat.text.casefold = 0;
    else if (arg_flag(a, "--nfkc"))
        t->o.feat.text.form = PL_NORM_NFKC;
    else if (arg_flag(a, "--strip-marks"))
        t->o.feat.text.strip_marks = 1;
    else if (arg_flag(a, "--no-models"))
        t->o.save_models = 0;
    else if (arg_flag(a, "-q") || arg_flag(a, "--quiet"))
        t->quiet = 1;
    else
        return 0;
    return 1;
}

static int parse(struct args *a, struct topts *t)
{
    int bad = 0;

    while (a->i < a->argc && !bad) {
        if (!strcmp(a->argv[a->i], "--help") || !strcmp(a->argv[a->i], "-h"))
        {
            fputs(HELP, stdout);
            exit(EXIT_OK);
        }
        if (!parse_number(a, t, &bad) && !bad && !parse_other(a, t, &bad))
            return cli_usage("transfer", "%s \"%s\"",
                             a->argv[a->i][0] == '-' ? "unknown option"
                                                     : "unexpected argument",
                             a->argv[a->i]);
    }
    if (bad)
        return EXIT_USAGE;
    if (!t->o.source || !t->o.target || !t->o.out_dir)
        return cli_usage("transfer", "--source, --target and --out are all "
                         "required");
    if (!*t->o.source || !*t->o.target || !*t->o.out_dir)
        return cli_usage("transfer", "--source, --target and --out must not "
                         "be empty");
    return EXIT_OK;
}

/* Report files, then the one line scripts look for on stdout. */
static int write_outputs(const struct topts *t, json_t *report)
{
    struct pl_error err;
    char json_path[4096], md_path[4096];

    pl_error_clear(&err);
    snprintf(json_path, sizeof json_path, "%s/report.json", t->o.out_dir);
    snprintf(md_path, sizeof md_path, "%s/report.md", t->o.out_dir);
    if (pl_report_write_json(report, json_path, &err) != PL_OK ||
        pl_report_write_markdown(report, md_path, &err) != PL_OK) {
        cli_error(&err);
        return cli_exit_code(err.status);
    }
    if (!t->quiet)
        fprintf(stderr, "parlance: report written to %s and %s\n",
                md_path, json_path);
    printf("%s\n", md_path);
    return EXIT_OK;
}

int cmd_transfer(struct args *a)
{
    struct topts t;
    struct pl_error err;
    json_t *report = NULL;
    int rc;

    memset(&t, 0, sizeof t);
    pl_transfer_opts_default(&t.o);
    pl_read_opts_default(&t.columns);
    t.o.columns = &t.columns;
    rc = parse(a, &t);
    if (rc != EXIT_OK)
        return rc;
    cli_log_init(t.quiet, 0);
    /* The model's matrices are small: one BLAS thread is faster than two
     * and keeps runs reproducible. */
    openblas_set_num_threads(1);
    t.o.progress = cli_progress;
    t.o.progress_ctx = &t.quiet;
    pl_error_clear(&err);
    if (pl_transfer_run(&t.o, &report, &err) != PL_OK) {
        cli_error(&err);
        return cli_exit_code(err.status);
    }
    rc = write_outputs(&t, report);
    json_decref(report);
    return rc;
}
