"""python_client_test.py: contrib/python's ismsclient against a real ismsd
on a temp dir, over its Unix socket and over TLS; the client's frame
guards against a hostile peer; the README's Python example verbatim.

Run by python_client.sh: python_client_test.py SOURCE_DIR BUILD_DIR, with
isms_pb2 and ismsclient on PYTHONPATH (BUILD_DIR/python).
"""

import os
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import ismsclient
import isms_pb2 as pb

SRC, BUILD = sys.argv[1], sys.argv[2]
ISMSD = os.path.join(BUILD, "bin", "ismsd")
ISMSCTL = os.path.join(BUILD, "bin", "ismsctl")
EXAMPLE = os.path.join(BUILD, "python", "isms_example.py")

# The certificates, made by the openssl command (as tls_fx.c does).
PKI_SCRIPT = r"""set -e
key() { openssl req "$@" -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes 2>/dev/null; }
key -x509 -keyout ca.key -out ca.pem -days 2 -subj /CN=ismsd-py-ca \
  -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign
printf 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' >client.ext
leaf() { key -new -keyout $1.key -out $1.csr -subj /CN=$2
  openssl x509 -req -in $1.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
    -days 2 -extfile $3 -out $1.pem 2>/dev/null; }
leaf server localhost server.ext
leaf ed ed client.ext
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    """A real ismsd on work/var with a Unix socket and a TLS listener."""

    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="ismsd-py-")
        self.pki = os.path.join(self.work, "pki")
        os.mkdir(self.pki)
        subprocess.run(["sh", "-c", PKI_SCRIPT], cwd=self.pki, check=True)
        os.mkdir(os.path.join(self.work, "var"))
        self.sock = os.path.join(self.work, "var", "ismsd.sock")
        self.unix = "unix:" + self.sock
        self.port = free_port()
        self.log = open(os.path.join(self.work, "daemon.log"), "wb")
        self.proc = subprocess.Popen(
            [ISMSD, "--data-dir", "var", "--listen", "unix:var/ismsd.sock",
             "--listen", "tcp://127.0.0.1:%d" % self.port,
             "--tls-cert", self.p("server.pem"),
             "--tls-key", self.p("server.key"),
             "--tls-client-ca", self.p("ca.pem"), "--foreground"],
            cwd=self.work, stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if os.path.exists(self.sock) and self._tcp_up():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("ismsd did not start")

    def _tcp_up(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), 1).close()
            return True
        except OSError:
            return False

    def p(self, name):
        return os.path.join(self.pki, name)

    def ctl(self, *args):
        """ismsctl ARGS as the data dir's owner (admin): its stdout."""
        env = dict(os.environ, ISMS_ENDPOINT=self.unix, NO_COLOR="1")
        r = subprocess.run([ISMSCTL] + list(args), env=env,
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError("ismsctl %s: exit %d: %s"
                                 % (" ".join(args), r.returncode, r.stderr))
        return r.stdout

    def stop(self):
        """SIGTERM, so the clean shutdown path runs; its exit status."""
        rc = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            rc = self.proc.wait(30)
        self.log.close()
        shutil.rmtree(self.work, ignore_errors=True)
        return rc


D = None


def setUpModule():
    global D
    D = Daemon()
    D.ctl("user", "add", "alice", "--role", "viewer")
    D.ctl("user", "add", "ed", "--role", "editor")
    line = D.ctl("token", "create", "ed", "--expires", "1d").split()
    D.token = line[1]
    D.token_file = os.path.join(D.work, "ed.tok")
    with open(D.token_file, "w") as f:
        f.write(D.token + "\n")
    os.chmod(D.token_file, 0o600)


def tearDownModule():
    rc = D.stop()
    if rc != 0:
        raise AssertionError("ismsd exited %r on SIGTERM" % rc)


def incident(title, severity=pb.SEVERITY_MEDIUM):
    """A new incident owned by alice, in its initial status."""
    return pb.Record(title=title, owner="alice", incident=pb.Incident(
        status=pb.INCIDENT_STATUS_NEW, severity=severity))


class UnixTest(unittest.TestCase):
    def setUp(self):
        self.c = ismsclient.Client(D.unix, timeout=20)

    def tearDown(self):
        self.c.close()

    def test_hello(self):
        h = self.c.hello_result
        self.assertEqual(h.protocol_major, ismsclient.PROTOCOL_MAJOR)
        self.assertEqual(h.role, pb.ACCESS_ROLE_ADMIN)
        self.assertTrue(h.user)
        self.assertTrue(h.server_version)

    def test_put_get_list_pages(self):
        tag = "paging-%d" % time.monotonic_ns()
        made = []
        for i in range(12):
            rec = incident("paged %d" % i)
            rec.tags.append(tag)
            r = self.c.create(rec)
            self.assertRegex(r.id, r"^INC-\d+$")
            self.assertEqual(r.rev, 1)
            made.append(r.id)
        # Pages of 5: the first has a token; list() follows every one.
        first = self.c.list_page("incident", page_size=5, tag=tag)
        self.assertEqual(len(first.records), 5)
        self.assertTrue(first.HasField("next_page_token"))
        got = [r.id for r in self.c.list("incident", page_size=5, tag=tag)]
        self.assertEqual(got, made)
        # Enum fields take their value names too.
        self.assertEqual(
            len(list(self.c.list("incident", tag=tag, archived="ANY"))), 12)
        self.assertEqual(
            list(self.c.list("incident", tag=tag, archived="ARCHIVED")), [])
        r = self.c.get(made[3])
        self.assertEqual(r.title, "paged 3")
        self.assertEqual(r.owner, "alice")
        # An update changes the masked field only.
        u = self.c.update(pb.Record(id=r.id, title="renamed"), ["title"],
                          expect_rev=1)
        self.assertEqual((u.rev, u.title), (2, "renamed"))
        self.assertEqual(u.incident.severity, pb.SEVERITY_MEDIUM)
        self.assertEqual(self.c.get(r.id, rev=1).title, "paged 3")

    def test_stale_expect_rev_is_aborted(self):
        r = self.c.create(incident("conflict"))
        self.c.update(pb.Record(id=r.id, title="first"), ["title"],
                      expect_rev=1)
        with self.assertRaises(ismsclient.IsmsError) as cm:
            self.c.update(pb.Record(id=r.id, title="second"), ["title"],
                          expect_rev=1)
        self.assertEqual(cm.exception.code_name, "ABORTED")
        self.assertEqual(cm.exception.code, 10)
        self.assertIn("rev 2", cm.exception.message)
        self.assertEqual(self.c.get(r.id).title, "first")
        # The connection stays usable after an error reply.
        self.assertEqual(self.c.get(r.id).rev, 2)

    def test_errors_carry_code_and_message(self):
        with self.assertRaises(ismsclient.IsmsError) as cm:
            self.c.get("INC-9999")
        self.assertEqual(cm.exception.code_name, "NOT_FOUND")
        self.assertIn("INC-9999", str(cm.exception))
        with self.assertRaises(ismsclient.IsmsError) as cm:
            self.c.create(pb.Record(title="x", owner="alice",
                                    incident=pb.Incident()))
        self.assertEqual(cm.exception.code_name, "INVALID_ARGUMENT")

    def test_subscribe_sees_an_ismsctl_put(self):
        events = self.c.subscribe(registers=["incident"],
                                  types=["EVENT_TYPE_CREATED"], timeout=20)
        out = D.ctl("incident", "add", "title=From ismsctl",
                    "severity=high", "owner=alice")
        made = re.search(r"INC-\d+", out).group(0)
        # A call between events: its reply is matched by id, the events
        # that arrive meanwhile wait for the generator.
        self.assertEqual(self.c.get(made).title, "From ismsctl")
        for ev in events:
            if ev.id == made:
                break
        self.assertEqual(ev.type, pb.EVENT_TYPE_CREATED)
        self.assertEqual(ev.register, "incident")
        seq = ev.seq
        # A replay since seq - 1 starts with that very entry.
        replay = self.c.subscribe(since=seq - 1, timeout=20)
        self.assertEqual(next(replay).seq, seq)
        replay.close()
        events.close()

    def test_ingest(self):
        if "ingest" not in pb.Request.DESCRIPTOR.fields_by_name:
            # Until then ingest() says so, with a code.
            with self.assertRaises(ismsclient.IsmsError) as cm:
                self.c.ingest(source="alertmanager", external_id="fp-1")
            self.assertEqual(cm.exception.code_name, "UNIMPLEMENTED")
            self.skipTest("isms.proto has no Ingest call yet (issue 17 "
                          "point 1): ingest() raises UNIMPLEMENTED")
        # Ingest and IngestResult as issue 17 point 1 describes them: the
        # second push of one (source, external_id) updates the incident.
        key = "py-%d" % time.monotonic_ns()
        a = self.c.ingest(source="python", external_id=key,
                          title="Disk full", severity=pb.SEVERITY_HIGH)
        b = self.c.ingest(source="python", external_id=key,
                          title="Disk still full", severity=pb.SEVERITY_HIGH)
        self.assertTrue(a.created)
        self.assertFalse(b.created)
        self.assertEqual(a.record.id, b.record.id)
        self.assertGreater(b.repeat_count, a.repeat_count)
        self.assertEqual(self.c.get(a.record.id).title, "Disk still full")

    def test_oversized_reply_is_refused_before_reading_it(self):
        big = incident("x" * 500)
        made = self.c.create(big)
        small = ismsclient.Client(D.unix, max_frame=256, timeout=20)
        self.assertTrue(small.hello_result.user)  # a short reply fits
        with self.assertRaises(ismsclient.ProtocolError) as cm:
            small.get(made.id)
        self.assertEqual(cm.exception.code_name, "RESOURCE_EXHAUSTED")
        with self.assertRaises(ismsclient.ProtocolError) as cm:
            small.get(made.id)
        self.assertEqual(cm.exception.code_name, "UNAVAILABLE")

    def test_server_closes_on_a_malformed_request_frame(self):
        # A varint over 64 bits: ismsd answers under id 0 and closes.
        self.c._sock.sendall(b"\x80" * 9 + b"\x02")
        # Once it has closed, the next send fails (EPIPE): the client
        # still reads and raises the reason ismsd gave.
        poll = select.poll()
        poll.register(self.c._sock, select.POLLRDHUP)
        self.assertTrue(poll.poll(10000), "ismsd did not close")
        with self.assertRaises(ismsclient.ProtocolError) as cm:
            self.c.get("INC-0001")
        self.assertEqual(cm.exception.code_name, "INVALID_ARGUMENT")
        self.assertIn("malformed frame", cm.exception.message)


class TlsTest(unittest.TestCase):
    def ep(self):
        return "tcp://localhost:%d" % D.port

    def test_token(self):
        with ismsclient.Client(self.ep(), cacert=D.p("ca.pem"),
                               token_file=D.token_file) as c:
            self.assertEqual(c.hello_result.user, "ed")
            self.assertEqual(c.hello_result.role, pb.ACCESS_ROLE_EDITOR)
            r = c.create(incident("over TLS"))
            self.assertEqual(r.created_by, "ed")

    def test_client_certificate(self):
        with ismsclient.Client(self.ep(), cacert=D.p("ca.pem"),
                               cert=D.p("ed.pem"), key=D.p("ed.key")) as c:
            self.assertEqual(c.hello_result.user, "ed")

    def test_refused(self):
        with self.assertRaises(ismsclient.IsmsError) as cm:
            ismsclient.Client(self.ep(), cacert=D.p("ca.pem"),
                              token="isms_not-a-token")
        self.assertEqual(cm.exception.code_name, "UNAUTHENTICATED")
        with self.assertRaises(ismsclient.IsmsError) as cm:
            ismsclient.Client(self.ep(), cacert=D.p("ca.pem"))
        self.assertEqual(cm.exception.code_name, "UNAUTHENTICATED")
        # A server the CA file cannot vouch for: the system's CAs.
        with self.assertRaises(ssl.SSLCertVerificationError):
            ismsclient.Client(self.ep(), token=D.token)
        # Plain TCP only to loopback, as ismsctl.
        with self.assertRaises(ValueError):
            ismsclient.Client("tcp://192.0.2.1:7700", insecure=True)


class HostilePeer:
    """A Unix socket that answers the first frame it gets with raw bytes:
    not ismsd, a peer the client must survive."""

    def __init__(self, answer, close=False):
        self.dir = tempfile.mkdtemp(prefix="ismsd-py-peer-")
        self.path = os.path.join(self.dir, "s")
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(self.path)
        self.srv.listen(1)
        self.answer, self.close_after = answer, close
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        conn, _ = self.srv.accept()
        conn.recv(65536)
        conn.sendall(self.answer)
        if self.close_after:
            conn.close()
        else:
            self.conn = conn  # held open: the client must not wait on it

    def done(self):
        self.t.join(10)
        if hasattr(self, "conn"):
            self.conn.close()
        self.srv.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def hello_reply(major):
    r = pb.Reply(id=1, status=pb.Status(code=pb.OK))
    r.hello.protocol_major = major
    r.hello.user = "x"
    return ismsclient.encode_frame(r)


class FrameGuardTest(unittest.TestCase):
    def expect(self, answer, code, close=False):
        peer = HostilePeer(answer, close)
        try:
            with self.assertRaises(ismsclient.ProtocolError) as cm:
                ismsclient.Client("unix:" + peer.path, timeout=5)
            self.assertEqual(cm.exception.code_name, code)
        finally:
            peer.done()

    def test_length_over_max_frame_without_its_bytes(self):
        # 5 MiB announced, no body sent: refused at once, not awaited.
        n, hdr = 5 * 1024 * 1024, bytearray()
        while True:
            hdr.append((n & 0x7F) | (0x80 if n >> 7 else 0))
            n >>= 7
            if not n:
                break
        self.expect(bytes(hdr), "RESOURCE_EXHAUSTED")

    def test_varint_over_64_bits(self):
        self.expect(b"\x80" * 9 + b"\x02", "DATA_LOSS")
        self.expect(b"\x80" * 11, "DATA_LOSS")

    def test_undecodable_reply(self):
        self.expect(b"\x04\x0a\x05ab", "DATA_LOSS")

    def test_closed_mid_frame(self):
        self.expect(b"\x10abc", "UNAVAILABLE", close=True)

    def test_other_protocol_version(self):
        self.expect(hello_reply(2), "FAILED_PRECONDITION")

    def test_decoder_unit(self):
        dh = ismsclient.decode_header
        self.assertIsNone(dh(b"", 100))
        self.assertIsNone(dh(b"\x80", 1 << 20))
        self.assertEqual(dh(b"\x05abcde", 100), (1, 5))
        self.assertEqual(dh(b"\xac\x02", 1000), (2, 300))
        with self.assertRaises(ismsclient.ProtocolError):
            dh(b"\xac\x02", 299)


def readme_block(name):
    """The code block of README.md between <!-- NAME:begin/end -->."""
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"<!-- %s:begin -->(.*?)<!-- %s:end -->" % (name, name),
                  text, re.S)
    blocks = re.findall(r"```(\w+)\n(.*?)```", m.group(1), re.S)
    return dict(blocks)


