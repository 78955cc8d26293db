/*
 * ParlAI Conversations JSONL (what ParlAI's world logging and self-chat
 * write): one episode per line, {"dialog": [...], ...}, one dialogue
 * "<file stem>:<line index>" each. "dialog" has one of two shapes:
 *   exchanges  [[{"id", "text", ...}, {"id", "text", ...}], ...], a list
 *              of lists of messages (usually pairs; task-oriented logs
 *              have four per exchange); each turn gets meta "exchange",
 *              the 0-based index of its list, so the grouping is kept;
 *   flat       [{"speaker", "text"}, ...] (the Wizard of Wikipedia chat
 *              example).
 * A message's speaker is its "id", else its "speaker", kept as is; the
 * text is "text" as it stands (leading spaces kept), "" when missing.
 * Every other message key (episode_done, beam_texts, metrics, labels,
 * ...) goes to turn extra; every top-level key but "dialog" (context,
 * metadata_path, ...) to dialogue extra, so the persona "context" of a
 * self-chat stays with its episode rather than becoming turns.
 *
 * Roles, per turn, first rule that applies:
 *   1. speaker "context" -> system (persona or topic text that nobody
 *      said);
 *   2. in a task-oriented episode (one with an APIS:, APICALL:, APIRESP:
 *      or GOAL: text), the text's prefix: USER: -> user, SYSTEM: and
 *      APICALL: -> agent, APIRESP: -> tool, APIS: and GOAL: -> system;
 *   3. a word of the speaker name (split at "_", digits and case
 *      changes): human, user, customer, client, caller, apprentice ->
 *      user; model, bot, assistant, agent, wizard, system, gpt ->
 *      agent ("human_evaluator" is user, "sample_model" agent);
 *   4. otherwise by order: the first such speaker of the episode is the
 *      user unless a turn is already user by rules 1-3, every other one
 *      the agent (self-chat "TransformerGenerator_1" / "_2"); a message
 *      without any speaker is user when first in its exchange (or at an
 *      even place of a flat dialog), agent otherwise.
 */
#include "formats_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- roles ------------------------------------------------------------ */

static const struct {
    const char *prefix;
    enum pl_role role;
    int tod_only;           /* marks an episode as task-oriented */
} tod_prefixes[] = {
    { "USER:", PL_ROLE_USER, 0 },      { "SYSTEM:", PL_ROLE_AGENT, 0 },
    { "APICALL:", PL_ROLE_AGENT, 1 },  { "APIRESP:", PL_ROLE_TOOL, 1 },
    { "APIS:", PL_ROLE_SYSTEM, 1 },    { "GOAL:", PL_ROLE_SYSTEM, 1 },
};

static const struct {
    const char *word;
    enum pl_role role;
} name_words[] = {
    { "human", PL_ROLE_USER },      { "user", PL_ROLE_USER },
    { "customer", PL_ROLE_USER },   { "client", PL_ROLE_USER },
    { "caller", PL_ROLE_USER },     { "apprentice", PL_ROLE_USER },
    { "model", PL_ROLE_AGENT },     { "bot", PL_ROLE_AGENT },
    { "assistant", PL_ROLE_AGENT }, { "agent", PL_ROLE_AGENT },
    { "wizard", PL_ROLE_AGENT },    { "system", PL_ROLE_AGENT },
    { "gpt", PL_ROLE_AGENT },
};

#define NAME_WORDS (sizeof name_words / sizeof *name_words)
#define TOD_PREFIXES (sizeof tod_prefixes / sizeof *tod_prefixes)

/* The TOD prefix text starts with (index into tod_prefixes), or -1. */
static int tod_prefix(const char *text)
{
    for (size_t i = 0; i < TOD_PREFIXES; i++)
        if (!strncmp(text, tod_prefixes[i].prefix,
                     strlen(tod_prefixes[i].prefix)))
            return (int)i;
    return -1;
}

static int word_role(const char *w, size_t n, enum pl_role *role)
{
    for (size_t i = 0; i < NAME_WORDS; i++)
        if (strlen(name_words[i].word) == n &&
            !strncasecmp(w, name_words[i].word, n)) {
            *role = name_words[i].role;
            return 1;
        }
    return 0;
}

/* Role from the first word of name that names one; 0 when none does.
 * Words end at anything not a letter and where a lower-case letter is
 * followed by a capital. */
