/*
 * The fastText writer: a line per turn that has intents,
 * "<prefix>a <prefix>b text". fastText splits lines on white space and
 * takes every token that starts with the prefix for a label, so the
 * writer keeps each line one example: line breaks (LF, CR) in the text
 * become spaces, a text token that starts with the prefix gets a '_' in front
 * (a '-' when the prefix is all underscores), and white space inside an
 * intent becomes '_'. Each change is counted; nothing else of a record
 * fits in the format and all of it is counted as left out.
 */
#include "writers_impl.h"

#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

/* Write one intent as a label; returns 1 when it had to change. */
static int put_label(struct pl_writer *w, const char *s)
{
    int changed = 0;

    fputs(w->o.label_prefix, w->fp);
    for (; *s; s++) {
        changed |= is_space(*s);
        fputc(is_space(*s) ? '_' : *s, w->fp);
    }
    return changed;
}

/* The byte put before a text token that would read as a label. */
static char escape_byte(const char *prefix)
{
    for (const char *p = prefix; *p; p++)
        if (*p != '_')
            return '_';
    return '-';
}

/* Write the text; returns 1 when it had to change. */
static int put_text(struct pl_writer *w, const char *s)
{
    const char *prefix = w->o.label_prefix;
    size_t plen = strlen(prefix);
    int changed = 0, start = 1;

    for (; *s; s++) {
        char c = *s;

        if (start && !strncmp(s, prefix, plen)) {
            fputc(escape_byte(prefix), w->fp);
            changed = 1;
        }
        if (c == '\n' || c == '\r') {
            c = ' ';
            changed = 1;
        }
        fputc(c, w->fp);
        start = is_space(c);
    }
    return changed;
}

static void put_turn(struct pl_writer *w, const struct pl_turn *t)
{
    int first = 1, changed = 0;

    for (size_t i = 0; i < t->n_intents; i++) {
        if (!t->intents[i][0]) {
            w->st.lost[PL_LOSS_INTENT]++;
            continue;
        }
        if (!first)
            fputc(' ', w->fp);
        changed |= put_label(w, t->intents[i]);
        first = 0;
    }
    w->st.lost[PL_LOSS_LABEL] += changed;
    if (t->text[0]) {
        fputc(' ', w->fp);
        w->st.lost[PL_LOSS_TEXT] += put_text(w, t->text);
    }
    fputc('\n', w->fp);
    w->st.records++;
}

/* Does t have an intent that is not empty? */
static int labelled(const struct pl_turn *t)
{
    for (size_t i = 0; i < t->n_intents; i++)
        if (t->intents[i][0])
            return 1;
    return 0;
}

static enum pl_status fasttext_write(struct pl_writer *w,
                                     const struct pl_dialogue *d,
                                     struct pl_error *err)
{
    if (d->n_turns == 0)
        w->st.lost[PL_LOSS_DIALOGUE]++;
    pl_wr_lose_dialogue(w, d, 0);
    for (size_t i = 0; i < d->n_turns; i++) {
        const struct pl_turn *t = &d->turns[i];

        if (!labelled(t)) {
            w->st.lost[PL_LOSS_TURN]++;
            continue;
        }
        w->st.lost[PL_LOSS_ROLE] += t->role != PL_ROLE_USER;
        pl_wr_lose_turn(w, t, PL_CARRY(PL_LOSS_INTENT));
        put_turn(w, t);
    }
    return pl_wr_check(w, err);
}

static enum pl_status fasttext_open(struct pl_writer *w,
                                    struct pl_error *err)
{
    for (const char *p = w->o.label_prefix; *p; p++)
        if (is_space(*p))
            return pl_error_set(err, PL_ERR_USAGE, NULL, 0, 0,
                                "expected a label prefix without white "
                                "space, found \"%s\"", w->o.label_prefix);
    return PL_OK;
}

const struct pl_writer_ops pl_write_fasttext_ops = {
    fasttext_open, fasttext_write, NULL, NULL
};
