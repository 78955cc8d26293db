/*
 * CSV/TSV column mapping: chat logs written as a new user writes them
 * (conversation id, sender, message and time columns; a byte order mark,
 * CRLF, quoted commas, quotes and line breaks), columns named by the
 * options or found by their usual names, dialogues gathered from runs of
 * rows, speakers and roles, several labels in one field, timestamps in
 * the forms people export, and what happens when the rows do not fit.
 * Case 25 (quoted multi-line fields) must hold with a dialogue column
 * too.
 */
#include "read_util.h"

static const struct pl_dialogue *dlg(const struct got *g, size_t i)
{
    return g->c && i < g->c->n_dialogues ? &g->c->dialogues[i] : NULL;
}

/* ---- a chat log -------------------------------------------------------- */

static const char chat_log[] =
    "\xEF\xBB\xBF" "conversation_id,sender,message,sent_at,intent,channel\r\n"
    "c-101,customer,\"Hi, my router keeps dropping\",2024-03-05 14:03,"
    "wifi_drop,sms\r\n"
    "c-101,agent,\"Sorry to hear that.\nCould you restart it?\","
    "2024-03-05 14:04:10,,sms\r\n"
    "c-101,customer,\"Done, it says \"\"no signal\"\"\",2024-03-05T14:09:30Z,"
    "no_signal,sms\r\n"
    "c-102,Customer,bill too high,2024-03-06 09:00,billing,web\r\n"
    "c-102,Bot,Let me check.,2024-03-06 09:00:02,,web\r\n";

static void test_chat_log(void)
{
    const struct pl_dialogue *d;
    const struct pl_turn *t;
    struct got g;

    read_with(&g, PUT("chat/support_log.csv", chat_log), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 0);
    CHECK_STR(g.c->format, "csv");
    CHECK_STR(log_seen, "");
    d = dlg(&g, 0);
    CHECK_STR(d->id, "c-101");
    CHECK_STR(d->corpus, "support_log");
    CHECK_INT(d->n_turns, 3);
    CHECK_INT(d->origin.line, 2);
    CHECK_INT(d->origin.index, 0);
    t = &d->turns[0];
    CHECK_STR(t->text, "Hi, my router keeps dropping");
    CHECK_STR(t->speaker, "customer");
    CHECK_INT(t->role, PL_ROLE_USER);
    CHECK_STR(t->timestamp, "2024-03-05T14:03:00");
    CHECK_STR(t->intents[0], "wifi_drop");
    CHECK_STR(meta_str(t->meta, "channel"), "sms");
    CHECK_INT(json_object_size(t->meta), 1);
    t = &d->turns[1];
    CHECK_INT(t->index, 1);
    CHECK_STR(t->text, "Sorry to hear that.\nCould you restart it?");
    CHECK_INT(t->role, PL_ROLE_AGENT);
    CHECK_INT(t->n_intents, 0);
    CHECK_STR(t->timestamp, "2024-03-05T14:04:10");
    CHECK_INT(t->origin.line, 3);
    t = &d->turns[2];
    CHECK_STR(t->text, "Done, it says \"no signal\"");
    CHECK_STR(t->timestamp, "2024-03-05T14:09:30Z");
    CHECK_INT(t->origin.line, 5);
    CHECK_INT(t->origin.index, 2);
    d = dlg(&g, 1);
    CHECK_STR(d->id, "c-102");
    CHECK_INT(d->origin.index, 1);
    CHECK_STR(d->turns[0].speaker, "Customer");
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    check_round_trip(g.c);
    got_free(&g);
}

/* TSV with Unix times, another set of usual names, a name no role
 * knows, and rows with a wrong field count inside a dialogue. */
