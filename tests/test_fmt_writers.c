/*
 * The writers: each format written from a corpus that uses every part
 * of the record model, read back with parlance's own reader (detected
 * from content), and compared field by field for everything the format
 * carries; what it cannot carry must be counted, exactly. Also unified
 * byte identity, ParlAI escapes over generated strings and case 23
 * written back, the fastText label prefix, the CSV turn table written by
 * hand and damaged, writer errors, and round trips of the real corpora
 * in ../shared/corpora (skipped when absent).
 */
#define _POSIX_C_SOURCE 200809L
#include "fmt_helpers.h"
#include "parlance/writers.h"

/* Every part of the record model, and text that tests each escape. */
static const char crafted[] =
    "{\"id\":\"shop-1\",\"corpus\":\"shop\",\"split\":\"train\","
    "\"meta\":{\"channel\":\"web\",\"rating\":4,\"vip\":true,"
    "\"tags\":[\"a\",\"b\"],\"note\":\"\"},\"turns\":["
    "{\"role\":\"system\",\"speaker\":\"policy\","
    "\"text\":\"Be kind.\\nAlways.\"},"
    "{\"role\":\"user\",\"speaker\":\"Alice\","
    "\"text\":\"I want a refund | now\","
    "\"timestamp\":\"2024-03-01T10:00:00Z\","
    "\"intents\":[\"refund\",\"urgent|high\"],\"acts\":[\"INFORM(item)\"],"
    "\"slots\":[{\"slot\":\"item\",\"start\":9,\"end\":15}],"
    "\"meta\":{\"lang\":\"en\",\"score\":0.5},"
    "\"extra\":{\"label_candidates\":[\"a\",\"b|c\"],\"note\":\"x\\ty\","
    "\"deep\":{\"k\":1}}},"
    "{\"role\":\"agent\",\"speaker\":\"Bob\","
    "\"text\":\"Sure, __label__x and C:\\\\path\\\\n\\\\\","
    "\"intents\":[\"ack me\"],\"meta\":{\"lang\":\"en\"},"
    "\"extra\":{\"labels\":[\"Sure\",\"Of course\"]}},"
    "{\"role\":\"tool\",\"speaker\":\"function\","
    "\"text\":\"{\\\"ok\\\":true}\","
    "\"extra\":{\"tool_call_id\":\"c1\"},\"meta\":{\"tool_call_id\":\"c1\"}},"
    "{\"role\":\"other\",\"speaker\":\"narrator\",\"text\":\"(silence)\"},"
    "{\"role\":\"agent\",\"text\":\"\",\"extra\":{\"tool_calls\":[{\"id\":"
    "\"c2\",\"type\":\"function\",\"function\":{\"name\":\"f\","
    "\"arguments\":\"{}\"}}]},\"meta\":{\"tool_call_ids\":[\"c2\"]}}]}\n"
    "{\"id\":\"shop-2\",\"corpus\":\"shop\",\"split\":\"test\",\"turns\":["
    "{\"role\":\"agent\",\"speaker\":\"bot\","
    "\"text\":\"Hello! How can I help?\"},"
    "{\"role\":\"user\",\"speaker\":\"Carl Smith\","
    "\"text\":\"book a flight to \\\"Paris\\\",\\r\\nplease\","
    "\"intents\":[\"book flight\"]},"
    "{\"role\":\"user\","
    "\"text\":\"also __PIPE__ literal, \\\\_ and \\\\| and a|b\","
    "\"intents\":[\"\",\"tail\\\\\",\"x\\\\y\"],"
    "\"extra\":{\"content\":[{\"type\":"
    "\"text\",\"text\":\"also __PIPE__ literal, \\\\_ and \\\\| and a|b\"},"
    "{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]},"
    "\"meta\":{\"non_text_parts\":1}}]}\n"
    "{\"id\":\"empty\",\"turns\":[]}\n"
    "{\"id\":\"shop-3\",\"corpus\":\"shop\",\"split\":\"train\","
    "\"extra\":{\"source\":\"x\",\"tools\":[]},\"turns\":[{\"role\":\"user\","
    "\"text\":\"hi\",\"intents\":[\"greet\"],\"norm\":\"hi\","
    "\"meta\":{\"lang\":\"\"}}]}\n";

/* ---- writing to memory and reading back ------------------------------ */

struct out {
    char *buf;
    size_t len;
    enum pl_status status;
    struct pl_write_stats ws;
    struct pl_error err;
};

/* Write the dialogues of c (from index from) as format f. */
static void write_corpus(struct out *w, const struct pl_corpus *c,
                         enum pl_format f, const struct pl_write_opts *o)
{
    FILE *fp;
    struct pl_writer *wr;
    struct pl_error *err = &w->err;

