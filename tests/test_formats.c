/*
 * Format readers: counts from the real corpora (skipped when
 * ../shared/corpora is absent), hand-written files for every error path,
 * byte-identical unified round trips, sniffing and folder walks, and the
 * cases 16 (surrogate escapes), 17 (\u0000), 18 (BOM), 20 (OpenAI null
 * content and parts) and 25 (quoted multi-line CSV) from ../shared/cases.
 */
#define TMP_NAME "parlance-fmt"
#include "read_util.h"
#include <time.h>
#include <unistd.h>

/* No text anywhere may hold UTF-8-encoded surrogates (ED A0..ED BF). */
static int no_surrogates(const struct pl_corpus *c)
{
    for (size_t i = 0; c && i < c->n_dialogues; i++)
        for (size_t j = 0; j < c->dialogues[i].n_turns; j++)
            for (const char *p = c->dialogues[i].turns[j].text; *p; p++)
                if ((unsigned char)p[0] == 0xED &&
                    (unsigned char)p[1] >= 0xA0)
                    return 0;
    return 1;
}

/* ---- names and sniffing --------------------------------------------- */

static void test_names(void)
{
    const char *names[] = { "auto", "unified", "sgd", "clinc150", "csv",
                            "tsv", "openai", "sharegpt", "parlai_jsonl",
                            "fasttext", "parlai_text" };

    for (int i = 0; i < (int)(sizeof names / sizeof *names); i++) {
        CHECK_STR(pl_format_name((enum pl_format)i), names[i]);
        CHECK_INT(pl_format_parse(names[i]), i);
    }
    CHECK_INT(pl_format_parse("CSV"), PL_FMT_CSV);
    CHECK_INT(pl_format_parse("xml"), -1);
    CHECK_INT(pl_format_parse(NULL), -1);
}

static void sniff_is(const char *rel, const char *data, size_t n,
                     enum pl_format want)
{
    struct pl_error err;
    enum pl_format f = pl_format_sniff(put_file(rel, data, n), &err);

    if (!CHECK_INT(f, want))
        fprintf(stderr, "  sniffing %s: %s\n", rel, err.message);
}

#define SNIFF(rel, lit, want) sniff_is((rel), (lit), sizeof(lit) - 1, (want))

static void test_sniff(void)
{
    struct pl_error err;
    char msg[1200];

    SNIFF("sn/a.jsonl", "{\"id\":\"x\",\"turns\":[]}\n", PL_FMT_UNIFIED);
    SNIFF("sn/b.jsonl", "\xEF\xBB\xBF \n{\"messages\":[]}\n", PL_FMT_OPENAI);
    SNIFF("sn/c.json", "[\n  {\n    \"dialogue_id\": \"1\",\n"
          "    \"services\": [],\n    \"turns\": []\n  }\n]\n", PL_FMT_SGD);
    SNIFF("sn/schema.json", "[{\"service_name\": \"A_1\"}]", PL_FMT_SGD);
    SNIFF("sn/d.json", "{\n    \"oos_val\": [\n        [\n", PL_FMT_CLINC);
    SNIFF("sn/e.csv", "text,category\nhi,greet\n", PL_FMT_CSV);
    SNIFF("sn/f.tsv", "text\tlabel\nhi there\tgreet\n", PL_FMT_TSV);
    SNIFF("sn/g.csv", "text,label\n\"a,\nb\",c\n", PL_FMT_CSV);
    SNIFF("sn/h.md", "# Title, with comma\n\nSome text.\n", PL_FMT_AUTO);
    SNIFF("sn/i.txt", "a,b\nno comma here at all\n", PL_FMT_AUTO);
    SNIFF("sn/j.json", "[\"a\", \"b\"]", PL_FMT_AUTO);
    pl_format_sniff(PUT("sn2/LICENSE", "MIT License\n\nCopyright\n"), &err);
    CHECK(has(pl_error_format(&err, msg, sizeof msg),
              "sn2/LICENSE:1:1: expected a known conversation format "
              "(unified, sgd, clinc150, csv, tsv, openai"));
    CHECK(has(msg, "), found text starting \"MIT License\""));
    pl_format_sniff(PUT("sn2/k.json", "{\"a\": 1, \"b\": [2]}"), &err);
    CHECK(has(err.message, "found a JSON object with keys \"a\", \"b\""));
    pl_format_sniff(PUT("sn2/empty.jsonl", ""), &err);
    CHECK(has(err.message, "found an empty file"));
    pl_format_sniff(PUT("sn2/bin", "\x01\x02zz"), &err);
    CHECK(has(err.message, "found text starting \"\\x01\\x02zz\""));
    /* A folder: its first file in a known format, documents skipped. */
    PUT("sn3/README.md", "# x, y\n");
    PUT("sn3/z.csv", "text,label\na,b\n");
    CHECK_INT(pl_format_sniff(tpath("sn3"), &err), PL_FMT_CSV);
    CHECK_INT(pl_format_sniff(tpath("no/such/file"), &err), PL_FMT_AUTO);
    CHECK_INT(err.status, PL_ERR_IO);
}

/* ---- unified JSONL ----------------------------------------------------- */

static void test_unified_lines(void)
{
    struct got g;
    struct pl_read_opts o;

    /* BOM, CRLF and blank lines; a bad line is rejected with jansson's
     * position and reading goes on. */
    PUT("uni/a.jsonl", "\xEF\xBB\xBF{\"id\":\"a\",\"turns\":[{\"role\":\"user\","
        "\"text\":\"hi\"}]}\r\n\r\n   \n{\"id\":\"b\",\"turns\":[}\r\n"
        "{\"id\":\"c\",\"id\":\"d\",\"turns\":[]}\n"
        "{\"id\":\"e\",\"turns\":[{\"role\":\"agent\",\"text\":\"ok\"}]}");
    read_with(&g, tpath("uni/a.jsonl"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 2);
    CHECK(has(g.rej[0], "uni/a.jsonl:4:20: expected a JSON value, "
              "found '}'"));
    CHECK(has(g.rej[1], "uni/a.jsonl:5:11: expected unique keys, found a "
              "repeated key '\"id\"'"));
    CHECK_STR(g.c->format, "unified");
    CHECK_STR(g.c->dialogues[0].turns[0].text, "hi");
    CHECK_INT(g.c->dialogues[0].origin.line, 1);
    CHECK_INT(g.c->dialogues[1].origin.line, 6);
    got_free(&g);
    /* Strict: the first bad line is the error. */
    pl_read_opts_default(&o);
    o.strict = 1;
    read_with(&g, tpath("uni/a.jsonl"), &o);
    CHECK_INT(g.status, PL_ERR_PARSE);
    CHECK_INT(g.err.line, 4);
    CHECK_INT(g.err.column, 20);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 1);
    CHECK(g.c == NULL);
}

