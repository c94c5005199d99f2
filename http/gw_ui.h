/*
 * gw_ui.h: the routes the web interface needs beyond the register API:
 * a record's sign-off, history and links, a register's description, the
 * journal check, the dashboard, "my work" and the reports. Each handler
 * owns the request it is given (gw_req.h) and calls ismsd as the caller.
 */
#ifndef ISMS_GW_UI_H
#define ISMS_GW_UI_H

#include <stdint.h>

#include "gw_req.h"

/* gw_signoff.c: POST /v1/{register}/{id}/signoff. */
void gw_ui_signoff(struct gw_req *);

/* gw_rec.c: GET /v1/{register}/{id}/history, .../links,
 * /v1/describe/{register}, /v1/journal/verify. */
void gw_ui_history(struct gw_req *);
void gw_ui_links(struct gw_req *);
void gw_ui_describe(struct gw_req *);
void gw_ui_verify(struct gw_req *);

/* gw_dash.c: GET /v1/dashboard. */
void gw_ui_dashboard(struct gw_req *);

/* gw_mywork.c: GET /v1/mywork. */
void gw_ui_mywork(struct gw_req *);

/* gw_reports.c: GET /v1/reports/{name}; gw_reports_stop ends the
 * reports still running (the gateway stops). */
void gw_ui_report(struct gw_req *);
void gw_reports_stop(void);

/* gw_rec.c: replies with rec as JSON and its ETag (status 200). */
void gw_ui_record_reply(struct gw_req *r, const Isms__V1__Reply *reply);

/* gw_rec.c: replies with what f wrote (JSON) once f is closed; a NULL
 * stream (out of memory) answers 500. Frees buf. */
void gw_ui_reply_stream(struct gw_req *r, struct evbuffer *buf, FILE *f);

/* gw_rec.c: the name of a record body's status ("identified"), "" when
 * it has none. */
const char *gw_ui_status(const Isms__V1__Record *rec, char *buf, size_t len);

#endif
