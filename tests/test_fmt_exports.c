/*
 * Chat exports and transcripts: "Speaker: text" transcripts, WhatsApp
 * text exports in several locales, IRC logs, Telegram, Slack and Discord
 * JSON exports, written here as a user would have them (none are in
 * ../shared/corpora), plus damaged copies: bad dates, truncated lines,
 * invalid UTF-8, CRLF, a BOM, broken JSON. Case 11 (U+202F before
 * AM/PM) and case 18 (BOM before a transcript) from ../shared/cases.
 * Also the derived gap_seconds / speaker_change metadata, dialogue
 * boundaries on silences and sizes, sniffing that leaves prose and
 * key-value files alone, and byte-identical unified round trips.
 */
#define TMP_NAME "parlance-exp"
#include "read_util.h"
#include <unistd.h>

#include "export_impl.h"

#define NNBSP "\xE2\x80\xAF"
#define NBSP "\xC2\xA0"
#define THIN "\xE2\x80\x89"
#define LRM "\xE2\x80\x8E"
#define BOM "\xEF\xBB\xBF"

/* Turn k counted across all dialogues, or NULL. */
static struct pl_turn *nth_turn(const struct got *g, size_t k)
{
    for (size_t i = 0; g->c && i < g->c->n_dialogues; i++) {
        if (k < g->c->dialogues[i].n_turns)
            return &g->c->dialogues[i].turns[k];
        k -= g->c->dialogues[i].n_turns;
    }
    return NULL;
}

static size_t all_turns(const struct got *g)
{
    size_t n = 0;

    for (size_t i = 0; g->c && i < g->c->n_dialogues; i++)
        n += g->c->dialogues[i].n_turns;
    return n;
}

static long long meta_int(const json_t *meta, const char *key)
{
    json_t *v = json_object_get(meta, key);

    return json_is_integer(v) ? (long long)json_integer_value(v) : -999;
}

static int meta_true(const json_t *meta, const char *key)
{
    return json_is_true(json_object_get(meta, key));
}

/* Every dialogue writes, reads back and writes again to the same bytes. */
static void got_round_trip(const struct got *g)
{
    for (size_t i = 0; g->c && i < g->c->n_dialogues; i++) {
        char *one = pl_dialogue_to_json(&g->c->dialogues[i]), *two = NULL;
        json_t *j = one ? json_loads(one, 0, NULL) : NULL;
        struct pl_dialogue back;

        if (!CHECK(j != NULL) ||
            !CHECK_INT(pl_dialogue_from_json(&back, j, "rt", 1, NULL),
                       PL_OK)) {
            free(one);
            json_decref(j);
            continue;
        }
        two = pl_dialogue_to_json(&back);
        CHECK_STR(two, one);
        free(one);
        free(two);
        json_decref(j);
        pl_dialogue_fini(&back);
    }
}

/* ---- transcripts ----------------------------------------------------- */

static const char transcript[] =
    "Customer: Hi, my internet has been dropping every few minutes since "
    "this morning.\n"
    "Agent: Sorry to hear that. Which router do you have?\n"
    "Customer: The white one you sent last year, HomeHub 3 I think.\n"
    "Agent: Thanks. Please try this:\n"
    "1. Unplug the router for 30 seconds.\n"
    "2. Plug it back in and wait for the light to turn blue.\n"
    "Customer: ok doing it now\n"
    "Customer: the light is blue now and it seems stable\n"
    "Agent: Great! Anything else I can help with?\n"
    "\n"
    "\n"
    "[23:58] User: can I change my delivery address?\n"
    "[23:58] Bot: Sure. What's the order number?\n"
    "[23:59] User:\n"
    "A-20931\n"
    "[00:01:30] Bot: Thanks, I've opened the address form for A-20931.\n"
    "[00:02] Dana (supervisor): all good here\n";

static void test_transcript(void)
{
    struct got g;
    struct pl_dialogue *d;
    struct pl_turn *t;

    read_with(&g, PUT("tr/support.txt", transcript), NULL);
    if (!read_ok(&g))
        return;
    CHECK_STR(g.c->format, "transcript");
    CHECK_INT(g.c->n_dialogues, 2);
    CHECK_INT(g.st.rejected, 0);
    d = &g.c->dialogues[0];
    CHECK_STR(d->id, "support:0");
    CHECK_STR(d->corpus, "support");
    CHECK_INT(d->n_turns, 7);
    CHECK_STR(d->turns[0].speaker, "Customer");
    CHECK_INT(d->turns[0].role, PL_ROLE_USER);
    CHECK_INT(d->turns[1].role, PL_ROLE_AGENT);
    CHECK_STR(d->turns[3].text, "Thanks. Please try this:\n"
              "1. Unplug the router for 30 seconds.\n"
              "2. Plug it back in and wait for the light to turn blue.");
    CHECK_INT(d->turns[4].origin.line, 7);
    CHECK(d->turns[0].timestamp == NULL);
    /* No timestamps in the first dialogue: nothing derived. */
    CHECK(json_object_get(d->turns[1].meta, "speaker_change") == NULL);
    d = &g.c->dialogues[1];
    CHECK_STR(d->id, "support:1");
    CHECK_INT(d->origin.line, 12);
    CHECK_INT(d->n_turns, 5);
    CHECK_STR(d->turns[0].timestamp, "23:58:00");
    CHECK_STR(d->turns[2].text, "A-20931");
    CHECK_STR(d->turns[3].timestamp, "00:01:30");
    /* Times of day wrap past midnight. */
    CHECK_INT(meta_int(d->turns[3].meta, "gap_seconds"), 150);
    CHECK_INT(meta_int(d->turns[1].meta, "gap_seconds"), 0);
    CHECK(meta_true(d->turns[1].meta, "speaker_change"));
    t = &d->turns[4];
    CHECK_STR(t->speaker, "Dana (supervisor)");
    CHECK_INT(t->role, PL_ROLE_OTHER);
    CHECK(json_object_get(d->turns[0].meta, "gap_seconds") == NULL);
    got_round_trip(&g);
    got_free(&g);
}

/* Case 18: a BOM before "Dana: hi"; CRLF line ends change nothing. */
static void test_transcript_bom_crlf(void)
{
    struct got g;

    read_with(&g, PUT("tr/c.txt", BOM "Dana: hi\nOmar: hey\n"), NULL);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 2)) {
        CHECK_STR(g.c->format, "transcript");
        CHECK_STR(nth_turn(&g, 0)->speaker, "Dana");
        CHECK_STR(nth_turn(&g, 1)->text, "hey");
    }
    got_free(&g);
    read_with(&g, PUT("tr/crlf.txt", "User: one\r\ntwo\r\nAgent: three\r\n"
                      "User: ok\r\n\r\nUser: four\r\n"), NULL);
    if (read_ok(&g) && CHECK_INT(g.c->n_dialogues, 2)) {
        CHECK_STR(g.c->format, "transcript");
        CHECK_STR(nth_turn(&g, 0)->text, "one\ntwo");
        CHECK_STR(nth_turn(&g, 1)->text, "three");
        CHECK_STR(nth_turn(&g, 3)->text, "four");
    }
    got_free(&g);
}

