/*
 * The vocabulary: strings to dense ids in insertion order, with a count
 * per entry. Entries live in arrays indexed by id; an open-addressing
 * table of ids (linear probing, FNV-1a hash, at most half full) finds
 * them. Each entry's hash is kept so growing never rehashes strings.
 */
#include "parlance/text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct pl_vocab {
    char **word;               /* [n] strings, by id */
    long *count;               /* [n] */
    unsigned long long *hash;  /* [n] */
    size_t n, cap;
    int *slot;                 /* [n_slots] id, or -1 when empty */
    size_t n_slots;            /* a power of two */
};

static unsigned long long hash_str(const char *s)
{
    return pl_fnv1a(PL_FNV_OFFSET, s, strlen(s));
}

/* Slot holding s, or the empty slot where it would go. */
static size_t probe(const struct pl_vocab *v, const char *s,
                    unsigned long long h)
{
    size_t mask = v->n_slots - 1, i = (size_t)h & mask;
    int id;

    while ((id = v->slot[i]) >= 0) {
        if (v->hash[id] == h && strcmp(v->word[id], s) == 0)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

/* Double the slot table and re-place every id. */
static int grow_slots(struct pl_vocab *v)
{
    size_t n_slots = v->n_slots * 2, mask = n_slots - 1, i, j;
    int *slot = malloc(n_slots * sizeof *slot);

    if (!slot)
        return -1;
    memset(slot, 0xFF, n_slots * sizeof *slot);
    for (i = 0; i < v->n; i++) {
        j = (size_t)v->hash[i] & mask;
        while (slot[j] >= 0)
            j = (j + 1) & mask;
        slot[j] = (int)i;
    }
    free(v->slot);
    v->slot = slot;
    v->n_slots = n_slots;
    return 0;
}

static int grow_entries(struct pl_vocab *v)
{
    size_t cap = v->cap ? v->cap * 2 : 64;
    char **word;
    long *count;
    unsigned long long *hash;

    word = realloc(v->word, cap * sizeof *word);
    if (!word)
        return -1;
    v->word = word;
    count = realloc(v->count, cap * sizeof *count);
    if (!count)
        return -1;
    v->count = count;
    hash = realloc(v->hash, cap * sizeof *hash);
    if (!hash)
        return -1;
    v->hash = hash;
    v->cap = cap;
    return 0;
}

struct pl_vocab *pl_vocab_new(void)
{
    struct pl_vocab *v = calloc(1, sizeof *v);

    if (!v)
        return NULL;
    v->n_slots = 128;
    v->slot = malloc(v->n_slots * sizeof *v->slot);
    if (!v->slot) {
        free(v);
        return NULL;
    }
    memset(v->slot, 0xFF, v->n_slots * sizeof *v->slot);
    return v;
}

void pl_vocab_free(struct pl_vocab *v)
{
    size_t i;

    if (!v)
        return;
    for (i = 0; i < v->n; i++)
        free(v->word[i]);
    free(v->word);
    free(v->count);
    free(v->hash);
    free(v->slot);
    free(v);
}

/* Append s as a new entry in slot i; -1 on allocation failure. */
static int insert_new(struct pl_vocab *v, const char *s,
                      unsigned long long h, size_t i)
{
    char *copy;

    if (v->n == (size_t)INT_MAX)
        return -1;
    if (v->n == v->cap && grow_entries(v) != 0)
        return -1;
    copy = pl_strdup(s);
    if (!copy)
        return -1;
    v->word[v->n] = copy;
    v->count[v->n] = 0;
    v->hash[v->n] = h;
    v->slot[i] = (int)v->n;
    return (int)v->n++;
}

int pl_vocab_add(struct pl_vocab *v, const char *s)
{
    unsigned long long h;
    size_t i;
    int id;

    if (!v || !s)
        return -1;
    if ((v->n + 1) * 2 > v->n_slots && grow_slots(v) != 0)
        return -1;
    h = hash_str(s);
    i = probe(v, s, h);
    id = v->slot[i];
    if (id < 0)
        id = insert_new(v, s, h, i);
    if (id >= 0)
        v->count[id]++;
    return id;
}

int pl_vocab_find(const struct pl_vocab *v, const char *s)
{
    if (!v || !s)
        return -1;
    return v->slot[probe(v, s, hash_str(s))];
}

size_t pl_vocab_size(const struct pl_vocab *v)
{
    return v ? v->n : 0;
}

const char *pl_vocab_word(const struct pl_vocab *v, int id)
{
    if (!v || id < 0 || (size_t)id >= v->n)
        return NULL;
    return v->word[id];
}

long pl_vocab_count(const struct pl_vocab *v, int id)
{
    if (!v || id < 0 || (size_t)id >= v->n)
        return 0;
    return v->count[id];
}
