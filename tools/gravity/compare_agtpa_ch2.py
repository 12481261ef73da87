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
the rows of a few countries (book/caravan). It then re-runs the book's
full-endowment loop (RTAsEffects.do, Step III.b, transcribed here with numpy: each `ppml ...
EXPORTER_FE* IMPORTER_FE*, offset(ln_tij_CFL)` on all pairs is a biproportional scaling of the
counterfactual trade costs to the margins of the data it is given) from caravan's baseline: with
the do-file's stopping rule it gives the book's figures, and continued past that rule it shows
whether the loop converges.
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile

import numpy as np
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
        print(f"{n}: max |diff| {m[0]:.2e} pp ({m[1]}), "
              f"median {statistics.median(d for d, _ in v):.2e} pp")


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
    book_loop_check(r, sheet, of_baseline=False, ours={c: o[1:] for c, _, o in rows})


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
    book_loop_check(r, sheet, of_baseline=True, ours={c: o[1:] for c, _, o in rows})


def ras(t, out, spend, ref):
    """Scale t to row sums `out` and column sums `spend`; the factors normalised so that the
    reference importer's is 1 (the do-file leaves Germany's importer effect out)."""
    a = np.ones(len(out))
    for _ in range(100000):
        b = spend / (t * a[:, None]).sum(0)
        a2 = out / (t * b[None, :]).sum(1)
        done = np.max(np.abs(a2 / a - 1)) < 1e-14
        a = a2
        if done:
            break
    a, b = a * b[ref], b / b[ref]
    return a[:, None] * t * b[None, :], a, b


def book_loop(x, shock, ref, sigma, passes=None, of_baseline=True):
    """The do-file's full-endowment loop. `passes` None: its own stopping rule (sd and max of
    the change in the factory-gate price change between passes <= 0.01); else that many passes.
    Returns the passes made, the largest |change| per pass, and the book's four indicators:
    the effect of the baseline against the counterfactual (application 2) or, with
    `of_baseline` False, of the counterfactual against the baseline (application 1)."""
    y, e = x.sum(1), x.sum(0)
    phi = e / y
    tc = x * shock
    _, pi0, chi0 = ras(x, y, e, ref)
    er0 = e[ref]
    th, pi, chi = ras(tc, y, e, ref)
    ys, es, er = y, e, er0
    prev = np.zeros(len(y))
    cp = ((pi / pi0) / (er / er0)) ** (1 / (1 - sigma))
    c_omr = np.ones(len(y))
    c_imr = np.ones(len(y))
    omr, imr = ys * er / pi, es / (chi * er)
    steps = []
    s = 0
    while True:
        s += 1
        trade = th * cp[:, None] * cp[None, :] / (c_omr[:, None] * c_imr[None, :])
        th, pi_n, chi = ras(tc, trade.sum(1), trade.sum(0), ref)
        ys = th.sum(1)
        es = phi * ys
        er_n = es[ref]
        cp_n = ((pi_n / pi) / (er_n / er)) ** (1 / (1 - sigma))
        omr_n, imr_n = ys * er_n / pi_n, es / (chi * er_n)
        c_omr, c_imr = omr_n / omr, imr_n / imr
        dif = np.repeat(cp - prev, len(y))  # over the n x n observations, as `summarize`
        steps.append(np.max(np.abs(dif)))
        prev, cp, pi, er, omr, imr = cp, cp_n, pi_n, er_n, omr_n, imr_n
        if passes is None and not (dif.std(ddof=1) > 0.01 or abs(dif.max()) > 0.01):
            break
        if passes is not None and s >= passes:
            break
    p = ((pi / pi0) / (er / er0)) ** (1 / (1 - sigma))
    y_full = p * y
    e_full = phi * y_full
    x_full = th * (e_full / es)[None, :]
    imr_full = es / (chi * er)
    imr_bln = e / (chi0 * er0)

    def xi(m):
        return m.sum(1) - np.diag(m)

    k = 1 / (1 - sigma)
    ratios = [xi(x_full) / xi(x), imr_full ** k / imr_bln ** k,
              (y_full / imr_full ** k) / (y / imr_bln ** k)]
    if of_baseline:
        out = [100 * (1 / q - 1) for q in ratios]
        price = 100 * (1 - p)
    else:
        out = [100 * (q - 1) for q in ratios]
        price = 100 * (p - 1)
    return s, steps, [out[0], price, out[1], out[2]]


def book_loop_check(r, sheet, of_baseline, ours):
    """`ours`: caravan's full-GE exports, price, IMR and real GDP per country, as the book
    writes them."""
    names = [c["country"] for c in r["ge"]["full"]]
    n = len(names)
    ref = names.index(r["ge"]["reference"])
    x = np.array([b["baseline"] for b in r["ge"]["bilateral"]]).reshape(n, n)
    shock = np.array([b["shock"] for b in r["ge"]["bilateral"]]).reshape(n, n)
    book = {sheet.row_values(i)[0]: sheet.row_values(i)[2:6] for i in range(1, sheet.nrows)}
    labels = ["exports, full", "producer price", "IMR", "real GDP"]
    s, steps, res = book_loop(x, shock, ref, r["ge"]["sigma"], of_baseline=of_baseline)
    print(f"-- the book's loop on caravan's baseline, its stopping rule: {s} passes")
    for lab, v, j in zip(labels, res, range(4)):
        d = max(abs(v[i] - book[c][j]) for i, c in enumerate(names))
        print(f"{lab}: max |diff| from the book {d:.2e} pp")
    with np.errstate(all="ignore"):
        _, steps, res = book_loop(x, shock, ref, r["ge"]["sigma"], passes=60,
                                  of_baseline=of_baseline)
    print("-- continued: largest price-change step per pass: "
          + ", ".join(f"{i + 1}: {v:.1e}" for i, v in enumerate(steps) if i < 3 or (i + 1) % 10 == 0))
    if steps[-1] < 1e-6:
        print("-- converged (book's E = phi Y); against the book (its stop) | against caravan:")
        for lab, v, j in zip(labels, res, range(4)):
            db = [abs(v[i] - book[c][j]) for i, c in enumerate(names)]
            dc = [abs(v[i] - ours[c][j]) for i, c in enumerate(names)]
            wc = names[int(np.argmax(dc))]
            print(f"{lab}: max {max(db):.2e} median {statistics.median(db):.2e} pp | "
                  f"max {max(dc):.2e} ({wc}) median {statistics.median(dc):.2e} pp")


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
