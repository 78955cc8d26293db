/*
 * From records to model inputs: which turns become examples, context
 * turns with role markers, truncation from the front, subword features,
 * word ids under a vocabulary, and vocabulary ranking.
 */
#include "check.h"
#include "parlance/dataset.h"

/* A dialogue: user "hello there", agent "how can i help", user "pay my
 * bill" (intent pay_bill), agent "done", user "thanks" (intent thanks). */
static struct pl_corpus *make_corpus(void)
{
    static const char *const text[] = { "hello there", "how can i help",
                                        "pay my bill", "done", "thanks" };
    static const char *const intent[] = { NULL, NULL, "pay_bill", NULL,
                                          "thanks" };
    struct pl_corpus *c = pl_corpus_new("t");
    struct pl_dialogue d;

    pl_dialogue_init(&d, "d1");
    for (int i = 0; i < 5; i++) {
        struct pl_turn *t = pl_dialogue_add_turn(&d);
        t->role = i % 2 ? PL_ROLE_AGENT : PL_ROLE_USER;
        pl_turn_set_text(t, text[i], strlen(text[i]));
        if (intent[i])
            pl_turn_add_intent(t, intent[i]);
    }
    pl_corpus_take(c, &d);
    return c;
}

static const char *tok(const struct pl_dataset *ds, long i, int t)
{
    return ds->tokens[ds->items[i].tok_off + t];
}

static void test_no_context(void)
{
    struct pl_corpus *c = make_corpus();
    struct pl_feature_opts fo;
    struct pl_dataset ds;

    pl_feature_opts_default(&fo);
    CHECK(pl_dataset_build(&ds, c, NULL, NULL, &fo, NULL) == PL_OK);
    CHECK_INT(ds.n, 2);
    CHECK_STR(ds.items[0].label, "pay_bill");
    CHECK_INT(ds.items[0].T, 3);
    CHECK_INT(ds.items[0].cur, 0);
    CHECK_STR(tok(&ds, 0, 0), "pay");
    CHECK_STR(ds.items[1].label, "thanks");
    CHECK(c->dialogues[0].turns[1].norm != NULL);
    pl_dataset_fini(&ds);
    pl_corpus_free(c);
}

static void test_context_and_truncation(void)
{
    struct pl_corpus *c = make_corpus();
    struct pl_feature_opts fo;
    struct pl_dataset ds;
    const struct pl_item *it;

    pl_feature_opts_default(&fo);
    fo.context = 2;
    CHECK(pl_dataset_build(&ds, c, NULL, NULL, &fo, NULL) == PL_OK);
    it = &ds.items[1]; /* "thanks" after "pay my bill", "done" */
    CHECK_INT(it->T, 8);
    CHECK_STR(tok(&ds, 1, 0), "<user>");
    CHECK_STR(tok(&ds, 1, 4), "<agent>");
    CHECK_STR(tok(&ds, 1, 6), "<turn>");
    CHECK_INT(it->cur, 7);
    CHECK_STR(tok(&ds, 1, 7), "thanks");
    /* markers carry no subword ids, words do */
    const int *off = ds.sub_off + it->sub_off;
    CHECK_INT(off[1] - off[0], 0);
    CHECK(off[2] - off[1] > 0);
    pl_dataset_fini(&ds);

    fo.max_tokens = 3;
    CHECK(pl_dataset_build(&ds, c, NULL, NULL, &fo, NULL) == PL_OK);
    CHECK_INT(ds.items[1].T, 3);
    CHECK_INT(ds.items[1].cur, 2);
    CHECK_STR(tok(&ds, 1, 2), "thanks");
    CHECK_INT(ds.items[0].cur, 0); /* the turn itself was cut too */
    CHECK_STR(tok(&ds, 0, 2), "bill");
    pl_dataset_fini(&ds);
    pl_corpus_free(c);
}

static void test_vocab_and_encode(void)
{
    struct pl_corpus *c = make_corpus();
    struct pl_feature_opts fo;
    struct pl_dataset ds;
    struct pl_vocab *counts = pl_vocab_new(), *v;
    struct pl_seq seqs[2];
    int *words = NULL;

    pl_feature_opts_default(&fo);
    fo.context = 1;
    CHECK(pl_dataset_build(&ds, c, NULL, NULL, &fo, NULL) == PL_OK);
    CHECK(pl_dataset_count_words(&ds, counts, NULL) == PL_OK);
    v = pl_vocab_from_counts(counts, 2, NULL);
    /* "<unk>" first, then the only words seen twice, the markers, tied
     * and so in order of first appearance */
    CHECK_STR(pl_vocab_word(v, 0), "<unk>");
    CHECK_INT(pl_vocab_size(v), 3);
    CHECK_STR(pl_vocab_word(v, 1), "<agent>");
    CHECK_STR(pl_vocab_word(v, 2), "<turn>");
    CHECK(pl_dataset_encode(&ds, v, &words, seqs, NULL) == PL_OK);
    /* item 0: <agent> how can i help <turn> pay my bill */
    CHECK_INT(seqs[0].T, 9);
    CHECK_INT(seqs[0].words[0], 1);
    CHECK_INT(seqs[0].words[1], 0);  /* "how": seen once, unknown */
    CHECK_INT(seqs[0].words[5], 2);
    CHECK_INT(seqs[0].words[6], 0);
    free(words);
    pl_vocab_free(v);
    pl_vocab_free(counts);
    pl_dataset_fini(&ds);
    pl_corpus_free(c);
}

static int keep_none(const struct pl_dialogue *d, void *ctx)
{
    (void)d;
    (void)ctx;
    return 0;
}

static void test_filter(void)
{
    struct pl_corpus *c = make_corpus();
    struct pl_feature_opts fo;
    struct pl_dataset ds;

    pl_feature_opts_default(&fo);
    CHECK(pl_dataset_build(&ds, c, keep_none, NULL, &fo, NULL) == PL_OK);
    CHECK_INT(ds.n, 0);
    pl_dataset_fini(&ds);
    pl_corpus_free(c);
}

int main(void)
{
    test_no_context();
    test_context_and_truncation();
    test_vocab_and_encode();
    test_filter();
    return check_done("test_dataset");
}
