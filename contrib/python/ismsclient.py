"""ismsclient: a Python client for ismsd's protocol.

It speaks the documented protocol only: proto/isms.proto (package isms.v1)
through the module protoc generates from it (isms_pb2, on the import path),
and the framing, each message preceded by its length as a base-128 varint.

    import ismsclient
    with ismsclient.Client("unix:var/ismsd.sock") as c:
        print(c.hello().user)
        for rec in c.list("risk", page_size=100):
            print(rec.id, rec.title)

Every call is synchronous on one connection; replies are matched to their
request by id, and a subscription's events that arrive during another call
wait for the subscription's generator. An error reply raises IsmsError,
which carries the status code's name (ABORTED, NOT_FOUND...) and message.
"""

import ipaddress
import os
import socket
import ssl

from google.protobuf.message import DecodeError

import isms_pb2 as pb

__all__ = ["Client", "IsmsError", "ProtocolError", "PROTOCOL_MAJOR",
           "PROTOCOL_MINOR", "MAX_FRAME"]

PROTOCOL_MAJOR = 1
PROTOCOL_MINOR = 0
# ismsd's default --max-frame: a reply over it is refused before reading it.
MAX_FRAME = 4 * 1024 * 1024
FRAME_HDR_MAX = 10  # a 64-bit varint
CLIENT_NAME = "ismsclient.py 0.1.0"


class IsmsError(Exception):
    """An error: code is the status code's number, code_name its name
    (gRPC's: "ABORTED" for a revision conflict), message the reason."""

    def __init__(self, code, message):
        if isinstance(code, str):
            code = pb.Code.Value(code)
        self.code = code
        self.code_name = pb.Code.Name(code)
        self.message = message
        super().__init__("%s: %s" % (self.code_name, message))


class ProtocolError(IsmsError):
    """The connection cannot go on (a malformed or oversized frame, an
    undecodable reply, a closed connection, another protocol version): the
    client has closed it."""


def _status_error(reply):
    """The IsmsError for a reply whose status is not OK, else None."""
    if not reply.HasField("status") or reply.status.code == pb.OK:
        return None
    cls = ProtocolError if reply.id == 0 else IsmsError
    return cls(reply.status.code, reply.status.message)


def _enum_value(fd, v):
    """v for field fd: an enum value's name ("SEVERITY_HIGH") as its
    number; anything else as it is."""
    if fd.enum_type is not None and isinstance(v, str):
        ev = fd.enum_type.values_by_name.get(v)
        if ev is None:
            raise ValueError("%s: no value %r in %s" % (fd.name, v,
                                                     fd.enum_type.name))
        return ev.number
    return v


def _set_field(msg, name, v):
    """Sets msg.name to v: a message is copied, a list extends a
    repeated field, an enum may be given by its value's name."""
    fd = msg.DESCRIPTOR.fields_by_name.get(name)
    if fd is None:
        raise ValueError("%s has no field %r" % (msg.DESCRIPTOR.name, name))
    if isinstance(v, (list, tuple)):
        getattr(msg, name).extend(_enum_value(fd, x) for x in v)
    elif hasattr(v, "DESCRIPTOR"):
        getattr(msg, name).CopyFrom(v)
    else:
        setattr(msg, name, _enum_value(fd, v))


def encode_frame(msg):
    """msg serialized with its varint length prefix."""
    body = msg.SerializeToString()
    n = len(body)
    hdr = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        hdr.append(b | (0x80 if n else 0))
        if not n:
            return bytes(hdr) + body