static int name_role(const char *name, enum pl_role *role)
{
    size_t i = 0;

    while (name[i]) {
        size_t start;

        while (name[i] && !isalpha((unsigned char)name[i]))
            i++;
        start = i;
        while (name[i] && isalpha((unsigned char)name[i]) &&
               !(i > start && islower((unsigned char)name[i - 1]) &&
                 isupper((unsigned char)name[i])))
            i++;
        if (i > start && word_role(name + start, i - start, role))
            return 1;
    }
    return 0;
}

/* Does any turn of d carry a prefix only task-oriented logs use? */
static int is_tod(const struct pl_dialogue *d)
{
    for (size_t i = 0; i < d->n_turns; i++) {
        int p = tod_prefix(d->turns[i].text);

        if (p >= 0 && tod_prefixes[p].tod_only)
            return 1;
    }
    return 0;
}

/* Rules 1-3; 0 when the turn is left to rule 4. */
static int rule_role(const struct pl_turn *t, int tod, enum pl_role *role)
{
    int p = tod ? tod_prefix(t->text) : -1;

    if (!strcasecmp(t->speaker, "context")) {
        *role = PL_ROLE_SYSTEM;
        return 1;
    }
    if (p >= 0) {
        *role = tod_prefixes[p].role;
        return 1;
    }
    return t->speaker[0] && name_role(t->speaker, role);
}

/* Rule 4 for turn k: slot is its place in its exchange (or the dialog),
 * first the first turn with a speaker that rules 1-3 left alone. */
static enum pl_role order_role(const struct pl_dialogue *d, size_t k,
                               long slot, long first, int have_user)
{
    const struct pl_turn *t = &d->turns[k];

    if (!t->speaker[0])
        return slot % 2 == 0 ? PL_ROLE_USER : PL_ROLE_AGENT;
    if (have_user || first < 0)
        return PL_ROLE_AGENT;
    return strcmp(d->turns[first].speaker, t->speaker) ? PL_ROLE_AGENT
                                                       : PL_ROLE_USER;
}

/* Set every turn's role; slots[k] is turn k's place in its exchange. */
static void pj_roles(struct pl_dialogue *d, const long *slots)
{
    int tod = is_tod(d), have_user = 0;
    long first = -1;
    enum pl_role r;

    for (size_t k = 0; k < d->n_turns; k++)
        if (rule_role(&d->turns[k], tod, &r))
            have_user |= r == PL_ROLE_USER;
        else if (first < 0 && d->turns[k].speaker[0])
            first = (long)k;
    for (size_t k = 0; k < d->n_turns; k++)
        d->turns[k].role = rule_role(&d->turns[k], tod, &r)
                               ? r
                               : order_role(d, k, slots[k], first,
                                            have_user);
}

/* ---- episodes --------------------------------------------------------- */

struct pj {
    struct pl_chat *c;
    struct pl_dialogue *d;
    long line;
    long *slots;            /* place of each turn in its exchange */
    size_t cap;
};

static enum pl_status pj_bad(struct pj *p, long i, long j, const char *what,
                             const json_t *found)
{
    char where[64];

    p->c->item = i;
    if (j >= 0)
        snprintf(where, sizeof where, "dialog[%ld][%ld]", i, j);
    else
        snprintf(where, sizeof where, "dialog[%ld]", i);
    return pl_error_set(&p->c->why, PL_ERR_FORMAT, p->c->r->path, p->line,
                        1, "%s: expected %s, found %s", where, what,
                        found ? pl_json_kind(found) : "nothing");
}

/* The speaker member of m: "id", else "speaker"; *key its name. */
static json_t *pj_speaker(json_t *m, const char **key)
{
    json_t *v = json_object_get(m, "id");

    *key = "id";
    if (!v && (v = json_object_get(m, "speaker")))
        *key = "speaker";
    return v;
}

static int pj_slot(struct pj *p, size_t k, long slot)
{
    if (k >= p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        long *ns = realloc(p->slots, cap * sizeof *ns);

        if (!ns)
            return -1;
        p->slots = ns;
        p->cap = cap;
    }
    p->slots[k] = slot;
    return 0;
}

static int set_str(char **dst, const char *s)
{
    char *c = pl_strdup(s);

    if (!c)
        return -1;
    free(*dst);
    *dst = c;
    return 0;
}

/* Add message m, dialog[i][j] (j -1 in a flat dialog). */
static enum pl_status pj_message(struct pj *p, json_t *m, long i, long j)
{
    const char *skip[] = { "text", NULL, NULL };
    json_t *who = pj_speaker(m, &skip[1]), *text;
    struct pl_turn *t;

