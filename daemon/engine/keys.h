/*
 * keys.h: store keys that sort in natural order.
 *
 * A record key is the register's code byte followed by the id in natural
 * encoding: every run of digits becomes 0x01, its digit count, its digits
 * (leading zeros dropped), so RSK-9999 sorts before RSK-10000 and A.5.2
 * before A.5.10. Keys never contain 0x00, which therefore ends a record key
 * inside longer keys (history, indexes).
 */
#ifndef ISMS_KEYS_H
#define ISMS_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define ID_MAX     64  /* bytes of a record id */
#define RECKEY_MAX 160 /* 1 + natural(ID_MAX) */
#define IDXVAL_MAX 200 /* bytes of an indexed value */

/* Encodes id in natural order into out; returns its length or 0 if id is
 * empty, too long, or holds a byte below 0x20. */
size_t key_natural(const char *id, uint8_t *out, size_t cap);

/* Record key of id in register code; 0 on a bad id. */
size_t key_record(uint8_t code, const char *id, uint8_t *out, size_t cap);

/* History key: record key, 0x00, rev as big-endian 64. */
size_t key_history(const uint8_t *rk, size_t rklen, uint64_t rev, uint8_t *out,
                   size_t cap);

/* The record key's length inside a history key; 0 if hk is not one. */
size_t key_history_record(const uint8_t *hk, size_t hklen);

/* Index key: code, field, value, 0x00, record key. Prefix: rk = NULL. */
size_t key_index(uint8_t code, char field, const char *value, const uint8_t *rk,
                 size_t rklen, uint8_t *out, size_t cap);

#endif
