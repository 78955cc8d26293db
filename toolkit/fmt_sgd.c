/*
 * Schema-Guided Dialogue shards: a JSON array of dialogues, each with
 * "dialogue_id", "services" and "turns" (speaker, utterance, frames).
 *
 * Each dialogue becomes "sgd:<split>:<dialogue_id>" (ids repeat across
 * splits), split being the name of the folder holding the shard (train,
 * dev, test; "" when the folder is named otherwise). Roles: USER -> user,
 * SYSTEM -> agent, the speaker name kept.
 *
 * Labels: a USER turn's intents are the distinct active intents of its
 * frames' states other than "NONE". When the user switches services, a
 * turn has a frame for the old service and one for the new; the intent of
 * the frame where the user acts INFORM_INTENT comes first, since the
 * first intent is the turn's label. When every state says "NONE" (the
 * user has not asked for anything yet) the intent is the label "NONE",
 * kept so that such turns can be counted and sliced. Acts are "ACT" or
 * "ACT(slot)" for every frame action, both speakers, without repeats.
 * Slots are the frames' spans, converted from character to byte offsets,
 * with value = the spanned text.
 *
 * Metadata: dialogue "services" (as given), "domains" (services without
 * their "_N" suffix, in order, no repeats) and "multi_domain" (more than
 * one domain); turn "service" (the frame stating its intent, else the
 * first frame with an active intent, else the first frame) and its
 * "domain". The frames themselves (state with
 * slot_values and requested_slots, service_call, service_results) stay
 * in turn extra "frames", unknown keys in extra too, so nothing is lost.
 *
 * MultiWOZ 2.2 uses this layout too; its dialogues (ids ending in
 * ".json", such as "PMUL4398.json") become "multiwoz22:<split>:<id>",
 * corpus "multiwoz22". Its "copy_from" slot annotations carry a value but
 * no span, so they are kept with the frames and make no slot span. Its
 * frames hold no actions: the acts come from dialog_acts.json in the
 * shard's folder or the one above, by dialogue id and turn_id, as
 * "Domain-Act(slot)" (as for MultiWOZ 2.1), the entry kept in turn extra
 * ("dialog_act", "span_info"). Every turn has a frame per service, so
 * the turn's service is the frame whose intent is active, else the first
 * with slots or actions, else the first domain of its acts.
 *
 * Each dialogue is parsed, located and rejected on its own; see
 * pl_jscan_array. schema.json files are recognised and only noted.
 */
#include "fmt_taskdata.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct sgd {
    struct pl_reader *r;
    const char *split;
    char id_prefix[80];     /* "sgd:<split folder>:" or "sgd:" */
    char mw_prefix[80];     /* the same for MultiWOZ 2.2, "multiwoz22:" */
    int mw22;               /* the current dialogue is MultiWOZ 2.2 */
    int mw_tried;           /* looked for its dialog_acts.json */
    struct td_mw22_acts *mw_acts;
    json_t *dlg_acts;       /* turn id -> acts of the current dialogue */
    long line, col;         /* where the current dialogue starts */
    struct pl_pos *tpos;    /* where its turns start */
    size_t n_tpos;
    struct pl_error why;
};

