/*
 * rpc_table.c: every RPC the server answers: its least role, the Reply
 * member its result goes in, and its handler. A read runs on a read txn
 * dispatch opens; an apply runs in the writer after its check; an exec
 * manages its connection itself.
 */
#include "rpc.h"

#define V    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER
#define A    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_AUDITOR
#define E    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR
#define ADM  ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN
#define C(x) ISMS__V1__REQUEST__CALL_##x
#define R(x) ISMS__V1__REPLY__RESULT_##x

const struct rpc_entry rpc_table[] = {
    /* name		call		flags			role	result */
    {"Hello", C(HELLO), RPC_READ | RPC_NOAUTH | RPC_INGEST, 0, R(HELLO),
     .exec = rpc_hello_exec},
    {"Info", C(INFO), RPC_READ, V, R(INFO), .read = rpc_info_read},
    {"Health", C(HEALTH), RPC_READ | RPC_INGEST, V, 0, .exec = rpc_health_exec},
    {"Get", C(GET), RPC_READ, V, R(RECORD), .read = rpc_get_read},
    {"List", C(LIST), RPC_READ, V, R(LIST), .read = rpc_list_read},
    {"Links", C(LINKS), RPC_READ, V, R(LINKS), .read = rpc_links_read},
    {"MethodGet", C(METHOD_GET), RPC_READ, V, R(METHOD),
     .read = rpc_method_get_read},
    {"Due", C(DUE), RPC_READ, V, R(DUE), .read = rpc_due_read},
    {"Describe", C(DESCRIBE), RPC_READ, V, R(REGISTER_INFO),
     .read = rpc_describe_read},
    {"Subscribe", C(SUBSCRIBE), RPC_READ, V, 0, .exec = rpc_subscribe_exec},
    /* Pages from one read txn, streamed under the request's id. */
    {"Snapshot", C(SNAPSHOT), RPC_READ, V, 0, .exec = rpc_snapshot_exec},
    {"MetricValues", C(METRIC_VALUES), RPC_READ, V, R(MEASUREMENTS),
     .read = rpc_metric_values_read},
    {"History", C(HISTORY), RPC_READ, A, R(HISTORY), .read = rpc_history_read},
    {"Journal", C(JOURNAL), RPC_READ, A, R(JOURNAL), .read = rpc_journal_read},
    {"JournalVerify", C(JOURNAL_VERIFY), RPC_READ, A, R(VERIFY),
     .exec = rpc_journal_verify_exec},
    {"UserList", C(USER_LIST), RPC_READ, A, R(USERS),
     .read = rpc_user_list_read},
    {"Put", C(PUT), RPC_WRITE, E, R(RECORD), .apply = rpc_put_apply,
     .check = rpc_put_check},
    /* Many puts as one unit; its result lists every put's error. */
    {"Batch", C(BATCH), RPC_WRITE | RPC_ERR_RESULT | RPC_AUTHZ, E, R(BATCH),
     .apply = rpc_batch_apply, .check = rpc_batch_check},
    /* The ingest role's one write; its reply holds only what the
     * source wrote (ingest.h). */
    {"Ingest", C(INGEST), RPC_WRITE | RPC_INGEST, E, R(INGEST),
     .apply = rpc_ingest_apply, .check = rpc_ingest_check},
    {"Archive", C(ARCHIVE), RPC_WRITE, E, R(RECORD), .apply = rpc_archive_apply,
     .check = rpc_archive_check},
    {"Unarchive", C(UNARCHIVE), RPC_WRITE, E, R(RECORD),
     .apply = rpc_unarchive_apply, .check = rpc_unarchive_check},
    {"Link", C(LINK), RPC_WRITE, E, R(RECORD), .apply = rpc_link_apply,
     .check = rpc_link_check},
    {"Review", C(REVIEW), RPC_WRITE, E, R(RECORD), .apply = rpc_review_apply,
     .check = rpc_review_check},
    /* The signer is the record's owner (any role) or an admin: checked
     * against the record in the writer. */
    {"SignOff", C(SIGN_OFF), RPC_WRITE, V, R(RECORD),
     .apply = rpc_signoff_apply, .check = rpc_signoff_check},
    {"MetricRecord", C(METRIC_RECORD), RPC_WRITE, E, R(MEASUREMENT),
     .apply = rpc_metric_record_apply, .check = rpc_metric_record_check},
    {"MethodSet", C(METHOD_SET), RPC_WRITE, ADM, R(METHOD),
     .apply = rpc_method_set_apply, .check = rpc_method_set_check},
    {"CatalogLoad", C(CATALOG_LOAD), RPC_WRITE, ADM, R(CATALOG),
     .apply = rpc_catalog_load_apply, .check = rpc_catalog_load_check},
    {"UserPut", C(USER_PUT), RPC_WRITE | RPC_AUTHZ, ADM, R(USER),
     .apply = rpc_user_put_apply, .check = rpc_user_put_check},
    {"TokenCreate", C(TOKEN_CREATE), RPC_WRITE, ADM, R(TOKEN_CREATED),
     .apply = rpc_token_create_apply},
    {"TokenList", C(TOKEN_LIST), RPC_READ, ADM, R(TOKENS),
     .read = rpc_token_list_read},
    {"TokenRevoke", C(TOKEN_REVOKE), RPC_WRITE | RPC_AUTHZ, ADM, R(TOKEN),
     .apply = rpc_token_revoke_apply},
    /* Streams BackupChunk replies itself (rpc_backup.c). */
    {"Backup", C(BACKUP), RPC_READ, ADM, 0, .exec = rpc_backup_exec},
    /* Web sign-in (rpc_session.c): SessionOpen needs no hello; the
     * others check who is changed or closed themselves. */
    {"SessionOpen", C(SESSION_OPEN), RPC_READ | RPC_NOAUTH | RPC_INGEST, 0,
     R(SESSION), .exec = rpc_session_open_exec},
    {"PasswordSet", C(PASSWORD_SET), RPC_READ, V, R(USER),
     .exec = rpc_password_set_exec},
    {"SessionClose", C(SESSION_CLOSE), RPC_READ | RPC_INGEST, V, R(TOKEN),
     .exec = rpc_session_close_exec},
    {NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL},
};

/* Fields that need more than their call's role. */
const struct rpc_field_role rpc_field_roles[] = {
    /* call		field		role	why */
    {C(SUBSCRIBE), "replay", A, "a replay reads the journal"},
    {C(BATCH), "users", ADM, "it creates or changes users"},
    {C(SNAPSHOT), "as_of", A, "records as of a date come from history"},
    {0, NULL, 0, NULL},
};
