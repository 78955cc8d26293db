/*
 * NLU++ folds (PolyAI): a JSON array of {"text", "intents": [...],
 * "slots": {name: {"text", "span": [start, end], "value" | "values"}}},
 * intents and slots left out when there are none.
 *
 * Each example becomes a one-turn user dialogue
 * "nlupp:<domain>:<file stem>:<index>", corpus "nlupp". Intents: all of
 * them, in the order given (multi-label; none when the list is absent or
 * empty). Slots: spans from "span" (character offsets, converted to
 * bytes); the value is "value", or "values" (the data uses both: a
 * single value, or a structured range such as a date period), as text
 * when it is a string, else as compact JSON ({"hour":9,"minute":5}, 1).
 * The slots object itself stays in turn extra, so its shapes are kept.
 *
 * Metadata: turn "domain" = the name of the folder holding the file
 * (banking, hotels), unless that is a split name; dialogue "fold" = N
 * for a file named foldN.json.
 * NLU++ has no fixed train/test split (its protocols combine folds), so
 * the split is left empty unless a file or folder name gives one.
 *
 * Each example is parsed, located and rejected on its own.
 */
#include "fmt_taskdata.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct nlupp {
    struct pl_reader *r;
    char domain[256];
    char stem[256];
    long fold;              /* -1 when the name gives none */
    const char *split;
};

/* The slot's value as text (caller frees), NULL when it has none. */
static char *value_text(const json_t *so)
{
    const json_t *v = json_object_get(so, "value");

    if (!v)
        v = json_object_get(so, "values");
    if (!v)
        return NULL;
    if (json_is_string(v))
        return pl_strndup(json_string_value(v), json_string_length(v));
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static enum pl_status add_slots(struct nlupp *c, struct pl_turn *t,
                                const json_t *slots,
                                const struct td_rec *rec,
                                struct pl_error *why)
{
    const char *name;
    json_t *so;

    if (!json_is_object(slots))
        return td_bad(why, c->r->path, rec->line, rec->col, "[%ld].slots: "
                      "expected an object of slots, found %s", rec->index,
                      pl_json_kind(slots));
    json_object_foreach((json_t *)slots, name, so) {
        const json_t *span = json_object_get(so, "span");
        const json_t *a = json_array_get(span, 0), *b = json_array_get(span, 1);
        char *val = NULL;
        int rc = 1;

        if (json_is_integer(a) && json_is_integer(b) &&
            json_array_size(span) == 2) {
            val = value_text(so);
            rc = td_add_char_span(t, name, (long)json_integer_value(a),
                                  (long)json_integer_value(b), val);
        }
        free(val);
        if (rc < 0)
            return td_nomem(why, c->r->path, rec->line, rec->col);
        if (rc > 0)
            return td_bad(why, c->r->path, rec->line, rec->col,
                          "[%ld].slots[\"%.100s\"]: expected a \"span\" "
                          "[start, end] of characters within the text, "
                          "found %s", rec->index, name,
                          span ? pl_json_kind(span) : "none");
    }
    return PL_OK;
}

static enum pl_status add_intents(struct nlupp *c, struct pl_turn *t,
                                  const json_t *intents,
                                  const struct td_rec *rec,
                                  struct pl_error *why)
{
    const json_t *it;
    size_t i;

    if (!json_is_array(intents))
        return td_bad(why, c->r->path, rec->line, rec->col, "[%ld].intents: "
                      "expected a list of intent names, found %s",
                      rec->index, pl_json_kind(intents));
    json_array_foreach(intents, i, it) {
        long line, col;

        if (!json_is_string(it)) {
            td_elem_pos(rec, "intents", i, &line, &col);
            return td_bad(why, c->r->path, line, col, "[%ld].intents[%zu]: "
                          "expected an intent name, found %s", rec->index,
                          i, pl_json_kind(it));
        }
        if (td_add_unique_intent(t, json_string_value(it)))
            return td_nomem(why, c->r->path, rec->line, rec->col);
    }
    return PL_OK;
}

static int nlupp_meta(struct nlupp *c, struct pl_dialogue *d,
                      struct pl_turn *t)
{
    if (c->domain[0] && json_object_set_new(t->meta, "domain",
                                            json_string(c->domain)))
        return -1;
    if (c->fold >= 0 && json_object_set_new(d->meta, "fold",
                                            json_integer(c->fold)))
        return -1;
    return 0;
}

static enum pl_status nlupp_build(void *ctx, struct pl_dialogue *d,
                                  json_t *v, const struct td_rec *rec,
                                  struct pl_error *why)
{
    static const char *const mapped[] = { "text", "intents", NULL };
    struct nlupp *c = ctx;
    const json_t *text = json_object_get(v, "text");
    const json_t *intents = json_object_get(v, "intents");
    const json_t *slots = json_object_get(v, "slots");
    struct pl_turn *t;
    char id[800];
    enum pl_status st;

    if (!json_is_object(v) || !json_is_string(text))
        return td_bad(why, c->r->path, rec->line, rec->col, "[%ld]: "
                      "expected an example with a \"text\" string, found %s",
                      rec->index, json_is_object(v) ? "no text"
                                                    : pl_json_kind(v));
    snprintf(id, sizeof id, "nlupp:%s%s%s:%ld", c->domain,
             c->domain[0] ? ":" : "", c->stem, rec->index);
    if (td_dialogue_init(d, id, "nlupp", c->split, c->r->path, rec) ||
        !(t = td_turn_add(d, PL_ROLE_USER, json_string_value(text),
                          json_string_length(text), c->r->path, rec->line,
                          rec->col)) ||
        nlupp_meta(c, d, t) || td_copy_rest(t->extra, v, mapped))
        return td_nomem(why, c->r->path, rec->line, rec->col);
    if (intents && (st = add_intents(c, t, intents, rec, why)) != PL_OK)
        return st;
    if (slots && (st = add_slots(c, t, slots, rec, why)) != PL_OK)
        return st;
    return PL_OK;
}

static enum pl_status nlupp_element(void *ctx, const char *s, size_t n,
                                    long line, long col, long index)
{
    struct nlupp *c = ctx;
    struct td_rec rec = { s, n, line, col, index };

    return td_record(c->r, &rec, "an example", nlupp_build, c);
}

/* N of "foldN", else -1. */
static long fold_number(const char *stem)
{
    long v = 0;
    size_t i = 4;

    if (strncmp(stem, "fold", 4) || !stem[4])
        return -1;
    for (; stem[i]; i++) {
        if (!isdigit((unsigned char)stem[i]) || v > 100000000)
            return -1;
        v = v * 10 + (stem[i] - '0');
    }
    return v;
}

enum pl_status pl_nlupp_read(struct pl_reader *r, const char *buf,
                             size_t n)
{
    struct nlupp c;
    struct pl_jscan js;
    enum pl_status st;
    int broken;

    memset(&c, 0, sizeof c);
    c.r = r;
    pl_name_stem(r->path, c.stem, sizeof c.stem);
    pl_name_parent(r->path, c.domain, sizeof c.domain);
    if (td_split_name(c.domain, strlen(c.domain)))
        c.domain[0] = '\0';
    c.fold = fold_number(c.stem);
    c.split = td_split_of(r->path);
    pl_jscan_init(&js, buf, n, 1, 1);
    st = pl_jscan_array(r, &js, nlupp_element, &c, &broken);
    if (st == PL_OK && !broken)
        st = td_expect_end(r, &js);
    return st;
}
