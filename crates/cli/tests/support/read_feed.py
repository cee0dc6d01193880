"""Reads an Atom feed with feedparser and prints what it found as JSON: whether
feedparser had to work around anything (bozo, with why), the feed's title and
updated time, and each entry's id, title, link, author and updated time.

Usage: read_feed.py FILE
"""
import json
import sys

import feedparser

parsed = feedparser.parse(sys.argv[1])
json.dump({
    "bozo": int(parsed.bozo),
    "bozo_exception": str(parsed.get("bozo_exception", "")),
    "version": parsed.version,
    "title": parsed.feed.get("title"),
    "updated": parsed.feed.get("updated"),
    "entries": [
        {"id": e.get("id"), "title": e.get("title"), "link": e.get("link"), "author": e.get("author"), "updated": e.get("updated")}
        for e in parsed.entries
    ],
}, sys.stdout)
