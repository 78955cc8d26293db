/*
 * Task-oriented corpora: MultiWOZ 2.0/2.1 logs (the multiwoz reader) and
 * MultiWOZ 2.2 shards (the sgd reader with dialog_acts.json). The real
 * ConvLab-2 validation file with the counts of its SOURCE.md (skipped
 * when ../shared/corpora is absent), files written as a user would write
 * them, damaged ones, and unified round trips.
 */
#include "taskdata_check.h"

/* ---- MultiWOZ 2.1, written by hand ------------------------------------- */

/* The original release's layout: ids with ".json", list files beside. */
static const char mw_small[] =
    "{\n"
    "  \"SNG0001.json\": {\n"
    "    \"goal\": {\"restaurant\": {\"info\": {\"food\": \"italian\"}}, "
    "\"taxi\": {}, \"message\": [\"You want <span>italian</span>\"]},\n"
    "    \"log\": [\n"
    "      {\"text\": \"I want an italian restaurant in the center of town "
    ".\", \"metadata\": {},\n"
    "       \"dialog_act\": {\"Restaurant-Inform\": [[\"Food\", \"italian\"], "
    "[\"Area\", \"centre\"]]},\n"
    "       \"span_info\": [[\"Restaurant-Inform\", \"Food\", \"italian\", 3, "
    "3], [\"Restaurant-Inform\", \"Area\", \"centre\", 7, 7]]},\n"
    "      {\"text\": \"Pizza Hut\\tis in the centre .\\nShall I book it ?\", "
    "\"metadata\": {\"restaurant\": {\"book\": {\"booked\": []}, \"semi\": "
    "{\"food\": \"italian\", \"area\": \"centre\"}}},\n"
    "       \"dialog_act\": {\"Restaurant-Inform\": [[\"Name\", \"pizza "
    "hut\"]], \"Booking-Inform\": [[\"none\", \"none\"]]},\n"
    "       \"span_info\": [[\"Restaurant-Inform\", \"Name\", \"pizza "
    "hut\", 0, 1]]},\n"
    "      {\"text\": \"No thanks , bye .\", \"metadata\": {}, \"dialog_act\": "
    "{\"general-bye\": [[\"none\", \"none\"]]}, \"span_info\": []}\n"
    "    ]\n"
    "  },\n"
    "  \"MUL0002.json\": {\n"
    "    \"goal\": {\"hotel\": {\"info\": {\"area\": \"east\"}}, \"train\": "
    "{\"info\": {\"day\": \"monday\"}}, \"police\": {}},\n"
    "    \"log\": [{\"text\": \"caf\\u00e9 please\", \"metadata\": {}, "
    "\"dialog_act\": {}, \"span_info\": []}]\n"
    "  },\n"
    "  \"PMUL0003.json\": {\"goal\": {}, \"log\": \"not a list\"},\n"
    "  \"SNG0004.json\": {\"goal\": {}, \"log\": [\n"
    "    {\"text\": \"x y\", \"metadata\": {}, \"dialog_act\": {}, "
    "\"span_info\": [[\"A-Inform\", \"B\", \"c\", 2, 2]]}]},\n"
    "  \"SNG0005.json\": {\"log\": [{\"text\": \"ok thanks\", \"dialog_act\": "
    "{\"general-thank\": [[\"none\", \"none\"]]}},\n"
    "    {\"text\": \"welcome\", \"dialog_act\": {\"general-welcome\": "
    "[[\"none\", \"none\"]]}}]},\n"
    "  \"SNG0006.json\": {\"log\": [{\"text\": \"hi\", \"dialog_act\": "
    "{\"Hotel-Inform\": [\"Area\"]}}]}\n"
    "}\n";

