/*
 * Metadata slices: derived fields (turn position, length, unseen words,
 * seen/unseen service and domain, label overlap) and every scalar
 * metadata field the corpus carries, each scored for every system.
 */
#include "slices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parlance/eval.h"

/* One field: its values (ids in a vocabulary) and each value's examples. */
struct field {
    char *name;
    const char *desc;
    int derived;
    int banded;         /* values keep their declared order */
    struct pl_vocab *values;
    long **idx;
    long *n;
    long *cap;
    int n_alloc;
};

struct fields {
    struct field *f;
    int n;
    int cap;
};

static const char *const POSITION_BANDS[] = {
    "1st turn", "turns 2-3", "turns 4-7", "turns 8+", NULL };
static const char *const LENGTH_BANDS[] = {
    "1-3 tokens", "4-7 tokens", "8-15 tokens", "16+ tokens", NULL };
static const char *const UNSEEN_BANDS[] = {
    "none", "1-10%", "11-30%", "over 30%", NULL };

static void field_fini(struct field *f)
{
    for (int i = 0; i < f->n_alloc; i++)
        free(f->idx[i]);
    free(f->idx);
    free(f->n);
    free(f->cap);
    free(f->name);
    pl_vocab_free(f->values);
}

static void fields_fini(struct fields *fs)
{
    for (int i = 0; i < fs->n; i++)
        field_fini(&fs->f[i]);
    free(fs->f);
}

static struct field *field_get(struct fields *fs, const char *name,
                               const char *desc, int derived)
{
    struct field *f;

    for (int i = 0; i < fs->n; i++)
        if (strcmp(fs->f[i].name, name) == 0)
            return &fs->f[i];
    if (fs->n == fs->cap) {
        int c = fs->cap ? fs->cap * 2 : 16;
        struct field *nf = realloc(fs->f, (size_t)c * sizeof *nf);
        if (!nf)
            return NULL;
        fs->f = nf;
        fs->cap = c;
    }
    f = &fs->f[fs->n];
    memset(f, 0, sizeof *f);
    f->name = pl_strdup(name);
    f->desc = desc;
    f->derived = derived;
    f->values = pl_vocab_new();
    if (!f->name || !f->values) {
        field_fini(f);
        return NULL;
    }
    fs->n++;
    return f;
}

/* Make room for value id v in f's per-value arrays. */
static int field_reserve(struct field *f, int v)
{
    int c = f->n_alloc;

    if (v < c)
        return 1;
    while (c <= v)
        c = c ? c * 2 : 8;
    long **ni = realloc(f->idx, (size_t)c * sizeof *ni);
    if (ni)
        f->idx = ni;
    long *nn = ni ? realloc(f->n, (size_t)c * sizeof *nn) : NULL;
    if (nn)
        f->n = nn;
    long *nc = nn ? realloc(f->cap, (size_t)c * sizeof *nc) : NULL;
    if (!nc)
        return 0;
    f->cap = nc;
    for (int i = f->n_alloc; i < c; i++) {
        f->idx[i] = NULL;
        f->n[i] = f->cap[i] = 0;
    }
    f->n_alloc = c;
    return 1;
}

static int field_add(struct field *f, const char *value, long example)
{
    int v;

    if (!f)
        return 0;
    v = pl_vocab_add(f->values, value);
    if (v < 0 || !field_reserve(f, v))
        return 0;
    if (f->n[v] == f->cap[v]) {
        long c = f->cap[v] ? f->cap[v] * 2 : 16;
        long *ni = realloc(f->idx[v], (size_t)c * sizeof *ni);
        if (!ni)
            return 0;
        f->idx[v] = ni;
        f->cap[v] = c;
    }
    f->idx[v][f->n[v]++] = example;
    return 1;
}

/* A field whose values keep the order of the given list. */
static struct field *field_banded(struct fields *fs, const char *name,
                                  const char *desc,
                                  const char *const *bands)
{
    struct field *f = field_get(fs, name, desc, 1);

    if (f)
        f->banded = 1;
    for (int i = 0; f && bands[i]; i++)
        if (pl_vocab_add(f->values, bands[i]) < 0 || !field_reserve(f, i))
            return NULL;
    return f;
}

double slices_unseen_share(const struct pl_dataset *ds, long i,
                           const struct pl_vocab *src_words)
{
    const struct pl_item *it = &ds->items[i];
    int unseen = 0;

    if (it->T == it->cur)
        return 0.0;
    for (int t = it->cur; t < it->T; t++)
        if (pl_vocab_find(src_words, ds->tokens[it->tok_off + t]) < 0)
            unseen++;
    return (double)unseen / (it->T - it->cur);
}

static const char *band_position(long index)
{
    return index == 0 ? POSITION_BANDS[0]
         : index <= 2 ? POSITION_BANDS[1]
         : index <= 6 ? POSITION_BANDS[2] : POSITION_BANDS[3];
}

