/*
 * The main job, stage by stage: read both corpora, decide the splits,
 * build examples, train the source model, score it zero-shot on the
 * target, adapt it (full fine-tuning and a new head on a frozen encoder),
 * train a target-only baseline, and score every system on the same target
 * test split. The report is assembled in transfer_report.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "transfer_impl.h"

#include "parlance/rejects.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void pl_transfer_opts_default(struct pl_transfer_opts *o)
{
    memset(o, 0, sizeof *o);
    pl_feature_opts_default(&o->feat);
    o->dim = 64;
    o->hidden = 128;
    o->epochs = 8;
    o->finetune_epochs = 8;
    o->batch = 32;
    o->lr = 2e-3f;
    o->finetune_lr = 1e-3f;
    o->test_fraction = 0.3;
    o->seed = 13;
    o->feat.context = -1;
    /* Folding case costs the model little and gains much when source and
     * target write differently (lower-case SMS against web chat: +10
     * points on the shipped corpora); --no-casefold keeps case. */
    o->feat.text.casefold = 1;
    o->min_zero_shot = 0.05;
    o->min_slice = 20;
    o->max_slice_values = 40;
    o->resamples = 1000;
    o->save_models = 1;
}

/* ---- reading ---------------------------------------------------------- */

/* Each rejected record becomes one JSON line in rejects.jsonl. */
static void on_reject(const struct pl_reject *r, void *ctx)
{
    struct side *s = ctx;
    char *line = pl_reject_to_json(r, s->name);

    s->rejected++;
    if (line)
        fprintf(s->job->rejects.fp, "%s\n", line);
    else
        s->job->rejects_lost++;
    free(line);
}

static enum pl_status read_side(struct job *j, struct side *s,
                                const char *path, enum pl_format fmt,
                                struct pl_error *err)
{
    struct pl_read_opts ro;
    enum pl_status st;

    pl_read_opts_default(&ro);
    if (j->o->columns) {
        ro.text_column = j->o->columns->text_column;
        ro.label_column = j->o->columns->label_column;
        ro.speaker_column = j->o->columns->speaker_column;
        ro.dialogue_column = j->o->columns->dialogue_column;
        ro.timestamp_column = j->o->columns->timestamp_column;
        ro.label_separator = j->o->columns->label_separator;
    }
    ro.format = fmt;
    ro.utf8 = j->o->utf8;
    ro.on_reject = on_reject;
    ro.reject_ctx = s;
    s->job = j;
    s->path = path;
    st = pl_corpus_read(path, &ro, &s->corpus, &s->stats, err);
    if (st == PL_OK && s->corpus->n_dialogues == 0)
        st = pl_error_set(err, PL_ERR_DATA, path, 0, 0,
                          "no dialogues could be read from the %s corpus",
                          s->name);
    return st;
}

/* ---- splits ------------------------------------------------------------ */

static int split_is(const struct pl_dialogue *d, const char *name)
{
    if (!strcmp(name, "dev"))
        return !strcmp(d->split, "dev") || !strcmp(d->split, "val") ||
               !strcmp(d->split, "valid") ||
               !strcmp(d->split, "validation");
    return !strcmp(d->split, name);
}

static int any_split(const struct pl_corpus *c, const char *name)
{
    for (size_t i = 0; i < c->n_dialogues; i++)
        if (split_is(&c->dialogues[i], name))
            return 1;
    return 0;
}

/* The splits present, for the report ("train, test"). */
static json_t *splits_seen(const struct pl_corpus *c)
{
    json_t *seen = json_object();

    for (size_t i = 0; i < c->n_dialogues; i++) {
        const char *sp = c->dialogues[i].split[0] ? c->dialogues[i].split
                                                  : "(none)";
        json_t *n = json_object_get(seen, sp);
        json_object_set_new(seen, sp, json_integer(
            n ? json_integer_value(n) + 1 : 1));
    }
    return seen;
}

/* Mark dialogues with split a as train and b as test. */
static void roles_by_split(struct side *s, const char *a, const char *b)
{
    for (size_t i = 0; i < s->corpus->n_dialogues; i++) {
        const struct pl_dialogue *d = &s->corpus->dialogues[i];
        s->role[i] = split_is(d, a) ? ROLE_TRAIN
                   : b && split_is(d, b) ? ROLE_TEST : ROLE_NONE;
    }
    s->split_info = json_pack("{s:s, s:s, s:s?, s:o}", "method", "corpus",
                              "train", a, "test", b, "splits_seen",
                              splits_seen(s->corpus));
}

