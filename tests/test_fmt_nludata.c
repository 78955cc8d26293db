/*
 * Intent datasets: SNIPS, NLU++, HWU64 tables and Rasa NLU JSON. The
 * real files with the counts of their SOURCE.md (skipped when
 * ../shared/corpora is absent), files written as a user would write
 * them, damaged ones, detection by content and unified round trips.
 */
#include "taskdata_check.h"

/* ---- detection ------------------------------------------------------- */

static void test_sniff(void)
{
    SNIFF("sn/a.json", "{\n    \"PlayMusic\": [\n        {\n            "
          "\"data\": [\n", PL_FMT_SNIPS);
    SNIFF("sn/b.json", "{\"X\": [{\"text\": \"a\"}]}", PL_FMT_AUTO);
    SNIFF("sn/c.json", "[\n  {\n    \"text\": \"hi\",\n    \"intents\": "
          "[\n", PL_FMT_NLUPP);
    SNIFF("sn/d.json", "[{\"text\": \"a\"}, {\"text\": \"b\", \"slots\": "
          "{}}]", PL_FMT_NLUPP);
    SNIFF("sn/e.json", "[{\"text\": \"a\"}, {\"text\": \"b\"}]", PL_FMT_AUTO);
    SNIFF("sn/f.json", "[{\"intents\": [], \"text\": 3}]", PL_FMT_AUTO);
    SNIFF("sn/g.json", "{\"version\": \"2\", \"rasa_nlu_data\": "
          "{\"common_examples\": []}}", PL_FMT_RASA_JSON);
    SNIFF("sn/h.csv", "answerid;scenario;intent;answer_annotation;"
          "answer_from_anno;answer_from_user\n", PL_FMT_HWU64);
    SNIFF("sn/i.csv", "\"id\";\"answer_annotation\"\r\n1;\"x\"\r\n",
          PL_FMT_HWU64);
    SNIFF("sn/j.csv", "id;text\n1;x\n", PL_FMT_AUTO);
    SNIFF("sn/k.json", "{\"intents\": {\"affirm\": {}}, \"slots\": {}}",
          PL_FMT_AUTO);
    for (int f = PL_FMT_SNIPS; f <= PL_FMT_RASA_JSON; f++)
        CHECK_INT(pl_format_parse(pl_format_name((enum pl_format)f)), f);
    CHECK_STR(pl_format_name(PL_FMT_RASA_JSON), "rasa_json");
}

/* ---- SNIPS ------------------------------------------------------------- */

static const char snips_small[] =
    "{\n"
    "    \"BookRestaurant\": [\n"
    "        {\n"
    "            \"data\": [\n"
    "                {\"text\": \"book a table at \"},\n"
    "                {\"text\": \"Caf\xC3\xA9 Rouge\", \"entity\": "
    "\"restaurant_name\"},\n"
    "                {\"text\": \" for \"},\n"
    "                {\"text\": \"4\", \"entity\": \"party_size_number\"}\n"
    "            ]\n"
    "        },\n"
    "        {\"data\": [{\"text\": \"table for two\"}], \"id\": \"u2\"},\n"
    "        {\"data\": [{\"text\": \"in \"}, {\"text\": \"Paris\", "
    "\"entity\": \"city\", \"slot_name\": \"location\"}]},\n"
    "        {\"data\": \"oops\"},\n"
    "        {\"data\": [{\"text\": \"a\"},\n"
    "                  {\"text\": 5}]},\n"
    "        {\"data\": [{\"text\": \"bad \xFF\"}]}\n"
    "    ],\n"
    "    \"GetWeather\": [\n"
    "        {\"data\": [{\"text\": \"weather \"}, {\"text\": \"tomorrow\", "
    "\"entity\": \"timeRange\"}]}\n"
    "    ]\n"
    "}\n";

static void check_snips_first(const struct pl_dialogue *d)
{
    const struct pl_turn *t = d->turns;
    char buf[64];

    CHECK_STR(d->corpus, "snips");
    CHECK_STR(d->split, "train");
    CHECK_INT(d->origin.line, 3);
    CHECK_INT(d->origin.column, 9);
    CHECK_INT(t->role, PL_ROLE_USER);
    CHECK_STR(t->text, "book a table at Caf\xC3\xA9 Rouge for 4");
    CHECK_STR(t->intents[0], "BookRestaurant");
    CHECK_INT(t->n_slots, 2);
    CHECK_STR(t->slots[0].slot, "restaurant_name");
    CHECK_INT(t->slots[0].start, 16);
    CHECK_INT(t->slots[0].end, 27);
    CHECK(t->slots[0].value == NULL);
    CHECK_STR(span_text(t, 1, buf, sizeof buf), "4");
    CHECK_INT(json_object_size(t->extra), 0);
}

