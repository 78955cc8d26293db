/*
 * Outputs of a transfer run: the per-example predictions file, the model
 * checkpoints, and the versioned JSON report.
 */
#define _POSIX_C_SOURCE 200809L
#include "transfer_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parlance/eval.h"
#include "slices.h"

/* ---- predictions.jsonl ------------------------------------------------- */

static json_t *prediction_json(const struct job *j, long i)
{
    const struct pl_item *it = &j->tgt.test.items[i];
    json_t *preds = json_object();

    for (int s = 0; preds && s < j->n_sys; s++) {
        const struct system *sy = &j->sys[s];
        if (!sy->applicable)
            continue;
        json_object_set_new(preds, sy->name, json_pack(
            "{s:s?, s:f}", "label",
            sy->pred[i] >= 0 ? pl_vocab_word(j->labels, sy->pred[i]) : NULL,
            "confidence", (double)sy->conf[i]));
    }
    return json_pack("{s:s, s:I, s:s, s:s, s:o}", "dialogue", it->dlg->id,
                     "turn", (json_int_t)it->turn->index, "text",
                     it->turn->text, "gold", it->label, "predictions",
                     preds);
}

enum pl_status write_predictions(struct job *j, struct pl_error *err)
{
    char path[4096];
    struct pl_atomic a;
    enum pl_status st;

    snprintf(path, sizeof path, "%s/predictions.jsonl", j->o->out_dir);
    st = pl_atomic_open(&a, path, err);
    for (long i = 0; st == PL_OK && i < j->tgt.test.n; i++) {
        json_t *o = prediction_json(j, i);
        char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)
                       : NULL;

        if (!line)
            st = pl_error_set(err, PL_ERR_NOMEM, path, 0, 0,
                              "out of memory");
        else
            fprintf(a.fp, "%s\n", line);
        free(line);
        json_decref(o);
    }
    if (st == PL_OK)
        return pl_atomic_commit(&a, err);
    pl_atomic_abort(&a);
    return st;
}

/* ---- checkpoints --------------------------------------------------------- */

static char **vocab_strings(const struct pl_vocab *v)
{
    size_t n = pl_vocab_size(v);
    char **s = malloc((n ? n : 1) * sizeof *s);

    for (size_t i = 0; s && i < n; i++)
        s[i] = (char *)pl_vocab_word(v, (int)i);
    return s;
}

static char *feature_json(const struct pl_feature_opts *f)
{
    json_t *o = json_pack("{s:s, s:b, s:b, s:b, s:i, s:i, s:i, s:i, s:i, "
                          "s:i}",
                          "normalization",
                          f->text.form == PL_NORM_NFKC ? "NFKC"
                          : f->text.form == PL_NORM_NONE ? "none" : "NFC",
                          "casefold", f->text.casefold, "strip_marks",
                          f->text.strip_marks, "collapse_space",
                          f->text.collapse_space, "ngram_min", f->ngram_min,
                          "ngram_max", f->ngram_max, "buckets",
                          (int)f->n_buckets, "max_tokens", f->max_tokens,
                          "min_count", f->min_count, "context",
                          f->context);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    json_decref(o);
    return s;
}

static enum pl_status save_bundle(const struct job *j, const struct bundle *b,
                                  const char *name, json_t *files,
                                  struct pl_error *err)
{
    struct pl_model_meta mm;
    char path[4096], rel[256];
    enum pl_status st;

    memset(&mm, 0, sizeof mm);
    mm.vocab = vocab_strings(b->words);
    mm.n_vocab = (int)pl_vocab_size(b->words);
    mm.labels = vocab_strings(b->labels);
    mm.n_labels = (int)pl_vocab_size(b->labels);
    mm.text_config = feature_json(&j->feat);
    snprintf(rel, sizeof rel, "models/%s.plm", name);
    snprintf(path, sizeof path, "%s/%s", j->o->out_dir, rel);
    st = mm.vocab && mm.labels && mm.text_config
             ? pl_model_save(b->m, &mm, path, err)
             : pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (st == PL_OK)
        json_array_append_new(files, json_string(rel));
    free(mm.vocab);
    free(mm.labels);
    free(mm.text_config);
    return st;
}

static enum pl_status save_models(const struct job *j, json_t *files,
                                  struct pl_error *err)
{
    enum pl_status st = save_bundle(j, &j->src_model, "source", files, err);

    for (int s = 0; st == PL_OK && s < j->n_sys; s++)
        if (j->sys[s].trained)
            st = save_bundle(j, &j->sys[s].model, j->sys[s].name, files,
                             err);
    return st;
}

/* ---- report.json --------------------------------------------------------- */

static json_t *interval(struct pl_interval iv)
{
    return json_pack("[f, f]", iv.lo, iv.hi);
}