static enum pl_status sgd_bad(struct sgd *c, long line, long col,
                              const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum pl_status sgd_bad(struct sgd *c, long line, long col,
                              const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pl_error_set(&c->why, PL_ERR_FORMAT, c->r->path, line, col, "%s",
                        msg);
}

static enum pl_status sgd_nomem(struct sgd *c)
{
    return pl_error_set(&c->why, PL_ERR_NOMEM, c->r->path, c->line, c->col,
                        "out of memory");
}

/* "Restaurants_1" -> "Restaurants", as a JSON string (NULL without
 * memory). */
static json_t *domain_of(const char *service)
{
    size_t len = strlen(service), u = len;

    while (u > 0 && service[u - 1] >= '0' && service[u - 1] <= '9')
        u--;
    if (u > 1 && u < len && service[u - 1] == '_')
        len = u - 1;
    return json_stringn(service, len);
}

static int has_str(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return 1;
    return 0;
}

/* "ACT(slot)", or "ACT" when there is no slot. Caller frees. */
static char *act_label(const char *act, const char *slot)
{
    size_t na = strlen(act), ns = slot ? strlen(slot) : 0;
    char *s = malloc(na + ns + 3);

    if (!s)
        return NULL;
    memcpy(s, act, na);
    if (ns) {
        s[na] = '(';
        memcpy(s + na + 1, slot, ns);
        s[na + 1 + ns] = ')';
        na += ns + 2;
    }
    s[na] = '\0';
    return s;
}

/* Byte offset of character k of s[0..n), or -1 when k is past the end. */
static long char_to_byte(const char *s, size_t n, long k)
{
    long chars = 0;

    for (size_t i = 0; i < n; i++) {
        if ((s[i] & 0xC0) == 0x80)
            continue;
        if (chars++ == k)
            return (long)i;
    }
    return k == chars ? (long)n : -1;
}

/* ---- frames --------------------------------------------------------- */

/* What the frames of a turn say about its service and intents. */
struct frame_sum {
    const char *first_service;
    const char *intent_service;
    const char *busy_service;   /* the first frame with slots or acts */
    const char *stated_service; /* frame whose user states its intent */
    long stated;                /* that intent's index in t->intents */
    int any_state;
};

/* Does the frame's user act INFORM_INTENT, i.e. ask for this intent now? */
static int states_intent(const json_t *f)
{
    const json_t *a;
    size_t i;

    json_array_foreach(json_object_get(f, "actions"), i, a) {
        const char *act = json_string_value(json_object_get(a, "act"));
        if (act && !strcmp(act, "INFORM_INTENT"))
            return 1;
    }
    return 0;
}

static long find_str(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return (long)i;
    return -1;
}

/* Move intent k to the front, keeping the others in order. */
static void intent_to_front(struct pl_turn *t, long k)
{
    char *first = t->intents[k];

    memmove(t->intents + 1, t->intents, (size_t)k * sizeof *t->intents);
    t->intents[0] = first;
}

static enum pl_status frame_actions(struct sgd *c, struct pl_turn *t,
                                    const json_t *acts, const char *where,
                                    const struct pl_pos *p)
{
    const json_t *a;
    size_t i;

    if (acts && !json_is_array(acts))
        return sgd_bad(c, p->line, p->col, "%s.actions: expected an array, "
                       "found %s", where, pl_json_kind(acts));
    json_array_foreach(acts, i, a) {
        const char *act = json_string_value(json_object_get(a, "act"));
        const char *slot = json_string_value(json_object_get(a, "slot"));
        char *label;
        int bad;

        if (!act)
            return sgd_bad(c, p->line, p->col, "%s.actions[%zu]: expected "
                           "an \"act\" string", where, i);
        label = act_label(act, slot);
        bad = !label || (!has_str(t->acts, t->n_acts, label) &&
                         pl_turn_add_act(t, label) != PL_OK);
        free(label);
        if (bad)
            return sgd_nomem(c);
    }
    return PL_OK;
}

static enum pl_status frame_spans(struct sgd *c, struct pl_turn *t,
                                  const json_t *spans, const char *where,
                                  const struct pl_pos *p)
{
    size_t n = strlen(t->text), i;
    const json_t *sp;

    if (spans && !json_is_array(spans))
        return sgd_bad(c, p->line, p->col, "%s.slots: expected an array, "
                       "found %s", where, pl_json_kind(spans));
    json_array_foreach(spans, i, sp) {
        const char *slot = json_string_value(json_object_get(sp, "slot"));
        json_t *js = json_object_get(sp, "start");
        json_t *je = json_object_get(sp, "exclusive_end");
        long a = -1, b = -1;
        char *val;
        enum pl_status st;

        if (!js && !je)
            continue;   /* MultiWOZ 2.2 "copy_from": a value, no span */
        if (json_is_integer(js) && json_is_integer(je) &&
            json_integer_value(js) <= json_integer_value(je) &&
            json_integer_value(je) <= (json_int_t)n) {
            a = char_to_byte(t->text, n, (long)json_integer_value(js));
            b = char_to_byte(t->text, n, (long)json_integer_value(je));
        }
        if (!slot || a < 0 || b < 0)
            return sgd_bad(c, p->line, p->col, "%s.slots[%zu]: expected a "
                           "slot name and a character span within the "
                           "utterance", where, i);
        if (!(val = pl_strndup(t->text + a, (size_t)(b - a))))
            return sgd_nomem(c);
        st = pl_turn_add_slot(t, slot, a, b, val);
        free(val);
        if (st != PL_OK)
            return sgd_nomem(c);
    }
    return PL_OK;
}

static enum pl_status frame_state(struct sgd *c, struct pl_turn *t,
                                  const json_t *f, struct frame_sum *sum)
{
    const json_t *state = json_object_get(f, "state");
    const char *intent, *service;

    if (!json_is_object(state))
        return PL_OK;
    intent = json_string_value(json_object_get(state, "active_intent"));
    service = json_string_value(json_object_get(f, "service"));
    if (!intent)
        return PL_OK;
    sum->any_state = 1;
    if (!strcmp(intent, "NONE"))
        return PL_OK;
    if (sum->stated < 0 && states_intent(f)) {
        sum->stated_service = service;
        sum->stated = find_str(t->intents, t->n_intents, intent);
        if (sum->stated < 0)
            sum->stated = (long)t->n_intents;
    }
    if (has_str(t->intents, t->n_intents, intent))
        return PL_OK;
    if (!sum->intent_service)
        sum->intent_service = service;
    return pl_turn_add_intent(t, intent) == PL_OK ? PL_OK : sgd_nomem(c);
}

/* The frame a turn is about: the one stating its intent, else its
 * active intent's; for MultiWOZ 2.2, whose every turn has a frame per
 * service, else the first with slots or acts, else the domain of its
 * acts; for SGD else the first frame. */
static const char *turn_service(const struct sgd *c,
                                const struct frame_sum *sum,
                                const char *act_domain)
{
    if (sum->stated_service)
        return sum->stated_service;
    if (sum->intent_service)
        return sum->intent_service;
    if (!c->mw22)
        return sum->first_service;
    if (sum->busy_service)
        return sum->busy_service;
    return act_domain[0] ? act_domain : NULL;
}

static enum pl_status turn_frames(struct sgd *c, struct pl_turn *t,
                                  const json_t *frames, size_t ti,
                                  const struct pl_pos *p,
                                  const char *act_domain)
{
    struct frame_sum sum = { NULL, NULL, NULL, NULL, -1, 0 };
    const json_t *f;
    char where[64];
    size_t i;
    enum pl_status st = PL_OK;
    const char *service;

    json_array_foreach(frames, i, f) {
        snprintf(where, sizeof where, "turns[%zu].frames[%zu]", ti, i);
        if (!json_is_object(f))
            return sgd_bad(c, p->line, p->col, "%s: expected an object, "
                           "found %s", where, pl_json_kind(f));
        if (!sum.first_service)
            sum.first_service = json_string_value(json_object_get(f,
                                                             "service"));
        if (!sum.busy_service &&
            (json_array_size(json_object_get(f, "slots")) ||
             json_array_size(json_object_get(f, "actions"))))
            sum.busy_service = json_string_value(json_object_get(f,
                                                            "service"));
        if ((st = frame_actions(c, t, json_object_get(f, "actions"), where,
                                p)) != PL_OK ||
            (st = frame_spans(c, t, json_object_get(f, "slots"), where,
                              p)) != PL_OK ||
            (st = frame_state(c, t, f, &sum)) != PL_OK)
            return st;
    }
    if (sum.any_state && t->n_intents == 0 &&
        pl_turn_add_intent(t, "NONE") != PL_OK)
        return sgd_nomem(c);
    if (sum.stated > 0)
        intent_to_front(t, sum.stated);
    service = turn_service(c, &sum, act_domain);
    if (service &&
        (json_object_set_new(t->meta, "service", json_string(service)) ||
         json_object_set_new(t->meta, "domain", domain_of(service))))
        return sgd_nomem(c);
    return PL_OK;
}

/* ---- turns and dialogues -------------------------------------------- */

/* MultiWOZ 2.2: the turn's acts from dialog_acts.json, found by its
 * turn_id (else its index); their first domain into dom. */
static int mw22_acts(struct sgd *c, struct pl_turn *t, const json_t *tj,
                     size_t i, char *dom, size_t dn)
{
    const json_t *tid = json_object_get(tj, "turn_id"), *entry;
    char key[32];

    if (!c->dlg_acts)
        return 0;
    if (json_is_string(tid))
        entry = json_object_get(c->dlg_acts, json_string_value(tid));
    else {
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT,
                 json_is_integer(tid) ? json_integer_value(tid)
                                      : (json_int_t)i);
        entry = json_object_get(c->dlg_acts, key);
    }
    return json_is_object(entry) ? td_mw22_turn_acts(t, entry, dom, dn) : 0;
}