static void test_transcript_damaged(void)
{
    struct got g;
    struct pl_read_opts o;

    /* A dialogue that starts without a speaker, a time out of range,
     * invalid UTF-8 (repaired by default). */
    PUT("tr/bad.txt", "User: hello\nAgent: hi\n\n"
        "this line has no speaker\nUser: where is it\nAgent: on its way\n"
        "[25:61] User: what time is it\nAgent: late\n"
        "User: caf\xE9 au lait\n");
    read_with(&g, tpath("tr/bad.txt"), NULL);
    if (read_ok(&g)) {
        CHECK_INT(g.st.rejected, 2);
        CHECK(has(g.rej[0], "tr/bad.txt:4:1: expected a 'Speaker: text' "
                  "line to start a dialogue, found \"this line has no "
                  "speaker\""));
        CHECK(has(g.rej[1], "tr/bad.txt:7:2: expected a valid time, found "
                  "\"25:61\""));
        CHECK_INT(g.st.utf8_repaired, 1);
        CHECK_INT(all_turns(&g), 6);
        CHECK_STR(nth_turn(&g, 5)->text, "caf" FFFD " au lait");
    }
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, tpath("tr/bad.txt"), &o);
    if (read_ok(&g)) {
        CHECK_INT(g.st.rejected, 3);
        CHECK(has(g.rej[2], "tr/bad.txt:9:10: expected valid UTF-8, found "
                  "byte 0xE9"));
        CHECK_INT(all_turns(&g), 5);
    }
    got_free(&g);
    o.utf8 = PL_UTF8_REPAIR;
    o.strict = 1;
    read_with(&g, tpath("tr/bad.txt"), &o);
    CHECK_INT(g.status, PL_ERR_PARSE);
    CHECK(has(g.err.message, "expected a 'Speaker: text' line"));
    CHECK_INT(g.err.line, 4);
    got_free(&g);
}

static void test_transcript_roles(void)
{
    struct got g;
    struct pl_read_opts o;

    /* Five speakers in six lines: too many to be sure, so forced. */
    PUT("tr/names.txt", "Dana: my card was declined\n"
        "Acme Support: sorry, let me check\nDana: thanks\n"
        "HelpBot: I can help too\nUser 2: me too\nAI: hello\n");
    CHECK_INT(pl_format_sniff(tpath("tr/names.txt"), &g.err), PL_FMT_AUTO);
    pl_read_opts_default(&o);
    o.format = PL_FMT_TRANSCRIPT;
    read_with(&g, tpath("tr/names.txt"), &o);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 6)) {
        CHECK_INT(nth_turn(&g, 0)->role, PL_ROLE_OTHER);
        CHECK_INT(nth_turn(&g, 1)->role, PL_ROLE_AGENT);
        CHECK_INT(nth_turn(&g, 3)->role, PL_ROLE_AGENT);
        CHECK_INT(nth_turn(&g, 4)->role, PL_ROLE_USER);
        CHECK_INT(nth_turn(&g, 5)->role, PL_ROLE_AGENT);
    }
    got_free(&g);
    o.speaker_roles = "dana = user, HelpBot=other,*=agent";
    read_with(&g, tpath("tr/names.txt"), &o);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 6)) {
        CHECK_INT(nth_turn(&g, 0)->role, PL_ROLE_USER);
        CHECK_STR(nth_turn(&g, 0)->speaker, "Dana");
        CHECK_INT(nth_turn(&g, 3)->role, PL_ROLE_OTHER);
        CHECK_INT(nth_turn(&g, 4)->role, PL_ROLE_AGENT);
    }
    got_free(&g);
}

/* ---- WhatsApp ---------------------------------------------------------- */

/* Case 11, with the space before AM/PM given as sp. */
static void case11_with(const char *sp, const char *name)
{
    char buf[600];
    struct got g;
    struct pl_read_opts o;
    static const char *const want[][3] = {
        { "2024-03-14T21:05:00", "Dana Reyes", "running late" },
        { "2024-03-14T21:07:00", "Omar Haddad", "ok, see you" },
        { "2024-03-15T00:10:00", "Dana Reyes", "home now" },
        { "2024-03-15T12:20:05", "Omar Haddad", "lunch?" },
    };
    int n = snprintf(buf, sizeof buf,
                     "3/14/24, 9:05%sPM - Dana Reyes: running late\n"
                     "3/14/24, 9:07%sPM - Omar Haddad: ok, see you\n"
                     "3/15/24, 12:10%sAM - Dana Reyes: home now\n"
                     "[3/15/24, 12:20:05%sPM] Omar Haddad: lunch?\n",
                     sp, sp, sp, sp);

    CHECK_INT(pl_format_sniff(put_file(name, buf, (size_t)n), &g.err),
              PL_FMT_WHATSAPP);
    pl_read_opts_default(&o);
    o.split_gap_minutes = -1;
    read_with(&g, tpath(name), &o);
    if (!read_ok(&g) || !CHECK_INT(g.c->n_dialogues, 1) ||
        !CHECK_INT(all_turns(&g), 4))
        goto done;
    for (size_t i = 0; i < 4; i++) {
        struct pl_turn *t = nth_turn(&g, i);

        CHECK_STR(t->timestamp, want[i][0]);
        CHECK_STR(t->speaker, want[i][1]);
        CHECK_STR(t->text, want[i][2]);
        CHECK(strstr(t->text, NNBSP) == NULL);
    }
    CHECK_STR(meta_str(g.c->dialogues[0].meta, "date_order"), "MDY");
    CHECK(json_object_get(g.c->dialogues[0].meta, "date_order_guessed") ==
          NULL);
    CHECK_INT(meta_int(nth_turn(&g, 2)->meta, "gap_seconds"), 10980);
    CHECK(meta_true(nth_turn(&g, 1)->meta, "speaker_change"));
    got_round_trip(&g);
done:
    got_free(&g);
}

static void test_whatsapp_case11(void)
{
    struct got g;
    struct pl_read_opts o;

    case11_with(NNBSP, "wa/case11.txt");
    case11_with(" ", "wa/case11-space.txt");
    case11_with(NBSP, "wa/case11-nbsp.txt");
    case11_with(THIN, "wa/case11-thin.txt");
    /* The default six-hour rule splits the 12-hour silence. */
    read_with(&g, tpath("wa/case11.txt"), NULL);
    if (read_ok(&g) && CHECK_INT(g.c->n_dialogues, 2)) {
        CHECK_INT(g.c->dialogues[0].n_turns, 3);
        CHECK_STR(g.c->dialogues[1].id, "case11:1");
        CHECK_STR(meta_str(g.c->dialogues[1].meta, "boundary"), "silence");
        CHECK(json_object_get(g.c->dialogues[0].meta, "boundary") == NULL);
    }
    got_free(&g);
    /* No header at all: every line is an error, never an empty chat. */
    pl_read_opts_default(&o);
    o.format = PL_FMT_WHATSAPP;
    read_with(&g, PUT("wa/none.txt", "just some notes\nabout a trip\n"), &o);
    if (read_ok(&g)) {
        CHECK_INT(g.st.kept, 0);
        CHECK_INT(g.st.rejected, 2);
        CHECK(has(g.rej[0], "wa/none.txt:1:1: expected a WhatsApp message "
                  "header"));
    }
    got_free(&g);
    o.strict = 1;
    read_with(&g, tpath("wa/none.txt"), &o);
    CHECK_INT(g.status, PL_ERR_PARSE);
    got_free(&g);
}

static const char wa_ios[] =
    LRM "[12/03/2024, 09:58:12] Lisbon trip: " LRM "Messages and calls are "
    "end-to-end encrypted. No one outside of this chat, not even WhatsApp, "
    "can read or listen to them.\r\n"
    "[12/03/2024, 10:15:03] Dana Reyes: Flights are booked!\r\n"
    "Departure 07:40 from gate B\r\n"
    "\r\n"
    "Bring snacks\r\n"
    LRM "[12/03/2024, 10:16:40] Omar Haddad: " LRM "image omitted\r\n"
    LRM "[12/03/2024, 10:16:58] Omar Haddad: " LRM "<attached: "
    "00000012-PHOTO-2024-03-12-10-16-58.jpg>\r\n"
    "[13/03/2024, 08:02:55] Omar Haddad: This message was deleted\r\n"
    "[13/03/2024, 08:03:10] Dana Reyes: see you at 7 <This message was "
    "edited>\r\n";

