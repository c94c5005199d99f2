/*
 * protocol.h: the version of the wire protocol, defined once for the
 * daemon and the client library (installed with ismsclient.h). A client
 * whose major version differs is refused at hello.
 */
#ifndef ISMS_PROTOCOL_H
#define ISMS_PROTOCOL_H

#define ISMS_PROTOCOL_MAJOR 1
#define ISMS_PROTOCOL_MINOR 0

#endif
