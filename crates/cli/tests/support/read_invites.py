"""Reads the .eml files in FOLDER with Python's email parser and each attached
invitation with the `icalendar` package, and prints what they hold as JSON."""
import email
import email.policy
import json
import os
import sys

import icalendar

folder = sys.argv[1]
out = []
for name in sorted(n for n in os.listdir(folder) if n.endswith(".eml")):
    with open(os.path.join(folder, name), "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    item = {"to": str(message["To"]), "subject": str(message["Subject"]), "body": text.get_content() if text else "", "events": []}
    for part in message.iter_attachments():
        if part.get_content_type() != "text/calendar":
            continue
        calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        for event in calendar.walk("VEVENT"):
            item["events"].append({
                "filename": part.get_filename(),
                "summary": str(event.get("SUMMARY")),
                "description": str(event.get("DESCRIPTION")),
                "start": event.decoded("DTSTART").isoformat(),
                "minutes": (event.decoded("DTEND") - event.decoded("DTSTART")).seconds // 60,
                "attendees": [str(a).removeprefix("mailto:") for a in (event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")])],
                "uid": str(event.get("UID")),
            })
    out.append(item)
print(json.dumps(out))