static void check_mw_first(const struct pl_dialogue *d)
{
    const struct pl_turn *t = d->turns;
    char buf[64];

    CHECK_STR(d->corpus, "multiwoz");
    CHECK_STR(d->split, "train");
    CHECK_INT(d->origin.line, 2);
    CHECK_INT(d->origin.column, 19);
    CHECK_INT(d->n_turns, 3);
    CHECK_STR(json_string_value(json_array_get(json_object_get(d->meta,
                                                              "domains"),
                                               0)), "restaurant");
    CHECK(json_is_false(json_object_get(d->meta, "multi_domain")));
    CHECK(json_is_object(json_object_get(d->extra, "goal")));
    CHECK_INT(t[0].role, PL_ROLE_USER);
    CHECK_STR(t[0].speaker, "");
    CHECK_INT(t[0].origin.line, 5);
    CHECK_INT(t[0].n_intents, 1);
    CHECK_STR(t[0].intents[0], "Restaurant-Inform");
    CHECK_INT(t[0].n_acts, 2);
    CHECK_STR(t[0].acts[1], "Restaurant-Inform(Area)");
    CHECK_STR(meta_str(t[0].meta, "domain"), "restaurant");
    CHECK_INT(t[0].n_slots, 2);
    CHECK_STR(t[0].slots[0].slot, "Restaurant-Food");
    CHECK_INT(t[0].slots[0].start, 10);
    CHECK_INT(t[0].slots[0].end, 17);
    /* The words say "center", the annotation's value "centre". */
    CHECK_STR(span_text(&t[0], 1, buf, sizeof buf), "center");
    CHECK_STR(t[0].slots[1].value, "centre");
    CHECK_INT(t[1].role, PL_ROLE_AGENT);
    CHECK_STR(t[1].text, "Pizza Hut\tis in the centre .\nShall I book it ?");
    CHECK_INT(t[1].n_intents, 0);
    CHECK_STR(t[1].acts[1], "Booking-Inform");
    CHECK_STR(span_text(&t[1], 0, buf, sizeof buf), "Pizza Hut");
    CHECK_STR(meta_str(t[1].meta, "domain"), "restaurant");
    CHECK_STR(json_string_value(json_object_get(json_object_get(
        json_object_get(json_object_get(t[1].extra, "metadata"),
                        "restaurant"), "semi"), "area")), "centre");
    CHECK_STR(t[2].intents[0], "general-bye");
    CHECK_STR(meta_str(t[2].meta, "domain"), "general");
}