class ReadmeTest(unittest.TestCase):
    """The Protocol section's example, verbatim, in a directory whose
    var/ismsd.sock is the daemon's, and the example CLI it shows."""

    def run_in_work(self, argv, **kw):
        env = dict(os.environ, PYTHONPATH=os.path.join(BUILD, "python"))
        link = os.path.join(D.work, "build")
        if not os.path.exists(link):
            os.symlink(BUILD, link)
        return subprocess.run(argv, cwd=D.work, env=env,
                              capture_output=True, text=True, timeout=60,
                              **kw)

    def test_python_snippet(self):
        code = readme_block("python")["python"]
        r = self.run_in_work(["/usr/bin/python3", "-"], input=code)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ABORTED", r.stdout)
        self.assertRegex(r.stdout, r"INC-\d+ 2 Phishing wave, March")
        self.assertRegex(r.stdout, r"\d+ EVENT_TYPE_CREATED INC-\d+")

    def test_example_cli(self):
        D.ctl("incident", "add", "title=For the example", "severity=low",
              "owner=alice")
        sh = readme_block("python")["sh"]
        cmds = [l[2:] for l in sh.splitlines() if l.startswith("$ ")]
        self.assertTrue(cmds)
        for cmd in cmds:
            r = self.run_in_work(["sh", "-c", cmd])
            self.assertEqual(r.returncode, 0, cmd + ": " + r.stderr)
            self.assertIn('"id": "INC-', r.stdout)


