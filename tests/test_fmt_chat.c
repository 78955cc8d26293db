/*
 * Chat-log readers: OpenAI chat JSONL in its shapes (parts, tool calls
 * and results linked by id, legacy function calls, logged completions,
 * batch input, fine-tuning weights), ShareGPT as a JSON document and as
 * JSON Lines (role aliases, key variants, case 22 from ../shared/cases),
 * and ParlAI Conversations JSONL (both dialog shapes, speaker roles).
 * Real files from ../shared/corpora with the counts their SOURCE.md
 * gives (skipped when absent), and small written and damaged inputs.
 */
#define TMP_NAME "parlance-chat"
#include "read_util.h"
#include <unistd.h>

static void read_as(struct got *g, const char *path, enum pl_format f)
{
    struct pl_read_opts o;

    pl_read_opts_default(&o);
    o.format = f;
    read_with(g, path, &o);
}

static long meta_int(const json_t *meta, const char *key)
{
    const json_t *v = json_object_get(meta, key);

    return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

static struct pl_dialogue *dlg(const struct got *g, size_t i)
{
    return g->c && i < g->c->n_dialogues ? &g->c->dialogues[i] : NULL;
}

static long count_role(const struct pl_corpus *c, enum pl_role r)
{
    long n = 0;

    for (size_t i = 0; c && i < c->n_dialogues; i++)
        for (size_t j = 0; j < c->dialogues[i].n_turns; j++)
            n += c->dialogues[i].turns[j].role == r;
    return n;
}

static long count_text(const struct pl_corpus *c, const char *text)
{
    long n = 0;

    for (size_t i = 0; c && i < c->n_dialogues; i++)
        for (size_t j = 0; j < c->dialogues[i].n_turns; j++)
            n += !strcmp(c->dialogues[i].turns[j].text, text);
    return n;
}

/* Context -> response pairs for response evaluation: agent turns with a
 * user turn somewhere before them in the dialogue. */
static long count_pairs(const struct pl_dialogue *d)
{
    long n = 0;
    int seen_user = 0;

    for (size_t j = 0; j < d->n_turns; j++) {
        n += seen_user && d->turns[j].role == PL_ROLE_AGENT;
        seen_user |= d->turns[j].role == PL_ROLE_USER;
    }
    return n;
}

/* Every dialogue serialises, reads back and serialises to the same
 * bytes, so converting to unified JSONL loses nothing. */
static int all_round_trip(const struct pl_corpus *c)
{
    int ok = 1;

    for (size_t i = 0; c && i < c->n_dialogues; i++) {
        char *one = pl_dialogue_to_json(&c->dialogues[i]), *two = NULL;
        json_t *j = one ? json_loads(one, 0, NULL) : NULL;
        struct pl_dialogue back;

        if (j && pl_dialogue_from_json(&back, j, "rt", 1, NULL) == PL_OK) {
            two = pl_dialogue_to_json(&back);
            pl_dialogue_fini(&back);
        }
        ok &= one && two && !strcmp(one, two);
        free(one);
        free(two);
        json_decref(j);
    }
    return ok;
}

/* ---- names and sniffing ------------------------------------------------- */

static void sniff_is(const char *rel, const char *data, size_t n,
                     enum pl_format want)
{
    struct pl_error err;
    enum pl_format f = pl_format_sniff(put_file(rel, data, n), &err);

    if (!CHECK_INT(f, want))
        fprintf(stderr, "  sniffing %s: %s\n", rel, err.message);
}

#define SNIFF(rel, lit, want) sniff_is((rel), (lit), sizeof(lit) - 1, (want))

static void test_names(void)
{
    CHECK_STR(pl_format_name(PL_FMT_SHAREGPT), "sharegpt");
    CHECK_STR(pl_format_name(PL_FMT_PARLAI_JSONL), "parlai_jsonl");
    CHECK_INT(pl_format_parse("ShareGPT"), PL_FMT_SHAREGPT);
    CHECK_INT(pl_format_parse("parlai_jsonl"), PL_FMT_PARLAI_JSONL);
    CHECK_INT(pl_format_parse("openai"), PL_FMT_OPENAI);
}

static void test_sniff(void)
{
    SNIFF("sn/sg.json", "[\n  {\n    \"id\": \"a\",\n    \"conversations\""
          ": [\n      {\"from\": \"human\", \"value\": \"hi\"}\n    ]\n  }\n"
          "]\n", PL_FMT_SHAREGPT);
    SNIFF("sn/sg.jsonl", "{\"conversations\":[{\"from\":\"human\","
          "\"value\":\"hi\"}]}\n", PL_FMT_SHAREGPT);
    SNIFF("sn/sgm.jsonl", "{\"messages\":[{\"from\":\"human\",\"value\":"
          "\"hi\"}]}\n", PL_FMT_SHAREGPT);
    SNIFF("sn/items.jsonl", "{\"items\":[]}\n", PL_FMT_SHAREGPT);
    SNIFF("sn/lmsys.jsonl", "{\"conversation_id\":\"x\",\"conversation\":"
          "[{\"content\":\"hi\",\"role\":\"user\"}]}\n", PL_FMT_SHAREGPT);
    SNIFF("sn/one.json", "{\n  \"id\": \"x\",\n  \"conversations\": [\n"
          "    {\"from\": \"gpt\", \"value\": \"hello\"}\n  ]\n}\n",
          PL_FMT_SHAREGPT);
    SNIFF("sn/oa-array.json", "[{\"messages\":[{\"role\":\"user\","
          "\"content\":\"hi\"}]}]", PL_FMT_SHAREGPT);
    SNIFF("sn/oa.jsonl", "{\"messages\":[{\"role\":\"user\",\"content\":"
          "\"hi\"}]}\n", PL_FMT_OPENAI);
    SNIFF("sn/log.jsonl", "{\"request\":{\"model\":\"m\",\"messages\":[]},"
          "\"response\":{\"choices\":[]}}\n", PL_FMT_OPENAI);
    SNIFF("sn/batch.jsonl", "{\"custom_id\":\"r1\",\"method\":\"POST\","
          "\"body\":{\"messages\":[]}}\n", PL_FMT_OPENAI);
    SNIFF("sn/pj.jsonl", "{\"dialog\": [[{\"id\": \"a\", \"text\": "
          "\"hi\"}]]}", PL_FMT_PARLAI_JSONL);
    SNIFF("sn/pj2.jsonl", "{\"x\": tru\n{\"dialog\": []}\n",
          PL_FMT_PARLAI_JSONL);
    SNIFF("sn/pj-array.json", "[{\"dialog\": []}]", PL_FMT_AUTO);
    SNIFF("sn/unified.jsonl", "{\"id\":\"x\",\"turns\":[]}\n",
          PL_FMT_UNIFIED);
}

/* ---- OpenAI ------------------------------------------------------------- */

static void test_openai_parts(void)
{
    struct got g;
    struct pl_dialogue *d;
    const json_t *types;

    PUT("oa/parts.jsonl",
        "{\"messages\":[{\"role\":\"developer\",\"content\":[{\"type\":"
        "\"text\",\"text\":\"Be terse.\"}]},{\"role\":\"user\",\"content\":"
        "[{\"type\":\"input_text\",\"text\":\"What is this?\"},{\"type\":"
        "\"image_url\",\"image_url\":{\"url\":\"data:x\"}},{\"type\":"
        "\"input_audio\",\"input_audio\":{\"data\":\"AAA\",\"format\":"
        "\"wav\"}},{\"type\":\"image_url\",\"image_url\":{\"url\":\"y\"}},"
        "{\"type\":\"file\",\"file\":{\"file_id\":\"f1\"}}]},{\"role\":"
        "\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":"
        "\"I can't say.\"}]},{\"role\":\"assistant\",\"content\":null,"
        "\"refusal\":\"No.\"},{\"role\":\"user\",\"content\":[]},{\"role\":"
        "\"user\",\"name\":\"ana\",\"content\":\"hi\"}]}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
        "\"text\":\"\"},\"x\",{\"type\":\"text\",\"text\":\"\"}]}]}\n");
    read_with(&g, tpath("oa/parts.jsonl"), NULL);
    if (!read_ok(&g) || !CHECK((d = dlg(&g, 0)) != NULL) ||
        !CHECK_INT(d->n_turns, 6)) {
        got_free(&g);
        return;
    }
    CHECK_INT(d->turns[0].role, PL_ROLE_SYSTEM);
    CHECK_STR(d->turns[0].speaker, "developer");
    CHECK_STR(d->turns[0].text, "Be terse.");
    CHECK_STR(d->turns[1].text, "What is this?");
    CHECK_INT(meta_int(d->turns[1].meta, "non_text_parts"), 4);
    types = json_object_get(d->turns[1].meta, "non_text_types");
    CHECK_INT(json_array_size(types), 3);
    CHECK_STR(json_string_value(json_array_get(types, 0)), "image_url");
    CHECK_STR(json_string_value(json_array_get(types, 1)), "input_audio");
    CHECK_STR(json_string_value(json_array_get(types, 2)), "file");
    CHECK_INT(json_array_size(json_object_get(d->turns[1].extra,
                                              "content")), 5);
    CHECK_STR(d->turns[2].text, "I can't say.");
    CHECK(json_is_true(json_object_get(d->turns[2].meta, "refusal")));
    CHECK_STR(d->turns[3].text, "No.");
    CHECK(json_is_true(json_object_get(d->turns[3].meta, "refusal")));
    CHECK_STR(meta_str(d->turns[3].extra, "refusal"), "No.");
    CHECK_STR(d->turns[4].text, "");
    CHECK(json_object_get(d->turns[4].meta, "non_text_parts") == NULL);
    CHECK_STR(d->turns[5].speaker, "user");
    CHECK_STR(meta_str(d->turns[5].extra, "name"), "ana");
    d = dlg(&g, 1);
    CHECK_STR(d->turns[0].text, "\nx\n");
    CHECK(json_object_get(d->turns[0].meta, "non_text_parts") == NULL);
    CHECK(all_round_trip(g.c));
    got_free(&g);
}

/* Case 20: the tool result (turn 4) is linked to the call (turn 3). */
static void test_openai_case20_link(void)
{
    struct got g;
    struct pl_dialogue *d;

    PUT("oa/case20.jsonl",
        "{\"messages\":[{\"role\":\"system\",\"content\":\"You are a booking "
        "assistant.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
        "\"text\":\"Table for two\"},{\"type\":\"image_url\",\"image_url\":"
        "{\"url\":\"https://example.org/m.png\"}},{\"type\":\"text\","
        "\"text\":\"at 7pm?\"}]},{\"role\":\"assistant\",\"content\":null,"
        "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
        "\"function\":{\"name\":\"find_table\",\"arguments\":"
        "\"{\\\"size\\\":2,\\\"time\\\":\\\"19:00\\\"}\"}}]},{\"role\":"
        "\"tool\",\"tool_call_id\":\"call_1\",\"content\":"
        "\"{\\\"available\\\":true}\"},{\"role\":\"assistant\",\"content\":"
        "\"Booked for 7pm.\"}]}\n");
    read_with(&g, tpath("oa/case20.jsonl"), NULL);
    if (read_ok(&g) && CHECK_INT((d = dlg(&g, 0))->n_turns, 5)) {
        CHECK_STR(d->turns[1].text, "Table for two\nat 7pm?");
        CHECK_STR(d->turns[2].text, "");
        CHECK_INT(meta_int(d->turns[3].meta, "tool_call_turn"), 2);
        CHECK(json_object_get(d->turns[3].meta,
                              "tool_call_unmatched") == NULL);
        CHECK_INT(count_role(g.c, PL_ROLE_AGENT), 2);
        CHECK_STR(log_seen, "");
    }
    got_free(&g);
}

/* Parallel tool calls answered out of order, a result for a call that
 * was never made, a result without an id, and the legacy function call
 * shape: every turn kept, links in meta, the rest flagged and warned. */
static void test_openai_tools(void)
{
    struct got g;
    struct pl_dialogue *d;

    PUT("oa/tools.jsonl",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Oslo "
        "and Rome?\"},{\"role\":\"assistant\",\"content\":null,"
        "\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":"
        "{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\""
        "}},{\"id\":\"c2\",\"type\":\"function\",\"function\":{\"name\":"
        "\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Rome\\\"}\"}}]},"
        "{\"role\":\"tool\",\"tool_call_id\":\"c2\",\"content\":\"31C\"},"
        "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"4C\"},"
        "{\"role\":\"tool\",\"tool_call_id\":\"c9\",\"content\":\"?\"},"
        "{\"role\":\"tool\",\"content\":\"stray\"},"
        "{\"role\":\"assistant\",\"content\":\"Oslo 4C, Rome 31C.\"}],"
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
        "\"weather\"}}],\"parallel_tool_calls\":true,\"metadata\":"
        "{\"team\":\"travel\",\"rating\":4}}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"},"
        "{\"role\":\"assistant\",\"content\":null,\"function_call\":"
        "{\"name\":\"calc\",\"arguments\":\"{\\\"x\\\":\\\"2+2\\\"}\"}},"
        "{\"role\":\"function\",\"name\":\"calc\",\"content\":\"4\"},"
        "{\"role\":\"function\",\"name\":\"clock\",\"content\":\"9:00\"},"
        "{\"role\":\"assistant\",\"content\":\"4\"}]}\n");
    read_with(&g, tpath("oa/tools.jsonl"), NULL);
    if (!read_ok(&g) || !CHECK_INT(g.st.kept, 2) ||
        !CHECK_INT((d = dlg(&g, 0))->n_turns, 7)) {
        got_free(&g);
        return;
    }
    CHECK_STR(d->turns[1].text, "");
    CHECK_INT(json_array_size(json_object_get(d->turns[1].meta,
                                              "tool_call_ids")), 2);
    CHECK_STR(meta_str(d->turns[2].meta, "tool_call_id"), "c2");
    CHECK_INT(meta_int(d->turns[2].meta, "tool_call_turn"), 1);
    CHECK_INT(meta_int(d->turns[3].meta, "tool_call_turn"), 1);
    CHECK(json_object_get(d->turns[3].meta, "tool_call_unmatched") == NULL);
    CHECK(json_is_true(json_object_get(d->turns[4].meta,
                                       "tool_call_unmatched")));
    CHECK(json_object_get(d->turns[4].meta, "tool_call_turn") == NULL);
    CHECK(json_is_true(json_object_get(d->turns[5].meta,
                                       "tool_call_unmatched")));
    CHECK_INT(d->turns[4].role, PL_ROLE_TOOL);
    CHECK(json_is_true(json_object_get(d->extra, "parallel_tool_calls")));
    CHECK_INT(json_array_size(json_object_get(d->extra, "tools")), 1);
    CHECK_STR(meta_str(json_object_get(d->extra, "metadata"), "team"),
              "travel");
    CHECK_STR(meta_str(d->meta, "team"), "travel");
    CHECK_INT(meta_int(d->meta, "rating"), 4);
    d = dlg(&g, 1);
    CHECK_STR(meta_str(d->turns[1].meta, "function_call"), "calc");
    CHECK_STR(meta_str(d->turns[2].meta, "function_name"), "calc");
    CHECK_INT(d->turns[2].role, PL_ROLE_TOOL);
    CHECK_INT(meta_int(d->turns[2].meta, "tool_call_turn"), 1);
    CHECK(json_is_true(json_object_get(d->turns[3].meta,
                                       "tool_call_unmatched")));
    CHECK(has(log_seen, "tools.jsonl:1:1: messages[4]: tool_call_id \"c9\" "
              "matches no earlier tool call; kept, marked "
              "tool_call_unmatched"));
    CHECK(has(log_seen, "tools.jsonl:1:1: messages[5]: tool result without "
              "a tool_call_id"));
    CHECK(has(log_seen, "tools.jsonl:2:1: messages[3]: function result "
              "\"clock\" follows no function_call of that name"));
    CHECK(has(log_seen, "tools.jsonl: 3 tool result(s) linked to no "
              "earlier tool call"));
    CHECK(all_round_trip(g.c));
    got_free(&g);
}

