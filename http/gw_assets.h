/*
 * gw_assets.h: the web interface's static files, read at start and served
 * from memory (gw_assets.c), and the headers on every reply.
 */
#ifndef ISMS_GW_ASSETS_H
#define ISMS_GW_ASSETS_H

#include "gw.h"

struct gw_req;

/* Reads the www dir into gw->assets. 0, or 2 when --www names a dir
 * that cannot be read (printed). */
int gw_assets_load(struct gw *gw);
void gw_assets_free(struct gw_assets *);

/* X-Content-Type-Options, Referrer-Policy, X-Frame-Options. */
void gw_security_headers(struct evhttp_request *req);

void gw_assets_root(struct gw_req *);  /* GET /: 302 /ui/ */
void gw_assets_index(struct gw_req *); /* GET /ui/: index.html */
void gw_assets_file(struct gw_req *);  /* GET /ui/NAME */

#endif