static const char *band_length(int T)
{
    return T <= 3 ? LENGTH_BANDS[0] : T <= 7 ? LENGTH_BANDS[1]
         : T <= 15 ? LENGTH_BANDS[2] : LENGTH_BANDS[3];
}

static const char *band_unseen(double share)
{
    return share <= 0.0 ? UNSEEN_BANDS[0] : share <= 0.1 ? UNSEEN_BANDS[1]
         : share <= 0.3 ? UNSEEN_BANDS[2] : UNSEEN_BANDS[3];
}

/* String value of a metadata member, or NULL when it is not a scalar
 * worth grouping by (numbers with fractions, arrays, objects). */
static const char *meta_string(const json_t *v, char *buf, size_t n)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    if (json_is_integer(v)) {
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return NULL;
}

/* Domain of a turn: its own metadata, else the dialogue's single one. */
const char *slices_turn_domain(const struct pl_item *it)
{
    const json_t *v = json_object_get(it->turn->meta, "domain");
    const json_t *ds;

    if (json_is_string(v))
        return json_string_value(v);
    v = json_object_get(it->dlg->meta, "domain");
    if (json_is_string(v))
        return json_string_value(v);
    ds = json_object_get(it->dlg->meta, "domains");
    if (json_is_array(ds) && json_array_size(ds) == 1 &&
        json_is_string(json_array_get(ds, 0)))
        return json_string_value(json_array_get(ds, 0));
    return NULL;
}

static int add_seen(struct fields *fs, const char *name, const char *desc,
                    const char *value, const struct pl_vocab *seen,
                    long i)
{
    if (!value)
        return 1;
    return field_add(field_get(fs, name, desc, 1),
                     pl_vocab_find(seen, value) >= 0 ? "seen in source"
                                                     : "unseen in source",
                     i);
}

/* Derived fields of example i. */
static int add_derived(struct fields *fs, const struct slice_input *in,
                       long i)
{
    const struct pl_item *it = &in->test->items[i];
    const char *domain = slices_turn_domain(it);
    const json_t *svc = json_object_get(it->turn->meta, "service");
    const char *service = json_is_string(svc) ? json_string_value(svc)
                                              : NULL;
    int ok = 1;

    if (domain)
        ok &= field_add(field_get(fs, "domain", "domain of the turn", 1),
                        domain, i);
    if (service)
        ok &= field_add(field_get(fs, "service", "service of the turn", 1),
                        service, i);
    ok &= add_seen(fs, "service_seen", "service occurs in the source "
                   "training data", service, in->src_services, i);
    ok &= add_seen(fs, "domain_seen", "domain occurs in the source "
                   "training data", domain, in->src_domains, i);
    ok &= field_add(field_get(fs, "label_in_source", "gold label exists "
                              "among the source labels", 1),
                    pl_vocab_find(in->src_labels, it->label) >= 0
                        ? "shared label" : "target-only label", i);
    ok &= field_add(field_get(fs, "speaker", "original speaker name", 1),
                    it->turn->speaker[0] ? it->turn->speaker : "(none)", i);
    ok &= field_add(field_get(fs, "turn_position", NULL, 1),
                    band_position(it->turn->index), i);
    ok &= field_add(field_get(fs, "length", NULL, 1), band_length(it->T - it->cur), i);
    ok &= field_add(field_get(fs, "unseen_words", NULL, 1),
                    band_unseen(slices_unseen_share(in->test, i,
                                                    in->src_words)), i);
    return ok;
}

/* Keys already covered by derived fields. */
static int is_derived_key(const char *k)
{
    return !strcmp(k, "domain") || !strcmp(k, "service");
}

static int add_meta(struct fields *fs, const json_t *meta,
                    const char *prefix, long i)
{
    const char *key;
    json_t *v;
    char name[256], buf[32];

    json_object_foreach((json_t *)meta, key, v) {
        const char *s = meta_string(v, buf, sizeof buf);

        if (!s || is_derived_key(key))
            continue;
        snprintf(name, sizeof name, "%s%s", prefix, key);
        if (!field_add(field_get(fs, name, NULL, 0), s, i))
            return 0;
    }
    return 1;
}

static int collect(struct fields *fs, const struct slice_input *in)
{
    if (!field_banded(fs, "turn_position", "position of the turn in its "
                      "dialogue", POSITION_BANDS) ||
        !field_banded(fs, "length", "length of the turn in tokens",
                      LENGTH_BANDS) ||
        !field_banded(fs, "unseen_words", "share of the turn's tokens "
                      "never seen in source training", UNSEEN_BANDS))
        return 0;
    for (long i = 0; i < in->test->n; i++) {
        const struct pl_item *it = &in->test->items[i];

        if (!add_derived(fs, in, i) ||
            !add_meta(fs, it->turn->meta, "", i) ||
            !add_meta(fs, it->dlg->meta, "dialogue.", i))
            return 0;
    }
    return 1;
}

