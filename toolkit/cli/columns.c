/*
 * The CSV/TSV column options every command that reads accepts.
 */
#include <string.h>

#include "cli.h"
#include "parlance/formats.h"

int arg_columns(struct args *a, struct pl_read_opts *ro, int *bad)
{
    const char *v = NULL;

    if (arg_value(a, "--text-column", &v, bad))
        ro->text_column = v;
    else if (arg_value(a, "--label-column", &v, bad))
        ro->label_column = v;
    else if (arg_value(a, "--speaker-column", &v, bad))
        ro->speaker_column = v;
    else if (arg_value(a, "--dialogue-column", &v, bad))
        ro->dialogue_column = v;
    else if (arg_value(a, "--timestamp-column", &v, bad))
        ro->timestamp_column = v;
    else if (arg_value(a, "--label-separator", &v, bad))
        ro->label_separator = v;
    else
        return 0;
    return 1;
}