static json_t *side_json(const struct side *s)
{
    size_t turns = 0;

    for (size_t i = 0; i < s->corpus->n_dialogues; i++)
        turns += s->corpus->dialogues[i].n_turns;
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:O, s:I, "
                     "s:I}", "path", s->path, "formats", s->stats.formats,
                     "files_skipped", (json_int_t)s->stats.files_skipped,
                     "dialogues", (json_int_t)s->corpus->n_dialogues,
                     "turns", (json_int_t)turns,
                     "records_read", (json_int_t)s->stats.read,
                     "rejected", (json_int_t)s->stats.rejected,
                     "utf8_repaired", (json_int_t)s->stats.utf8_repaired,
                     "split", s->split_info,
                     "train_examples", (json_int_t)s->train.n,
                     "test_examples", (json_int_t)s->test.n);
}

/* A float setting as the short decimal it was given as (0.002, not
 * 0.0020000000949949026). */
static double tidy(float x)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%.6g", (double)x);
    return strtod(buf, NULL);
}

static json_t *settings_json(const struct job *j)
{
    const struct pl_transfer_opts *o = j->o;
    json_t *feat = NULL;
    char *fs = feature_json(&j->feat);

    if (fs)
        feat = json_loads(fs, 0, NULL);
    free(fs);
    return json_pack("{s:I, s:i, s:i, s:i, s:i, s:i, s:f, s:f, s:f, s:i, "
                     "s:i, s:o*}",
                     "seed", (json_int_t)o->seed, "dim", o->dim, "hidden",
                     o->hidden, "epochs", o->epochs, "finetune_epochs",
                     o->finetune_epochs, "batch", o->batch, "lr",
                     tidy(o->lr), "finetune_lr", tidy(o->finetune_lr),
                     "test_fraction", o->test_fraction, "min_slice",
                     o->min_slice, "resamples", o->resamples, "features",
                     feat);
}

/* How the number of context turns was chosen. */
static json_t *context_json(const struct job *j)
{
    return json_pack("{s:i, s:s, s:f}", "turns", j->feat.context, "chosen",
                     j->o->feat.context < 0 ? "auto" : "by option",
                     "label_persistence", j->label_persistence);
}

/* Target test labels missing from a label set, with their counts. */
static json_t *missing_labels(const struct job *j, const struct pl_vocab *in)
{
    size_t K = pl_vocab_size(j->labels);
    long *n = calloc(K ? K : 1, sizeof *n);
    json_t *out = json_array();

    for (long i = 0; n && i < j->tgt.test.n; i++)
        n[j->gold[i]]++;
    for (size_t k = 0; n && out && k < K; k++) {
        const char *name = pl_vocab_word(j->labels, (int)k);
        if (n[k] && pl_vocab_find(in, name) < 0)
            json_array_append_new(out, json_pack("{s:s, s:I}", "label",
                                  name, "test_examples", (json_int_t)n[k]));
    }
    free(n);
    return out;
}

/* Label overlap between source and target. */
static json_t *labels_json(const struct job *j)
{
    json_t *shared = json_array(), *tonly = json_array();
    json_t *sonly = json_array();
    const struct pl_vocab *sl = j->src_model.labels, *tl = j->tgt_labels;
    size_t n_shared = 0;

    for (size_t k = 0; k < pl_vocab_size(sl); k++)
        if (pl_vocab_find(tl, pl_vocab_word(sl, (int)k)) < 0)
            json_array_append_new(sonly,
                                  json_string(pl_vocab_word(sl, (int)k)));
    for (size_t k = 0; k < pl_vocab_size(tl); k++) {
        const char *name = pl_vocab_word(tl, (int)k);
        int in_src = pl_vocab_find(sl, name) >= 0;

        json_array_append_new(in_src ? shared : tonly, json_string(name));
        n_shared += (size_t)in_src;
    }
    return json_pack("{s:I, s:I, s:o, s:o, s:I, s:o, s:o, s:o}", "source",
                     (json_int_t)pl_vocab_size(sl), "target_train",
                     (json_int_t)pl_vocab_size(tl), "shared", shared,
                     "target_only", tonly, "source_only",
                     (json_int_t)(pl_vocab_size(sl) - n_shared),
                     "source_only_labels", sonly,
                     "unmatched_in_zero_shot", missing_labels(j, sl),
                     "not_in_target_train", missing_labels(j, tl));
}

static struct pl_bootstrap_opts boot_opts(const struct job *j)
{
    struct pl_bootstrap_opts bo;

    pl_bootstrap_opts_default(&bo);
    bo.resamples = j->o->resamples;
    bo.seed = j->o->seed;
    return bo;
}