    if (!json_is_object(m))
        return pj_bad(p, i, j, "a message object", m);
    if (who && !json_is_string(who))
        return pj_bad(p, i, j, strcmp(skip[1], "id") ? "a \"speaker\" string"
                                                     : "an \"id\" string",
                      who);
    text = json_object_get(m, "text");
    if (text && !json_is_string(text))
        return pj_bad(p, i, j, "a \"text\" string", text);
    if (!(t = pl_dialogue_add_turn(p->d)) ||
        pl_origin_set(&t->origin, p->c->r->path, p->line, 1,
                      t->index) != PL_OK ||
        pj_slot(p, (size_t)t->index, j >= 0 ? j : i) != 0 ||
        (who && set_str(&t->speaker, json_string_value(who)) != 0) ||
        (text && pl_turn_set_text(t, json_string_value(text),
                                  json_string_length(text)) != PL_OK) ||
        pl_json_copy_except(t->extra, m, skip) != 0 ||
        (j >= 0 && json_object_set_new(t->meta, "exchange",
                                       json_integer(i)) != 0))
        return pl_chat_nomem(p->c, p->line, 1);
    return PL_OK;
}

static enum pl_status pj_dialog(struct pj *p, json_t *dialog)
{
    int pairs = json_is_array(json_array_get(dialog, 0));
    size_t i, j;
    json_t *e, *m;
    enum pl_status st;

    json_array_foreach(dialog, i, e) {
        if (!pairs) {
            if ((st = pj_message(p, e, (long)i, -1)) != PL_OK)
                return st;
            continue;
        }
        if (!json_is_array(e))
            return pj_bad(p, (long)i, -1, "a list of messages, as "
                          "dialog[0]", e);
        json_array_foreach(e, j, m)
            if ((st = pj_message(p, m, (long)i, (long)j)) != PL_OK)
                return st;
    }
    return PL_OK;
}

static enum pl_status pj_build(struct pj *p, json_t *obj, long index)
{
    static const char *const skip[] = { "dialog", NULL };
    json_t *dialog = json_object_get(obj, "dialog");
    enum pl_status st;

    if ((st = pl_chat_dialogue(p->c, p->d, p->line, 1, index)) != PL_OK)
        return st;
    if (!json_is_array(dialog))
        return pl_error_set(&p->c->why, PL_ERR_FORMAT, p->c->r->path,
                            p->line, 1, "expected a \"dialog\" array, "
                            "found %s",
                            dialog ? pl_json_kind(dialog) : "nothing");
    if (pl_json_copy_except(p->d->extra, obj, skip) != 0)
        return pl_chat_nomem(p->c, p->line, 1);
    if ((st = pj_dialog(p, dialog)) != PL_OK)
        return st;
    pj_roles(p->d, p->slots);
    return PL_OK;
}

/* Point an error about dialog[i] at that element's line and column. */
static void pj_locate(struct pl_chat *c, const char *raw, size_t n,
                      long line)
{
    struct pl_pos *pos;
    size_t count;

    if (c->item < 0 || pl_jscan_member_elems(raw, n, line, 1, "dialog",
                                             &pos, &count) != 0)
        return;
    if ((size_t)c->item < count) {
        c->why.line = pos[c->item].line;
        c->why.column = pos[c->item].col;
    }
    free(pos);
}

static enum pl_status pj_line(struct pl_reader *r, json_t *obj,
                              const char *raw, size_t n, long line,
                              long index)
{
    struct pl_chat *c = r->fmt;
    struct pl_dialogue d;
    struct pj p = { c, &d, line, NULL, 0 };
    enum pl_status st;

    c->item = -1;
    st = pj_build(&p, obj, index);
    free(p.slots);
    if (st == PL_OK)
        return pl_reader_emit(r, &d);
    pl_dialogue_fini(&d);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &c->why);
    pj_locate(c, raw, n, line);
    return pl_reader_reject(r, raw, n, &c->why);
}

enum pl_status pl_parlai_jsonl_read(struct pl_reader *r, struct pl_lines *lr)
{
    struct pl_chat c;
    enum pl_status st;

    pl_chat_init(&c, r);
    r->fmt = &c;
    st = pl_jsonl_read(r, lr, JSON_REJECT_DUPLICATES, pj_line);
    r->fmt = NULL;
    return st;
}
