/*
 * evfmt.h: journal entries and events as ismsctl prints them, shared by
 * "ismsctl journal" and "ismsctl watch": event types by their human name
 * ("review_due"), hashes as lower-case hex, lines for people, one JSON
 * object per entry for programs, CSV rows for spreadsheets.
 */
#ifndef ISMS_CTL_EVFMT_H
#define ISMS_CTL_EVFMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/isms.pb-c.h"

#define EVFMT_HASH_LEN 32 /* SHA-256 */

/* Parses "review_due", "EVENT_TYPE_REVIEW_DUE" or "9". 0 or -1. */
int evfmt_type_parse(const char *s, Isms__V1__EventType *out);

/* "review_due" for a known type, else the number; written into buf. */
const char *evfmt_type_name(int type, char *buf, size_t len);

/* The human names of every event type, "created|updated|...", into buf. */
void evfmt_type_names(char *buf, size_t len);

/* Bytes as lower-case hex, malloc'ed. */
char *evfmt_hex(const uint8_t *data, size_t len);

/*
 * Parses a journal head "SEQ:HEX" (64 hex digits, either case) into seq
 * and hash. 0 or -1.
 */
int evfmt_head_parse(const char *s, uint64_t *seq,
                     uint8_t hash[EVFMT_HASH_LEN]);

/* Writes "SEQ:HEX" of a head (hex of hash; 64 zeros when it is empty). */
void evfmt_head_print(FILE *, uint64_t seq, const ProtobufCBinaryData *hash);

/* One line for people: "SEQ TIME TYPE ID ACTOR SUMMARY" ("-" for empty). */
void evfmt_line(FILE *, const Isms__V1__JournalEntry *);

/* One JSON object on one line (NDJSON), newline included. */
void evfmt_json(FILE *, const Isms__V1__JournalEntry *);

/* Entries as a JSON array, one object per line. */
void evfmt_json_array(FILE *, Isms__V1__JournalEntry *const *e, size_t n);

/* The CSV header row, and one row per entry (RFC 4180, CRLF). */
void evfmt_csv_header(FILE *);
void evfmt_csv_row(FILE *, const Isms__V1__JournalEntry *);

/* The journal as a table: SEQ TIME ACTOR TYPE ID REV SUMMARY. */
void evfmt_table(FILE *, Isms__V1__JournalEntry *const *e, size_t n);

#endif
