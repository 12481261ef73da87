"""Reference PPML-HDFE estimates from PyPI pyfixest, for caravan-gravity's tests.

Run from the repository root with the pinned venv (see tools/gravity/README.md):
    .venv-gravity/bin/python tools/gravity/pyfixest_reference.py

Writes crates/caravan-gravity/tests/fixtures/pyfixest_reference.json (coefficients and
standard errors, with the pyfixest version and options) and the small synthetic data set
crates/caravan-gravity/tests/fixtures/synthetic_ppml.csv that two of the models use. The ch. 2
panel models read ../shared/data/agtpa_ch2_rta_panel_1986_2006.csv (not copied).
"""

import json
import os
import sys

import numpy as np
import pandas as pd
import pyfixest as pf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "crates", "caravan-gravity", "tests", "fixtures")
PANEL = os.path.join(ROOT, "..", "shared", "data", "agtpa_ch2_rta_panel_1986_2006.csv")

OPTS = dict(iwls_tol=1e-12, iwls_maxiter=200, fixef_tol=1e-12, fixef_maxiter=100_000)


def synthetic():
    """A small gravity-like panel with zeros, an all-zero exporter group and singletons."""
    rng = np.random.default_rng(20261203)
    rows = []
    for e in range(12):
        for i in range(12):
            for t in range(3):
                x1 = rng.normal()
                x2 = float(rng.integers(0, 2))
                mu = np.exp(0.5 + 0.3 * x1 - 0.7 * x2 + 0.1 * e - 0.05 * i + 0.2 * t)
                y = float(rng.poisson(mu)) if e != 11 else 0.0  # exporter 11 never exports
                rows.append((f"E{e:02d}", f"I{i:02d}", t, y, round(x1, 6), x2))
    df = pd.DataFrame(rows, columns=["exp", "imp", "t", "y", "x1", "x2"])
    # A singleton importer level.
    df = pd.concat(
        [df, pd.DataFrame([("E00", "I99", 0, 3.0, 0.25, 1.0)], columns=df.columns)],
        ignore_index=True,
    )
    df["pair"] = df["exp"] + "_" + df["imp"]
    return df


def fit(df, fml, vcov):
    m = pf.fepois(fml, data=df, vcov=vcov, **OPTS)
    return {
        "coef": {k: float(v) for k, v in m.coef().items()},
        "se": {k: float(v) for k, v in m.se().items()},
        "n_obs": int(m._N),
    }


def main():
    models = []
    syn = synthetic()
    syn.drop(columns=["pair"]).to_csv(os.path.join(FIX, "synthetic_ppml.csv"), index=False)
    for vcov, caravan_cluster in [("hetero", None), ({"CRV1": "pair"}, "exp^imp")]:
        r = fit(syn, "y ~ x1 + x2 | exp + imp^t", vcov)
        models.append(
            dict(
                name="synthetic",
                data="tests/fixtures/synthetic_ppml.csv",
                formula="y ~ x1 + x2 | exp + imp^t",
                cluster=caravan_cluster,
                **r,
            )
        )
    if os.path.exists(PANEL):
        p = pd.read_csv(PANEL)
        p["ln_DIST"] = np.log(p["DIST"])
        p["pair"] = p["exporter"] + "_" + p["importer"]
        specs = [
            (
                "ch2_two_fe",
                "trade ~ ln_DIST + CNTG + LANG + CLNY + RTA | exporter^year + importer^year",
                "trade ~ log(DIST) + CNTG + LANG + CLNY + RTA | exporter^year + importer^year",
            ),
            (
                "ch2_three_fe",
                "trade ~ RTA | exporter^year + importer^year + exporter^importer",
                "trade ~ RTA | exporter^year + importer^year + exporter^importer",
            ),
        ]
        for name, pyf, car in specs:
            for vcov, caravan_cluster in [("hetero", None), ({"CRV1": "pair"}, "exporter^importer")]:
                r = fit(p, pyf, vcov)
                r["coef"] = {k.replace("ln_DIST", "log(DIST)"): v for k, v in r["coef"].items()}
                r["se"] = {k.replace("ln_DIST", "log(DIST)"): v for k, v in r["se"].items()}
                models.append(
                    dict(
                        name=name,
                        data="../shared/data/agtpa_ch2_rta_panel_1986_2006.csv",
                        formula=car,
                        cluster=caravan_cluster,
                        **r,
                    )
                )
    else:
        print(f"note: {PANEL} absent; ch. 2 models skipped", file=sys.stderr)
    out = dict(
        tool=f"pyfixest {pf.__version__}",
        options={k: v for k, v in OPTS.items()},
        notes="fepois defaults otherwise: fixef_rm='singleton', separation_check=['fe'], "
        "ssc(k_adj=True, k_fixef='nonnested', G_adj=True)",
        models=models,
    )
    with open(os.path.join(FIX, "pyfixest_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
