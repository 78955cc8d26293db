/*
 * Shared plumbing of the task-oriented and intent-dataset readers (see
 * fmt_taskdata.h): detecting their formats from content, handing a file
 * to its reader, walking JSON objects member by member with locations,
 * parsing and emitting one located record, and small builders.
 */
#define _POSIX_C_SOURCE 200809L
#include "fmt_taskdata.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- sniffing ------------------------------------------------------- */

/* Does the object at js hold a member key whose value starts with the
 * byte c? Only the bytes at hand are looked at. */
static int has_member(struct pl_jscan js, const char *key, int c)
{
    size_t a, b, kn = strlen(key);

    if (pl_jscan_expect(&js, '{'))
        return 0;
    while (pl_jscan_ws(&js) == '"') {
        if (pl_jscan_string(&js, &a, &b) || pl_jscan_expect(&js, ':'))
            return 0;
        if (b - a == kn && !memcmp(js.s + a, key, kn))
            return pl_jscan_ws(&js) == c;
        if (pl_jscan_value(&js) != 0 || pl_jscan_ws(&js) != ',')
            return 0;
        js.pos++;
    }
    return 0;
}

/*
 * An object: Rasa NLU JSON has a "rasa_nlu_data" object; MultiWOZ maps
 * ids to dialogues with a "log" array; SNIPS maps an intent to a list of
 * {"data": [...]} utterances.
 */
static enum pl_format sniff_object(struct pl_jscan js)
{
    size_t a, b;
    int c;

    if (has_member(js, "rasa_nlu_data", '{'))
        return PL_FMT_RASA_JSON;
    if (pl_jscan_expect(&js, '{') || pl_jscan_ws(&js) != '"' ||
        pl_jscan_string(&js, &a, &b) || pl_jscan_expect(&js, ':'))
        return PL_FMT_AUTO;
    c = pl_jscan_ws(&js);
    if (c == '{' && has_member(js, "log", '['))
        return PL_FMT_MULTIWOZ;
    if (c != '[')
        return PL_FMT_AUTO;
    js.pos++;
    if (pl_jscan_ws(&js) == '{' && has_member(js, "data", '['))
        return PL_FMT_SNIPS;
    return PL_FMT_AUTO;
}

/* An array of {"text", "intents": [...], "slots": {...}} (NLU++): every
 * object looked at has a "text" string, and one has intents or slots. */
static enum pl_format sniff_array(struct pl_jscan js)
{
    js.pos++;
    for (int i = 0; i < 16; i++) {
        if (pl_jscan_ws(&js) != '{' || !has_member(js, "text", '"'))
            return PL_FMT_AUTO;
        if (has_member(js, "intents", '[') || has_member(js, "slots", '{'))
            return PL_FMT_NLUPP;
        if (pl_jscan_value(&js) != 0 || pl_jscan_ws(&js) != ',')
            return PL_FMT_AUTO;
        js.pos++;
    }
    return PL_FMT_AUTO;
}

