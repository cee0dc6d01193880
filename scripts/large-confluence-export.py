#!/usr/bin/env python3
"""Writes a Confluence-shaped HTML space export of any size, for measuring imports:

    scripts/large-confluence-export.py PAGES OUT.zip

Each page is a few kilobytes of text under a parent page, linking to its neighbours,
with one 64 x 64 PNG of random pixels (16 KiB, stored, as exports store images),
so 70,000 pages make an archive of about 1.1 GB with 140,000 entries: past the 65,535
entries a zip without zip64 records can hold.
"""
import os
import random
import struct
import sys
import zipfile
import zlib

WORDS = (
    "patient handover falls sepsis discharge ward escalation medicines audit review lesson "
    "practice team shift nurse doctor pharmacy assessment risk plan clinic infection "
    "pathway safety learning outcome action incident theatre community referral"
).split()


def page(i: int, pages: int, rng: random.Random) -> str:
    parent = (i - 1) // 10 if i > 0 else None
    crumbs = '<li class="first"><span><a href="index.html">Large Space</a></span></li>'
    if parent is not None:
        crumbs += f'<li><span><a href="Page-{parent}_{100000 + parent}.html">Page {parent}</a></span></li>'
    text = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(80)) + ".</p>\n" for _ in range(8)
    )
    links = " ".join(
        f'<a href="Page-{j}_{100000 + j}.html">Page {j}</a>' for j in (i - 1, i + 1) if 0 <= j < pages
    )
    return f"""<!DOCTYPE html>
<html><head><title>Large Space : Page {i}</title></head>
<body><div id="page"><div id="main"><div id="main-header">
<div id="breadcrumb-section"><ol id="breadcrumbs">{crumbs}</ol></div>
<h1 id="title-heading" class="pagetitle"><span id="title-text">Large Space : Page {i}</span></h1></div>
<div id="content" class="view"><div class="page-metadata">Created by <span class='author'> Author {i % 97}</span>, last modified on Mar 03, 2026</div>
<div id="main-content" class="wiki-content group">
<h2>Page {i}</h2>
{text}<p>See also {links}.</p>
<p><img class="confluence-embedded-image" src="attachments/{100000 + i}/{200000 + i}.png" alt="Figure {i}"></p>
</div></div></div></div></body></html>
"""


def png(side: int = 64) -> bytes:
    """A real PNG of random pixels: as large as its pixels, since noise does not compress."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + os.urandom(side * 4) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def main():
    pages, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(2026)
    with zipfile.ZipFile(out, "w", allowZip64=True) as z:
        z.writestr("LARGE/styles/site.css", "body { font-family: sans-serif; }\n", zipfile.ZIP_DEFLATED)
        tree = "".join(f'<li><a href="Page-{i}_{100000 + i}.html">Page {i}</a></li>' for i in range(pages))
        z.writestr("LARGE/index.html", f"<html><body><ul>{tree}</ul></body></html>", zipfile.ZIP_DEFLATED)
        for i in range(pages):
            z.writestr(f"LARGE/Page-{i}_{100000 + i}.html", page(i, pages, rng), zipfile.ZIP_DEFLATED)
            z.writestr(f"LARGE/attachments/{100000 + i}/{200000 + i}.png", png(), zipfile.ZIP_STORED)


if __name__ == "__main__":
    main()