static void test_snips_small(void)
{
    struct got g;
    struct pl_dialogue *d;
    const char *path = put_file("sn1/BookRestaurant/train_BookRestaurant."
                                "json", snips_small, sizeof snips_small - 1);

    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.st.formats, "snips");
    CHECK_INT(g.st.kept, 5);
    CHECK_INT(g.st.rejected, 2);
    CHECK_INT(g.st.utf8_repaired, 1);
    CHECK(has(g.rej[0], "train_BookRestaurant.json:13:9: BookRestaurant[3]: "
              "expected an object with a \"data\" list of segments, found a "
              "string"));
    CHECK(has(g.rej[1], "train_BookRestaurant.json:15:19: BookRestaurant[4]"
              ".data[1]: expected a segment with a \"text\" string, found a "
              "\"text\" that is not a string"));
    if ((d = find(&g, "snips:train_BookRestaurant:0")))
        check_snips_first(d);
    if ((d = find(&g, "snips:train_BookRestaurant:1")))
        CHECK_STR(meta_str(d->turns[0].extra, "id"), "u2");
    if ((d = find(&g, "snips:train_BookRestaurant:2"))) {
        CHECK_STR(d->turns[0].slots[0].slot, "location");
        CHECK(json_is_array(json_object_get(d->turns[0].extra, "data")));
    }
    if ((d = find(&g, "snips:train_BookRestaurant:5")))
        CHECK_STR(d->turns[0].text, "bad " FFFD);
    if ((d = find(&g, "snips:train_BookRestaurant:6"))) {
        CHECK_STR(d->turns[0].intents[0], "GetWeather");
        CHECK_INT(d->origin.index, 0);
    }
    got_free(&g);
    round_trip(path, "rt-snips.jsonl", 5);
}

