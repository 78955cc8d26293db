/*
 * The record model and the unified JSON form: construction, growth,
 * release, fixed key order, lossless read-back of unknown fields, and
 * every error of pl_dialogue_from_json.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parlance/record.h"

/* ---- helpers -------------------------------------------------------- */

static json_t *parse(const char *s)
{
    json_error_t je;
    json_t *v = json_loads(s, JSON_ALLOW_NUL, &je);

    if (!v)
        fprintf(stderr, "test JSON does not parse: %s\n", je.text);
    return v;
}

/* Parse s as a unified dialogue; returns the status, err filled. */
static enum pl_status from_str(struct pl_dialogue *d, const char *s,
                               struct pl_error *err)
{
    json_t *v = parse(s);
    enum pl_status st = pl_dialogue_from_json(d, v, "u.jsonl", 7, err);

    json_decref(v);
    return st;
}

/* Read s and write it back: the result, which the caller frees. */
static char *reread(const char *s)
{
    struct pl_dialogue d;
    struct pl_error err;
    char *out = NULL;

    if (from_str(&d, s, &err) == PL_OK)
        out = pl_dialogue_to_json(&d);
    else
        fprintf(stderr, "reread: %s\n", err.message);
    pl_dialogue_fini(&d);
    return out;
}

static void check_error(const char *s, enum pl_status want,
                        const char *fragment)
{
    struct pl_dialogue d;
    struct pl_error err;
    char msg[1200];
    enum pl_status st = from_str(&d, s, &err);

    CHECK_INT(st, want);
    pl_error_format(&err, msg, sizeof msg);
    if (!CHECK(strstr(msg, fragment) != NULL))
        fprintf(stderr, "  message: %s\n  wanted: %s\n", msg, fragment);
    CHECK(d.id == NULL && d.turns == NULL);
    pl_dialogue_fini(&d);
}

/* ---- tests ------------------------------------------------------------ */

static void test_roles(void)
{
    CHECK_STR(pl_role_name(PL_ROLE_USER), "user");
    CHECK_STR(pl_role_name(PL_ROLE_AGENT), "agent");
    CHECK_STR(pl_role_name(PL_ROLE_SYSTEM), "system");
    CHECK_STR(pl_role_name(PL_ROLE_TOOL), "tool");
    CHECK_STR(pl_role_name(PL_ROLE_OTHER), "other");
    CHECK_STR(pl_role_name((enum pl_role)99), "other");
    for (int r = 0; r < PL_ROLE_COUNT; r++)
        CHECK_INT(pl_role_parse(pl_role_name((enum pl_role)r)), r);
    CHECK_INT(pl_role_parse("Assistant"), PL_ROLE_AGENT);
    CHECK_INT(pl_role_parse("HUMAN"), PL_ROLE_USER);
    CHECK_INT(pl_role_parse("gpt"), PL_ROLE_AGENT);
    CHECK_INT(pl_role_parse("function"), PL_ROLE_TOOL);
    CHECK_INT(pl_role_parse("narrator"), PL_ROLE_OTHER);
    CHECK_INT(pl_role_parse(""), PL_ROLE_OTHER);
    CHECK_INT(pl_role_parse(NULL), PL_ROLE_OTHER);
}