/* A logged chat completion, a Batch API input line and fine-tuning
 * weights. */
static void test_openai_logs(void)
{
    struct got g;
    struct pl_dialogue *d;
    const json_t *resp;

    PUT("oa/logs.jsonl",
        "{\"request\":{\"model\":\"gpt-4o\",\"temperature\":0,\"messages\":"
        "[{\"role\":\"system\",\"content\":\"Be kind.\"},{\"role\":\"user\","
        "\"content\":\"Hi\"}]},\"response\":{\"id\":\"r1\",\"model\":"
        "\"gpt-4o-2024\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
        "\"assistant\",\"content\":\"Hello!\",\"refusal\":null},"
        "\"finish_reason\":\"stop\"},{\"index\":1,\"message\":{\"role\":"
        "\"assistant\",\"content\":\"Hey.\"},\"finish_reason\":\"stop\"}],"
        "\"usage\":{\"total_tokens\":9}},\"ts\":17}\n"
        "{\"custom_id\":\"req-7\",\"method\":\"POST\",\"url\":"
        "\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\","
        "\"messages\":[{\"role\":\"user\",\"content\":\"Ping\"}]}}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":"
        "\"assistant\",\"content\":\"b\",\"weight\":0},{\"role\":\"user\","
        "\"content\":\"c\"},{\"role\":\"assistant\",\"content\":\"d\","
        "\"weight\":1}]}\n");
    read_with(&g, tpath("oa/logs.jsonl"), NULL);
    if (!read_ok(&g) || !CHECK_INT(g.st.kept, 3) ||
        !CHECK_INT((d = dlg(&g, 0))->n_turns, 3)) {
        got_free(&g);
        return;
    }
    CHECK_STR(d->turns[2].text, "Hello!");
    CHECK_INT(d->turns[2].role, PL_ROLE_AGENT);
    CHECK_INT(d->turns[2].origin.index, 2);
    CHECK(json_is_true(json_object_get(d->turns[2].meta, "response")));
    CHECK_STR(meta_str(d->turns[2].meta, "finish_reason"), "stop");
    CHECK(json_is_null(json_object_get(d->turns[2].extra, "refusal")));
    CHECK_STR(meta_str(d->meta, "model"), "gpt-4o-2024");
    CHECK(json_object_get(json_object_get(d->extra, "request"),
                          "messages") == NULL);
    CHECK_INT(meta_int(json_object_get(d->extra, "request"),
                       "temperature"), 0);
    resp = json_object_get(d->extra, "response");
    CHECK(json_object_get(json_array_get(json_object_get(resp, "choices"),
                                         0), "message") == NULL);
    CHECK_STR(meta_str(json_object_get(json_array_get(
                  json_object_get(resp, "choices"), 1), "message"),
                       "content"), "Hey.");
    CHECK_INT(meta_int(d->extra, "ts"), 17);
    d = dlg(&g, 1);
    CHECK_INT(d->n_turns, 1);
    CHECK_STR(d->turns[0].text, "Ping");
    CHECK_STR(meta_str(d->extra, "custom_id"), "req-7");
    CHECK_STR(meta_str(d->meta, "model"), "gpt-4o-mini");
    CHECK_STR(meta_str(json_object_get(d->extra, "body"), "model"),
              "gpt-4o-mini");
    d = dlg(&g, 2);
    CHECK_INT(meta_int(d->turns[1].meta, "weight"), 0);
    CHECK_INT(meta_int(d->turns[3].meta, "weight"), 1);
    CHECK(json_object_get(d->turns[0].meta, "weight") == NULL);
    CHECK(all_round_trip(g.c));
    got_free(&g);
}

