/* rpc_table.c: every RPC the server answers, with the least role allowed. */
#include "rpc.h"

#define V    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER
#define A    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_AUDITOR
#define E    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR
#define ADM  ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN
#define C(x) ISMS__V1__REQUEST__CALL_##x

const struct rpc_entry rpc_table[] = {
    /* name		call		flags			role	exec */
    {"Hello", C(HELLO), RPC_READ | RPC_NOAUTH | RPC_INGEST, 0, rpc_hello_exec},
    {"Info", C(INFO), RPC_READ, V, rpc_info_exec},
    {"Get", C(GET), RPC_READ, V, rpc_get_exec},
    {"List", C(LIST), RPC_READ, V, rpc_list_exec},
    {"Links", C(LINKS), RPC_READ, V, rpc_links_exec},
    {"MethodGet", C(METHOD_GET), RPC_READ, V, rpc_method_get_exec},
    {"Due", C(DUE), RPC_READ, V, rpc_due_exec},
    {"Subscribe", C(SUBSCRIBE), RPC_READ, V, rpc_subscribe_exec},
    {"History", C(HISTORY), RPC_READ, A, rpc_history_exec},
    {"Journal", C(JOURNAL), RPC_READ, A, rpc_journal_exec},
    {"JournalVerify", C(JOURNAL_VERIFY), RPC_READ, A, rpc_journal_verify_exec},
    {"UserList", C(USER_LIST), RPC_READ, A, rpc_user_list_exec},
    {"Put", C(PUT), RPC_WRITE | RPC_INGEST, E, rpc_put_exec},
    {"Archive", C(ARCHIVE), RPC_WRITE, E, rpc_archive_exec},
    {"Link", C(LINK), RPC_WRITE, E, rpc_link_exec},
    {"Review", C(REVIEW), RPC_WRITE, E, rpc_review_exec},
    {"MethodSet", C(METHOD_SET), RPC_WRITE, ADM, rpc_method_set_exec},
    {"CatalogLoad", C(CATALOG_LOAD), RPC_WRITE, ADM, rpc_catalog_load_exec},
    {"UserPut", C(USER_PUT), RPC_WRITE | RPC_AUTHZ, ADM, rpc_user_put_exec},
    {"TokenCreate", C(TOKEN_CREATE), RPC_WRITE, ADM, rpc_token_create_exec},
    {"TokenList", C(TOKEN_LIST), RPC_READ, ADM, rpc_token_list_exec},
    {"TokenRevoke", C(TOKEN_REVOKE), RPC_WRITE | RPC_AUTHZ, ADM,
     rpc_token_revoke_exec},
    {NULL, 0, 0, 0, NULL},
};

/* Fields that need more than their call's role. */
const struct rpc_field_role rpc_field_roles[] = {
    /* call		field		role	why */
    {C(SUBSCRIBE), "replay", A, "a replay reads the journal"},
    {0, NULL, 0, NULL},
};