static void test_snips_odd(void)
{
    struct got g;
    struct pl_read_opts o;

    read_with(&g, PUT("sn2/validate_PlayMusic.json", "\xEF\xBB\xBF{\"Play"
                      "Music\": [{\"data\": [{\"text\": \"play \"}, {\"text\":"
                      " \"x\", \"entity\": \"track\"}]}]} trailing"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    CHECK_STR(g.c->dialogues[0].split, "dev");
    CHECK(has(g.rej[0], "validate_PlayMusic.json:1:82: expected the end of "
              "the file, found 't'"));
    got_free(&g);
    read_with(&g, PUT("sn2/test_x.json", "{\"Bad\\udc00Name\": [{\"data\": "
                      "[]}], \"Ok\": [{\"data\": []}]}"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_STR(g.c->dialogues[0].turns[0].intents[0], "Bad" FFFD "Name");
    CHECK_STR(g.c->dialogues[0].split, "test");
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, tpath("sn2/test_x.json"), &o);
    CHECK_INT(g.st.kept, 1);
    CHECK(has(g.rej[0], "test_x.json:1:2: expected a valid Unicode escape"));
    got_free(&g);
    read_with(&g, PUT("sn2/cut.json", "{\"A\": [{\"data\": []}, {\"dat"),
              NULL);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 1);
    got_free(&g);
}

/* ---- NLU++ ------------------------------------------------------------- */

static const char nlupp_small[] =
    "[\n"
    "  {\"text\": \"I'd like to book a room for 2 nights from 5 May\", "
    "\"intents\": [\"book\", \"room\"],\n"
    "   \"slots\": {\"date_period\": {\"text\": \"2 nights\", \"span\": [28, "
    "36], \"values\": {\"type\": \"relative\", \"days\": 2}},\n"
    "             \"date_from\": {\"text\": \"5 May\", \"span\": [42, 47], "
    "\"value\": {\"day\": 5, \"month\": 5}}}},\n"
    "  {\"text\": \"thanks\"},\n"
    "  {\"text\": \"are pets allowed?\", \"intents\": [\"pets\", \"pets\"]},\n"
    "  {\"text\": \"x\", \"intents\": \"book\"},\n"
    "  {\"text\": \"y\", \"intents\": [\"a\",\n"
    "     3]},\n"
    "  {\"text\": \"z\", \"slots\": {\"s\": {\"text\": \"z\", \"span\": [0, "
    "5]}}},\n"
    "  {\"text\": \"f\xC3\xBCr 2 Personen\", \"slots\": {\"people\": "
    "{\"text\": \"2\", \"span\": [4, 5], \"value\": 2}}},\n"
    "  {\"intents\": [\"x\"]}\n"
    "]\n";

static void check_nlupp_first(const struct pl_dialogue *d)
{
    const struct pl_turn *t = d->turns;
    char buf[64];

    CHECK_STR(d->corpus, "nlupp");
    CHECK_STR(d->split, "");
    CHECK_INT(json_integer_value(json_object_get(d->meta, "fold")), 3);
    CHECK_STR(meta_str(t->meta, "domain"), "hotels");
    CHECK_INT(t->n_intents, 2);
    CHECK_STR(t->intents[1], "room");
    CHECK_INT(t->n_slots, 2);
    CHECK_STR(t->slots[0].slot, "date_period");
    CHECK_STR(span_text(t, 0, buf, sizeof buf), "2 nights");
    CHECK_STR(t->slots[0].value, "{\"type\":\"relative\",\"days\":2}");
    CHECK_STR(t->slots[1].value, "{\"day\":5,\"month\":5}");
    CHECK(json_is_object(json_object_get(t->extra, "slots")));
}

static void test_nlupp_small(void)
{
    struct got g;
    struct pl_dialogue *d;
    const char *path = put_file("nl/hotels/fold3.json", nlupp_small,
                                sizeof nlupp_small - 1);

    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.st.formats, "nlupp");
    CHECK_INT(g.st.kept, 4);
    CHECK_INT(g.st.rejected, 4);
    CHECK(has(g.rej[0], "fold3.json:7:3: [3].intents: expected a list of "
              "intent names, found a string"));
    CHECK(has(g.rej[1], "fold3.json:9:6: [4].intents[1]: expected an intent "
              "name, found an integer"));
    CHECK(has(g.rej[2], "fold3.json:10:3: [5].slots[\"s\"]: expected a "
              "\"span\" [start, end] of characters within the text, found "
              "an array"));
    CHECK(has(g.rej[3], "fold3.json:12:3: [7]: expected an example with a "
              "\"text\" string, found no text"));
    if ((d = find(&g, "nlupp:hotels:fold3:0")))
        check_nlupp_first(d);
    if ((d = find(&g, "nlupp:hotels:fold3:1")))
        CHECK_INT(d->turns[0].n_intents, 0);
    if ((d = find(&g, "nlupp:hotels:fold3:2")))
        CHECK_INT(d->turns[0].n_intents, 1);
    if ((d = find(&g, "nlupp:hotels:fold3:6"))) {
        CHECK_INT(d->turns[0].slots[0].start, 5);
        CHECK_STR(d->turns[0].slots[0].value, "2");
    }
    got_free(&g);
    round_trip(path, "rt-nlupp.jsonl", 4);
    read_with(&g, PUT("nl/train/examples.json", "[{\"text\": \"a\", "
                      "\"intents\": [\"b\"]}]"), NULL);
    if (read_ok(&g) && CHECK_INT(g.st.kept, 1)) {
        CHECK_STR(g.c->dialogues[0].split, "train");
        CHECK(json_object_get(g.c->dialogues[0].turns[0].meta,
                              "domain") == NULL);
        CHECK(json_object_get(g.c->dialogues[0].meta, "fold") == NULL);
    }
    got_free(&g);
}

/* ---- HWU64 --------------------------------------------------------------- */

static const char hwu_small[] =
    "answerid;scenario;intent;answer_annotation;answer_from_anno;"
    "answer_from_user\n"
    "1;alarm;set;\"wake me up at [time : seven am] [date : tomorrow]\";"
    "\"wake me up at seven am tomorrow\";\"Wake me up at 7am tomorrow\"\n"
    "2;alarm;set;\"set an alarm [not markup] and [time: five]\";\"set an "
    "alarm [not markup] and five\";\"set an alarm\"\n"
    "3;alarm;set;\"a \"\"quoted\"\" word; and\n"
    "a new line\";\"x\";\"y\"\n"
    "4;alarm;set;\"too\";\"few\"\n"
    "5;alarm;alarm_set;\"[date : ] nothing\";\" nothing\";\"Nothing [date : "
    "today]\"\n"
    "6;;set;\"no scenario\";\"no scenario\";\"x\"\n"
    "\n"
    "07;alarm;set;\"after\" x;\"b\";\"c\"\n"
    "8;alarm;set;\"caf\xFF\";\"x\";\"y\"\n"
    "9;alarm;set;\"never closed;x;y\n"
    "10;alarm;set;ok;ok;ok\n";

static void check_hwu_rows(const struct got *g)
{
    struct pl_dialogue *d;
    char buf[64];

    if ((d = find(g, "hwu64:train:alarm_set:0"))) {
        const struct pl_turn *t = d->turns;

        CHECK_STR(d->corpus, "hwu64");
        CHECK_STR(t->text, "wake me up at seven am tomorrow");
        CHECK_STR(t->intents[0], "alarm_set");
        CHECK_STR(t->slots[0].slot, "time");
        CHECK_STR(span_text(t, 0, buf, sizeof buf), "seven am");
        CHECK_STR(span_text(t, 1, buf, sizeof buf), "tomorrow");
        CHECK_STR(meta_str(t->meta, "domain"), "alarm");
        CHECK_INT(json_integer_value(json_object_get(t->meta, "answerid")),
                  1);
        CHECK_STR(meta_str(t->extra, "answer_from_user"),
                  "Wake me up at 7am tomorrow");
        CHECK(json_object_get(t->extra, "answer_from_anno") == NULL);
    }
    if ((d = find(g, "hwu64:train:alarm_set:1"))) {
        CHECK_STR(d->turns[0].text, "set an alarm [not markup] and five");
        CHECK_INT(d->turns[0].n_slots, 1);
    }
    if ((d = find(g, "hwu64:train:alarm_set:2"))) {
        CHECK_STR(d->turns[0].text, "a \"quoted\" word; and\na new line");
        CHECK_STR(meta_str(d->turns[0].extra, "answer_from_anno"), "x");
        CHECK_INT(d->origin.line, 4);
    }
    if ((d = find(g, "hwu64:train:alarm_set:4"))) {
        CHECK_STR(d->turns[0].intents[0], "alarm_set");
        CHECK_INT(d->turns[0].slots[0].end, 0);
    }
    if ((d = find(g, "hwu64:train:alarm_set:7")))
        CHECK_STR(d->turns[0].text, "caf" FFFD);
    if ((d = find(g, "hwu64:train:alarm_set:9")))
        CHECK_STR(d->turns[0].text, "ok");
}

static void test_hwu_small(void)
{
    struct got g;
    const char *path = put_file("hw/trainset/alarm_set.csv", hwu_small,
                                sizeof hwu_small - 1);

    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.st.formats, "hwu64");
    CHECK_INT(g.st.kept, 6);
    CHECK_INT(g.st.rejected, 4);
    CHECK(has(g.rej[0], "alarm_set.csv:6:1: expected 6 fields as in the "
              "header, found 5"));
    CHECK(has(g.rej[1], "alarm_set.csv:8:1: expected a scenario and an "
              "intent, found an empty field"));
    CHECK(has(g.rej[2], "alarm_set.csv:10:21: expected ';' or the end of "
              "the line after a closing quote, found ' '"));
    CHECK(has(g.rej[3], "alarm_set.csv:12:13: expected a closing '\"' for "
              "the field opened here, found end of file"));
    check_hwu_rows(&g);
    got_free(&g);
    round_trip(path, "rt-hwu.jsonl", 6);
}

