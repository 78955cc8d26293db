/*
 * The line formats read with labels and episodes: fastText "__label__"
 * lines and ParlAI's tab-separated text format, including case 23 of
 * ../shared/cases (pipes inside labels, a last episode without
 * episode_done, escaped newlines), damaged input, and detection by
 * content.
 */
#include "fmt_helpers.h"

#define FFFD "\xEF\xBF\xBD"

/* ---- fastText --------------------------------------------------------- */

static void test_fasttext_lines(void)
{
    struct got g;
    struct pl_turn *t;

    READ(&g, "data/train.txt",
         "__label__greet __label__smalltalk hi there\n"
         "\n"
         "book a table __label__restaurant\r\n"
         "what __label__q time is it\n"
         "no labels at all\n"
         "__label__only\n"
         "__label__x\t  spaced text  \n", NULL);
    if (!CHECK_INT(g.status, PL_OK) || !CHECK_INT(g.st.kept, 6))
        return;
    CHECK_STR(g.st.formats, "fasttext");
    CHECK_STR(g.c->dialogues[0].id, "train:0");
    CHECK_STR(g.c->dialogues[0].split, "train");
    CHECK_STR(g.c->dialogues[0].corpus, "data");
    if ((t = turn_at(&g, 0, 0))) {
        CHECK_INT(t->role, PL_ROLE_USER);
        CHECK_STR(t->text, "hi there");
        CHECK_INT(t->n_intents, 2);
        CHECK_STR(t->intents[0], "greet");
        CHECK_STR(t->intents[1], "smalltalk");
        CHECK_INT(t->origin.line, 1);
    }
    if ((t = turn_at(&g, 1, 0))) {
        CHECK_STR(t->text, "book a table");
        CHECK_STR(t->intents[0], "restaurant");
        CHECK_INT(t->origin.line, 3);
        CHECK_STR(g.c->dialogues[1].id, "train:1");
    }
    if ((t = turn_at(&g, 2, 0))) {
        CHECK_STR(t->text, "what time is it");
        CHECK_STR(t->intents[0], "q");
    }
    if ((t = turn_at(&g, 3, 0))) {
        CHECK_STR(t->text, "no labels at all");
        CHECK_INT(t->n_intents, 0);
    }
    if ((t = turn_at(&g, 4, 0))) {
        CHECK_STR(t->text, "");
        CHECK_STR(t->intents[0], "only");
    }
    if ((t = turn_at(&g, 5, 0)))
        CHECK_STR(t->text, "  spaced text  ");
    got_free(&g);
}

static void test_fasttext_errors(void)
{
    struct got g;
    struct pl_read_opts o;

    READ(&g, "ft.txt", "__label__a fine\n__label__ no name\n"
         "ok __label__\nnul \0 here __label__b\n__label__c caf\xC3 ok\n",
         NULL);
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 3);
    CHECK(has(g.rej[0], "ft.txt:2:10: expected a label name after "
              "\"__label__\", found white space"));
    CHECK(has(g.rej[1], "ft.txt:3:13: expected a label name after "
              "\"__label__\", found the end of the line"));
    CHECK(has(g.rej[2], "ft.txt:4:5: expected text, found a NUL byte"));
    CHECK_INT(g.st.utf8_repaired, 1);
    if (g.c->n_dialogues == 2)
        CHECK_STR(g.c->dialogues[1].turns[0].text, "caf" FFFD " ok");
    got_free(&g);

    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    o.max_record_bytes = 24;
    READ(&g, "ft.txt", "__label__a caf\xC3 ok\n__label__b "
         "this line is far too long for the limit\n__label__c short\n", &o);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 2);
    CHECK(has(g.rej[0], "ft.txt:1:15: expected valid UTF-8, found byte "
              "0xC3"));
    CHECK(has(g.rej[1], "ft.txt:2:1: expected a line of at most 24 bytes"));
    got_free(&g);

    o.strict = 1;
    o.max_record_bytes = 0;
    READ(&g, "ft.txt", "__label__a x\n__label__ y\n__label__c z\n", &o);
    CHECK_INT(g.status, PL_ERR_FORMAT);
    CHECK_INT(g.st.kept, 1);
    CHECK(has(g.err.message, "expected a label name"));
    got_free(&g);
}

