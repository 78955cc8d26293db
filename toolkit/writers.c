/*
 * The writer object: choosing a format's writer, passing dialogues to
 * it, and counting what the format leaves out. The formats themselves
 * are in write_*.c; what each carries is in include/parlance/writers.h.
 */
#include "writers_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats_impl.h"

static const char *const loss_names[PL_LOSS_COUNT] = {
    "dialogues without turns", "dialogue ids", "corpus names", "splits",
    "dialogue metadata keys", "dialogue extra members",
    "turns not written", "roles", "speaker names", "changed texts",
    "timestamps", "intents", "changed intents", "dialogue acts",
    "slot spans", "turn metadata keys", "turn extra members",
    "normalised texts",
};

const char *pl_loss_name(enum pl_loss k)
{
    if ((int)k < 0 || k >= PL_LOSS_COUNT)
        return "other items";
    return loss_names[k];
}

void pl_write_opts_default(struct pl_write_opts *o)
{
    memset(o, 0, sizeof *o);
}

long pl_write_stats_lost(const struct pl_write_stats *st)
{
    long n = 0;

    for (int k = 0; k < PL_LOSS_COUNT; k++)
        n += st->lost[k];
    return n;
}

static const struct pl_writer_ops *ops_for(enum pl_format f)
{
    switch (f) {
    case PL_FMT_UNIFIED: return &pl_write_unified_ops;
    case PL_FMT_FASTTEXT: return &pl_write_fasttext_ops;
    case PL_FMT_PARLAI_TEXT: return &pl_write_parlai_ops;
    case PL_FMT_OPENAI: return &pl_write_openai_ops;
    case PL_FMT_CSV:
    case PL_FMT_TSV: return &pl_write_csv_ops;
    default: return NULL;
    }
}

int pl_writer_supports(enum pl_format f)
{
    return ops_for(f) != NULL;
}

enum pl_status pl_writer_open(enum pl_format f, FILE *fp,
                              const struct pl_write_opts *o,
                              struct pl_writer **out, struct pl_error *err)
{
    const struct pl_writer_ops *ops = ops_for(f);
    struct pl_writer *w;
    enum pl_status st = PL_OK;

    *out = NULL;
    if (!ops || !fp)
        return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                            "expected an output format parlance writes "
                            "(unified, fasttext, parlai_text, openai, csv, "
                            "tsv), found %s", pl_format_name(f));
    if (!(w = calloc(1, sizeof *w)))
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    w->format = f;
    w->fp = fp;
    w->ops = ops;
    if (o)
        w->o = *o;
    if (!w->o.label_prefix || !w->o.label_prefix[0])
        w->o.label_prefix = "__label__";
    if (ops->open)
        st = ops->open(w, err);
    if (st != PL_OK) {
        pl_writer_free(w);
        return st;
    }
    *out = w;
    return PL_OK;
}

enum pl_status pl_writer_write(struct pl_writer *w,
                               const struct pl_dialogue *d,
                               struct pl_error *err)
{
    w->st.dialogues++;
    return w->ops->write(w, d, err);
}

enum pl_status pl_writer_close(struct pl_writer *w,
                               struct pl_write_stats *st,
                               struct pl_error *err)
{
    enum pl_status s = PL_OK;

    if (w->ops->finish)
        s = w->ops->finish(w, err);
    if (s == PL_OK && fflush(w->fp) != 0)
        s = pl_error_set(err, PL_ERR_IO, NULL, 0, 0, "write failed: %s",
                         strerror(errno));
    if (s == PL_OK)
        s = pl_wr_check(w, err);
    if (st)
        *st = w->st;
    pl_writer_free(w);
    return s;
}

void pl_writer_free(struct pl_writer *w)
{
    if (!w)
        return;
    if (w->ops && w->ops->fini)
        w->ops->fini(w);
    free(w);
}

const struct pl_write_stats *pl_writer_stats(const struct pl_writer *w)
{
    return &w->st;
}

/* ---- what a format leaves out --------------------------------------- */

/* Which of id, corpus and split a reader made up from the file name
 * (and the record's position): PL_CARRY bits of those. They are the
 * record's origin, which no format but unified carries. */
static unsigned made_up(const struct pl_dialogue *d)
{
    struct pl_file_names fn;
    char want[300];
    unsigned m = 0;

    if (!d->origin.path)
        return 0;
    pl_file_names_get(d->origin.path, &fn);
    snprintf(want, sizeof want, "%s:%ld", fn.stem, d->origin.index);
    if (d->origin.index >= 0 && !strcmp(want, d->id))
        m |= PL_CARRY(PL_LOSS_ID);
    if (!strcmp(fn.corpus, d->corpus))
        m |= PL_CARRY(PL_LOSS_CORPUS);
    if (!strcmp(fn.split, d->split))
        m |= PL_CARRY(PL_LOSS_SPLIT);
    return m;
}

static void lose(struct pl_writer *w, unsigned mask, enum pl_loss k,
                 long n)
{
    if (!(mask & PL_CARRY(k)))
        w->st.lost[k] += n;
}

void pl_wr_lose_dialogue(struct pl_writer *w, const struct pl_dialogue *d,
                         unsigned mask)
{
    mask |= made_up(d);
    lose(w, mask, PL_LOSS_ID, 1);
    lose(w, mask, PL_LOSS_CORPUS, d->corpus[0] != '\0');
    lose(w, mask, PL_LOSS_SPLIT, d->split[0] != '\0');
    lose(w, mask, PL_LOSS_DIALOGUE_META, (long)json_object_size(d->meta));
    lose(w, mask, PL_LOSS_DIALOGUE_EXTRA, (long)json_object_size(d->extra));
}

void pl_wr_lose_turn(struct pl_writer *w, const struct pl_turn *t,
                     unsigned mask)
{
    lose(w, mask, PL_LOSS_SPEAKER, t->speaker[0] != '\0');
    lose(w, mask, PL_LOSS_TIMESTAMP, t->timestamp != NULL);
    lose(w, mask, PL_LOSS_INTENT, (long)t->n_intents);
    lose(w, mask, PL_LOSS_ACT, (long)t->n_acts);
    lose(w, mask, PL_LOSS_SLOT, (long)t->n_slots);
    lose(w, mask, PL_LOSS_TURN_META, (long)json_object_size(t->meta));
    lose(w, mask, PL_LOSS_TURN_EXTRA, (long)json_object_size(t->extra));
    lose(w, mask, PL_LOSS_NORM, t->norm != NULL);
}

enum pl_status pl_wr_check(struct pl_writer *w, struct pl_error *err)
{
    if (ferror(w->fp))
        return pl_error_set(err, PL_ERR_IO, NULL, 0, 0, "write failed: %s",
                            strerror(errno));
    return PL_OK;
}

enum pl_status pl_wr_bad_text(const struct pl_dialogue *d,
                              struct pl_error *err)
{
    return pl_error_set(err, PL_ERR_DATA, d->origin.path, d->origin.line,
                        0, "cannot write dialogue \"%s\" (text that is "
                        "not valid UTF-8, or out of memory)", d->id);
}
