/*
 * The unified JSONL format, read back: one dialogue per line, built by
 * pl_dialogue_from_json. Duplicate keys are refused so that nothing is
 * silently dropped between reading and writing.
 */
#include "formats_impl.h"

static enum pl_status unified_line(struct pl_reader *r, json_t *obj,
                                   const char *raw, size_t n, long line,
                                   long index)
{
    struct pl_dialogue d;
    struct pl_error why;
    enum pl_status st;

    (void)index;
    st = pl_dialogue_from_json(&d, obj, r->path, line, &why);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &why);
    if (st != PL_OK)
        return pl_reader_reject(r, raw, n, &why);
    return pl_reader_emit(r, &d);
}

enum pl_status pl_unified_read(struct pl_reader *r, struct pl_lines *lr)
{
    return pl_jsonl_read(r, lr, JSON_REJECT_DUPLICATES, unified_line);
}