static void test_hwu_odd(void)
{
    struct got g;
    struct pl_read_opts o;

    read_with(&g, PUT("hw/testset/csv/iot_coffee.csv", "\xEF\xBB\xBF"
                      "answerid;scenario;intent;answer_annotation\r\n"
                      "x7;iot;coffee;\"a [drink_type : latte] please\"\r\n"),
              NULL);
    if (!read_ok(&g) || !CHECK_INT(g.st.kept, 1))
        return;
    CHECK_STR(g.c->dialogues[0].id, "hwu64:test:iot_coffee:0");
    CHECK_STR(g.c->dialogues[0].turns[0].text, "a latte please");
    CHECK_STR(meta_str(g.c->dialogues[0].turns[0].meta, "answerid"), "x7");
    got_free(&g);
    pl_read_opts_default(&o);
    o.format = PL_FMT_HWU64;
    read_with(&g, PUT("hw/other.csv", "a;b\n1;2\n"), &o);
    CHECK_INT(g.status, PL_ERR_FORMAT);
    CHECK(has(g.err.message, "expected a column named \"answer_annotation\" "
              "in the header, found \"a\", \"b\""));
    got_free(&g);
    o.max_record_bytes = 60;
    read_with(&g, PUT("hw/long.csv", "scenario;intent;answer_annotation\n"
                      "a;b;\"a quoted field\nthat runs on and on,\nwell "
                      "past sixty bytes\"\na;b;c\n"), &o);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 3);
    CHECK_INT(g.rej_status[0], PL_ERR_PARSE);
    CHECK(has(g.rej[0], "long.csv:2:5: expected a closing '\"' for the "
              "field opened here, found none within max_record_bytes"));
    got_free(&g);
}

