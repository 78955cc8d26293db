/*
 * Shared body of the chat-export fuzz targets: the checks of
 * fuzz_formats.h, then one more read with the chat options set (speaker
 * roles, a one-minute split gap, a forced date order), since they take
 * other paths through the readers.
 */
#ifndef PARLANCE_FUZZ_EXPORT_H
#define PARLANCE_FUZZ_EXPORT_H

#include "fuzz_formats.h"

static void fuzz_export(enum pl_format f, const char *name,
                        const uint8_t *data, size_t size)
{
    struct pl_read_opts o;
    struct pl_read_stats st;
    struct pl_error err;

    fuzz_format(f, name, data, size);
    pl_read_opts_default(&o);
    o.format = f;
    o.speaker_roles = "dana=user, Bot=agent,*=other";
    o.split_gap_minutes = 1;
    o.date_order = "mdy";
    o.max_record_bytes = 300;
    o.on_dialogue = fuzz_round_trip;
    o.on_reject = fuzz_reject;
    pl_read_buffer(name, (const char *)data, size, &o, &st, &err);
    if (st.read != st.kept + st.rejected)
        abort();
}

#endif