/* A ';'-separated header line with an answer_annotation column. */
static int hwu64_header(const char *s, size_t n)
{
    static const char want[] = "answer_annotation";
    size_t start = 0, fields = 1;
    int found = 0;

    for (size_t i = 0; i <= n; i++) {
        int end = i == n || s[i] == '\n' || s[i] == ';' ||
                  (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
        size_t a = start, b = i;

        if (!end)
            continue;
        if (b - a >= 2 && s[a] == '"' && s[b - 1] == '"')
            a++, b--;
        found |= b - a == sizeof want - 1 && !memcmp(s + a, want, b - a);
        if (i == n || s[i] != ';')
            break;
        fields++;
        start = i + 1;
    }
    return found && fields >= 2;
}

enum pl_format pl_taskdata_sniff(const char *s, size_t n)
{
    struct pl_jscan js;
    int c;

    pl_jscan_init(&js, s, n, 1, 1);
    c = pl_jscan_ws(&js);
    if (c == '{')
        return sniff_object(js);
    if (c == '[')
        return sniff_array(js);
    if (c >= 0 && hwu64_header(s + js.bol, n - js.bol))
        return PL_FMT_HWU64;
    return PL_FMT_AUTO;
}

/* ---- dispatch ------------------------------------------------------- */

int pl_taskdata_owns(enum pl_format f)
{
    return f == PL_FMT_MULTIWOZ || f == PL_FMT_SNIPS || f == PL_FMT_NLUPP ||
           f == PL_FMT_HWU64 || f == PL_FMT_RASA_JSON;
}

/* The rest of fp, into *out (caller frees). */
static enum pl_status slurp(struct pl_reader *r, FILE *fp, char **out,
                            size_t *n)
{
    size_t cap = 1 << 16, len = 0, got;
    char *buf = malloc(cap), *nb;

    while (buf && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len < cap)
            continue;
        if (!(nb = realloc(buf, 2 * cap)))
            free(buf);
        buf = nb;
        cap *= 2;
    }
    if (!buf)
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                            "out of memory");
    if (ferror(fp)) {
        free(buf);
        return pl_error_set(r->err, PL_ERR_IO, r->path, 0, 0,
                            "read failed: %s", strerror(errno));
    }
    *out = buf;
    *n = len;
    return PL_OK;
}

static enum pl_status read_doc(struct pl_reader *r, enum pl_format f,
                               const char *buf, size_t n)
{
    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        n -= 3;
    }
    switch (f) {
    case PL_FMT_MULTIWOZ: return pl_multiwoz_read(r, buf, n);
    case PL_FMT_SNIPS: return pl_snips_read(r, buf, n);
    case PL_FMT_NLUPP: return pl_nlupp_read(r, buf, n);
    default: return pl_rasajson_read(r, buf, n);
    }
}

enum pl_status pl_taskdata_read(struct pl_reader *r, enum pl_format f,
                                FILE *fp, const char *buf, size_t n)
{
    struct pl_lines lr;
    char *own = NULL;
    enum pl_status st;

    if (f == PL_FMT_HWU64) {
        pl_lines_init(&lr, buf ? NULL : fp, buf, n, r->max_record);
        st = pl_hwu64_read(r, &lr);
        pl_lines_fini(&lr);
        return st;
    }
    if (!buf) {
        if ((st = slurp(r, fp, &own, &n)) != PL_OK)
            return st;
        buf = own;
    }
    st = read_doc(r, f, buf, n);
    free(own);
    return st;
}

/* ---- located records ------------------------------------------------ */

enum pl_status td_record(struct pl_reader *r, const struct td_rec *rec,
                         const char *what, td_build_fn fn, void *ctx)
{
    struct pl_error why;
    struct pl_dialogue d;
    json_t *v = NULL;
    enum pl_status st;

    memset(&d, 0, sizeof d);
    if (rec->n > r->max_record) {
        pl_error_set(&why, PL_ERR_LIMIT, r->path, rec->line, rec->col,
                     "expected %s of at most %zu bytes (max_record_bytes), "
                     "found %zu bytes", what, r->max_record, rec->n);
        return pl_reader_reject(r, rec->s, rec->n, &why);
    }
    st = pl_reader_json(r, rec->s, rec->n, rec->line, rec->col,
                        JSON_DECODE_ANY, &v, &why);
    if (st == PL_OK)
        st = fn(ctx, &d, v, rec, &why);
    json_decref(v);
    if (st == PL_OK)
        return pl_reader_emit(r, &d);
    pl_dialogue_fini(&d);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &why);
    return pl_reader_reject(r, rec->s, rec->n, &why);
}

void td_elem_pos(const struct td_rec *rec, const char *key, size_t i,
                 long *line, long *col)
{
    struct pl_pos *pos = NULL;
    size_t n = 0;

    *line = rec->line;
    *col = rec->col;
    pl_jscan_member_elems(rec->s, rec->n, rec->line, rec->col, key, &pos,
                          &n);
    if (i < n) {
        *line = pos[i].line;
        *col = pos[i].col;
    }
    free(pos);
}

int td_key_is(const struct td_key *key, const char *k)
{
    return key->n == strlen(k) && !memcmp(key->raw, k, key->n);
}

