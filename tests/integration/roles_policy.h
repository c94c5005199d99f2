/*
 * roles_policy.h: who may call each RPC, written out independently of the
 * server's RPC table (test_roles.c checks the server against it).
 */
#ifndef ISMS_ROLES_POLICY_H
#define ISMS_ROLES_POLICY_H

/* The policy, written out independently of the server's RPC table. */
static const struct {
	const char *call;  /* Request oneof member */
	const char *roles; /* who may: v a e A i */
} policy[] = {
    {"hello", "vaeAi"},
    {"health", "vaeAi"},
    {"ingest", "eAi"},
    {"info", "vaeA"},
    {"get", "vaeA"},
    {"list", "vaeA"},
    {"links", "vaeA"},
    {"method_get", "vaeA"},
    {"due", "vaeA"},
    {"subscribe", "vaeA"},
    {"history", "aeA"},
    {"journal", "aeA"},
    {"journal_verify", "aeA"},
    {"user_list", "aeA"},
    {"put", "eA"},
    {"archive", "eA"},
    {"link", "eA"},
    {"review", "eA"},
    {"method_set", "A"},
    {"catalog_load", "A"},
    {"user_put", "A"},
    {"token_create", "A"},
    {"token_list", "A"},
    {"token_revoke", "A"},
    {"sign_off", "vaeA"},
    {"describe", "vaeA"},
    {"metric_values", "vaeA"},
    {"metric_record", "eA"},
    {"unarchive", "eA"},
    {"batch", "eA"},
    {"snapshot", "vaeA"},
    {"backup", "A"},
    /* Anyone, even a connection nothing names yet (the gateway). */
    {"session_open", "vaeAi"},
    /* One's own (others' need admin: test_sessions). */
    {"password_set", "vaeA"},
    /* Any session (on another connection: FAILED_PRECONDITION). */
    {"session_close", "vaeAi"},
};

#endif
