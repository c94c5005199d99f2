/*
 * gw_hooks.h: webhook payloads turned into Ingest requests, a pure
 * function of the body (no I/O), so that a fuzz target and unit tests
 * cover it alone.
 *
 * Three forms, one per route of /v1/hooks/: an Alertmanager webhook
 * (payload version 4: one Ingest per alert, keyed by its fingerprint), an
 * OCSF Incident Finding (class_uid 2005, keyed by finding_info.uid) and
 * the gateway's own small form. A payload that does not parse, or has an
 * alert without what it needs, is refused whole with INVALID_ARGUMENT and
 * a message (malformed JSON names its line, column and byte): nothing of
 * it is sent.
 */
#ifndef ISMS_GW_HOOKS_H
#define ISMS_GW_HOOKS_H

#include <stddef.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

#define GW_HOOK_MAX 500 /* alerts in one payload */

enum gw_hook {
	GW_HOOK_ALERTMANAGER,
	GW_HOOK_OCSF,
	GW_HOOK_INCIDENT,
	GW_HOOK_N
};

/* The Ingest requests of one payload, in its order. */
struct gw_hook_batch {
	Isms__V1__Ingest **v;
	size_t n;
};

/* The route name of kind ("alertmanager"), or NULL past GW_HOOK_N. */
const char *gw_hook_name(enum gw_hook kind);

/* Parses body (len bytes, untrusted) of kind into out (at least one
 * Ingest). 0, or -ISMS_EINVAL with err and out empty. */
int gw_hook_parse(enum gw_hook kind, const char *body, size_t len,
                  struct gw_hook_batch *out, struct isms_err *err);

void gw_hook_batch_free(struct gw_hook_batch *);

#endif