static void test_whatsapp_ios(void)
{
    struct got g;
    struct pl_turn *t;

    char buf[sizeof wa_ios + 3];

    memcpy(buf, BOM, 3);
    memcpy(buf + 3, wa_ios, sizeof wa_ios);
    read_with(&g, put_file("wa/ios.txt", buf, sizeof buf - 1), NULL);
    if (!read_ok(&g) || !CHECK_INT(all_turns(&g), 6))
        goto done;
    CHECK_STR(g.c->format, "whatsapp");
    CHECK_INT(g.c->n_dialogues, 2);
    CHECK_STR(meta_str(g.c->dialogues[0].meta, "date_order"), "DMY");
    t = nth_turn(&g, 0);
    CHECK_INT(t->role, PL_ROLE_SYSTEM);
    CHECK_STR(meta_str(t->meta, "event"), "encryption");
    CHECK_STR(t->timestamp, "2024-03-12T09:58:12");
    t = nth_turn(&g, 1);
    CHECK_STR(t->speaker, "Dana Reyes");
    CHECK_INT(t->role, PL_ROLE_OTHER);
    CHECK_STR(t->text, "Flights are booked!\nDeparture 07:40 from gate B\n"
              "\nBring snacks");
    CHECK_INT(meta_int(t->meta, "gap_seconds"), 1011);
    t = nth_turn(&g, 2);
    CHECK_STR(t->speaker, "Omar Haddad");
    CHECK_INT(t->origin.line, 6);
    CHECK_STR(meta_str(t->meta, "media"), "image");
    CHECK_STR(meta_str(nth_turn(&g, 3)->meta, "media"), "attached");
    CHECK(meta_true(nth_turn(&g, 4)->meta, "deleted"));
    CHECK(meta_true(nth_turn(&g, 5)->meta, "edited"));
    got_round_trip(&g);
done:
    got_free(&g);
}

static const char wa_android_de[] =
    "12.03.24, 09:58 - Nachrichten und Anrufe sind "
    "Ende-zu-Ende-verschl\xC3\xBCsselt.\n"
    "12.03.24, 10:15 - Lena: Wer bringt den Kuchen mit?\n"
    "12.03.24, 10:16 - Jonas: Ich!\n"
    "12.03.24, 10:17 - Jonas: <Medien ausgeschlossen>\n"
    "12.03.24, 10:20 - Pia joined using this group's invite link\n"
    "31.02.24, 10:21 - Lena: Datum kaputt\n"
    "fortgesetzt\n"
    "12.03.24, 10:22 - Lena changed the subject from \"Kuchen\" to "
    "\"Kuchen: Teil 2\"\n"
    "29.02.23, 10:23 - Lena: kein Schalttag\n"
    "29.02.24, 10:24 - Lena: Schalttag\n"
    "13.03.24, 10:2";

static void test_whatsapp_android(void)
{
    struct got g;
    struct pl_turn *t;

    read_with(&g, PUT("wa/de.txt", wa_android_de), NULL);
    if (!read_ok(&g))
        return;
    CHECK_INT(g.st.rejected, 2);
    CHECK(has(g.rej[0], "wa/de.txt:6:1: expected a valid date and time "
              "(DMY), found \"31.02.24, 10:21\""));
    CHECK(has(g.raw[0], "Datum kaputt\nfortgesetzt\n"));
    CHECK(has(g.rej[1], "wa/de.txt:9:1: expected a valid date"));
    if (!CHECK_INT(all_turns(&g), 7))
        goto done;
    t = nth_turn(&g, 0);
    CHECK_INT(t->role, PL_ROLE_SYSTEM);
    CHECK_STR(t->speaker, "");
    CHECK_STR(meta_str(t->meta, "event"), "notice");
    CHECK_STR(meta_str(nth_turn(&g, 3)->meta, "media"), "omitted");
    t = nth_turn(&g, 4);
    CHECK_INT(t->role, PL_ROLE_SYSTEM);
    CHECK_STR(meta_str(t->meta, "event"), "join");
    t = nth_turn(&g, 5);
    CHECK_INT(t->role, PL_ROLE_SYSTEM);
    CHECK_STR(t->text, "Lena changed the subject from \"Kuchen\" to "
              "\"Kuchen: Teil 2\"");
    CHECK_STR(meta_str(t->meta, "event"), "subject");
    CHECK_STR(nth_turn(&g, 6)->timestamp, "2024-02-29T10:24:00");
    /* A line cut short is text of the message above it. */
    CHECK_STR(nth_turn(&g, 6)->text, "Schalttag\n13.03.24, 10:2");
done:
    got_free(&g);
}

static char last_warning[600];

static void keep_warning(enum pl_log_level lvl, const char *msg, void *ctx)
{
    (void)ctx;
    if (lvl == PL_LOG_WARN)
        snprintf(last_warning, sizeof last_warning, "%s", msg);
}

static void test_whatsapp_clocks(void)
{
    struct got g;
    struct pl_read_opts o;

    /* Spanish: "p. m." with a no-break space inside; day first. */
    read_with(&g, PUT("wa/es.txt",
                      "14/3/24, 9:05" NBSP "p." NBSP "m. - Ana: hola\n"
                      "14/3/24, 12:01" NBSP "a." NBSP "m. - Luis: tarde\n"
                      "15/3/24, 12:30" NBSP "p." NBSP "m. - Ana: comemos\n"),
              NULL);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 3)) {
        CHECK_STR(nth_turn(&g, 0)->timestamp, "2024-03-14T21:05:00");
        CHECK_STR(nth_turn(&g, 1)->timestamp, "2024-03-14T00:01:00");
        CHECK_STR(nth_turn(&g, 2)->timestamp, "2024-03-15T12:30:00");
    }
    got_free(&g);
    /* Year first; "am"/"pm" in lower case (India). */
    read_with(&g, PUT("wa/ymd.txt",
                      "2024-03-14 21:05 - Sara: hej\n"
                      "2024-03-14 21:06 - Nils: hej hej\n"), NULL);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 2)) {
        CHECK_STR(nth_turn(&g, 1)->timestamp, "2024-03-14T21:06:00");
        CHECK_STR(meta_str(g.c->dialogues[0].meta, "date_order"), "YMD");
    }
    got_free(&g);
    /* Nothing above 12: a guess, said in the meta; capitals AM/PM
     * suggest the US order, lower case the day-first one. */
    PUT("wa/us.txt", "3/4/24, 9:05 AM - Kim: hi\n3/4/24, 9:06 AM - Lee: "
        "hey\n");
    log_on = 1; /* keep this handler through read_with */
    pl_log_set(keep_warning, NULL, PL_LOG_WARN);
    read_with(&g, tpath("wa/us.txt"), NULL);
    pl_log_set(NULL, NULL, PL_LOG_ERROR);
    log_on = 0;
    CHECK(has(last_warning, "wa/us.txt: no date tells day from month; "
              "read as month/day"));
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 2)) {
        CHECK_STR(nth_turn(&g, 0)->timestamp, "2024-03-04T09:05:00");
        CHECK(meta_true(g.c->dialogues[0].meta, "date_order_guessed"));
        CHECK_STR(meta_str(g.c->dialogues[0].meta, "date_order"), "MDY");
    }
    got_free(&g);
    read_with(&g, PUT("wa/in.txt", "3/4/24, 9:05 am - Ravi: hi\n"
                      "3/4/24, 9:06 pm - Asha: hey\n"), NULL);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 2)) {
        CHECK_STR(nth_turn(&g, 0)->timestamp, "2024-04-03T09:05:00");
        CHECK_STR(nth_turn(&g, 1)->timestamp, "2024-04-03T21:06:00");
        CHECK(meta_true(g.c->dialogues[0].meta, "date_order_guessed"));
    }
    got_free(&g);
    /* The option decides. */
    pl_read_opts_default(&o);
    o.date_order = "dmy";
    read_with(&g, tpath("wa/us.txt"), &o);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 2)) {
        CHECK_STR(nth_turn(&g, 0)->timestamp, "2024-04-03T09:05:00");
        CHECK(json_object_get(g.c->dialogues[0].meta,
                              "date_order_guessed") == NULL);
    }
    got_free(&g);
    /* Day first decided by a late line; 0 AM is no time. */
    read_with(&g, PUT("wa/late.txt", "01/02/2024, 10:00 - A: x\n"
                      "02/02/2024, 10:00 - B: y\n"
                      "20/02/2024, 10:00 - A: z\n"
                      "21/02/2024, 0:30 AM - B: w\n"), NULL);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 3)) {
        CHECK_STR(nth_turn(&g, 0)->timestamp, "2024-02-01T10:00:00");
        CHECK_INT(g.st.rejected, 1);
    }
    got_free(&g);
}

