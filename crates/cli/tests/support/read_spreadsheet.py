"""Reads a CSV file or an Excel workbook as a person's spreadsheet program would, with
Python's csv module and openpyxl, and prints what it found as JSON.

Usage: python3 read_spreadsheet.py FILE

For a .csv: {"bom": whether it starts with a UTF-8 byte-order mark, "rows": [[cell…]…]}
(read as UTF-8 after the mark). For a .xlsx: {"sheets": {name: [[value…]…]},
"formulas": ["Sheet!A1"…] (cells whose type is a formula)}.
"""
import csv
import io
import json
import sys

import openpyxl

path = sys.argv[1]
if path.endswith(".csv"):
    raw = open(path, "rb").read()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    print(json.dumps({"bom": bom, "rows": list(csv.reader(io.StringIO(text)))}))
else:
    book = openpyxl.load_workbook(path)
    sheets, formulas = {}, []
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows():
            values = []
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{sheet.title}!{cell.coordinate}")
                value = cell.value
                values.append(value.isoformat()[:10] if hasattr(value, "isoformat") else value)
            rows.append(values)
        sheets[sheet.title] = rows
    print(json.dumps({"sheets": sheets, "formulas": formulas}))