/* Damaged lines are rejected one by one with their place; ShareGPT-style
 * messages in an OpenAI file are read, not rejected. */
static void test_openai_damaged(void)
{
    struct got g;

    PUT("oa/damaged.jsonl",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"ok\"}]}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},\n"
        "{\"messages\":[{\"role\":\"user\",\"role\":\"assistant\","
        "\"content\":\"dup\"}]}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
        "{\"role\":\"user\",\"content\":{\"text\":\"obj\"}}]}\n"
        "{\"messages\":[\"hello\"]}\n"
        "{\"request\":{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]},"
        "\"response\":{\"choices\":[{\"message\":{\"content\":\"a\"}}]}}\n"
        "{\"messages\":[{\"from\":\"human\",\"value\":\"mixed\"},"
        "{\"role\":\"assistant\",\"content\":\"fine\"}]}\n"
        "\n"
        "{\"messages\":[{\"role\":\"Narrator\",\"content\":\"Once\"}]}");
    read_with(&g, tpath("oa/damaged.jsonl"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.read, 8);
    CHECK_INT(g.st.kept, 3);
    CHECK(has(g.rej[0], "damaged.jsonl:2:"));
    CHECK(has(g.rej[1], "damaged.jsonl:3:"));
    CHECK(has(g.rej[1], "expected unique keys, found a repeated key"));
    CHECK(has(g.rej[2], "damaged.jsonl:4:44: messages[1]: expected content "
              "as a string, null or an array of parts, found an object"));
    CHECK(has(g.rej[3], "damaged.jsonl:5:14: messages[0]: expected a "
              "message object, found a string"));
    CHECK(has(g.rej[4], "damaged.jsonl:6:1: response.choices[0]: expected "
              "a \"role\" string, found nothing"));
    CHECK_INT(dlg(&g, 1)->n_turns, 2);
    CHECK_INT(dlg(&g, 1)->turns[0].role, PL_ROLE_USER);
    CHECK_STR(dlg(&g, 1)->turns[0].speaker, "human");
    CHECK_INT(dlg(&g, 2)->turns[0].role, PL_ROLE_OTHER);
    CHECK_STR(dlg(&g, 2)->id, "damaged:7");
    CHECK(has(log_seen, "damaged.jsonl:9:1: messages[0]: unknown role "
              "\"Narrator\", kept as role other"));
    got_free(&g);
}

/* The Cookbook's toy fine-tuning file: five layouts, per its SOURCE.md. */
static void test_real_openai(void)
{
    static const char *const roles[5] = { "sua", "suauauaua", "ua", "sa",
                                          "sua" };
    char buf[4096];
    struct got g;

    if (!check_corpus("openai_chat_jsonl/toy_chat_fine_tuning.jsonl", buf))
        return;
    read_with(&g, buf, NULL);
    if (!read_ok(&g) || !CHECK_INT(g.c->n_dialogues, 5))
        return;
    CHECK_STR(g.st.formats, "openai");
    for (size_t i = 0; i < 5; i++) {
        const struct pl_dialogue *d = dlg(&g, i);
        char got_roles[16] = "";

        for (size_t j = 0; j < d->n_turns && j < 15; j++)
            got_roles[j] = d->turns[j].role == PL_ROLE_SYSTEM ? 's'
                           : d->turns[j].role == PL_ROLE_USER ? 'u'
                           : d->turns[j].role == PL_ROLE_AGENT ? 'a' : '?';
        CHECK_STR(got_roles, roles[i]);
    }
    CHECK_INT(count_turns(g.c), 3 + 9 + 2 + 2 + 3);
    CHECK_INT(strlen(dlg(&g, 4)->turns[2].text), 26000);
    CHECK(!strncmp(dlg(&g, 4)->turns[2].text, "Eat a banana!Eat a banana!",
                   26));
    CHECK(all_round_trip(g.c));
    got_free(&g);
}

/* ---- ShareGPT ------------------------------------------------------------ */

#define CASE22_ROW1 "{\"conversations\":[{\"from\":\"system\",\"value\":" \
    "\"Be brief.\"},{\"from\":\"human\",\"value\":\"Hi\"},{\"from\":\"gpt\"," \
    "\"value\":\"Hello!\"},{\"from\":\"human\",\"value\":\"Time?\"}," \
    "{\"from\":\"gpt\",\"value\":\"Noon.\"}]}"
#define CASE22_ROW2 "{\"conversations\":[{\"from\":\"user\",\"value\":" \
    "\"Is it open?\"},{\"from\":\"assistant\",\"value\":\"Yes, until 9.\"}]}"
#define CASE22_ROW3 "{\"conversations\":[{\"from\":\"gpt\",\"value\":" \
    "\"Welcome back.\"},{\"from\":\"human\",\"value\":\"Thanks\"}," \
    "{\"from\":\"narrator\",\"value\":\"(silence)\"}]}"

/* Case 22's expected results for a file read either way. */
static void check_case22(const struct got *g, const char *where)
{
    static const enum pl_role want[10] = {
        PL_ROLE_SYSTEM, PL_ROLE_USER, PL_ROLE_AGENT, PL_ROLE_USER,
        PL_ROLE_AGENT, PL_ROLE_USER, PL_ROLE_AGENT, PL_ROLE_AGENT,
        PL_ROLE_USER, PL_ROLE_OTHER };
    long pairs = 0;
    size_t k = 0;

    if (!read_ok(g) || !CHECK_INT(g->st.read, 3) ||
        !CHECK_INT(g->st.kept, 3) || !CHECK_INT(count_turns(g->c), 10))
        return;
    for (size_t i = 0; i < 3; i++) {
        const struct pl_dialogue *d = dlg(g, i);

        pairs += count_pairs(d);
        for (size_t j = 0; j < d->n_turns && k < 10; j++)
            CHECK_INT(d->turns[j].role, want[k++]);
    }
    CHECK_INT(count_pairs(dlg(g, 0)), 2);
    CHECK_INT(count_pairs(dlg(g, 1)), 1);
    CHECK_INT(count_pairs(dlg(g, 2)), 0);
    CHECK_INT(pairs, 3);
    CHECK_STR(dlg(g, 0)->turns[2].text, "Hello!");
    CHECK_STR(dlg(g, 0)->turns[4].text, "Noon.");
    CHECK_STR(dlg(g, 1)->turns[1].speaker, "assistant");
    CHECK_STR(dlg(g, 2)->turns[2].speaker, "narrator");
    CHECK_STR(dlg(g, 2)->turns[2].text, "(silence)");
    CHECK(has(log_seen, where));
    CHECK(has(log_seen, "conversations[2]: unknown role \"narrator\", kept "
              "as role other with the name as speaker"));
    CHECK(has(log_seen, ": 1 turn(s) with an unknown role, kept as role "
              "other"));
}

static void test_sharegpt_case22(void)
{
    struct got g;

    PUT("sg/case22.jsonl", CASE22_ROW1 "\n" CASE22_ROW2 "\n" CASE22_ROW3
        "\n");
    read_with(&g, tpath("sg/case22.jsonl"), NULL);
    CHECK_STR(g.st.formats, "sharegpt");
    check_case22(&g, "case22.jsonl:3:92: conversations[2]");
    CHECK(all_round_trip(g.c));
    got_free(&g);
    PUT("sg/case22.json", "[\n  " CASE22_ROW1 ",\n  " CASE22_ROW2 ",\n  "
        CASE22_ROW3 "\n]\n");
    read_with(&g, tpath("sg/case22.json"), NULL);
    check_case22(&g, "case22.json:4:94: conversations[2]");
    CHECK_STR(dlg(&g, 2)->id, "case22:2");
    CHECK_INT(dlg(&g, 2)->origin.line, 4);
    CHECK_INT(dlg(&g, 2)->origin.column, 3);
    got_free(&g);
}

static void test_sharegpt_roles(void)
{
    static const struct { const char *from; enum pl_role role; } all[] = {
        { "system", PL_ROLE_SYSTEM },   { "Human", PL_ROLE_USER },
        { "GPT", PL_ROLE_AGENT },       { "user", PL_ROLE_USER },
        { "chatgpt", PL_ROLE_AGENT },   { "bing", PL_ROLE_AGENT },
        { "bard", PL_ROLE_AGENT },      { "assistant", PL_ROLE_AGENT },
        { "model", PL_ROLE_AGENT },     { "function_call", PL_ROLE_TOOL },
        { "observation", PL_ROLE_TOOL }, { "tool", PL_ROLE_TOOL },
        { "judge", PL_ROLE_OTHER },
    };
    struct got g;
    struct pl_dialogue *d;

    PUT("sg/roles.jsonl",
        "{\"conversations\":[{\"from\":\"system\",\"value\":\"s\"},"
        "{\"from\":\"Human\",\"value\":\"h\"},{\"from\":\"GPT\",\"value\":"
        "\"g\"},{\"from\":\"user\",\"value\":\"u\"},{\"from\":\"chatgpt\","
        "\"value\":\"c\"},{\"from\":\"bing\",\"value\":\"b\"},{\"from\":"
        "\"bard\",\"value\":\"d\"},{\"from\":\"assistant\",\"value\":\"a\"},"
        "{\"from\":\"model\",\"value\":\"m\"},{\"from\":\"function_call\","
        "\"value\":\"{\\\"name\\\":\\\"f\\\"}\"},{\"from\":\"observation\","
        "\"value\":\"{}\"},{\"from\":\"tool\",\"value\":\"t\"},{\"from\":"
        "\"judge\",\"value\":\"j\"}]}\n");
    read_with(&g, tpath("sg/roles.jsonl"), NULL);
    if (!read_ok(&g) || !CHECK_INT((d = dlg(&g, 0))->n_turns, 13)) {
        got_free(&g);
        return;
    }
    for (size_t i = 0; i < 13; i++) {
        CHECK_INT(d->turns[i].role, all[i].role);
        CHECK_STR(d->turns[i].speaker, all[i].from);
    }
    CHECK_STR(d->turns[9].text, "{\"name\":\"f\"}");
    CHECK(has(log_seen, "conversations[12]: unknown role \"judge\""));
    got_free(&g);
}

/* "conversations", "conversation", "messages" and "items" hold turns;
 * every other key is kept. */
static void test_sharegpt_keys(void)
{
    struct got g;
    struct pl_dialogue *d;

    PUT("sg/keys.jsonl",
        "{\"id\":\"k1\",\"lang\":\"en\",\"model\":\"gpt-4\",\"conversations\":"
        "[{\"from\":\"human\",\"value\":\"a\",\"markdown\":null},{\"from\":"
        "\"gpt\",\"value\":null,\"weight\":0}]}\n"
        "{\"id\":\"k2\",\"conversation\":[{\"from\":\"human\",\"value\":"
        "\"b\"}]}\n"
        "{\"id\":\"k3\",\"messages\":[{\"from\":\"human\",\"value\":\"c\"}]}\n"
        "{\"id\":\"k4\",\"items\":[{\"from\":\"human\",\"value\":\"d\"},"
        "{\"from\":\"gpt\",\"value\":\"e\"}]}\n"
        "{\"id\":\"k5\",\"messages\":[{\"from\":\"gpt\",\"value\":\"old\"}],"
        "\"conversations\":[{\"from\":\"human\",\"value\":\"new\"}]}\n"
        "{\"id\":\"k6\",\"conversations\":[]}\n");
    read_with(&g, tpath("sg/keys.jsonl"), NULL);
    if (!read_ok(&g) || !CHECK_INT(g.st.kept, 6)) {
        got_free(&g);
        return;
    }
    d = dlg(&g, 0);
    CHECK_STR(d->id, "keys:0");
    CHECK_STR(meta_str(d->extra, "id"), "k1");
    CHECK_STR(meta_str(d->extra, "lang"), "en");
    CHECK_STR(meta_str(d->extra, "model"), "gpt-4");
    CHECK(json_object_get(d->extra, "conversations") == NULL);
    CHECK(json_is_null(json_object_get(d->turns[0].extra, "markdown")));
    CHECK_STR(d->turns[1].text, "");
    CHECK_INT(meta_int(d->turns[1].extra, "weight"), 0);
    CHECK_STR(dlg(&g, 1)->turns[0].text, "b");
    CHECK_STR(dlg(&g, 2)->turns[0].text, "c");
    CHECK_INT(dlg(&g, 3)->n_turns, 2);
    d = dlg(&g, 4);
    CHECK_INT(d->n_turns, 1);
    CHECK_STR(d->turns[0].text, "new");
    CHECK_INT(json_array_size(json_object_get(d->extra, "messages")), 1);
    CHECK_INT(dlg(&g, 5)->n_turns, 0);
    CHECK(all_round_trip(g.c));
    got_free(&g);
}

/* A row mixing ShareGPT's from/value with OpenAI's role/content keeps
 * every turn (aiperf's loader found zero pairs in such rows), and an
 * OpenAI-shaped row in a ShareGPT file gets the OpenAI treatment. */
static void test_sharegpt_mixed(void)
{
    struct got g;
    struct pl_dialogue *d;

    PUT("sg/mixed.jsonl",
        "{\"conversations\":[{\"from\":\"human\",\"value\":\"Book it\"},"
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":"
        "\"t1\",\"type\":\"function\",\"function\":{\"name\":\"book\","
        "\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"t1\","
        "\"content\":\"ok\"},{\"from\":\"gpt\",\"value\":\"Booked.\"}]}\n"
        "{\"conversation\":[{\"role\":\"user\",\"content\":[{\"type\":"
        "\"text\",\"text\":\"Hi\"}]},{\"role\":\"tool\",\"tool_call_id\":"
        "\"zz\",\"content\":\"?\"}]}\n");
    read_with(&g, tpath("sg/mixed.jsonl"), NULL);
    if (!read_ok(&g) || !CHECK_INT(g.st.kept, 2) ||
        !CHECK_INT((d = dlg(&g, 0))->n_turns, 4)) {
        got_free(&g);
        return;
    }
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    CHECK_INT(d->turns[2].role, PL_ROLE_TOOL);
    CHECK_INT(meta_int(d->turns[2].meta, "tool_call_turn"), 1);
    CHECK_STR(d->turns[3].text, "Booked.");
    CHECK_INT(count_pairs(d), 2);
    d = dlg(&g, 1);
    CHECK_STR(d->turns[0].text, "Hi");
    CHECK(json_is_true(json_object_get(d->turns[1].meta,
                                       "tool_call_unmatched")));
    CHECK(has(log_seen, "mixed.jsonl:2:"));
    CHECK(has(log_seen, "conversation[1]: tool_call_id \"zz\" matches no "
              "earlier tool call"));
    got_free(&g);
    PUT("sg/forced.jsonl", "{\"messages\":[{\"role\":\"user\",\"content\":"
        "\"Hi\"},{\"role\":\"assistant\",\"content\":\"Yo\"}]}\n");
    read_as(&g, tpath("sg/forced.jsonl"), PL_FMT_SHAREGPT);
    if (read_ok(&g) && CHECK_INT(g.st.kept, 1)) {
        CHECK_STR(g.st.formats, "sharegpt");
        CHECK_INT(dlg(&g, 0)->turns[1].role, PL_ROLE_AGENT);
    }
    got_free(&g);
}

/* In a whole JSON array each bad conversation is rejected alone, located
 * at the bad message; the good ones around it are kept. */
static void test_sharegpt_document(void)
{
    struct got g;

    PUT("sg/doc.json",
        "[\n"
        "  {\"id\": \"a\", \"conversations\": [{\"from\": \"human\", "
        "\"value\": \"one\"}]},\n"
        "  {\"id\": \"b\", \"conversations\": [\n"
        "    {\"from\": \"human\", \"value\": \"two\"},\n"
        "    {\"from\": \"gpt\", \"value\": 2}\n"
        "  ]},\n"
        "  {\"id\": \"c\", \"conversations\": [{\"from\": \"human\" "
        "\"value\": \"three\"}]},\n"
        "  {\"id\": \"d\", \"conversations\": [{\"value\": \"four\"}]},\n"
        "  {\"id\": \"e\", \"conversation\": \"text\"},\n"
        "  \"not a conversation\",\n"
        "  {\"id\": \"f\", \"conversations\": [{\"from\": \"gpt\", "
        "\"value\": \"six\"}]},\n"
        "  {\"id\": \"g\", \"id\": \"g2\", \"conversations\": []}\n"
        "]\n");
    read_with(&g, tpath("sg/doc.json"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.read, 8);
    CHECK_INT(g.st.kept, 2);
    CHECK(has(g.rej[0], "doc.json:5:5: conversations[1]: expected a "
              "\"value\" string, found an integer"));
    CHECK(has(g.rej[1], "doc.json:7:"));
    CHECK(has(g.rej[2], "doc.json:8:33: conversations[0]: expected a "
              "\"from\" string, found nothing"));
    CHECK(has(g.rej[3], "doc.json:9:3: conversation: expected an array of "
              "turns, found a string"));
    CHECK(has(g.rej[4], "doc.json:10:3: expected a conversation object, "
              "found a string"));
    CHECK(has(g.rej[5], "doc.json:12:"));
    CHECK(has(g.rej[5], "expected unique keys"));
    CHECK_STR(dlg(&g, 0)->id, "doc:0");
    CHECK_STR(dlg(&g, 1)->id, "doc:6");
    CHECK_STR(dlg(&g, 1)->turns[0].text, "six");
    got_free(&g);
}

/* Structure broken beyond repair: what came before is kept, the rest is
 * one reject; so is anything after the document. */
static void test_sharegpt_broken(void)
{
    struct got g;

    PUT("sg/cut.json",
        "[\n  {\"conversations\": [{\"from\": \"human\", \"value\": \"ok\"}]},"
        "\n  {\"conversations\": [{\"from\": \"human\", \"value\": \"cut");
    read_with(&g, tpath("sg/cut.json"), NULL);
    if (read_ok(&g)) {
        CHECK_INT(g.st.kept, 1);
        CHECK_INT(g.st.rejected, 1);
        CHECK(has(g.rej[0], "cut.json:3:49: expected a complete JSON "
                  "value, found end of file after '\"cut'"));
    }
    got_free(&g);
    PUT("sg/tail.json",
        "[{\"conversations\": [{\"from\": \"human\", \"value\": \"ok\"}]}]\n"
        "trailing words\n");
    read_with(&g, tpath("sg/tail.json"), NULL);
    if (read_ok(&g)) {
        CHECK_INT(g.st.kept, 1);
        CHECK(has(g.rej[0], "tail.json:2:1: expected '[' or '{' starting "
                  "ShareGPT conversations, found 't'"));
    }
    got_free(&g);
    PUT("sg/badfirst.jsonl",
        "{\"conversations\": [\n"
        "{\"conversations\": [{\"from\": \"human\", \"value\": \"x\"}]}\n");
    read_with(&g, tpath("sg/badfirst.jsonl"), NULL);
    if (read_ok(&g)) {
        CHECK_INT(g.st.kept, 1);
        CHECK(has(g.rej[0], "badfirst.jsonl:1:"));
        CHECK_STR(dlg(&g, 0)->id, "badfirst:1");
    }
    got_free(&g);
}

/* A byte-order mark, CRLF line ends, one conversation spread over many
 * lines, and invalid UTF-8 charged to its own conversation only. */
static void test_sharegpt_bytes(void)
{
    struct got g;
    struct pl_read_opts o;
    const char *bad = PUT("sg/utf8.json",
        "[\r\n {\"conversations\": [{\"from\": \"human\", \"value\": \"fine\"}]"
        "},\r\n {\"conversations\": [{\"from\": \"human\", \"value\": \"bad "
        "\xC3\x28 byte\"}]},\r\n {\"conversations\": []}\r\n]\r\n");

    PUT("sg/one.json", "\xEF\xBB\xBF{\n  \"id\": \"solo\",\n  "
        "\"conversations\": [\n    {\"from\": \"human\", \"value\": "
        "\"Hi\"},\n    {\"from\": \"gpt\", \"value\": \"Hello\"}\n  ]\n}\n");
    read_with(&g, tpath("sg/one.json"), NULL);
    if (read_ok(&g) && CHECK_INT(g.st.kept, 1) &&
        CHECK_INT(dlg(&g, 0)->n_turns, 2)) {
        CHECK_INT(dlg(&g, 0)->turns[1].origin.line, 5);
        CHECK_INT(dlg(&g, 0)->turns[1].origin.column, 5);
        CHECK_STR(meta_str(dlg(&g, 0)->extra, "id"), "solo");
    }
    got_free(&g);
    read_with(&g, bad, NULL);
    if (read_ok(&g) && CHECK_INT(g.st.kept, 3)) {
        CHECK_INT(g.st.utf8_repaired, 1);
        CHECK_STR(dlg(&g, 1)->turns[0].text, "bad " FFFD "( byte");
        CHECK(has(log_seen, "utf8.json:3:53: invalid UTF-8 replaced"));
    }
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, bad, &o);
    if (read_ok(&g) && CHECK_INT(g.st.kept, 2)) {
        CHECK_INT(g.rej_status[0], PL_ERR_UTF8);
        CHECK(has(g.rej[0], "utf8.json:3:53: expected valid UTF-8, found "
                  "byte 0xC3"));
    }
    got_free(&g);
}

/* Record size limits and strict mode. */
static void test_sharegpt_limits(void)
{
    struct got g;
    struct pl_read_opts o;
    const char *path = PUT("sg/limits.json",
        "[{\"conversations\": [{\"from\": \"human\", \"value\": \"short\"}]},"
        "\n {\"conversations\": [{\"from\": \"human\", \"value\": \"a much "
        "longer message than the limit allows\"}]},\n {\"conversations\": "
        "[{\"from\": 1}]},\n {\"conversations\": []}]\n");

    pl_read_opts_default(&o);
    o.max_record_bytes = 70;
    read_with(&g, path, &o);
    if (read_ok(&g)) {
        CHECK_INT(g.st.kept, 2);
        CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
        CHECK(has(g.rej[0], "limits.json:2:2: expected a record of at most "
                  "70 bytes (max_record_bytes), found 94 bytes"));
        CHECK(has(g.rej[1], "limits.json:3:21: conversations[0]: expected "
                  "a \"from\" string, found an integer"));
    }
    got_free(&g);
    pl_read_opts_default(&o);
    o.strict = 1;
    read_with(&g, path, &o);
    CHECK_INT(g.status, PL_ERR_FORMAT);
    CHECK(has(g.err.message, "conversations[0]: expected a \"from\" "
              "string"));
    CHECK_INT(g.err.line, 3);
    CHECK(g.c == NULL);
    got_free(&g);
}

/* FastChat's dummy_conversation.json: counts from its SOURCE.md. */
static void test_real_sharegpt(void)
{
    char buf[4096];
    struct got g;
    long odd = 0;

    if (!check_corpus("sharegpt_fastchat/dummy_conversation.json", buf))
        return;
    read_with(&g, buf, NULL);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.st.formats, "sharegpt");
    CHECK_INT(g.c->n_dialogues, 500);
    CHECK_INT(g.st.rejected, 0);
    CHECK_INT(count_turns(g.c), 2000);
    CHECK_INT(count_role(g.c, PL_ROLE_USER), 1000);
    CHECK_INT(count_role(g.c, PL_ROLE_AGENT), 1000);
    for (size_t i = 0; i < g.c->n_dialogues; i++)
        odd += g.c->dialogues[i].n_turns % 2 != 0 ||
               g.c->dialogues[i].turns[0].role != PL_ROLE_USER;
    CHECK_INT(odd, 0);
    /* The README's exact-text floods: all kept. */
    CHECK_INT(count_text(g.c, "What is up?"), 167);
    CHECK_INT(count_text(g.c, "Have a nice day!"), 167);
    CHECK_INT(count_text(g.c, "Goodbye"), 166);
    CHECK_STR(meta_str(dlg(&g, 0)->extra, "id"), "identity_0");
    CHECK_INT(dlg(&g, 1)->origin.line, 23);
    CHECK_INT(dlg(&g, 1)->turns[0].origin.line, 26);
    CHECK_INT(dlg(&g, 1)->turns[0].origin.column, 7);
    CHECK(all_round_trip(g.c));
    got_free(&g);
}