static void test_whatsapp_utf8(void)
{
    struct got g;
    struct pl_read_opts o;

    PUT("wa/bad.txt", "12/03/2024, 10:15 - Dana: caf\xE9\n"
        "and more\n12/03/2024, 10:16 - Omar: fine\n");
    read_with(&g, tpath("wa/bad.txt"), NULL);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 2)) {
        CHECK_STR(nth_turn(&g, 0)->text, "caf" FFFD "\nand more");
        CHECK_INT(g.st.utf8_repaired, 1);
    }
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, tpath("wa/bad.txt"), &o);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 1)) {
        CHECK_STR(nth_turn(&g, 0)->text, "fine");
        CHECK(has(g.rej[0], "wa/bad.txt:1:30: expected valid UTF-8"));
        CHECK(has(g.raw[0], "and more\n"));
    }
    got_free(&g);
}

/* ---- IRC ---------------------------------------------------------------- */

static const char irssi[] =
    "--- Log opened Tue Mar 12 10:00:00 2024\n"
    "10:01 <dana> has anyone tried the 2.4 release?\n"
    "10:01 <@omar> yes, works here\n"
    "10:02  * dana waves\n"
    "10:03 -!- lee [~lee@host.example] has joined #help\n"
    "10:04 -!- omar is now known as omar_away\n"
    "10:05 < lee> hi all\n"
    "10:06 -NickServ- This nickname is registered.\n"
    "--- Day changed Wed Mar 13 2024\n"
    "09:10 <dana> morning\n"
    "09:11 -!- dana [~dana@host] has quit [Quit: bye]\n"
    "--- Log closed Wed Mar 13 09:12:00 2024\n";

static void test_irc_irssi(void)
{
    struct got g;
    struct pl_turn *t;

    read_with(&g, PUT("irc/help.log", irssi), NULL);
    if (!read_ok(&g) || !CHECK_INT(all_turns(&g), 9))
        goto done;
    CHECK_STR(g.c->format, "irc");
    CHECK_INT(g.st.rejected, 0);
    CHECK_INT(g.c->n_dialogues, 2);
    t = nth_turn(&g, 0);
    CHECK_STR(t->speaker, "dana");
    CHECK_STR(t->text, "has anyone tried the 2.4 release?");
    CHECK_STR(t->timestamp, "2024-03-12T10:01:00");
    CHECK_INT(t->origin.line, 2);
    t = nth_turn(&g, 1);
    CHECK_STR(t->speaker, "omar");
    CHECK_STR(meta_str(t->extra, "mode"), "@");
    t = nth_turn(&g, 2);
    CHECK_STR(t->text, "waves");
    CHECK(meta_true(t->meta, "action"));
    t = nth_turn(&g, 3);
    CHECK_INT(t->role, PL_ROLE_SYSTEM);
    CHECK_STR(t->speaker, "");
    CHECK_STR(meta_str(t->meta, "event"), "join");
    CHECK_STR(meta_str(t->meta, "nick"), "lee");
    CHECK_STR(t->text, "lee [~lee@host.example] has joined #help");
    CHECK_STR(meta_str(nth_turn(&g, 4)->meta, "event"), "nick");
    CHECK_STR(nth_turn(&g, 5)->speaker, "lee");
    t = nth_turn(&g, 6);
    CHECK_STR(t->speaker, "NickServ");
    CHECK(meta_true(t->meta, "notice"));
    t = nth_turn(&g, 7);
    CHECK_STR(t->timestamp, "2024-03-13T09:10:00");
    CHECK_STR(meta_str(g.c->dialogues[1].meta, "boundary"), "silence");
    CHECK_STR(meta_str(nth_turn(&g, 8)->meta, "event"), "quit");
    got_round_trip(&g);
done:
    got_free(&g);
}

static void test_irc_variants(void)
{
    struct got g;
    struct pl_read_opts o;

    /* ZNC/mIRC: bracketed times with seconds, no date; a line that is
     * not IRC and a time out of range are rejected one by one. */
    PUT("irc/znc.log", "[23:59:01] <ann> still up?\n"
        "[23:59:07] * bob yawns\n"
        "[23:59:09] *** Joins: cat (~cat@example.org)\n"
        "garbage line here\n"
        "[25:00:00] <bob> bad time\n"
        "[00:01:00] <cat> hi ann\n");
    read_with(&g, tpath("irc/znc.log"), NULL);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 4)) {
        CHECK_INT(g.st.rejected, 2);
        CHECK(has(g.rej[0], "irc/znc.log:4:1: expected an IRC log line"));
        CHECK(has(g.rej[0], "found \"garbage line here\""));
        CHECK(has(g.rej[1], "irc/znc.log:5:2: expected a valid time, found "
                  "\"25:00:00\""));
        CHECK_STR(nth_turn(&g, 0)->timestamp, "23:59:01");
        CHECK_STR(meta_str(nth_turn(&g, 2)->meta, "nick"), "cat");
        CHECK_STR(meta_str(nth_turn(&g, 2)->meta, "event"), "join");
        /* Across midnight: 111 seconds, one dialogue. */
        CHECK_INT(meta_int(nth_turn(&g, 3)->meta, "gap_seconds"), 111);
        CHECK_INT(g.c->n_dialogues, 1);
    }
    got_free(&g);
    /* WeeChat: tab-separated, full dates. */
    read_with(&g, PUT("irc/weechat.log",
                      "2024-03-12 10:05:00\tomar\tsee you\n"
                      "2024-03-12 10:05:10\t-->\tlee (~lee@host) has "
                      "joined #help\n"
                      "2024-03-12 10:05:20\t *\tlee waves\n"
                      "2024-03-12 10:05:30\t@omar\tbye\n"), NULL);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 4)) {
        CHECK_STR(nth_turn(&g, 0)->timestamp, "2024-03-12T10:05:00");
        CHECK_STR(meta_str(nth_turn(&g, 1)->meta, "event"), "join");
        CHECK_STR(nth_turn(&g, 2)->speaker, "lee");
        CHECK_STR(nth_turn(&g, 2)->text, "waves");
        CHECK_STR(nth_turn(&g, 3)->speaker, "omar");
    }
    got_free(&g);
    /* Splitting can be switched off; CRLF and a BOM are fine. */
    pl_read_opts_default(&o);
    o.split_gap_minutes = -1;
    read_with(&g, PUT("irc/crlf.log", BOM "[2024-03-12 10:00] <a> one\r\n"
                      "[2024-03-14 10:00] <b> two\r\n"), &o);
    if (read_ok(&g) && CHECK_INT(g.c->n_dialogues, 1)) {
        CHECK_STR(nth_turn(&g, 1)->text, "two");
        CHECK_INT(meta_int(nth_turn(&g, 1)->meta, "gap_seconds"), 172800);
    }
    got_free(&g);
    o.split_gap_minutes = 60 * 24;
    read_with(&g, tpath("irc/crlf.log"), &o);
    if (read_ok(&g))
        CHECK_INT(g.c->n_dialogues, 2);
    got_free(&g);
}