/* Scores with intervals on the examples idx (NULL: all n). */
static json_t *scores_json(const struct job *j, const int *pred,
                           const long *idx, long n, struct pl_error *err)
{
    struct pl_bootstrap_opts bo = boot_opts(j);
    int K = (int)pl_vocab_size(j->labels);
    struct pl_scores sc;
    struct pl_interval acc, f1;

    if (pl_scores_compute(j->gold, pred, idx, n, K, &sc, err) != PL_OK ||
        pl_scores_bootstrap(j->gold, pred, idx, n, K, &bo, &acc, &f1,
                            err) != PL_OK)
        return NULL;
    return json_pack("{s:I, s:I, s:f, s:o, s:f, s:o, s:i}", "n",
                     (json_int_t)sc.n, "correct", (json_int_t)sc.correct,
                     "accuracy", sc.accuracy, "accuracy_ci", interval(acc),
                     "macro_f1", sc.macro_f1, "macro_f1_ci", interval(f1),
                     "labels", sc.n_labels);
}

/* Test examples whose gold label the source model knows. */
static long *shared_examples(const struct job *j, long *n)
{
    long *idx = malloc((size_t)(j->tgt.test.n ? j->tgt.test.n : 1) *
                       sizeof *idx);

    *n = 0;
    for (long i = 0; idx && i < j->tgt.test.n; i++)
        if (pl_vocab_find(j->src_model.labels, j->tgt.test.items[i].label)
            >= 0)
            idx[(*n)++] = i;
    return idx;
}

static json_t *losses_json(const struct pl_fit_log *log)
{
    json_t *a = json_array();

    for (int e = 0; a && e < log->epochs; e++)
        json_array_append_new(a, json_real(log->loss[e]));
    return a;
}

static json_t *system_json(const struct job *j, const struct system *s,
                           const long *shared, long n_shared,
                           struct pl_error *err)
{
    json_t *o = json_pack("{s:s, s:s, s:b}", "name", s->name,
                          "description", s->description, "applicable",
                          s->applicable);

    if (!o)
        return NULL;
    if (!s->applicable) {
        json_object_set_new(o, "why_not", json_string(s->why_not));
        if (s->shared_only)
            json_object_set_new(o, "shared_labels", scores_json(
                j, s->pred, shared, n_shared, err));
        return o;
    }
    if (s->trained) {
        json_object_set_new(o, "train_examples",
                            json_integer(s->train_examples));
        json_object_set_new(o, "epoch_loss", losses_json(&s->log));
        json_object_set_new(o, "train_seconds", json_real(s->log.seconds));
    }
    json_object_set_new(o, "overall", scores_json(j, s->pred, NULL,
                                                  j->tgt.test.n, err));
    if (n_shared > 0 && n_shared < j->tgt.test.n)
        json_object_set_new(o, "shared_labels",
                            scores_json(j, s->pred, shared, n_shared, err));
    return o;
}

static const struct system *find_system(const struct job *j,
                                        const char *name)
{
    for (int s = 0; s < j->n_sys; s++)
        if (!strcmp(j->sys[s].name, name) && j->sys[s].applicable)
            return &j->sys[s];
    return NULL;
}

