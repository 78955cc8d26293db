/*
 * Rejects-file lines. See include/parlance/rejects.h.
 */
#include "parlance/rejects.h"

#include <stdlib.h>
#include <string.h>

#include "parlance/text.h"
#include "formats_impl.h"

static char *hex_of(const char *s, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *h = malloc(n * 2 + 1);

    for (size_t i = 0; h && i < n; i++) {
        h[2 * i] = digits[(unsigned char)s[i] >> 4];
        h[2 * i + 1] = digits[(unsigned char)s[i] & 15];
    }
    if (h)
        h[2 * n] = '\0';
    return h;
}

char *pl_reject_to_json(const struct pl_reject *r, const char *corpus)
{
    const struct pl_error *w = r->why;
    char path[sizeof w->path], reason[sizeof w->message];
    char *fixed = NULL, *hex = NULL, *line = NULL;
    size_t fixed_len = 0, bad = 0;
    json_t *o;

    if (pl_utf8_repair(r->raw, r->raw_len, &fixed, &fixed_len, &bad) !=
        PL_OK)
        return NULL;
    if (bad)
        hex = hex_of(r->raw, r->raw_len);
    pl_utf8_fit(path, sizeof path, w->path, strlen(w->path));
    pl_utf8_fit(reason, sizeof reason, w->message, strlen(w->message));
    o = json_pack("{s:s*, s:s, s:I, s:I, s:s, s:s, s:s%, s:s*}", "corpus",
                  corpus, "path", path, "line", (json_int_t)w->line,
                  "column", (json_int_t)w->column, "status",
                  pl_status_str(w->status), "reason", reason, "raw",
                  fixed, fixed_len, "raw_hex", hex);
    /* a record too large to keep whole says how much of it is missing */
    if (o && r->full_len > r->raw_len &&
        (json_object_set_new(o, "raw_truncated", json_true()) ||
         json_object_set_new(o, "raw_bytes", json_integer(
             (json_int_t)r->full_len)))) {
        json_decref(o);
        o = NULL;
    }
    if (o)
        line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    free(fixed);
    free(hex);
    return line;
}
