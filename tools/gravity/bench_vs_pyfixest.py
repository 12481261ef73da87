"""Side-by-side timing: pyfixest (warm: second fit, numba compiled, data in memory) against
caravan (the release CLI, whole process: reading the CSV included), same models, same answer.

    cargo build --release -p caravan
    .venv-gravity/bin/python tools/gravity/bench_vs_pyfixest.py [--skip-penppml]

Prints one line per model: seconds for each tool (best of BENCH_REPEATS runs, default 3, wall
and CPU), the ratios, and the largest coefficient gap.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pyfixest as pf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "..", "shared", "data")
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
CARAVAN = os.environ.get("CARAVAN_BIN", os.path.join(ROOT, "target", "release", "caravan"))

MODELS = [
    (
        "ch2 panel, 3 FE",
        "agtpa_ch2_rta_panel_1986_2006.csv",
        "trade ~ RTA | exporter^year + importer^year + exporter^importer",
        "trade ~ RTA | exporter^year + importer^year + exporter^importer",
    ),
    (
        "ch2 panel, 2 FE + gravity terms",
        "agtpa_ch2_rta_panel_1986_2006.csv",
        "trade ~ ln_DIST + CNTG + LANG + CLNY + RTA | exporter^year + importer^year",
        "trade ~ log(DIST) + CNTG + LANG + CLNY + RTA | exporter^year + importer^year",
    ),
    (
        "penppml panel (316k flows), 3 FE",
        "penppml_trade_1964_2016.csv.gz",
        "export ~ ad_prov_14 + cp_prov_23 + tbt_prov_07 | exp^time + imp^time + exp^imp",
        "export ~ ad_prov_14 + cp_prov_23 + tbt_prov_07 | exp^time + imp^time + exp^imp",
    ),
]


def main():
    skip_pen = "--skip-penppml" in sys.argv
    for name, file, pyf, car in MODELS:
        if skip_pen and "penppml" in file:
            continue
        path = os.path.join(DATA, file)
        df = pd.read_csv(path)
        if "DIST" in df:
            df["ln_DIST"] = np.log(df["DIST"])
        # The machine is shared: each tool's best of several runs, in wall-clock and in CPU
        # seconds (all threads; for caravan the child process's user + system time).
        times, cpus = [], []
        for _ in range(1 + REPEATS):
            t0, c0 = time.perf_counter(), time.process_time()
            m = pf.fepois(pyf, data=df, vcov="hetero", iwls_maxiter=100)
            times.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        coef = {k.replace("ln_DIST", "log(DIST)"): float(v) for k, v in m.coef().items()}
        tcs, ccs = [], []
        for _ in range(REPEATS):
            c0 = os.times()
            t0 = time.perf_counter()
            out = subprocess.run(
                [CARAVAN, "gravity", "estimate", "--input", path, "--formula", car, "--format", "json"],
                check=True,
                capture_output=True,
                text=True,
            )
            tcs.append(time.perf_counter() - t0)
            c1 = os.times()
            ccs.append((c1.children_user - c0.children_user) + (c1.children_system - c0.children_system))
        tc, cc = min(tcs), min(ccs)
        warm, warm_cpu = min(times[1:]), min(cpus[1:])
        est = json.loads(out.stdout)
        gap = max(
            abs(c["estimate"] - coef[c["term"]]) for c in est["coefficients"] if c["term"] in coef
        )
        print(
            f"{name}: n={est['n_obs']} pyfixest cold {times[0]:.2f}s warm {warm:.2f}s "
            f"(cpu {warm_cpu:.2f}s), caravan {tc:.2f}s (cpu {cc:.2f}s, whole process), "
            f"warm ratio {warm / tc:.2f}x wall, {warm_cpu / cc:.2f}x cpu "
            f"(best of {REPEATS}), max |coef gap| {gap:.2e}",
            flush=True,
        )


if __name__ == "__main__":
    main()