static enum pl_status sgd_turn(struct sgd *c, struct pl_dialogue *d,
                               size_t i, json_t *tj)
{
    struct pl_pos p = { c->line, c->col };
    json_t *speaker = json_object_get(tj, "speaker");
    json_t *utt = json_object_get(tj, "utterance");
    json_t *frames = json_object_get(tj, "frames"), *v;
    struct pl_turn *t;
    const char *k;
    char dom[64] = "";

    if (i < c->n_tpos)
        p = c->tpos[i];
    if (!json_is_string(speaker) || !json_is_string(utt) ||
        (frames && !json_is_array(frames)))
        return sgd_bad(c, p.line, p.col, "turns[%zu]: expected \"speaker\" "
                       "and \"utterance\" strings and a \"frames\" array",
                       i);
    if (!(t = pl_dialogue_add_turn(d)) ||
        pl_origin_set(&t->origin, c->r->path, p.line, p.col, (long)i) ||
        pl_turn_set_text(t, json_string_value(utt),
                         json_string_length(utt)) != PL_OK)
        return sgd_nomem(c);
    free(t->speaker);
    if (!(t->speaker = pl_strdup(json_string_value(speaker))))
        return sgd_nomem(c);
    t->role = !strcmp(t->speaker, "SYSTEM") ? PL_ROLE_AGENT
                                            : pl_role_parse(t->speaker);
    json_object_foreach(tj, k, v)
        if (strcmp(k, "speaker") && strcmp(k, "utterance") &&
            json_object_set(t->extra, k, v) != 0)
            return sgd_nomem(c);
    if (mw22_acts(c, t, tj, i, dom, sizeof dom) != 0)
        return sgd_nomem(c);
    return turn_frames(c, t, frames, i, &p, dom);
}