/* ---- Rasa NLU JSON ------------------------------------------------------- */

static const char rasa_small[] =
    "{\n"
    "  \"rasa_nlu_data\": {\n"
    "    \"regex_features\": [{\"name\": \"zipcode\", \"pattern\": "
    "\"[0-9]{5}\"}],\n"
    "    \"common_examples\": [\n"
    "      {\"text\": \"show me a veggie place in the \xF0\x9F\x8C\x87 "
    "centre\", \"intent\": \"restaurant_search\",\n"
    "       \"entities\": [{\"start\": 10, \"end\": 16, \"value\": "
    "\"vegetarian\", \"entity\": \"cuisine\"},\n"
    "                    {\"start\": 32, \"end\": 38, \"value\": \"centre\", "
    "\"entity\": \"location\", \"role\": \"destination\"}]},\n"
    "      {\"text\": \"hello\", \"intent\": \"greet\", \"metadata\": "
    "{\"sentiment\": \"neutral\"}},\n"
    "      {\"text\": \"nothing\", \"intent\": \"\"},\n"
    "      {\"text\": \"bad\", \"intent\": \"x\", \"entities\": [\n"
    "        {\"start\": 2, \"end\": 9, \"entity\": \"e\"}]},\n"
    "      {\"intent\": \"no_text\"}\n"
    "    ],\n"
    "    \"intent_examples\": [{\"text\": \"hi there\", \"intent\": "
    "\"greet\"}]\n"
    "  },\n"
    "  \"version\": \"legacy\"\n"
    "}\n";

static void check_rasa_first(const struct pl_dialogue *d)
{
    const struct pl_turn *t = d->turns;
    char buf[64];

    CHECK_STR(d->corpus, "nlu");
    CHECK_STR(t->intents[0], "restaurant_search");
    CHECK_INT(t->n_slots, 2);
    CHECK_STR(span_text(t, 0, buf, sizeof buf), "veggie");
    CHECK_STR(t->slots[0].value, "vegetarian");
    CHECK_INT(t->slots[1].start, 35);
    CHECK_STR(span_text(t, 1, buf, sizeof buf), "centre");
    CHECK(json_is_array(json_object_get(t->extra, "entities")));
}

static void test_rasa_small(void)
{
    struct got g;
    struct pl_dialogue *d;
    const char *path = put_file("rasa/nlu.json", rasa_small,
                                sizeof rasa_small - 1);

    log_capture(1, PL_LOG_INFO);
    read_with(&g, path, NULL);
    log_capture(0, PL_LOG_INFO);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.st.formats, "rasa_json");
    CHECK_INT(g.st.kept, 4);
    CHECK_INT(g.st.rejected, 2);
    CHECK(has(g.rej[0], "nlu.json:11:9: common_examples[3].entities[0]: "
              "expected an \"entity\" with \"start\" and \"end\" characters "
              "within the text, found characters 2..9 of 3"));
    CHECK(has(g.rej[1], "nlu.json:12:7: common_examples[4]: expected an "
              "example with a \"text\" string, found no text"));
    CHECK(has(log_seen, "nlu.json:3:5: Rasa \"regex_features\" noted"));
    CHECK(has(log_seen, "nlu.json:16:3: Rasa top-level \"version\" noted"));
    if ((d = find(&g, "nlu:common_examples:0")))
        check_rasa_first(d);
    if ((d = find(&g, "nlu:common_examples:1")))
        CHECK_STR(meta_str(d->turns[0].meta, "sentiment"), "neutral");
    if ((d = find(&g, "nlu:common_examples:2"))) {
        CHECK_INT(d->turns[0].n_intents, 0);
        CHECK_STR(meta_str(d->turns[0].extra, "intent"), "");
    }
    CHECK(find(&g, "nlu:intent_examples:0") != NULL);
    got_free(&g);
    round_trip(path, "rt-rasa.jsonl", 4);
}

