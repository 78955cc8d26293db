/*
 * Times in chat logs: checking and writing calendar dates, reading ISO
 * 8601 back, and the derived turn metadata "gap_seconds" and
 * "speaker_change".
 *
 * Timestamps the readers write carry no zone unless the source gave one
 * (Slack's epoch seconds are UTC and get "Z"; Discord's offsets are kept
 * as written): a WhatsApp or IRC clock is the exporting device's local
 * time, and guessing its zone would invent data. Gaps between two times
 * without zones are taken as both in the same zone.
 */
#include "export_impl.h"

#include <stdio.h>
#include <string.h>

/* ---- the calendar ---------------------------------------------------- */

static int leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31 };

    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long days_from_civil(long y, int m, int d)
{
    long long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The date days after 1970-01-01. */
static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    long long era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int pl_when_valid(const struct pl_when *w)
{
    if (w->has_date && (w->year < 1 || w->year > 9999 || w->month < 1 ||
                        w->month > 12 || w->day < 1 ||
                        w->day > month_days(w->year, w->month)))
        return 0;
    if (w->has_time && (w->hour < 0 || w->hour > 23 || w->min < 0 ||
                        w->min > 59 || w->sec < 0 || w->sec > 59))
        return 0;
    return w->has_date || w->has_time;
}

void pl_when_iso(const struct pl_when *w, char *buf, size_t n)
{
    int k = 0;

    if (w->has_date)
        k = snprintf(buf, n, "%04d-%02d-%02d%s", w->year, w->month, w->day,
                     w->has_time ? "T" : "");
    if (w->has_time && k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, "%02d:%02d:%02d%s%s", w->hour,
                 w->min, w->sec, w->frac[0] ? "." : "", w->frac);
}

void pl_epoch_iso(long long secs, const char *frac, char *buf, size_t n)
{
    long long days = secs / 86400, rem = secs % 86400, y;
    int m, d;

    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, n, "%04lld-%02d-%02dT%02d:%02d:%02d%s%s%s", y, m, d,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
             frac && *frac ? "." : "", frac ? frac : "", "Z");
}

/* ---- reading ISO 8601 --------------------------------------------------- */

/* Exactly k digits at s[*i]; -1 when not there. */
static long fixed_digits(const char *s, size_t *i, int k)
{
    long v = 0;

    for (int j = 0; j < k; j++) {
        char c = s[*i + (size_t)j];

        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)k;
    return v;
}

/* "HH:MM[:SS[.fff]]" into *secs and *nanos. */
static int parse_clock(const char *s, size_t *i, long long *secs,
                       long *nanos)
{
    long h = fixed_digits(s, i, 2), m = -1, sec = 0;
    long scale = 100000000;

    if (h < 0 || s[*i] != ':')
        return -1;
    ++*i;
    m = fixed_digits(s, i, 2);
    if (m < 0)
        return -1;
    if (s[*i] == ':' && (++*i, (sec = fixed_digits(s, i, 2)) < 0))
        return -1;
    if (h > 24 || m > 59 || sec > 60)
        return -1;
    *nanos = 0;
    if ((s[*i] == '.' || s[*i] == ',') && s[*i + 1] >= '0' &&
        s[*i + 1] <= '9')
        for (++*i; s[*i] >= '0' && s[*i] <= '9'; ++*i, scale /= 10)
            *nanos += (s[*i] - '0') * scale;
    *secs = h * 3600 + m * 60 + sec;
    return 0;
}

/* "Z", "+HH:MM", "+HHMM", "+HH" or nothing; *off in seconds east. */
static int parse_zone(const char *s, size_t *i, long long *off)
{
    long h, m = 0;
    int sign;

    *off = 0;
    if (s[*i] == 'Z') {
        ++*i;
        return 0;
    }
    if (s[*i] != '+' && s[*i] != '-')
        return 0;
    sign = s[(*i)++] == '-' ? -1 : 1;
    if ((h = fixed_digits(s, i, 2)) < 0)
        return -1;
    if (s[*i] == ':')
        ++*i;
    if (s[*i] >= '0' && s[*i] <= '9' && (m = fixed_digits(s, i, 2)) < 0)
        return -1;
    *off = sign * (h * 3600 + m * 60);
    return 0;
}

int pl_time_parse(const char *s, struct pl_time *t)
{
    size_t i = 0;
    long y, mo, d;
    long long clock = 0, off = 0;

    memset(t, 0, sizeof *t);
    if (!s)
        return -1;
    if (s[0] == 'T' || (s[0] && s[1] && s[2] == ':')) {
        i = s[0] == 'T';
        if (parse_clock(s, &i, &clock, &t->nanos) != 0 || s[i])
            return -1;
        t->kind = 2;
        t->secs = clock;
        return 0;
    }
    if ((y = fixed_digits(s, &i, 4)) < 0 || s[i++] != '-' ||
        (mo = fixed_digits(s, &i, 2)) < 1 || mo > 12 || s[i++] != '-' ||
        (d = fixed_digits(s, &i, 2)) < 1 || d > month_days(y, (int)mo))
        return -1;
    if ((s[i] == 'T' || s[i] == ' ') &&
        (++i, parse_clock(s, &i, &clock, &t->nanos) != 0 ||
                  parse_zone(s, &i, &off) != 0))
        return -1;
    if (s[i])
        return -1;
    t->kind = 1;
    t->secs = days_from_civil(y, (int)mo, (int)d) * 86400 + clock - off;
    return 0;
}

int pl_time_diff(const struct pl_time *a, const struct pl_time *b,
                 long long *ms)
{
    long dn;

    if (!a->kind || a->kind != b->kind)
        return 0;
    dn = b->nanos - a->nanos;
    *ms = (b->secs - a->secs) * 1000 +
          (dn >= 0 ? dn + 500000 : dn - 500000) / 1000000;
    if (a->kind == 2 && *ms < 0)
        *ms += 86400LL * 1000;
    return 1;
}

/* ---- derived metadata ------------------------------------------------- */

static int same_speaker(const struct pl_turn *a, const struct pl_turn *b)
{
    if (a->speaker[0] || b->speaker[0])
        return strcmp(a->speaker, b->speaker) == 0;
    return a->role == b->role;
}

/* Seconds to the millisecond: an integer when whole. */
static json_t *gap_value(long long ms)
{
    if (ms % 1000 == 0)
        return json_integer(ms / 1000);
    return json_real((double)ms / 1e3);
}

enum pl_status pl_dialogue_derive_times(struct pl_dialogue *d)
{
    struct pl_time prev, cur;
    long long ms;
    int any = 0;

    for (size_t i = 0; i < d->n_turns && !any; i++)
        any = d->turns[i].timestamp &&
              pl_time_parse(d->turns[i].timestamp, &cur) == 0;
    if (!any)
        return PL_OK;
    pl_time_parse(d->turns[0].timestamp, &prev);
    for (size_t i = 1; i < d->n_turns; i++) {
        struct pl_turn *t = &d->turns[i];

        pl_time_parse(t->timestamp, &cur);
        if (!json_object_get(t->meta, "speaker_change") &&
            json_object_set_new(t->meta, "speaker_change",
                                json_boolean(!same_speaker(t - 1, t))))
            return PL_ERR_NOMEM;
        if (pl_time_diff(&prev, &cur, &ms) &&
            !json_object_get(t->meta, "gap_seconds") &&
            json_object_set_new(t->meta, "gap_seconds", gap_value(ms)))
            return PL_ERR_NOMEM;
        prev = cur;
    }
    return PL_OK;
}