/* A seeded split by dialogue: exactly round(n * fraction) go to test. */
static void roles_seeded(struct side *s, double fraction,
                         unsigned long long seed)
{
    size_t n = s->corpus->n_dialogues, n_test;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    struct pl_rng rng;

    n_test = (size_t)(fraction * (double)n + 0.5);
    if (n_test == 0 && n > 1)
        n_test = 1;
    if (n_test >= n && n > 1)
        n_test = n - 1;
    pl_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t k = pl_rng_below(&rng, i), t = order[i - 1];
        order[i - 1] = order[k];
        order[k] = t;
    }
    for (size_t i = 0; i < n; i++)
        s->role[order[i]] = i < n_test ? ROLE_TEST : ROLE_TRAIN;
    free(order);
    s->split_info = json_pack("{s:s, s:I, s:f, s:o}", "method", "seeded",
                              "seed", (json_int_t)seed, "test_fraction",
                              fraction, "splits_seen",
                              splits_seen(s->corpus));
}

static enum pl_status assign_roles(struct job *j, struct side *s,
                                   int is_target, struct pl_error *err)
{
    const struct pl_corpus *c = s->corpus;
    int tr = any_split(c, "train"), te = any_split(c, "test");
    int dv = any_split(c, "dev");

    s->role = calloc(c->n_dialogues, 1);
    if (!s->role)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (tr && (te || dv))
        roles_by_split(s, "train", te ? "test" : "dev");
    else if (!is_target && !tr)
        roles_seeded(s, 0.0, j->o->seed);
    else if (!is_target)
        roles_by_split(s, "train", NULL);
    else
        roles_seeded(s, j->o->test_fraction, j->o->seed);
    return s->split_info ? PL_OK
                         : pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0,
                                        "out of memory");
}

static int keep_train(const struct pl_dialogue *d, void *ctx)
{
    const struct side *s = ctx;
    return s->role[d - s->corpus->dialogues] == ROLE_TRAIN;
}

static int keep_test(const struct pl_dialogue *d, void *ctx)
{
    const struct side *s = ctx;
    return s->role[d - s->corpus->dialogues] == ROLE_TEST;
}

static enum pl_status build_side(struct job *j, struct side *s,
                                 struct pl_error *err)
{
    enum pl_status st;

    st = pl_dataset_build(&s->train, s->corpus, keep_train, s,
                          &j->feat, err);
    if (st == PL_OK)
        st = pl_dataset_build(&s->test, s->corpus, keep_test, s,
                              &j->feat, err);
    if (st == PL_OK && s->train.n == 0)
        st = pl_error_set(err, PL_ERR_DATA, s->path, 0, 0,
                          "the %s corpus has no labelled turns to train on "
                          "(no turn carries an intent)", s->name);
    return st;
}

/* ---- context ------------------------------------------------------------ */

/*
 * Share of labelled turns (after a dialogue's first) whose intent is the
 * one of the previous labelled turn. Near 1 the labels behave like a
 * dialogue state (SGD's active intent): the turn alone often cannot tell
 * it, earlier turns can. Near 0 each turn carries its own intent.
 */
static double label_persistence(const struct side *s)
{
    long same = 0, pairs = 0;

    for (size_t i = 0; i < s->corpus->n_dialogues; i++) {
        const struct pl_dialogue *d = &s->corpus->dialogues[i];
        const char *prev = NULL;

        if (s->role[i] != ROLE_TRAIN)
            continue;
        for (size_t k = 0; k < d->n_turns; k++) {
            const struct pl_turn *t = &d->turns[k];
            if (!t->n_intents)
                continue;
            if (prev) {
                pairs++;
                same += strcmp(prev, t->intents[0]) == 0;
            }
            prev = t->intents[0];
        }
    }
    return pairs ? (double)same / (double)pairs : 0.0;
}

/* Resolve context "auto" (-1): 4 earlier turns when labels persist. */
static void choose_context(struct job *j)
{
    j->feat = j->o->feat;
    j->label_persistence = label_persistence(&j->src);
    if (j->feat.context < 0)
        j->feat.context = j->label_persistence >= 0.5 ? 4 : 0;
}

/* ---- the job ------------------------------------------------------------ */

static enum pl_status prepare(struct job *j, struct pl_error *err)
{
    const struct pl_transfer_opts *o = j->o;
    enum pl_status st;