/* ---- ParlAI Conversations JSONL ------------------------------------------ */

static void test_parlai_shapes(void)
{
    struct got g;
    struct pl_dialogue *d;

    PUT("pj/shapes.jsonl",
        "{\"dialog\": [[{\"id\": \"user\", \"text\": \"hi\", "
        "\"episode_done\": false}, {\"id\": \"bot\", \"text\": \"hello\", "
        "\"episode_done\": false}], [{\"id\": \"user\", \"text\": \"bye\"}, "
        "{\"id\": \"bot\", \"text\": \" see you\", \"episode_done\": true}]],"
        " \"context\": [{\"id\": \"context\", \"text\": \"your persona: x\"}],"
        " \"metadata_path\": \"/m/run.metadata\"}\n"
        "{\"dialog\": [{\"speaker\": \"human_evaluator\", \"text\": \"a\"}, "
        "{\"speaker\": \"model\", \"text\": \"b\"}], \"assignment_id_hashed\""
        ": \"f00\"}\n"
        "{\"dialog\": [[{\"id\": \"GenA\", \"text\": \"one\"}, {\"id\": "
        "\"GenB\", \"text\": \"two\"}], [{\"id\": \"GenA\", \"text\": "
        "\"three\"}, {\"id\": \"GenB\", \"text\": \"four\"}]]}\n"
        "{\"dialog\": [[{\"text\": \"q\"}, {\"text\": \"r\"}], "
        "[{\"text\": \"s\"}]]}\n"
        "{\"dialog\": [[{\"id\": \"context\", \"text\": \"persona\"}, "
        "{\"id\": \"context\", \"text\": \"persona\"}], [{\"id\": "
        "\"sample_model\", \"text\": \"Hi\"}, {\"id\": \"Tester\", "
        "\"text\": \"Yo\"}]]}\n"
        "{\"dialog\": []}\n");
    read_with(&g, tpath("pj/shapes.jsonl"), NULL);
    if (!read_ok(&g) || !CHECK_INT(g.st.kept, 6)) {
        got_free(&g);
        return;
    }
    CHECK_STR(g.st.formats, "parlai_jsonl");
    d = dlg(&g, 0);
    CHECK_STR(d->id, "shapes:0");
    CHECK_INT(d->n_turns, 4);
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    CHECK_STR(d->turns[3].text, " see you");
    CHECK_INT(meta_int(d->turns[2].meta, "exchange"), 1);
    CHECK(json_is_true(json_object_get(d->turns[3].extra, "episode_done")));
    CHECK_INT(json_array_size(json_object_get(d->extra, "context")), 1);
    CHECK_STR(meta_str(d->extra, "metadata_path"), "/m/run.metadata");
    d = dlg(&g, 1);
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    CHECK_STR(d->turns[1].speaker, "model");
    CHECK(json_object_get(d->turns[0].meta, "exchange") == NULL);
    CHECK(json_object_get(d->turns[0].extra, "speaker") == NULL);
    CHECK_STR(meta_str(d->extra, "assignment_id_hashed"), "f00");
    d = dlg(&g, 2);
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    CHECK_INT(d->turns[2].role, PL_ROLE_USER);
    CHECK_INT(d->turns[3].role, PL_ROLE_AGENT);
    d = dlg(&g, 3);
    CHECK_STR(d->turns[0].speaker, "");
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    CHECK_INT(d->turns[2].role, PL_ROLE_USER);
    d = dlg(&g, 4);
    CHECK_INT(d->turns[0].role, PL_ROLE_SYSTEM);
    CHECK_INT(d->turns[2].role, PL_ROLE_AGENT);
    CHECK_INT(d->turns[3].role, PL_ROLE_USER);
    CHECK_INT(dlg(&g, 5)->n_turns, 0);
    CHECK(all_round_trip(g.c));
    got_free(&g);
}

