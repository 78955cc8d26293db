/*
 * The unified JSONL writer: one dialogue per line, everything kept (see
 * pl_dialogue_write in record.h).
 */
#include "writers_impl.h"

static enum pl_status unified_write(struct pl_writer *w,
                                    const struct pl_dialogue *d,
                                    struct pl_error *err)
{
    enum pl_status st = pl_dialogue_write(w->fp, d, err);

    if (st == PL_OK)
        w->st.records++;
    return st;
}

const struct pl_writer_ops pl_write_unified_ops = {
    NULL, unified_write, NULL, NULL
};
