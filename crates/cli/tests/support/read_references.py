"""Reads a RIS file with rispy or a BibTeX file with bibtexparser and prints its
references as JSON, in the fields Signpost keeps, so a test can hold Signpost's own
import to two independent parsers.

Usage: read_references.py ris|bib FILE

The mapping follows the RIS and BibTeX conventions, not Signpost's code: RIS titles
from TI or T1; authors from AU or A1; the journal from JF, JO or T2, else the
abbreviation JA or J2; the year from PY, Y1 or DA; pages from SP and EP (Zotero puts
the whole range in SP); the DOI from DO without a resolver prefix (Ovid writes
https://dx.doi.org/...); the PMID from C2, or from AN when the record came from a
MEDLINE database (DB or DP says so: Ovid "Ovid MEDLINE(R)", EBSCOhost "cmedm").
Whitespace is collapsed (continuation lines), one trailing full stop is dropped from
titles, and BibTeX's LaTeX is decoded by bibtexparser's own LatexDecodingMiddleware.
"""
import json
import re
import sys

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware
import rispy


def squeeze(value):
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def title_of(value):
    text = squeeze(value) or ""
    return text[:-1] if text.endswith(".") else text


def year_of(*values):
    for v in values:
        m = re.match(r"\s*(\d{4})", v or "")
        if m:
            return int(m.group(1))
    return None


def bare_doi(value):
    doi = squeeze(value)
    if doi is None:
        return None
    return re.sub(r"^https?://(dx\.)?doi\.org/", "", doi)


def from_medline(entry):
    where = " ".join(str(entry.get(k, "")) for k in ("name_of_database", "database_provider")).lower()
    return "medline" in where or "pubmed" in where or entry.get("name_of_database", "").lower() == "cmedm"


def ris_records(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        entries = rispy.load(f, skip_unknown_tags=False)
    out = []
    for e in entries:
        start, end = squeeze(e.get("start_page")), squeeze(e.get("end_page"))
        pmid = squeeze(e.get("custom2"))
        if not (pmid and pmid.isdigit()):
            an = squeeze(e.get("accession_number"))
            pmid = an if an and an.isdigit() and from_medline(e) else None
        out.append({
            "title": title_of(e.get("title") or e.get("primary_title")),
            "authors": [squeeze(a) for a in (e.get("authors") or e.get("first_authors") or [])],
            "journal": squeeze(e.get("alternate_title3") or e.get("journal_name") or e.get("secondary_title")
                               or e.get("alternate_title2") or e.get("alternate_title1")),
            "year": year_of(e.get("year"), e.get("publication_year"), e.get("date")),
            "volume": squeeze(e.get("volume")),
            "issue": squeeze(e.get("number")),
            "pages": f"{start}-{end}" if start and end else start,
            "doi": bare_doi(e.get("doi")),
            "pmid": pmid,
            "abstract": squeeze(e.get("abstract") or e.get("notes_abstract")),
        })
    return out


def unbraced(value):
    return squeeze(value.replace("{", "").replace("}", "")) if value is not None else None


def bib_records(path):
    with open(path, encoding="utf-8") as f:
        library = bibtexparser.parse_string(f.read(), append_middleware=[LatexDecodingMiddleware()])
    if library.failed_blocks:
        raise SystemExit(f"bibtexparser could not read {len(library.failed_blocks)} blocks")
    out = []
    for entry in library.entries:
        field = lambda name: entry.fields_dict[name].value if name in entry.fields_dict else None
        pages = unbraced(field("pages"))
        out.append({
            "title": title_of(unbraced(field("title"))),
            "authors": [squeeze(a) for a in (unbraced(field("author")) or "").split(" and ") if a.strip()],
            "journal": unbraced(field("journal")),
            "year": year_of(field("year")),
            "volume": unbraced(field("volume")),
            "issue": unbraced(field("number")),
            "pages": pages.replace("--", "-").replace("\u2013", "-") if pages else None,
            "doi": bare_doi(unbraced(field("doi"))),
            "pmid": unbraced(field("pmid")),
            "abstract": unbraced(field("abstract")),
        })
    return out


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    records = ris_records(path) if kind == "ris" else bib_records(path)
    json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
