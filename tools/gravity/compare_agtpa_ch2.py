"""Compares `caravan gravity ge` with the Advanced Guide's own Stata code for its ch. 2 GE
applications, as run and committed in pachadotdev/tradepolicy (commit 342a655,
00-application-files/Chapter2/Applications/):

- application 1, "trade without borders" (2006, sigma = 7, Germany the reference):
  1_TradeWithoutBorder/Results/1_TradeWithoutBorder_FULL.xls (log TradeWithoutBorder.log);
- application 2, "impact of regional trade agreements" (NAFTA removed in 1994, sigma = 7,
  Germany the reference): 2_RTAsEffects/Results/2_RTAsEffects_FULL.xls (do-file
  RTAsEffects.do, log RTAsEffects.log beside it).

    cargo build --release -p caravan
    .venv-gravity/bin/pip install xlrd==2.0.1
    .venv-gravity/bin/python tools/gravity/compare_agtpa_ch2.py \
        --app1 PATH/TO/1_TradeWithoutBorder_FULL.xls --app2 PATH/TO/2_RTAsEffects_FULL.xls

Prints, per indicator, the largest and the median absolute difference in percentage points, and
the rows of a few countries (book/caravan).
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile

import xlrd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CARAVAN = os.environ.get("CARAVAN_BIN", os.path.join(ROOT, "target", "release", "caravan"))
PANEL = os.path.join(ROOT, "..", "shared", "data", "agtpa_ch2_rta_panel_1986_2006.csv")

# RTAsEffects.log (same commit): stage 1, `ppml trade PAIR_FE* EXPORTER_TIME_FE*
# IMPORTER_TIME_FE* RTA` on the panel; stage 2, `ppml tij EXPORTER_FE* IMPORTER_FE* ln_DIST CNTG
# LANG CLNY if exporter != importer` on 1994.
BOOK_APP2_COEF = {
    "RTA": 0.5571853,
    "log(DIST)": -0.8475027,
    "CNTG": 0.2940831,
    "LANG": 0.3632659,
    "CLNY": 0.2394163,
}


def caravan(args):
    out = subprocess.run([CARAVAN, "gravity", "ge", *args, "--format", "json"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def report(rows, names, show):
    diffs = {n: [] for n in names}
    for c, book, ours in rows:
        for n, a, b in zip(names, book, ours):
            diffs[n].append((abs(a - b), c))
        if c in show:
            print(c, " ".join(f"{a:.3f}/{b:.3f}" for a, b in zip(book, ours)))
    for n, v in diffs.items():
        m = max(v)
        print(f"{n}: max |diff| {m[0]:.4f} pp ({m[1]}), "
              f"median {statistics.median(d for d, _ in v):.4f} pp")


def app1(path):
    print("== application 1: trade without borders (2006) ==")
    r = caravan(["--input", PANEL, "--year", "2006",
                 "--formula", "trade ~ log(DIST) + CNTG + I(exporter != importer) | exporter + importer",
                 "--counterfactual", "I(exporter != importer)=0", "--sigma", "7",
                 "--reference", "DEU"])
    full = {c["country"]: c for c in r["ge"]["full"]}
    cond = {c["country"]: c for c in r["ge"]["conditional"]}
    sheet = xlrd.open_workbook(path).sheet_by_index(0)
    rows = []
    for i in range(1, sheet.nrows):
        c, xc, xf, p, imr, rgdp, _ = sheet.row_values(i)
        ours = [cond[c]["exports_pct"], full[c]["exports_pct"], full[c]["producer_price_pct"],
                full[c]["imr_pct"], full[c]["real_gdp_pct"]]
        rows.append((c, [xc, xf, p, imr, rgdp], ours))
    report(rows, ["exports, conditional", "exports, full", "producer price", "IMR", "real GDP"],
           ("DEU", "USA", "CHN", "IND", "IRN", "TUR", "HKG"))


def pair_panel(directory):
    """The panel with the do-file's pair id: one id per unordered pair of countries, one shared
    id for every domestic pair (the omitted reference group)."""
    path = os.path.join(directory, "agtpa_ch2_with_pair.csv")
    with open(PANEL) as f, open(path, "w") as g:
        header = f.readline().rstrip("\n")
        g.write(header + ",pair\n")
        for line in f:
            line = line.rstrip("\n")
            e, i = line.split(",")[:2]
            g.write(line + "," + ("DOMESTIC" if e == i else "-".join(sorted((e, i)))) + "\n")
    return path


def app2(path):
    print("== application 2: NAFTA removed (baseline 1994) ==")
    with tempfile.TemporaryDirectory() as d:
        r = caravan(["--input", pair_panel(d), "--year", "1994",
                     "--formula", "trade ~ RTA | exporter^year + importer^year + pair",
                     "--pair-effects", "pair", "--stage2", "log(DIST) + CNTG + LANG + CLNY",
                     "--counterfactual", "RTA=0", "--pair", "CAN-USA", "--pair", "CAN-MEX",
                     "--pair", "MEX-USA", "--sigma", "7", "--reference", "DEU"])
    coef = {c["term"]: c["estimate"] for c in r["estimate"]["coefficients"]}
    coef.update({c["term"]: c["estimate"] for c in r["stage2"]["coefficients"]})
    for t, b in BOOK_APP2_COEF.items():
        print(f"{t}: book {b:.7f}, caravan {coef[t]:.7f}, diff {abs(b - coef[t]):.1e}")
    full = {c["country"]: c for c in r["ge"]["full"]}
    cond = {c["country"]: c for c in r["ge"]["conditional"]}

    # The book reports the effect of NAFTA: baseline (with it) against the counterfactual
    # (without), 100 (BLN / CFL - 1); caravan reports the counterfactual against the baseline,
    # 100 (CFL / BLN - 1). The producer price is 100 (1 - p_CFL / p_BLN) in the book.
    def flip(pct):
        return 100.0 * (1.0 / (1.0 + pct / 100.0) - 1.0)

    sheet = xlrd.open_workbook(path).sheet_by_index(0)
    rows = []
    for i in range(1, sheet.nrows):
        c, xc, xf, p, imr, rgdp, _ = sheet.row_values(i)
        ours = [flip(cond[c]["exports_pct"]), flip(full[c]["exports_pct"]),
                -full[c]["producer_price_pct"], flip(full[c]["imr_pct"]),
                flip(full[c]["real_gdp_pct"])]
        rows.append((c, [xc, xf, p, imr, rgdp], ours))
    report(rows, ["exports, conditional", "exports, full", "producer price", "IMR", "real GDP"],
           ("CAN", "MEX", "USA", "DEU", "CHN", "IND", "IRN", "TUR", "COL"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app1", help="1_TradeWithoutBorder_FULL.xls")
    ap.add_argument("--app2", help="2_RTAsEffects_FULL.xls")
    a = ap.parse_args()
    if not (a.app1 or a.app2):
        ap.error("give --app1 and/or --app2")
    if a.app1:
        app1(a.app1)
    if a.app2:
        app2(a.app2)


if __name__ == "__main__":
    main()
