/*
 * Shared pieces of the parlance command line: option parsing, messages,
 * progress display and exit codes.
 */
#ifndef PARLANCE_CLI_H
#define PARLANCE_CLI_H

#include "parlance/core.h"
#include "parlance/train.h"

enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2 };

/* Command-line cursor: argv without the program and command names. */
struct args {
    int argc;
    char **argv;
    int i;
    const char *cmd;
};

/*
 * If argv[i] is the option name (e.g. "--seed", also "--seed=5"), store
 * its value in *val (advancing past it) and return 1. A missing value is
 * a usage error: the message is printed and *bad set.
 */
int arg_value(struct args *a, const char *name, const char **val, int *bad);
/* If argv[i] is the flag name, advance and return 1. */
int arg_flag(struct args *a, const char *name);

int parse_int(const char *cmd, const char *opt, const char *s, long lo,
              long hi, long *out);
int parse_float(const char *cmd, const char *opt, const char *s, double lo,
                double hi, double *out);

/* "parlance: <formatted err>" on stderr. */
void cli_error(const struct pl_error *err);
/* "parlance CMD: message" on stderr, then a hint to --help. Returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Usage error for an unknown --format name, listing the known ones. */
int cli_unknown_format(const char *cmd, const char *name);
/* parlance formats: the names, one per line. */
int cmd_formats(struct args *a);

/* Exit code for a library status: 1 for data errors, 2 for usage. */
int cli_exit_code(enum pl_status st);

/* Library log messages to stderr, warnings and up unless verbose. */
void cli_log_init(int quiet, int verbose);

/* Progress on stderr: one line redrawn on a terminal, a line per epoch
 * otherwise. ctx must point to an int that is nonzero for quiet. */
void cli_progress(const struct pl_progress *p, void *ctx);

struct pl_read_opts;

/*
 * The CSV/TSV column options (--text-column, --label-column,
 * --speaker-column, --dialogue-column, --timestamp-column NAME and
 * --label-separator S): if argv[i] is one, store its value in ro and
 * return 1. The value is borrowed from argv.
 */
int arg_columns(struct args *a, struct pl_read_opts *ro, int *bad);

#define CLI_COLUMNS_HELP \
    "  --text-column NAME, --label-column NAME, --speaker-column NAME,\n" \
    "  --dialogue-column NAME, --timestamp-column NAME\n" \
    "                       CSV/TSV: the column holding each (default:\n" \
    "                       found by its usual header names; \"\" for\n" \
    "                       none); rows in a run with one dialogue id\n" \
    "                       form one dialogue\n" \
    "  --label-separator S  CSV/TSV: label fields hold several labels\n" \
    "                       separated by S (such as \"|\")\n"

/*
 * If argv[i] is a chat-export option (--roles NAME=ROLE,..., --split-gap
 * MINUTES, --date-order dmy|mdy|ymd), store it in *ro and return 1; a
 * bad value prints the usage message and sets *bad.
 */
int cli_export_option(struct args *a, const char *cmd, struct pl_read_opts *ro,
                      int *bad);

/* The --help lines for those options. */
#define CLI_EXPORT_HELP \
    "  --roles NAME=ROLE,...  chat exports and transcripts: roles of\n" \
    "                       speakers (user, agent, system, tool, other;\n" \
    "                       *=ROLE for everyone else); default: from the\n" \
    "                       name (User -> user, Bot -> agent, else other)\n" \
    "  --split-gap MINUTES  chat exports: a silence longer than this starts\n" \
    "                       a new dialogue (360; 0: never)\n" \
    "  --date-order ORDER   WhatsApp dates: dmy, mdy or ymd (default: from\n" \
    "                       the file)\n"

int cmd_transfer(struct args *a);
int cmd_convert(struct args *a);
int cmd_stats(struct args *a);
int cmd_report(struct args *a);

#endif
