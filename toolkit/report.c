/*
 * Writing a transfer report as JSON and rendering it as Markdown. The
 * Markdown is made from the JSON alone, so a saved report.json can be
 * rendered again later without the corpora or models.
 */
#define _POSIX_C_SOURCE 200809L
#include "parlance/transfer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pl_status pl_report_write_json(const json_t *report, const char *path,
                                    struct pl_error *err)
{
    struct pl_atomic a;
    enum pl_status st = pl_atomic_open(&a, path, err);

    if (st != PL_OK)
        return st;
    if (json_dumpf(report, a.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0
        || fputc('\n', a.fp) == EOF) {
        pl_atomic_abort(&a);
        return pl_error_set(err, PL_ERR_IO, path, 0, 0, "write failed");
    }
    return pl_atomic_commit(&a, err);
}

/* ---- a growable text buffer ------------------------------------------- */

struct buf {
    char *s;
    size_t n;
    size_t cap;
    int failed;
};

static void put(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (b->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->failed = 1;
            return;
        }
        if ((size_t)k < b->cap - b->n)
            break;
        size_t c = (b->cap + (size_t)k + 1) * 2;
        char *ns = realloc(b->s, c);
        if (!ns) {
            b->failed = 1;
            return;
        }
        b->s = ns;
        b->cap = c;
    }
    b->n += (size_t)k;
}

/* Markdown table cells: escape pipes, fold newlines. */
static void put_cell(struct buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            put(b, "\\|");
        else if (*s == '\n' || *s == '\r')
            put(b, " ");
        else
            put(b, "%c", *s);
    }
}

/* ---- pieces of the report ------------------------------------------------ */