static void test_mw_small(void)
{
    struct got g;
    struct pl_dialogue *d;

    put_file("mw/data.json", mw_small, sizeof mw_small - 1);
    PUT("mw/valListFile.txt", "MUL0002.json\n");
    PUT("mw/testListFile.txt", "SNG0005.json\r\n\n");
    PUT("mw/README", "MultiWOZ, as downloaded\n");
    read_with(&g, tpath("mw"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.files, 1);
    CHECK_INT(g.st.files_skipped, 0);
    CHECK_STR(g.st.formats, "multiwoz");
    CHECK_INT(g.st.kept, 3);
    CHECK_INT(g.st.rejected, 3);
    CHECK(has(g.rej[0], "data.json:18:20: dialogue \"PMUL0003.json\": "
              "expected an object with a \"log\" list, found a string"));
    CHECK(has(g.rej[1], "data.json:20:5: log[0].span_info[0]: expected "
              "token positions within the text's 2 tokens, found 2..2"));
    CHECK(has(g.rej[2], "data.json:23:28: log[0].dialog_act"
              "[\"Hotel-Inform\"][0]: expected a [slot, value] pair, found "
              "a string"));
    if ((d = find(&g, "multiwoz:SNG0001.json")))
        check_mw_first(d);
    if ((d = find(&g, "multiwoz:MUL0002.json"))) {
        CHECK_STR(d->split, "dev");
        CHECK_STR(d->turns[0].text, "caf\xC3\xA9 please");
        CHECK_INT(d->turns[0].n_acts, 0);
        CHECK(json_object_get(d->turns[0].meta, "domain") == NULL);
        CHECK(json_is_true(json_object_get(d->meta, "multi_domain")));
    }
    if ((d = find(&g, "multiwoz:SNG0005.json"))) {
        CHECK_STR(d->split, "test");
        CHECK_STR(d->turns[1].acts[0], "general-welcome");
        CHECK_INT(d->turns[1].n_intents, 0);
        CHECK(json_object_get(d->meta, "domains") == NULL);
    }
    got_free(&g);
    round_trip(tpath("mw/data.json"), "rt-mw.jsonl", 3);
}

/* MultiWOZ 2.0 logs have only text and metadata; val.json names its
 * split; a BOM is skipped. */
static void test_mw_plain(void)
{
    struct got g;
    struct pl_dialogue *d;

    read_with(&g, PUT("mw20/val.json", "\xEF\xBB\xBF{\"SNG01856.json\": "
                      "{\"goal\": {\"taxi\": {\"info\": {}}}, \"log\": [\n"
                      "{\"text\": \"hi\", \"metadata\": {}},\n"
                      "{\"text\": \"hello\", \"metadata\": {\"taxi\": "
                      "{\"semi\": {}}}}]}}"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    if ((d = find(&g, "multiwoz:SNG01856.json"))) {
        CHECK_STR(d->split, "dev");
        CHECK_INT(d->origin.column, 19);
        CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
        CHECK_INT(d->turns[1].origin.line, 3);
        CHECK_INT(d->turns[0].n_acts + d->turns[1].n_acts, 0);
        CHECK(json_is_object(json_object_get(d->turns[1].extra,
                                             "metadata")));
    }
    got_free(&g);
}

/* Bad bytes, escapes and syntax: each costs its own dialogue, and what
 * cannot be followed any more is one reject. */
static const char mw_damaged[] =
    "{\n"
    " \"A1\": {\"log\": [{\"text\": \"fine\"}]},\n"
    " \"A2\": {\"log\": [{\"text\": \"bad \xFF byte\"}]},\n"
    " \"A3\": {\"log\": [{\"text\": \"nul \\u0000 here\"}]},\n"
    " \"A4\": {\"log\": [{\"text\": \"lone \\ud83d\"}]},\n"
    " \"A\\u00e9\": {\"log\": [{\"text\": \"escaped id\"}]},\n"
    " \"A5\": {\"log\": [}]},\n"
    " \"A6\": {\"log\": [{\"text\": \"never reached\"}]}\n"
    "}\n";

static void test_mw_damaged(void)
{
    struct got g;
    const char *path = put_file("mwd/dialogues.json", mw_damaged,
                                sizeof mw_damaged - 1);

    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 4);
    CHECK_INT(g.st.rejected, 2);
    CHECK_INT(g.st.utf8_repaired, 2);
    CHECK_STR(g.c->dialogues[1].turns[0].text, "bad " FFFD " byte");
    CHECK_STR(g.c->dialogues[2].turns[0].text, "lone " FFFD);
    CHECK_STR(g.c->dialogues[3].id, "multiwoz:A\xC3\xA9");
    CHECK(has(g.rej[0], "dialogues.json:4:26: expected text without NUL "
              "characters"));
    CHECK(has(g.rej[1], "dialogues.json:7:17: expected a JSON value, "
              "found '}'"));
    got_free(&g);
    read_utf8(&g, path, PL_UTF8_REJECT);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 4);
    CHECK_INT(g.rej_status[0], PL_ERR_UTF8);
    CHECK(has(g.rej[0], "dialogues.json:3:31: expected valid UTF-8, found "
              "byte 0xFF"));
    CHECK(has(g.rej[2], "dialogues.json:5:"));
    got_free(&g);
}

/* Act names of any length and script make valid slot names and domains
 * (a fuzzer found a domain cut inside a character). */
static void test_mw_long_names(void)
{
    char dom[160] = "", doc[1024], want[200];
    struct got g;
    const struct pl_turn *t;

    for (int i = 0; i < 70; i++)
        strcat(dom, "\xC3\x89");
    snprintf(doc, sizeof doc, "{\"L\": {\"log\": [{\"text\": \"w\", "
             "\"dialog_act\": {\"%s-Inform\": [[\"x\", \"y\"]]}, "
             "\"span_info\": [[\"%s-Inform\", \"x\", \"y\", 0, 0]]}]}}",
             dom, dom);
    read_with(&g, put_file("mwn/n.json", doc, strlen(doc)), NULL);
    if (!read_ok(&g) || !CHECK_INT(g.st.kept, 1))
        return;
    t = g.c->dialogues[0].turns;
    snprintf(want, sizeof want, "%s-x", dom);
    CHECK_STR(t->slots[0].slot, want);
    CHECK_STR(meta_str(t->meta, "domain"), dom);
    got_free(&g);
    round_trip(tpath("mwn/n.json"), "rt-mwn.jsonl", 1);
    snprintf(doc, sizeof doc, "[{\"dialogue_id\": \"L.json\", \"turns\": "
             "[{\"speaker\": \"USER\", \"turn_id\": \"0\", "
             "\"utterance\": \"w\", \"frames\": []}]}]");
    put_file("mwn/train/dialogues_001.json", doc, strlen(doc));
    snprintf(doc, sizeof doc, "{\"L.json\": {\"0\": {\"dialog_act\": "
             "{\"%s-Inform\": [[\"x\", \"y\"]]}}}}", dom);
    put_file("mwn/dialog_acts.json", doc, strlen(doc));
    read_with(&g, tpath("mwn/train"), NULL);
    if (read_ok(&g) && CHECK_INT(g.st.kept, 1)) {
        snprintf(want, sizeof want, "%s-Inform(x)", dom);
        CHECK_STR(g.c->dialogues[0].turns[0].acts[0], want);
    }
    got_free(&g);
    round_trip(tpath("mwn/train"), "rt-mwn22.jsonl", 1);
}

static void test_mw_limits(void)
{
    struct got g;
    struct pl_read_opts o;

    read_with(&g, PUT("mwl/a.json", "{\"A\": {\"log\": []}} x"), NULL);
    CHECK_INT(g.st.kept, 1);
    CHECK(has(g.rej[0], "a.json:1:20: expected the end of the file, found "
              "'x'"));
    got_free(&g);
    read_with(&g, PUT("mwl/b.json", "{\"A\": {\"log\": []},\n \"B\": "
                      "{\"log\": [{\"te"), NULL);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "b.json:2:17: "));
    got_free(&g);
    pl_read_opts_default(&o);
    o.max_record_bytes = 40;
    read_with(&g, PUT("mwl/c.json", "{\"A\": {\"log\": []}, \"B\": {\"log\": "
                      "[{\"text\": \"a longer turn than forty bytes\"}]}}"),
              &o);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
    CHECK(has(g.rej[0], "c.json:1:25: expected a dialogue of at most 40 "
              "bytes"));
    got_free(&g);
    pl_read_opts_default(&o);
    o.strict = 1;
    read_with(&g, tpath("mwd/dialogues.json"), &o);
    CHECK_INT(g.status, PL_ERR_PARSE);
    CHECK(has(g.err.message, "expected text without NUL characters"));
    CHECK_INT(g.err.line, 4);
    got_free(&g);
    pl_read_opts_default(&o);
    o.format = PL_FMT_MULTIWOZ;
    read_with(&g, PUT("mwl/d.json", "[1, 2]"), &o);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "d.json:1:1: expected '{' starting a MultiWOZ "
              "file, found '['"));
    got_free(&g);
}