static void test_chat_tsv(void)
{
    const struct pl_dialogue *d;
    struct got g;

    read_with(&g, PUT("chat/export.tsv",
                      "session_id\tauthor\tbody\ttimestamp\n"
                      "s1\tuser\thello\t1709647380\n"
                      "s1\tassistant\thi, how can I help?\t1709647381250\n"
                      "s1\ttoo\tmany\tfields\there\n"
                      "s1\tDana\tI am the manager\t1709647400.5\n"
                      "s2\tuser\tbye\t\n"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "export.tsv:4:1: expected 4 fields as in the "
              "header, found 5"));
    d = dlg(&g, 0);
    CHECK_STR(d->id, "s1");
    CHECK_INT(d->n_turns, 3);
    CHECK_STR(d->turns[0].timestamp, "2024-03-05T14:03:00Z");
    CHECK_STR(d->turns[1].timestamp, "2024-03-05T14:03:01.250Z");
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    CHECK_INT(d->turns[2].role, PL_ROLE_OTHER);
    CHECK_STR(d->turns[2].speaker, "Dana");
    CHECK_STR(d->turns[2].timestamp, "2024-03-05T14:03:20.5Z");
    CHECK_INT(d->turns[2].index, 2);
    CHECK(dlg(&g, 1)->turns[0].timestamp == NULL);
    CHECK_INT(json_object_size(dlg(&g, 1)->turns[0].meta), 0);
    got_free(&g);
}

/* ---- options ------------------------------------------------------------ */

static void test_named_columns(void)
{
    struct pl_read_opts o;
    const struct pl_turn *t;
    struct got g;
    const char *path = PUT("opt/log.csv",
                           "conv;who,utt,ts,tags,note,note\n"
                           "a,hello there,2024-01-02,\"greet, smalltalk"
                           " ,,\",x,y\n"
                           "a,hi,2024-01-02 10:00,,,\n");

    pl_read_opts_default(&o);
    o.dialogue_column = "conv;who";
    o.text_column = "utt";
    o.timestamp_column = "ts";
    o.label_column = "tags";
    o.label_separator = ",";
    read_with(&g, path, &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 1);
    t = turn_at(&g, 0, 0);
    if (t) {
        CHECK_STR(dlg(&g, 0)->id, "a");
        CHECK_INT(t->n_intents, 2);
        CHECK_STR(t->intents[0], "greet");
        CHECK_STR(t->intents[1], "smalltalk");
        CHECK_STR(t->timestamp, "2024-01-02");
        CHECK_STR(meta_str(t->meta, "note"), "x");
        CHECK_STR(meta_str(t->meta, "note#2"), "y");
        CHECK_INT(t->role, PL_ROLE_USER);
    }
    t = turn_at(&g, 0, 1);
    if (t)
        CHECK_STR(t->timestamp, "2024-01-02T10:00:00");
    got_free(&g);

    /* "" turns a column found by its name off. */
    pl_read_opts_default(&o);
    o.dialogue_column = "";
    o.speaker_column = "";
    read_with(&g, PUT("opt/plain.csv", "conversation_id,speaker,text,label\n"
                      "k,agent,one,x\nk,agent,two,y\n"), &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_STR(dlg(&g, 1)->id, "plain:1");
    CHECK_INT(dlg(&g, 1)->turns[0].role, PL_ROLE_USER);
    CHECK_STR(meta_str(dlg(&g, 1)->turns[0].meta, "conversation_id"), "k");
    CHECK_STR(meta_str(dlg(&g, 1)->turns[0].meta, "speaker"), "agent");
    got_free(&g);
}

/* A column named in the options but absent is a usage error that lists
 * the columns there are; so is one column named for two things. */
static void test_missing_columns(void)
{
    struct pl_read_opts o;
    const char *path = PUT("opt/m.csv", "id,who,what\n1,a,b\n");
    struct got g;

    pl_read_opts_default(&o);
    o.dialogue_column = "conversation";
    read_with(&g, path, &o);
    CHECK_INT(g.status, PL_ERR_USAGE);
    CHECK(has(g.err.message, "expected a column named \"conversation\" in "
              "the header, found \"id\", \"who\", \"what\""));
    CHECK_INT(g.err.line, 1);
    got_free(&g);
    pl_read_opts_default(&o);
    o.speaker_column = "who";
    o.text_column = "who";
    read_with(&g, path, &o);
    CHECK_INT(g.status, PL_ERR_USAGE);
    CHECK(has(g.err.message, "expected column \"who\" to be named by one "
              "column option, found it in two"));
    got_free(&g);
}

/* Which columns are text and label when no name says so. */
static void test_fallbacks(void)
{
    struct got g;

    read_with(&g, PUT("fb/two.csv", "question,answer_kind\nwhy,faq\n"),
              NULL);
    if (read_ok(&g)) {
        CHECK_STR(dlg(&g, 0)->turns[0].text, "why");
        CHECK_STR(dlg(&g, 0)->turns[0].intents[0], "faq");
    }
    got_free(&g);
    /* The second column is the speaker's, so there is no label. */
    read_with(&g, PUT("fb/three.csv", "message,sender,extra\nhey,bot,1\n"),
              NULL);
    if (read_ok(&g)) {
        CHECK_INT(dlg(&g, 0)->turns[0].n_intents, 0);
        CHECK_INT(dlg(&g, 0)->turns[0].role, PL_ROLE_AGENT);
        CHECK_STR(meta_str(dlg(&g, 0)->turns[0].meta, "extra"), "1");
    }
    got_free(&g);
}

/* ---- rows that do not fit ---------------------------------------------- */

static void test_interleaved(void)
{
    struct pl_read_opts o;
    struct got g;

    read_with(&g, PUT("rows/mixed.csv",
                      "dialogue_id,speaker,text\n"
                      "a,user,1\nb,user,2\na,user,3\n,user,no id\n"
                      "b,user,4\na,user,5\nb,agent,6\na,user,7\nb,user,8\n"
                      "a,user,9\n"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 9);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "mixed.csv:5:1: expected a dialogue id in column "
              "\"dialogue_id\", found an empty field"));
    CHECK_STR(dlg(&g, 2)->id, "a#2");
    CHECK_STR(dlg(&g, 3)->id, "b#2");
    CHECK_STR(dlg(&g, 8)->id, "a#5");
    CHECK_INT(dlg(&g, 8)->origin.index, 8);
    CHECK(has(log_seen, "mixed.csv:4:1: dialogue \"a\" comes back after other "
              "rows; read as a new dialogue \"a#2\" (rows of a dialogue "
              "must be together)"));
    CHECK(has(log_seen, "mixed.csv: 2 more dialogues that came back or were "
              "cut (the first 5 are shown)"));
    got_free(&g);

    pl_read_opts_default(&o);
    o.max_record_bytes = 24;
    read_with(&g, PUT("rows/long.csv", "conversation_id,text\n"
                      "x,first line\nx,second line\nx,third\ny,other\n"), &o);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 3);
    CHECK_STR(dlg(&g, 0)->id, "x");
    CHECK_INT(dlg(&g, 0)->n_turns, 1);
    CHECK_STR(dlg(&g, 1)->id, "x#2");
    CHECK_INT(dlg(&g, 1)->n_turns, 2);
    CHECK(has(log_seen, "long.csv:3:1: dialogue \"x\" is longer than "
              "max_record_bytes (24); continued as \"x#2\""));
    got_free(&g);
}

