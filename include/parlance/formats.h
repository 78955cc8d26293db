/*
 * Reading conversation logs in their many formats into unified records.
 * Formats are detected from content (file names are only hints); a folder
 * is read file by file in sorted order. Bad records go to a reject
 * callback with their location and reason, and reading goes on, unless
 * the caller asked for strict mode.
 *
 * What each reader makes of its format (more above each toolkit/fmt_*.c):
 *   unified   one dialogue per line, as in record.h (duplicate keys are
 *             refused, so nothing is dropped silently).
 *   sgd       a dialogue per SGD dialogue, id "sgd:<split>:<dialogue_id>",
 *             split from the shard's folder (train/dev/test); USER -> user,
 *             SYSTEM -> agent; intents = the distinct active intents other
 *             than "NONE", or "NONE" itself when that is all there is;
 *             acts "ACT" or "ACT(slot)"; slot spans in bytes; meta services,
 *             domains, multi_domain and per turn service, domain; frames
 *             kept in turn extra. schema.json is noted in the log, skipped.
 *   clinc150  a one-turn user dialogue per [text, intent], id
 *             "<corpus>:<list>:<index>"; val -> "dev"; oos_* lists go to
 *             their split with intent "oos" and meta in_scope false; meta
 *             domain from a domains.json beside the file.
 *   csv, tsv  a header row, RFC 4180 quoting for both; columns for text,
 *             label, speaker, dialogue id and timestamp named by the
 *             options or found by usual names (fmt_table.c); without a
 *             dialogue column a one-turn user dialogue per row, id
 *             "<file stem>:<row>", with one a dialogue per run of rows
 *             with the same id; other columns become turn meta
 *             (strings); split from a train/dev/val/test file stem. A
 *             header with dialogue_id, turn, role and text columns is the
 *             turn table the CSV writer makes: a turn per row, regrouped
 *             into dialogues (fmt_csv_turns.c).
 *   openai    a dialogue per {"messages": [...]} line (also logged
 *             completions {"request", "response"} and Batch API input
 *             {"body"}), id "<stem>:<n>"; null content is "", text parts
 *             are joined with "\n", tool results are linked to the turn
 *             making their call in turn meta (tool_call_turn), unmatched
 *             ones flagged (tool_call_unmatched) and warned about.
 *   sharegpt  a dialogue per {"conversations": [{"from", "value"}]}, in
 *             a JSON array or one per line; role aliases (human, gpt,
 *             ...), unknown speakers kept as role other and warned about.
 *   parlai_jsonl  a dialogue per {"dialog": [...]} line, both dialog
 *             shapes (exchanges of messages, or a flat list); roles from
 *             the speaker id (see fmt_parlai_jsonl.c).
 *   fasttext  a one-turn user dialogue per line, id "<stem>:<n>"; every
 *             token starting with o->label_prefix ("__label__") is an
 *             intent, the rest of the line the text.
 *   parlai_text  ParlAI's tab-separated "key:value" lines; a dialogue
 *             per episode (up to episode_done:True), id "<stem>:<n>";
 *             text -> user turn, the first label -> agent turn, other
 *             fields -> the user turn's extra; ParlAI's escapes undone.
 *   rasa_yaml, rasa_md
 *             a one-turn user dialogue per NLU example, id "<stem>:<n>",
 *             its intent as the label, entity markup as slot spans over
 *             the clean text; synonyms, regexes, lookups and other
 *             sections are left out with a warning (fmt_rasa.c).
 *   multiwoz  MultiWOZ 2.0/2.1 (also ConvLab-2's) {id: {goal, log}}: a
 *             dialogue "multiwoz:<id>" per member, user/agent by
 *             position; acts "Domain-Act(slot)", user intents the
 *             "Domain-Act" names, span_info tokens -> byte spans named
 *             "Domain-slot" with the annotated value; belief state, acts
 *             and goal kept in extra; meta domains, multi_domain, turn
 *             domain. MultiWOZ 2.2 shards are read as sgd (corpus
 *             "multiwoz22", acts from dialog_acts.json beside them).
 *   snips     SNIPS {"<Intent>": [{"data": [segments]}]}: a one-turn
 *             dialogue "snips:<stem>:<n>" per utterance, text = the
 *             segments joined, entity segments -> slot spans.
 *   nlupp     NLU++ [{"text", "intents", "slots"}]: all intents in order,
 *             "value"/"values" slots -> spans; meta domain (folder), fold.
 *   hwu64     HWU64 ';' tables: text from answer_annotation without its
 *             "[type : words]" markup, which becomes slot spans; intent
 *             "<scenario>_<intent>", meta domain = scenario, answerid.
 *   rasa_json Rasa NLU JSON {"rasa_nlu_data": {"common_examples": ...}}:
 *             intent, entities -> spans (value kept), metadata -> meta.
 *   transcript, whatsapp, irc, telegram, slack, discord
 *             chat exports and "Speaker: text" transcripts (see
 *             toolkit/fmt_<name>.c): a turn per message, timestamps in
 *             ISO 8601 (local time without a zone unless the source has
 *             one), app notices as role "system" with meta "event",
 *             derived meta gap_seconds and speaker_change; a dialogue
 *             per blank-line block (transcripts) or per stretch without
 *             a silence over split_gap_minutes (exports). Messages are
 *             the unit of rejection; line-based ones stream.
 *
 * Locations are physical lines and 1-based byte columns; a UTF-8 BOM at
 * the start of a file is skipped and not counted. unified, openai,
 * parlai_jsonl, csv, tsv, fasttext, parlai_text, rasa_md and ShareGPT
 * JSON Lines stream record by record in bounded memory (a ParlAI text
 * episode and a CSV turn-table dialogue are one record); a ShareGPT JSON
 * document is read whole; hwu64 streams too. sgd, clinc150, multiwoz,
 * snips, nlupp, rasa_json and rasa_yaml files are read whole and cut
 * into records (by a structural scan; rasa_yaml by libyaml's events),
 * so each record is still parsed, located and rejected on its own; a
 * syntax error that breaks the document's structure rejects the rest of
 * that file as one record.
 *
 * UTF-8 is checked per record. PL_UTF8_REPAIR replaces invalid sequences
 * (and in JSON, lone UTF-16 surrogate escapes such as "\ud83d") with
 * U+FFFD, counts the record in utf8_repaired and logs a warning with its
 * path:line:col; PL_UTF8_REJECT sends the record to the rejects. In the
 * whole-document formats each bad sequence is charged to the record whose
 * bytes hold it, so only that record is repaired or dropped. A "\u0000"
 * escape or a NUL byte in text always rejects the record.
 */
