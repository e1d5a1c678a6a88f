#!/usr/bin/env python3
"""A real SMTP server on loopback for hb's tests.

    python3 tests/smtp_sink.py LISTEN OUT.jsonl [OPTION...]

Listens on 127.0.0.1:PORT when LISTEN is a port, or on the socket it inherited as file
descriptor N when LISTEN is `fd:N` (the tests bind it, so the port is theirs throughout;
a bound socket that does not listen refuses connections, as a server that is down).
Uses aiosmtpd, accepts any login (recorded, so a test can check
the credentials hb sent), and appends each message it receives to OUT.jsonl as one JSON
object: mail_from, rcpt_tos, content (the raw message), login, password. Runs until it
is killed, or for at most two minutes.

Options, for the tests of hostile servers:
    --refuse-rcpt ADDR   answer 550 (permanent) to RCPT TO:<ADDR>; the others are accepted
    --defer-rcpt ADDR    answer 450 (temporary) to RCPT TO:<ADDR>
    --refuse-data        answer 554 (permanent) at the end of DATA, keeping nothing
    --auth-echo          refuse every login with a 535 that quotes the AUTH line sent
"""

import json
import socket
import sys
import time

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
except ImportError:
    sys.stderr.write("smtp_sink.py: aiosmtpd is missing: pip install aiosmtpd\n")
    sys.exit(3)

LIFETIME_SECS = 120


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


class Sink:
    def __init__(self, path, refuse=(), defer=(), refuse_data=False):
        self.path = path
        self.refuse = set(refuse)
        self.defer = set(defer)
        self.refuse_data = refuse_data

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address in self.defer:
            return f"450 4.2.1 <{address}>: Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return "554 5.6.0 Message refused by hb-test-sink"
        login = password = None
        if isinstance(session.auth_data, LoginPassword):
            login = text(session.auth_data.login)
            password = text(session.auth_data.password)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "content": text(envelope.content),
            "login": login,
            "password": password,
        }
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return "250 2.0.0 OK queued by hb-test-sink"


class EchoAuthSink(Sink):
    """A server that quotes the client's AUTH line in its refusal, as some do."""

    async def handle_AUTH(self, server, session, envelope, args):
        return "535 5.7.8 Authentication failed for AUTH " + " ".join(args)


class SocketController(Controller):
    """aiosmtpd's controller on a socket that is already bound."""

    def __init__(self, handler, sock, **kwargs):
        host, port = sock.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, **kwargs)
        self.sock = sock

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.sock, ssl=self.ssl_context)


def accept_any_login(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=True, auth_data=auth_data)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.stderr.write(__doc__)
        sys.exit(64)
    listen, path, options = args[0], args[1], args[2:]
    refuse, defer, refuse_data, auth_echo = [], [], False, False
    while options:
        option = options.pop(0)
        if option == "--refuse-rcpt" and options:
            refuse.append(options.pop(0))
        elif option == "--defer-rcpt" and options:
            defer.append(options.pop(0))
        elif option == "--refuse-data":
            refuse_data = True
        elif option == "--auth-echo":
            auth_echo = True
        else:
            sys.stderr.write(f"smtp_sink.py: unknown option {option!r}\n" + __doc__)
            sys.exit(64)
    handler = (EchoAuthSink if auth_echo else Sink)(path, refuse, defer, refuse_data)
    smtp = dict(
        authenticator=accept_any_login,
        # Tests talk plain SMTP on loopback; hb allows a login without TLS only there.
        auth_require_tls=False,
    )
    if listen.startswith("fd:"):
        sock = socket.socket(fileno=int(listen[3:]))
        sock.listen(64)
        controller = SocketController(handler, sock, **smtp)
    else:
        controller = Controller(handler, hostname="127.0.0.1", port=int(listen), **smtp)
    controller.start()
    try:
        time.sleep(LIFETIME_SECS)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