/* ---- timestamps --------------------------------------------------------- */

static const struct {
    const char *in, *iso;   /* iso NULL: kept as it is in meta */
} times[] = {
    { "2024-03-05T14:03:00Z", "2024-03-05T14:03:00Z" },
    { "2024-03-05t14:03z", "2024-03-05T14:03:00Z" },
    { "2024-03-05 14:03", "2024-03-05T14:03:00" },
    { "2024/03/05 14:03:59", "2024-03-05T14:03:59" },
    { "2024-03-05T14:03:00.123456+01:00", "2024-03-05T14:03:00.123456+01:00"},
    { "2024-03-05 14:03:00,5 +0530", "2024-03-05T14:03:00.5+05:30" },
    { "2024-03-05T23:59:60-08", "2024-03-05T23:59:60-08:00" },
    { "2024-02-29", "2024-02-29" },
    { "1709647380", "2024-03-05T14:03:00Z" },
    { "999999999", "2001-09-09T01:46:39Z" },
    { "1709647380123", "2024-03-05T14:03:00.123Z" },
    { "2023-02-29", NULL },
    { "2024-13-01 10:00", NULL },
    { "2024-03-05 24:00", NULL },
    { "2024-03-05 14:3", NULL },
    { "05/03/2024 14:03", NULL },
    { "2024-03-05T14:03:00+1", NULL },
    { "2024-03-05T14:03:00 UTC", NULL },
    { "12345", NULL },
    { "17096473801", NULL },
    { "1709647380123.5", NULL },
    { "yesterday", NULL },
};