static void test_unified_limits(void)
{
    struct got g;
    struct pl_read_opts o;
    size_t n = 70000;
    char *big = malloc(n + 64);

    /* Rejected raw bytes are cut to 64 KiB. */
    memset(big, 'x', n);
    memcpy(big, "{\"id\":", 6);
    memcpy(big + n, "\n{\"id\":\"k\",\"turns\":[]}\n", 23);
    put_file("uni/big.jsonl", big, n + 23);
    pl_read_opts_default(&o);
    o.format = PL_FMT_UNIFIED;
    read_with(&g, tpath("uni/big.jsonl"), &o);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 1);
    CHECK_INT(g.rej_len[0], 65536);
    got_free(&g);
    /* Over max_record_bytes: a reject, and the next line still reads. */
    o.max_record_bytes = 1000;
    read_with(&g, tpath("uni/big.jsonl"), &o);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
    CHECK(has(g.rej[0], "big.jsonl:1:1: expected a record of at most 1000 "
              "bytes (max_record_bytes), found a line of 70001 bytes"));
    got_free(&g);
    free(big);
}

/* ---- OpenAI chat JSONL ------------------------------------------------- */

static void test_openai_case20(void)
{
    struct got g;
    struct pl_dialogue *d;
    json_t *call;

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
        "\"Booked for 7pm.\"}],\"id\":\"conv-9\"}\n");
    read_with(&g, tpath("oa/case20.jsonl"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    if (!CHECK((d = find(&g, "case20:0")) != NULL) || !CHECK_INT(d->n_turns, 5)) {
        got_free(&g);
        return;
    }
    CHECK_INT(d->turns[0].role, PL_ROLE_SYSTEM);
    CHECK_INT(d->turns[1].role, PL_ROLE_USER);
    CHECK_INT(d->turns[2].role, PL_ROLE_AGENT);
    CHECK_INT(d->turns[3].role, PL_ROLE_TOOL);
    CHECK_INT(d->turns[4].role, PL_ROLE_AGENT);
    CHECK_STR(d->turns[2].speaker, "assistant");
    CHECK_STR(d->turns[1].text, "Table for two\nat 7pm?");
    CHECK_INT(json_integer_value(json_object_get(d->turns[1].meta,
                                                 "non_text_parts")), 1);
    CHECK_INT(json_array_size(json_object_get(d->turns[1].extra,
                                              "content")), 3);
    CHECK_STR(d->turns[2].text, "");
    call = json_array_get(json_object_get(d->turns[2].extra, "tool_calls"),
                          0);
    CHECK_STR(json_string_value(json_object_get(call, "id")), "call_1");
    call = json_object_get(call, "function");
    CHECK_STR(json_string_value(json_object_get(call, "name")),
              "find_table");
    CHECK_STR(json_string_value(json_object_get(call, "arguments")),
              "{\"size\":2,\"time\":\"19:00\"}");
    CHECK_STR(json_string_value(json_array_get(
                  json_object_get(d->turns[2].meta, "tool_call_ids"), 0)),
              "call_1");
    CHECK_STR(meta_str(d->turns[3].meta, "tool_call_id"), "call_1");
    CHECK_STR(d->turns[3].text, "{\"available\":true}");
    CHECK_STR(d->turns[4].text, "Booked for 7pm.");
    CHECK_STR(meta_str(d->extra, "id"), "conv-9");
    got_free(&g);
}

static void test_openai_errors(void)
{
    struct got g;

    PUT("oa/bad.jsonl",
        "{\"messages\": 5}\n"
        "{\"messages\":[{\"content\":\"x\"}]}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":7}]}\n"
        "{\"messages\":[{\"role\":\"narrator\",\"content\":\"once\"}]}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":\"see\\u0000you\"}]}\n"
        "{\"messages\":[{\"role\":\"assistant\",\"content\":\"bye\"}]}\n"
        "[1]\n");
    read_with(&g, tpath("oa/bad.jsonl"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 5);
    CHECK(has(g.rej[0], "bad.jsonl:1:1: expected a \"messages\" array, "
              "found an integer"));
    CHECK(has(g.rej[1], "bad.jsonl:2:14: messages[0]: expected a \"role\" "
              "string, found nothing"));
    CHECK(has(g.rej[2], "bad.jsonl:3:14: messages[0]: expected content as a "
              "string, null or an array of parts, found an integer"));
    /* Case 17: \u0000 rejects its line only. */
    CHECK(has(g.rej[3], "bad.jsonl:5:39: expected text without NUL "
              "characters, found \\u0000"));
    CHECK(has(g.rej[4], "bad.jsonl:7:1: expected a \"messages\" array, "
              "found nothing"));
    CHECK_INT(g.c->dialogues[0].turns[0].role, PL_ROLE_OTHER);
    CHECK_STR(g.c->dialogues[0].turns[0].speaker, "narrator");
    CHECK_STR(g.c->dialogues[1].turns[0].text, "bye");
    CHECK_STR(g.c->dialogues[1].id, "bad:5");
    got_free(&g);
}

/* Case 16: surrogate escapes combine; lone halves become U+FFFD under
 * REPAIR and reject the line under REJECT; raw surrogate bytes too. */
static void test_openai_surrogates(void)
{
    struct got g;
    struct pl_read_opts o;
    const char *path = PUT("oa/sur.jsonl",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"nice \\ud83d\\ude00\"}]}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":\"cut \\ud83d\"}]}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":\"\\ude00 stray\"}]}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":\"swapped \\ude00\\ud83d\"}]}\n"
        "{\"messages\":[{\"role\":\"user\",\"content\":\"raw \xED\xA0\x80!\"}]}\n");

    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 5);
    CHECK_INT(g.st.utf8_repaired, 4);
    CHECK_STR(g.c->dialogues[0].turns[0].text, "nice \xF0\x9F\x98\x80");
    CHECK_STR(g.c->dialogues[1].turns[0].text, "cut " FFFD);
    CHECK_STR(g.c->dialogues[2].turns[0].text, FFFD " stray");
    CHECK_STR(g.c->dialogues[3].turns[0].text, "swapped " FFFD FFFD);
    CHECK(has(g.c->dialogues[4].turns[0].text, "raw " FFFD));
    CHECK(no_surrogates(g.c));
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, path, &o);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 4);
    CHECK(has(g.rej[0], "sur.jsonl:2:39: expected a valid Unicode escape, "
              "found '\\uD83D'"));
    CHECK(has(g.rej[1], "sur.jsonl:3:"));
    CHECK(has(g.rej[2], "sur.jsonl:4:"));
    CHECK_INT(g.rej_status[3], PL_ERR_UTF8);
    CHECK(has(g.rej[3], "sur.jsonl:5:44: expected valid UTF-8, found byte "
              "0xED"));
    CHECK(no_surrogates(g.c));
    got_free(&g);
}

