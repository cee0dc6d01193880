"""A real SMTP server for the tests: keeps each message it receives as an .eml file.

Usage: python3 mail_sink.py PORT FOLDER [stall-first] (CPython up to 3.11, whose standard
library has smtpd). With stall-first, the first message is held for five seconds (a file
named "stalled" says so) and then refused, as a relay that hangs would: the node sending
it can be killed meanwhile.
"""
import asyncore
import os
import sys
import time
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import smtpd  # noqa: E402

port, folder = int(sys.argv[1]), sys.argv[2]
stall_first = len(sys.argv) > 3 and sys.argv[3] == "stall-first"


class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        global stall_first
        if stall_first:
            stall_first = False
            open(os.path.join(folder, "stalled"), "w").close()
            time.sleep(5)
            return "451 try again later"
        name = os.path.join(folder, f"{len(os.listdir(folder)):04}.eml")
        with open(name + ".part", "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        os.rename(name + ".part", name)


Sink(("127.0.0.1", port), None, decode_data=False)
asyncore.loop()
