/*
 * Options for reading chat exports and transcripts, shared by the
 * commands that read corpora: --roles, --split-gap, --date-order.
 */
#include "cli.h"

#include <string.h>
#include <strings.h>

#include "parlance/formats.h"

/* Is every item of "Name=role,...,*=role" a name and a known role? */
static int roles_ok(const char *cmd, const char *spec)
{
    static const char *const names[] = {
        "user", "agent", "system", "tool", "other", "assistant", "bot",
        "human", "customer", "client"
    };
    const char *p = spec;

    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t rl = eq ? len - (size_t)(eq + 1 - p) : 0;
        int known = 0;

        for (size_t i = 0; eq && i < sizeof names / sizeof names[0]; i++)
            known |= rl == strlen(names[i]) &&
                     !strncasecmp(eq + 1, names[i], rl);
        if (!eq || eq == p || !known) {
            cli_usage(cmd, "--roles expects NAME=ROLE items separated by "
                      "commas (roles: user, agent, system, tool, other), "
                      "found \"%.*s\"", (int)len, p);
            return 0;
        }
        p = end ? end + 1 : NULL;
    }
    return 1;
}

int cli_export_option(struct args *a, const char *cmd, struct pl_read_opts *ro,
                      int *bad)
{
    const char *v;
    long minutes;

    if (arg_value(a, "--roles", &v, bad)) {
        if (!*bad && roles_ok(cmd, v))
            ro->speaker_roles = v;
        else
            *bad = 1;
    } else if (arg_value(a, "--split-gap", &v, bad)) {
        if (!*bad && parse_int(cmd, "--split-gap", v, 0, 5256000, &minutes))
            ro->split_gap_minutes = minutes ? minutes : -1;
        else
            *bad = 1;
    } else if (arg_value(a, "--date-order", &v, bad)) {
        if (!*bad && strcasecmp(v, "dmy") && strcasecmp(v, "mdy") &&
            strcasecmp(v, "ymd")) {
            cli_usage(cmd, "--date-order expects dmy, mdy or ymd, found "
                      "\"%s\"", v);
            *bad = 1;
        }
        ro->date_order = *bad ? NULL : v;
    } else {
        return 0;
    }
    return 1;
}
