"""A real SMTP server for the tests (aiosmtpd), keeping each message it accepts.

Usage: python3 mail_sink.py PORT FOLDER [--tls starttls|implicit] [--login USER:PASSWORD]
                                        [--stall-first]

Each message is kept as NNNN.eml (as received) and NNNN.json (parsed by Python's email
package: from, to, subject, message_id, text, html, list_unsubscribe,
list_unsubscribe_post, attachments, and the login the client authenticated as).

--tls makes a certificate authority and a certificate for 127.0.0.1 with trustme at
start-up and writes the authority to FOLDER/ca.pem, so the client must verify it:
starttls requires STARTTLS before anything else, implicit speaks TLS from the first byte.
--login requires AUTH (PLAIN or LOGIN, only over TLS) as that user; any other login is
refused with 535. --stall-first holds the first message for five seconds (a file named
"stalled" says so) and then refuses it, as a relay that hangs would: the node sending it
can be killed meanwhile.
"""
import argparse
import asyncio
import json
import logging
import os
import ssl
import warnings
from email import policy
from email.parser import BytesParser

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

args = argparse.ArgumentParser()
args.add_argument("port", type=int)
args.add_argument("folder")
args.add_argument("--tls", choices=["starttls", "implicit"])
args.add_argument("--login")
args.add_argument("--stall-first", action="store_true")
options = args.parse_args()
folder = options.folder
# aiosmtpd warns about settings the tests choose on purpose; its log would fill the test output.
warnings.simplefilter("ignore")
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


def parsed(data: bytes, login) -> dict:
    message = BytesParser(policy=policy.default).parsebytes(data)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return {
        "from": str(message["From"]),
        "to": str(message["To"]),
        "subject": str(message["Subject"]),
        "message_id": message["Message-ID"] and str(message["Message-ID"]),
        "text": text.get_content() if text is not None else None,
        "html": html.get_content() if html is not None else None,
        "list_unsubscribe": message["List-Unsubscribe"] and str(message["List-Unsubscribe"]),
        "list_unsubscribe_post": message["List-Unsubscribe-Post"] and str(message["List-Unsubscribe-Post"]),
        "attachments": [part.get_filename() for part in message.iter_attachments()],
        "login": login,
    }


class Sink:
    stall_first = options.stall_first

    async def handle_DATA(self, server, session, envelope):
        if Sink.stall_first:
            Sink.stall_first = False
            open(os.path.join(folder, "stalled"), "w").close()
            await asyncio.sleep(5)
            return "451 try again later"
        login = session.auth_data if session.authenticated else None
        name = os.path.join(folder, f"{sum(1 for f in os.listdir(folder) if f.endswith('.eml')):04}")
        with open(name + ".json.part", "w") as f:
            json.dump(parsed(envelope.original_content, login), f)
        with open(name + ".eml.part", "wb") as f:
            f.write(envelope.original_content)
        os.rename(name + ".json.part", name + ".json")
        os.rename(name + ".eml.part", name + ".eml")
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    if not isinstance(auth_data, LoginPassword) or options.login is None:
        return AuthResult(success=False, handled=False)
    user, password = options.login.split(":", 1)
    if auth_data.login.decode() == user and auth_data.password.decode() == password:
        return AuthResult(success=True, auth_data=user)
    return AuthResult(success=False, handled=False)


tls = None
if options.tls:
    ca = trustme.CA()
    ca.cert_pem.write_to_path(os.path.join(folder, "ca.pem"))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(tls)

settings = dict(
    hostname="127.0.0.1",
    port=options.port,
    authenticator=authenticator,
    auth_required=options.login is not None,
    auth_require_tls=True,
    # Keep the raw bytes of each message, as sent.
    decode_data=False,
)
if options.tls == "starttls":
    settings.update(tls_context=tls, require_starttls=True)
elif options.tls == "implicit":
    # aiosmtpd counts only STARTTLS as TLS for AUTH; here every byte is already encrypted.
    settings.update(ssl_context=tls, auth_require_tls=False)
controller = Controller(Sink(), **settings)
controller.start()
print("ready", flush=True)
try:
    asyncio.new_event_loop().run_forever()
finally:
    controller.stop()