/* Printable ASCII without escapes: the raw bytes are the text. */
static int plain_key(const struct td_key *key)
{
    for (size_t i = 0; i < key->n; i++)
        if ((unsigned char)key->raw[i] < 0x20 ||
            (unsigned char)key->raw[i] >= 0x7F || key->raw[i] == '\\')
            return 0;
    return 1;
}

enum pl_status td_key_text(struct pl_reader *r, const struct td_key *key,
                           char **out, struct pl_error *why)
{
    json_t *v = NULL;
    enum pl_status st = PL_OK;

    if (plain_key(key))
        *out = pl_strndup(key->raw, key->n);
    else if ((st = pl_reader_json(r, key->raw - 1, key->n + 2, key->line,
                                  key->col, JSON_DECODE_ANY, &v,
                                  why)) == PL_OK)
        *out = pl_strdup(json_string_value(v));
    json_decref(v);
    if (st != PL_OK)
        return st;
    return *out ? PL_OK : td_nomem(why, r->path, key->line, key->col);
}

enum pl_status td_object(struct pl_reader *r, struct pl_jscan *js,
                         const char *what, td_member_fn fn, void *ctx,
                         int *broken)
{
    struct td_key key;
    enum pl_status st;
    size_t a, b;
    int c;

    *broken = 1;
    if (pl_jscan_expect(js, '{'))
        return pl_jscan_reject(r, js, what);
    if (pl_jscan_ws(js) == '}') {
        js->pos++;
        *broken = 0;
        return PL_OK;
    }
    for (;;) {
        c = pl_jscan_ws(js);
        key.line = js->line;
        key.col = pl_jscan_col(js);
        if (c != '"' || pl_jscan_string(js, &a, &b) ||
            pl_jscan_expect(js, ':'))
            return pl_jscan_reject(r, js, "a member name and ':'");
        key.raw = js->s + a;
        key.n = b - a;
        *broken = 0;
        if ((st = fn(ctx, js, &key, broken)) != PL_OK || *broken)
            return st;
        *broken = 1;
        if ((c = pl_jscan_ws(js)) == '}')
            break;
        if (c != ',')
            return pl_jscan_reject(r, js, "',' or '}' after a member");
        js->pos++;
    }
    js->pos++;
    *broken = 0;
    return PL_OK;
}

enum pl_status td_skip_value(struct pl_reader *r, struct pl_jscan *js,
                             int *broken)
{
    struct td_rec rec;

    return td_value(r, js, &rec, broken);
}

/* A value the scanner could not delimit: let jansson say why, and
 * reject the rest of the document from there. */
static enum pl_status reject_rest(struct pl_reader *r, const char *s,
                                  size_t n, long line, long col)
{
    struct pl_error why;
    json_t *v = NULL;
    enum pl_status st = pl_reader_json(r, s, n, line, col, JSON_DECODE_ANY,
                                       &v, &why);

    json_decref(v);
    if (st == PL_ERR_NOMEM)
        return pl_reader_fatal(r, &why);
    if (st == PL_OK)
        pl_error_set(&why, PL_ERR_PARSE, r->path, line, col,
                     "expected a complete JSON value, found end of file");
    return pl_reader_reject(r, s, n, &why);
}

enum pl_status td_value(struct pl_reader *r, struct pl_jscan *js,
                        struct td_rec *rec, int *broken)
{
    size_t start;

    pl_jscan_ws(js);
    start = js->pos;
    rec->s = js->s + start;
    rec->line = js->line;
    rec->col = pl_jscan_col(js);
    if (pl_jscan_value(js) == 0) {
        rec->n = js->pos - start;
        return PL_OK;
    }
    *broken = 1;
    return reject_rest(r, rec->s, js->n - start, rec->line, rec->col);
}

enum pl_status td_expect_end(struct pl_reader *r, struct pl_jscan *js)
{
    if (pl_jscan_ws(js) >= 0)
        return pl_jscan_reject(r, js, "the end of the file");
    return PL_OK;
}

/* ---- building dialogues --------------------------------------------- */

