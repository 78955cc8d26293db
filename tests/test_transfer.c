/*
 * The main job end to end on small corpora written here: report
 * structure, label matching, zero-shot applicability, seeded splits,
 * slices, output files and Markdown rendering. Real-corpus runs are left
 * to eval/ since they take minutes.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "parlance/transfer.h"

static char dir[] = "/tmp/pl_test_transfer_XXXXXX";

static const char *const SOURCE_TEXT[][2] = {
    { "what is my balance", "check_balance" },
    { "how much do i owe", "check_balance" },
    { "show my balance please", "check_balance" },
    { "pay my bill now", "pay_bill" },
    { "i want to pay the bill", "pay_bill" },
    { "make a payment", "pay_bill" },
    { "my phone is lost", "lost_phone" },
    { "i lost my phone", "lost_phone" },
    { "phone was stolen", "lost_phone" },
};

static const char *const TARGET_TEXT[][2] = {
    { "balance pls", "check_balance" },
    { "wats my balance", "check_balance" },
    { "how much i owe u", "check_balance" },
    { "pay bill", "pay_bill" },
    { "want 2 pay", "pay_bill" },
    { "internet down", "report_outage" },
    { "no wifi since morning", "report_outage" },
    { "outage again", "report_outage" },
};

/* A unified JSONL file of one-turn dialogues; split NULL leaves it out. */
static void write_corpus(const char *path, const char *const (*rows)[2],
                         int n, int copies, const char *domain_of_last,
                         int with_split)
{
    FILE *fp = fopen(path, "w");

    for (int c = 0; c < copies; c++)
        for (int i = 0; i < n; i++) {
            int k = c * n + i;
            const char *split = (k % 4 == 3) ? "test" : "train";
            fprintf(fp, "{\"id\":\"d%d\",\"corpus\":\"t\",%s%s%s\"turns\":"
                    "[{\"index\":0,\"role\":\"user\",\"speaker\":\"cust\","
                    "\"text\":\"%s%s\",\"intents\":[\"%s\"],\"meta\":"
                    "{\"domain\":\"%s\",\"tier\":\"%s\"}}]}\n", k,
                    with_split ? "\"split\":\"" : "",
                    with_split ? split : "", with_split ? "\"," : "",
                    rows[i][0], c % 2 ? " !" : "", rows[i][1],
                    i == n - 1 ? domain_of_last : "billing",
                    k % 3 ? "gold" : "standard");
        }
    fclose(fp);
}

static void opts(struct pl_transfer_opts *o, const char *src,
                 const char *tgt, const char *out)
{
    pl_transfer_opts_default(o);
    o->source = src;
    o->target = tgt;
    o->out_dir = out;
    o->dim = 16;
    o->hidden = 16;
    o->epochs = 3;
    o->finetune_epochs = 2;
    o->resamples = 50;
    o->min_slice = 5;
    o->feat.n_buckets = 1000;
}

static const json_t *system_named(const json_t *r, const char *name)
{
    const json_t *s;
    size_t i;

    json_array_foreach(json_object_get(r, "systems"), i, s)
        if (!strcmp(json_string_value(json_object_get(s, "name")), name))
            return s;
    return NULL;
}

static const json_t *field_named(const json_t *r, const char *name)
{
    const json_t *f;
    size_t i;

    json_array_foreach(json_object_get(r, "slices"), i, f)
        if (!strcmp(json_string_value(json_object_get(f, "field")), name))
            return f;
    return NULL;
}

static int exists(const char *d, const char *name)
{
    char p[4096];
    struct stat sb;

    snprintf(p, sizeof p, "%s/%s", d, name);
    return stat(p, &sb) == 0;
}

static void test_shared_labels(const char *src, const char *tgt)
{
    struct pl_transfer_opts o;
    struct pl_error err;
    json_t *r = NULL;
    char out[4096];
    const json_t *zs, *ft, *labels;

    snprintf(out, sizeof out, "%s/out1", dir);
    opts(&o, src, tgt, out);
    CHECK(pl_transfer_run(&o, &r, &err) == PL_OK);
    if (!r) {
        fprintf(stderr, "transfer failed: %s\n", err.message);
        return;
    }
    CHECK_INT(json_integer_value(json_object_get(r, "report_version")), 1);
    zs = system_named(r, "source_zero_shot");
    ft = system_named(r, "fine_tuned");
    CHECK(zs && json_is_true(json_object_get(zs, "applicable")));
    CHECK(ft && json_object_get(ft, "overall"));
    CHECK(system_named(r, "head_only") && system_named(r, "target_only"));
    labels = json_object_get(r, "labels");
    CHECK_INT(json_array_size(json_object_get(labels, "shared")), 2);
    CHECK_INT(json_array_size(json_object_get(labels, "target_only")), 1);
    CHECK_STR(json_string_value(json_object_get(json_array_get(
        json_object_get(labels, "unmatched_in_zero_shot"), 0), "label")),
        "report_outage");
    /* the target has no splits: a seeded one is made and recorded */
    CHECK_STR(json_string_value(json_object_get(json_object_get(
        json_object_get(r, "target"), "split"), "method")), "seeded");
    CHECK(field_named(r, "domain_seen") != NULL);
    CHECK(field_named(r, "unseen_words") != NULL);
    CHECK(field_named(r, "tier") != NULL);
    CHECK(field_named(r, "turn_position") != NULL);
    CHECK(json_array_size(json_object_get(r, "comparisons")) >= 3);
    CHECK(exists(out, "predictions.jsonl"));
    CHECK(exists(out, "rejects.jsonl"));
    CHECK(exists(out, "models/fine_tuned.plm"));
    char *md = pl_report_markdown(r, &err);
    CHECK(md && strstr(md, "# Transfer report"));
    CHECK(md && strstr(md, "### domain_seen"));
    CHECK(md && strstr(md, "unseen in source"));
    free(md);
    json_decref(r);
}

