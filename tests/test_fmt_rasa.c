/*
 * Rasa NLU readers: the real demo files in ../shared/corpora (counts from
 * their SOURCE.md, skipped when absent), files written as a new user
 * writes them (Rasa 3 YAML with metadata and the list form, legacy
 * Markdown with its bullets and comments), entity markup in every form
 * with spans checked byte for byte, and damaged files: each bad record
 * rejected with path:line:col and the rest kept.
 */
#include "read_util.h"


static const struct pl_dialogue *dlg(const struct got *g, size_t i)
{
    return g->c && i < g->c->n_dialogues ? &g->c->dialogues[i] : NULL;
}

/* How many turns carry intent name. */
static long count_intent(const struct got *g, const char *name)
{
    long n = 0;

    for (size_t i = 0; g->c && i < g->c->n_dialogues; i++)
        for (size_t j = 0; j < g->c->dialogues[i].n_turns; j++)
            for (size_t k = 0; k < g->c->dialogues[i].turns[j].n_intents;
                 k++)
                n += !strcmp(g->c->dialogues[i].turns[j].intents[k], name);
    return n;
}

/* ---- the real files ------------------------------------------------- */

static void test_real_yaml(void)
{
    char buf[4096];
    const char *path = check_corpus("rasa_nlu_examples/demo-rasa.yml", buf);
    const struct pl_turn *t;
    struct got g;

    if (!path)
        return;
    CHECK_INT(pl_format_sniff(path, &g.err), PL_FMT_RASA_YAML);
    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 46);
    CHECK_INT(g.st.rejected, 0);
    CHECK_STR(g.st.formats, "rasa_yaml");
    CHECK_INT(count_intent(&g, "affirm"), 11);
    CHECK_INT(count_intent(&g, "goodbye"), 8);
    CHECK_INT(count_intent(&g, "greet"), 8);
    CHECK_INT(count_intent(&g, "chitchat/ask_name"), 2);
    CHECK_INT(count_intent(&g, "chitchat/ask_weather"), 2);
    CHECK_INT(count_intent(&g, "restaurant_search"), 15);
    CHECK_STR(g.c->name, "demo-rasa");
    CHECK_STR(dlg(&g, 0)->id, "demo-rasa:0");
    CHECK_STR(dlg(&g, 0)->split, "");
    CHECK_INT(dlg(&g, 0)->turns[0].role, PL_ROLE_USER);
    CHECK_STR(dlg(&g, 0)->turns[0].text, "yes");
    CHECK_INT(dlg(&g, 0)->origin.line, 5);
    CHECK_INT(dlg(&g, 0)->origin.column, 7);
    t = turn_at(&g, 36, 0);
    if (t) {
        CHECK_STR(t->text, "show me chines restaurants in the north");
        span_is(t, 0, "cuisine", "chines", "chinese");
        span_is(t, 1, "location", "north", NULL);
        CHECK_INT(t->origin.line, 51);
    }
    t = turn_at(&g, 45, 0);
    if (t) {
        CHECK_STR(t->text, "central indian restaurant");
        span_is(t, 0, "location", "central", NULL);
        span_is(t, 1, "cuisine", "indian", NULL);
    }
    CHECK(has(log_seen, "demo-rasa.yml: left out as not examples: 2 synonym "
              "items (5 entries), 2 regex items (2 entries); sections "
              "\"responses\""));
    check_round_trip(g.c);
    got_free(&g);
}