static void test_fasttext_prefix(void)
{
    struct got g;
    struct pl_read_opts o;

    pl_read_opts_default(&o);
    o.format = PL_FMT_FASTTEXT;
    o.label_prefix = "#";
    READ(&g, "tags.txt", "#news #sport match report\n"
         "__label__x stays text\n", &o);
    CHECK_INT(g.st.kept, 2);
    if (g.c->n_dialogues == 2) {
        CHECK_STR(g.c->dialogues[0].turns[0].intents[1], "sport");
        CHECK_STR(g.c->dialogues[0].turns[0].text, "match report");
        CHECK_STR(g.c->dialogues[1].turns[0].text, "__label__x stays text");
        CHECK_INT(g.c->dialogues[1].turns[0].n_intents, 0);
    }
    got_free(&g);
}

/* ---- ParlAI text: case 23 -------------------------------------------- */

static const char case23[] =
    "text:How are you?\tlabels:Not great :__PIPE__ you?\t"
    "label_candidates:Fine|Not great :__PIPE__ you?\n"
    "text:Why?\\nTell me.\tlabels:Long day|Work\n"
    "text:Ok.\tlabels:Bye\n";

static void test_parlai_case23(void)
{
    struct got g;
    struct pl_turn *t;

    log_capture();
    READ(&g, "cases/case23.txt", case23, NULL);
    log_release();
    if (!CHECK_INT(g.status, PL_OK) || !CHECK_INT(g.st.kept, 1))
        return;
    CHECK_STR(g.st.formats, "parlai_text");
    CHECK_STR(g.c->dialogues[0].id, "case23:0");
    CHECK_INT(g.c->dialogues[0].n_turns, 6);
    CHECK(has(log_last, "cases/case23.txt:3: the file ends before "
              "episode_done:True closes the episode that starts on line 1; "
              "the episode is kept"));
    if ((t = turn_at(&g, 0, 0))) {
        CHECK_INT(t->role, PL_ROLE_USER);
        CHECK_STR(t->text, "How are you?");
        CHECK_INT(json_array_size(json_object_get(t->extra,
                                                  "label_candidates")), 2);
        CHECK_STR(extra_item(t, "label_candidates", 0), "Fine");
        CHECK_STR(extra_item(t, "label_candidates", 1), "Not great :| you?");
    }
    if ((t = turn_at(&g, 0, 1))) {
        CHECK_INT(t->role, PL_ROLE_AGENT);
        CHECK_STR(t->text, "Not great :| you?");
        CHECK_INT(json_object_size(t->extra), 0);
    }
    if ((t = turn_at(&g, 0, 2)))
        CHECK_STR(t->text, "Why?\nTell me.");
    if ((t = turn_at(&g, 0, 3))) {
        CHECK_STR(t->text, "Long day");
        CHECK_STR(extra_item(t, "labels", 0), "Long day");
        CHECK_STR(extra_item(t, "labels", 1), "Work");
        CHECK_INT(t->origin.line, 2);
        CHECK_INT(t->origin.column, 21);
    }
    got_free(&g);
}

static void test_parlai_episode_done(void)
{
    struct got g;

    log_capture();
    READ(&g, "ep.txt",
         "text:Hi\tlabels:Yo\tepisode_done:False\n"
         "text:And?\tlabels:So\tepisode_done:TRUE\n"
         "text:Two\tlabels:B\tepisode_done:true\n"
         "text:Three\tlabels:C\tepisode_done:True  \n"
         "text:Four\tepisode_done:maybe\n"
         "labels:Five\tepisode_done:True\n"
         "episode_done:True\n", NULL);
    log_release();
    CHECK_INT(log_count, 0);
    if (!CHECK_INT(g.st.kept, 4))
        return;
    CHECK_INT(g.c->dialogues[0].n_turns, 4);
    CHECK_STR(g.c->dialogues[1].id, "ep:1");
    CHECK_INT(g.c->dialogues[1].origin.line, 3);
    CHECK_INT(g.c->dialogues[2].n_turns, 2);
    CHECK_INT(g.c->dialogues[3].n_turns, 2);
    CHECK_STR(g.c->dialogues[3].turns[0].text, "Four");
    CHECK_STR(extra_str(&g.c->dialogues[3].turns[0], "episode_done"),
              "maybe");
    CHECK_INT(g.c->dialogues[3].turns[1].role, PL_ROLE_AGENT);
    CHECK_STR(g.c->dialogues[3].turns[1].text, "Five");
    got_free(&g);
}

