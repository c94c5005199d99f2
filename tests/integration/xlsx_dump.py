#!/usr/bin/python3
"""xlsx_dump.py FILE [MAXROWS]: an XLSX file as openpyxl (not our code) reads it.

One line per sheet, in order:
  sheet NAME rows=N cols=M freeze=CELL filter=REF
then one line per cell of the first MAXROWS rows (all by default):
  cell NAME!COORD KIND[,bold] VALUE
KIND is n (number), d (date or time, VALUE in ISO form), s (string,
VALUE as Python repr), b (bool). Empty cells are left out. The tests
match these lines.
"""
import datetime
import sys

import openpyxl


def kind(cell):
    v = cell.value
    if isinstance(v, bool):
        return "b", repr(v)
    if isinstance(v, (datetime.datetime, datetime.date)):
        return "d", v.isoformat()
    if isinstance(v, (int, float)):
        return "n", repr(v)
    return "s", repr(v)


def main():
    path = sys.argv[1]
    maxrows = int(sys.argv[2]) if len(sys.argv) > 2 else None
    # A file object: openpyxl judges a path by its extension.
    with open(path, "rb") as f:
        wb = openpyxl.load_workbook(f)
    for ws in wb.worksheets:
        print("sheet %s rows=%d cols=%d freeze=%s filter=%s" % (
            ws.title, ws.max_row, ws.max_column, ws.freeze_panes,
            ws.auto_filter.ref))
        for row in ws.iter_rows(max_row=maxrows):
            for cell in row:
                if cell.value is None:
                    continue
                k, text = kind(cell)
                if cell.font is not None and cell.font.b:
                    k += ",bold"
                print("cell %s!%s %s %s" % (ws.title, cell.coordinate, k,
                                            text))


if __name__ == "__main__":
    main()