/* ---- Telegram ------------------------------------------------------------ */

static const char telegram[] =
    "{\n"
    " \"name\": \"Lisbon trip\",\n"
    " \"type\": \"private_group\",\n"
    " \"id\": 4471203,\n"
    " \"messages\": [\n"
    "  {\n"
    "   \"id\": 1,\n"
    "   \"type\": \"service\",\n"
    "   \"date\": \"2024-03-12T09:58:12\",\n"
    "   \"date_unixtime\": \"1710233892\",\n"
    "   \"actor\": \"Dana Reyes\",\n"
    "   \"actor_id\": \"user101\",\n"
    "   \"action\": \"create_group\",\n"
    "   \"title\": \"Lisbon trip\",\n"
    "   \"text\": \"\"\n"
    "  },\n"
    "  {\n"
    "   \"id\": 2,\n"
    "   \"type\": \"message\",\n"
    "   \"date\": \"2024-03-12T10:15:03\",\n"
    "   \"from\": \"Dana Reyes\",\n"
    "   \"from_id\": \"user101\",\n"
    "   \"text\": [\"Flights are booked, see \", {\"type\": \"link\", "
    "\"text\": \"https://example.com/b/123\"}, \" \", {\"type\": "
    "\"custom_emoji\", \"document_id\": \"5\"}],\n"
    "   \"text_entities\": [{\"type\": \"plain\", \"text\": \"Flights\"}]\n"
    "  },\n"
    "  {\n"
    "   \"id\": 3,\n"
    "   \"type\": \"message\",\n"
    "   \"date\": \"2024-03-12T10:16:40\",\n"
    "   \"edited\": \"2024-03-12T10:17:02\",\n"
    "   \"from\": \"Omar Haddad\",\n"
    "   \"from_id\": \"user202\",\n"
    "   \"reply_to_message_id\": 2,\n"
    "   \"photo\": \"photos/photo_1.jpg\",\n"
    "   \"text\": \"great, here's the hotel\"\n"
    "  },\n"
    "  {\"id\": 4, \"type\": \"message\", \"date\": \"2024-02-31T10:00:00\","
    " \"from\": \"Omar Haddad\", \"text\": \"bad date\"},\n"
    "  {\"id\": 5, \"type\": \"message\", \"date\": \"2024-03-12T10:18:00\","
    " \"from\": null, \"text\": 42},\n"
    "  \"not a message\",\n"
    "  {\"id\": 7, \"type\": \"message\", \"date_unixtime\": \"1710238800\","
    " \"from\": \"Deleted Account\", \"text\": \"caf\xE9\"}\n"
    " ]\n"
    "}\n";

static void test_telegram(void)
{
    struct got g;
    struct pl_read_opts o;
    struct pl_turn *t;
    struct pl_dialogue *d;

    read_with(&g, PUT("tg/result.json", telegram), NULL);
    if (!read_ok(&g) || !CHECK_INT(all_turns(&g), 4))
        goto done;
    CHECK_STR(g.c->format, "telegram");
    CHECK_INT(g.st.rejected, 3);
    CHECK(has(g.rej[0], "tg/result.json:37:3: expected \"date\" as an ISO "
              "8601 date and time, found \"2024-02-31T10:00:00\""));
    CHECK(has(g.rej[1], "tg/result.json:38:3: expected \"text\" as a string "
              "or an array of parts, found an integer"));
    CHECK(has(g.rej[2], "tg/result.json:39:3: expected a message object, "
              "found \"not a message\""));
    d = &g.c->dialogues[0];
    CHECK_STR(d->id, "result:4471203:0");
    CHECK_STR(meta_str(d->meta, "chat_name"), "Lisbon trip");
    CHECK_STR(meta_str(d->meta, "chat_type"), "private_group");
    CHECK_INT(meta_int(d->meta, "chat_id"), 4471203);
    t = nth_turn(&g, 0);
    CHECK_INT(t->role, PL_ROLE_SYSTEM);
    CHECK_STR(t->speaker, "Dana Reyes");
    CHECK_STR(meta_str(t->meta, "event"), "create_group");
    CHECK_STR(meta_str(t->meta, "from_id"), "user101");
    CHECK_STR(meta_str(t->extra, "title"), "Lisbon trip");
    CHECK_INT(t->origin.line, 6);
    CHECK_INT(t->origin.column, 3);
    t = nth_turn(&g, 1);
    CHECK_STR(t->text, "Flights are booked, see https://example.com/b/123 ");
    CHECK_INT(meta_int(t->meta, "non_text_parts"), 1);
    CHECK_INT(meta_int(t->meta, "message_id"), 2);
    CHECK(json_object_get(t->extra, "text_entities") != NULL);
    CHECK(json_object_get(t->extra, "text") == NULL);
    t = nth_turn(&g, 2);
    CHECK_INT(meta_int(t->meta, "reply_to"), 2);
    CHECK_STR(meta_str(t->meta, "media"), "photo");
    CHECK_STR(meta_str(t->extra, "edited"), "2024-03-12T10:17:02");
    CHECK_INT(meta_int(t->meta, "gap_seconds"), 97);
    t = nth_turn(&g, 3);
    CHECK_STR(t->timestamp, "2024-03-12T10:20:00Z");
    CHECK_STR(t->text, "caf" FFFD);
    got_round_trip(&g);
done:
    got_free(&g);
    pl_read_opts_default(&o);
    o.utf8 = PL_UTF8_REJECT;
    read_with(&g, tpath("tg/result.json"), &o);
    if (read_ok(&g)) {
        CHECK_INT(all_turns(&g), 3);
        CHECK(has(g.rej[3], "tg/result.json:40:102: expected valid UTF-8, "
                  "found byte 0xE9"));
    }
    got_free(&g);
}

