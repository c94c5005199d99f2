/*
 * sess_fx.h: a real ismsd for the web sign-in tests (test_sessions*.c),
 * and the calls they make: SessionOpen, PasswordSet, hello with a
 * session's secret, ismsctl user passwd; async replies with their time.
 */
#ifndef ISMS_SESS_FX_H
#define ISMS_SESS_FX_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon_fx.h"
#include "ismsclient.h"

#define PW_ALICE "correct horse battery"
#define PW_NEW   "staple battery horse!"
#define BAD      "wrong user name or password"
#define GW_UID   65534 /* nobody: the SSO gateway's uid here */

/* A daemon on its Unix socket (root there is admin), on plain TCP on
 * loopback where a session's secret names a connection, trusting uid
 * 65534 as the SSO gateway; its log kept to look for hashes. */
struct sess_fx {
	struct daemon_fx d; /* first: fx->d and the fixture are the same */
	char listen[64], tcp[64], log[160];
	const char *argv[8];
	struct isms_sync *admin;
};

/* cmocka setup and teardown: a sess_fx in *state. */
int sess_fx_setup(void **state);
int sess_fx_teardown(void **state);

/* Sends req on s; the reply (never NULL: a lost link fails the test). */
Isms__V1__Reply *sx_call(struct isms_sync *s, Isms__V1__Request *req);
/* The reply's status code and message. */
int sx_code(const Isms__V1__Reply *r);
const char *sx_msg(const Isms__V1__Reply *r);
/* Adds user name with role (ismsctl user add). */
void sx_user_add(struct sess_fx *fx, const char *name, const char *role);
/* Sets name's password as the admin (ismsctl user passwd --stdin). */
void sx_passwd(struct sess_fx *fx, const char *name, const char *pw);
/* A SessionOpen request (addr: the browser's, as a gateway says). */
Isms__V1__Request *sx_open_req(const char *user, const char *pw,
                               const char *addr, bool proxy);
/* SessionOpen on s: the reply. */
Isms__V1__Reply *sx_session_open(struct isms_sync *s, const char *user,
                                 const char *pw, const char *addr);
/* Opens a session that must open (as the admin); its secret. */
char *sx_session_secret(struct sess_fx *fx, const char *user, const char *pw,
                        const char *addr);
/* A TCP connection whose hello presents secret; NULL with err when the
 * hello was refused. dial_ok: one that must succeed. */
struct isms_sync *sx_dial(struct sess_fx *fx, const char *secret,
                          struct isms_err *err);
struct isms_sync *sx_dial_ok(struct sess_fx *fx, const char *secret);
/* An Info request; the code of an Info call on s. */
Isms__V1__Request *sx_info_req(void);
int sx_info_code(struct isms_sync *s);
/* Whether s was cut: its next call finds the connection gone. */
bool sx_cut(struct isms_sync *s);
/* A PasswordSet request; PasswordSet on s: its code, message in m. */
Isms__V1__Request *sx_passwd_req(const char *user, const char *pw,
                                 const char *old);
int sx_passwd_call(struct isms_sync *s, const char *user, const char *pw,
                   const char *old, char *m, size_t len);

/* One reply of an async call: its code, its message, when it came. */
struct sx_got {
	int code;
	char msg[256];
	double at; /* ms on the monotonic clock */
	bool done;
};

/* Milliseconds on the monotonic clock. */
double sx_now_ms(void);
/* isms_reply_cb filling a struct sx_got (arg). */
void sx_got_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg);
/* Runs base until every n of g is done (10 s at most). */
void sx_await(struct event_base *base, struct sx_got *g, size_t n);

#endif
