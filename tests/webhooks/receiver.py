"""A real HTTP endpoint on 127.0.0.1, in a thread, that checks what GridGov sends the way a
receiving system would: the Standard Webhooks signature with the package's `Webhook.verify`,
or a DingTalk robot's `timestamp` and `sign`.

`answers` is the list of (status, body, delay in seconds) to give, one per request (the last
one is repeated); `received` what came, with `verified` telling whether the signature held.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, secret: str = "", *, dingtalk: bool = False):
        self.secret, self.dingtalk = secret, dingtalk
        self.answers: list[tuple[int, str, float]] = [(200, "ok", 0)]
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.received.append(receiver.check(self.path, dict(self.headers), body))
                index = min(len(receiver.received), len(receiver.answers)) - 1
                status, text, delay = receiver.answers[index]
                time.sleep(delay)
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", "/elsewhere")
                    self.send_header("content-length", str(len(text.encode())))
                    self.end_headers()
                    self.wfile.write(text.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=abc"

    def check(self, path: str, headers: dict, body: bytes) -> dict:
        got = {"path": path, "headers": headers, "body": body, "verified": False}
        if self.dingtalk:
            query = parse_qs(urlsplit(path).query)
            timestamp, sign = query["timestamp"][0], query["sign"][0]
            text = f"{timestamp}\n{self.secret}".encode()
            expected = base64.b64encode(
                hmac.new(self.secret.encode(), text, hashlib.sha256).digest()
            ).decode()
            got["verified"] = hmac.compare_digest(sign, expected)  # parse_qs url-decoded it
            got["json"] = json.loads(body)
            return got
        try:
            got["json"] = Webhook(self.secret).verify(body, headers)
            got["verified"] = True
        except WebhookVerificationError as error:
            got["error"] = str(error)
        return got

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
