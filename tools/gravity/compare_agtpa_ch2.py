"""Compares `caravan gravity ge` with the Advanced Guide's own Stata code for ch. 2 application 1
("trade without borders", 2006, sigma = 7, Germany the reference), as run and committed in
pachadotdev/tradepolicy (00-application-files/Chapter2/Applications/1_TradeWithoutBorder/
Results/1_TradeWithoutBorder_FULL.xls, commit 342a655; log TradeWithoutBorder.log beside it).

    cargo build --release -p caravan
    .venv-gravity/bin/pip install xlrd==2.0.1
    .venv-gravity/bin/python tools/gravity/compare_agtpa_ch2.py PATH/TO/1_TradeWithoutBorder_FULL.xls

Prints, per indicator, the largest and the median absolute difference in percentage points, and
the rows of a few countries (book, caravan).
"""

import json
import os
import statistics
import subprocess
import sys

import xlrd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CARAVAN = os.environ.get("CARAVAN_BIN", os.path.join(ROOT, "target", "release", "caravan"))
PANEL = os.path.join(ROOT, "..", "shared", "data", "agtpa_ch2_rta_panel_1986_2006.csv")


def main():
    out = subprocess.run(
        [CARAVAN, "gravity", "ge", "--input", PANEL, "--year", "2006",
         "--formula", "trade ~ log(DIST) + CNTG + I(exporter != importer) | exporter + importer",
         "--counterfactual", "I(exporter != importer)=0", "--sigma", "7", "--reference", "DEU",
         "--format", "json"],
        check=True, capture_output=True, text=True,
    )
    r = json.loads(out.stdout)
    full = {c["country"]: c for c in r["ge"]["full"]}
    cond = {c["country"]: c for c in r["ge"]["conditional"]}
    sheet = xlrd.open_workbook(sys.argv[1]).sheet_by_index(0)
    names = ["exports, conditional", "exports, full", "producer price", "IMR", "real GDP"]
    diffs = {n: [] for n in names}
    for i in range(1, sheet.nrows):
        c, xc, xf, p, imr, rgdp, _ = sheet.row_values(i)
        ours = [cond[c]["exports_pct"], full[c]["exports_pct"], full[c]["producer_price_pct"],
                full[c]["imr_pct"], full[c]["real_gdp_pct"]]
        for n, a, b in zip(names, [xc, xf, p, imr, rgdp], ours):
            diffs[n].append((abs(a - b), c))
        if c in ("DEU", "USA", "CHN", "IND", "IRN", "TUR", "HKG"):
            print(c, " ".join(f"{a:.3f}/{b:.3f}" for a, b in zip([xc, xf, p, imr, rgdp], ours)))
    for n, v in diffs.items():
        m = max(v)
        print(f"{n}: max |diff| {m[0]:.4f} pp ({m[1]}), median {statistics.median(d for d, _ in v):.4f} pp")


if __name__ == "__main__":
    main()