static double num(const json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static long long integer(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void put_pct_ci(struct buf *b, const json_t *o, const char *key)
{
    char ci_key[64];
    const json_t *ci;

    snprintf(ci_key, sizeof ci_key, "%s_ci", key);
    ci = json_object_get(o, ci_key);
    put(b, "%.1f", 100 * num(o, key));
    if (json_array_size(ci) == 2)
        put(b, " (%.1f–%.1f)",
            100 * json_number_value(json_array_get(ci, 0)),
            100 * json_number_value(json_array_get(ci, 1)));
}

static void put_data(struct buf *b, const json_t *r)
{
    static const char *const sides[] = { "source", "target" };

    put(b, "## Data\n\n| | source | target |\n|---|---|---|\n");
    static const char *const rows[][2] = {
        { "path", "path" }, { "format", "formats" },
        { "files skipped (no known format)", "files_skipped" },
        { "dialogues", "dialogues" }, { "turns", "turns" },
        { "records rejected", "rejected" },
        { "records with repaired UTF-8", "utf8_repaired" },
        { "training examples", "train_examples" },
        { "test examples", "test_examples" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        put(b, "| %s |", rows[i][0]);
        for (int s = 0; s < 2; s++) {
            const json_t *v = json_object_get(json_object_get(r, sides[s]),
                                              rows[i][1]);
            if (json_is_string(v)) {
                put(b, " `");
                put_cell(b, json_string_value(v));
                put(b, "` |");
            } else {
                put(b, " %lld |", (long long)json_integer_value(v));
            }
        }
        put(b, "\n");
    }
    for (int s = 0; s < 2; s++) {
        const json_t *sp = json_object_get(json_object_get(r, sides[s]),
                                           "split");
        if (!strcmp(str(sp, "method"), "seeded") && s == 1)
            put(b, "\nThe target has no train/test splits of its own, so a "
                "seeded split by dialogue was made: %.0f%% test, seed "
                "%lld.\n", 100 * num(sp, "test_fraction"),
                integer(sp, "seed"));
        else if (!strcmp(str(sp, "method"), "corpus"))
            put(b, "\nThe %s's splits come from the corpus: train = `%s`"
                "%s%s%s.\n", sides[s], str(sp, "train"),
                json_is_string(json_object_get(sp, "test")) ? ", test = `" : "",
                str(sp, "test"), json_is_string(json_object_get(sp, "test")) ? "`" : "");
    }
    put(b, "\n");
}

static void put_label_list(struct buf *b, const json_t *a, size_t most)
{
    size_t n = json_array_size(a);

    for (size_t i = 0; i < n && i < most; i++) {
        const json_t *v = json_array_get(a, i);
        const char *s = json_is_string(v) ? json_string_value(v)
                                          : str(v, "label");
        put(b, "%s`", i ? ", " : "");
        put_cell(b, s);
        put(b, "`");
        if (json_is_object(v))
            put(b, " (%lld)", integer(v, "test_examples"));
    }
    if (n > most)
        put(b, " and %zu more", n - most);
    if (n == 0)
        put(b, "none");
}

static void put_labels(struct buf *b, const json_t *r)
{
    const json_t *l = json_object_get(r, "labels");

    put(b, "## Labels\n\n- source labels: %lld; target training labels: "
        "%lld\n- shared by name (%zu): ", integer(l, "source"),
        integer(l, "target_train"),
        json_array_size(json_object_get(l, "shared")));
    put_label_list(b, json_object_get(l, "shared"), 40);
    put(b, "\n- target only (%zu): ",
        json_array_size(json_object_get(l, "target_only")));
    put_label_list(b, json_object_get(l, "target_only"), 40);
    put(b, "\n- source only (%lld): ", integer(l, "source_only"));
    put_label_list(b, json_object_get(l, "source_only_labels"), 40);
    put(b, "\n- target test labels the source model cannot predict "
        "(%zu): ", json_array_size(json_object_get(
                       l, "unmatched_in_zero_shot")));
    put_label_list(b, json_object_get(l, "unmatched_in_zero_shot"), 40);
    put(b, "\n- target test labels missing from target training (%zu): ",
        json_array_size(json_object_get(l, "not_in_target_train")));
    put_label_list(b, json_object_get(l, "not_in_target_train"), 40);
    put(b, "\n\n");
}

static void put_systems(struct buf *b, const json_t *r)
{
    const json_t *sys = json_object_get(r, "systems"), *s;
    size_t i;

    put(b, "## Systems on the target test split\n\n"
        "| system | accuracy %% (95%% CI) | macro-F1 %% (95%% CI) | "
        "examples | on shared labels: accuracy / macro-F1 %% |\n"
        "|---|---|---|---|---|\n");
    json_array_foreach(sys, i, s) {
        const json_t *ov = json_object_get(s, "overall");
        const json_t *sh = json_object_get(s, "shared_labels");

        put(b, "| `%s` | ", str(s, "name"));
        if (!json_is_true(json_object_get(s, "applicable"))) {
            put(b, "not applicable: %s | | | ", str(s, "why_not"));
        } else {
            put_pct_ci(b, ov, "accuracy");
            put(b, " | ");
            put_pct_ci(b, ov, "macro_f1");
            put(b, " | %lld | ", integer(ov, "n"));
        }
        if (sh)
            put(b, "%.1f / %.1f (n=%lld)", 100 * num(sh, "accuracy"),
                100 * num(sh, "macro_f1"), integer(sh, "n"));
        put(b, " |\n");
    }
    put(b, "\n");
    json_array_foreach(sys, i, s)
        put(b, "- `%s`: %s.\n", str(s, "name"), str(s, "description"));
    put(b, "\n");
    json_array_foreach(sys, i, s) {
        const json_t *sh = json_object_get(s, "shared_labels");
        long long n = integer(json_object_get(s, "overall"), "n");

        if (strcmp(str(s, "name"), "source_zero_shot") || !sh || !n)
            continue;
        put(b, "Zero-shot can only be right on the %lld of %lld test "
            "examples (%.1f%%) whose gold label the source also has.\n\n",
            integer(sh, "n"), n, 100.0 * integer(sh, "n") / n);
    }
}

/* The sentence a reader looks for first: did adapting beat the baseline? */
static void put_verdict(struct buf *b, const json_t *r)
{
    const json_t *cmp = json_object_get(r, "comparisons"), *c;
    size_t i;

    json_array_foreach(cmp, i, c) {
        double d = num(c, "accuracy_diff"), p = num(c, "p_value");
        const json_t *ci = json_object_get(c, "accuracy_diff_ci");
        double lo = json_number_value(json_array_get(ci, 0));
        double hi = json_number_value(json_array_get(ci, 1));
        const char *how = lo > 0 ? "beats" : hi < 0 ? "is worse than"
                        : "is not distinguishable from";

        put(b, "- `%s` %s `%s`", str(c, "a"), how, str(c, "b"));
        if (!strcmp(str(c, "examples"), "shared labels"))
            put(b, " on the %lld test examples whose label the source "
                "has", integer(c, "n"));
        put(b, ": accuracy %+.1f points (95%% CI %+.1f to %+.1f, ",
            100 * d, 100 * lo, 100 * hi);
        if (p < 0.001)
            put(b, "p < 0.001");
        else
            put(b, "p = %.3f", p);
        put(b, "); macro-F1 %+.1f points.\n", 100 * num(c, "macro_f1_diff"));
    }
    put(b, "\n");
}

static void put_slice_field(struct buf *b, const json_t *f,
                            const json_t *names)
{
    const json_t *v, *nm;
    size_t i, k;

    put(b, "### %s\n\n%s.\n\n| value | n |", str(f, "field"),
        str(f, "description"));
    json_array_foreach(names, k, nm)
        put(b, " `%s` acc %% | F1 %% |", json_string_value(nm));
    put(b, "\n|---|---|");
    json_array_foreach(names, k, nm)
        put(b, "---|---|");
    put(b, "\n");
    json_array_foreach(json_object_get(f, "values"), i, v) {
        const json_t *sc = json_object_get(v, "scores");
        int small = json_is_true(json_object_get(v, "small"));

        put(b, "| ");
        put_cell(b, str(v, "value"));
        put(b, "%s | %lld |", small ? " *" : "", integer(v, "n"));
        json_array_foreach(names, k, nm) {
            const json_t *s = json_object_get(sc, json_string_value(nm));
            put(b, " ");
            put_pct_ci(b, s, "accuracy");
            put(b, " | %.1f |", 100 * num(s, "macro_f1"));
        }
        put(b, "\n");
    }
    put(b, "\n");
}

static void put_slices(struct buf *b, const json_t *r)
{
    const json_t *sys = json_object_get(r, "systems"), *s, *f;
    json_t *names = json_array();
    size_t i;

    json_array_foreach(sys, i, s)
        if (json_is_true(json_object_get(s, "applicable")))
            json_array_append_new(names, json_string(str(s, "name")));
    put(b, "## By metadata slice\n\nValues marked * have fewer than %lld "
        "examples: read them as anecdotes.\n\n",
        integer(json_object_get(r, "settings"), "min_slice"));
    json_array_foreach(json_object_get(r, "slices"), i, f)
        put_slice_field(b, f, names);
    if (json_array_size(json_object_get(r, "skipped_fields"))) {
        put(b, "Fields not sliced: ");
        json_array_foreach(json_object_get(r, "skipped_fields"), i, f)
            put(b, "%s%s", i ? "; " : "", json_string_value(f));
        put(b, ".\n\n");
    }
    json_decref(names);
}

static void put_context(struct buf *b, const json_t *c)
{
    long long n = integer(c, "turns");

    if (!c)
        return;
    if (n > 0)
        put(b, "Each turn is read together with up to %lld earlier turns "
            "of its dialogue", n);
    else
        put(b, "Each turn is read on its own, without earlier turns");
    put(b, " (%s; in the source training data a labelled turn has the "
        "same intent as the previous labelled turn %.0f%% of the time).\n"
        "\n", strcmp(str(c, "chosen"), "auto") ? "set by option"
                                               : "chosen automatically",
        100 * num(c, "label_persistence"));
}

static void put_settings(struct buf *b, const json_t *r)
{
    const json_t *s = json_object_get(r, "settings");
    const json_t *f = json_object_get(s, "features");

    put(b, "## Settings\n\nseed %lld; model: embeddings %lld, GRU %lld; "
        "%lld epochs from scratch at learning rate %g, %lld epochs of "
        "fine-tuning at %g, batch %lld; text: %s%s%s, character %lld- to "
        "%lld-grams in %lld buckets, words seen fewer than %lld times are "
        "unknown, at most %lld tokens a turn; %lld bootstrap resamples.\n\n",
        integer(s, "seed"), integer(s, "dim"), integer(s, "hidden"),
        integer(s, "epochs"), num(s, "lr"), integer(s, "finetune_epochs"),
        num(s, "finetune_lr"), integer(s, "batch"), str(f, "normalization"),
        json_is_true(json_object_get(f, "casefold")) ? ", case folded" : "",
        json_is_true(json_object_get(f, "strip_marks")) ? ", marks stripped"
                                                       : "",
        integer(f, "ngram_min"), integer(f, "ngram_max"),
        integer(f, "buckets"), integer(f, "min_count"),
        integer(f, "max_tokens"), integer(s, "resamples"));
}

static void put_source(struct buf *b, const json_t *r)
{
    const json_t *sm = json_object_get(r, "source_model");
    const json_t *t = json_object_get(sm, "in_domain_test");

    put(b, "## Source model\n\nTrained on %lld source examples (%lld "
        "labels, vocabulary %lld words) in %.1f s.",
        integer(sm, "train_examples"), integer(sm, "labels"),
        integer(sm, "vocabulary"), num(sm, "train_seconds"));
    if (t)
        put(b, " On the source's own test split (%lld examples): accuracy "
            "%.1f%%, macro-F1 %.1f%%.", integer(t, "n"),
            100 * num(t, "accuracy"), 100 * num(t, "macro_f1"));
    put(b, "\n\n");
    put_context(b, json_object_get(r, "context"));
}

/* ---- checking a report before rendering it ------------------------------ */

static int need(const json_t *o, const char *key, json_type type,
                const char *where, struct pl_error *err)
{
    const json_t *v = json_object_get(o, key);
    int ok = v && (json_typeof(v) == type ||
                   (type == JSON_REAL && json_is_integer(v)) ||
                   (type == JSON_TRUE && json_is_boolean(v)));
    static const char *const names[] = { "an object", "an array",
                                         "a string", "an integer",
                                         "a number", "a boolean",
                                         "a boolean", "null" };

    if (!ok)
        pl_error_set(err, PL_ERR_FORMAT, NULL, 0, 0, "%s%s%s: expected %s, "
                     "found %s", where, *where ? "." : "", key, names[type],
                     v ? "another kind of value" : "nothing");
    return ok;
}

static int check_scores(const json_t *o, const char *where,
                        struct pl_error *err)
{
    return need(o, "n", JSON_INTEGER, where, err) &&
           need(o, "accuracy", JSON_REAL, where, err) &&
           need(o, "macro_f1", JSON_REAL, where, err);
}

static int check_system(const json_t *s, size_t i, struct pl_error *err)
{
    char where[64];

    snprintf(where, sizeof where, "systems[%zu]", i);
    if (!need(s, "name", JSON_STRING, where, err) ||
        !need(s, "applicable", JSON_TRUE, where, err))
        return 0;
    if (!json_is_true(json_object_get(s, "applicable")))
        return need(s, "why_not", JSON_STRING, where, err);
    if (!need(s, "overall", JSON_OBJECT, where, err))
        return 0;
    snprintf(where, sizeof where, "systems[%zu].overall", i);
    return check_scores(json_object_get(s, "overall"), where, err);
}

/* Every part the Markdown reads must be there, so that nothing missing
 * is rendered as a zero. */
static int check_report(const json_t *r, struct pl_error *err)
{
    static const char *const objects[] = { "settings", "source", "target",
                                           "source_model", "labels" };
    const json_t *s;
    size_t i;

    for (i = 0; i < sizeof objects / sizeof *objects; i++)
        if (!need(r, objects[i], JSON_OBJECT, "", err))
            return 0;
    if (!need(r, "systems", JSON_ARRAY, "", err) ||
        !need(r, "comparisons", JSON_ARRAY, "", err) ||
        !need(r, "slices", JSON_ARRAY, "", err))
        return 0;
    json_array_foreach(json_object_get(r, "systems"), i, s)
        if (!check_system(s, i, err))
            return 0;
    return 1;
}

char *pl_report_markdown(const json_t *r, struct pl_error *err)
{
    struct buf b = { NULL, 0, 0, 0 };
    const json_t *n;
    size_t i;

    if (!json_is_object(r) ||
        strcmp(str(r, "report"), "parlance transfer") != 0) {
        pl_error_set(err, PL_ERR_FORMAT, NULL, 0, 0,
                     "expected a parlance transfer report, found %s",
                     json_is_object(r) ? "another JSON object"
                                       : "something that is not an object");
        return NULL;
    }
    if (integer(r, "report_version") > PL_REPORT_VERSION) {
        pl_error_set(err, PL_ERR_FORMAT, NULL, 0, 0,
                     "report version %lld is newer than this parlance "
                     "reads (%d)", integer(r, "report_version"),
                     PL_REPORT_VERSION);
        return NULL;
    }
    if (!check_report(r, err))
        return NULL;
    put(&b, "# Transfer report\n\n`%s` → `%s`, made %s by parlance %s.\n\n",
        str(json_object_get(r, "source"), "path"),
        str(json_object_get(r, "target"), "path"), str(r, "created"),
        str(r, "parlance_version"));
    put_systems(&b, r);
    put_verdict(&b, r);
    put_data(&b, r);
    put_labels(&b, r);
    put_source(&b, r);
    put_slices(&b, r);
    put_settings(&b, r);
    put(&b, "## Notes\n\n");
    json_array_foreach(json_object_get(r, "notes"), i, n)
        put(&b, "- %s\n", json_string_value(n));
    if (b.failed) {
        free(b.s);
        pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    return b.s;
}

enum pl_status pl_report_write_markdown(const json_t *report,
                                        const char *path,
                                        struct pl_error *err)
{
    struct pl_atomic a;
    char *md = pl_report_markdown(report, err);
    enum pl_status st;

    if (!md) {
        if (err && !err->path[0])
            snprintf(err->path, sizeof err->path, "%s", path);
        return err ? err->status : PL_ERR_FORMAT;
    }
    st = pl_atomic_open(&a, path, err);
    if (st == PL_OK && fputs(md, a.fp) == EOF) {
        pl_atomic_abort(&a);
        st = pl_error_set(err, PL_ERR_IO, path, 0, 0, "write failed");
    } else if (st == PL_OK) {
        st = pl_atomic_commit(&a, err);
    }
    free(md);
    return st;
}