#ifndef PARLANCE_FORMATS_H
#define PARLANCE_FORMATS_H

#include "parlance/record.h"

enum pl_format {
    PL_FMT_AUTO = 0,
    PL_FMT_UNIFIED,     /* parlance JSONL, one dialogue per line */
    PL_FMT_SGD,         /* Schema-Guided Dialogue shard (JSON array) */
    PL_FMT_CLINC,       /* CLINC150 data_*.json */
    PL_FMT_CSV,         /* comma-separated intent data with a header */
    PL_FMT_TSV,         /* tab-separated intent data with a header */
    PL_FMT_OPENAI,      /* OpenAI chat JSONL {"messages": [...]} */
    PL_FMT_SHAREGPT,    /* ShareGPT JSON array or JSONL {conversations} */
    PL_FMT_PARLAI_JSONL, /* ParlAI Conversations JSONL {"dialog": [...]} */
    PL_FMT_FASTTEXT,    /* fastText "__label__x text" lines */
    PL_FMT_PARLAI_TEXT, /* ParlAI's tab-separated text format */
    PL_FMT_RASA_YAML,   /* Rasa NLU training data, YAML (Rasa 2 and 3) */
    PL_FMT_RASA_MD,     /* Rasa NLU training data, legacy Markdown */
    PL_FMT_MULTIWOZ,    /* MultiWOZ 2.0/2.1 {id: {goal, log}} */
    PL_FMT_SNIPS,       /* SNIPS {"<Intent>": [{"data": [...]}]} */
    PL_FMT_NLUPP,       /* NLU++ [{"text", "intents", "slots"}] */
    PL_FMT_HWU64,       /* HWU64 ';'-separated CSV with [type : words] */
    PL_FMT_RASA_JSON,   /* Rasa NLU JSON {"rasa_nlu_data": {...}} */
    PL_FMT_TRANSCRIPT,  /* "Speaker: text" lines, blank lines between */
    PL_FMT_WHATSAPP,    /* WhatsApp text export, any locale */
    PL_FMT_IRC,         /* IRC logs: "[HH:MM] <nick> text" and friends */
    PL_FMT_TELEGRAM,    /* Telegram Desktop result.json */
    PL_FMT_SLACK,       /* Slack export: a channel's YYYY-MM-DD.json */
    PL_FMT_DISCORD,     /* DiscordChatExporter JSON */
    PL_FMT_COUNT
};

/* "unified", "sgd", "clinc150", "csv", "tsv", "openai", "sharegpt",
 * "parlai_jsonl", "fasttext", "parlai_text", "rasa_yaml", "rasa_md",
 * "multiwoz", "snips", "nlupp", "hwu64", "rasa_json", "transcript",
 * "whatsapp", "irc", "telegram", "slack", "discord". */
const char *pl_format_name(enum pl_format f);
/* Every readable format's name, ", "-separated, into buf of size n
 * (for messages and help). Returns buf. */
char *pl_format_list(char *buf, size_t n);
/* Parse a name as above (case-insensitive, "clinc" also accepted);
 * PL_FMT_AUTO for "auto"; -1 when unknown. */
int pl_format_parse(const char *s);

