/* sockbuf.c: evbuffers to and from a plain stream socket. */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>

#include "sockbuf.h"

#define SOCKBUF_IOV   16 /* buffer chains gathered into one sendmsg */
#define SOCKBUF_READS 16 /* recv calls per sockbuf_recv, at most */

enum sockbuf_end
sockbuf_recv(int fd, struct evbuffer *buf, size_t chunk)
{
	enum sockbuf_end end = SOCKBUF_AGAIN;
	struct evbuffer_iovec v;
	ssize_t n;
	int saved, reads;

	evbuffer_unfreeze(buf, 0);
	for (reads = 0; reads < SOCKBUF_READS; reads++) {
		if (evbuffer_reserve_space(buf, (ev_ssize_t)chunk, &v, 1) < 1) {
			errno = ENOMEM;
			end = SOCKBUF_ERROR;
			break;
		}
		do
			n = recv(fd, v.iov_base, v.iov_len, 0);
		while (n == -1 && errno == EINTR);
		if (n <= 0) {
			if (n == 0)
				end = SOCKBUF_EOF;
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				end = SOCKBUF_ERROR;
			break;
		}
		v.iov_len = (size_t)n;
		evbuffer_commit_space(buf, &v, 1);
		if ((size_t)n < chunk)
			break; /* drained: no need for a recv that says so */
	}
	saved = errno;
	evbuffer_freeze(buf, 0);
	errno = saved;
	return end;
}

int
sockbuf_send(int fd, struct evbuffer *buf)
{
	struct evbuffer_iovec v[SOCKBUF_IOV];
	struct iovec iov[SOCKBUF_IOV];
	struct msghdr mh = {.msg_iov = iov};
	ssize_t n;
	int i, nv;

	while (evbuffer_get_length(buf) > 0) {
		nv = evbuffer_peek(buf, -1, NULL, v, SOCKBUF_IOV);
		if (nv > SOCKBUF_IOV)
			nv = SOCKBUF_IOV;
		for (i = 0; i < nv; i++) {
			iov[i].iov_base = v[i].iov_base;
			iov[i].iov_len = v[i].iov_len;
		}
		mh.msg_iovlen = (size_t)nv;
		do
			n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		while (n == -1 && errno == EINTR);
		if (n == -1)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		evbuffer_drain(buf, (size_t)n);
	}
	return 0;
}
