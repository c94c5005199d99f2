#!/usr/bin/python3
"""isms_example.py: a small command line on ismsclient, as an example.

    isms_example.py [--endpoint E] [--cacert F] [--token-file F] hello
    isms_example.py ... get ID
    isms_example.py ... list REGISTER [--page-size N] [--status S]
    isms_example.py ... watch [--since SEQ] [--register R]
    isms_example.py ... title ID TEXT [--rev N]

Records and events print as JSON, one a line. Exit 1 with the status
code's name and message on an error reply.
"""

import argparse
import sys

from google.protobuf import json_format

import ismsclient
import isms_pb2 as pb


def show(msg):
    print(json_format.MessageToJson(msg, indent=None,
                                    preserving_proto_field_name=True))


def cmd_hello(c, a):
    show(c.hello_result)


def cmd_get(c, a):
    show(c.get(a.id))


def cmd_list(c, a):
    for rec in c.list(a.register, page_size=a.page_size, status=a.status):
        show(rec)


def cmd_watch(c, a):
    for ev in c.subscribe(registers=a.register or (), since=a.since):
        show(ev)
        sys.stdout.flush()


def cmd_title(c, a):
    show(c.update(pb.Record(id=a.id, title=a.text), ["title"],
                  expect_rev=a.rev))


def main(argv=None):
    p = argparse.ArgumentParser(description="ismsd from Python")
    p.add_argument("--endpoint", help="unix:PATH or tcp://HOST:PORT "
                   "(default $ISMS_ENDPOINT)")
    p.add_argument("--cacert")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--token-file")
    p.add_argument("--insecure", action="store_true")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("hello").set_defaults(fn=cmd_hello)
    s = sub.add_parser("get")
    s.add_argument("id")
    s.set_defaults(fn=cmd_get)
    s = sub.add_parser("list")
    s.add_argument("register")
    s.add_argument("--page-size", type=int)
    s.add_argument("--status")
    s.set_defaults(fn=cmd_list)
    s = sub.add_parser("watch")
    s.add_argument("--since", type=int)
    s.add_argument("--register", action="append")
    s.set_defaults(fn=cmd_watch)
    s = sub.add_parser("title")
    s.add_argument("id")
    s.add_argument("text")
    s.add_argument("--rev", type=int)
    s.set_defaults(fn=cmd_title)
    a = p.parse_args(argv)
    try:
        with ismsclient.Client(a.endpoint, cacert=a.cacert, cert=a.cert,
                               key=a.key, token_file=a.token_file,
                               insecure=a.insecure) as c:
            a.fn(c, a)
    except ismsclient.IsmsError as e:
        print("isms_example: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