class ExampleCliTest(unittest.TestCase):
    """isms_example.py's commands and exit codes."""

    def example(self, *args):
        env = dict(os.environ, PYTHONPATH=os.path.join(BUILD, "python"),
                   ISMS_ENDPOINT=D.unix)
        return subprocess.run(["/usr/bin/python3", EXAMPLE] + list(args),
                              env=env, capture_output=True, text=True,
                              timeout=60)

    def test_title_and_a_stale_rev(self):
        out = D.ctl("incident", "add", "title=Example", "severity=low",
                    "owner=alice")
        made = re.search(r"INC-\d+", out).group(0)
        r = self.example("title", made, "Example, renamed", "--rev", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"rev": "2"', r.stdout)
        r = self.example("title", made, "Too late", "--rev", "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("ABORTED", r.stderr)
        r = self.example("get", made)
        self.assertIn("Example, renamed", r.stdout)

    def test_watch_replays(self):
        env = dict(os.environ, PYTHONPATH=os.path.join(BUILD, "python"),
                   ISMS_ENDPOINT=D.unix)
        p = subprocess.Popen(["/usr/bin/python3", EXAMPLE, "watch",
                              "--since", "0"], env=env,
                             stdout=subprocess.PIPE, text=True)
        try:
            line = p.stdout.readline()
        finally:
            p.terminate()
            p.wait(10)
            p.stdout.close()
        self.assertIn('"seq": "1"', line)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