static void test_parlai_fields(void)
{
    struct got g;
    struct pl_turn *t;

    READ(&g, "f.txt",
         "id:teacher\ttext:q1\teval_labels:a1|a2\treward:1\tnote:x\\ty\n"
         "labels:bot first\tid:bot\n"
         "text:only text\n"
         "id:lonely\n"
         "text:t\tlabels:l\teval_labels:e\t\n"
         "text:C:\\Users\\me \\_x \\| \\\\n\tlabels:a\\|b|c"
         "\tepisode_done:True\n", NULL);
    if (!CHECK_INT(g.st.kept, 1) || !CHECK_INT(g.c->dialogues[0].n_turns, 9))
        return;
    if ((t = turn_at(&g, 0, 0))) {
        CHECK_STR(t->speaker, "teacher");
        CHECK_STR(extra_str(t, "reward"), "1");
        CHECK_STR(extra_str(t, "note"), "x\ty");
    }
    if ((t = turn_at(&g, 0, 1))) {
        CHECK_STR(t->text, "a1");
        CHECK_STR(extra_item(t, "eval_labels", 1), "a2");
        CHECK_STR(t->speaker, "");
    }
    if ((t = turn_at(&g, 0, 2))) {
        CHECK_INT(t->role, PL_ROLE_AGENT);
        CHECK_STR(t->text, "bot first");
        CHECK_STR(t->speaker, "bot");
    }
    if ((t = turn_at(&g, 0, 3)))
        CHECK_STR(t->text, "only text");
    if ((t = turn_at(&g, 0, 4))) {
        CHECK_INT(t->role, PL_ROLE_USER);
        CHECK_STR(t->text, "");
        CHECK_STR(t->speaker, "lonely");
    }
    if ((t = turn_at(&g, 0, 5)))
        CHECK_STR(extra_item(t, "eval_labels", 0), "e");
    if ((t = turn_at(&g, 0, 6)))
        CHECK_INT(json_object_size(t->extra), 0);
    if ((t = turn_at(&g, 0, 7)))
        CHECK_STR(t->text, "C:\\Users\\me _x | \\n");
    if ((t = turn_at(&g, 0, 8))) {
        CHECK_STR(t->text, "a|b");
        CHECK_STR(extra_item(t, "labels", 1), "c");
    }
    got_free(&g);
}

/* CRLF, a BOM, blank lines, four spaces for tabs, no final newline. */
static void test_parlai_layout(void)
{
    struct got g;

    READ(&g, "l.txt", "\xEF\xBB\xBFtext:hello    labels:hi there\r\n\r\n"
         "text:a b    c    d    episode_done:True\r\n"
         "text:x\tlabels:y    z\tepisode_done:True", NULL);
    if (!CHECK_INT(g.st.kept, 2))
        return;
    CHECK_STR(g.c->dialogues[0].turns[0].text, "hello");
    CHECK_STR(g.c->dialogues[0].turns[1].text, "hi there");
    CHECK_STR(g.c->dialogues[0].turns[2].text, "a b    c    d");
    CHECK_INT(g.c->dialogues[0].n_turns, 3);
    CHECK_STR(g.c->dialogues[1].turns[1].text, "y    z");
    got_free(&g);
}

static void test_parlai_damaged(void)
{
    struct got g;

    READ(&g, "bad.txt",
         "text:a\tlabels:b\tepisode_done:True\n"
         "text:c\tlabels:d\n"
         "text:e\tstray words\tlabels:f\n"
         "text:g\tlabels:h\tepisode_done:True\n"
         "text:i\ttext:j\tepisode_done:True\n"
         "text:k\t:novalue\n"
         "text:l\tlabels:m\tepisode_done:True\n"
         "text:n\tlabels:o\tepisode_done:True\n", NULL);
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 3);
    CHECK(has(g.rej[0], "bad.txt:3:8: expected a key:value field, found "
              "\"stray words\""));
    CHECK(has(g.raw[0], "text:c\tlabels:d\ntext:e\tstray words"));
    CHECK(has(g.rej[1], "bad.txt:5:8: expected each key once in a line, "
              "found a second \"text\""));
    CHECK(has(g.rej[2], "bad.txt:6:8: expected a key:value field, found "
              "\":novalue\""));
    if (g.c->n_dialogues == 2) {
        CHECK_STR(g.c->dialogues[0].id, "bad:0");
        CHECK_STR(g.c->dialogues[1].id, "bad:4");
        CHECK_STR(g.c->dialogues[1].turns[0].text, "n");
    }
    got_free(&g);
}