/* ---- the real files ---------------------------------------------------- */

static long snips_file(const char *intent, const char *kind, long want,
                       size_t slots)
{
    char rel[300], buf[4096];
    struct got g;
    long spans = 0;

    snprintf(rel, sizeof rel, "snips/2017-06-custom-intent-engines/%s/%s_%s"
             "%s.json", intent, kind[0] == 'v' ? "validate" : "train",
             intent, kind[0] == 'f' ? "_full" : "");
    read_with(&g, check_corpus(rel, buf), NULL);
    if (!read_ok(&g))
        return 0;
    CHECK_INT(g.c->n_dialogues, want);
    CHECK_INT(count_split(g.c, kind[0] == 'v' ? "dev" : "train"), want);
    CHECK_INT(distinct_labels(g.c, 0), 1);
    CHECK_INT(distinct_slots(g.c), slots);
    CHECK_STR(g.c->dialogues[0].turns[0].intents[0], intent);
    CHECK_INT(bad_spans(g.c), 0);
    spans = count_slots(g.c);
    got_free(&g);
    return spans;
}

static void check_snips_cesu(void)
{
    char buf[4096];
    struct got g;
    struct pl_dialogue *d;
    const char *p = check_corpus("snips/2017-06-custom-intent-engines/"
                                 "PlayMusic/train_PlayMusic_full.json", buf);

    read_with(&g, p, NULL);
    if (read_ok(&g) && (d = find(&g, "snips:train_PlayMusic_full:461"))) {
        CHECK_INT(g.st.utf8_repaired, 1);
        CHECK(has(d->turns[0].text, "Pop Punk Perfection " FFFD));
        CHECK_INT(d->origin.line, 9085);
    }
    got_free(&g);
    read_utf8(&g, p, PL_UTF8_REJECT);
    if (read_ok(&g)) {
        CHECK_INT(g.st.kept, 1999);
        CHECK_INT(g.st.rejected, 1);
        CHECK(has(g.rej[0], "train_PlayMusic_full.json:9091:40: expected "
                  "valid UTF-8, found byte 0xED"));
        CHECK(find(&g, "snips:train_PlayMusic_full:462") != NULL);
    }
    got_free(&g);
    round_trip(p, "rt-snips-pm.jsonl", 2000);
}

static void test_real_snips(void)
{
    static const struct {
        const char *intent;
        long full;
        size_t slots;
    } in[] = {
        { "AddToPlaylist", 1942, 5 }, { "BookRestaurant", 1973, 14 },
        { "GetWeather", 2000, 9 }, { "PlayMusic", 2000, 9 },
        { "RateBook", 1956, 7 }, { "SearchCreativeWork", 1954, 2 },
        { "SearchScreeningEvent", 1959, 7 },
    };
    char buf[4096];
    struct got g;
    long spans = 0;

    if (!check_corpus("snips/2017-06-custom-intent-engines/PlayMusic/"
                      "train_PlayMusic.json", buf))
        return;
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        spans += snips_file(in[i].intent, "small", 300, in[i].slots) +
                 snips_file(in[i].intent, "full", in[i].full, in[i].slots) +
                 snips_file(in[i].intent, "validate", 100, in[i].slots);
    CHECK_INT(spans, 42960);
    read_with(&g, check_corpus("snips", buf), NULL);
    if (read_ok(&g)) {
        CHECK_INT(g.st.files, 21);
        CHECK_INT(g.st.files_skipped, 0);
        CHECK_INT(g.c->n_dialogues, 2100 + 13784 + 700);
        CHECK_INT(count_split(g.c, "dev"), 700);
        CHECK_INT(distinct_labels(g.c, 0), 7);
        CHECK_INT(distinct_slots(g.c), 39);
        CHECK_STR(g.c->name, "snips");
    }
    got_free(&g);
    check_snips_cesu();
}

struct nlupp_tally {
    long multi, none, value, values, spans_ok;
};

static void tally_nlupp(const struct pl_corpus *c, struct nlupp_tally *n)
{
    memset(n, 0, sizeof *n);
    for (size_t i = 0; i < c->n_dialogues; i++) {
        const struct pl_turn *t = c->dialogues[i].turns;
        json_t *slots = json_object_get(t->extra, "slots");
        char buf[256];

        n->multi += t->n_intents > 1;
        n->none += t->n_intents == 0;
        for (size_t k = 0; k < t->n_slots; k++) {
            json_t *so = json_object_get(slots, t->slots[k].slot);

            n->value += json_object_get(so, "value") != NULL;
            n->values += json_object_get(so, "values") != NULL;
            n->spans_ok += !strcmp(span_text(t, k, buf, sizeof buf),
                                   meta_str(so, "text"));
        }
    }
}