/* Case 18: one BOM at the start is dropped, U+FEFF elsewhere kept. */
static void test_bom(void)
{
    struct got g;
    struct pl_read_opts o;

    PUT("bom/a.jsonl", "\xEF\xBB\xBF{\"messages\":[{\"role\":\"user\","
        "\"content\":\"hi\"}]}\n{\"messages\":[{\"role\":\"assistant\","
        "\"content\":\"hel\xEF\xBB\xBFlo\"}]}\n");
    read_with(&g, tpath("bom/a.jsonl"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.c->dialogues[0].turns[0].role, PL_ROLE_USER);
    CHECK_STR(g.c->dialogues[0].turns[0].text, "hi");
    CHECK_STR(g.c->dialogues[1].turns[0].text, "hel\xEF\xBB\xBFlo");
    got_free(&g);
    PUT("bom/b.csv", "\xEF\xBB\xBFtext,intent\nhow late are you open,hours\n");
    pl_read_opts_default(&o);
    o.text_column = "text";
    o.label_column = "intent";
    read_with(&g, tpath("bom/b.csv"), &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.kept, 1);
    CHECK_STR(g.c->dialogues[0].turns[0].text, "how late are you open");
    CHECK_STR(g.c->dialogues[0].turns[0].intents[0], "hours");
    got_free(&g);
}

/* ---- CSV and TSV -------------------------------------------------------- */

static void test_csv_case25(void)
{
    struct got g;
    struct pl_dialogue *d;

    PUT("csv/case25.csv", "text,intent\r\n"
        "\"Hi,\nI need to move my booking\",change_booking\r\n"
        "\"She said \"\"ok\"\" and left\",other\r\n"
        "bye,goodbye\r\n"
        "\"unterminated,oops\r\n");
    read_with(&g, tpath("csv/case25.csv"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.kept, 3);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "case25.csv:6:1: expected a closing '\"' for the "
              "field opened here, found end of file"));
    d = g.c->dialogues;
    CHECK_STR(d[0].turns[0].text, "Hi,\nI need to move my booking");
    CHECK_STR(d[0].turns[0].intents[0], "change_booking");
    CHECK_STR(d[1].turns[0].text, "She said \"ok\" and left");
    CHECK_STR(d[1].turns[0].intents[0], "other");
    CHECK_STR(d[2].turns[0].text, "bye");
    CHECK_STR(d[2].turns[0].intents[0], "goodbye");
    CHECK_INT(d[0].origin.line, 2);
    CHECK_INT(d[1].origin.line, 4);
    CHECK_INT(d[2].origin.line, 5);
    CHECK_STR(d[2].id, "case25:2");
    CHECK_INT(d[0].turns[0].role, PL_ROLE_USER);
    got_free(&g);
}

static void test_csv_errors(void)
{
    struct got g;

    /* An unclosed quote is reported where it opened; reading resumes on
     * the next line. Wrong field counts and text after a closing quote
     * reject their row. */
    PUT("csv/resync.csv", "text,label\n\"ok\",a\nx,y,z\n\"abc\"x,l\nmore,d\n"
        "\"broken,b\nfine,c\nlast,e\n");
    read_with(&g, tpath("csv/resync.csv"), NULL);
    if (!read_ok(&g) || !CHECK_INT(g.c->n_dialogues, 4))
        return;
    CHECK_INT(g.st.rejected, 3);
    CHECK(has(g.rej[0], "resync.csv:3:1: expected 2 fields as in the "
              "header, found 3"));
    CHECK(has(g.rej[1], "resync.csv:4:6: expected ',' or the end of the "
              "line after a closing quote, found 'x'"));
    CHECK(has(g.rej[2], "resync.csv:6:1: expected a closing '\"' for the "
              "field opened here, found end of file"));
    CHECK_STR(g.c->dialogues[1].turns[0].text, "more");
    CHECK_STR(g.c->dialogues[2].turns[0].text, "fine");
    CHECK_INT(g.c->dialogues[2].origin.line, 7);
    CHECK_STR(g.c->dialogues[2].id, "resync:5");
    CHECK_STR(g.c->dialogues[3].turns[0].text, "last");
    got_free(&g);
    PUT("csv/nul.csv", "text,label\na\0b,c\nok,d\n");
    read_with(&g, tpath("csv/nul.csv"), NULL);
    CHECK_INT(g.st.kept, 1);
    CHECK(has(g.rej[0], "nul.csv:2:2: expected text, found a NUL byte"));
    got_free(&g);
}

static void test_csv_utf8_and_limits(void)
{
    struct got g;
    struct pl_read_opts o;
    const char *path = PUT("csv/u8.csv", "text,label\nbad \xFF,x\ngood,y\n");

    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.utf8_repaired, 1);
    CHECK_STR(g.c->dialogues[0].turns[0].text, "bad " FFFD);
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, path, &o);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.rej_status[0], PL_ERR_UTF8);
    CHECK(has(g.rej[0], "u8.csv:2:5: expected valid UTF-8, found byte 0xFF"));
    got_free(&g);
    pl_read_opts_default(&o);
    o.max_record_bytes = 20;
    read_with(&g, PUT("csv/long.csv", "text,label\n"
                      "this line is far too long,x\n"
                      "\"open\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",y\n"
                      "ok,z\n"), &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 3);
    CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
    CHECK(has(g.rej[1], "long.csv:3:1: expected a closing '\"' for the "
              "field opened here, found none within max_record_bytes"));
    CHECK_STR(g.c->dialogues[0].turns[0].text, "ok");
    got_free(&g);
}

