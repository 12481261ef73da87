#!/usr/bin/env python3
"""Fit the road circuity model (data/curated/mode_params.csv, rows road,circuity_*) on the
CALIBRATION road distance facts of data/validation/facts.csv, and on nothing else.

The model (crates/caravan-net/src/circuity.rs): a road link's km are multiplied by `flat` where
the terrain along it climbs and descends less than `climb_flat` m per km, by `mountain` above
`climb_mountain`, linearly in between; with `full_segment_km` set, a link drawn with shorter
straight segments than that takes only a proportional share of the excess over 1 (km of record,
i.e. published patch lengths, are never scaled). The objective is the mean absolute log error, |ln(ours / published)|, over the
calibration road distance facts, each routed by `caravan data validate --set calibration` on a
copy of the data directory with the candidate parameters; routes are recomputed for every
candidate, so a factor that changes the route choice is judged on the route it gives.

Search: for each pair of climb breakpoints and each segment length on fixed grids, coordinate
descent on the two factors (steps 0.04, 0.02, 0.01); ties go to the smaller model. Only the
calibration road distance facts are routed (a filtered copy of facts.csv); the validation set is
never read.

Run:  python3 tools/fit_circuity.py [--caravan target/release/caravan] [--jobs 2]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import json
import math
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ("circuity_factor", "circuity_factor_mountain", "circuity_climb_flat_m_per_km",
          "circuity_climb_mountain_m_per_km", "circuity_full_segment_km")
CLIMB_GRID = (10.0, 20.0, 30.0, 40.0)
# Mean segment length from which the terrain excess applies in full (None: always in full).
SEGMENT_GRID = (None, 4.0, 8.0, 12.0, 16.0)


def road_fact_ids(facts: Path) -> set[str]:
    with open(facts, newline="") as f:
        return {r["id"] for r in csv.DictReader(f)
                if r["set"] == "calibration" and r["kind"] == "distance" and r["mode"] == "road"}


class Evaluator:
    def __init__(self, caravan: str, data: Path, jobs: int):
        self.caravan, self.data, self.jobs = caravan, data, jobs
        self.ids = road_fact_ids(data / "validation" / "facts.csv")
        self.cache: dict[tuple, tuple[float, int, dict]] = {}
        self.base_rows = (data / "curated" / "mode_params.csv").read_text().splitlines(keepends=True)
        self.dirs = []
        fd, name = tempfile.mkstemp(prefix="fitcirc-facts-", suffix=".csv")
        with os.fdopen(fd, "w", newline="") as out, open(data / "validation" / "facts.csv", newline="") as f:
            r = csv.DictReader(f)
            w = csv.DictWriter(out, r.fieldnames, lineterminator="\n")
            w.writeheader()
            w.writerows(x for x in r if x["id"] in self.ids)
        self.facts = name

    def _workdir(self, slot: int) -> Path:
        while len(self.dirs) <= slot:
            d = Path(tempfile.mkdtemp(prefix="fitcirc-"))
            for x in self.data.iterdir():
                if x.name != "curated":
                    os.symlink(x.resolve(), d / x.name)
            (d / "curated").mkdir()
            for x in (self.data / "curated").iterdir():
                if x.name != "mode_params.csv":
                    os.symlink(x.resolve(), d / "curated" / x.name)
            self.dirs.append(d)
        return self.dirs[slot]

    def _write_params(self, d: Path, p: tuple):
        rows = [r for r in self.base_rows if not any(r.startswith(f"road,{k},") for k in PARAMS)]
        for k, v in zip(PARAMS, p):
            if v is not None:
                rows.append(f"road,{k},{v},x,derived,fit candidate,\n")
        (d / "curated" / "mode_params.csv").write_text("".join(rows))

    def _run(self, slot: int, p: tuple):
        d = self._workdir(slot)
        self._write_params(d, p)
        out = subprocess.run([self.caravan, "data", "validate", "--data", str(d), "--set", "calibration",
                              "--facts", self.facts, "--format", "json"], check=True, capture_output=True, text=True).stdout
        res = [r for r in json.loads(out)["results"] if r["id"] in self.ids]
        # A fact the network cannot route says nothing about lengths: it is left out (and
        # listed at the end), not scored as a large error that would swamp the others.
        routed = [r for r in res if r.get("ratio")]
        err = sum(abs(math.log(r["ratio"])) for r in routed) / len(routed)
        return err, sum(r["pass"] for r in res), {r["id"]: r["ratio"] for r in res}

    def many(self, cands: list[tuple]) -> list[tuple]:
        todo = [c for c in dict.fromkeys(cands) if c not in self.cache]
        with cf.ThreadPoolExecutor(self.jobs) as ex:
            for c, r in zip(todo, ex.map(lambda a: self._run(*a), [(i % self.jobs, c) for i, c in enumerate(todo)])):
                self.cache[c] = r
        return [self.cache[c] for c in cands]

    def close(self):
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)
        os.unlink(self.facts)


def r2(x):
    return round(x, 3)


def descend(ev: Evaluator, cf_: float, cm: float, seg, start=(1.04, 1.5)):
    flat, mtn = start
    for step in (0.04, 0.02, 0.01):
        while True:
            cands = [(r2(flat + df), r2(mtn + dm), cf_, cm, seg)
                     for df in (-step, 0, step) for dm in (-step, 0, step)]
            cands = [c for c in cands if 1.0 <= c[0] <= 2.0 and c[0] <= c[1] <= 2.0]
            res = ev.many(cands)
            best = min(zip(res, cands), key=lambda x: (x[0][0], abs(x[1][1] - x[1][0])))
            if best[1][:2] == (r2(flat), r2(mtn)):
                break
            flat, mtn = best[1][:2]
    return (flat, mtn, cf_, cm, seg), ev.cache[(r2(flat), r2(mtn), cf_, cm, seg)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--caravan", default=str(ROOT / "target" / "release" / "caravan"))
    ap.add_argument("--data", default=str(ROOT / "data"))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    ev = Evaluator(args.caravan, Path(args.data), args.jobs)
    try:
        print(f"{len(ev.ids)} calibration road distance facts")
        # The single factor (both factors equal, breakpoints irrelevant) for comparison.
        singles = [(r2(1.0 + i * 0.01),) * 2 + (1000.0, 1000.0, None) for i in range(0, 31)]
        s_best = min(zip(ev.many(singles), singles), key=lambda x: x[0][0])
        print(f"single factor: {s_best[1][0]}  mean |ln| {s_best[0][0]:.4f}  pass {s_best[0][1]}/{len(ev.ids)}")
        results = []
        for seg in SEGMENT_GRID:
            for i, lo in enumerate(CLIMB_GRID):
                for hi in CLIMB_GRID[i:]:
                    p, r = descend(ev, lo, hi, seg)
                    results.append((r, p))
                    print(f"segment {seg} climb {lo:>4}-{hi:<4} flat {p[0]:.2f} mountain {p[1]:.2f}  "
                          f"mean |ln| {r[0]:.4f}  pass {r[1]}/{len(ev.ids)}", flush=True)
        # Ties: the model without the segment term, then the narrower climb ramp.
        (err, npass, ratios), p = min(results, key=lambda x: (round(x[0][0], 4), x[1][4] is not None, x[1][3] - x[1][2]))
        print(f"\nbest: flat {p[0]} mountain {p[1]} climb_flat {p[2]} climb_mountain {p[3]} "
              f"full_segment_km {p[4]}: mean |ln| {err:.4f}, pass {npass}/{len(ev.ids)} "
              f"(single factor: {s_best[0][0]:.4f})")
        for k, v in sorted(ratios.items()):
            print(f"  {k:40s} ours/published {v:.3f}" if v else f"  {k:40s} no route (left out of the fit)")
    finally:
        ev.close()


if __name__ == "__main__":
    main()