/* Dialogue meta: services, their domains, and whether there are several. */
static enum pl_status sgd_meta(struct sgd *c, struct pl_dialogue *d,
                               json_t *services)
{
    json_t *domains = json_array(), *s, *dom;
    size_t i, j;

    if (!domains || json_object_set(d->meta, "services", services) ||
        json_object_set_new(d->meta, "domains", domains))
        return sgd_nomem(c);
    json_array_foreach(services, i, s) {
        int seen = 0;

        if (!json_is_string(s))
            return sgd_bad(c, c->line, c->col, "services[%zu]: expected a "
                           "string, found %s", i, pl_json_kind(s));
        if (!(dom = domain_of(json_string_value(s))))
            return sgd_nomem(c);
        for (j = 0; j < json_array_size(domains); j++)
            seen |= json_equal(dom, json_array_get(domains, j));
        if (seen)
            json_decref(dom);
        else if (json_array_append_new(domains, dom))
            return sgd_nomem(c);
    }
    if (json_object_set_new(d->meta, "multi_domain",
                            json_boolean(json_array_size(domains) > 1)))
        return sgd_nomem(c);
    return PL_OK;
}

/* A dialogue id ending in ".json" is MultiWOZ 2.2's: then look up its
 * acts (opening dialog_acts.json on the first such dialogue). */
static void mw22_start(struct sgd *c, const char *id)
{
    size_t n = strlen(id);

    json_decref(c->dlg_acts);
    c->dlg_acts = NULL;
    c->mw22 = n > 5 && !strcmp(id + n - 5, ".json");
    if (!c->mw22)
        return;
    if (!c->mw_tried) {
        c->mw_acts = td_mw22_acts_open(c->r->path);
        c->mw_tried = 1;
    }
    c->dlg_acts = td_mw22_acts_get(c->mw_acts, id);
}

