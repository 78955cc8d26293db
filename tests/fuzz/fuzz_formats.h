/*
 * Shared body of the format fuzz targets: read the input as one format
 * under several option sets and check what the reader promises. Every
 * dialogue must serialise, read back and serialise again to the same
 * bytes; stats must add up. A broken promise aborts, so the fuzzer
 * reports it; anything else about the input is fine.
 */
#ifndef PARLANCE_FUZZ_FORMATS_H
#define PARLANCE_FUZZ_FORMATS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats_impl.h"

static enum pl_status fuzz_round_trip(struct pl_dialogue *d, void *ctx)
{
    char *one = pl_dialogue_to_json(d), *two = NULL;
    json_t *j = one ? json_loads(one, 0, NULL) : NULL;
    struct pl_dialogue back;

    (void)ctx;
    if (!j || pl_dialogue_from_json(&back, j, "fuzz", 1, NULL) != PL_OK)
        abort();
    two = pl_dialogue_to_json(&back);
    if (!two || strcmp(one, two) != 0)
        abort();
    free(one);
    free(two);
    json_decref(j);
    pl_dialogue_fini(&back);
    pl_dialogue_fini(d);
    return PL_OK;
}

static void fuzz_reject(const struct pl_reject *r, void *ctx)
{
    (void)ctx;
    if (r->raw_len > 64 * 1024 || !r->why || r->why->status == PL_OK)
        abort();
}

/* Read data as format f (named name) with each option set. */
static void fuzz_format(enum pl_format f, const char *name,
                        const uint8_t *data, size_t size)
{
    static const struct { int utf8, strict; size_t max; } runs[] = {
        { PL_UTF8_REPAIR, 0, 0 }, { PL_UTF8_REJECT, 0, 0 },
        { PL_UTF8_REPAIR, 1, 0 }, { PL_UTF8_REPAIR, 0, 48 },
    };
    struct pl_read_opts o;
    struct pl_read_stats st;
    struct pl_error err;
    int schema;

    pl_sniff_buffer((const char *)data, size, 1, name, &schema, &err);
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        pl_read_opts_default(&o);
        o.format = f;
        o.utf8 = (enum pl_utf8_policy)runs[i].utf8;
        o.strict = runs[i].strict;
        o.max_record_bytes = runs[i].max;
        o.on_dialogue = fuzz_round_trip;
        o.on_reject = fuzz_reject;
        pl_read_buffer(name, (const char *)data, size, &o, &st, &err);
        if (st.read != st.kept + st.rejected)
            abort();
    }
}

#endif
