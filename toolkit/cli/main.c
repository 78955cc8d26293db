/*
 * parlance: the command-line entry point. Dispatches to one command per
 * stage of the job; see 'parlance --help'.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: parlance COMMAND [OPTIONS]\n"
    "\n"
    "Move dialogue models to new corpora and show whether the move worked.\n"
    "\n"
    "commands:\n"
    "  transfer   train on a source corpus, adapt to a target, report\n"
    "  convert    read any supported log format, write unified JSONL\n"
    "  stats      what a corpus holds: format, dialogues, turns, labels\n"
    "  report     render a saved report.json as Markdown\n"
    "  formats    list the formats parlance reads\n"
    "\n"
    "'parlance COMMAND --help' describes a command. Exit status: 0 done,\n"
    "1 bad or unusable data, 2 wrong usage.\n";

struct command {
    const char *name;
    int (*run)(struct args *a);
};

static const struct command COMMANDS[] = {
    { "transfer", cmd_transfer },
    { "convert", cmd_convert },
    { "stats", cmd_stats },
    { "report", cmd_report },
    { "formats", cmd_formats },
};

int main(int argc, char **argv)
{
    struct args a;

    if (argc < 2) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "help") && argc > 2) {
        char *again[] = { argv[0], argv[2], "--help", NULL };
        return main(3, again);
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        fputs(USAGE, stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("parlance %s\n", PL_VERSION_STRING);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++) {
        if (strcmp(argv[1], COMMANDS[i].name) != 0)
            continue;
        a.argc = argc;
        a.argv = argv;
        a.i = 2;
        a.cmd = COMMANDS[i].name;
        return COMMANDS[i].run(&a);
    }
    fprintf(stderr, "parlance: unknown command \"%s\"\n\n%s", argv[1],
            USAGE);
    return EXIT_USAGE;
}