/* Task-oriented episodes: roles from the USER:/SYSTEM:/API prefixes;
 * elsewhere such a prefix is only text. */
static void test_parlai_tod(void)
{
    static const enum pl_role want[] = {
        PL_ROLE_SYSTEM, PL_ROLE_SYSTEM, PL_ROLE_USER, PL_ROLE_AGENT,
        PL_ROLE_TOOL, PL_ROLE_AGENT };
    struct got g;
    struct pl_dialogue *d;

    PUT("pj/tod.jsonl",
        "{\"dialog\": [[{\"id\": \"Api\", \"text\": \"APIS: api_name = "
        "Find\"}, {\"id\": \"Goal\", \"text\": \"GOAL: api_name = Find\"}],"
        " [{\"id\": \"Sim\", \"text\": \"USER: find it\"}, {\"id\": \"Sim\","
        " \"text\": \"APICALL: api_name = Find\"}, {\"id\": \"Api\", "
        "\"text\": \"APIRESP: x = 1\"}, {\"id\": \"Sim\", \"text\": "
        "\"SYSTEM: found it\"}]]}\n"
        "{\"dialog\": [[{\"id\": \"a\", \"text\": \"SYSTEM: hello\"}, "
        "{\"id\": \"b\", \"text\": \"USER: hi\"}]]}\n");
    read_with(&g, tpath("pj/tod.jsonl"), NULL);
    if (!read_ok(&g) || !CHECK_INT((d = dlg(&g, 0))->n_turns, 6)) {
        got_free(&g);
        return;
    }
    for (size_t i = 0; i < 6; i++)
        CHECK_INT(d->turns[i].role, want[i]);
    CHECK_STR(d->turns[2].text, "USER: find it");
    CHECK_INT(meta_int(d->turns[5].meta, "exchange"), 1);
    d = dlg(&g, 1);
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    got_free(&g);
}

