#!/usr/bin/env python3
"""Builds the small curated tables of crates/caravan-impact/data/ from ../shared/data.

- agtpa_ch2_2006_flows.csv: the 2006 cross-section of the Advanced Guide ch. 2 panel
  (Yotov, Piermartini, Monteiro and Larch 2016, CC BY 4.0): exporter, importer (ISO3 as in the
  source, Romania as ROM), trade (USD million, domestic sales on the diagonal), DIST (km), CNTG, LANG, CLNY (0/1).
- iso3_iso2.csv: ISO 3166 alpha-3 -> alpha-2 for the 250 countries of mledoze/countries (ODbL),
  plus the old code ROM (Romania) that the ch. 2 data uses.
- baseline_gaps.csv: for every country with a city among the network's places
  (data/network/places.csv.gz), whether it is in the ch. 2 baseline and what the penppml panel
  (penppml_trade_1964_2016.csv.gz: UN Comtrade via tomzylkin/penppml, MIT; cite UN Comtrade and
  the World Bank DTA database) holds for it in its last year, 2016: rows and total value as
  exporter and as importer, and rows with exporter = importer (domestic sales) in any year. It
  documents why no regional GE baseline is built from the shared data.

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
    gaps(dict(rows))


def gaps(iso3_to_2):
    iso2_to_3 = {v: k for k, v in iso3_to_2.items() if k != "ROM"}
    with gzip.open("data/network/places.csv.gz", "rt", newline="") as f:
        network = sorted({r["country"] for r in csv.DictReader(f) if r["kind"] == "city"})
    agtpa = set()
    with open(SHARED / "agtpa_ch2_rta_panel_1986_2006.csv", newline="") as f:
        for r in csv.DictReader(f):
            agtpa.add(iso3_to_2.get(r["exporter"], r["exporter"]))
    stats = {}
    domestic = 0
    with gzip.open(SHARED / "penppml_trade_1964_2016.csv.gz", "rt", newline="") as f:
        for r in csv.DictReader(f):
            if r["exp"] == r["imp"]:
                domestic += 1
            if r["time"] != "2016":
                continue
            v = float(r["export"] or 0)
            for side, code in (("x", r["exp"]), ("m", r["imp"])):
                s = stats.setdefault((code, side), [0, 0.0])
                s[0] += 1
                s[1] += v
    with open(OUT / "baseline_gaps.csv", "w", newline="") as g:
        w = csv.writer(g, lineterminator="\n")
        w.writerow(["iso2", "iso3", "in_agtpa_ch2", "penppml_2016_rows_as_exporter",
                    "penppml_2016_exports_usd_bn", "penppml_2016_rows_as_importer",
                    "penppml_2016_imports_usd_bn", "penppml_domestic_rows_all_years",
                    "source", "built"])
        for c in network:
            c3 = iso2_to_3.get(c, "")
            # Romania is ROM in both panels.
            c3s = [c3, "ROM"] if c == "RO" else [c3]
            x = next((stats[(k, "x")] for k in c3s if (k, "x") in stats), [0, 0.0])
            m = next((stats[(k, "m")] for k in c3s if (k, "m") in stats), [0, 0.0])
            w.writerow([c, c3, int(c in agtpa), x[0], f"{x[1] / 1e9:.3f}", m[0],
                        f"{m[1] / 1e9:.3f}", domestic,
                        "penppml_trade_1964_2016.csv.gz (UN Comtrade via tomzylkin/penppml data/trade.rda); agtpa_ch2_rta_panel_1986_2006.csv (Yotov et al. 2016)",
                        "2026-12-03"])


if __name__ == "__main__":
    main()
