/*
 * SNIPS NLU benchmark files (2017-06-custom-intent-engines): one JSON
 * object {"<Intent>": [{"data": [{"text": ...}, {"text": ...,
 * "entity": <slot>}, ...]}, ...]}. An utterance is the concatenation of
 * its segments' texts; segments naming an entity are its slot spans.
 *
 * Each utterance becomes a one-turn user dialogue "snips:<file
 * stem>:<n>" (n counting utterances in the file from 0), corpus "snips",
 * intent = the member name. Slot spans in bytes, named by the segment's
 * "slot_name" when it has one (as in the Snips NLU dataset format), else
 * its "entity"; no canonical value. When a segment carries anything
 * else (slot_name beside entity, other keys), the whole "data" list is
 * kept in turn extra; other members of an utterance go to turn extra.
 *
 * Split from the file name's first word: train_X.json and
 * train_X_full.json -> train, validate_X.json -> dev (the benchmark's
 * held-out set), test_X.json -> test; else from the folders (see
 * td_split_of). Both training sizes read alike; a folder holding both
 * gives the small set twice, once in each file.
 *
 * Each utterance is parsed, located and rejected on its own, so a bad
 * byte (the CESU-8 surrogate pair in train_PlayMusic_full.json) costs one
 * utterance, not the file.
 */
#include "fmt_taskdata.h"

#include <stdlib.h>
#include <string.h>

struct snips {
    struct pl_reader *r;
    char stem[256];
    const char *split;
    char *intent;           /* the member being read */
    long count;             /* utterances met in the file so far */
};

/* Are all the segments plain {"text"[, "entity"]} objects? */
static int plain_segments(const json_t *data)
{
    const json_t *seg;
    const char *k;
    json_t *v;
    size_t i;

    json_array_foreach(data, i, seg)
        json_object_foreach((json_t *)seg, k, v)
            if (strcmp(k, "text") && strcmp(k, "entity"))
                return 0;
    return 1;
}

/* What is wrong with a segment, for messages. */
static const char *segment_fault(const json_t *seg)
{
    const json_t *text = json_object_get(seg, "text");

    if (!json_is_object(seg))
        return pl_json_kind(seg);
    if (!text)
        return "no \"text\"";
    if (!json_is_string(text))
        return "a \"text\" that is not a string";
    return "an \"entity\" or \"slot_name\" that is not a string";
}

/* Check the segments and measure the text they make. */
static enum pl_status check_segments(struct snips *c, const json_t *data,
                                     const struct td_rec *rec, size_t *len,
                                     struct pl_error *why)
{
    const json_t *seg;
    size_t i;

    *len = 0;
    json_array_foreach(data, i, seg) {
        const json_t *text = json_object_get(seg, "text");
        const json_t *ent = json_object_get(seg, "entity");
        const json_t *name = json_object_get(seg, "slot_name");

        long line, col;

        if (!json_is_string(text) || (ent && !json_is_string(ent)) ||
            (name && !json_is_string(name))) {
            td_elem_pos(rec, "data", i, &line, &col);
            return td_bad(why, c->r->path, line, col, "%s[%ld].data[%zu]: "
                          "expected a segment with a \"text\" string, "
                          "found %s", c->intent, rec->index, i,
                          segment_fault(seg));
        }
        *len += json_string_length(text);
    }
    return PL_OK;
}

/* Join the segments into the turn's text and add their spans. */
static int fill_turn(struct pl_turn *t, const json_t *data, size_t len)
{
    char *text = malloc(len + 1);
    const json_t *seg;
    size_t i, at = 0;
    int bad = !text;

    json_array_foreach(data, i, seg) {
        const json_t *s = json_object_get(seg, "text");

        if (bad)
            break;
        memcpy(text + at, json_string_value(s), json_string_length(s));
        at += json_string_length(s);
    }
    bad = bad || pl_turn_set_text(t, text, len) != PL_OK;
    free(text);
    at = 0;
    json_array_foreach(data, i, seg) {
        const char *slot = json_string_value(json_object_get(seg,
                                                             "slot_name"));
        size_t n = json_string_length(json_object_get(seg, "text"));

        if (!slot)
            slot = json_string_value(json_object_get(seg, "entity"));
        if (!bad && slot)
            bad = pl_turn_add_slot(t, slot, (long)at, (long)(at + n),
                                   NULL) != PL_OK;
        at += n;
    }
    return bad ? -1 : 0;
}