static void test_real_md(void)
{
    char buf[4096];
    const char *path = check_corpus("rasa_nlu_examples/demo-rasa.md", buf);
    const struct pl_turn *t;
    struct got g;

    if (!path)
        return;
    CHECK_INT(pl_format_sniff(path, &g.err), PL_FMT_RASA_MD);
    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 42);
    CHECK_INT(g.st.rejected, 0);
    CHECK_INT(count_intent(&g, "affirm"), 11);
    CHECK_INT(count_intent(&g, "goodbye"), 8);
    CHECK_INT(count_intent(&g, "greet"), 8);
    CHECK_INT(count_intent(&g, "restaurant_search"), 15);
    t = turn_at(&g, 32, 0);
    if (t) {
        CHECK_STR(t->text, "show me chines restaurants in the north");
        span_is(t, 0, "cuisine", "chines", "chinese");
        span_is(t, 1, "location", "north", NULL);
        CHECK_INT(t->origin.line, 40);
        CHECK_INT(t->origin.column, 3);
    }
    t = turn_at(&g, 41, 0);
    if (t)
        CHECK_STR(t->text, "central indian restaurant");
    /* "+ Chines" and "* Chinese" are the synonym's entries; the last
     * line has no newline. */
    CHECK(has(log_seen, "demo-rasa.md: left out as not examples: 2 synonym "
              "items (4 entries), 1 regex item (1 entry)"));
    check_round_trip(g.c);
    got_free(&g);
}

/* The folder: both files read (the .md because its content is Rasa),
 * SOURCE.md and the licence skipped. */
static void test_real_folder(void)
{
    char buf[4096];
    const char *path = check_corpus("rasa_nlu_examples/SOURCE.md", buf);
    char *slash;
    struct got g;

    if (!path)
        return;
    slash = strrchr(buf, '/');
    *slash = '\0';
    read_with(&g, buf, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.files, 2);
    CHECK_INT(g.st.kept, 88);
    CHECK_STR(g.st.formats, "rasa_md,rasa_yaml");
    got_free(&g);
}

/* ---- sniffing --------------------------------------------------------- */

static void sniff(const char *rel, const char *data, enum pl_format want)
{
    struct pl_error err;
    enum pl_format f = pl_format_sniff(put_file(rel, data, strlen(data)),
                                       &err);

    if (!CHECK_INT(f, want))
        fprintf(stderr, "  sniffing %s\n", rel);
}

static void test_sniff(void)
{
    CHECK_INT(pl_format_parse("rasa_yaml"), PL_FMT_RASA_YAML);
    CHECK_INT(pl_format_parse("RASA_MD"), PL_FMT_RASA_MD);
    CHECK_STR(pl_format_name(PL_FMT_RASA_YAML), "rasa_yaml");
    CHECK_STR(pl_format_name(PL_FMT_RASA_MD), "rasa_md");
    sniff("sn/a.txt", "# NLU data\n%YAML 1.2\n---\nversion: \"3.1\"\n\n"
          "nlu:\n- intent: greet\n  examples: |\n    - hi\n",
          PL_FMT_RASA_YAML);
    sniff("sn/b", "responses:\n  utter_x:\n  - text: hi\nnlu:  # data\n"
          "  - intent: a\n", PL_FMT_RASA_YAML);
    sniff("sn/c.yml", "stories:\n- story: happy\n  steps:\n  - intent: "
          "greet\n", PL_FMT_AUTO);
    sniff("sn/d.txt", "Alice: hi there\nBob: hello\nnlu: is this it\n",
          PL_FMT_AUTO);
    sniff("sn/e.txt", "<!-- training data\n -->\n\n## intent:greet\n- hi\n",
          PL_FMT_RASA_MD);
    sniff("sn/f.md", "## regex:zip\n- [0-9]{5}\n", PL_FMT_RASA_MD);
    sniff("sn/g.md", "# Notes\n\n## intent:greet\n- hi\n", PL_FMT_AUTO);
    sniff("sn/h.md", "## story: happy path\n* greet\n", PL_FMT_AUTO);
    sniff("sn/i.csv", "text,intent\nhi: there,greet\n", PL_FMT_CSV);
}

/* In a folder, a README.md stays a document; an .md holding Rasa
 * Markdown is data. */