static void nlupp_domain(const char *dom, long want, long multi, long none)
{
    char rel[128], buf[4096];
    struct got g;
    struct nlupp_tally n;

    snprintf(rel, sizeof rel, "banking77/nlupp/data/%s", dom);
    read_with(&g, check_corpus(rel, buf), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.files, 20);
    CHECK_INT(g.c->n_dialogues, want);
    tally_nlupp(g.c, &n);
    CHECK_INT(n.multi, multi);
    CHECK_INT(n.none, none);
    CHECK_INT(n.spans_ok, count_slots(g.c));
    CHECK_STR(meta_str(g.c->dialogues[0].turns[0].meta, "domain"), dom);
    CHECK_INT(json_integer_value(json_object_get(g.c->dialogues[0].meta,
                                                 "fold")), 0);
    got_free(&g);
}

static void test_real_nlupp(void)
{
    char buf[4096];
    struct got g;
    struct nlupp_tally n;

    if (!check_corpus("banking77/nlupp/data/banking/fold0.json", buf))
        return;
    nlupp_domain("banking", 2071, 1438, 88);
    nlupp_domain("hotels", 1009, 574, 274);
    read_with(&g, check_corpus("banking77/nlupp", buf), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.files, 40);
    CHECK_INT(g.st.files_skipped, 0);
    CHECK_INT(g.c->n_dialogues, 3080);
    CHECK_INT(count_split(g.c, ""), 3080);
    CHECK_INT(distinct_labels(g.c, 0), 62);
    CHECK_INT(distinct_slots(g.c), 17);
    tally_nlupp(g.c, &n);
    CHECK_INT(n.value, 1689);
    CHECK_INT(n.values, 298);
    CHECK_INT(bad_spans(g.c), 0);
    got_free(&g);
    round_trip(check_corpus("banking77/nlupp/data/banking/fold0.json", buf),
               "rt-nlupp-fold0.jsonl", 104);
}

struct hwu_tally {
    long leaks, anno_kept, repeated_ids;
    json_t *domains, *ids;
};

/* A worker's text with "[type : words]" markup left in it. */
static int leaks(const char *s)
{
    const char *a = s ? strchr(s, '[') : NULL;
    const char *colon = a ? strstr(a, " : ") : NULL;

    return colon && strchr(colon, ']') != NULL;
}

static void tally_hwu(const struct pl_corpus *c, struct hwu_tally *h)
{
    const char *k;
    json_t *v;

    memset(h, 0, sizeof *h);
    h->domains = json_object();
    h->ids = json_object();
    for (size_t i = 0; i < c->n_dialogues; i++) {
        const struct pl_turn *t = c->dialogues[i].turns;
        char id[32];
        json_t *n;

        h->leaks += leaks(meta_str(t->extra, "answer_from_user"));
        h->anno_kept += json_object_get(t->extra, "answer_from_anno") != 0;
        json_object_set_new(h->domains, meta_str(t->meta, "domain"),
                            json_true());
        snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(t->meta, "answerid")));
        n = json_object_get(h->ids, id);
        json_object_set_new(h->ids, id,
                            json_integer(json_integer_value(n) + 1));
    }
    json_object_foreach(h->ids, k, v)
        h->repeated_ids += json_integer_value(v) > 1;
}

static void check_hwu_quirks(const struct got *g)
{
    struct pl_dialogue *d;
    char buf[64];

    if ((d = find(g, "hwu64:train:music_likeness:61"))) {
        CHECK_INT(d->origin.line, 63);
        CHECK_STR(d->turns[0].text, "save information about love of beyonc");
        CHECK(has(meta_str(d->turns[0].extra, "answer_from_user"),
                  "Beyonc\xCE\x93\xC3\xB6\xC2\xA3\xE2\x94\xAC\xC2\xAB"));
    }
    if ((d = find(g, "hwu64:train:alarm_query:3"))) {
        CHECK_STR(span_text(d->turns, 0, buf, sizeof buf), "tomorrow");
        CHECK_STR(span_text(d->turns, 1, buf, sizeof buf), "morning");
        CHECK(leaks(meta_str(d->turns[0].extra, "answer_from_user")));
    }
}

