#!/usr/bin/env python3
"""A real SMTP server on loopback for hb's tests.

    python3 tests/smtp_sink.py PORT OUT.jsonl

Listens on 127.0.0.1:PORT (aiosmtpd), accepts any login (recorded, so a test can check
the credentials hb sent), and appends each message it receives to OUT.jsonl as one JSON
object: mail_from, rcpt_tos, content (the raw message), login, password. Runs until it
is killed, or for at most two minutes.
"""

import json
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
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
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


def accept_any_login(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=True, auth_data=auth_data)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(64)
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(
        Sink(path),
        hostname="127.0.0.1",
        port=port,
        authenticator=accept_any_login,
        # Tests talk plain SMTP on loopback; hb allows a login without TLS only there.
        auth_require_tls=False,
    )
    controller.start()
    try:
        time.sleep(LIFETIME_SECS)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