static void test_mw_sniff(void)
{
    SNIFF("sn/mw.json", "{\n  \"PMUL1635\": {\n    \"goal\": {\"taxi\": {}},"
          "\n    \"log\": [\n", PL_FMT_MULTIWOZ);
    SNIFF("sn/mw2.json", "{\"X\": {\"log\": {}}}", PL_FMT_AUTO);
    SNIFF("sn/acts.json", "{\"PMUL1.json\": {\"0\": {\"dialog_act\": {}}}}",
          PL_FMT_AUTO);
    SNIFF("sn/valListFile", "PMUL1635\nPMUL1181\n", PL_FMT_AUTO);
    CHECK_INT(pl_format_parse("multiwoz"), PL_FMT_MULTIWOZ);
    CHECK_STR(pl_format_name(PL_FMT_MULTIWOZ), "multiwoz");
}

/* ---- MultiWOZ 2.2 -------------------------------------------------------- */

static void check_mw22_first(const struct pl_dialogue *d)
{
    const struct pl_turn *t = d->turns;
    char buf[64];

    CHECK_STR(d->corpus, "multiwoz22");
    CHECK_STR(d->split, "train");
    CHECK(json_is_true(json_object_get(d->meta, "multi_domain")));
    CHECK_INT(d->n_turns, 4);
    CHECK_STR(t[0].intents[0], "find_restaurant");
    CHECK_INT(t[0].n_acts, 3);
    CHECK_STR(t[0].acts[1], "Restaurant-Inform(food)");
    CHECK_STR(span_text(&t[0], 0, buf, sizeof buf), "italian");
    CHECK_STR(meta_str(t[0].meta, "service"), "restaurant");
    CHECK_STR(meta_str(t[0].extra, "turn_id"), "0");
    CHECK(json_is_object(json_object_get(t[0].extra, "dialog_act")));
    CHECK_INT(t[1].n_intents, 0);
    CHECK_STR(t[1].acts[0], "Booking-Inform");
    CHECK_STR(meta_str(t[1].meta, "service"), "restaurant");
    /* copy_from: a value carried over, no span of this turn. */
    CHECK_STR(t[2].intents[0], "book_taxi");
    CHECK_INT(t[2].n_slots, 2);
    CHECK_STR(t[2].slots[0].slot, "taxi-destination");
    CHECK_STR(span_text(&t[2], 1, buf, sizeof buf), "17:15");
    CHECK_STR(meta_str(t[2].meta, "domain"), "taxi");
    /* No frame says anything: the acts name the domain. */
    CHECK_STR(meta_str(t[3].meta, "service"), "taxi");
    CHECK_STR(t[3].acts[1], "general-reqmore");
}

