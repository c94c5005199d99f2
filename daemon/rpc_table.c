/* rpc_table.c: every RPC the server answers. */
#include "rpc.h"

const struct rpc_entry rpc_table[] = {
    {"Hello", ISMS__V1__REQUEST__CALL_HELLO, RPC_READ, rpc_hello_exec},
    {"Info", ISMS__V1__REQUEST__CALL_INFO, RPC_READ, rpc_info_exec},
    {"Get", ISMS__V1__REQUEST__CALL_GET, RPC_READ, rpc_get_exec},
    {"List", ISMS__V1__REQUEST__CALL_LIST, RPC_READ, rpc_list_exec},
    {"History", ISMS__V1__REQUEST__CALL_HISTORY, RPC_READ, rpc_history_exec},
    {"Put", ISMS__V1__REQUEST__CALL_PUT, RPC_WRITE, rpc_put_exec},
    {"Archive", ISMS__V1__REQUEST__CALL_ARCHIVE, RPC_WRITE, rpc_archive_exec},
    {"Link", ISMS__V1__REQUEST__CALL_LINK, RPC_WRITE, rpc_link_exec},
    {"Links", ISMS__V1__REQUEST__CALL_LINKS, RPC_READ, rpc_links_exec},
    {"MethodGet", ISMS__V1__REQUEST__CALL_METHOD_GET, RPC_READ,
     rpc_method_get_exec},
    {"MethodSet", ISMS__V1__REQUEST__CALL_METHOD_SET, RPC_WRITE,
     rpc_method_set_exec},
    {"CatalogLoad", ISMS__V1__REQUEST__CALL_CATALOG_LOAD, RPC_WRITE,
     rpc_catalog_load_exec},
    {"Subscribe", ISMS__V1__REQUEST__CALL_SUBSCRIBE, RPC_READ,
     rpc_subscribe_exec},
    {"Journal", ISMS__V1__REQUEST__CALL_JOURNAL, RPC_READ, rpc_journal_exec},
    {"JournalVerify", ISMS__V1__REQUEST__CALL_JOURNAL_VERIFY, RPC_READ,
     rpc_journal_verify_exec},
    {"Review", ISMS__V1__REQUEST__CALL_REVIEW, RPC_WRITE, rpc_review_exec},
    {"Due", ISMS__V1__REQUEST__CALL_DUE, RPC_READ, rpc_due_exec},
    {NULL, 0, 0, NULL},
};
