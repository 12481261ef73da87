#!/usr/bin/env python3
"""Builds data/goods/hs2022.csv.gz from the Harmonized System 2022 tree in ../shared/data
(datasets/harmonized-system, ODC-PDDL-1.0): one row per chapter, heading and subheading with
its section and section title, in code order. Standard library only; reruns give the same bytes.
"""
import csv
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data"
OUT = ROOT / "data" / "goods" / "hs2022.csv.gz"


def main() -> int:
    sections = {}
    with open(RAW / "hs-sections.csv", encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            sections[r["section"].strip()] = r["name"].strip()
    rows = []
    with open(RAW / "hs2022_nomenclature.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            code = r["hscode"].strip()
            # Only the 2-, 4- and 6-digit levels of the tree; the one 5-level row is a grouping.
            if len(code) not in (2, 4, 6) or not code.isdigit():
                continue
            # Chapter 99 ("commodities not specified according to kind") is a trade-statistics
            # code outside the HS proper.
            if r["section"].strip() == "TOTAL":
                continue
            parent = r["parent"].strip()
            rows.append(
                (code, len(code), "" if parent == "TOTAL" else parent, r["section"].strip(),
                 sections.get(r["section"].strip(), ""), " ".join(r["description"].split()))
            )
    rows.sort()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "level", "parent", "section", "section_name", "description"])
    w.writerows(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(buf.getvalue().encode("utf-8"))
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} codes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