    memset(w, 0, sizeof *w);
    fp = open_memstream(&w->buf, &w->len);
    if (!CHECK(fp != NULL))
        return;
    w->status = pl_writer_open(f, fp, o, &wr, err);
    for (size_t i = 0; w->status == PL_OK && i < c->n_dialogues; i++)
        w->status = pl_writer_write(wr, &c->dialogues[i], err);
    if (w->status == PL_OK)
        w->status = pl_writer_close(wr, &w->ws, err);
    else
        pl_writer_free(wr);
    fclose(fp);
}

static struct pl_corpus *unified(const char *s)
{
    struct got g;

    read_buf(&g, "crafted.jsonl", s, strlen(s), NULL);
    CHECK_INT(g.st.rejected, 0);
    return g.c;
}

/* The loss counts expected, in the order of enum pl_loss. */
static void losses_are(const struct pl_write_stats *ws, const long *want)
{
    for (int k = 0; k < PL_LOSS_COUNT; k++)
        if (!CHECK_INT(ws->lost[k], want[k]))
            fprintf(stderr, "  loss \"%s\"\n", pl_loss_name((enum pl_loss)k));
}

/* Non-empty items of v, in order, are exactly w[0..nw). */
static int same_items(char *const *v, size_t n, char *const *w, size_t nw)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (!v[i][0])
            continue;
        if (k >= nw || strcmp(v[i], w[k]))
            return 0;
        k++;
    }
    return k == nw;
}