static void test_no_shared_labels(const char *src, const char *tgt_path)
{
    static const char *const other[][2] = {
        { "router blinking red", "router_setup" },
        { "set up my router", "router_setup" },
        { "engineer visit tomorrow", "schedule_visit" },
        { "book engineer", "schedule_visit" },
    };
    struct pl_transfer_opts o;
    struct pl_error err;
    json_t *r = NULL;
    char out[4096];

    write_corpus(tgt_path, other, 4, 6, "install", 1);
    snprintf(out, sizeof out, "%s/out2", dir);
    opts(&o, src, tgt_path, out);
    CHECK(pl_transfer_run(&o, &r, &err) == PL_OK);
    if (!r)
        return;
    CHECK(json_is_false(json_object_get(system_named(r,
                                                     "source_zero_shot"),
                                        "applicable")));
    CHECK_STR(json_string_value(json_object_get(json_object_get(
        json_object_get(r, "target"), "split"), "method")), "corpus");
    CHECK(json_object_get(system_named(r, "fine_tuned"), "overall"));
    json_decref(r);
}

/* Dialogues whose later user turns keep the first turn's intent, as a
 * dialogue state does: "auto" context must then read earlier turns. */
static void write_stateful(const char *path)
{
    static const char *const first[][2] = {
        { "book a table for dinner", "ReserveRestaurant" },
        { "find me a hotel downtown", "SearchHotel" },
        { "i need a cab to the airport", "GetRide" },
    };
    FILE *fp = fopen(path, "w");

    for (int k = 0; k < 30; k++) {
        const char *const *r = first[k % 3];
        fprintf(fp, "{\"id\":\"s%d\",\"split\":\"%s\",\"turns\":["
                "{\"index\":0,\"role\":\"user\",\"text\":\"%s\","
                "\"intents\":[\"%s\"]},{\"index\":1,\"role\":\"agent\","
                "\"text\":\"for when?\"},{\"index\":2,\"role\":\"user\","
                "\"text\":\"tomorrow at %d\",\"intents\":[\"%s\"]}]}\n", k,
                k % 5 == 4 ? "test" : "train", r[0], r[1], k % 12 + 1,
                r[1]);
    }
    fclose(fp);
}

static void test_auto_context(const char *tgt)
{
    struct pl_transfer_opts o;
    struct pl_error err;
    json_t *r = NULL;
    char out[4096], src[4096];
    const json_t *c;

    snprintf(src, sizeof src, "%s/stateful.jsonl", dir);
    snprintf(out, sizeof out, "%s/out4", dir);
    write_stateful(src);
    opts(&o, src, tgt, out);
    CHECK(pl_transfer_run(&o, &r, &err) == PL_OK);
    c = json_object_get(r, "context");
    CHECK_INT(json_integer_value(json_object_get(c, "turns")), 4);
    CHECK_STR(json_string_value(json_object_get(c, "chosen")), "auto");
    CHECK(json_real_value(json_object_get(c, "label_persistence")) > 0.99);
    json_decref(r);
    /* the per-turn corpus keeps each turn on its own */
    snprintf(out, sizeof out, "%s/out5", dir);
    opts(&o, tgt, tgt, out);
    CHECK(pl_transfer_run(&o, &r, &err) == PL_OK);
    c = json_object_get(r, "context");
    CHECK_INT(json_integer_value(json_object_get(c, "turns")), 0);
    json_decref(r);
}

static void test_errors(const char *src)
{
    struct pl_transfer_opts o;
    struct pl_error err;
    json_t *r = NULL;
    char out[4096], missing[4096];

    snprintf(out, sizeof out, "%s/out3", dir);
    snprintf(missing, sizeof missing, "%s/nothing-here.jsonl", dir);
    opts(&o, src, missing, out);
    CHECK(pl_transfer_run(&o, &r, &err) != PL_OK);
    CHECK(r == NULL);
    CHECK(strstr(err.path, "nothing-here") != NULL);
}

int main(void)
{
    char src[4096], tgt[4096], tgt2[4096];

    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(src, sizeof src, "%s/src.jsonl", dir);
    snprintf(tgt, sizeof tgt, "%s/tgt.jsonl", dir);
    snprintf(tgt2, sizeof tgt2, "%s/tgt2.jsonl", dir);
    write_corpus(src, SOURCE_TEXT, 9, 6, "device", 1);
    write_corpus(tgt, TARGET_TEXT, 8, 6, "outage", 0);
    test_shared_labels(src, tgt);
    test_no_shared_labels(src, tgt2);
    test_errors(src);
    test_auto_context(tgt);
    snprintf(src, sizeof src, "rm -rf '%s'", dir);
    if (system(src) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_done("test_transfer");
}