static void test_folder_md(void)
{
    struct got g;

    PUT("fold/README.md", "# My bot\n\n- intent data below\n");
    PUT("fold/nlu.md", "## intent:greet\n- hi\n- hello\n");
    PUT("fold/more.yml", "nlu:\n- intent: bye\n  examples: |\n    - bye\n");
    read_with(&g, tpath("fold"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.files, 2);
    CHECK_INT(g.st.kept, 3);
    CHECK_STR(dlg(&g, 0)->turns[0].intents[0], "bye");
    CHECK_STR(dlg(&g, 1)->id, "nlu:0");
    got_free(&g);
}

/* ---- YAML written by a new user --------------------------------------- */

static const char yaml_user[] =
    "version: \"3.1\"\n"
    "\n"
    "# Bookings bot, first draft\n"
    "nlu:\n"
    "- intent: book_table\n"
    "  metadata:\n"
    "    owner: dana\n"
    "    reviewed: true\n"
    "    priority: 2\n"
    "  examples: |\n"
    "    - a table for [4](party_size) tonight\n"
    "    - book [Luigi's]{\"entity\": \"restaurant\", \"role\": \"venue\"} "
    "for [two](party_size:2)\n"
    "    - [Café Müller](restaurant) at [8pm](time), please\n"
    "\n"
    "    - fly from [Rome]{\"entity\": \"city\", \"role\": \"from\", "
    "\"group\": \"1\"} to [Oslo]{\"entity\": \"city\", \"role\": \"to\"}\n"
    "- intent: inform\n"
    "  examples:\n"
    "  - text: |\n"
    "      my number is [0612 345 678](phone)\n"
    "    metadata:\n"
    "      sentiment: neutral\n"
    "      confidence: 0.75\n"
    "      tags: [pii, phone]\n"
    "  - text: \"I'm in [Zürich](city)\"\n"
    "    channel: sms\n"
    "  - just the text\n"
    "- synonym: 2\n"
    "  examples: |\n"
    "    - two\n"
    "    - couple\n"
    "- lookup: city\n"
    "  examples: |\n"
    "    - Rome\n"
    "    - Oslo\n"
    "    - Zürich\n"
    "rules:\n"
    "- rule: greet\n"
    "  steps:\n"
    "  - intent: greet\n";

static void test_yaml_user(void)
{
    const struct pl_dialogue *d;
    const struct pl_turn *t;
    json_t *ents;
    struct got g;

    read_with(&g, PUT("y/bookings.yml", yaml_user), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 7);
    CHECK_STR(g.c->format, "rasa_yaml");
    d = dlg(&g, 0);
    CHECK_STR(d->id, "bookings:0");
    CHECK_STR(d->corpus, "bookings");
    CHECK_STR(meta_str(d->meta, "owner"), "dana");
    CHECK(json_is_true(json_object_get(d->meta, "reviewed")));
    CHECK_INT(json_integer_value(json_object_get(d->meta, "priority")), 2);
    CHECK_INT(d->origin.line, 11);
    CHECK_INT(d->origin.column, 7);
    span_is(&d->turns[0], 0, "party_size", "4", NULL);
    t = turn_at(&g, 1, 0);
    if (t) {
        CHECK_STR(t->text, "book Luigi's for two");
        span_is(t, 0, "restaurant", "Luigi's", NULL);
        span_is(t, 1, "party_size", "two", "2");
        ents = json_object_get(t->extra, "entities");
        CHECK_INT(json_array_size(ents), 1);
        CHECK_STR(meta_str(json_array_get(ents, 0), "role"), "venue");
        CHECK_INT(json_integer_value(json_object_get(json_array_get(ents, 0),
                                                     "start")), 5);
    }
    t = turn_at(&g, 2, 0);
    if (t) {
        CHECK_STR(t->text, "Café Müller at 8pm, please");
        span_is(t, 0, "restaurant", "Café Müller", NULL);
        span_is(t, 1, "time", "8pm", NULL);
        CHECK_INT(t->slots[1].start, 17);
    }
    t = turn_at(&g, 3, 0);
    if (t) {
        CHECK_INT(t->origin.line, 15);
        span_is(t, 1, "city", "Oslo", NULL);
        CHECK_INT(json_array_size(json_object_get(t->extra, "entities")), 2);
    }
    t = turn_at(&g, 4, 0);
    if (t) {
        CHECK_STR(t->text, "my number is 0612 345 678");
        CHECK_STR(meta_str(t->meta, "sentiment"), "neutral");
        CHECK(json_real_value(json_object_get(t->meta, "confidence")) ==
              0.75);
        CHECK_INT(json_array_size(json_object_get(t->meta, "tags")), 2);
        CHECK_INT(json_object_size(dlg(&g, 4)->meta), 0);
    }
    t = turn_at(&g, 5, 0);
    if (t) {
        span_is(t, 0, "city", "Zürich", NULL);
        CHECK_STR(meta_str(t->extra, "channel"), "sms");
    }
    t = turn_at(&g, 6, 0);
    if (t)
        CHECK_STR(t->text, "just the text");
    CHECK(has(log_seen, "bookings.yml: left out as not examples: 1 synonym "
              "item (2 entries), 1 lookup item (3 entries); sections "
              "\"rules\""));
    check_round_trip(g.c);
    got_free(&g);
}

/* Flow style, anchors, aliases, merge keys, tags and CRLF. */
static void test_yaml_styles(void)
{
    const struct pl_turn *t;
    struct got g;

    read_with(&g, PUT("y/styles.yml",
                      "\xEF\xBB\xBFnlu:\r\n"
                      "- intent: greet\r\n"
                      "  metadata: &base {lang: en, n: !!str 12, x: 0x1F}\r\n"
                      "  examples: [hi, \"hello [there](who)\"]\r\n"
                      "- {intent: bye, examples: \"- bye\\n- ciao\\n\", "
                      "metadata: {<<: *base, lang: it}}\r\n"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 4);
    t = turn_at(&g, 1, 0);
    if (t) {
        CHECK_STR(t->text, "hello there");
        span_is(t, 0, "who", "there", NULL);
        CHECK_STR(meta_str(dlg(&g, 1)->meta, "n"), "12");
        CHECK_INT(json_integer_value(json_object_get(dlg(&g, 1)->meta, "x")),
                  31);
    }
    t = turn_at(&g, 3, 0);
    if (t) {
        CHECK_STR(t->text, "ciao");
        CHECK_STR(meta_str(dlg(&g, 3)->meta, "lang"), "it");
        CHECK_STR(meta_str(dlg(&g, 3)->meta, "n"), "12");
    }
    check_round_trip(g.c);
    got_free(&g);
}

/* ---- damaged YAML ------------------------------------------------------ */

static void test_yaml_damaged(void)
{
    struct got g;

    read_with(&g, PUT("y/bad.yml",
                      "nlu:\n"
                      "- intent: greet\n"
                      "  examples: |\n"
                      "    - hi\n"
                      "    hello without a dash\n"
                      "    - bad [x]{\"value\": 1}\n"
                      "    - [broken]{\"entity\": \"a\",}\n"
                      "    -\n"
                      "- intent: [a, b]\n"
                      "  examples: |\n"
                      "    - lost\n"
                      "- just a string\n"
                      "- intent: none\n"
                      "- intent: twice\n"
                      "  intent: again\n"
                      "- intent: x\n"
                      "  synonym: y\n"
                      "- intent: ok\n"
                      "  examples:\n"
                      "  - text: fine\n"
                      "  - {metadata: {a: 1}}\n"
                      "  - text: dup\n"
                      "    metadata: {a: 1, a: 2}\n"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 11);
    CHECK(has(g.rej[0], "bad.yml:5:5: expected an example starting with "
              "'- ', found \"hello without a dash\""));
    CHECK_STR(g.raw[0], "    hello without a dash");
    CHECK(has(g.rej[1], "bad.yml:6:14: expected an annotation object with "
              "an \"entity\" name, found an object without one"));
    CHECK(has(g.rej[2], "bad.yml:7:30: entity annotation: expected "));
    CHECK(has(g.rej[3], "bad.yml:8:6: expected the text of an example of "
              "intent \"greet\", found nothing"));
    CHECK(has(g.rej[4], "bad.yml:9:11: expected a name after \"intent:\", "
              "found a list"));
    CHECK(has(g.rej[5], "bad.yml:12:3: expected an nlu item (a mapping "
              "with intent, synonym, regex or lookup), found text"));
    CHECK(has(g.rej[6], "bad.yml:13:3: expected examples under intent "
              "\"none\", found none"));
    CHECK(has(g.rej[7], "bad.yml:15:3: expected each key once in an nlu "
              "item, found \"intent\" again"));
    CHECK(has(g.rej[8], "bad.yml:17:3: expected one of intent, synonym, "
              "regex or lookup in an nlu item, found both \"intent\" and "
              "\"synonym\""));
    CHECK(has(g.rej[9], "bad.yml:21:5: expected an example as text or as "
              "a mapping with \"text\", found a mapping without \"text\""));
    CHECK(has(g.rej[10], "bad.yml:23:22: expected each key once in a "
              "mapping, found \"a\" again"));
    CHECK_STR(dlg(&g, 0)->id, "bad:0");
    CHECK_STR(dlg(&g, 1)->turns[0].text, "fine");
    got_free(&g);
}

/* A syntax error: what came before is kept, the rest rejected whole and
 * located at the error; --strict stops there. */
static void test_yaml_syntax(void)
{
    struct pl_read_opts o;
    const char *path = PUT("y/syntax.yml",
                           "nlu:\n"
                           "- intent: a\n"
                           "  examples: |\n"
                           "    - one\n"
                           "- intent: b\n"
                           "  examples: |\n"
                           "    - two\n"
                           "- intent: \"c\n"
                           "  examples: |\n"
                           "    - three\n");
    struct got g;

    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 1);
    CHECK_INT(g.rej_status[0], PL_ERR_PARSE);
    CHECK(has(g.rej[0], "syntax.yml:11:1: expected a closing quote, found "
              "the end of the file (while scanning a quoted scalar from "
              "line 8)"));
    CHECK(has(g.raw[0], "- intent: \"c\n"));
    got_free(&g);
    read_with(&g, PUT("y/tab.yml", "nlu:\n- intent: a\n  examples: |\n"
                      "    - one\n- intent: b\n\texamples: x\n"), NULL);
    CHECK_INT(g.st.kept, 1);
    CHECK(has(g.rej[0], "tab.yml:6:1: expected "));
    got_free(&g);
    pl_read_opts_default(&o);
    o.strict = 1;
    read_with(&g, path, &o);
    CHECK_INT(g.status, PL_ERR_PARSE);
    CHECK_INT(g.err.line, 11);
    got_free(&g);
    read_with(&g, PUT("y/alias.yml", "nlu:\n- intent: a\n  examples: "
                      "*nowhere\n"), NULL);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "alias.yml:3:13: expected an anchor defined before "
              "this alias"));
    got_free(&g);
}