def decode_header(buf, max_frame):
    """(header length, message length) of the frame at the start of buf,
    or None when more bytes are needed. Refuses a length over max_frame
    before its bytes are read, and a varint longer than 64 bits."""
    v = 0
    for i in range(min(len(buf), FRAME_HDR_MAX)):
        b = buf[i] & 0x7F
        if i == FRAME_HDR_MAX - 1 and b > 1:
            raise ProtocolError("DATA_LOSS", "ismsd sent a malformed frame")
        v |= b << (7 * i)
        if v > max_frame:
            raise ProtocolError(
                "RESOURCE_EXHAUSTED",
                "ismsd sent a frame over %d bytes" % max_frame)
        if not buf[i] & 0x80:
            return i + 1, v
    if len(buf) >= FRAME_HDR_MAX:
        raise ProtocolError("DATA_LOSS", "ismsd sent a malformed frame")
    return None


def _is_loopback(host):
    """Whether every address host resolves to is a loopback address."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return False
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if getattr(addr, "ipv4_mapped", None):
            addr = addr.ipv4_mapped
        if not addr.is_loopback:
            return False
    return bool(infos)


def parse_endpoint(endpoint):
    """("unix", path, None) or ("tcp", host, port) for unix:PATH or
    tcp://HOST:PORT (tcp://[V6]:PORT)."""
    if endpoint.startswith("unix:"):
        return "unix", endpoint[5:], None
    if endpoint.startswith("tcp://"):
        rest = endpoint[6:]
        if rest.startswith("["):
            host, sep, port = rest[1:].partition("]:")
        else:
            host, sep, port = rest.rpartition(":")
        if sep and host and port.isdigit() and 0 < int(port) < 65536:
            return "tcp", host, int(port)
    raise ValueError("endpoint %r is neither unix:PATH nor tcp://HOST:PORT"
                     % endpoint)