    j->src.name = "source";
    j->tgt.name = "target";
    st = read_side(j, &j->src, o->source, o->source_format, err);
    if (st == PL_OK)
        st = read_side(j, &j->tgt, o->target, o->target_format, err);
    if (st == PL_OK)
        st = assign_roles(j, &j->src, 0, err);
    if (st == PL_OK)
        st = assign_roles(j, &j->tgt, 1, err);
    if (st == PL_OK)
        choose_context(j);
    if (st == PL_OK)
        st = build_side(j, &j->src, err);
    if (st == PL_OK)
        st = build_side(j, &j->tgt, err);
    if (st == PL_OK && j->tgt.test.n == 0)
        st = pl_error_set(err, PL_ERR_DATA, o->target, 0, 0,
                          "the target test split has no labelled turns");
    return st;
}

/* mkdir -p: create dir and any missing parents. */
static int mkdirs(const char *dir)
{
    char p[4096];
    size_t n = strlen(dir);

    if (n == 0 || n >= sizeof p)
        return -1;
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (p[i] != '/')
            continue;
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return -1;
        p[i] = '/';
    }
    return mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Checkpoints an earlier run may have left, removed when this run does
 * not write its own, so that the folder never mixes runs. */
static void remove_old_models(const char *dir)
{
    static const char *const names[] = { "source", "source_zero_shot",
                                         "fine_tuned", "head_only",
                                         "target_only" };
    char path[4096];

    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/models/%s.plm", dir, names[i]);
        if (unlink(path) == 0)
            pl_log(PL_LOG_INFO, "removed %s from an earlier run", path);
    }
}

static enum pl_status make_out_dir(const struct pl_transfer_opts *o,
                                   struct pl_error *err)
{
    char path[4096];
    struct stat sb;

    if (stat(o->source, &sb) != 0 || stat(o->target, &sb) != 0)
        return pl_error_set(err, PL_ERR_IO,
                            stat(o->source, &sb) ? o->source : o->target,
                            0, 0, "cannot read: %s", strerror(errno));
    if (mkdirs(o->out_dir) != 0)
        return pl_error_set(err, PL_ERR_IO, o->out_dir, 0, 0,
                            "cannot create output folder: %s",
                            strerror(errno));
    if (!o->save_models) {
        remove_old_models(o->out_dir);
        return PL_OK;
    }
    snprintf(path, sizeof path, "%s/models", o->out_dir);
    if (mkdirs(path) != 0 || access(path, W_OK) != 0)
        return pl_error_set(err, PL_ERR_IO, path, 0, 0,
                            "cannot write into folder: %s", strerror(errno));
    return PL_OK;
}

static void side_fini(struct side *s)
{
    pl_dataset_fini(&s->train);
    pl_dataset_fini(&s->test);
    pl_corpus_free(s->corpus);
    free(s->role);
    json_decref(s->split_info);
}

static void job_fini(struct job *j)
{
    for (int i = 0; i < j->n_sys; i++)
        system_fini(&j->sys[i]);
    model_fini(&j->src_model);
    pl_vocab_free(j->labels);
    pl_vocab_free(j->tgt_labels);
    pl_vocab_free(j->src_services);
    pl_vocab_free(j->src_domains);
    pl_vocab_free(j->src_words);
    free(j->gold);
    side_fini(&j->src);
    side_fini(&j->tgt);
    pl_atomic_abort(&j->rejects);
    free(j->rejects_path);
}

enum pl_status pl_transfer_run(const struct pl_transfer_opts *o,
                               json_t **report, struct pl_error *err)
{
    struct job j;
    enum pl_status st;
    size_t n = strlen(o->out_dir) + 32;

    *report = NULL;
    memset(&j, 0, sizeof j);
    j.o = o;
    j.rejects_path = malloc(n);
    if (!j.rejects_path)
        return pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    snprintf(j.rejects_path, n, "%s/rejects.jsonl", o->out_dir);
    st = make_out_dir(o, err);
    if (st == PL_OK)
        st = pl_atomic_open(&j.rejects, j.rejects_path, err);
    if (st == PL_OK)
        st = prepare(&j, err);
    if (st == PL_OK)
        st = run_systems(&j, err);
    if (st == PL_OK && j.rejects_lost)
        st = pl_error_set(err, PL_ERR_NOMEM, j.rejects_path, 0, 0,
                          "%ld rejected records could not be written",
                          j.rejects_lost);
    if (st == PL_OK)
        st = pl_atomic_commit(&j.rejects, err);
    if (st == PL_OK)
        st = write_predictions(&j, err);
    if (st == PL_OK)
        *report = build_report(&j, err);
    if (st == PL_OK && !*report)
        st = err ? err->status : PL_ERR_NOMEM;
    job_fini(&j);
    return st;
}