static int same_opt(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* ---- unified --------------------------------------------------------- */

static void test_unified_identity(void)
{
    struct pl_corpus *a = unified(crafted), *b;
    struct out w1, w2;

    write_corpus(&w1, a, PL_FMT_UNIFIED, NULL);
    CHECK_INT(w1.status, PL_OK);
    CHECK_INT(pl_write_stats_lost(&w1.ws), 0);
    CHECK_INT(w1.ws.records, 4);
    b = unified(w1.buf);
    write_corpus(&w2, b, PL_FMT_UNIFIED, NULL);
    CHECK_INT(w1.len, w2.len);
    CHECK(w1.len == w2.len && !memcmp(w1.buf, w2.buf, w1.len));
    free(w1.buf);
    free(w2.buf);
    pl_corpus_free(a);
    pl_corpus_free(b);
}

/* ---- CSV and TSV: everything but slots, extra and norm --------------- */

static void compare_table(const struct pl_corpus *a, const struct pl_corpus *b)
{
    size_t k = 0;

    for (size_t i = 0; i < a->n_dialogues; i++) {
        const struct pl_dialogue *d = &a->dialogues[i], *e;

        if (!d->n_turns)
            continue;
        if (!CHECK(k < b->n_dialogues))
            return;
        e = &b->dialogues[k++];
        CHECK_STR(e->id, d->id);
        CHECK_STR(e->corpus, d->corpus);
        CHECK_STR(e->split, d->split);
        CHECK(json_equal(e->meta, d->meta));
        if (!CHECK_INT(e->n_turns, d->n_turns))
            continue;
        for (size_t j = 0; j < d->n_turns; j++) {
            const struct pl_turn *t = &d->turns[j], *u = &e->turns[j];

            CHECK_INT(u->role, t->role);
            CHECK_STR(u->speaker, t->speaker);
            CHECK_STR(u->text, t->text);
            CHECK(same_opt(u->timestamp, t->timestamp));
            CHECK(same_items(t->intents, t->n_intents, u->intents,
                             u->n_intents));
            CHECK(same_items(t->acts, t->n_acts, u->acts, u->n_acts));
            CHECK(json_equal(u->meta, t->meta));
            CHECK_INT(u->n_slots + json_object_size(u->extra), 0);
        }
    }
    CHECK_INT(k, b->n_dialogues);
}

static void test_table(enum pl_format f, const char *name)
{
    static const long lost[PL_LOSS_COUNT] = {
        [PL_LOSS_DIALOGUE] = 1, [PL_LOSS_DIALOGUE_EXTRA] = 2,
        [PL_LOSS_INTENT] = 1, [PL_LOSS_SLOT] = 1, [PL_LOSS_TURN_EXTRA] = 7,
        [PL_LOSS_NORM] = 1,
    };
    struct pl_corpus *a = unified(crafted);
    struct out w;
    struct got g;

    write_corpus(&w, a, f, NULL);
    CHECK_INT(w.status, PL_OK);
    CHECK_INT(w.ws.records, 10);
    CHECK_INT(w.ws.dialogues, 4);
    losses_are(&w.ws, lost);
    CHECK(has(w.buf, "dialogue.rating:json"));
    read_buf(&g, name, w.buf, w.len, NULL);
    CHECK_STR(g.st.formats, pl_format_name(f));
    CHECK_INT(g.st.rejected, 0);
    compare_table(a, g.c);
    got_free(&g);
    free(w.buf);
    pl_corpus_free(a);
}

/* ---- OpenAI chat ------------------------------------------------------ */

static const char *openai_role(const struct pl_turn *t)
{
    switch (t->role) {
    case PL_ROLE_AGENT: return "assistant";
    case PL_ROLE_SYSTEM: return "system";
    case PL_ROLE_TOOL: return !strcmp(t->speaker, "function") ? "function"
                                                             : "tool";
    default: return "user";
    }
}

static int same_member(const json_t *a, const json_t *b, const char *k)
{
    const json_t *x = json_object_get(a, k), *y = json_object_get(b, k);

    return (!x && !y) || (x && y && json_equal(x, y));
}

static void compare_openai_turn(const struct pl_turn *t,
                                const struct pl_turn *u)
{
    const char *role = openai_role(t);

    CHECK_INT(u->role, t->role == PL_ROLE_OTHER ? PL_ROLE_USER : t->role);
    CHECK_STR(u->text, t->text);
    CHECK_STR(u->speaker, role);
    if (t->speaker[0] && strcmp(t->speaker, role) && !strchr(t->speaker, ' '))
        CHECK_STR(extra_str(u, "name"), t->speaker);
    CHECK(same_member(t->extra, u->extra, "tool_calls"));
    CHECK(same_member(t->extra, u->extra, "tool_call_id"));
    CHECK(same_member(t->extra, u->extra, "content"));
    CHECK(same_member(t->meta, u->meta, "tool_call_id"));
    CHECK(same_member(t->meta, u->meta, "tool_call_ids"));
    CHECK(same_member(t->meta, u->meta, "non_text_parts"));
}

static void test_openai(void)
{
    static const long lost[PL_LOSS_COUNT] = {
        [PL_LOSS_ID] = 4, [PL_LOSS_CORPUS] = 3, [PL_LOSS_SPLIT] = 3,
        [PL_LOSS_DIALOGUE_META] = 5, [PL_LOSS_DIALOGUE_EXTRA] = 1,
        [PL_LOSS_ROLE] = 1, [PL_LOSS_SPEAKER] = 1, [PL_LOSS_TIMESTAMP] = 1,
        [PL_LOSS_INTENT] = 8, [PL_LOSS_ACT] = 1, [PL_LOSS_SLOT] = 1,
        [PL_LOSS_TURN_META] = 4, [PL_LOSS_TURN_EXTRA] = 4, [PL_LOSS_NORM] = 1,
    };
    struct pl_corpus *a = unified(crafted);
    struct out w;
    struct got g;

    write_corpus(&w, a, PL_FMT_OPENAI, NULL);
    CHECK_INT(w.status, PL_OK);
    losses_are(&w.ws, lost);
    CHECK(has(w.buf, "{\"role\":\"assistant\",\"content\":null,"
              "\"tool_calls\":"));
    read_buf(&g, "chat.jsonl", w.buf, w.len, NULL);
    CHECK_STR(g.st.formats, "openai");
    if (!CHECK_INT(g.c->n_dialogues, a->n_dialogues))
        goto done;
    for (size_t i = 0; i < a->n_dialogues; i++) {
        const struct pl_dialogue *d = &a->dialogues[i];
        const struct pl_dialogue *e = &g.c->dialogues[i];

        CHECK(same_member(d->extra, e->extra, "tools"));
        if (!CHECK_INT(e->n_turns, d->n_turns))
            continue;
        for (size_t j = 0; j < d->n_turns; j++)
            compare_openai_turn(&d->turns[j], &e->turns[j]);
    }
done:
    got_free(&g);
    free(w.buf);
    pl_corpus_free(a);
}

/* ---- ParlAI text ------------------------------------------------------- */

/* The extra a user-side turn keeps: strings under keys ParlAI does not
 * use itself, string lists under its list keys. */
static json_t *parlai_user_extra(const json_t *extra)
{
    json_t *keep = json_object(), *v;
    const char *k;

    json_object_foreach((json_t *)extra, k, v) {
        int list = !strcmp(k, "label_candidates") ||
                   !strcmp(k, "text_candidates");

        if ((list && json_is_array(v)) ||
            (!list && json_is_string(v) && strcmp(k, "text") &&
             strcmp(k, "id") && strcmp(k, "labels")))
            json_object_set(keep, k, v);
    }
    return keep;
}

static void compare_parlai_turn(const struct pl_dialogue *d, size_t j,
                                const struct pl_turn *u)
{
    const struct pl_turn *t = &d->turns[j];
    int agent = t->role == PL_ROLE_AGENT;
    int paired = agent && j > 0 && d->turns[j - 1].role != PL_ROLE_AGENT;
    json_t *want;

    CHECK_INT(u->role, agent ? PL_ROLE_AGENT : PL_ROLE_USER);
    CHECK_STR(u->text, t->text);
    CHECK_STR(u->speaker, paired ? "" : t->speaker);
    if (!agent) {
        want = parlai_user_extra(t->extra);
        CHECK(json_equal(u->extra, want));
        json_decref(want);
    } else if (json_array_size(json_object_get(t->extra, "labels")) > 1) {
        CHECK_STR(extra_item(u, "labels", 0), t->text);
        CHECK_STR(extra_item(u, "labels", 1), extra_item(t, "labels", 1));
    } else {
        CHECK_INT(json_object_size(u->extra), 0);
    }
}

static void test_parlai(void)
{
    static const long lost[PL_LOSS_COUNT] = {
        [PL_LOSS_DIALOGUE] = 1, [PL_LOSS_ID] = 4, [PL_LOSS_CORPUS] = 3,
        [PL_LOSS_SPLIT] = 3, [PL_LOSS_DIALOGUE_META] = 5,
        [PL_LOSS_DIALOGUE_EXTRA] = 2, [PL_LOSS_ROLE] = 3,
        [PL_LOSS_SPEAKER] = 1, [PL_LOSS_TIMESTAMP] = 1, [PL_LOSS_INTENT] = 8,
        [PL_LOSS_ACT] = 1, [PL_LOSS_SLOT] = 1, [PL_LOSS_TURN_META] = 7,
        [PL_LOSS_TURN_EXTRA] = 3, [PL_LOSS_NORM] = 1,
    };
    struct pl_corpus *a = unified(crafted);
    struct out w;
    struct got g;
    size_t k = 0;

    write_corpus(&w, a, PL_FMT_PARLAI_TEXT, NULL);
    CHECK_INT(w.status, PL_OK);
    CHECK_INT(w.ws.records, 8);
    losses_are(&w.ws, lost);
    CHECK(has(w.buf, "id:bot\tlabels:Hello! How can I help?\n"));
    CHECK(has(w.buf, "text:also \\__PIPE__ literal, \\\\_ and \\\\__PIPE__ "
              "and a__PIPE__b\tepisode_done:True\n"));
    read_buf(&g, "episodes.txt", w.buf, w.len, NULL);
    CHECK_STR(g.st.formats, "parlai_text");
    for (size_t i = 0; i < a->n_dialogues; i++) {
        const struct pl_dialogue *d = &a->dialogues[i];

        if (!d->n_turns)
            continue;
        if (!CHECK(k < g.c->n_dialogues) ||
            !CHECK_INT(g.c->dialogues[k].n_turns, d->n_turns))
            break;
        for (size_t j = 0; j < d->n_turns; j++)
            compare_parlai_turn(d, j, &g.c->dialogues[k].turns[j]);
        k++;
    }
    CHECK_INT(k, g.c->n_dialogues);
    got_free(&g);
    free(w.buf);
    pl_corpus_free(a);
}

/* Case 23 written back: the escapes come back as they were, with the
 * episode closed, and reading that again gives the same records. */
static void test_parlai_case23_written(void)
{
    static const char in[] =
        "text:How are you?\tlabels:Not great :__PIPE__ you?\t"
        "label_candidates:Fine|Not great :__PIPE__ you?\n"
        "text:Why?\\nTell me.\tlabels:Long day|Work\n"
        "text:Ok.\tlabels:Bye\n";
    static const char want[] =
        "text:How are you?\tlabels:Not great :__PIPE__ you?\t"
        "label_candidates:Fine|Not great :__PIPE__ you?\n"
        "text:Why?\\nTell me.\tlabels:Long day|Work\n"
        "text:Ok.\tlabels:Bye\tepisode_done:True\n";
    struct got g1, g2;
    struct out w;

    READ(&g1, "case23.txt", in, NULL);
    write_corpus(&w, g1.c, PL_FMT_PARLAI_TEXT, NULL);
    CHECK_STR(w.buf, want);
    CHECK_INT(pl_write_stats_lost(&w.ws), 0);
    read_buf(&g2, "case23.txt", w.buf, w.len, NULL);
    if (CHECK_INT(g2.c->n_dialogues, 1) && CHECK_INT(g1.c->n_dialogues, 1)) {
        char *a = pl_dialogue_to_json(&g1.c->dialogues[0]);
        char *b = pl_dialogue_to_json(&g2.c->dialogues[0]);

        CHECK_STR(a, b);
        free(a);
        free(b);
    }
    got_free(&g1);
    got_free(&g2);
    free(w.buf);
}

/* Does s come back from the ParlAI writer and reader as a user text,
 * an extra field and an agent turn's label alternatives? */
static int escape_round_trip(const char *s)
{
    struct pl_corpus *c = pl_corpus_new("esc");
    struct pl_dialogue d, *e;
    struct pl_turn *t;
    struct out w;
    struct got g;
    int ok;

    pl_dialogue_init(&d, "x");
    t = pl_dialogue_add_turn(&d);
    pl_turn_set_text(t, s, strlen(s));
    json_object_set_new(t->extra, "note", json_string(s));
    t = pl_dialogue_add_turn(&d);
    t->role = PL_ROLE_AGENT;
    pl_turn_set_text(t, s, strlen(s));
    json_object_set_new(t->extra, "labels", json_pack("[s,s]", s, s));
    pl_corpus_take(c, &d);
    write_corpus(&w, c, PL_FMT_PARLAI_TEXT, NULL);
    read_buf(&g, "e.txt", w.buf, w.len, NULL);
    e = g.c->n_dialogues == 1 ? &g.c->dialogues[0] : NULL;
    ok = e && e->n_turns == 2 && !strcmp(e->turns[0].text, s) &&
         !strcmp(e->turns[1].text, s) &&
         same_opt(extra_str(&e->turns[0], "note"), s) &&
         same_opt(extra_item(&e->turns[1], "labels", 1), s);
    if (!ok)
        fprintf(stderr, "  escape round trip fails for \"%s\": %s\n", s,
                w.buf);
    got_free(&g);
    free(w.buf);
    pl_corpus_free(c);
    return ok;
}

/* Every string of one to three pieces that matter to the escapes. */
static void test_parlai_escapes(void)
{
    static const char *const piece[] = {
        "\\", "|", "_", "__PIPE__", "_PIPE__", "n", "\n", "\t", "\r",
        "PIPE", "x", "\\_", "__PIPE",
    };
    enum { P = sizeof piece / sizeof *piece };
    long bad = 0, total = 0;

    for (int i = 0; i < P * P * P + P * P + P && bad < 5; i++, total++) {
        char s[64] = "";

        for (int k = i; ; k = k / P - 1) {
            strcat(s, piece[k % P]);
            if (k < P)
                break;
        }
        bad += !escape_round_trip(s);
    }
    CHECK_INT(bad, 0);
    CHECK_INT(total, P * P * P + P * P + P);
}

/* ---- fastText ---------------------------------------------------------- */

/* What the fastText writer makes of a text: line breaks become spaces,
 * a token starting with the prefix gets a '_' in front. */
static void fasttext_text(const char *s, char *out, size_t n)
{
    size_t k = 0;
    int start = 1;

    for (; *s && k + 2 < n; s++) {
        if (start && !strncmp(s, "__label__", 9))
            out[k++] = '_';
        out[k] = *s == '\n' || *s == '\r' ? ' ' : *s;
        start = strchr(" \t\v\f\r\n", *s) != NULL;
        k++;
    }
    out[k] = '\0';
}

static void compare_fasttext_turn(const struct pl_turn *t,
                                  const struct pl_turn *u)
{
    char want[512];
    size_t k = 0;

    fasttext_text(t->text, want, sizeof want);
    CHECK_INT(u->role, PL_ROLE_USER);
    CHECK_STR(u->text, want);
    for (size_t i = 0; i < t->n_intents; i++) {
        char label[128];

        if (!t->intents[i][0])
            continue;
        snprintf(label, sizeof label, "%s", t->intents[i]);
        for (char *p = label; *p; p++)
            if (*p == ' ')
                *p = '_';
        if (CHECK(k < u->n_intents))
            CHECK_STR(u->intents[k], label);
        k++;
    }
    CHECK_INT(u->n_intents, k);
}

static void test_fasttext(void)
{
    static const long lost[PL_LOSS_COUNT] = {
        [PL_LOSS_DIALOGUE] = 1, [PL_LOSS_ID] = 4, [PL_LOSS_CORPUS] = 3,
        [PL_LOSS_SPLIT] = 3, [PL_LOSS_DIALOGUE_META] = 5,
        [PL_LOSS_DIALOGUE_EXTRA] = 2, [PL_LOSS_TURN] = 5, [PL_LOSS_ROLE] = 1,
        [PL_LOSS_SPEAKER] = 3, [PL_LOSS_TEXT] = 2, [PL_LOSS_TIMESTAMP] = 1,
        [PL_LOSS_INTENT] = 1, [PL_LOSS_LABEL] = 2, [PL_LOSS_ACT] = 1,
        [PL_LOSS_SLOT] = 1, [PL_LOSS_TURN_META] = 5, [PL_LOSS_TURN_EXTRA] = 5,
        [PL_LOSS_NORM] = 1,
    };
    struct pl_corpus *a = unified(crafted);
    struct out w;
    struct got g;
    size_t k = 0;

    write_corpus(&w, a, PL_FMT_FASTTEXT, NULL);
    CHECK_INT(w.status, PL_OK);
    CHECK_INT(w.ws.records, 5);
    losses_are(&w.ws, lost);
    CHECK(has(w.buf, "__label__ack_me Sure, ___label__x and"));
    read_buf(&g, "lines.txt", w.buf, w.len, NULL);
    CHECK_STR(g.st.formats, "fasttext");
    for (size_t i = 0; i < a->n_dialogues; i++)
        for (size_t j = 0; j < a->dialogues[i].n_turns; j++) {
            const struct pl_turn *t = &a->dialogues[i].turns[j];

            if (!same_items(t->intents, t->n_intents, NULL, 0) &&
                CHECK(k < g.c->n_dialogues))
                compare_fasttext_turn(t, &g.c->dialogues[k++].turns[0]);
        }
    CHECK_INT(k, g.c->n_dialogues);
    got_free(&g);
    free(w.buf);
    pl_corpus_free(a);
}

/* Another prefix, read and written; one made of underscores only. */
static void test_fasttext_prefix(void)
{
    struct pl_write_opts wo;
    struct pl_read_opts ro;
    struct pl_corpus *a = unified(
        "{\"id\":\"a\",\"turns\":[{\"role\":\"user\",\"text\":"
        "\"#tag and __x and #\",\"intents\":[\"news\",\"b c\"]}]}\n");
    struct out w;
    struct got g;

    pl_write_opts_default(&wo);
    wo.label_prefix = "#";
    write_corpus(&w, a, PL_FMT_FASTTEXT, &wo);
    CHECK_STR(w.buf, "#news #b_c _#tag and __x and _#\n");
    pl_read_opts_default(&ro);
    ro.format = PL_FMT_FASTTEXT;
    ro.label_prefix = "#";
    read_buf(&g, "t.txt", w.buf, w.len, &ro);
    if (CHECK_INT(g.c->n_dialogues, 1)) {
        CHECK_STR(g.c->dialogues[0].turns[0].text, "_#tag and __x and _#");
        CHECK_STR(g.c->dialogues[0].turns[0].intents[1], "b_c");
    }
    got_free(&g);
    free(w.buf);

    wo.label_prefix = "__";
    write_corpus(&w, a, PL_FMT_FASTTEXT, &wo);
    CHECK_STR(w.buf, "__news __b_c #tag and -__x and #\n");
    free(w.buf);
    wo.label_prefix = "bad prefix";
    write_corpus(&w, a, PL_FMT_FASTTEXT, &wo);
    CHECK_INT(w.status, PL_ERR_USAGE);
    CHECK(has(w.err.message, "expected a label prefix without white space, "
              "found \"bad prefix\""));
    free(w.buf);
    pl_corpus_free(a);
}

/* ---- the CSV turn table, written by hand ----------------------------- */

static void test_table_by_hand(void)
{
    struct got g;
    struct pl_turn *t;

    READ(&g, "chats/train.csv",
         "Dialogue_ID,Turn,Role,Text,Intents,channel\n"
         "c1,0,customer,\"My card, it's gone\",lost_card|urgent,app\n"
         "c1,1,agent,Let me block it.,,app\n"
         "c2,0,user,thanks,,\n", NULL);
    CHECK_INT(g.st.kept, 2);
    CHECK_STR(g.st.formats, "csv");
    if ((t = turn_at(&g, 0, 0))) {
        CHECK_STR(g.c->dialogues[0].id, "c1");
        CHECK_STR(g.c->dialogues[0].split, "train");
        CHECK_STR(g.c->dialogues[0].corpus, "chats");
        CHECK_INT(g.c->dialogues[0].n_turns, 2);
        CHECK_INT(t->role, PL_ROLE_USER);
        CHECK_STR(t->text, "My card, it's gone");
        CHECK_INT(t->n_intents, 2);
        CHECK_STR(t->intents[1], "urgent");
        CHECK_STR(json_string_value(json_object_get(t->meta, "channel")),
                  "app");
    }
    if ((t = turn_at(&g, 1, 0)))
        CHECK_STR(json_string_value(json_object_get(t->meta, "channel")), "");
    got_free(&g);
}

static void test_table_damaged(void)
{
    struct got g;

    READ(&g, "t.csv",
         "dialogue_id,corpus,turn,role,text,meta.n:json\n"
         "a,x,0,user,hi,1\n"
         "a,x,2,agent,skipped one,\n"
         "a,x,3,user,still a,\n"
         "b,x,0,user,ok,2\n"
         "b,y,1,agent,other corpus,\n"
         "c,x,0,user,bad json,{oops\n"
         "d,x,0,user,short row\n"
         "d,x,1,agent,after the short row,\n"
         "e,x,0,user,fine,[1]\n"
         "a,x,0,user,a again,\n", NULL);
    CHECK_INT(g.status, PL_OK);
    CHECK_INT(g.st.kept, 2);
    CHECK_INT(g.st.rejected, 5);
    CHECK(has(g.rej[0], "t.csv:3:1: expected turn 1 of dialogue \"a\", "
              "found \"2\""));
    CHECK(has(g.raw[0], "a,x,0,user,hi,1\na,x,2,agent,skipped one,\n"
              "a,x,3,user,still a,"));
    CHECK(has(g.rej[1], "t.csv:6:1: expected the same corpus on every row "
              "of dialogue \"b\" (\"x\"), found \"y\""));
    CHECK(has(g.rej[2], "t.csv:8:1: expected 6 fields as in the header, "
              "found 5"));
    CHECK(has(g.rej[3], "t.csv:7:1: column \"meta.n:json\": expected a "
              "JSON value, found \"{oops\""));
    CHECK(has(g.rej[4], "t.csv:9:1: expected turn 0 of dialogue \"d\", "
              "found \"1\""));
    if (g.c->n_dialogues == 2) {
        CHECK_STR(g.c->dialogues[0].id, "e");
        CHECK(json_is_array(json_object_get(g.c->dialogues[0].turns[0].meta,
                                            "n")));
        CHECK_STR(g.c->dialogues[1].turns[0].text, "a again");
    }
    got_free(&g);
}

/* ---- errors ------------------------------------------------------------ */

static void test_writer_errors(void)
{
    struct pl_writer *w;
    struct pl_error err;
    struct pl_dialogue d;
    struct pl_turn *t;
    FILE *full = fopen("/dev/full", "w");

    CHECK_INT(pl_writer_open(PL_FMT_SGD, stdout, NULL, &w, &err),
              PL_ERR_USAGE);
    CHECK(w == NULL);
    CHECK(has(err.message, "found sgd"));
    CHECK(!pl_writer_supports(PL_FMT_CLINC));
    CHECK(pl_writer_supports(PL_FMT_TSV));
    pl_dialogue_init(&d, "bad");
    t = pl_dialogue_add_turn(&d);
    pl_turn_set_text(t, "caf\xC3", 4);
    if (CHECK_INT(pl_writer_open(PL_FMT_OPENAI, stdout, NULL, &w, &err),
                  PL_OK)) {
        CHECK_INT(pl_writer_write(w, &d, &err), PL_ERR_DATA);
        CHECK(has(err.message, "cannot write dialogue \"bad\""));
        pl_writer_free(w);
    }
    pl_turn_set_text(t, "ok", 2);
    if (full && CHECK_INT(pl_writer_open(PL_FMT_PARLAI_TEXT, full, NULL, &w,
                                         &err), PL_OK)) {
        pl_writer_write(w, &d, &err);
        CHECK_INT(pl_writer_close(w, NULL, &err), PL_ERR_IO);
    }
    if (full)
        fclose(full);
    pl_dialogue_fini(&d);
    pl_writer_free(NULL);
}

/* ---- the real corpora ------------------------------------------------- */

/* Read a real file (skipped when the corpora are missing). */
static struct pl_corpus *real(const char *rel)
{
    char buf[4096];
    const char *path = check_corpus(rel, buf);
    struct pl_corpus *c = NULL;
    struct pl_read_stats st;
    struct pl_error err;

    if (path && !CHECK_INT(pl_corpus_read(path, NULL, &c, &st, &err), PL_OK))
        fprintf(stderr, "  %s\n", err.message);
    return c;
}

/* Written as f and read back (detected). */
static struct pl_corpus *through(const struct pl_corpus *c, enum pl_format f,
                                 const char *name, struct out *w)
{
    struct got g;

    write_corpus(w, c, f, NULL);
    read_buf(&g, name, w->buf, w->len, NULL);
    CHECK_STR(g.st.formats, pl_format_name(f));
    CHECK_INT(g.st.rejected, 0);
    free(w->buf);
    w->buf = NULL;
    return g.c;
}

/* CLINC150 to fastText: every example comes back, text and intent. */
static void test_real_clinc_fasttext(void)
{
    struct pl_corpus *a = real("clinc150/data/data_full.json"), *b;
    struct out w;
    long bad = 0;

    if (!a)
        return;
    b = through(a, PL_FMT_FASTTEXT, "clinc.txt", &w);
    CHECK_INT(w.ws.records, 23700);
    CHECK_INT(w.ws.lost[PL_LOSS_TEXT] + w.ws.lost[PL_LOSS_LABEL], 0);
    if (CHECK_INT(b->n_dialogues, a->n_dialogues))
        for (size_t i = 0; i < a->n_dialogues; i++) {
            const struct pl_turn *t = &a->dialogues[i].turns[0];
            const struct pl_turn *u = &b->dialogues[i].turns[0];

            bad += strcmp(t->text, u->text) || u->n_intents != 1 ||
                   strcmp(t->intents[0], u->intents[0]);
        }
    CHECK_INT(bad, 0);
    pl_corpus_free(a);
    pl_corpus_free(b);
}

/* Banking77 (quoted line breaks) through the CSV turn table. */
static void test_real_banking_csv(void)
{
    struct pl_corpus *a = real("banking77/banking_data/train.csv"), *b;
    struct out w;

    if (!a)
        return;
    b = through(a, PL_FMT_CSV, "banking.csv", &w);
    CHECK_INT(b->n_dialogues, 10003);
    CHECK_INT(pl_write_stats_lost(&w.ws), 0);
    compare_table(a, b);
    pl_corpus_free(a);
    pl_corpus_free(b);
}

/* SGD dev through the turn table (all but slots and frames) and through
 * ParlAI text (user and system turns alternate, so pairs hold). */
static void test_real_sgd(void)
{
    struct pl_corpus *a = real("sgd/dev"), *b, *p;
    struct out w;
    long bad = 0, turns = 0;

    if (!a)
        return;
    b = through(a, PL_FMT_TSV, "sgd.tsv", &w);
    CHECK_INT(b->n_dialogues, 964);
    compare_table(a, b);
    p = through(a, PL_FMT_PARLAI_TEXT, "sgd.txt", &w);
    if (CHECK_INT(p->n_dialogues, 964))
        for (size_t i = 0; i < a->n_dialogues; i++) {
            const struct pl_dialogue *d = &a->dialogues[i];

            bad += d->n_turns != p->dialogues[i].n_turns;
            for (size_t j = 0; !bad && j < d->n_turns; j++, turns++)
                bad += strcmp(d->turns[j].text, p->dialogues[i].turns[j].text)
                       || d->turns[j].role != p->dialogues[i].turns[j].role;
        }
    CHECK_INT(bad, 0);
    CHECK_INT(turns, 14892);
    pl_corpus_free(a);
    pl_corpus_free(b);
    pl_corpus_free(p);
}

/* The OpenAI Cookbook sample comes back message for message. */
static void test_real_openai(void)
{
    struct pl_corpus *a = real("openai_chat_jsonl/toy_chat_fine_tuning.jsonl");
    struct pl_corpus *b;
    struct out w;

    if (!a)
        return;
    b = through(a, PL_FMT_OPENAI, "toy.jsonl", &w);
    CHECK_INT(pl_write_stats_lost(&w.ws), 0);
    if (CHECK_INT(b->n_dialogues, 5))
        for (size_t i = 0; i < 5; i++) {
            if (!CHECK_INT(b->dialogues[i].n_turns, a->dialogues[i].n_turns))
                continue;
            for (size_t j = 0; j < a->dialogues[i].n_turns; j++)
                compare_openai_turn(&a->dialogues[i].turns[j],
                                    &b->dialogues[i].turns[j]);
        }
    pl_corpus_free(a);
    pl_corpus_free(b);
}

int main(void)
{
    test_unified_identity();
    test_table(PL_FMT_CSV, "table.csv");
    test_table(PL_FMT_TSV, "table.tsv");
    test_openai();
    test_parlai();
    test_parlai_case23_written();
    test_parlai_escapes();
    test_fasttext();
    test_fasttext_prefix();
    test_table_by_hand();
    test_table_damaged();
    test_writer_errors();
    test_real_clinc_fasttext();
    test_real_banking_csv();
    test_real_sgd();
    test_real_openai();
    return check_done("test_fmt_writers");
}