class Client:
    """One connection to ismsd, named by the Unix peer, a client
    certificate or a bearer token, then hello'd.

    endpoint: unix:PATH or tcp://HOST:PORT ($ISMS_ENDPOINT when None).
    Over tcp:// TLS 1.3 with the server's certificate checked against
    cacert ($ISMS_CACERT, else the system's CAs) and the host name;
    cert/key: a client certificate. token or token_file: a bearer token
    ($ISMS_TOKEN), sent at once over TLS without a certificate, else only
    if a hello without it is UNAUTHENTICATED (as ismsctl does).
    insecure: plain TCP, to loopback addresses only.
    """

    def __init__(self, endpoint=None, *, cacert=None, cert=None, key=None,
                 token=None, token_file=None, insecure=False,
                 timeout=30.0, max_frame=MAX_FRAME, hello=True):
        endpoint = endpoint or os.environ.get("ISMS_ENDPOINT")
        if not endpoint:
            raise ValueError("no endpoint: pass one or set ISMS_ENDPOINT")
        if token is None and token_file is not None:
            with open(token_file, encoding="utf-8") as f:
                token = f.readline().strip()
        if token is None:
            token = os.environ.get("ISMS_TOKEN") or None
        self.endpoint = endpoint
        self.max_frame = max_frame
        self.timeout = timeout
        self.hello_result = None
        self._token = token
        self._next_id = 1
        self._buf = bytearray()
        self._stash = {}  # request id -> replies read during other calls
        self._subs = set()  # ids of open subscriptions
        self._sock = self._connect(cacert or os.environ.get("ISMS_CACERT"),
                                   cert, key, insecure)
        self._named_by_peer = not (self._kind == "tcp" and cert is None)
        if hello:
            try:
                self.hello()
            except BaseException:
                self.close()
                raise

    # ------------------------------------------------------------ transport

    def _connect(self, cacert, cert, key, insecure):
        kind, where, port = parse_endpoint(self.endpoint)
        self._kind = kind
        if kind == "unix":
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(self.timeout)
            try:
                s.connect(where)
            except OSError:
                s.close()
                raise
            return s
        if insecure and not _is_loopback(where):
            raise ValueError(
                "insecure (plain TCP) connections go to loopback addresses "
                "only, not %s; use TLS" % where)
        s = socket.create_connection((where, port), timeout=self.timeout)
        if insecure:
            return s
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        if cacert:
            ctx.load_verify_locations(cafile=cacert)
        else:
            ctx.load_default_certs()
        if cert:
            ctx.load_cert_chain(cert, key)
        try:
            return ctx.wrap_socket(s, server_hostname=where)
        except (OSError, ssl.SSLError):
            s.close()
            raise

    def close(self):
        """Closes the connection (and with it every subscription)."""
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _fail(self, code, message):
        self.close()
        raise ProtocolError(code, message)

    def _send(self, req):
        data = encode_frame(req)
        if len(data) > self.max_frame + FRAME_HDR_MAX:
            raise IsmsError("RESOURCE_EXHAUSTED",
                            "request over %d bytes" % self.max_frame)
        if self._sock is None:
            raise ProtocolError("UNAVAILABLE", "the connection is closed")
        try:
            self._sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLEOFError,
                ssl.SSLZeroReturnError):
            self._closed_by_peer()

    def _closed_by_peer(self):
        """After a send refused by a closed peer: raises the reason ismsd
        gave (its last reply, under id 0) when it sent one, else
        UNAVAILABLE."""
        while True:
            try:
                reply = self._read_reply(1.0)
            except OSError:
                self._fail("UNAVAILABLE", "ismsd closed the connection")
            err = _status_error(reply)
            if reply.id == 0 and err is not None:
                self.close()
                raise err

    def _read_reply(self, timeout):
        """The next reply on the connection: a whole frame, checked."""
        if self._sock is None:
            raise ProtocolError("UNAVAILABLE", "the connection is closed")
        self._sock.settimeout(timeout)
        while True:
            try:
                hdr = decode_header(self._buf, self.max_frame)
            except ProtocolError:
                self.close()
                raise
            if hdr is not None and len(self._buf) >= hdr[0] + hdr[1]:
                end = hdr[0] + hdr[1]
                body = bytes(self._buf[hdr[0]:end])
                del self._buf[:end]
                reply = pb.Reply()
                try:
                    reply.ParseFromString(body)
                except DecodeError as e:
                    self._fail("DATA_LOSS",
                               "cannot decode a reply from ismsd: %s" % e)
                return reply
            chunk = self._sock.recv(65536)
            if not chunk:
                self._fail("UNAVAILABLE", "ismsd closed the connection")
            self._buf += chunk

    def _wait(self, rid, timeout):
        """The next reply for request rid; replies for other ids wait in
        their stash. A reply with id 0 is about the connection: raised."""
        stash = self._stash.get(rid)
        if stash:
            return stash.pop(0)
        while True:
            reply = self._read_reply(timeout)
            if reply.id == rid:
                return reply
            if reply.id == 0:
                err = _status_error(reply) or ProtocolError(
                    "UNKNOWN", "a reply with id 0")
                self.close()
                raise err
            if reply.id in self._subs:
                self._stash.setdefault(reply.id, []).append(reply)
            # else: a reply to nothing we wait for any more: dropped.

    # ----------------------------------------------------------------- calls

    def call(self, request, timeout=None):
        """Sends request (an isms_pb2.Request; its id is set here) and
        returns its Reply; a status other than OK raises IsmsError."""
        rid = self._next_id
        self._next_id += 1
        request.id = rid
        self._send(request)
        reply = self._wait(rid, self.timeout if timeout is None else timeout)
        err = _status_error(reply)
        if err is not None:
            raise err
        return reply

    def _call(self, name, msg=None, **fields):
        """The result of the call named name (a Request oneof member) with
        msg copied in or the scalar/repeated fields set."""
        req = pb.Request()
        if name not in pb.Request.DESCRIPTOR.fields_by_name:
            raise IsmsError(
                "UNIMPLEMENTED",
                "this isms_pb2 has no %r call: regenerate it from a newer "
                "isms.proto" % name)
        sub = getattr(req, name)
        sub.SetInParent()
        if msg is not None:
            sub.CopyFrom(msg)
        for k, v in fields.items():
            if v is not None:
                _set_field(sub, k, v)
        reply = self.call(req)
        which = reply.WhichOneof("result")
        return getattr(reply, which) if which else reply

    def hello(self):
        """Says hello; returns the HelloResult (user, role). Checks that
        the server speaks our protocol's major version."""
        if self._named_by_peer or not self._token:
            try:
                res = self._hello(None)
            except IsmsError as e:
                if e.code_name != "UNAUTHENTICATED" or not self._token:
                    raise
                res = self._hello(self._token)
        else:
            res = self._hello(self._token)
        self.hello_result = res
        return res

    def _hello(self, token):
        res = self._call("hello", protocol_major=PROTOCOL_MAJOR,
                         protocol_minor=PROTOCOL_MINOR, client=CLIENT_NAME,
                         token=token)
        if res.protocol_major != PROTOCOL_MAJOR:
            self._fail("FAILED_PRECONDITION",
                       "ismsd speaks protocol %d, this client %d"
                       % (res.protocol_major, PROTOCOL_MAJOR))
        return res

    def get(self, id, rev=None, register=None):
        """The Record id (at a past rev when given)."""
        return self._call("get", id=id, rev=rev, register=register)

    def list_page(self, register, page_token=None, **filters):
        """One page: a ListResult (records, next_page_token)."""
        return self._call("list", register=register, page_token=page_token,
                          **filters)

    def list(self, register, *, page_size=None, owner=None, status=None,
             tag=None, filters=None, archived=None):
        """Every Record of register that matches, following the page
        tokens until the last page (a page may be short, or empty)."""
        token = None
        while True:
            page = self.list_page(register, page_token=token,
                                  page_size=page_size, owner=owner,
                                  status=status, tag=tag,
                                  filters=list(filters or ()),
                                  archived=archived)
            yield from page.records
            if not page.HasField("next_page_token"):
                return
            token = page.next_page_token

    def put(self, record, update_mask=None, expect_rev=None):
        """Creates record (no id) or updates the paths in update_mask (a
        record with its id; with expect_rev, only at that revision, else
        ABORTED). Returns the stored Record."""
        return self._call("put", record=record,
                          update_mask=list(update_mask or ()),
                          expect_rev=expect_rev)

    def create(self, record):
        """Creates record: the server allocates its id."""
        if record.id:
            raise ValueError("a record to create has no id")
        return self.put(record)

    def update(self, record, update_mask, expect_rev=None):
        """Updates the fields of record named in update_mask."""
        if not record.id or not update_mask:
            raise ValueError("an update names the record and its fields")
        return self.put(record, update_mask, expect_rev)

    def ingest(self, msg=None, **fields):
        """The Ingest call (issue 17): its message, or its fields by name.
        Raises IsmsError UNIMPLEMENTED while isms.proto has no Ingest."""
        return self._call("ingest", msg, **fields)

    def subscribe(self, registers=(), types=(), owner=None, since=None,
                  timeout=None):
        """A generator of events (JournalEntry), live; with since (a seq),
        the journal's entries after it first. timeout: seconds to wait for
        the next event (None: for ever), then TimeoutError. Closing the
        generator leaves the subscription to end with the connection."""
        req = pb.Request()
        s = req.subscribe
        s.SetInParent()
        _set_field(s, "registers", list(registers))
        _set_field(s, "types", list(types))
        if owner is not None:
            s.owner = owner
        if since is not None:
            s.since_seq = since
            s.replay = True
        rid = self._next_id
        self.call(req)  # the OK reply comes first; events follow
        self._subs.add(rid)
        return self._events(rid, timeout)

    def _events(self, rid, timeout):
        try:
            while True:
                reply = self._wait(rid, timeout)
                err = _status_error(reply)
                if err is not None:
                    raise err
                if reply.HasField("event"):
                    yield reply.event
        finally:
            self._subs.discard(rid)
            self._stash.pop(rid, None)