/* Bytes YAML refuses hurt only the record holding them. */
static void test_yaml_bytes(void)
{
    struct pl_read_opts o;
    const char *path = PUT("y/bytes.yml",
                           "nlu:\n"
                           "- intent: a\n"
                           "  examples: |\n"
                           "    - caf\xE9 au lait\n"
                           "    - ctrl\x01 char\n"
                           "    - fine [\xC3\xA9t\xC3\xA9](season)\n"
                           "- intent: b\xFF\n"
                           "  examples: |\n"
                           "    - x\n"
                           "    - y\n");
    struct got g;

    read_with(&g, path, NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 4);
    CHECK_INT(g.st.utf8_repaired, 3);
    CHECK_STR(dlg(&g, 0)->turns[0].text, "caf" FFFD " au lait");
    CHECK(has(g.rej[0], "bytes.yml:5:11: expected a character YAML allows, "
              "found byte 0x01"));
    span_is(&dlg(&g, 1)->turns[0], 0, "season", "\xC3\xA9t\xC3\xA9", NULL);
    CHECK_STR(dlg(&g, 2)->turns[0].intents[0], "b" FFFD);
    CHECK(has(log_seen, "bytes.yml:4:10: invalid UTF-8 replaced with U+FFFD"));
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, path, &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 4);
    CHECK_INT(g.rej_status[0], PL_ERR_UTF8);
    CHECK(has(g.rej[0], "bytes.yml:4:10: expected valid UTF-8, found byte "
              "0xE9"));
    CHECK(has(g.rej[2], "bytes.yml:7:12: expected valid UTF-8"));
    CHECK_STR(dlg(&g, 0)->id, "bytes:2");
    got_free(&g);
}