static void test_parlai_bytes(void)
{
    struct got g;
    struct pl_read_opts o;

    READ(&g, "b.txt", "text:caf\xC3 ok\tlabels:x\tepisode_done:True\n"
         "text:nul\0\tlabels:y\n"
         "text:more\tepisode_done:True\n"
         "text:z\tlabels:w\tepisode_done:True\n", NULL);
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 1);
    CHECK_INT(g.st.utf8_repaired, 1);
    CHECK(has(g.rej[0], "b.txt:2:9: expected text, found a NUL byte"));
    if (g.c->n_dialogues == 2)
        CHECK_STR(g.c->dialogues[0].turns[0].text, "caf" FFFD " ok");
    got_free(&g);

    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    o.max_record_bytes = 40;
    READ(&g, "b.txt", "text:caf\xC3 ok\tlabels:x\tepisode_done:True\n"
         "text:a line that is much longer than forty bytes\tlabels:y"
         "\tepisode_done:True\n"
         "text:1\tlabels:2\n"
         "text:3\tlabels:4\n"
         "text:5\tlabels:6\tepisode_done:True\n"
         "text:fine\tlabels:ok\tepisode_done:True\n", &o);
    CHECK_INT(g.st.kept, 1);
    CHECK_INT(g.st.rejected, 3);
    CHECK(has(g.rej[0], "b.txt:1:9: expected valid UTF-8, found byte 0xC3"));
    CHECK(has(g.rej[1], "b.txt:2:1: expected a line of at most 40 bytes "
              "(max_record_bytes), found 75 bytes"));
    CHECK(has(g.rej[2], "b.txt:5:1: expected an episode of at most 40 "
              "bytes"));
    if (g.c->n_dialogues == 1)
        CHECK_STR(g.c->dialogues[0].turns[0].text, "fine");
    got_free(&g);

    o.strict = 1;
    o.max_record_bytes = 0;
    READ(&g, "b.txt", "text:a\tlabels:b\tepisode_done:True\ntext:c\td\n",
         &o);
    CHECK_INT(g.status, PL_ERR_FORMAT);
    CHECK(has(g.err.message, "expected a key:value field"));
    got_free(&g);
}

/* ---- detection ------------------------------------------------------- */

static void sniff_is(const char *data, enum pl_format want)
{
    struct pl_error err;
    int schema;

    if (!CHECK_INT(pl_sniff_buffer(data, strlen(data), 1, "x.csv", &schema,
                                   &err), want))
        fprintf(stderr, "  sniffing \"%s\"\n", data);
}

static void test_sniff(void)
{
    sniff_is("text:hi\tlabels:yo\tepisode_done:True\n", PL_FMT_PARLAI_TEXT);
    sniff_is("\n\nid:t1\ttext:hello\n", PL_FMT_PARLAI_TEXT);
    sniff_is("text:just one field\n", PL_FMT_PARLAI_TEXT);
    sniff_is("text:hi\tfree text\n", PL_FMT_AUTO);
    sniff_is("id:5\treward:1\n", PL_FMT_AUTO);
    sniff_is("__label__a hello\n__label__b bye\n", PL_FMT_FASTTEXT);
    sniff_is("hello there __label__a\n", PL_FMT_FASTTEXT);
    sniff_is("__label__\tfoo\n", PL_FMT_AUTO);
    sniff_is("text\tlabel\nhi\tgreet\n", PL_FMT_TSV);
    sniff_is("text,label\nhi,greet\n", PL_FMT_CSV);
}

int main(void)
{
    test_fasttext_lines();
    test_fasttext_errors();
    test_fasttext_prefix();
    test_parlai_case23();
    test_parlai_episode_done();
    test_parlai_fields();
    test_parlai_layout();
    test_parlai_damaged();
    test_parlai_bytes();
    test_sniff();
    return check_done("test_fmt_textlines");
}