static void test_timestamps(void)
{
    size_t n = sizeof times / sizeof times[0];
    char data[4096] = "text,timestamp\n";
    const struct pl_turn *t;
    struct got g;

    for (size_t i = 0; i < n; i++)
        snprintf(data + strlen(data), sizeof data - strlen(data),
                 "row %zu,\"%s\"\n", i, times[i].in);
    read_with(&g, put_file("ts/times.csv", data, strlen(data)), NULL);
    if (!read_ok(&g) || !CHECK_INT(g.c->n_dialogues, n))
        return;
    for (size_t i = 0; i < n; i++) {
        t = &g.c->dialogues[i].turns[0];
        if (times[i].iso) {
            if (!CHECK_STR(t->timestamp, times[i].iso))
                fprintf(stderr, "  from \"%s\"\n", times[i].in);
        } else if (!CHECK(t->timestamp == NULL) ||
                   !CHECK_STR(meta_str(t->meta, "timestamp"), times[i].in)) {
            fprintf(stderr, "  \"%s\" read as %s\n", times[i].in,
                    t->timestamp);
        }
    }
    CHECK(has(log_seen, "times.csv:13:1: expected a timestamp in column "
              "\"timestamp\" (ISO 8601, YYYY-MM-DD HH:MM[:SS] or Unix time), "
              "found \"2023-02-29\"; kept in meta"));
    CHECK(has(log_seen, "times.csv: 6 more unreadable timestamps"));
    check_round_trip(g.c);
    got_free(&g);
}

/* ---- the shared cases ---------------------------------------------------- */

/* Case 25 with the same bytes, then as a chat log with a dialogue
 * column: quoted line breaks stay in the text, CR LF ends records, the
 * unclosed quote is reported where it opened. */
static void test_case25(void)
{
    struct got g;

    read_with(&g, PUT("c25/case25.csv", "text,intent\r\n"
                      "\"Hi,\nI need to move my booking\",change_booking\r\n"
                      "\"She said \"\"ok\"\" and left\",other\r\n"
                      "bye,goodbye\r\n"
                      "\"unterminated,oops\r\n"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 3);
    CHECK_INT(g.st.rejected, 1);
    CHECK_STR(dlg(&g, 0)->turns[0].text, "Hi,\nI need to move my booking");
    CHECK_STR(dlg(&g, 0)->turns[0].intents[0], "change_booking");
    CHECK_STR(dlg(&g, 1)->turns[0].text, "She said \"ok\" and left");
    CHECK_STR(dlg(&g, 2)->turns[0].intents[0], "goodbye");
    CHECK(has(g.rej[0], "case25.csv:6:1: expected a closing '\"' for the "
              "field opened here"));
    got_free(&g);

    read_with(&g, PUT("c25/chat.csv", "chat_id,from,text,intent\r\n"
                      "7,customer,\"Hi,\nI need to move my booking\","
                      "change_booking\r\n"
                      "7,agent,\"She said \"\"ok\"\" and left\",\r\n"
                      "8,customer,bye,goodbye\r\n"
                      "8,customer,\"unterminated,oops\r\n"), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 1);
    CHECK_INT(dlg(&g, 0)->n_turns, 2);
    CHECK_STR(dlg(&g, 0)->turns[0].text, "Hi,\nI need to move my booking");
    CHECK_STR(dlg(&g, 0)->turns[1].text, "She said \"ok\" and left");
    CHECK_INT(dlg(&g, 0)->turns[1].origin.line, 4);
    CHECK_STR(dlg(&g, 1)->turns[0].text, "bye");
    CHECK(has(g.rej[0], "chat.csv:6:12: expected a closing '\"' for the "
              "field opened here"));
    got_free(&g);
}

/* Case 18: a BOM does not stick to the first column's name. */
static void test_bom(void)
{
    struct pl_read_opts o;
    struct got g;

    pl_read_opts_default(&o);
    o.dialogue_column = "thread";
    read_with(&g, PUT("bom/b.csv", "\xEF\xBB\xBFthread,text\nt1,hi\n"), &o);
    if (read_ok(&g))
        CHECK_STR(dlg(&g, 0)->id, "t1");
    got_free(&g);
}

int main(void)
{
    tmp_setup();
    test_chat_log();
    test_chat_tsv();
    test_named_columns();
    test_missing_columns();
    test_fallbacks();
    test_interleaved();
    test_timestamps();
    test_case25();
    test_bom();
    tmp_cleanup();
    return check_done("test_fmt_table");
}