static void test_parlai_damaged(void)
{
    struct got g;

    PUT("pj/damaged.jsonl",
        "{\"dialog\": [[{\"id\": \"a\", \"text\": \"fine\"}]]}\r\n"
        "{\"dialogue\": []}\r\n"
        "{\"dialog\": [[{\"id\": \"a\", \"text\": \"x\"}], {\"id\": \"b\", "
        "\"text\": \"y\"}]}\r\n"
        "{\"dialog\": [[{\"id\": \"a\", \"text\": 5}]]}\r\n"
        "{\"dialog\": [{\"speaker\": 7, \"text\": \"z\"}]}\r\n"
        "{\"dialog\": [[\"text\"]]}\r\n"
        "{\"dialog\": [[{\"id\": \"a\", \"id\": \"b\", \"text\": \"d\"}]]}\r\n"
        "{\"dialog\": [[{\"id\": \"a\", \"text\": \"cut\"\r\n"
        "\r\n"
        "{\"dialog\": {\"id\": \"a\"}}\r\n"
        "{\"dialog\": [[{\"id\": \"a\", \"text\": \"last, no newline\"}]]}");
    read_with(&g, tpath("pj/damaged.jsonl"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.read, 10);
    CHECK_INT(g.st.kept, 2);
    CHECK(has(g.rej[0], "damaged.jsonl:2:1: expected a \"dialog\" array, "
              "found nothing"));
    CHECK(has(g.rej[1], "damaged.jsonl:3:41: dialog[1]: expected a list of "
              "messages, as dialog[0], found an object"));
    CHECK(has(g.rej[2], "damaged.jsonl:4:13: dialog[0][0]: expected a "
              "\"text\" string, found an integer"));
    CHECK(has(g.rej[3], "damaged.jsonl:5:13: dialog[0]: expected a "
              "\"speaker\" string, found an integer"));
    CHECK(has(g.rej[4], "damaged.jsonl:6:13: dialog[0][0]: expected a "
              "message object, found a string"));
    CHECK(has(g.rej[5], "damaged.jsonl:7:"));
    CHECK(has(g.rej[5], "expected unique keys"));
    CHECK(has(g.rej[6], "damaged.jsonl:8:"));
    CHECK(has(g.rej[7], "damaged.jsonl:10:1: expected a \"dialog\" array, "
              "found an object"));
    CHECK_STR(dlg(&g, 1)->turns[0].text, "last, no newline");
    CHECK_STR(dlg(&g, 1)->id, "damaged:9");
    got_free(&g);
}

struct parlai_file {
    const char *rel;
    long episodes, turns, exchanges;
};

/* Exchanges: the distinct (episode, exchange) pairs. */
static long count_exchanges(const struct pl_corpus *c)
{
    long n = 0;

    for (size_t i = 0; i < c->n_dialogues; i++) {
        long last = -1;

        for (size_t j = 0; j < c->dialogues[i].n_turns; j++) {
            long e = meta_int(c->dialogues[i].turns[j].meta, "exchange");

            n += e >= 0 && e != last;
            last = e;
        }
    }
    return n;
}

/* The four sample files, with the counts of their SOURCE.md (the TOD
 * file's 423 messages are turns; its exchanges are not counted there). */
static void test_real_parlai_files(void)
{
    static const struct parlai_file files[] = {
        { "parlai_samples/parlai/crowdsourcing/tasks/acute_eval/task_config/"
          "self_chats/model1.blended_skill_talk.jsonl", 5, 50, 25 },
        { "parlai_samples/parlai/tasks/tod_json/example_data.jsonl", 15, 423,
          -1 },
        { "parlai_samples/tests/crowdsourcing/tasks/turn_annotations_static/"
          "task_config/sample_conversations.jsonl", 6, 96, 48 },
        { "parlai_samples/projects/wizard_of_wikipedia/chat_example1.jsonl",
          1, 8, 0 },
    };
    char buf[4096];
    struct got g;

    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        if (!check_corpus(files[i].rel, buf))
            continue;
        read_with(&g, buf, NULL);
        if (!read_ok(&g))
            continue;
        CHECK_STR(g.st.formats, "parlai_jsonl");
        CHECK_INT(g.st.rejected, 0);
        CHECK_INT(g.c->n_dialogues, files[i].episodes);
        CHECK_INT(count_turns(g.c), files[i].turns);
        if (files[i].exchanges >= 0)
            CHECK_INT(count_exchanges(g.c), files[i].exchanges);
        CHECK(all_round_trip(g.c));
        got_free(&g);
    }
}

