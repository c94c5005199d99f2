#include "gw_ui.h"
void gw_ui_report(struct gw_req *r){gw_reply_error(r->req, ISMS_EUNIMPL, "x"); gw_req_free(r);} void gw_reports_stop(void){}
