/*
 * Chat exports and transcripts as a family: which formats they are,
 * recognising them from a file's first bytes, and handing a file to the
 * right reader (line-based ones streamed, JSON ones read whole).
 *
 * Sniffing comes before the other formats', so each test is strict:
 * IRC and WhatsApp need their own timestamp shapes on the first line;
 * transcripts need most lines to be "Name: text" with names that
 * repeat; the JSON exports need their own member names (Discord's
 * guild and channel, Telegram's dated messages, Slack's "ts").
 */
#include "export_impl.h"

#include <stdlib.h>
#include <string.h>

int pl_exports_owns(enum pl_format f)
{
    return f == PL_FMT_TRANSCRIPT || f == PL_FMT_WHATSAPP ||
           f == PL_FMT_IRC || f == PL_FMT_TELEGRAM || f == PL_FMT_SLACK ||
           f == PL_FMT_DISCORD;
}

/* ---- sniffing JSON ------------------------------------------------------- */

enum {
    K_GUILD = 1, K_CHANNEL = 2, K_MESSAGES = 4, K_TS = 8, K_TYPE = 16,
    K_DATE = 32, K_USER = 64, K_TEXT = 128, K_CHATS = 256, K_ABOUT = 512,
    K_FROM = 1024, K_NAME = 2048, K_EMPTY = 4096
};

static int key_bit(const char *s, size_t a, size_t b)
{
    static const struct { const char *k; int bit; } keys[] = {
        { "guild", K_GUILD }, { "channel", K_CHANNEL },
        { "messages", K_MESSAGES }, { "ts", K_TS }, { "type", K_TYPE },
        { "date", K_DATE }, { "date_unixtime", K_DATE }, { "user", K_USER },
        { "text", K_TEXT }, { "chats", K_CHATS },
        { "personal_information", K_ABOUT }, { "about", K_ABOUT },
        { "from", K_FROM }, { "name", K_NAME }, { "subtype", K_TYPE },
    };

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (pl_export_key(s + a, b - a, keys[i].k))
            return keys[i].bit;
    return 0;
}

/* Member names of the object at js (as far as the bytes go); *first
 * gets those of the first element of its "messages" array. */
static int object_keys(struct pl_jscan js, int *first)
{
    int bits = 0, c;
    size_t a, b;

    if (pl_jscan_expect(&js, '{'))
        return 0;
    while (pl_jscan_ws(&js) == '"') {
        if (pl_jscan_string(&js, &a, &b) || pl_jscan_expect(&js, ':'))
            break;
        bits |= key_bit(js.s, a, b);
        if (first && pl_export_key(js.s + a, b - a, "messages") &&
            pl_jscan_ws(&js) == '[') {
            struct pl_jscan in = js;

            in.pos++;
            c = pl_jscan_ws(&in);
            *first = c == '{' ? object_keys(in, NULL) : c == ']' ? K_EMPTY : 0;
        }
        if (pl_jscan_value(&js) != 0 || pl_jscan_ws(&js) != ',')
            break;
        js.pos++;
    }
    return bits;
}

static enum pl_format sniff_json(const char *s, size_t n)
{
    struct pl_jscan js;
    int c, bits, first = 0;

    pl_jscan_init(&js, s, n, 1, 1);
    c = pl_jscan_ws(&js);
    if (c == '[') {
        js.pos++;
        if (pl_jscan_ws(&js) != '{')
            return PL_FMT_AUTO;
        bits = object_keys(js, NULL);
        return (bits & K_TS) && (bits & (K_TYPE | K_USER | K_TEXT))
                   ? PL_FMT_SLACK : PL_FMT_AUTO;
    }
    if (c != '{')
        return PL_FMT_AUTO;
    bits = object_keys(js, &first);
    if ((bits & K_GUILD) && (bits & K_CHANNEL) && (bits & K_MESSAGES))
        return PL_FMT_DISCORD;
    if ((bits & K_MESSAGES) &&
        (((first & K_DATE) && (first & (K_TYPE | K_FROM))) ||
         ((first & K_EMPTY) && (bits & K_TYPE) && (bits & K_NAME))))
        return PL_FMT_TELEGRAM;
    if ((bits & K_CHATS) && (bits & K_ABOUT))
        return PL_FMT_TELEGRAM;
    return PL_FMT_AUTO;
}

enum pl_format pl_exports_sniff(const char *s, size_t n, int complete)
{
    if (pl_irc_sniff(s, n, complete))
        return PL_FMT_IRC;
    if (pl_whatsapp_sniff(s, n, complete))
        return PL_FMT_WHATSAPP;
    if (pl_transcript_sniff(s, n, complete))
        return PL_FMT_TRANSCRIPT;
    return sniff_json(s, n);
}

/* ---- reading ----------------------------------------------------------- */

/* The rest of fp into a new buffer. */
static enum pl_status slurp(struct pl_reader *r, FILE *fp, char **out,
                            size_t *len)
{
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap), *nb;

    while (buf) {
        if (n == cap) {
            if (!(nb = realloc(buf, cap * 2))) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        if (!(got = fread(buf + n, 1, cap - n, fp)))
            break;
        n += got;
    }
    if (!buf)
        return pl_error_set(r->err, PL_ERR_NOMEM, r->path, 0, 0,
                            "out of memory");
    if (ferror(fp)) {
        free(buf);
        return pl_error_set(r->err, PL_ERR_IO, r->path, 0, 0,
                            "read failed");
    }
    *out = buf;
    *len = n;
    return PL_OK;
}

static enum pl_status read_json(struct pl_reader *r, enum pl_format f,
                                const char *buf, size_t n)
{
    if (f == PL_FMT_TELEGRAM)
        return pl_telegram_read(r, buf, n);
    if (f == PL_FMT_SLACK)
        return pl_slack_read(r, buf, n);
    return pl_discord_read(r, buf, n);
}

enum pl_status pl_exports_read(struct pl_reader *r, enum pl_format f,
                               FILE *fp, const char *buf, size_t n)
{
    struct pl_lines lr;
    char *whole = NULL;
    enum pl_status st;

    if (f == PL_FMT_TELEGRAM || f == PL_FMT_SLACK || f == PL_FMT_DISCORD) {
        if (fp && (st = slurp(r, fp, &whole, &n)) != PL_OK)
            return st;
        st = read_json(r, f, whole ? whole : buf, n);
        free(whole);
        return st;
    }
    pl_lines_init(&lr, fp, buf, n, r->max_record);
    if (f == PL_FMT_TRANSCRIPT)
        st = pl_transcript_read(r, &lr);
    else if (f == PL_FMT_WHATSAPP)
        st = pl_whatsapp_read(r, &lr);
    else
        st = pl_irc_read(r, &lr);
    pl_lines_fini(&lr);
    return st;
}