/* Paired comparisons that answer "did the move work?". */
static json_t *comparisons_json(const struct job *j, struct pl_error *err)
{
    static const char *const pairs[][2] = {
        { "fine_tuned", "target_only" }, { "head_only", "target_only" },
        { "fine_tuned", "source_zero_shot" }, { "fine_tuned", "head_only" },
    };
    struct pl_bootstrap_opts bo = boot_opts(j);
    json_t *out = json_array();
    long n_shared = 0, *shared = shared_examples(j, &n_shared);

    for (size_t p = 0; out && shared && p < sizeof pairs / sizeof *pairs;
         p++) {
        const struct system *a = find_system(j, pairs[p][0]);
        const struct system *b = find_system(j, pairs[p][1]);
        /* zero-shot can only be right on labels the source has */
        int on_shared = !strcmp(pairs[p][1], "source_zero_shot");
        long n = on_shared ? n_shared : j->tgt.test.n;
        struct pl_paired pr;

        if (!a || !b || n == 0)
            continue;
        if (pl_scores_paired(j->gold, a->pred, b->pred,
                             on_shared ? shared : NULL, n,
                             (int)pl_vocab_size(j->labels), &bo, &pr,
                             err) != PL_OK) {
            json_decref(out);
            out = NULL;
            break;
        }
        json_array_append_new(out, json_pack(
            "{s:s, s:s, s:s, s:I, s:f, s:o, s:f, s:o, s:f}", "a", a->name,
            "b", b->name, "examples", on_shared ? "shared labels" : "all",
            "n", (json_int_t)n, "accuracy_diff", pr.acc_diff,
            "accuracy_diff_ci", interval(pr.acc_ci), "macro_f1_diff",
            pr.f1_diff, "macro_f1_diff_ci", interval(pr.f1_ci), "p_value",
            pr.p_value));
    }
    free(shared);
    if (!shared && out) {
        json_decref(out);
        out = NULL;
        pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    return out;
}

static json_t *slices_json(const struct job *j, json_t *skipped,
                           struct pl_error *err)
{
    const char *names[MAX_SYSTEMS];
    int *preds[MAX_SYSTEMS];
    struct slice_input in;
    int n = 0;

    for (int s = 0; s < j->n_sys; s++)
        if (j->sys[s].applicable) {
            names[n] = j->sys[s].name;
            preds[n++] = j->sys[s].pred;
        }
    memset(&in, 0, sizeof in);
    in.test = &j->tgt.test;
    in.gold = j->gold;
    in.K = (int)pl_vocab_size(j->labels);
    in.names = names;
    in.preds = preds;
    in.n_sys = n;
    in.src_words = j->src_words;
    in.src_services = j->src_services;
    in.src_domains = j->src_domains;
    in.src_labels = j->src_model.labels;
    in.min_slice = j->o->min_slice;
    in.max_values = j->o->max_slice_values;
    in.resamples = j->o->resamples;
    in.seed = j->o->seed;
    return slices_score(&in, skipped, err);
}

static json_t *systems_json(const struct job *j, struct pl_error *err)
{
    long n_shared = 0;
    long *shared = shared_examples(j, &n_shared);
    json_t *out = shared ? json_array() : NULL;

    for (int s = 0; out && s < j->n_sys; s++) {
        json_t *o = system_json(j, &j->sys[s], shared, n_shared, err);
        if (!o) {
            json_decref(out);
            out = NULL;
        } else {
            json_array_append_new(out, o);
        }
    }
    free(shared);
    return out;
}

static json_t *source_model_json(const struct job *j)
{
    json_t *o = json_pack("{s:I, s:I, s:I, s:o, s:f}", "vocabulary",
                          (json_int_t)pl_vocab_size(j->src_model.words),
                          "labels",
                          (json_int_t)pl_vocab_size(j->src_model.labels),
                          "train_examples", (json_int_t)j->src.train.n,
                          "epoch_loss", losses_json(&j->src_log),
                          "train_seconds", j->src_log.seconds);

    if (o && j->src_has_test)
        json_object_set_new(o, "in_domain_test", json_pack(
            "{s:I, s:f, s:f}", "n", (json_int_t)j->src_in_domain.n,
            "accuracy", j->src_in_domain.accuracy, "macro_f1",
            j->src_in_domain.macro_f1));
    return o;
}

static void now_iso(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *const NOTES[] = {
    "An example is a turn with at least one intent; its label is the "
    "first intent.",
    "Macro-F1 averages per-label F1 over the labels present in the "
    "scored set as gold or as prediction; absent labels are left out, "
    "labels only predicted count with F1 0.",
    "Intervals are 95% percentile bootstrap intervals over test examples; "
    "comparisons are paired bootstraps on the same examples.",
    "Slices smaller than min_slice are marked small and carry no interval.",
    NULL,
};

json_t *build_report(struct job *j, struct pl_error *err)
{
    char created[32];
    json_t *skipped = json_array(), *files = json_array(), *notes;
    json_t *systems, *cmp, *slices, *r;

    now_iso(created, sizeof created);
    notes = json_array();
    for (int i = 0; NOTES[i]; i++)
        json_array_append_new(notes, json_string(NOTES[i]));
    if (j->o->save_models && save_models(j, files, err) != PL_OK)
        return NULL;
    systems = systems_json(j, err);
    cmp = systems ? comparisons_json(j, err) : NULL;
    slices = cmp ? slices_json(j, skipped, err) : NULL;
    r = json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, "
                  "s:o, s:o, s:o, s:o, s:o, s:o}",
                  "report", "parlance transfer", "report_version",
                  PL_REPORT_VERSION, "parlance_version", PL_VERSION_STRING,
                  "created", created, "settings", settings_json(j),
                  "source", side_json(&j->src), "target",
                  side_json(&j->tgt), "source_model", source_model_json(j),
                  "context", context_json(j),
                  "labels", labels_json(j), "systems", systems,
                  "comparisons", cmp, "slices", slices, "skipped_fields",
                  skipped, "files", json_pack("{s:s, s:s, s:o}",
                  "predictions", "predictions.jsonl", "rejects",
                  "rejects.jsonl", "models", files), "notes", notes);
    if (!r && err && err->status == PL_OK)
        pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return r;
}