static void test_telegram_broken(void)
{
    struct got g;
    char cut[sizeof telegram];
    size_t n = (size_t)(strstr(telegram, "\"id\": 3") - telegram) + 20;

    /* Cut inside the third message: the first two are kept, the rest is
     * one reject. */
    memcpy(cut, telegram, n);
    read_with(&g, put_file("tg/cut.json", cut, n), NULL);
    if (read_ok(&g)) {
        CHECK_INT(all_turns(&g), 2);
        CHECK_INT(g.st.rejected, 1);
        CHECK(has(g.rej[0], "tg/cut.json:28:12: expected a JSON value, "
                  "found end of file"));
    }
    got_free(&g);
    /* A whole-account export: chats in "chats" and "left_chats". */
    read_with(&g, PUT("tg/account.json",
                      "{\"about\": \"Here is the data you requested.\",\n"
                      " \"personal_information\": {\"first_name\": \"D\"},\n"
                      " \"chats\": {\"about\": \"x\", \"list\": [\n"
                      "  {\"name\": \"Omar\", \"type\": \"personal_chat\", "
                      "\"id\": 7, \"messages\": [{\"id\": 1, \"type\": "
                      "\"message\", \"date\": \"2024-03-12T10:00:00\", "
                      "\"from\": \"Omar\", \"text\": \"hi\"}]},\n"
                      "  {\"name\": \"Bank\", \"type\": \"bot_chat\", "
                      "\"id\": 8}\n"
                      " ]},\n"
                      " \"left_chats\": {\"list\": [{\"name\": \"Old\", "
                      "\"id\": 9, \"messages\": []}]}}\n"), NULL);
    if (read_ok(&g) && CHECK_INT(g.c->n_dialogues, 1)) {
        CHECK_STR(g.c->format, "telegram");
        CHECK_STR(g.c->dialogues[0].id, "account:7:0");
        CHECK_STR(nth_turn(&g, 0)->text, "hi");
        CHECK_INT(g.st.rejected, 1);
        CHECK(has(g.rej[0], "tg/account.json:5:3: expected a \"messages\" "
                  "array in the chat, found none"));
    }
    got_free(&g);
}

/* ---- Slack --------------------------------------------------------------- */

static const char slack_day[] =
    "[\n"
    "    {\n"
    "        \"type\": \"message\",\n"
    "        \"subtype\": \"channel_join\",\n"
    "        \"ts\": \"1710237600.000100\",\n"
    "        \"user\": \"U02BBB\",\n"
    "        \"text\": \"<@U02BBB> has joined the channel\"\n"
    "    },\n"
    "    {\n"
    "        \"client_msg_id\": \"a1b2\",\n"
    "        \"type\": \"message\",\n"
    "        \"text\": \"is the deploy done? <@U03BOT>\",\n"
    "        \"user\": \"U01AAA\",\n"
    "        \"ts\": \"1710238500.000200\",\n"
    "        \"thread_ts\": \"1710238500.000200\",\n"
    "        \"reply_count\": 1\n"
    "    },\n"
    "    {\"type\": \"message\", \"subtype\": \"bot_message\", \"text\": "
    "\"Deploy 2.4.1 finished\", \"ts\": \"1710238560.250200\", "
    "\"bot_id\": \"B01\", \"username\": \"deploybot\", \"thread_ts\": "
    "\"1710238500.000200\"},\n"
    "    {\"type\": \"message\", \"text\": \"thanks!\", \"user\": \"U02BBB\","
    " \"ts\": \"17102386x0.000400\"},\n"
    "    {\"type\": \"message\", \"text\": \"log attached\", \"user\": "
    "\"U02BBB\", \"ts\": \"1710238620.000500\", \"files\": [{\"id\": "
    "\"F1\"}]}\n"
    "]\n";

static void test_slack(void)
{
    struct got g;
    struct pl_turn *t;

    PUT("sl/acme-export/users.json",
        "[{\"id\": \"U01AAA\", \"name\": \"dana\", \"real_name\": \"Dana "
        "Reyes\", \"profile\": {\"display_name\": \"Dana\"}},\n"
        " {\"id\": \"U02BBB\", \"name\": \"omar\", \"profile\": "
        "{\"display_name\": \"\", \"real_name\": \"Omar Haddad\"}},\n"
        " {\"id\": \"U03BOT\", \"name\": \"ci\", \"is_bot\": true}]\n");
    PUT("sl/acme-export/channels.json",
        "[{\"id\": \"C01\", \"name\": \"general\", \"created\": 1700000000,"
        " \"members\": [\"U01AAA\", \"U02BBB\"]}]\n");
    PUT("sl/acme-export/general/2024-03-12.json", slack_day);
    PUT("sl/acme-export/random/2024-03-13.json",
        "[{\"type\": \"message\", \"user\": \"U03BOT\", \"text\": \"ping\", "
        "\"ts\": \"1710324000.000100\"},\n"
        " {\"type\": \"message\", \"subtype\": \"me_message\", \"user\": "
        "\"U09ZZZ\", \"text\": \"waves\", \"ts\": \"1710324001.000100\"}]\n");
    read_with(&g, tpath("sl/acme-export"), NULL);
    if (!read_ok(&g) || !CHECK_INT(all_turns(&g), 6))
        goto done;
    CHECK_STR(g.c->format, "slack");
    CHECK_INT(g.st.files, 2);
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "general/2024-03-12.json:19:5: expected \"ts\" as a "
              "string of epoch seconds (\"1710238500.000100\"), found "
              "\"17102386x0.000400\""));
    CHECK_STR(g.c->dialogues[0].id, "general/2024-03-12:0");
    CHECK_STR(g.c->dialogues[0].corpus, "acme-export");
    CHECK_STR(meta_str(g.c->dialogues[0].meta, "channel"), "general");
    t = nth_turn(&g, 0);
    CHECK_INT(t->role, PL_ROLE_SYSTEM);
    CHECK_STR(t->speaker, "Omar Haddad");
    CHECK_STR(meta_str(t->meta, "event"), "channel_join");
    CHECK_STR(t->timestamp, "2024-03-12T10:00:00.000100Z");
    t = nth_turn(&g, 1);
    CHECK_STR(t->speaker, "Dana");
    CHECK_STR(t->text, "is the deploy done? <@U03BOT>");
    CHECK_STR(meta_str(t->meta, "user_id"), "U01AAA");
    CHECK_STR(meta_str(t->meta, "thread_ts"), "1710238500.000200");
    CHECK_STR(meta_str(t->meta, "ts"), "1710238500.000200");
    CHECK_STR(meta_str(t->extra, "client_msg_id"), "a1b2");
    CHECK_INT(meta_int(t->meta, "gap_seconds"), 900);
    t = nth_turn(&g, 2);
    CHECK_INT(t->role, PL_ROLE_AGENT);
    CHECK_STR(t->speaker, "deploybot");
    CHECK(json_real_value(json_object_get(t->meta, "gap_seconds")) == 60.25);
    CHECK_INT(meta_int(nth_turn(&g, 3)->meta, "non_text_parts"), 1);
    t = nth_turn(&g, 4);
    CHECK_STR(t->speaker, "ci");
    CHECK_INT(t->role, PL_ROLE_AGENT);
    t = nth_turn(&g, 5);
    CHECK_STR(t->speaker, "U09ZZZ");
    CHECK(meta_true(t->meta, "action"));
    got_round_trip(&g);
done:
    got_free(&g);
    /* One day file alone, no users.json: ids stay speakers. */
    read_with(&g, PUT("sl/lone/2024-03-12.json", slack_day), NULL);
    if (read_ok(&g) && CHECK_INT(all_turns(&g), 4))
        CHECK_STR(nth_turn(&g, 1)->speaker, "U01AAA");
    got_free(&g);
}

/* ---- Discord ----------------------------------------------------------- */