static void test_build_and_free(void)
{
    struct pl_dialogue d;
    struct pl_corpus *c = pl_corpus_new("demo");
    struct pl_turn *t;
    char name[32];

    pl_dialogue_fini(NULL);
    pl_turn_fini(NULL);
    pl_origin_fini(NULL);
    pl_corpus_free(NULL);
    CHECK_INT(pl_dialogue_init(&d, "d1"), PL_OK);
    CHECK_STR(d.corpus, "");
    CHECK_STR(d.split, "");
    CHECK(json_is_object(d.meta) && json_is_object(d.extra));
    for (int i = 0; i < 100; i++) {
        t = pl_dialogue_add_turn(&d);
        CHECK(t != NULL);
        CHECK_INT(t->index, i);
        CHECK_STR(t->text, "");
        CHECK_STR(t->speaker, "");
        CHECK_INT(t->origin.index, -1);
    }
    t = &d.turns[99];
    for (int i = 0; i < 37; i++) {
        snprintf(name, sizeof name, "intent%d", i);
        CHECK_INT(pl_turn_add_intent(t, name), PL_OK);
        CHECK_INT(pl_turn_add_act(t, name), PL_OK);
        CHECK_INT(pl_turn_add_slot(t, name, i, i + 1, i % 2 ? name : NULL),
                  PL_OK);
    }
    CHECK_INT(t->n_intents, 37);
    CHECK_STR(t->intents[36], "intent36");
    CHECK_STR(t->acts[20], "intent20");
    CHECK_STR(t->slots[35].value, "intent35");
    CHECK(t->slots[34].value == NULL);
    CHECK_INT(pl_turn_set_text(t, "hello world", 5), PL_OK);
    CHECK_STR(t->text, "hello");
    CHECK_INT(pl_origin_set(&t->origin, "a/b.json", 3, 4, 5), PL_OK);
    CHECK_INT(pl_origin_set(&t->origin, t->origin.path, 6, 0, -1), PL_OK);
    CHECK_STR(t->origin.path, "a/b.json");
    CHECK_INT(t->origin.line, 6);
    CHECK(c != NULL);
    CHECK_INT(pl_corpus_take(c, &d), PL_OK);
    CHECK(d.id == NULL && d.n_turns == 0);
    CHECK_INT(c->n_dialogues, 1);
    CHECK_STR(c->dialogues[0].id, "d1");
    CHECK_INT(c->dialogues[0].n_turns, 100);
    pl_corpus_free(c);
}

/* A dialogue using every member, to pin the written form. */
static void fill_full(struct pl_dialogue *d)
{
    struct pl_turn *t;

    pl_dialogue_init(d, "x:1");
    free(d->corpus);
    d->corpus = pl_strdup("demo");
    free(d->split);
    d->split = pl_strdup("train");
    json_object_set_new(d->meta, "domain", json_string("hotels"));
    json_object_set_new(d->meta, "n", json_integer(3));
    json_object_set_new(d->extra, "z", json_true());
    pl_origin_set(&d->origin, "in/x.json", 10, 3, 0);
    t = pl_dialogue_add_turn(d);
    t->role = PL_ROLE_USER;
    free(t->speaker);
    t->speaker = pl_strdup("USER");
    pl_turn_set_text(t, "book caf\xC3\xA9 \"now\"", 16);
    t->norm = pl_strdup("book cafe now");
    t->timestamp = pl_strdup("2024-01-02T03:04:05Z");
    pl_turn_add_intent(t, "book");
    pl_turn_add_act(t, "INFORM(place)");
    pl_turn_add_slot(t, "place", 5, 10, "caf\xC3\xA9");
    json_object_set_new(t->meta, "score", json_real(0.25));
    json_object_set_new(t->extra, "raw", json_pack("[i,s]", 1, "x"));
    pl_origin_set(&t->origin, "in/x.json", 12, 5, 0);
    t = pl_dialogue_add_turn(d);
    t->role = PL_ROLE_AGENT;
    pl_origin_set(&t->origin, "other.json", 2, 0, -1);
}

static const char full_json[] =
    "{\"id\":\"x:1\",\"corpus\":\"demo\",\"split\":\"train\","
    "\"meta\":{\"domain\":\"hotels\",\"n\":3},\"turns\":["
    "{\"index\":0,\"role\":\"user\",\"speaker\":\"USER\","
    "\"text\":\"book caf\xC3\xA9 \\\"now\\\"\",\"norm\":\"book cafe now\","
    "\"timestamp\":\"2024-01-02T03:04:05Z\",\"intents\":[\"book\"],"
    "\"acts\":[\"INFORM(place)\"],\"slots\":[{\"slot\":\"place\","
    "\"start\":5,\"end\":10,\"value\":\"caf\xC3\xA9\"}],"
    "\"meta\":{\"score\":0.25},\"extra\":{\"raw\":[1,\"x\"]},"
    "\"origin\":{\"line\":12,\"column\":5,\"index\":0}},"
    "{\"index\":1,\"role\":\"agent\",\"text\":\"\","
    "\"origin\":{\"path\":\"other.json\",\"line\":2}}],"
    "\"extra\":{\"z\":true},"
    "\"origin\":{\"path\":\"in/x.json\",\"line\":10,\"column\":3,"
    "\"index\":0}}";