enum pl_status td_bad(struct pl_error *why, const char *path, long line,
                      long col, const char *fmt, ...)
{
    char msg[600];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pl_error_set(why, PL_ERR_FORMAT, path, line, col, "%s", msg);
}

enum pl_status td_nomem(struct pl_error *why, const char *path, long line,
                        long col)
{
    return pl_error_set(why, PL_ERR_NOMEM, path, line, col,
                        "out of memory");
}

static int replace(char **dst, const char *s)
{
    char *c = pl_strdup(s);

    if (!c)
        return -1;
    free(*dst);
    *dst = c;
    return 0;
}

enum pl_status td_dialogue_init(struct pl_dialogue *d, const char *id,
                                const char *corpus, const char *split,
                                const char *path, const struct td_rec *rec)
{
    if (pl_dialogue_init(d, id) != PL_OK || replace(&d->corpus, corpus) ||
        replace(&d->split, split) ||
        pl_origin_set(&d->origin, path, rec->line, rec->col, rec->index))
        return PL_ERR_NOMEM;
    return PL_OK;
}

struct pl_turn *td_turn_add(struct pl_dialogue *d, enum pl_role role,
                            const char *s, size_t n, const char *path,
                            long line, long col)
{
    struct pl_turn *t = pl_dialogue_add_turn(d);

    if (!t)
        return NULL;
    t->role = role;
    if (pl_turn_set_text(t, s, n) != PL_OK ||
        pl_origin_set(&t->origin, path, line, col, t->index) != PL_OK)
        return NULL;
    return t;
}

int td_copy_rest(json_t *dst, const json_t *obj, const char *const *skip)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)obj, k, v) {
        size_t i = 0;

        while (skip[i] && strcmp(skip[i], k))
            i++;
        if (!skip[i] && json_object_set(dst, k, v) != 0)
            return -1;
    }
    return 0;
}

static int has_str(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return 1;
    return 0;
}

int td_add_unique_intent(struct pl_turn *t, const char *s)
{
    if (has_str(t->intents, t->n_intents, s))
        return 0;
    return pl_turn_add_intent(t, s) == PL_OK ? 0 : -1;
}

int td_add_unique_act(struct pl_turn *t, const char *s)
{
    if (has_str(t->acts, t->n_acts, s))
        return 0;
    return pl_turn_add_act(t, s) == PL_OK ? 0 : -1;
}

long td_char_to_byte(const char *s, size_t n, long k)
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

int td_add_char_span(struct pl_turn *t, const char *slot, long a, long b,
                     const char *value)
{
    size_t n = strlen(t->text);
    long x, y;

    if (a < 0 || b < a)
        return 1;
    x = td_char_to_byte(t->text, n, a);
    y = td_char_to_byte(t->text, n, b);
    if (x < 0 || y < 0)
        return 1;
    return pl_turn_add_slot(t, slot, x, y, value) == PL_OK ? 0 : -1;
}

const char *td_split_name(const char *s, size_t n)
{
    static const char *const map[][2] = {
        { "train", "train" }, { "trainset", "train" },
        { "training", "train" }, { "dev", "dev" }, { "devset", "dev" },
        { "val", "dev" }, { "valid", "dev" }, { "validate", "dev" },
        { "validation", "dev" }, { "test", "test" }, { "testset", "test" },
    };

    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i][0]) == n && !strncasecmp(s, map[i][0], n))
            return map[i][1];
    return NULL;
}

const char *td_split_of(const char *path)
{
    char buf[256], *dir = pl_strdup(path), *slash;
    const char *split;

    pl_name_stem(path, buf, sizeof buf);
    split = td_split_name(buf, strlen(buf));
    if (!split) {
        pl_name_parent(path, buf, sizeof buf);
        split = td_split_name(buf, strlen(buf));
    }
    if (!split && dir) {
        while ((slash = strrchr(dir, '/')) && slash > dir && !slash[1])
            *slash = '\0';
        if ((slash = strrchr(dir, '/')) && slash > dir) {
            *slash = '\0';
            pl_name_parent(dir, buf, sizeof buf);
            split = td_split_name(buf, strlen(buf));
        }
    }
    free(dir);
    return split ? split : "";
}