static void test_tsv_and_columns(void)
{
    struct got g;
    struct pl_read_opts o;
    const struct pl_turn *t;

    read_with(&g, PUT("tsv/val.tsv", "id\tutterance\tintent\tchannel\n"
                      "7\thello there\tgreet\tweb\n\n8\tbye\t\tapp"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.c->format, "tsv");
    CHECK_INT(g.st.kept, 2);
    t = &g.c->dialogues[0].turns[0];
    CHECK_STR(t->text, "hello there");
    CHECK_STR(t->intents[0], "greet");
    CHECK_STR(meta_str(t->meta, "id"), "7");
    CHECK_STR(meta_str(t->meta, "channel"), "web");
    CHECK_STR(g.c->dialogues[0].split, "dev");
    CHECK_STR(g.c->dialogues[0].corpus, "tsv");
    CHECK_INT(g.c->dialogues[1].turns[0].n_intents, 0);
    CHECK_INT(g.c->dialogues[1].origin.line, 4);
    got_free(&g);
    pl_read_opts_default(&o);
    o.text_column = "msg";
    o.label_column = "lab";
    read_with(&g, PUT("tsv/foo.csv", "lab,msg,x\r\nL,hello,1\r\n\r\n"), &o);
    if (!read_ok(&g))
        return;
    t = &g.c->dialogues[0].turns[0];
    CHECK_STR(t->text, "hello");
    CHECK_STR(t->intents[0], "L");
    CHECK_STR(meta_str(t->meta, "x"), "1");
    CHECK_STR(g.c->dialogues[0].split, "");
    CHECK_STR(g.c->dialogues[0].corpus, "foo");
    got_free(&g);
    o.text_column = "nope";
    read_with(&g, tpath("tsv/foo.csv"), &o);
    CHECK_INT(g.status, PL_ERR_USAGE);
    CHECK(has(g.err.message, "expected a column named \"nope\" in the "
              "header, found \"lab\", \"msg\", \"x\""));
}

/* ---- SGD -------------------------------------------------------------- */

static const char sgd_small[] =
    "[\n"
    "  {\"dialogue_id\": \"1_00000\", \"services\": [\"Hotels_2\", "
    "\"Restaurants_1\"], \"turns\": [\n"
    "    {\"speaker\": \"USER\", \"utterance\": \"caf\\u00e9 in Paris\", "
    "\"frames\": [\n"
    "      {\"service\": \"Hotels_2\", \"actions\": [], \"slots\": [], "
    "\"state\": {\"active_intent\": \"NONE\"}},\n"
    "      {\"service\": \"Restaurants_1\", \"actions\": [{\"act\": \"INFORM\","
    " \"slot\": \"city\"}, {\"act\": \"INFORM\", \"slot\": \"city\"}], "
    "\"slots\": [{\"slot\": \"city\", \"start\": 8, \"exclusive_end\": 13}], "
    "\"state\": {\"active_intent\": \"FindRestaurants\"}}]},\n"
    "    {\"speaker\": \"SYSTEM\", \"utterance\": \"\", \"frames\": [{\"service\":"
    " \"Restaurants_1\", \"actions\": [{\"act\": \"GOODBYE\", \"slot\": \"\"}],"
    " \"slots\": []}]}\n"
    "  ]},\n"
    "  {\"dialogue_id\": \"1_00001\", \"turns\": 5},\n"
    "  {\"dialogue_id\": \"1_00002\", \"services\": [], \"turns\": [{\"speaker\":"
    " \"USER\", \"utterance\": \"x\", \"frames\": [{\"service\": \"A_1\", "
    "\"slots\": [{\"slot\": \"s\", \"start\": 0, \"exclusive_end\": 9}]}]}]},\n"
    "  {\"dialogue_id\": \"1_00003\", \"services\": [\"Buses_1\"], \"turns\": "
    "[{\"speaker\": \"USER\", \"utterance\": \"ok\", \"frames\": [{\"service\":"
    " \"Buses_1\", \"state\": {\"active_intent\": \"NONE\"}}]}], "
    "\"notes\": \"kept\"},\n"
    "  {\"dialogue_id\": \"1_00005\", \"services\": [], \"turns\": []},\n"
    "  {\"dialogue_id\": \"1_00004\", \"turns\": [}]},\n"
    "  {\"dialogue_id\": \"1_00006\", \"services\": [], \"turns\": []}\n"
    "]\n";

static void check_sgd_first(const struct pl_dialogue *d)
{
    const struct pl_turn *t = d->turns;

    CHECK_STR(d->corpus, "sgd");
    CHECK_STR(d->split, "train");
    CHECK_INT(d->origin.line, 2);
    CHECK_INT(d->origin.column, 3);
    CHECK_INT(json_is_true(json_object_get(d->meta, "multi_domain")), 1);
    CHECK_STR(json_string_value(json_array_get(json_object_get(d->meta,
                                                              "domains"),
                                               1)), "Restaurants");
    CHECK_INT(t[0].role, PL_ROLE_USER);
    CHECK_STR(t[0].speaker, "USER");
    CHECK_INT(t[0].n_intents, 1);
    CHECK_STR(t[0].intents[0], "FindRestaurants");
    CHECK_INT(t[0].n_acts, 1);
    CHECK_STR(t[0].acts[0], "INFORM(city)");
    CHECK_INT(t[0].n_slots, 1);
    CHECK_INT(t[0].slots[0].start, 9);
    CHECK_INT(t[0].slots[0].end, 14);
    CHECK_STR(t[0].slots[0].value, "Paris");
    CHECK_STR(meta_str(t[0].meta, "service"), "Restaurants_1");
    CHECK_STR(meta_str(t[0].meta, "domain"), "Restaurants");
    CHECK_INT(json_array_size(json_object_get(t[0].extra, "frames")), 2);
    CHECK_INT(t[0].origin.line, 3);
    CHECK_INT(t[0].origin.column, 5);
    CHECK_INT(t[1].role, PL_ROLE_AGENT);
    CHECK_STR(t[1].text, "");
    CHECK_STR(t[1].acts[0], "GOODBYE");
    CHECK_INT(t[1].n_intents, 0);
}

static void test_sgd_small(void)
{
    struct got g;
    struct pl_dialogue *d;

    put_file("sgd/train/dialogues_001.json", sgd_small,
             sizeof sgd_small - 1);
    PUT("sgd/train/schema.json", "[{\"service_name\": \"Buses_1\"}]\n");
    PUT("sgd/README.md", "# not data, at all\n");
    read_with(&g, tpath("sgd"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.files, 1);
    CHECK_INT(g.st.kept, 3);
    CHECK_INT(g.st.rejected, 3);
    CHECK(has(g.rej[0], "dialogues_001.json:8:3: expected a dialogue "
              "object with a \"dialogue_id\" string and a \"turns\" array"));
    CHECK(has(g.rej[1], "dialogues_001.json:9:56: turns[0].frames[0]."
              "slots[0]: expected a slot name and a character span"));
    /* A syntax error: the rest of the shard cannot be followed. */
    CHECK(has(g.rej[2], "dialogues_001.json:12:40: expected a JSON value, "
              "found '}'"));
    CHECK(find(&g, "sgd:train:1_00006") == NULL);
    if (CHECK((d = find(&g, "sgd:train:1_00000")) != NULL))
        check_sgd_first(d);
    if (CHECK((d = find(&g, "sgd:train:1_00003")) != NULL)) {
        CHECK_STR(d->turns[0].intents[0], "NONE");
        CHECK_STR(meta_str(d->extra, "notes"), "kept");
        CHECK_INT(json_is_false(json_object_get(d->meta, "multi_domain")),
                  1);
    }
    CHECK(find(&g, "sgd:train:1_00005") != NULL);
    CHECK_STR(g.c->name, "sgd");
    got_free(&g);
}

static void test_sgd_broken(void)
{
    struct got g;

    /* Cut short: what came before is kept, the rest is one reject. */
    read_with(&g, PUT("sgdx/misc/dialogues_003.json",
                      "[\n {\"dialogue_id\": \"3_0\", \"turns\": []},\n"
                      " {\"dialogue_id\": \"3_1\", \"tur"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "dialogues_003.json:3:"));
    CHECK_STR(g.c->dialogues[0].id, "sgd:3_0");
    CHECK_STR(g.c->dialogues[0].split, "");
    got_free(&g);
    read_with(&g, PUT("sgdx/test/dialogues_004.json",
                      "[{\"dialogue_id\": \"4_0\", \"turns\": []}] x"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    CHECK(has(g.rej[0], "dialogues_004.json:1:39: expected the end of the "
              "file after the list of dialogues, found 'x'"));
    CHECK_STR(g.c->dialogues[0].split, "test");
    got_free(&g);
    read_with(&g, PUT("sgdx/dev/dialogues_005.json",
                      "[{\"dialogue_id\": \"5_0\", \"turns\": []} "
                      "{\"dialogue_id\": \"5_1\", \"turns\": []}]"), NULL);
    CHECK_INT(g.st.kept, 1);
    CHECK(has(g.rej[0], "dialogues_005.json:1:38: expected ',' or ']' "
              "after an element, found '{'"));
    got_free(&g);
}

/* Invalid UTF-8 inside one dialogue of a shard: only that one is
 * repaired (and counted, and warned about) or rejected. */
static void test_sgd_utf8(void)
{
    struct got g;
    struct pl_read_opts o;
    const char *path = PUT("sgdu/train/dialogues_004.json",
        "[\n"
        " {\"dialogue_id\": \"4_0\", \"turns\": [{\"speaker\": \"USER\", "
        "\"utterance\": \"good\", \"frames\": []}]},\n"
        " {\"dialogue_id\": \"4_1\", \"turns\": [{\"speaker\": \"USER\", "
        "\"utterance\": \"bad \xFF byte\", \"frames\": []}]},\n"
        " {\"dialogue_id\": \"4_2\", \"turns\": [{\"speaker\": \"USER\", "
        "\"utterance\": \"fine\", \"frames\": []}]}\n"
        "]\n");

    log_seen[0] = '\0';
    pl_log_set(log_to_buf, NULL, PL_LOG_WARN);
    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    pl_log_set(NULL, NULL, PL_LOG_WARN);
    CHECK_INT(g.st.kept, 3);
    CHECK_INT(g.st.utf8_repaired, 1);
    CHECK_STR(g.c->dialogues[1].turns[0].text, "bad " FFFD " byte");
    CHECK(has(log_seen, "dialogues_004.json:3:73: invalid UTF-8 replaced "
              "with U+FFFD"));
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, path, &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.rej_status[0], PL_ERR_UTF8);
    CHECK(has(g.rej[0], "dialogues_004.json:3:73: expected valid UTF-8"));
    CHECK_STR(g.c->dialogues[1].id, "sgd:train:4_2");
    got_free(&g);
}

/* ---- CLINC150 --------------------------------------------------------- */

static const char clinc_small[] =
    "{\n"
    "    \"oos_val\": [\n"
    "        [\n"
    "            \"a show on broadway\", \n"
    "            \"oos\"\n"
    "        ]\n"
    "    ], \n"
    "    \"train\": [\n"
    "        [\"book a flight\", \"book_flight\"], \n"
    "        [\"bad pair\"], \n"
    "        [\"caf\xFF\", \"book_flight\"], \n"
    "        [\"what\\u2019s up\", \"greeting\"]\n"
    "    ], \n"
    "    \"other_list\": [1, 2], \n"
    "    \"test\": []\n"
    "}\n";

static void test_clinc_small(void)
{
    struct got g;
    struct pl_read_opts o;
    struct pl_dialogue *d;

    put_file("cl/data_small.json", clinc_small, sizeof clinc_small - 1);
    PUT("cl/domains.json", "{\"travel\": [\"book_flight\"], "
        "\"small_talk\": [\"greeting\"]}");
    read_with(&g, tpath("cl"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.files, 1);
    CHECK_INT(g.st.kept, 4);
    CHECK_INT(g.st.utf8_repaired, 1);
    CHECK(has(g.rej[0], "data_small.json:10:9: train[1]: expected a [text, "
              "intent] pair of strings, found an array"));
    if (CHECK((d = find(&g, "clinc150_small:oos_val:0")) != NULL)) {
        CHECK_STR(d->split, "dev");
        CHECK_STR(d->turns[0].intents[0], "oos");
        CHECK_INT(json_is_false(json_object_get(d->turns[0].meta,
                                                "in_scope")), 1);
        CHECK_STR(meta_str(d->turns[0].meta, "domain"), "oos");
        CHECK_INT(d->origin.line, 3);
        CHECK_INT(d->origin.column, 9);
    }
    if (CHECK((d = find(&g, "clinc150_small:train:3")) != NULL)) {
        CHECK_STR(d->turns[0].text, "what\xE2\x80\x99s up");
        CHECK_STR(meta_str(d->turns[0].meta, "domain"), "small_talk");
        CHECK_INT(json_is_true(json_object_get(d->turns[0].meta,
                                               "in_scope")), 1);
        CHECK_INT(d->origin.line, 12);
    }
    if (CHECK((d = find(&g, "clinc150_small:train:2")) != NULL))
        CHECK_STR(d->turns[0].text, "caf" FFFD);
    CHECK_STR(g.c->name, "clinc150_small");
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, tpath("cl/data_small.json"), &o);
    CHECK_INT(g.st.kept, 3);
    CHECK(has(g.rej[1], "data_small.json:11:14: expected valid UTF-8"));
    got_free(&g);
    read_with(&g, PUT("cl2/x.json", "{\"train\": [[\"a\", \"b\"], [\"c\", "),
              NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 1);
    CHECK_STR(g.c->dialogues[0].id, "x:train:0");
    got_free(&g);
}

/* Wrong top-level shapes under an explicit format, record limits in
 * whole-document formats, a broken CSV header, bad UTF-8 in unified. */
static void test_more_errors(void)
{
    struct got g;
    struct pl_read_opts o;

    pl_read_opts_default(&o);
    o.format = PL_FMT_SGD;
    read_with(&g, PUT("more/s.json", "{\"dialogue_id\": 1}"), &o);
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "s.json:1:1: expected '[', found '{'"));
    got_free(&g);
    o.format = PL_FMT_CLINC;
    read_with(&g, PUT("more/c.json", "[[\"a\", \"b\"]]"), &o);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "c.json:1:1: expected '{' starting a CLINC150 "
              "object, found '['"));
    got_free(&g);
    o.strict = 1;
    read_with(&g, tpath("more/c.json"), &o);
    CHECK_INT(g.status, PL_ERR_PARSE);
    o.strict = 0;
    o.max_record_bytes = 30;
    read_with(&g, PUT("more/data_x.json", "{\"test\": [[\"short\", \"a\"], "
                      "[\"a much longer utterance here\", \"b\"]]}"), &o);
    CHECK_INT(g.st.kept, 1);
    CHECK(has(g.rej[0], "data_x.json:1:27: expected a record of at most 30 "
              "bytes"));
    got_free(&g);
    o.format = PL_FMT_SGD;
    read_with(&g, PUT("more/d.json", "[{\"dialogue_id\": \"1\", "
                      "\"turns\": []}, {\"dialogue_id\": \"2\"}]"), &o);
    CHECK_INT(g.st.kept, 0);
    CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
    CHECK(has(g.rej[1], "d.json:1:37: expected a dialogue object"));
    got_free(&g);
    o.format = PL_FMT_CSV;
    o.max_record_bytes = 0;
    read_with(&g, PUT("more/h.csv", "\"text,label\nx,y\n"), &o);
    CHECK_INT(g.st.kept, 0);
    CHECK(has(g.rej[0], "h.csv:1:1: expected a closing '\"'"));
    got_free(&g);
    read_with(&g, PUT("more/u.jsonl", "{\"id\":\"a\",\"turns\":[{\"role\":"
                      "\"user\",\"text\":\"x\xC3(\"}]}\n"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.utf8_repaired, 1);
    CHECK_STR(g.c->dialogues[0].turns[0].text, "x" FFFD "(");
    got_free(&g);
}

