"""A real SMTP server for the tests: keeps each message it receives as an .eml file.

Usage: python3 mail_sink.py PORT FOLDER (CPython up to 3.11, whose standard library has smtpd).
"""
import asyncore
import os
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import smtpd  # noqa: E402

port, folder = int(sys.argv[1]), sys.argv[2]


class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        name = os.path.join(folder, f"{len(os.listdir(folder)):04}.eml")
        with open(name + ".part", "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        os.rename(name + ".part", name)


Sink(("127.0.0.1", port), None, decode_data=False)
asyncore.loop()
