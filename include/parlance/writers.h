/*
 * Writing dialogues out in other formats: unified JSONL, fastText lines,
 * ParlAI text, OpenAI chat JSONL, CSV and TSV. A writer takes dialogues
 * one at a time and counts, by kind, everything its format cannot hold,
 * so a caller can say what a conversion left out instead of losing it
 * silently. What each format carries:
 *
 *   unified      everything; writing what the unified reader read gives
 *                the same bytes.
 *   fasttext     one line per turn with at least one intent:
 *                "__label__a __label__b text". Carries the text and the
 *                intents, nothing else: read back, each line is a
 *                one-turn user dialogue. Line breaks (LF, CR) in the
 *                text become spaces, a word that starts with the
 *                label prefix gets one more '_' in front (fastText would
 *                take it for a label), and white space inside an intent
 *                becomes '_'; each such change counts as a changed text
 *                or label. Turns without intents are not written.
 *   parlai_text  ParlAI's tab-separated text format, an episode per
 *                dialogue: a line pairs a turn of the user side (any role
 *                but agent) as "text:" with the agent turn after it as
 *                "labels:"; an agent turn with no user-side turn before
 *                it gets a line of its own; "episode_done:True" ends the
 *                last line. "id:" is the speaker of the line's first
 *                turn; the user-side turn's extra members that are
 *                strings (string lists for the list keys
 *                label_candidates, text_candidates, eval_labels) become
 *                fields of its line; an agent turn's extra "labels" or
 *                "eval_labels" list gives the other label alternatives.
 *                Tabs, line breaks and '|' are escaped as "\t", "\n",
 *                "\r" and "__PIPE__" (see write_parlai.c). Roles other
 *                than user and agent, the speaker of an agent turn that
 *                shares its line, other extra members, intents, acts,
 *                slots, timestamps, metadata and dialogue ids are not
 *                carried, nor a dialogue without turns.
 *   openai       {"messages": [...]} per dialogue; roles user, assistant
 *                (agent), system, tool (developer and function when
 *                that was the speaker); a speaker that is not the role's
 *                name goes to the message's "name" when it fits OpenAI's
 *                pattern ([A-Za-z0-9_-], at most 64). Of extra, only
 *                members OpenAI defines are written: name, tool_calls,
 *                tool_call_id, function_call, weight, refusal, audio, a
 *                content parts array whose text parts still give the
 *                turn's text; top-level tools, functions,
 *                parallel_tool_calls. Role other is written as user
 *                (counted); intents, acts, slots, timestamps, metadata
 *                (but the tool-call links the reader derives again),
 *                dialogue ids and other extra are not carried.
 *   csv, tsv     a header, then one row per turn: dialogue_id, corpus,
 *                split, turn, role, speaker, text, intents, acts,
 *                timestamp, then "dialogue.K" per dialogue metadata key
 *                and "meta.K" per turn metadata key seen anywhere (a
 *                key's column is "meta.K:json", with JSON cells, when any
 *                of its values is not a non-empty string). Intents and
 *                acts are joined with '|', a '|' or '\' inside one
 *                escaped with '\'. RFC 4180 quoting. The column set is
 *                known only at the end, so rows are spooled to a
 *                temporary file and everything is written by
 *                pl_writer_close. Slots, extra members and normalised
 *                text are not carried.
 *
 * Everywhere but unified: an empty intent or act is left out (counted),
 * and origins are not written (read back, records come from the new
 * file); an id, corpus or split a reader made up from the file name is
 * origin too and not counted. Only unified and openai can write a
 * dialogue without turns.
 */
#ifndef PARLANCE_WRITERS_H
#define PARLANCE_WRITERS_H

#include "parlance/formats.h"

/* What a format could not hold, counted per item left out or changed. */
enum pl_loss {
    PL_LOSS_DIALOGUE = 0,   /* dialogues with no turns to write */
    PL_LOSS_ID,             /* dialogue ids */
    PL_LOSS_CORPUS,         /* non-empty corpus names */
    PL_LOSS_SPLIT,          /* non-empty splits */
    PL_LOSS_DIALOGUE_META,  /* dialogue metadata keys */
    PL_LOSS_DIALOGUE_EXTRA, /* dialogue extra members */
    PL_LOSS_TURN,           /* turns not written at all */
    PL_LOSS_ROLE,           /* turns written under another role */
    PL_LOSS_SPEAKER,        /* speaker names */
    PL_LOSS_TEXT,           /* texts changed to fit the format */
    PL_LOSS_TIMESTAMP,
    PL_LOSS_INTENT,         /* intent labels */
    PL_LOSS_LABEL,          /* intent labels changed to fit */
    PL_LOSS_ACT,            /* dialogue acts */
    PL_LOSS_SLOT,           /* slot spans */
    PL_LOSS_TURN_META,      /* turn metadata keys */
    PL_LOSS_TURN_EXTRA,     /* turn extra members */
    PL_LOSS_NORM,           /* normalised texts */
    PL_LOSS_COUNT
};

/* Plural noun phrase for a loss kind ("dialogue ids", "slot spans"). */
const char *pl_loss_name(enum pl_loss k);

struct pl_write_opts {
    const char *label_prefix;   /* fasttext; NULL: "__label__" */
};

void pl_write_opts_default(struct pl_write_opts *o);

struct pl_write_stats {
    long dialogues;             /* dialogues given to the writer */
    long records;               /* lines or rows written (no header) */
    long lost[PL_LOSS_COUNT];
};

/* Total of st->lost: 0 when the output holds everything it was given. */
long pl_write_stats_lost(const struct pl_write_stats *st);

struct pl_writer;

/*
 * A writer of format f to fp (which stays the caller's: it is not
 * closed). f is one of unified, fasttext, parlai_text, openai, csv, tsv;
 * any other is PL_ERR_USAGE. o may be NULL for the defaults (copied; the
 * label prefix string must outlive the writer). *out is the caller's:
 * pl_writer_close or pl_writer_free it.
 */
enum pl_status pl_writer_open(enum pl_format f, FILE *fp,
                              const struct pl_write_opts *o,
                              struct pl_writer **out, struct pl_error *err);

/*
 * Write one dialogue (d is only read). PL_ERR_IO when writing fails,
 * PL_ERR_DATA when the JSON writers (unified, openai, and csv/tsv,
 * which spool JSON) meet text that is not valid UTF-8; fasttext and
 * parlai_text copy the bytes as they are.
 */
enum pl_status pl_writer_write(struct pl_writer *w,
                               const struct pl_dialogue *d,
                               struct pl_error *err);

/*
 * Finish the output (CSV and TSV write everything here), flush fp, copy
 * the counts to st (may be NULL) and free w, also on failure.
 */
enum pl_status pl_writer_close(struct pl_writer *w,
                               struct pl_write_stats *st,
                               struct pl_error *err);

/* Free w without finishing its output. Accepts NULL. */
void pl_writer_free(struct pl_writer *w);

/* The counts so far. */
const struct pl_write_stats *pl_writer_stats(const struct pl_writer *w);

/* Is there a writer for f? */
int pl_writer_supports(enum pl_format f);

#endif
