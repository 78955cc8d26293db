/*
 * MultiWOZ 2.0 / 2.1 in its original layout (and ConvLab-2's, which adds
 * user dialogue acts): one JSON object mapping a dialogue id to
 * {"goal": {...}, "log": [{"text", "metadata", "dialog_act",
 * "span_info"}, ...]}. There is no speaker field: entry 0, 2, 4, ... is
 * the user, 1, 3, 5, ... the system.
 *
 * Each dialogue becomes "multiwoz:<id>", corpus "multiwoz". Split: the
 * file's name or folder (val.json -> dev); otherwise, when the
 * valListFile / testListFile of the release (also with .json or .txt)
 * sit beside the file, the ids they list are dev / test and the others
 * train; otherwise none.
 *
 * Turns: role user or agent by position, speaker "" (the source names
 * none), text exactly as given (tabs, newlines and odd bytes included).
 * Acts: "Domain-Act(slot)" for every [slot, value] pair of dialog_act,
 * "Domain-Act" alone when the slot is "none" (general-thank), no
 * repeats. A user turn's intents are its distinct "Domain-Act" names, in
 * order (the labels ConvLab-2's NLU predicts). span_info entries [act,
 * slot, value, first token, last token] become slot spans named
 * "Domain-slot" (Hotel-Area), in bytes over the turn's text, tokens
 * being the text split at white space as Python's str.split() does; the
 * span covers the surface words and value is the annotated value, which
 * MultiWOZ normalises ("centre" for the words "center"). A span whose
 * last token comes just before its first is empty, at that token.
 *
 * Metadata: dialogue "domains" (goal domains with content, in goal
 * order) and "multi_domain"; turn "domain", the first domain of its acts
 * other than "general" (lower case), else "general". The goal stays in
 * dialogue extra, and every log entry member but text (metadata, which on
 * system turns is the belief state, dialog_act and span_info with their
 * values) in turn extra.
 *
 * Each dialogue is parsed, located and rejected on its own.
 */
#define _POSIX_C_SOURCE 200809L
#include "fmt_taskdata.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct mwoz {
    struct pl_reader *r;
    const char *split;          /* from the file's name, or "" */
    json_t *lists;              /* id -> split from the list files */
    const struct td_key *key;   /* the dialogue being read */
    long index;
    struct pl_pos *tpos;        /* where its log entries start */
    size_t n_tpos;
    size_t *tok;                /* token start/end byte pairs */
    size_t tok_cap;
};

/* ---- splits from the release's list files ----------------------------- */

static void list_add(json_t *map, const char *buf, size_t n,
                     const char *split)
{
    size_t a = 0;

    while (a < n) {
        size_t b = a, e;

        while (b < n && buf[b] != '\n')
            b++;
        e = b;
        while (e > a && isspace((unsigned char)buf[e - 1]))
            e--;
        while (a < e && isspace((unsigned char)buf[a]))
            a++;
        if (e > a) {
            char *id = pl_strndup(buf + a, e - a);

            if (id)
                json_object_set_new(map, id, json_string(split));
            free(id);
        }
        a = b + 1;
    }
}

/* valListFile and testListFile (plain lists of ids) beside path. */
static json_t *load_lists(const char *path)
{
    static const char *const names[][2] = {
        { "valListFile", "dev" }, { "valListFile.json", "dev" },
        { "valListFile.txt", "dev" }, { "testListFile", "test" },
        { "testListFile.json", "test" }, { "testListFile.txt", "test" },
    };
    const char *slash = strrchr(path, '/');
    size_t dn = slash ? (size_t)(slash - path) + 1 : 0;
    json_t *map = json_object();

    for (size_t i = 0; map && i < sizeof names / sizeof names[0]; i++) {
        char *p = malloc(dn + strlen(names[i][0]) + 1), *buf;
        size_t len;

        if (!p)
            break;
        memcpy(p, path, dn);
        strcpy(p + dn, names[i][0]);
        if (pl_file_read(p, &buf, &len, NULL) == PL_OK) {
            list_add(map, buf, len, names[i][1]);
            free(buf);
        }
        free(p);
    }
    if (json_object_size(map) == 0) {
        json_decref(map);
        return NULL;
    }
    return map;
}

