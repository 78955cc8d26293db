/*
 * Internal to the writers (writers.c and write_*.c): the writer object
 * every format fills in, and the counting of what a format leaves out.
 */
#ifndef PARLANCE_WRITERS_IMPL_H
#define PARLANCE_WRITERS_IMPL_H

#include "parlance/writers.h"

struct pl_writer;

/* What one format does; write is required, finish and fini may be
 * NULL. Each returns PL_OK or an error described in err. */
struct pl_writer_ops {
    enum pl_status (*open)(struct pl_writer *w, struct pl_error *err);
    enum pl_status (*write)(struct pl_writer *w,
                            const struct pl_dialogue *d,
                            struct pl_error *err);
    enum pl_status (*finish)(struct pl_writer *w, struct pl_error *err);
    void (*fini)(struct pl_writer *w);
};

struct pl_writer {
    enum pl_format format;
    FILE *fp;
    struct pl_write_opts o;
    struct pl_write_stats st;
    const struct pl_writer_ops *ops;
    void *state;            /* the format's own, freed by ops->fini */
};

extern const struct pl_writer_ops pl_write_unified_ops;
extern const struct pl_writer_ops pl_write_fasttext_ops;
extern const struct pl_writer_ops pl_write_parlai_ops;
extern const struct pl_writer_ops pl_write_openai_ops;
extern const struct pl_writer_ops pl_write_csv_ops;

/* Bit for loss kind k in a "what this format carries" mask. */
#define PL_CARRY(k) (1u << (k))

/*
 * Count what d holds at dialogue level that a format carrying only the
 * kinds in mask leaves out: the id, a non-empty corpus and split, each
 * metadata key and extra member. An id, corpus or split that a reader
 * made up from the file name (and position: "<stem>:<index>") is origin,
 * not content, and is not counted.
 */
void pl_wr_lose_dialogue(struct pl_writer *w, const struct pl_dialogue *d,
                         unsigned mask);

/* The same for a turn: speaker (when not ""), timestamp, intents, acts,
 * slots, metadata keys, extra members, normalised text. */
void pl_wr_lose_turn(struct pl_writer *w, const struct pl_turn *t,
                     unsigned mask);

/* PL_ERR_IO naming the output when fp has an error, else PL_OK. */
enum pl_status pl_wr_check(struct pl_writer *w, struct pl_error *err);

/* The JSON writers' one error for a record jansson would not encode. */
enum pl_status pl_wr_bad_text(const struct pl_dialogue *d,
                              struct pl_error *err);

#endif