static void test_write_fixed_order(void)
{
    struct pl_dialogue d;
    char *s, *again;
    FILE *fp = tmpfile();
    char line[4096] = "";

    fill_full(&d);
    s = pl_dialogue_to_json(&d);
    CHECK_STR(s, full_json);
    again = reread(s);
    CHECK_STR(again, full_json);
    CHECK(fp != NULL);
    CHECK_INT(pl_dialogue_write(fp, &d, NULL), PL_OK);
    rewind(fp);
    CHECK(fgets(line, sizeof line, fp) != NULL);
    CHECK_INT(strlen(line), strlen(full_json) + 1);
    CHECK(line[strlen(line) - 1] == '\n');
    fclose(fp);
    free(s);
    free(again);
    pl_dialogue_fini(&d);
}

static void test_minimal_and_inherit(void)
{
    struct pl_dialogue d;
    struct pl_error err;
    char *s;

    /* Empty members are left out; a dialogue without origin gets the
     * location it was read from. */
    pl_dialogue_init(&d, "m");
    s = pl_dialogue_to_json(&d);
    CHECK_STR(s, "{\"id\":\"m\",\"turns\":[]}");
    free(s);
    pl_dialogue_fini(&d);
    CHECK_INT(from_str(&d, "{\"id\":\"m\",\"turns\":[{\"role\":\"user\","
                       "\"text\":\"hi\",\"origin\":{\"line\":4}}],"
                       "\"origin\":{\"path\":\"src.csv\",\"line\":4}}",
                       &err), PL_OK);
    CHECK_STR(d.turns[0].origin.path, "src.csv");
    CHECK_INT(d.turns[0].index, 0);
    pl_dialogue_fini(&d);
    CHECK_INT(from_str(&d, "{\"id\":\"m\",\"turns\":[]}", &err), PL_OK);
    CHECK_STR(d.origin.path, "u.jsonl");
    CHECK_INT(d.origin.line, 7);
    pl_dialogue_fini(&d);
}

static void test_unknown_keys(void)
{
    char *s = reread("{\"zz\":1,\"id\":\"a\",\"turns\":[{\"text\":\"t\","
                     "\"mood\":\"ok\",\"role\":\"assistant\"}],"
                     "\"extra\":{\"zz\":2,\"k\":[]},\"origin\":"
                     "{\"path\":\"p\"}}");

    /* Unknown keys land in extra (an explicit extra wins a clash);
     * role aliases are written as parlance roles. */
    CHECK_STR(s, "{\"id\":\"a\",\"turns\":[{\"index\":0,\"role\":\"agent\","
                 "\"text\":\"t\",\"extra\":{\"mood\":\"ok\"}}],"
                 "\"extra\":{\"zz\":2,\"k\":[]},\"origin\":{\"path\":\"p\"}}");
    free(s);
    s = reread("{\"id\":\"r\",\"meta\":{\"x\":0.1,\"big\":12345678901234,"
               "\"u\":\"\\u00e9\\ud83d\\ude00\"},\"turns\":[]}");
    CHECK_STR(s, "{\"id\":\"r\",\"meta\":{\"x\":0.10000000000000001,"
                 "\"big\":12345678901234,\"u\":\"\xC3\xA9\xF0\x9F\x98\x80\"},"
                 "\"turns\":[],\"origin\":{\"path\":\"u.jsonl\",\"line\":7}}");
    free(s);
}