static const char discord[] =
    "{\n"
    "  \"guild\": {\"id\": \"813\", \"name\": \"Acme Community\"},\n"
    "  \"channel\": {\"id\": \"381\", \"type\": \"GuildTextChat\", "
    "\"name\": \"help\", \"topic\": \"Ask here\"},\n"
    "  \"dateRange\": {\"after\": null, \"before\": null},\n"
    "  \"messages\": [\n"
    "    {\"id\": \"1001\", \"type\": \"GuildMemberJoin\", \"timestamp\": "
    "\"2024-03-12T10:00:00.000+00:00\", \"content\": \"\", \"author\": "
    "{\"id\": \"55\", \"name\": \"dana\", \"nickname\": \"Dana\", "
    "\"isBot\": false}},\n"
    "    {\"id\": \"1002\", \"type\": \"Default\", \"timestamp\": "
    "\"2024-03-12T12:01:30.250+02:00\", \"content\": \"How do I reset my "
    "password?\", \"author\": {\"id\": \"55\", \"name\": \"dana\", "
    "\"nickname\": \"Dana\", \"isBot\": false}, \"attachments\": "
    "[{\"id\": \"9\", \"fileName\": \"s.png\"}], \"embeds\": []},\n"
    "    {\"id\": \"1003\", \"type\": \"Reply\", \"timestamp\": "
    "\"2024-03-12T10:01:31.000+00:00\", \"content\": \"Go to Settings > "
    "Account.\", \"author\": {\"id\": \"77\", \"name\": \"HelperBot\", "
    "\"nickname\": null, \"isBot\": true}, \"reference\": {\"messageId\": "
    "\"1002\"}},\n"
    "    {\"id\": \"1004\", \"type\": \"Default\", \"timestamp\": "
    "\"yesterday\", \"content\": \"?\", \"author\": {\"id\": \"55\"}},\n"
    "    {\"id\": \"1005\", \"type\": \"Default\", \"timestamp\": "
    "\"2024-03-12T10:02:00+00:00\", \"content\": [\"thanks \", {\"text\": "
    "\"a lot\"}], \"author\": {\"id\": \"56\", \"name\": \"omar\"}}\n"
    "  ],\n"
    "  \"messageCount\": 5\n"
    "}\n";

static void test_discord(void)
{
    struct got g;
    struct pl_turn *t;
    struct pl_dialogue *d;

    read_with(&g, PUT("dc/Acme - help [381].json", discord), NULL);
    if (!read_ok(&g) || !CHECK_INT(all_turns(&g), 4))
        goto done;
    CHECK_STR(g.c->format, "discord");
    CHECK_INT(g.st.rejected, 1);
    CHECK(has(g.rej[0], "[381].json:9:5: expected \"timestamp\" as an ISO "
              "8601 date and time, found \"yesterday\""));
    d = &g.c->dialogues[0];
    CHECK_STR(meta_str(d->meta, "guild"), "Acme Community");
    CHECK_STR(meta_str(d->meta, "channel"), "help");
    CHECK_STR(meta_str(d->meta, "channel_id"), "381");
    CHECK(json_object_get(d->extra, "dateRange") != NULL);
    CHECK(json_object_get(d->extra, "messageCount") != NULL);
    t = nth_turn(&g, 0);
    CHECK_INT(t->role, PL_ROLE_SYSTEM);
    CHECK_STR(meta_str(t->meta, "event"), "GuildMemberJoin");
    t = nth_turn(&g, 1);
    CHECK_STR(t->speaker, "Dana");
    CHECK_INT(t->role, PL_ROLE_OTHER);
    CHECK_STR(t->timestamp, "2024-03-12T12:01:30.250+02:00");
    CHECK(json_real_value(json_object_get(t->meta, "gap_seconds")) == 90.25);
    CHECK_INT(meta_int(t->meta, "non_text_parts"), 1);
    CHECK_STR(meta_str(t->meta, "author_id"), "55");
    t = nth_turn(&g, 2);
    CHECK_INT(t->role, PL_ROLE_AGENT);
    CHECK_STR(t->speaker, "HelperBot");
    CHECK_STR(meta_str(t->meta, "reply_to"), "1002");
    CHECK(json_object_get(t->extra, "author") != NULL);
    t = nth_turn(&g, 3);
    CHECK_STR(t->text, "thanks a lot");
    CHECK_STR(t->speaker, "omar");
    got_round_trip(&g);
done:
    got_free(&g);
}

/* ---- derived times ---------------------------------------------------- */

static struct pl_turn *add(struct pl_dialogue *d, const char *speaker,
                           const char *ts)
{
    struct pl_turn *t = pl_dialogue_add_turn(d);

    free(t->speaker);
    t->speaker = pl_strdup(speaker);
    t->timestamp = ts ? pl_strdup(ts) : NULL;
    return t;
}

static void test_derive_times(void)
{
    struct pl_dialogue d;
    struct pl_time a, b;
    long long ms;

    pl_dialogue_init(&d, "x");
    add(&d, "a", "2024-03-12T10:00:00Z");
    add(&d, "b", "2024-03-12T12:00:30+02:00");
    add(&d, "b", NULL);
    add(&d, "a", "2024-03-12T10:01:00.5Z");
    add(&d, "a", "2024-03-12 10:02:00.5Z");
    add(&d, "c", "not a time");
    CHECK_INT(pl_dialogue_derive_times(&d), PL_OK);
    CHECK(json_object_get(d.turns[0].meta, "speaker_change") == NULL);
    CHECK(meta_true(d.turns[1].meta, "speaker_change"));
    CHECK_INT(meta_int(d.turns[1].meta, "gap_seconds"), 30);
    CHECK(!meta_true(d.turns[2].meta, "speaker_change"));
    CHECK(json_object_get(d.turns[2].meta, "gap_seconds") == NULL);
    CHECK(json_object_get(d.turns[3].meta, "gap_seconds") == NULL);
    CHECK_INT(meta_int(d.turns[4].meta, "gap_seconds"), 60);
    CHECK(json_object_get(d.turns[5].meta, "gap_seconds") == NULL);
    CHECK(meta_true(d.turns[5].meta, "speaker_change"));
    /* Keys already there are kept: a second run changes nothing. */
    json_object_set_new(d.turns[1].meta, "gap_seconds", json_integer(7));
    CHECK_INT(pl_dialogue_derive_times(&d), PL_OK);
    CHECK_INT(meta_int(d.turns[1].meta, "gap_seconds"), 7);
    pl_dialogue_fini(&d);
    /* Without any timestamp nothing is added. */
    pl_dialogue_init(&d, "y");
    add(&d, "a", NULL);
    add(&d, "b", NULL);
    CHECK_INT(pl_dialogue_derive_times(&d), PL_OK);
    CHECK_INT(json_object_size(d.turns[1].meta), 0);
    pl_dialogue_fini(&d);
    /* Times of day wrap; date and time of day do not compare. */
    CHECK_INT(pl_time_parse("23:59:30", &a), 0);
    CHECK_INT(pl_time_parse("00:00:10", &b), 0);
    CHECK(pl_time_diff(&a, &b, &ms) && ms == 40000);
    CHECK_INT(pl_time_parse("2024-03-12T00:00:10", &b), 0);
    CHECK(!pl_time_diff(&a, &b, &ms));
    CHECK_INT(pl_time_parse("0001-01-01T00:00:00", &a), 0);
    CHECK_INT(pl_time_parse("9999-12-31T23:59:59.9996", &b), 0);
    CHECK(pl_time_diff(&a, &b, &ms) && ms == 315537897600000LL);
    CHECK(pl_time_parse("2023-02-29T10:00:00", &a) != 0);
    CHECK(pl_time_parse("2024-02-29T10:00:00", &a) == 0);
    CHECK(pl_time_parse("2024-03-12T10:00:00+0530", &a) == 0);
    CHECK(pl_time_parse("2024-03-12T10:00:00+05:30x", &a) != 0);
    CHECK(pl_time_parse("", &a) != 0);
}

/* ---- boundaries and sizes ----------------------------------------------- */