enum pl_utf8_policy {
    PL_UTF8_REPAIR = 0, /* replace invalid bytes with U+FFFD, count, warn */
    PL_UTF8_REJECT      /* the record goes to the rejects */
};

/* A record set aside: its raw bytes (may be truncated to 64 KiB) and why.
 * Borrowed for the duration of the callback. */
struct pl_reject {
    const char *raw;
    size_t raw_len;
    const struct pl_error *why;
    size_t full_len;    /* bytes of the record as read; > raw_len when the
                           raw text handed over was cut */
};

/* Receives each dialogue and takes ownership of its contents (call
 * pl_dialogue_fini or pl_corpus_take). A non-PL_OK return stops reading
 * and is returned by pl_read. */
typedef enum pl_status (*pl_dialogue_fn)(struct pl_dialogue *d, void *ctx);
typedef void (*pl_reject_fn)(const struct pl_reject *r, void *ctx);

struct pl_read_opts {
    enum pl_format format;      /* PL_FMT_AUTO: detect per file */
    enum pl_utf8_policy utf8;
    int strict;                 /* first bad record is fatal */
    size_t max_record_bytes;    /* 0: 16 MiB */
    const char *corpus_name;    /* NULL: from the path */
    const char *split;          /* NULL: from the corpus (file/folder) */
    const char *text_column;    /* CSV/TSV; NULL: "text" or first column */
    const char *label_column;   /* CSV/TSV; NULL: "label"/"intent"/
                                   "category", or the other column of a
                                   two-column table */
    /* CSV/TSV column mapping. NULL: found by a usual header name (see
     * fmt_table.c); "": no such column. A named column that is not in
     * the header stops reading with PL_ERR_USAGE. */
    const char *speaker_column;  /* speaker name; role from pl_role_parse */
    const char *dialogue_column; /* rows in a run with one id: a dialogue */
    const char *timestamp_column;/* ISO 8601, date-time or Unix time */
    const char *label_separator; /* several labels in one field; NULL or
                                    "": the field is one label */
    const char *label_prefix;   /* fastText; NULL: "__label__" */
    pl_dialogue_fn on_dialogue;
    void *ctx;
    pl_reject_fn on_reject;     /* may be NULL */
    void *reject_ctx;
    /* Chat exports and transcripts (transcript, whatsapp, irc, telegram,
     * slack, discord): */
    const char *speaker_roles;  /* "Name=role,...,*=role"; NULL: roles
                                   from names (User -> user, Bot -> agent,
                                   else other) */
    long split_gap_minutes;     /* a silence longer than this starts a new
                                   dialogue; 0: 360 (6 hours); < 0: never */
    const char *date_order;     /* WhatsApp "dmy", "mdy", "ymd"; NULL:
                                   inferred from the file */
};

void pl_read_opts_default(struct pl_read_opts *o);

struct pl_read_stats {
    long files;                 /* data files read (skipped ones and SGD
                                   schema files are not counted) */
    long files_skipped;         /* in folders: in no known format */
    long read;                  /* records read = kept + rejected */
    long kept;
    long rejected;
    long utf8_repaired;         /* records whose text was repaired */
    enum pl_format format;      /* last format detected */
    char formats[256];          /* every format seen, comma-separated */
};

/*
 * Detect the format of a file from its first bytes (a folder: of its first
 * readable file). PL_FMT_AUTO when nothing matches, with err explaining
 * what was seen: "path:1:1: expected a known conversation format
 * (unified, sgd, clinc150, csv, tsv, openai, sharegpt, parlai_jsonl,
 * fasttext, parlai_text, rasa_yaml, rasa_md, multiwoz, snips, nlupp,
 * hwu64, rasa_json, transcript, whatsapp, irc, telegram, slack,
 * discord), found <first bytes>".
 * An SGD schema.json is reported as PL_FMT_SGD.
 */
enum pl_format pl_format_sniff(const char *path, struct pl_error *err);

/*
 * Read a file or folder, calling o->on_dialogue for each dialogue.
 * A folder is walked recursively in byte order of names; hidden entries,
 * documents (README*, LICENSE*, *.md, ...) and files in no known format
 * are skipped (listed at debug log level), and a folder without any data
 * file is an error. Returns the first fatal error (I/O, unknown format,
 * strict-mode reject, or a callback's status). st may be NULL.
 */
enum pl_status pl_read(const char *path, const struct pl_read_opts *o,
                       struct pl_read_stats *st, struct pl_error *err);

/* Read everything into a new corpus (o->on_dialogue is ignored; o may be
 * NULL for the defaults). Its name is o->corpus_name, else the corpus
 * name all dialogues share, else the path's stem; its format the formats
 * seen ("csv,openai"). *out is the caller's (pl_corpus_free), NULL on
 * failure. */
enum pl_status pl_corpus_read(const char *path,
                              const struct pl_read_opts *o,
                              struct pl_corpus **out,
                              struct pl_read_stats *st,
                              struct pl_error *err);

#endif