static void test_yaml_limits(void)
{
    struct pl_read_opts o;
    struct got g;

    pl_read_opts_default(&o);
    o.max_record_bytes = 60;
    read_with(&g, PUT("y/limit.yml",
                      "nlu:\n"
                      "- intent: short\n"
                      "  examples: |\n"
                      "    - ok\n"
                      "- intent: long\n"
                      "  examples: |\n"
                      "    - this item is longer than sixty bytes in all\n"
                      "    - and so it is set aside\n"), &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
    CHECK(has(g.rej[0], "limit.yml:5:3: expected an nlu item of at most 60 "
              "bytes"));
    got_free(&g);
    read_with(&g, PUT("y/deep.yml", "nlu:\n- intent: a\n  metadata: "
                      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                      "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                      "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
                      "  examples: [x]\n"), NULL);
    CHECK_INT(g.st.kept, 0);
    CHECK(has(g.rej[0], "levels of nesting"));
    got_free(&g);
    read_with(&g, PUT("y/laughs.yml",
                      "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                      "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                      "nlu:\n- intent: a\n  examples: |\n    - x\n"), NULL);
    CHECK_INT(g.st.kept, 0);
    CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
    CHECK(has(g.rej[0], "expected aliases to expand within the size limit"));
    got_free(&g);
}

/* ---- legacy Markdown -------------------------------------------------- */

static void test_md_user(void)
{
    const struct pl_turn *t;
    struct got g;

    read_with(&g, PUT("m/nlu.md",
                      "\xEF\xBB\xBF<!-- Bookings bot\r\n"
                      "     draft 2 -->\r\n"
                      "## intent: book_table\r\n"
                      "- a table for [4](party_size) tonight\r\n"
                      "* [Café Müller](restaurant) at [8pm](time)\r\n"
                      "  + indented bullet <!-- check this -->\r\n"
                      "\r\n"
                      "## synonym:2\r\n"
                      "- two\r\n"
                      "## lookup:city\r\n"
                      "  data/lookups/cities.txt\r\n"
                      "## intent:inform\r\n"
                      "- from [Rome]{\"entity\": \"city\", "
                      "\"role\": \"from\"}"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 4);
    CHECK_INT(g.st.rejected, 0);
    CHECK_STR(g.c->format, "rasa_md");
    t = turn_at(&g, 0, 0);
    if (t) {
        CHECK_STR(t->intents[0], "book_table");
        CHECK_STR(t->text, "a table for 4 tonight");
        CHECK_INT(t->origin.line, 4);
    }
    t = turn_at(&g, 1, 0);
    if (t) {
        span_is(t, 0, "restaurant", "Café Müller", NULL);
        span_is(t, 1, "time", "8pm", NULL);
    }
    t = turn_at(&g, 2, 0);
    if (t) {
        CHECK_STR(t->text, "indented bullet");
        CHECK_INT(t->origin.column, 5);
    }
    t = turn_at(&g, 3, 0);
    if (t) {
        CHECK_STR(t->text, "from Rome");
        CHECK_INT(t->origin.line, 13);
        CHECK_STR(meta_str(json_array_get(json_object_get(t->extra,
                                                           "entities"), 0),
                           "role"), "from");
    }
    CHECK(has(log_seen, "nlu.md: left out as not examples: 1 synonym item (1 "
              "entry), 1 lookup item (1 entry)"));
    check_round_trip(g.c);
    got_free(&g);
}

static void test_md_damaged(void)
{
    struct pl_read_opts o;
    const char *path = PUT("m/bad.md",
                           "Intro text\n"
                           "- orphan\n"
                           "## intent:\n"
                           "- nameless\n"
                           "## intent:greet\n"
                           "hello without a bullet\n"
                           "- bad [a]{\"entity\": }\n"
                           "- \n"
                           "- caf\xE9\n"
                           "- nul\0here\n"
                           "- [ok](x) [not markup] (y) [z]()\n"
                           "## story happy path\n"
                           "* greet\n"
                           "  - utter_greet\n");
    struct got g;

    /* Text before the first header: only --format says it is Rasa. */
    pl_read_opts_default(&o);
    o.format = PL_FMT_RASA_MD;
    read_with(&g, path, &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 8);
    CHECK(has(g.rej[0], "bad.md:1:1: expected a header such as "
              "'## intent:NAME' before this line, found \"Intro text\""));
    CHECK(has(g.rej[1], "bad.md:2:1: expected a header"));
    CHECK(has(g.rej[2], "bad.md:3:11: expected a name after \"intent:\", "
              "found nothing"));
    CHECK(has(g.rej[3], "bad.md:4:1: expected a header with a name before "
              "this line, found the one on line 3 without a name"));
    CHECK(has(g.rej[4], "bad.md:6:1: expected an example starting with "
              "'- ', found \"hello without a bullet\""));
    CHECK(has(g.rej[5], "bad.md:7:21: entity annotation: expected a JSON "
              "value, found '}'"));
    CHECK(has(g.rej[6], "bad.md:8:3: expected the text of an example"));
    CHECK(has(g.rej[7], "bad.md:10:6: expected text, found a NUL byte"));
    CHECK_STR(dlg(&g, 0)->turns[0].text, "caf" FFFD);
    CHECK_STR(dlg(&g, 1)->turns[0].text, "ok [not markup] (y) [z]()");
    CHECK_INT(dlg(&g, 1)->turns[0].n_slots, 1);
    CHECK(has(log_seen, "sections \"story happy path\""));
    got_free(&g);
    pl_read_opts_default(&o);
    o.format = PL_FMT_RASA_MD;
    o.strict = 1;
    read_with(&g, path, &o);
    CHECK_INT(g.status, PL_ERR_FORMAT);
    CHECK(has(g.err.message, "expected a header such as"));
    got_free(&g);
}

/* Long lines and bad bytes under --utf8 reject: one line each. */
static void test_md_limits(void)
{
    struct pl_read_opts o;
    struct got g;

    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    o.max_record_bytes = 16;
    read_with(&g, PUT("m/limit.md", "## intent:a\n- short\n- a line longer "
                      "than sixteen bytes\n- caf\xE9\n- end"), &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
    CHECK(has(g.rej[0], "limit.md:3:1: expected a line of at most 16 bytes "
              "(max_record_bytes), found 35 bytes"));
    CHECK(has(g.rej[1], "limit.md:4:6: expected valid UTF-8, found byte "
              "0xE9"));
    CHECK_STR(dlg(&g, 1)->turns[0].text, "end");
    CHECK_STR(dlg(&g, 1)->id, "limit:3");
    got_free(&g);
}

/* Forcing the format on a file of another kind rejects, never crashes. */
static void test_forced(void)
{
    struct pl_read_opts o;
    struct got g;

    pl_read_opts_default(&o);
    o.format = PL_FMT_RASA_YAML;
    read_with(&g, PUT("f/list.yml", "- a\n- b\n"), &o);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "list.yml:1:1: expected a mapping with an \"nlu\" "
              "list at the top of the document, found a list"));
    got_free(&g);
    read_with(&g, PUT("f/empty.yml", ""), &o);
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.read, 0);
    got_free(&g);
    o.format = PL_FMT_RASA_MD;
    read_with(&g, PUT("f/t.csv", "text,intent\nhi,greet\n"), &o);
    CHECK_INT(g.st.rejected, 2);
    got_free(&g);
}

int main(void)
{
    tmp_setup();
    test_real_yaml();
    test_real_md();
    test_real_folder();
    test_sniff();
    test_folder_md();
    test_yaml_user();
    test_yaml_styles();
    test_yaml_damaged();
    test_yaml_syntax();
    test_yaml_bytes();
    test_yaml_limits();
    test_md_user();
    test_md_damaged();
    test_md_limits();
    test_forced();
    tmp_cleanup();
    return check_done("test_fmt_rasa");
}