static void test_read_errors(void)
{
    check_error("[1]", PL_ERR_FORMAT,
                "u.jsonl:7:1: expected a dialogue object, found an array");
    check_error("{\"turns\":[]}", PL_ERR_FORMAT,
                "u.jsonl:7:1: expected an \"id\" string, found nothing");
    check_error("{\"id\":5,\"turns\":[]}", PL_ERR_FORMAT,
                "expected an \"id\" string, found an integer");
    check_error("{\"id\":\"a\"}", PL_ERR_FORMAT,
                "expected a \"turns\" array, found nothing");
    check_error("{\"id\":\"a\",\"turns\":{}}", PL_ERR_FORMAT,
                "turns: expected an array, found an object");
    check_error("{\"id\":\"a\",\"turns\":[{\"role\":\"user\"}]}",
                PL_ERR_FORMAT,
                "turns[0]: expected a \"text\" string, found nothing");
    check_error("{\"id\":\"a\",\"turns\":[{\"text\":\"x\",\"role\":1}]}",
                PL_ERR_FORMAT,
                "turns[0]: expected a \"role\" string, found an integer");
    check_error("{\"id\":\"a\",\"turns\":[1]}", PL_ERR_FORMAT,
                "turns[0]: expected a turn object, found an integer");
    check_error("{\"id\":\"a\",\"turns\":[{\"role\":\"user\",\"text\":\"x\","
                "\"intents\":[1]}]}", PL_ERR_FORMAT,
                "expected an array of strings, found an integer");
    check_error("{\"id\":\"a\",\"turns\":[{\"role\":\"user\",\"text\":\"abc\","
                "\"slots\":[{\"slot\":\"s\",\"start\":1,\"end\":9}]}]}",
                PL_ERR_FORMAT, "turns[0].slots[0]: expected a span of "
                "character boundaries within 0..3, found 1..9");
    check_error("{\"id\":\"a\",\"turns\":[{\"role\":\"user\",\"text\":\"\\u00e9\","
                "\"slots\":[{\"slot\":\"s\",\"start\":1,\"end\":2}]}]}",
                PL_ERR_FORMAT, "expected a span of character boundaries");
    check_error("{\"id\":\"a\",\"turns\":[{\"role\":\"user\",\"text\":\"abc\","
                "\"slots\":[{\"slot\":\"s\",\"start\":-1,\"end\":2}]}]}",
                PL_ERR_FORMAT, "expected a non-negative integer, found an "
                "integer");
    check_error("{\"id\":\"a\",\"turns\":[{\"role\":\"user\",\"text\":\"abc\","
                "\"slots\":[{\"slot\":\"s\",\"start\":0,\"end\":2,\"x\":1}]}]}",
                PL_ERR_FORMAT, "expected slot, start, end or value, found "
                "\"x\"");
    check_error("{\"id\":\"a\",\"turns\":[{\"role\":\"user\",\"text\":\"a\\u0000b\""
                "}]}", PL_ERR_FORMAT,
                "turns[0]: expected text, found a NUL character");
    check_error("{\"id\":\"a\",\"turns\":[],\"origin\":{\"file\":\"x\"}}",
                PL_ERR_FORMAT, "origin: expected path, line, column or "
                "index, found \"file\"");
    check_error("{\"id\":\"a\",\"turns\":[],\"meta\":[]}", PL_ERR_FORMAT,
                "meta: expected an object, found an array");
    check_error("{\"id\":\"a\",\"turns\":[],\"split\":null}", PL_ERR_FORMAT,
                "split: expected a string, found null");
}

static void test_unwritable(void)
{
    struct pl_dialogue d;
    struct pl_turn *t;
    struct pl_error err;
    FILE *fp = tmpfile();

    /* Text must be valid UTF-8; the writer refuses rather than emit
     * a broken line. */
    pl_dialogue_init(&d, "bad");
    t = pl_dialogue_add_turn(&d);
    pl_turn_set_text(t, "a\xFF", 2);
    CHECK(pl_dialogue_to_json(&d) == NULL);
    CHECK_INT(pl_dialogue_write(fp, &d, &err), PL_ERR_DATA);
    CHECK(strstr(err.message, "\"bad\"") != NULL);
    fclose(fp);
    pl_dialogue_fini(&d);
}

int main(void)
{
    test_roles();
    test_build_and_free();
    test_write_fixed_order();
    test_minimal_and_inherit();
    test_unknown_keys();
    test_read_errors();
    test_unwritable();
    return check_done("test_record");
}
