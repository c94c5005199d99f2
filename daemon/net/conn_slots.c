/* conn_slots.c: who may hold a connection: the TCP and Unix pools, the
 * slots kept for admins, the caps per address and per user. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "conn.h"
#include "conn_slots.h"
#include "listen.h"
#include "log.h"
#include "server.h"

/* Open connections of user. */
static size_t
conn_count_user(struct server *srv, const char *user)
{
	struct conn *c;
	size_t n = 0;

	TAILQ_FOREACH(c, &srv->conns, entry)
	n += c->role != 0 && strcmp(c->user, user) == 0;
	return n;
}

int
conn_user_cap(struct conn *c, struct isms_err *err)
{
	size_t max = c->srv->cfg.max_conns_per_user;

	if (c->role == 0 || conn_count_user(c->srv, c->user) <= max)
		return 0;
	log_warn("conn %llu: too many connections for %s (at most %zu)",
	         (unsigned long long)c->serial, c->user, max);
	return isms_err_set(err, ISMS_EEXHAUSTED,
	                    "too many connections for %s (at most %zu)",
	                    c->user, max);
}

/* Closes c when its user is over the cap (identified at accept or by a
 * certificate): the error says why. True when closing. */
bool
conn_refuse_over_cap(struct conn *c)
{
	struct isms_err err;

	if (conn_user_cap(c, &err) == 0)
		return false;
	conn_send_error(c, 0, err.code, err.msg);
	conn_close_after_flush(c);
	return true;
}

/* What the per-address cap counts of sa: the IPv4 address, an IPv6
 * address's /64 (what one host usually gets), a mapped IPv4 as IPv4.
 * Fills c->addr, c->addrlen and c->peer. */
void
conn_set_addr(struct conn *c, const struct sockaddr *sa)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

	if (sa != NULL && sa->sa_family == AF_INET) {
		memcpy(c->addr, &sin->sin_addr, 4);
		c->addrlen = 4;
		inet_ntop(AF_INET, &sin->sin_addr, c->peer, sizeof c->peer);
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, c->peer, sizeof c->peer);
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memcpy(c->addr, sin6->sin6_addr.s6_addr + 12, 4);
			c->addrlen = 4;
		} else {
			memcpy(c->addr, sin6->sin6_addr.s6_addr, 8);
			c->addrlen = 8;
		}
	} else
		snprintf(c->peer, sizeof c->peer, "?");
}

/* Whether one more TCP peer from c's address would pass the cap. The
 * list is walked at accept only, where a hash would save little. */
bool
conn_addr_has_room(const struct conn *c)
{
	const struct conn *o;
	size_t n = 0;

	TAILQ_FOREACH(o, &c->srv->conns, entry)
	n += o->tcp && o->addrlen == c->addrlen &&
	     memcmp(o->addr, c->addr, c->addrlen) == 0;
	return n < c->srv->cfg.max_conns_per_addr;
}

/* Logs a refusal at accept, at most once a second: a flood must not
 * flood the log too. */
void
conn_log_refused(const struct conn *c)
{
	static time_t last;
	static unsigned long quiet;
	time_t now = time(NULL);
	char more[64] = "";

	if (now == last) {
		quiet++;
		return;
	}
	if (quiet > 0)
		snprintf(more, sizeof more, " (and %lu more not logged)",
		         quiet);
	last = now;
	quiet = 0;
	log_warn("TCP peer %s has %zu connections from its address, the "
	         "limit: refused%s",
	         c->peer, c->srv->cfg.max_conns_per_addr, more);
}

/* Where c's pool makes its listeners pause: the Unix one past the
 * slots kept for admins. */
static size_t
conn_pool_max(const struct conn *c)
{
	return c->tcp ? c->srv->cfg.max_conns
	              : c->srv->cfg.max_unix_conns + CONN_UNIX_ADMIN_SLOTS;
}

/* Counts c in its pool (TCP or Unix); a full pool pauses its own
 * listeners only, so the other stays open. */
void
conn_slot_take(struct conn *c)
{
	struct server *srv = c->srv;
	size_t n = c->tcp ? ++srv->ntcp_conns : ++srv->nunix_conns;

	srv->nconns++;
	if (n >= conn_pool_max(c)) {
		log_warn("%zu %s connections: the limit; not accepting more "
		         "until one closes",
		         n, c->tcp ? "TCP" : "Unix");
		listen_pause(srv, c->tcp, true);
	}
}

/* Gives c's slot back, resuming its listeners if they were paused. */
void
conn_slot_give(struct conn *c)
{
	struct server *srv = c->srv;
	size_t n = c->tcp ? srv->ntcp_conns-- : srv->nunix_conns--;

	srv->nconns--;
	if (n == conn_pool_max(c) && !srv->stopping)
		listen_pause(srv, c->tcp, false);
	listen_resume(srv);
}

/* Closes a Unix peer that took one of the slots kept for admins and is
 * no admin, telling it why. True when closing. */
bool
conn_refuse_admin_slot(struct conn *c)
{
	char msg[160];

	if (c->tcp || c->srv->nunix_conns <= c->srv->cfg.max_unix_conns ||
	    c->role == ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN)
		return false;
	snprintf(msg, sizeof msg,
	         "all %zu Unix connections are taken (max-unix-connections); "
	         "the %d beyond are kept for admins",
	         c->srv->cfg.max_unix_conns, CONN_UNIX_ADMIN_SLOTS);
	log_warn("conn %llu (%s): %s", (unsigned long long)c->serial, c->user,
	         msg);
	conn_send_error(c, 0, ISMS_EEXHAUSTED, msg);
	conn_close_after_flush(c);
	return true;
}