/* Roles in the real files: self-chat by order, TOD by prefix, the
 * crowdsourcing files by speaker name, context as system. */
static void test_real_parlai_roles(void)
{
    char buf[4096];
    struct got g;
    const struct pl_dialogue *d;

    if (!check_corpus("parlai_samples", buf))
        return;
    read_with(&g, buf, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.files, 4);
    CHECK_INT(g.c->n_dialogues, 27);
    CHECK_INT(count_turns(g.c), 577);
    d = dlg(&g, 0);
    CHECK_STR(d->turns[0].speaker, "TransformerGenerator_1");
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    CHECK(has(meta_str(json_array_get(json_object_get(d->extra, "context"),
                                      0), "text"), "your persona: "));
    CHECK_INT(json_array_size(json_object_get(d->turns[0].extra,
                                              "beam_texts")), 10);
    d = dlg(&g, 5);
    CHECK_STR(d->turns[0].speaker, "GoogleSGD_ApiDescription");
    CHECK_INT(d->turns[0].role, PL_ROLE_SYSTEM);
    CHECK_INT(d->turns[2].role, PL_ROLE_TOOL);
    CHECK_STR(d->turns[4].text, "USER: I need to find a contact number for "
              "a friend.");
    CHECK_INT(d->turns[4].role, PL_ROLE_USER);
    CHECK_INT(d->turns[7].role, PL_ROLE_AGENT);
    d = dlg(&g, 20);
    CHECK_STR(d->turns[1].text, " Same here. I have a kindle, but I "
              "don\xE2\x80\x99t use it for books. It\xE2\x80\x99s nicer to "
              "hold a real book and turn pages.");
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    d = dlg(&g, 21);
    CHECK_STR(d->turns[0].speaker, "context");
    CHECK_INT(d->turns[0].role, PL_ROLE_SYSTEM);
    CHECK_INT(d->turns[2].role, PL_ROLE_USER);
    CHECK_STR(d->turns[3].speaker, "sample_model");
    CHECK_INT(d->turns[3].role, PL_ROLE_AGENT);
    CHECK_INT(d->turns[15].role, PL_ROLE_AGENT);
    CHECK(json_is_true(json_object_get(d->turns[15].extra,
                                       "episode_done")));
    CHECK_INT(count_role(g.c, PL_ROLE_OTHER), 0);
    got_free(&g);
}

int main(void)
{
    tmp_setup();
    test_names();
    test_sniff();
    test_openai_parts();
    test_openai_case20_link();
    test_openai_tools();
    test_openai_logs();
    test_openai_damaged();
    test_real_openai();
    test_sharegpt_case22();
    test_sharegpt_roles();
    test_sharegpt_keys();
    test_sharegpt_mixed();
    test_sharegpt_document();
    test_sharegpt_broken();
    test_sharegpt_bytes();
    test_sharegpt_limits();
    test_real_sharegpt();
    test_parlai_shapes();
    test_parlai_tod();
    test_parlai_damaged();
    test_real_parlai_files();
    test_real_parlai_roles();
    tmp_cleanup();
    return check_done("test_fmt_chat");
}