/* The split of dialogue id: as listed (also with or without ".json"),
 * else train. */
static const char *listed_split(const json_t *lists, const char *id)
{
    size_t n = strlen(id);
    const char *s = json_string_value(json_object_get(lists, id));
    char *alt;

    if (s)
        return s;
    if (n > 5 && !strcmp(id + n - 5, ".json"))
        alt = pl_strndup(id, n - 5);
    else
        alt = pl_str_join3(id, ".json", NULL);
    s = alt ? json_string_value(json_object_get(lists, alt)) : NULL;
    free(alt);
    return s ? s : "train";
}

/* ---- tokens ----------------------------------------------------------- */

/* Length of the white-space character at s[0..n) as Python's
 * str.isspace() sees it, 0 when there is none. */
static size_t space_len(const unsigned char *s, size_t n)
{
    if (s[0] == ' ' || (s[0] >= 0x09 && s[0] <= 0x0D) ||
        (s[0] >= 0x1C && s[0] <= 0x1F))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
        return 2;
    if (n < 3)
        return 0;
    if ((s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80) ||
        (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) ||
        (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F))
        return 3;
    if (s[0] == 0xE2 && s[1] == 0x80 &&
        (s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
        return 3;
    return 0;
}

/* Split text into tokens at white space: c->tok holds start/end byte
 * pairs. Returns the token count, or -1 without memory. */
static long tokenize(struct mwoz *c, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0, k = 0, w;

    while (i < n) {
        if ((w = space_len(s + i, n - i))) {
            i += w;
            continue;
        }
        if (2 * k + 2 > c->tok_cap) {
            size_t cap = c->tok_cap ? 2 * c->tok_cap : 64;
            size_t *nt = realloc(c->tok, cap * sizeof *nt);

            if (!nt)
                return -1;
            c->tok = nt;
            c->tok_cap = cap;
        }
        c->tok[2 * k] = i;
        while (i < n && !space_len(s + i, n - i))
            i++;
        c->tok[2 * k++ + 1] = i;
    }
    return (long)k;
}

/* ---- acts and spans --------------------------------------------------- */

/* Length of "Hotel" in "Hotel-Inform"; 0 when there is no '-'. Cut at
 * an ASCII byte, so the part is valid UTF-8 whatever its length. */
static size_t domain_len(const char *act)
{
    const char *dash = strchr(act, '-');

    return dash ? (size_t)(dash - act) : 0;
}

static int domain_is(const char *act, size_t k, const char *name)
{
    return k == strlen(name) && !strncasecmp(act, name, k);
}

/* The domain of act in lower case, as a JSON string (NULL without
 * memory). */
static json_t *domain_json(const char *act, size_t k)
{
    char *low = pl_strndup(act, k);
    json_t *v;

    if (!low)
        return NULL;
    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    v = json_string(low);
    free(low);
    return v;
}

/* Turn meta "domain": the first act domain other than general, lower
 * case; "general" when that is all there is. */
static int set_domain(struct pl_turn *t, const json_t *da)
{
    const char *name, *first = NULL, *general = NULL;
    json_t *v;

    json_object_foreach((json_t *)da, name, v) {
        size_t k = domain_len(name);

        if (domain_is(name, k, "general"))
            general = general ? general : name;
        else if (k && !first)
            first = name;
    }
    if (!first)
        first = general;
    if (!first)
        return 0;
    return json_object_set_new(t->meta, "domain",
                               domain_json(first, domain_len(first)));
}

/* "Domain-Act(slot)", or "Domain-Act" for the slot "none" or "". */
static char *act_label(const char *name, const char *slot)
{
    size_t n = strlen(name) + strlen(slot) + 3;
    char *s = malloc(n);

    if (s && (!slot[0] || !strcmp(slot, "none")))
        snprintf(s, n, "%s", name);
    else if (s)
        snprintf(s, n, "%s(%s)", name, slot);
    return s;
}

static enum pl_status add_pair_act(struct mwoz *c, struct pl_turn *t,
                                   const char *name, const json_t *pair,
                                   const char *where, struct pl_error *why)
{
    const char *slot = json_string_value(json_array_get(pair, 0));
    char *label;
    int bad;

    if (!json_is_array(pair) || !slot)
        return td_bad(why, c->r->path, t->origin.line, t->origin.column,
                      "%s: expected a [slot, value] pair, found %s", where,
                      pl_json_kind(pair));
    label = act_label(name, slot);
    bad = !label || td_add_unique_act(t, label) != 0;
    free(label);
    return bad ? td_nomem(why, c->r->path, t->origin.line, 0) : PL_OK;
}

static enum pl_status turn_acts(struct mwoz *c, struct pl_turn *t,
                                const json_t *da, size_t i,
                                struct pl_error *why)
{
    const char *name;
    json_t *pairs, *pair;
    char where[300];
    size_t j;
    enum pl_status st;

    if (!json_is_object(da))
        return td_bad(why, c->r->path, t->origin.line, t->origin.column,
                      "log[%zu].dialog_act: expected an object of "
                      "\"Domain-Act\": [[slot, value], ...], found %s", i,
                      pl_json_kind(da));
    json_object_foreach((json_t *)da, name, pairs) {
        snprintf(where, sizeof where, "log[%zu].dialog_act[\"%.200s\"]", i,
                 name);
        if (!json_is_array(pairs))
            return td_bad(why, c->r->path, t->origin.line, t->origin.column,
                          "%s: expected a list of [slot, value] pairs, "
                          "found %s", where, pl_json_kind(pairs));
        if ((t->role == PL_ROLE_USER && td_add_unique_intent(t, name)) ||
            (!json_array_size(pairs) && td_add_unique_act(t, name)))
            return td_nomem(why, c->r->path, t->origin.line, 0);
        json_array_foreach(pairs, j, pair) {
            char w[340];

            snprintf(w, sizeof w, "%s[%zu]", where, j);
            if ((st = add_pair_act(c, t, name, pair, w, why)) != PL_OK)
                return st;
        }
    }
    return set_domain(t, da) ? td_nomem(why, c->r->path, 0, 0) : PL_OK;
}

/* Byte span of tokens a..b (b == a - 1: empty, at token a); -1 when
 * they are not tokens of the text. */
static int token_span(const struct mwoz *c, long ntok, size_t len,
                      json_int_t a, json_int_t b, long *x, long *y)
{
    if (a < 0 || a > ntok || b < a - 1 || b >= ntok)
        return -1;
    *x = (long)(a < ntok ? c->tok[2 * (size_t)a] : len);
    *y = b >= a ? (long)c->tok[2 * (size_t)b + 1] : *x;
    return 0;
}

/* The span's slot name "Domain-slot", or the slot alone. */
static char *span_slot(const char *act, const char *slot)
{
    size_t k = domain_len(act), n = strlen(slot);
    char *s = malloc(k + n + 2);

    if (!s || !k) {
        free(s);
        return pl_strdup(slot);
    }
    memcpy(s, act, k + 1);
    memcpy(s + k + 1, slot, n + 1);
    return s;
}

static enum pl_status one_span(struct mwoz *c, struct pl_turn *t,
                               const json_t *sp, long ntok, size_t i,
                               size_t j, struct pl_error *why)
{
    const char *act = json_string_value(json_array_get(sp, 0));
    const char *slot = json_string_value(json_array_get(sp, 1));
    const json_t *ja = json_array_get(sp, 3), *jb = json_array_get(sp, 4);
    long x, y;
    char *name;
    enum pl_status st = PL_OK;

    if (!json_is_array(sp) || !act || !slot || !json_is_integer(ja) ||
        !json_is_integer(jb))
        return td_bad(why, c->r->path, t->origin.line, t->origin.column,
                      "log[%zu].span_info[%zu]: expected [act, slot, value, "
                      "first token, last token], found %s", i, j,
                      pl_json_kind(sp));
    if (token_span(c, ntok, strlen(t->text), json_integer_value(ja),
                   json_integer_value(jb), &x, &y))
        return td_bad(why, c->r->path, t->origin.line, t->origin.column,
                      "log[%zu].span_info[%zu]: expected token positions "
                      "within the text's %ld tokens, found %"
                      JSON_INTEGER_FORMAT "..%"
                      JSON_INTEGER_FORMAT, i, j, ntok,
                      json_integer_value(ja), json_integer_value(jb));
    if (!(name = span_slot(act, slot)) ||
        pl_turn_add_slot(t, name, x, y,
                         json_string_value(json_array_get(sp, 2))) != PL_OK)
        st = td_nomem(why, c->r->path, t->origin.line, 0);
    free(name);
    return st;
}

static enum pl_status turn_spans(struct mwoz *c, struct pl_turn *t,
                                 const json_t *si, size_t i,
                                 struct pl_error *why)
{
    const json_t *sp;
    long ntok = 0;
    size_t j;
    enum pl_status st;

    if (!json_is_array(si))
        return td_bad(why, c->r->path, t->origin.line, t->origin.column,
                      "log[%zu].span_info: expected a list of spans, found "
                      "%s", i, pl_json_kind(si));
    if (json_array_size(si) && (ntok = tokenize(c, t->text)) < 0)
        return td_nomem(why, c->r->path, t->origin.line, 0);
    json_array_foreach(si, j, sp)
        if ((st = one_span(c, t, sp, ntok, i, j, why)) != PL_OK)
            return st;
    return PL_OK;
}

/* ---- turns and dialogues ---------------------------------------------- */

static enum pl_status mw_turn(struct mwoz *c, struct pl_dialogue *d,
                              const json_t *e, size_t i,
                              const struct td_rec *rec, struct pl_error *why)
{
    static const char *const mapped[] = { "text", NULL };
    struct pl_pos p = { rec->line, rec->col };
    const json_t *text = json_object_get(e, "text");
    const json_t *da = json_object_get(e, "dialog_act");
    const json_t *si = json_object_get(e, "span_info");
    struct pl_turn *t;
    enum pl_status st = PL_OK;

    if (i < c->n_tpos)
        p = c->tpos[i];
    if (!json_is_object(e) || !json_is_string(text))
        return td_bad(why, c->r->path, p.line, p.col, "log[%zu]: expected "
                      "an entry with a \"text\" string, found %s", i,
                      json_is_object(e) ? "no text" : pl_json_kind(e));
    t = td_turn_add(d, i % 2 ? PL_ROLE_AGENT : PL_ROLE_USER,
                    json_string_value(text), json_string_length(text),
                    c->r->path, p.line, p.col);
    if (!t || td_copy_rest(t->extra, e, mapped))
        return td_nomem(why, c->r->path, p.line, p.col);
    if (da && (st = turn_acts(c, t, da, i, why)) != PL_OK)
        return st;
    if (si)
        st = turn_spans(c, t, si, i, why);
    return st;
}

/* Dialogue meta from the goal: its domains with content. */
static int goal_meta(struct pl_dialogue *d, const json_t *goal)
{
    json_t *domains = json_array(), *v;
    const char *k;

    if (!domains || json_object_set_new(d->meta, "domains", domains))
        return -1;
    json_object_foreach((json_t *)goal, k, v)
        if (strcmp(k, "topic") && strcmp(k, "message") &&
            json_is_object(v) && json_object_size(v) &&
            json_array_append_new(domains, json_string(k)))
            return -1;
    return json_object_set_new(d->meta, "multi_domain",
                               json_boolean(json_array_size(domains) > 1));
}

static enum pl_status mw_start(struct mwoz *c, struct pl_dialogue *d,
                               const json_t *v, const struct td_rec *rec,
                               struct pl_error *why)
{
    static const char *const mapped[] = { "log", NULL };
    const json_t *goal = json_object_get(v, "goal");
    const json_t *log = json_object_get(v, "log");
    char *key = NULL, *id;
    const char *split = c->split;
    enum pl_status st = td_key_text(c->r, c->key, &key, why);

    if (st != PL_OK)
        return st;
    if (!json_is_object(v) || !json_is_array(log)) {
        st = td_bad(why, c->r->path, rec->line, rec->col, "dialogue "
                    "\"%.100s\": expected an object with a \"log\" list, "
                    "found %s", key, !json_is_object(v) ? pl_json_kind(v)
                                     : log ? pl_json_kind(log) : "no log");
        free(key);
        return st;
    }
    if (!split[0] && c->lists)
        split = listed_split(c->lists, key);
    id = pl_str_join3("multiwoz:", key, NULL);
    st = id ? td_dialogue_init(d, id, "multiwoz", split, c->r->path, rec)
            : PL_ERR_NOMEM;
    free(id);
    free(key);
    if (st != PL_OK || td_copy_rest(d->extra, v, mapped) ||
        (json_is_object(goal) && goal_meta(d, goal)))
        return td_nomem(why, c->r->path, rec->line, rec->col);
    return PL_OK;
}

static enum pl_status mw_build(void *ctx, struct pl_dialogue *d, json_t *v,
                               const struct td_rec *rec,
                               struct pl_error *why)
{
    struct mwoz *c = ctx;
    const json_t *e;
    size_t i;
    enum pl_status st = mw_start(c, d, v, rec, why);

    if (st != PL_OK)
        return st;
    free(c->tpos);
    pl_jscan_member_elems(rec->s, rec->n, rec->line, rec->col, "log",
                          &c->tpos, &c->n_tpos);
    json_array_foreach(json_object_get(v, "log"), i, e)
        if ((st = mw_turn(c, d, e, i, rec, why)) != PL_OK)
            return st;
    return PL_OK;
}

static enum pl_status mw_member(void *ctx, struct pl_jscan *js,
                                const struct td_key *key, int *broken)
{
    struct mwoz *c = ctx;
    struct td_rec rec;
    enum pl_status st = td_value(c->r, js, &rec, broken);

    if (st != PL_OK || *broken)
        return st;
    rec.index = c->index++;
    c->key = key;
    return td_record(c->r, &rec, "a dialogue", mw_build, c);
}

enum pl_status pl_multiwoz_read(struct pl_reader *r, const char *buf,
                                size_t n)
{
    struct mwoz c;
    struct pl_jscan js;
    enum pl_status st;
    int broken;

    memset(&c, 0, sizeof c);
    c.r = r;
    c.split = td_split_of(r->path);
    if (!c.split[0])
        c.lists = load_lists(r->path);
    pl_jscan_init(&js, buf, n, 1, 1);
    st = td_object(r, &js, "'{' starting a MultiWOZ file", mw_member, &c,
                   &broken);
    if (st == PL_OK && !broken)
        st = td_expect_end(r, &js);
    json_decref(c.lists);
    free(c.tpos);
    free(c.tok);
    return st;
}

/* ---- MultiWOZ 2.2: the acts kept beside SGD-style shards --------------- */

struct td_mw22_acts {
    char *path;
    char *buf;
    json_t *index;          /* dialogue id -> [offset, length] in buf */
};

/* Index the members of the object in a->buf without parsing them. */
static void index_acts(struct td_mw22_acts *a, size_t n)
{
    struct pl_jscan js;
    size_t ka, kb, start;

    pl_jscan_init(&js, a->buf, n, 1, 1);
    if (pl_jscan_expect(&js, '{'))
        goto broken;
    while (pl_jscan_ws(&js) == '"') {
        char *id;

        if (pl_jscan_string(&js, &ka, &kb) || pl_jscan_expect(&js, ':'))
            goto broken;
        pl_jscan_ws(&js);
        start = js.pos;
        if (pl_jscan_value(&js) != 0)
            goto broken;
        if ((id = pl_strndup(a->buf + ka, kb - ka)))
            json_object_set_new(a->index, id,
                                json_pack("[II]", (json_int_t)start,
                                          (json_int_t)(js.pos - start)));
        free(id);
        if (pl_jscan_ws(&js) != ',')
            return;
        js.pos++;
    }
    return;
broken:
    pl_log(PL_LOG_WARN, "%s:%ld:%ld: dialogue acts cannot be followed "
           "past here; later dialogues get no acts from this file",
           a->path, js.line, pl_jscan_col(&js));
}

/* dialog_acts.json in the shard's folder or the one above it. */
static char *acts_path(const char *shard, int up)
{
    char *dir = pl_strdup(shard), *slash, *p;

    if (!dir)
        return NULL;
    for (int i = 0; i <= up; i++) {
        slash = strrchr(dir, '/');
        if (!slash) {
            free(dir);
            return up == i ? pl_strdup("dialog_acts.json") : NULL;
        }
        *slash = '\0';
    }
    p = pl_str_join3(dir, "/", "dialog_acts.json");
    free(dir);
    return p;
}

struct td_mw22_acts *td_mw22_acts_open(const char *shard)
{
    struct td_mw22_acts *a = calloc(1, sizeof *a);
    size_t n = 0;

    for (int up = 0; a && up < 2 && !a->buf; up++) {
        free(a->path);
        if ((a->path = acts_path(shard, up)) &&
            pl_file_read(a->path, &a->buf, &n, NULL) != PL_OK)
            a->buf = NULL;
    }
    if (!a || !a->buf || !(a->index = json_object())) {
        td_mw22_acts_free(a);
        return NULL;
    }
    index_acts(a, n);
    pl_log(PL_LOG_INFO, "%s: dialogue acts for %zu dialogues", a->path,
           json_object_size(a->index));
    return a;
}

void td_mw22_acts_free(struct td_mw22_acts *a)
{
    if (!a)
        return;
    json_decref(a->index);
    free(a->buf);
    free(a->path);
    free(a);
}

json_t *td_mw22_acts_get(struct td_mw22_acts *a, const char *id)
{
    const json_t *at = a ? json_object_get(a->index, id) : NULL;
    json_error_t je;
    json_t *v;

    if (!at)
        return NULL;
    v = json_loadb(a->buf + json_integer_value(json_array_get(at, 0)),
                   (size_t)json_integer_value(json_array_get(at, 1)), 0,
                   &je);
    if (!v)
        pl_log(PL_LOG_WARN, "%s: acts of %s left out: %s", a->path, id,
               je.text);
    return v;
}

int td_mw22_turn_acts(struct pl_turn *t, const json_t *entry, char *dom,
                      size_t dn)
{
    const json_t *da = json_object_get(entry, "dialog_act"), *pairs, *pr;
    const char *name;
    size_t j;

    if (!da)
        da = json_object_get(entry, "dialogue_acts");
    if (json_object_update(t->extra, (json_t *)entry))
        return -1;
    json_object_foreach((json_t *)da, name, pairs) {
        size_t k = domain_len(name);
        int bad = 0;

        if (!dom[0] && k && k < dn && !domain_is(name, k, "general") &&
            !domain_is(name, k, "booking")) {
            for (size_t i = 0; i < k; i++)
                dom[i] = (char)tolower((unsigned char)name[i]);
            dom[k] = '\0';
        }
        if (!json_array_size(pairs))
            bad = td_add_unique_act(t, name);
        json_array_foreach(pairs, j, pr) {
            const char *slot = json_string_value(json_array_get(pr, 0));
            char *label = slot ? act_label(name, slot) : NULL;

            bad |= slot && (!label || td_add_unique_act(t, label));
            free(label);
        }
        if (bad)
            return -1;
    }
    return 0;
}
