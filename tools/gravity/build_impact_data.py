#!/usr/bin/env python3
"""Builds the small curated tables of crates/caravan-impact/data/ from ../shared/data.

- agtpa_ch2_2006_flows.csv: the 2006 cross-section of the Advanced Guide ch. 2 panel
  (Yotov, Piermartini, Monteiro and Larch 2016, CC BY 4.0): exporter, importer (ISO3 as in the
  source, Romania as ROM), trade (USD million, domestic sales on the diagonal), DIST (km), CNTG, LANG, CLNY (0/1).
- iso3_iso2.csv: ISO 3166 alpha-3 -> alpha-2 for the 250 countries of mledoze/countries (ODbL),
  plus the old code ROM (Romania) that the ch. 2 data uses.

Run from the repository root: python3 tools/gravity/build_impact_data.py
"""
import csv
import gzip
import json
import pathlib

SHARED = pathlib.Path("../shared/data")
OUT = pathlib.Path("crates/caravan-impact/data")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with open(SHARED / "agtpa_ch2_rta_panel_1986_2006.csv", newline="") as f, open(
        OUT / "agtpa_ch2_2006_flows.csv", "w", newline=""
    ) as g:
        w = csv.writer(g, lineterminator="\n")
        cols = ["exporter", "importer", "trade", "DIST", "CNTG", "LANG", "CLNY"]
        w.writerow(cols)
        for row in csv.DictReader(f):
            if row["year"] == "2006":
                w.writerow([row[c] for c in cols])
    with gzip.open(SHARED / "countries_mledoze.json.gz", "rt") as f:
        countries = json.load(f)
    rows = sorted((c["cca3"], c["cca2"]) for c in countries if c.get("cca3") and c.get("cca2"))
    rows.append(("ROM", "RO"))
    rows.sort()
    with open(OUT / "iso3_iso2.csv", "w", newline="") as g:
        w = csv.writer(g, lineterminator="\n")
        w.writerow(["iso3", "iso2"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