static void test_boundaries(void)
{
    struct got g;
    struct pl_read_opts o;
    char big[3000];
    size_t n = 0;

    /* A dialogue is cut when it would pass max_record_bytes. */
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(big + n, sizeof big - n,
                              "12/03/2024, 10:%02d - %s: message number %d "
                              "in a long chat\n", i, i % 2 ? "Omar" : "Dana",
                              i);
    put_file("bd/long.txt", big, n);
    pl_read_opts_default(&o);
    o.max_record_bytes = 400;
    read_with(&g, tpath("bd/long.txt"), &o);
    if (read_ok(&g)) {
        CHECK_INT(all_turns(&g), 20);
        CHECK(g.c->n_dialogues > 3);
        CHECK_STR(meta_str(g.c->dialogues[1].meta, "boundary"), "size");
        CHECK_INT(g.st.rejected, 0);
    }
    got_free(&g);
    /* A message longer than the limit is one reject, its continuation
     * lines with it; the long line is skipped, not cut into pieces. */
    n = (size_t)snprintf(big, sizeof big, "12/03/2024, 10:00 - Dana: hi\n"
                         "12/03/2024, 10:01 - Omar: ");
    memset(big + n, 'x', 600);
    n += 600;
    n += (size_t)snprintf(big + n, sizeof big - n, "\nmore of it\n"
                          "12/03/2024, 10:02 - Dana: ok\n");
    put_file("bd/huge.txt", big, n);
    read_with(&g, tpath("bd/huge.txt"), &o);
    if (read_ok(&g)) {
        CHECK_INT(all_turns(&g), 2);
        CHECK_INT(g.st.rejected, 1);
        CHECK_INT(g.rej_status[0], PL_ERR_LIMIT);
        CHECK(has(g.rej[0], "bd/huge.txt:2:1: expected a message of at most "
                  "400 bytes (max_record_bytes), found 627 bytes"));
        CHECK_STR(nth_turn(&g, 1)->text, "ok");
    }
    got_free(&g);
    /* A chat that never pauses is cut every PL_EXPORT_MAX_TURNS turns. */
    {
        size_t cap = (PL_EXPORT_MAX_TURNS + 5) * 40, k = 0;
        char *many = malloc(cap);

        for (int i = 0; many && i < PL_EXPORT_MAX_TURNS + 5; i++)
            k += (size_t)snprintf(many + k, cap - k, "[%02d:%02d:%02d] <%s> "
                                  "line %d\n", i / 3600, i / 60 % 60,
                                  i % 60, i % 2 ? "ann" : "bob", i);
        if (many)
            put_file("bd/many.log", many, k);
        free(many);
    }
    read_with(&g, tpath("bd/many.log"), NULL);
    if (read_ok(&g) && CHECK_INT(g.c->n_dialogues, 2)) {
        CHECK_INT(g.c->dialogues[0].n_turns, PL_EXPORT_MAX_TURNS);
        CHECK_INT(g.c->dialogues[1].n_turns, 5);
        CHECK_STR(meta_str(g.c->dialogues[1].meta, "boundary"), "size");
    }
    got_free(&g);
    /* The same in a transcript: a long continuation line. */
    n = (size_t)snprintf(big, sizeof big, "User: hi\nAgent: ");
    memset(big + n, 'y', 500);
    n += 500;
    n += (size_t)snprintf(big + n, sizeof big - n, "\nUser: bye\n");
    put_file("bd/huge-tr.txt", big, n);
    o.format = PL_FMT_TRANSCRIPT;
    read_with(&g, tpath("bd/huge-tr.txt"), &o);
    if (read_ok(&g)) {
        CHECK_INT(all_turns(&g), 2);
        CHECK_INT(g.st.rejected, 1);
    }
    got_free(&g);
}

/* ---- sniffing ------------------------------------------------------------ */

static void sniff_is(const char *rel, const char *data, size_t n,
                     enum pl_format want)
{
    struct pl_error err;
    enum pl_format f = pl_format_sniff(put_file(rel, data, n), &err);

    if (!CHECK_INT(f, want))
        fprintf(stderr, "  sniffing %s\n", rel);
}

#define SNIFF(rel, lit, want) sniff_is((rel), (lit), sizeof(lit) - 1, (want))

static void test_sniff(void)
{
    static const char *const names[] = { "transcript", "whatsapp", "irc",
                                          "telegram", "slack", "discord" };

    for (int i = 0; i < 6; i++) {
        CHECK_INT(pl_format_parse(names[i]), PL_FMT_TRANSCRIPT + i);
        CHECK_STR(pl_format_name((enum pl_format)(PL_FMT_TRANSCRIPT + i)),
                  names[i]);
    }
    SNIFF("sn/t.txt", transcript, PL_FMT_TRANSCRIPT);
    SNIFF("sn/w.txt", wa_ios, PL_FMT_WHATSAPP);
    SNIFF("sn/w2.txt", wa_android_de, PL_FMT_WHATSAPP);
    SNIFF("sn/i.log", irssi, PL_FMT_IRC);
    SNIFF("sn/r.json", telegram, PL_FMT_TELEGRAM);
    SNIFF("sn/s.json", slack_day, PL_FMT_SLACK);
    SNIFF("sn/d.json", discord, PL_FMT_DISCORD);
    SNIFF("sn/empty-tg.json", "{\"name\": \"x\", \"type\": \"personal_chat\","
          " \"id\": 1, \"messages\": []}", PL_FMT_TELEGRAM);
    /* Not chats: prose with a label or two, key-value files, a user
     * list; Rasa YAML, OpenAI chat and CSV stay what they are. */
    SNIFF("sn/prose.txt", "We met on Tuesday. Note: the router was fine.\n"
          "Then it dropped again, and again after lunch.\n"
          "Summary: replace it.\n", PL_FMT_AUTO);
    SNIFF("sn/copyright", "Format: https://example.org/copyright/1.0/\n"
          "Upstream-Name: thing\n\nFiles: *\nCopyright: 2020 Someone\n"
          "License: MIT\n\nFiles: doc/*\nCopyright: 2021 Other\n"
          "License: MIT\n", PL_FMT_AUTO);
    SNIFF("sn/robots.txt", "User-agent: *\nDisallow: /a/\nDisallow: /b/\n"
          "Disallow: /c/\nDisallow: /d/\nDisallow: /e/\n", PL_FMT_AUTO);
    SNIFF("sn/cfg.yml", "version: \"3.1\"\nnlu:\n- intent: greet\n"
          "  examples: |\n    - hey\n    - hello\n", PL_FMT_RASA_YAML);
    SNIFF("sn/users.json", "[{\"id\": \"U01\", \"name\": \"dana\", "
          "\"real_name\": \"Dana\"}]", PL_FMT_AUTO);
    SNIFF("sn/chat.jsonl", "{\"messages\": [{\"role\": \"user\", "
          "\"content\": \"hi\"}]}\n", PL_FMT_OPENAI);
    SNIFF("sn/t.csv", "text,label\nDana: hi there,greet\nOmar: bye,bye\n",
          PL_FMT_CSV);
    SNIFF("sn/html.txt", "<p> Hello </p>\n<p> World </p>\n", PL_FMT_AUTO);
}

int main(void)
{
    tmp_setup();
    test_transcript();
    test_transcript_bom_crlf();
    test_transcript_damaged();
    test_transcript_roles();
    test_whatsapp_case11();
    test_whatsapp_ios();
    test_whatsapp_android();
    test_whatsapp_clocks();
    test_whatsapp_utf8();
    test_irc_irssi();
    test_irc_variants();
    test_telegram();
    test_telegram_broken();
    test_slack();
    test_discord();
    test_derive_times();
    test_boundaries();
    test_sniff();
    tmp_cleanup();
    return check_done("test_fmt_exports");
}