static enum pl_status sgd_build(struct sgd *c, struct pl_dialogue *d,
                                json_t *obj, long index)
{
    json_t *id = json_object_get(obj, "dialogue_id");
    json_t *services = json_object_get(obj, "services");
    json_t *turns = json_object_get(obj, "turns"), *v;
    char *full;
    const char *k;
    size_t i;
    enum pl_status st;

    if (!json_is_object(obj) || !json_is_string(id) ||
        !json_is_array(turns) || (services && !json_is_array(services)))
        return sgd_bad(c, c->line, c->col, "expected a dialogue object with "
                       "a \"dialogue_id\" string and a \"turns\" array, "
                       "found %s", pl_json_kind(obj));
    mw22_start(c, json_string_value(id));
    full = pl_str_join3(c->mw22 ? c->mw_prefix : c->id_prefix,
                        json_string_value(id), NULL);
    st = full ? pl_dialogue_init(d, full) : PL_ERR_NOMEM;
    free(full);
    if (st != PL_OK)
        return sgd_nomem(c);
    free(d->corpus);
    free(d->split);
    d->corpus = pl_strdup(c->mw22 ? "multiwoz22" : "sgd");
    d->split = pl_strdup(c->split);
    if (!d->corpus || !d->split ||
        pl_origin_set(&d->origin, c->r->path, c->line, c->col, index))
        return sgd_nomem(c);
    if (services && (st = sgd_meta(c, d, services)) != PL_OK)
        return st;
    json_object_foreach(obj, k, v)
        if (strcmp(k, "dialogue_id") && strcmp(k, "services") &&
            strcmp(k, "turns") && json_object_set(d->extra, k, v) != 0)
            return sgd_nomem(c);
    json_array_foreach(turns, i, v)
        if ((st = sgd_turn(c, d, i, v)) != PL_OK)
            return st;
    return PL_OK;
}

/* One element of the shard: parse, build, emit or reject. */
static enum pl_status sgd_element(void *ctx, const char *s, size_t n,
                                  long line, long col, long index)
{
    struct sgd *c = ctx;
    struct pl_dialogue d;
    json_t *obj = NULL;
    enum pl_status st;

    memset(&d, 0, sizeof d);
    c->line = line;
    c->col = col;
    if (n > c->r->max_record) {
        pl_error_set(&c->why, PL_ERR_LIMIT, c->r->path, line, col,
                     "expected a dialogue of at most %zu bytes "
                     "(max_record_bytes), found %zu bytes",
                     c->r->max_record, n);
        return pl_reader_reject(c->r, s, n, &c->why);
    }
    st = pl_reader_json(c->r, s, n, line, col, JSON_DECODE_ANY, &obj,
                        &c->why);
    free(c->tpos);
    c->tpos = NULL;
    if (st == PL_OK)
        pl_jscan_member_elems(s, n, line, col, "turns", &c->tpos,
                              &c->n_tpos);
    if (st == PL_OK)
        st = sgd_build(c, &d, obj, index);
    json_decref(obj);
    if (st == PL_OK)
        return pl_reader_emit(c->r, &d);
    pl_dialogue_fini(&d);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(c->r, &c->why);
    return pl_reader_reject(c->r, s, n, &c->why);
}

enum pl_status pl_sgd_read(struct pl_reader *r, const char *buf, size_t n)
{
    struct sgd c;
    struct pl_jscan js;
    const char *split;
    char dir[64];
    enum pl_status st;
    int broken;

    memset(&c, 0, sizeof c);
    c.r = r;
    split = pl_name_split(pl_name_parent(r->path, dir, sizeof dir));
    c.split = split ? split : "";
    snprintf(c.id_prefix, sizeof c.id_prefix, "sgd:%s%s", split ? dir : "",
             split ? ":" : "");
    snprintf(c.mw_prefix, sizeof c.mw_prefix, "multiwoz22:%s%s",
             split ? dir : "", split ? ":" : "");
    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        n -= 3;
    }
    pl_jscan_init(&js, buf, n, 1, 1);
    st = pl_jscan_array(r, &js, sgd_element, &c, &broken);
    if (st == PL_OK && !broken && pl_jscan_ws(&js) >= 0)
        st = pl_jscan_reject(r, &js, "the end of the file after the "
                             "list of dialogues");
    free(c.tpos);
    json_decref(c.dlg_acts);
    td_mw22_acts_free(c.mw_acts);
    return st;
}

void pl_sgd_schema_note(const char *path, const char *buf, size_t n)
{
    json_error_t je;
    json_t *v, *s;
    size_t i, count = 0;

    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        n -= 3;
    }
    if (!pl_log_enabled(PL_LOG_INFO))
        return;
    v = json_loadb(buf, n, 0, &je);
    json_array_foreach(v, i, s)
        count += json_is_string(json_object_get(s, "service_name"));
    if (v)
        pl_log(PL_LOG_INFO, "%s: SGD schema with %zu services; noted, "
               "not read as dialogues", path, count);
    else
        pl_log(PL_LOG_INFO, "%s: looks like an SGD schema but does not "
               "parse (%s); skipped", path, je.text);
    json_decref(v);
}
