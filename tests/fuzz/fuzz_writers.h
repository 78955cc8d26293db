/*
 * The write-back check for fuzz targets: read the input as one format,
 * write what was read with a writer, read that back, and require the
 * same records for everything the written format carries whenever the
 * writer reported nothing left out. A broken promise aborts. The
 * includer defines _POSIX_C_SOURCE 200809L first (open_memstream).
 */
#ifndef PARLANCE_FUZZ_WRITERS_H
#define PARLANCE_FUZZ_WRITERS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats_impl.h"
#include "parlance/writers.h"

static enum pl_status fuzz_take(struct pl_dialogue *d, void *ctx)
{
    enum pl_status st = pl_corpus_take(ctx, d);

    if (st != PL_OK)
        pl_dialogue_fini(d);
    return st;
}

static struct pl_corpus *fuzz_read(enum pl_format f, const char *name,
                                   const char *buf, size_t n)
{
    struct pl_corpus *c = pl_corpus_new("fuzz");
    struct pl_read_opts o;
    struct pl_read_stats st;
    struct pl_error err;

    if (!c)
        abort();
    pl_read_opts_default(&o);
    o.format = f;
    o.on_dialogue = fuzz_take;
    o.ctx = c;
    pl_read_buffer(name, buf, n, &o, &st, &err);
    return c;
}

static int fuzz_same_list(char *const *a, size_t na, char *const *b,
                          size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]))
            return 0;
    return 1;
}

/* The parts of a turn every writer but fastText carries exactly (for
 * records that came from the same format). */
static int fuzz_same_turn(const struct pl_turn *t, const struct pl_turn *u,
                          int table)
{
    if (t->role != u->role || strcmp(t->speaker, u->speaker) ||
        strcmp(t->text, u->text) ||
        !fuzz_same_list(t->intents, t->n_intents, u->intents, u->n_intents))
        return 0;
    if (table)
        return fuzz_same_list(t->acts, t->n_acts, u->acts, u->n_acts) &&
               json_equal(t->meta, u->meta) &&
               ((!t->timestamp && !u->timestamp) ||
                (t->timestamp && u->timestamp &&
                 !strcmp(t->timestamp, u->timestamp)));
    return json_equal(t->extra, u->extra);
}

static int fuzz_same_dialogue(const struct pl_dialogue *a,
                              const struct pl_dialogue *b, int table)
{
    if (a->n_turns != b->n_turns)
        return 0;
    if (table && (strcmp(a->id, b->id) || strcmp(a->corpus, b->corpus) ||
                  strcmp(a->split, b->split) || !json_equal(a->meta, b->meta)))
        return 0;
    for (size_t j = 0; j < a->n_turns; j++)
        if (!fuzz_same_turn(&a->turns[j], &b->turns[j], table))
            return 0;
    return 1;
}

/* Read data as format in, write it as out, read it back, compare. */
static void fuzz_write_back(enum pl_format in, enum pl_format out,
                            const char *name, const uint8_t *data,
                            size_t size)
{
    struct pl_corpus *a = fuzz_read(in, name, (const char *)data, size);
    struct pl_corpus *b;
    struct pl_write_stats ws;
    struct pl_writer *w;
    struct pl_error err;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    int table = out == PL_FMT_CSV || out == PL_FMT_TSV;

    if (!fp || pl_writer_open(out, fp, NULL, &w, &err) != PL_OK)
        abort();
    for (size_t i = 0; i < a->n_dialogues; i++)
        if (pl_writer_write(w, &a->dialogues[i], &err) != PL_OK)
            abort();
    if (pl_writer_close(w, &ws, &err) != PL_OK || fclose(fp) != 0)
        abort();
    b = fuzz_read(out, name, buf, len);
    if (pl_write_stats_lost(&ws) == 0) {
        if (a->n_dialogues != b->n_dialogues)
            abort();
        for (size_t i = 0; i < a->n_dialogues; i++)
            if (!fuzz_same_dialogue(&a->dialogues[i], &b->dialogues[i],
                                    table))
                abort();
    }
    free(buf);
    pl_corpus_free(a);
    pl_corpus_free(b);
}

#endif