static void test_real_hwu(void)
{
    char buf[4096];
    struct got g;
    struct hwu_tally h;

    if (!check_corpus("hwu64/KFold_1/trainset/alarm_query.csv", buf))
        return;
    read_with(&g, check_corpus("hwu64/KFold_1/testset", buf), NULL);
    if (read_ok(&g)) {
        CHECK_INT(g.c->n_dialogues, 1076);
        CHECK_INT(count_split(g.c, "test"), 1076);
    }
    got_free(&g);
    round_trip(buf, "rt-hwu-test.jsonl", 1076);
    read_with(&g, check_corpus("hwu64/KFold_1", buf), NULL);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.st.formats, "rasa_json,hwu64");
    CHECK_INT(g.st.files, 129);
    CHECK_INT(g.st.files_skipped, 0);
    CHECK_INT(count_split(g.c, "train"), 9960);
    CHECK_INT(count_split(g.c, "test"), 1076);
    CHECK_INT(distinct_labels(g.c, 0), 64);
    CHECK_INT(bad_spans(g.c), 0);
    check_hwu_quirks(&g);
    got_free(&g);
    read_with(&g, check_corpus("hwu64/KFold_1/trainset", buf), NULL);
    if (!read_ok(&g))
        return;
    tally_hwu(g.c, &h);
    CHECK_INT(h.leaks, 59);
    CHECK_INT(h.anno_kept, 0);
    CHECK_INT(json_object_size(h.domains), 18);
    json_decref(h.domains);
    json_decref(h.ids);
    got_free(&g);
}

/* Every row of both parts: 54 entity types, 9,133 spans, 495 answer
 * ids used more than once, 66 raw texts with markup in them (59 of them
 * in the training part). */
static void test_real_hwu_all(void)
{
    char buf[4096];
    struct got g, t;
    struct hwu_tally h;

    if (!check_corpus("hwu64/KFold_1/trainset/alarm_query.csv", buf))
        return;
    read_with(&g, check_corpus("hwu64/KFold_1/trainset", buf), NULL);
    read_with(&t, check_corpus("hwu64/KFold_1/testset", buf), NULL);
    if (!read_ok(&g) || !read_ok(&t))
        return;
    for (size_t i = 0; i < t.c->n_dialogues; i++)
        CHECK_INT(pl_corpus_take(g.c, &t.c->dialogues[i]), PL_OK);
    CHECK_INT(g.c->n_dialogues, 11036);
    CHECK_INT(distinct_slots(g.c), 54);
    CHECK_INT(count_slots(g.c), 9133);
    tally_hwu(g.c, &h);
    CHECK_INT(h.repeated_ids, 495);
    CHECK_INT(h.leaks, 66);
    CHECK_INT(h.anno_kept, 0);
    CHECK_INT(json_object_size(h.domains), 18);
    json_decref(h.domains);
    json_decref(h.ids);
    got_free(&g);
    got_free(&t);
}

static void test_real_rasa(void)
{
    char buf[4096];
    struct got g;
    long same = 0;

    if (!check_corpus("hwu64/KFold_1/rasa_json/RasaNluTestset_Merged_2018_"
                      "03_22-13_01_25_169.json", buf))
        return;
    read_with(&g, buf, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.c->n_dialogues, 1076);
    CHECK_INT(distinct_labels(g.c, 0), 64);
    CHECK_INT(count_slots(g.c), 880);
    CHECK_INT(bad_spans(g.c), 0);
    for (size_t i = 0; i < g.c->n_dialogues; i++) {
        const struct pl_turn *t = g.c->dialogues[i].turns;
        char sb[256];

        for (size_t k = 0; k < t->n_slots; k++)
            same += !strcmp(span_text(t, k, sb, sizeof sb),
                            t->slots[k].value);
    }
    CHECK_INT(same, 880);
    got_free(&g);
    round_trip(buf, "rt-rasa-hwu.jsonl", 1076);
}

int main(void)
{
    tmp_setup();
    test_sniff();
    test_snips_small();
    test_snips_odd();
    test_nlupp_small();
    test_hwu_small();
    test_hwu_odd();
    test_rasa_small();
    test_real_snips();
    test_real_nlupp();
    test_real_hwu();
    test_real_hwu_all();
    test_real_rasa();
    tmp_cleanup();
    return check_done("test_fmt_nludata");
}
