"""A webhook receiver for the tests, checking every delivery with the Standard Webhooks
reference library for Python (PyPI `standardwebhooks`), as a receiving system would.

Usage: python3 webhook_receiver.py PORT FOLDER [--statuses 500,503,200] [--retry-after N]
                                               [--stall-first]

The signing secrets to check with are read from FOLDER/secrets (one a line) at every
request, since the test learns them only after it registers the endpoint. Each request
is appended to FOLDER/received.jsonl as {"id", "timestamp", "signature", "body",
"verified_with": [indices of the secrets whose check passed], "status"}.

--statuses answers the first message's first attempts with those statuses, then 200
(other messages get 200); --retry-after adds
that header (seconds) to 429 and 503 answers. --stall-first holds the first request for
a minute (a file named "stalled" says so), so the node sending it can be killed meanwhile.
"""
import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

args = argparse.ArgumentParser()
args.add_argument("port", type=int)
args.add_argument("folder")
args.add_argument("--statuses", default="")
args.add_argument("--retry-after", type=int)
args.add_argument("--stall-first", action="store_true")
options = args.parse_args()
statuses = [int(s) for s in options.statuses.split(",") if s]
lock = threading.Lock()
seen = {"n": 0}


def secrets():
    try:
        with open(os.path.join(options.folder, "secrets")) as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
        headers = {k.lower(): v for k, v in self.headers.items()}
        verified = []
        for i, secret in enumerate(secrets()):
            try:
                Webhook(secret).verify(body, headers)
                verified.append(i)
            except Exception:
                pass
        with lock:
            seen["n"] += 1
            first = seen["n"] == 1
            seen.setdefault("first_id", headers.get("webhook-id"))
            # The scripted answers are for the first message only, however its
            # attempts interleave with others'.
            mine = headers.get("webhook-id") == seen["first_id"]
            status = statuses.pop(0) if statuses and mine else 200
        if first and options.stall_first:
            open(os.path.join(options.folder, "stalled"), "w").close()
            time.sleep(60)
            status = 500
        record = {
            "id": headers.get("webhook-id"),
            "timestamp": headers.get("webhook-timestamp"),
            "signature": headers.get("webhook-signature"),
            "body": body,
            "verified_with": verified,
            "status": status,
        }
        with lock, open(os.path.join(options.folder, "received.jsonl"), "a") as f:
            f.write(json.dumps(record) + "\n")
        self.send_response(status)
        if status in (429, 503) and options.retry_after is not None:
            self.send_header("Retry-After", str(options.retry_after))
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if 200 <= status < 300 else f"receiver says {status}".encode())

    def log_message(self, *_):
        pass


ThreadingHTTPServer(("127.0.0.1", options.port), Handler).serve_forever()