static void test_mw22(void)
{
    struct got g;
    struct pl_dialogue *d;

    read_with(&g, "tests/data/multiwoz22", NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.files, 2);
    CHECK_INT(g.st.files_skipped, 0);
    CHECK_STR(g.st.formats, "sgd");
    CHECK_INT(g.st.kept, 3);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "train/dialogues_001.json:211:7: turns[0].frames[0]"
              ".slots[0]: expected a slot name and a character span"));
    if ((d = find(&g, "multiwoz22:train:PMUL0698.json")))
        check_mw22_first(d);
    if ((d = find(&g, "multiwoz22:train:SNG0100.json"))) {
        CHECK_STR(d->turns[0].intents[0], "find_attraction");
        CHECK_INT(d->turns[0].n_acts + d->turns[1].n_acts, 0);
        CHECK(json_object_get(d->turns[1].meta, "service") == NULL);
    }
    if ((d = find(&g, "multiwoz22:test:MUL0001.json"))) {
        CHECK_STR(d->split, "test");
        CHECK_STR(d->turns[0].acts[1], "Hotel-Request(post)");
    }
    CHECK_STR(g.c->name, "multiwoz22");
    got_free(&g);
    round_trip("tests/data/multiwoz22", "rt-mw22.jsonl", 3);
}

/* A damaged dialog_acts.json costs acts, never dialogues. */
static void test_mw22_bad_acts(void)
{
    struct got g;
    char *shard;
    size_t n;

    if (pl_file_read("tests/data/multiwoz22/train/dialogues_001.json",
                     &shard, &n, NULL) != PL_OK) {
        CHECK(0);
        return;
    }
    put_file("mw22b/train/dialogues_001.json", shard, n);
    free(shard);
    PUT("mw22b/dialog_acts.json", "{\"PMUL0698.json\": {\"0\": {\"dialog_act\""
        ": {\"Restaurant-Inform\": [[\"food\", \"italian\"]]}}}, "
        "\"SNG0100.json\": [}");
    log_capture(1, PL_LOG_WARN);
    read_with(&g, tpath("mw22b"), NULL);
    log_capture(0, PL_LOG_WARN);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_STR(g.c->dialogues[0].turns[0].acts[0], "Restaurant-Inform(food)");
    CHECK_INT(g.c->dialogues[0].turns[1].n_acts, 0);
    CHECK(has(log_seen, "dialog_acts.json:1:105: dialogue acts cannot be "
              "followed past here"));
    got_free(&g);
}

/* ---- the real file ------------------------------------------------------- */

struct mw_tally {
    long user, agent, spans, unequal, empty, newlines, tabs;
    long multi_domain;
    json_t *domain_acts;
};

/* Does span k of t cover its value (ignoring case)? */
static int span_matches(const struct pl_turn *t, size_t k)
{
    const struct pl_span *s = &t->slots[k];
    size_t n = (size_t)(s->end - s->start);

    return s->value && strlen(s->value) == n &&
           !strncasecmp(t->text + s->start, s->value, n);
}