static enum pl_status snips_build(void *ctx, struct pl_dialogue *d,
                                  json_t *v, const struct td_rec *rec,
                                  struct pl_error *why)
{
    static const char *const mapped[] = { "data", NULL };
    struct snips *c = ctx;
    const json_t *data = json_object_get(v, "data");
    struct pl_turn *t;
    char id[400];
    size_t len;
    enum pl_status st;

    if (!json_is_object(v) || !json_is_array(data))
        return td_bad(why, c->r->path, rec->line, rec->col, "%s[%ld]: "
                      "expected an object with a \"data\" list of "
                      "segments, found %s", c->intent, rec->index,
                      !json_is_object(v) ? pl_json_kind(v)
                      : data ? pl_json_kind(data) : "no data");
    if ((st = check_segments(c, data, rec, &len, why)) != PL_OK)
        return st;
    snprintf(id, sizeof id, "snips:%s:%ld", c->stem, c->count - 1);
    if (td_dialogue_init(d, id, "snips", c->split, c->r->path, rec) ||
        !(t = td_turn_add(d, PL_ROLE_USER, "", 0, c->r->path, rec->line,
                          rec->col)) ||
        fill_turn(t, data, len) || pl_turn_add_intent(t, c->intent) ||
        td_copy_rest(t->extra, v, mapped) ||
        (!plain_segments(data) &&
         json_object_set(t->extra, "data", (json_t *)data)))
        return td_nomem(why, c->r->path, rec->line, rec->col);
    return PL_OK;
}

static enum pl_status snips_element(void *ctx, const char *s, size_t n,
                                    long line, long col, long index)
{
    struct snips *c = ctx;
    struct td_rec rec = { s, n, line, col, index };

    c->count++;
    return td_record(c->r, &rec, "an utterance", snips_build, c);
}

/* One intent: its name, then its list of utterances. A name that cannot
 * be decoded rejects the list with it. */
static enum pl_status snips_member(void *ctx, struct pl_jscan *js,
                                   const struct td_key *key, int *broken)
{
    struct snips *c = ctx;
    struct pl_error why;
    struct td_rec rec;
    enum pl_status st;

    free(c->intent);
    c->intent = NULL;
    st = td_key_text(c->r, key, &c->intent, &why);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(c->r, &why);
    if (st == PL_OK)
        return pl_jscan_array(c->r, js, snips_element, c, broken);
    if ((st = td_value(c->r, js, &rec, broken)) != PL_OK || *broken)
        return st;
    return pl_reader_reject(c->r, rec.s, rec.n, &why);
}

/* train_X -> train, validate_X -> dev, ...; else the folders. */
static const char *snips_split(const char *path, const char *stem)
{
    const char *us = strchr(stem, '_');
    const char *s = us ? td_split_name(stem, (size_t)(us - stem)) : NULL;

    return s ? s : td_split_of(path);
}

enum pl_status pl_snips_read(struct pl_reader *r, const char *buf,
                             size_t n)
{
    struct snips c;
    struct pl_jscan js;
    enum pl_status st;
    int broken;

    memset(&c, 0, sizeof c);
    c.r = r;
    pl_name_stem(r->path, c.stem, sizeof c.stem);
    c.split = snips_split(r->path, c.stem);
    pl_jscan_init(&js, buf, n, 1, 1);
    st = td_object(r, &js, "'{' starting a SNIPS file", snips_member, &c,
                   &broken);
    if (st == PL_OK && !broken)
        st = td_expect_end(r, &js);
    free(c.intent);
    return st;
}