static json_t *interval_json(struct pl_interval iv)
{
    return json_pack("[f, f]", iv.lo, iv.hi);
}

/* Scores of every system on one slice. */
static json_t *score_slice(const struct slice_input *in, const long *idx,
                           long n, int with_ci, struct pl_error *err)
{
    json_t *out = json_object();
    struct pl_bootstrap_opts bo;

    pl_bootstrap_opts_default(&bo);
    bo.resamples = in->resamples;
    bo.seed = in->seed;
    for (int s = 0; out && s < in->n_sys; s++) {
        struct pl_scores sc;
        struct pl_interval acc = { 0, 0 }, f1 = { 0, 0 };
        json_t *o;

        if (pl_scores_compute(in->gold, in->preds[s], idx, n, in->K, &sc,
                              err) != PL_OK ||
            (with_ci && pl_scores_bootstrap(in->gold, in->preds[s], idx, n,
                                            in->K, &bo, &acc, &f1,
                                            err) != PL_OK)) {
            json_decref(out);
            return NULL;
        }
        o = json_pack("{s:I, s:f, s:f, s:i}", "correct",
                      (json_int_t)sc.correct, "accuracy", sc.accuracy,
                      "macro_f1", sc.macro_f1, "labels", sc.n_labels);
        if (o && with_ci) {
            json_object_set_new(o, "accuracy_ci", interval_json(acc));
            json_object_set_new(o, "macro_f1_ci", interval_json(f1));
        }
        json_object_set_new(out, in->names[s], o);
    }
    return out;
}

struct order {
    int v;
    long n;
};

static int cmp_order(const void *a, const void *b)
{
    const struct order *x = a, *y = b;

    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return x->v - y->v;
}

/* Values in output order: banded fields keep theirs, others by size. */
static struct order *value_order(const struct field *f, int *count)
{
    int nv = (int)pl_vocab_size(f->values);
    struct order *o = malloc((size_t)(nv ? nv : 1) * sizeof *o);
    int k = 0;

    if (!o)
        return NULL;
    for (int v = 0; v < nv; v++)
        if (v < f->n_alloc && f->n[v] > 0)
            o[k++] = (struct order){ v, f->n[v] };
    if (!f->banded)
        qsort(o, (size_t)k, sizeof *o, cmp_order);
    *count = k;
    return o;
}

static json_t *field_json(const struct slice_input *in,
                          const struct field *f, struct pl_error *err)
{
    int k;
    struct order *ord = value_order(f, &k);
    json_t *vals = json_array();

    for (int i = 0; ord && vals && i < k; i++) {
        int v = ord[i].v, small = f->n[v] < in->min_slice;
        json_t *sc = score_slice(in, f->idx[v], f->n[v], !small, err);

        if (!sc) {
            json_decref(vals);
            vals = NULL;
            break;
        }
        json_array_append_new(vals, json_pack(
            "{s:s, s:I, s:b, s:o}", "value", pl_vocab_word(f->values, v),
            "n", (json_int_t)f->n[v], "small", small, "scores", sc));
    }
    free(ord);
    if (!vals)
        return NULL;
    return json_pack("{s:s, s:s, s:o}", "field", f->name, "description",
                     f->desc ? f->desc : "metadata field of the corpus",
                     "values", vals);
}

/* Generic fields with one value or too many are noted, not scored. */
static int field_skipped(const struct slice_input *in,
                         const struct field *f, json_t *skipped)
{
    size_t nv = pl_vocab_size(f->values);
    char why[320];

    if (f->derived)
        return 0;
    if (nv == 1)
        snprintf(why, sizeof why, "%s: one value only", f->name);
    else if ((int)nv > in->max_values)
        snprintf(why, sizeof why, "%s: %zu values (more than %d)", f->name,
                 nv, in->max_values);
    else
        return 0;
    if (skipped)
        json_array_append_new(skipped, json_string(why));
    return 1;
}

json_t *slices_score(const struct slice_input *in, json_t *skipped,
                     struct pl_error *err)
{
    struct fields fs = { NULL, 0, 0 };
    json_t *out = json_array();

    if (!out || !collect(&fs, in)) {
        fields_fini(&fs);
        json_decref(out);
        pl_error_set(err, PL_ERR_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    for (int i = 0; i < fs.n && out; i++) {
        json_t *fj;

        if (field_skipped(in, &fs.f[i], skipped))
            continue;
        fj = field_json(in, &fs.f[i], err);
        if (!fj) {
            json_decref(out);
            out = NULL;
        } else if (json_array_size(json_object_get(fj, "values")) == 0) {
            json_decref(fj);
        } else {
            json_array_append_new(out, fj);
        }
    }
    fields_fini(&fs);
    return out;
}