static void tally_turn(const struct pl_turn *t, struct mw_tally *m)
{
    m->user += t->role == PL_ROLE_USER;
    m->agent += t->role == PL_ROLE_AGENT;
    m->newlines += strchr(t->text, '\n') != NULL;
    m->tabs += strchr(t->text, '\t') != NULL;
    for (size_t k = 0; k < t->n_slots; k++) {
        m->spans++;
        m->unequal += !span_matches(t, k);
        m->empty += t->slots[k].start == t->slots[k].end;
    }
    for (size_t k = 0; k < t->n_acts; k++) {
        char name[64];
        size_t p = strcspn(t->acts[k], "(");

        snprintf(name, sizeof name, "%.*s", (int)p, t->acts[k]);
        json_object_set_new(m->domain_acts, name, json_true());
    }
}

static void tally_mw(const struct pl_corpus *c, struct mw_tally *m)
{
    memset(m, 0, sizeof *m);
    m->domain_acts = json_object();
    for (size_t i = 0; i < c->n_dialogues; i++) {
        const struct pl_dialogue *d = &c->dialogues[i];

        m->multi_domain += json_is_true(json_object_get(d->meta,
                                                        "multi_domain"));
        for (size_t j = 0; j < d->n_turns; j++)
            tally_turn(&d->turns[j], m);
    }
}

static void check_mw_quirks(const struct got *g)
{
    struct pl_dialogue *d;
    char buf[64];

    if ((d = find(g, "multiwoz:PMUL2075")) && CHECK(d->n_turns > 5))
        CHECK(has(d->turns[5].text, "There \xE9\x88\xA5\xE6\xAA\x9A "));
    if ((d = find(g, "multiwoz:PMUL1635")) && CHECK(d->n_turns > 7)) {
        CHECK(has(d->turns[7].text, "BMUKPTG6 .   Can I"));
        CHECK_INT(d->origin.line, 2);
        CHECK_INT(d->origin.column, 15);
        CHECK_STR(d->split, "dev");
        CHECK_STR(meta_str(d->turns[0].meta, "domain"), "hotel");
    }
    /* A span whose last token comes before its first: empty. */
    if ((d = find(g, "multiwoz:MUL2418")) && CHECK(d->n_turns > 7) &&
        CHECK_INT(d->turns[7].n_slots, 2)) {
        CHECK_STR(d->turns[7].slots[0].slot, "Attraction-Type");
        CHECK_INT(d->turns[7].slots[0].start, d->turns[7].slots[0].end);
        CHECK_STR(span_text(&d->turns[7], 1, buf, sizeof buf),
                  "Riverboat Georgina");
    }
}

static void test_real_mw(void)
{
    char buf[4096];
    struct got g;
    struct mw_tally m;

    if (!check_corpus("multiwoz21_convlab2/val.json", buf))
        return;
    read_with(&g, check_corpus("multiwoz21_convlab2", buf), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.files, 1);
    CHECK_INT(g.st.files_skipped, 0);
    CHECK_INT(g.st.rejected, 0);
    CHECK_INT(g.c->n_dialogues, 999);
    CHECK_INT(count_turns(g.c), 14730);
    CHECK_INT(count_split(g.c, "dev"), 999);
    tally_mw(g.c, &m);
    CHECK_INT(m.user, 7365);
    CHECK_INT(m.agent, 7365);
    CHECK_INT(m.multi_domain, 795);
    CHECK_INT(json_object_size(m.domain_acts), 33);
    CHECK_INT(m.spans, 18914);
    CHECK_INT(m.unequal, 701);
    CHECK_INT(m.empty, 2);
    CHECK_INT(m.newlines, 120);
    CHECK_INT(m.tabs, 67);
    CHECK_INT(bad_spans(g.c), 0);
    json_decref(m.domain_acts);
    check_mw_quirks(&g);
    got_free(&g);
    round_trip(check_corpus("multiwoz21_convlab2/val.json", buf),
               "rt-mw-val.jsonl", 999);
}

int main(void)
{
    tmp_setup();
    test_mw_sniff();
    test_mw_small();
    test_mw_plain();
    test_mw_damaged();
    test_mw_long_names();
    test_mw_limits();
    test_mw22();
    test_mw22_bad_acts();
    test_real_mw();
    tmp_cleanup();
    return check_done("test_fmt_taskdata");
}