/* Ids and names made from data or file names stay whole and valid UTF-8
 * however long they are (found by fuzzing: a cut mid-character). */
static void test_long_and_odd_names(void)
{
    char doc[1200], name[64], *json;
    struct got g;
    size_t k = (size_t)snprintf(doc, sizeof doc, "[{\"dialogue_id\": \"");

    for (int i = 0; i < 300; i++)
        k += (size_t)snprintf(doc + k, sizeof doc - k, "\xC3\xA9");
    snprintf(doc + k, sizeof doc - k, "\", \"turns\": [{\"speaker\": "
             "\"USER\", \"utterance\": \"x\", \"frames\": [{\"service\": "
             "\"S\xC3\xA9rvice_12\", \"actions\": [{\"act\": \"INFORM\", "
             "\"slot\": \"x\"}]}]}]}]");
    read_with(&g, put_file("long/dev/dialogues_001.json", doc, strlen(doc)),
              NULL);
    if (!read_ok(&g) || !CHECK_INT(g.st.kept, 1))
        return;
    CHECK_INT(strlen(g.c->dialogues[0].id), 8 + 600);
    CHECK_STR(meta_str(g.c->dialogues[0].turns[0].meta, "domain"),
              "S\xC3\xA9rvice");
    json = pl_dialogue_to_json(&g.c->dialogues[0]);
    CHECK(json != NULL);
    free(json);
    got_free(&g);
    snprintf(name, sizeof name, "odd/b\xFF\xC3.csv");
    read_with(&g, PUT(name, "text,label\nhi,x\n"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.c->dialogues[0].corpus, "b" FFFD FFFD);
    CHECK_STR(g.c->dialogues[0].id, "b" FFFD FFFD ":0");
    json = pl_dialogue_to_json(&g.c->dialogues[0]);
    CHECK(json != NULL);
    free(json);
    got_free(&g);
}

/* ---- folders, callbacks, options ---------------------------------------- */

static enum pl_status stop_after_one(struct pl_dialogue *d, void *ctx)
{
    int *n = ctx;

    pl_dialogue_fini(d);
    return ++*n >= 1 ? PL_ERR_DATA : PL_OK;
}

static void test_folders(void)
{
    struct got g;
    struct pl_read_opts o;
    struct pl_error err;
    int n = 0;

    PUT("mix/LICENSE", "MIT License, of course\n");
    PUT("mix/notes.txt", "hello world\n");
    PUT("mix/b.jsonl", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}\n");
    PUT("mix/a.csv", "text,label\nhi,greet\nyo,greet\n");
    read_with(&g, tpath("mix"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.files, 2);
    CHECK_STR(g.st.formats, "csv,openai");
    CHECK_INT(g.st.format, PL_FMT_OPENAI);
    CHECK_STR(g.c->dialogues[0].id, "a:0");
    CHECK_STR(g.c->dialogues[2].id, "b:0");
    CHECK_STR(g.c->format, "csv,openai");
    got_free(&g);
    mkdir(tpath("empty"), 0700);
    read_with(&g, tpath("empty"), NULL);
    CHECK_INT(g.status, PL_ERR_FORMAT);
    CHECK(has(g.err.message, "expected conversation files"));
    read_with(&g, tpath("mix/LICENSE"), NULL);
    CHECK_INT(g.status, PL_ERR_FORMAT);
    read_with(&g, tpath("nothing/here"), NULL);
    CHECK_INT(g.status, PL_ERR_IO);
    pl_read_opts_default(&o);
    CHECK_INT(pl_read(tpath("mix"), &o, NULL, &err), PL_ERR_USAGE);
    CHECK_INT(pl_read(tpath("mix"), NULL, NULL, &err), PL_ERR_USAGE);
    o.on_dialogue = stop_after_one;
    o.ctx = &n;
    CHECK_INT(pl_read(tpath("mix"), &o, NULL, &err), PL_ERR_DATA);
    CHECK(has(err.message, "stopped by the dialogue callback"));
    pl_read_opts_default(&o);
    o.format = PL_FMT_CSV;
    o.corpus_name = "mine";
    o.split = "test";
    read_with(&g, tpath("mix/a.csv"), &o);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.c->name, "mine");
    CHECK_STR(g.c->dialogues[1].corpus, "mine");
    CHECK_STR(g.c->dialogues[1].split, "test");
    got_free(&g);
}

/* ---- round trips ----------------------------------------------------- */

static enum pl_status write_one(struct pl_dialogue *d, void *ctx)
{
    enum pl_status st = pl_dialogue_write(ctx, d, NULL);

    pl_dialogue_fini(d);
    return st;
}

/* Convert path to unified JSONL at out; returns dialogues written. */
static long convert(const char *path, const char *out)
{
    struct pl_read_opts o;
    struct pl_read_stats st;
    struct pl_error err;
    FILE *fp = fopen(out, "wb");

    pl_read_opts_default(&o);
    o.on_dialogue = write_one;
    o.ctx = fp;
    if (!fp || pl_read(path, &o, &st, &err) != PL_OK) {
        fprintf(stderr, "convert %s: %s\n", path, err.message);
        st.kept = -1;
    }
    if (fp)
        fclose(fp);
    return st.kept;
}

static int same_bytes(const char *a, const char *b)
{
    char *x, *y;
    size_t nx, ny;
    int same;

    if (pl_file_read(a, &x, &nx, NULL) || pl_file_read(b, &y, &ny, NULL))
        return 0;
    same = nx == ny && nx > 0 && !memcmp(x, y, nx);
    free(x);
    free(y);
    return same;
}

static void round_trip(const char *path, const char *tag, long want)
{
    char one[600], two[620];

    snprintf(one, sizeof one, "%s", tpath(tag));
    snprintf(two, sizeof two, "%s.2", one);
    CHECK_INT(convert(path, one), want);
    CHECK_INT(convert(one, two), want);
    if (!CHECK(same_bytes(one, two)))
        fprintf(stderr, "  round trip of %s differs\n", path);
}

static void test_round_trips_small(void)
{
    round_trip(tpath("sgd"), "rt-sgd.jsonl", 3);
    round_trip(tpath("cl/data_small.json"), "rt-clinc.jsonl", 4);
    round_trip(tpath("oa/case20.jsonl"), "rt-oa.jsonl", 1);
    round_trip(tpath("csv/case25.csv"), "rt-csv.jsonl", 3);
}

/* ---- the real corpora ---------------------------------------------------- */

struct sgd_tally {
    long user, agent, none, multi_intent, multi_domain, bad_spans;
    json_t *services;
};

static void tally_sgd(const struct pl_corpus *c, struct sgd_tally *t)
{
    memset(t, 0, sizeof *t);
    t->services = json_object();
    for (size_t i = 0; i < c->n_dialogues; i++) {
        const struct pl_dialogue *d = &c->dialogues[i];
        json_t *s;
        size_t k;

        t->multi_domain += json_is_true(json_object_get(d->meta,
                                                        "multi_domain"));
        json_array_foreach(json_object_get(d->meta, "services"), k, s)
            json_object_set(t->services, json_string_value(s), s);
        for (size_t j = 0; j < d->n_turns; j++) {
            const struct pl_turn *u = &d->turns[j];

            t->user += u->role == PL_ROLE_USER;
            t->agent += u->role == PL_ROLE_AGENT;
            t->none += u->n_intents == 1 && !strcmp(u->intents[0], "NONE");
            t->multi_intent += u->n_intents > 1;
            for (size_t m = 0; m < u->n_slots; m++)
                t->bad_spans += u->slots[m].end > (long)strlen(u->text) ||
                                strncmp(u->text + u->slots[m].start,
                                        u->slots[m].value,
                                        (size_t)(u->slots[m].end -
                                                 u->slots[m].start));
        }
    }
}


static long count_split(const struct pl_corpus *c, const char *split)
{
    long n = 0;

    for (size_t i = 0; i < c->n_dialogues; i++)
        n += !strcmp(c->dialogues[i].split, split);
    return n;
}

static void test_real_sgd(void)
{
    char buf[4096];
    struct got g;
    struct sgd_tally t;
    struct pl_dialogue *d;

    if (!check_corpus("sgd/train/dialogues_001.json", buf))
        return;
    read_with(&g, check_corpus("sgd/train", buf), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.files, 10);
    CHECK_INT(g.c->n_dialogues, 1254);
    CHECK_INT(count_turns(g.c), 19818);
    CHECK_INT(count_split(g.c, "train"), 1254);
    tally_sgd(g.c, &t);
    CHECK_INT(json_object_size(t.services), 26);
    CHECK_INT(t.user, 9909);
    CHECK_INT(t.agent, 9909);
    CHECK_INT(t.multi_domain, 512);
    CHECK_INT(t.none, 741);
    CHECK_INT(t.multi_intent, 366);
    CHECK_INT(t.bad_spans, 0);
    json_decref(t.services);
    CHECK(find(&g, "sgd:train:26_00063") && find(&g, "sgd:train:26_00065"));
    CHECK(find(&g, "sgd:train:43_00040") && find(&g, "sgd:train:43_00042"));
    if (CHECK((d = find(&g, "sgd:train:1_00000")) != NULL)) {
        CHECK_INT(d->origin.line, 2);
        CHECK_INT(d->turns[0].origin.line, 8);
    }
    got_free(&g);
    read_with(&g, check_corpus("sgd/test", buf), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.c->n_dialogues, 1459);
    CHECK_INT(count_turns(g.c), 19210);
    if ((d = find(&g, "sgd:test:3_00055")) && CHECK(d->n_turns > 15)) {
        CHECK_STR(d->turns[15].text, "");
        CHECK_INT(d->turns[15].role, PL_ROLE_AGENT);
        CHECK_STR(d->turns[15].acts[0], "GOODBYE");
    }
    /* a service switch: the intent the user now states is the label,
     * not the one still active in the old service's frame */
    if ((d = find(&g, "sgd:test:33_00010")) && CHECK(d->n_turns > 10) &&
        CHECK(d->turns[10].n_intents == 2)) {
        CHECK_STR(d->turns[10].intents[0], "BookAppointment");
        CHECK_STR(d->turns[10].intents[1], "GetWeather");
        CHECK_STR(json_string_value(json_object_get(d->turns[10].meta,
                                                    "service")),
                  "Services_1");
    }
    got_free(&g);
}

/* Time a plain read of the SGD train folder (no corpus kept). */
static enum pl_status drop(struct pl_dialogue *d, void *ctx)
{
    (void)ctx;
    pl_dialogue_fini(d);
    return PL_OK;
}

static void test_sgd_speed(void)
{
    char buf[4096];
    struct pl_read_opts o;
    struct pl_read_stats st;
    struct timespec a, b;
    double secs;

    if (!check_corpus("sgd/train/dialogues_001.json", buf))
        return;
    pl_read_opts_default(&o);
    o.on_dialogue = drop;
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK_INT(pl_read(check_corpus("sgd/train", buf), &o, &st, NULL),
              PL_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    secs = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("ok sgd/train read in %.3f s\n", secs);
#if !defined(__SANITIZE_ADDRESS__)
    CHECK(secs < 2.0);
#endif
}

/* Line 8265 of data_full.json must be the "[" of val[1965]. */
static void check_val1965_line(const char *path, long line)
{
    char *buf, *p;
    size_t n;
    long at = 1;

    if (pl_file_read(path, &buf, &n, NULL) != PL_OK)
        return;
    for (p = buf; at < line && (p = strchr(p, '\n')); p++)
        at++;
    CHECK(p && !strncmp(p, "        [\n            \"what\\u2019s the name of "
                           "this song\"", 53));
    free(buf);
}

static void test_real_clinc(void)
{
    char buf[4096];
    struct got g;
    struct pl_dialogue *d;
    json_t *intents = json_object();
    long oos = 0;

    if (!check_corpus("clinc150/data/data_full.json", buf)) {
        json_decref(intents);
        return;
    }
    read_with(&g, buf, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.c->n_dialogues, 23700);
    CHECK_INT(count_split(g.c, "train"), 15100);
    CHECK_INT(count_split(g.c, "dev"), 3100);
    CHECK_INT(count_split(g.c, "test"), 5500);
    for (size_t i = 0; i < g.c->n_dialogues; i++) {
        const struct pl_turn *t = g.c->dialogues[i].turns;

        json_object_set_new(intents, t->intents[0], json_true());
        oos += json_is_false(json_object_get(t->meta, "in_scope"));
        CHECK(meta_str(t->meta, "domain") != NULL);
    }
    CHECK_INT(json_object_size(intents), 151);
    CHECK_INT(oos, 1200);
    CHECK_STR(g.c->name, "clinc150");
    if (CHECK((d = find(&g, "clinc150:val:1965")) != NULL)) {
        CHECK_STR(d->turns[0].text, "what\xE2\x80\x99s the name of this song");
        CHECK_STR(d->turns[0].intents[0], "what_song");
        CHECK_STR(d->split, "dev");
        CHECK_INT(d->origin.line, 8265);
        CHECK_INT(d->origin.index, 1965);
        check_val1965_line(buf, d->origin.line);
    }
    json_decref(intents);
    got_free(&g);
    round_trip(buf, "rt-clinc-full.jsonl", 23700);
}

static long multi_line_texts(const struct pl_corpus *c)
{
    long n = 0;

    for (size_t i = 0; i < c->n_dialogues; i++)
        n += strchr(c->dialogues[i].turns[0].text, '\n') != NULL;
    return n;
}

static void test_real_banking(void)
{
    char buf[4096];
    struct got g;
    struct pl_dialogue *d;

    if (!check_corpus("banking77/banking_data/train.csv", buf))
        return;
    read_with(&g, buf, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.c->n_dialogues, 10003);
    CHECK_INT(g.st.rejected, 0);
    CHECK_INT(multi_line_texts(g.c), 10);
    CHECK_STR(g.c->dialogues[0].split, "train");
    CHECK_STR(g.c->dialogues[0].corpus, "banking_data");
    if (CHECK((d = find(&g, "train:1290")) != NULL)) {
        CHECK_INT(d->origin.line, 1292);
        CHECK_STR(d->turns[0].text,
                  "\nI can't seem to be able to use my card\n\n\n");
        CHECK_STR(d->turns[0].intents[0], "card_not_working");
        CHECK_INT(g.c->dialogues[1291].origin.line, 1297);
    }
    got_free(&g);
    read_with(&g, check_corpus("banking77/banking_data/test.csv", buf),
              NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.c->n_dialogues, 3080);
    CHECK_INT(multi_line_texts(g.c), 3);
    CHECK_STR(g.c->dialogues[0].split, "test");
    got_free(&g);
    read_with(&g, check_corpus("banking77/banking_data", buf), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.files, 2);
    CHECK_INT(g.c->n_dialogues, 13083);
    got_free(&g);
}

static void test_real_openai(void)
{
    char buf[4096];
    struct got g;
    struct pl_read_opts o;
    const struct pl_dialogue *d;

    if (!check_corpus("openai_chat_jsonl/toy_chat_fine_tuning.jsonl", buf))
        return;
    read_with(&g, buf, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.c->n_dialogues, 5);
    d = g.c->dialogues;
    CHECK_INT(d[1].n_turns, 9);
    CHECK_INT(d[2].turns[0].role, PL_ROLE_USER);
    CHECK_INT(d[3].n_turns, 2);
    CHECK_INT(d[3].turns[1].role, PL_ROLE_AGENT);
    CHECK_INT(strlen(d[4].turns[2].text), 26000);
    got_free(&g);
    pl_read_opts_default(&o);
    o.max_record_bytes = 1000;
    read_with(&g, buf, &o);
    CHECK_INT(g.st.kept, 4);
    CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
    CHECK(has(g.rej[0], "toy_chat_fine_tuning.jsonl:5:1: expected a record "
              "of at most 1000 bytes"));
    got_free(&g);
}

static void test_real_sgd_round_trip(void)
{
    char buf[4096];

    if (check_corpus("sgd/test/dialogues_003.json", buf))
        round_trip(buf, "rt-sgd-003.jsonl", 128);
}

int main(void)
{
    tmp_setup();
    test_names();
    test_sniff();
    test_unified_lines();
    test_unified_limits();
    test_openai_case20();
    test_openai_errors();
    test_openai_surrogates();
    test_bom();
    test_csv_case25();
    test_csv_errors();
    test_csv_utf8_and_limits();
    test_tsv_and_columns();
    test_sgd_small();
    test_sgd_broken();
    test_sgd_utf8();
    test_clinc_small();
    test_more_errors();
    test_long_and_odd_names();
    test_folders();
    test_round_trips_small();
    test_real_sgd();
    test_sgd_speed();
    test_real_clinc();
    test_real_banking();
    test_real_openai();
    test_real_sgd_round_trip();
    tmp_cleanup();
    return check_done("test_formats");
}
