#!/usr/bin/env python3
"""Runs the queries exported by `cargo run --release -p caravan-route --example peer_export`
through scipy.sparse.csgraph.dijkstra on the same graph, checks that every answer matches
Caravan's, and reports the per-query times side by side.

    pip install scipy numpy    # (tools/requirements.txt)
    python benches/scipy_compare.py [bench-out]
"""
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench-out")
n = int((out / "nodes.txt").read_text())
rec = np.fromfile(out / "arcs.bin", dtype=np.dtype([("t", "<u4"), ("h", "<u4"), ("w", "<f8")]))
# Parallel arcs: keep the lightest (a sparse matrix would add them up).
order = np.lexsort((rec["w"], rec["h"], rec["t"]))
rec = rec[order]
first = np.ones(len(rec), dtype=bool)
first[1:] = (rec["t"][1:] != rec["t"][:-1]) | (rec["h"][1:] != rec["h"][:-1])
rec = rec[first]
g = csr_matrix((rec["w"], (rec["t"], rec["h"])), shape=(n, n))

rows = [l.split(",") for l in (out / "queries.csv").read_text().splitlines()[1:]]
times, mismatches, ours_astar, ours_dijkstra = [], 0, [], []
for s, t, w, ta, _, td, _ in rows:
    s, t = int(s), int(t)
    t0 = time.perf_counter()
    d = dijkstra(g, directed=True, indices=s)
    times.append((time.perf_counter() - t0) * 1e6)
    theirs = d[t]
    mine = float(w)
    if not (np.isinf(theirs) and np.isinf(mine)) and abs(theirs - mine) > 1e-6 * max(1.0, abs(theirs)):
        mismatches += 1
    ours_astar.append(float(ta))
    ours_dijkstra.append(float(td))

def stats(x):
    x = np.array(x)
    return f"mean {x.mean():9.0f} us  median {np.median(x):9.0f} us  p99 {np.percentile(x, 99):9.0f} us"

print(f"graph: {n} nodes, {len(rec)} arcs; {len(rows)} queries; answers differing from scipy: {mismatches}")
print(f"scipy dijkstra (one source, all targets): {stats(times)}")
print(f"caravan A* (one source, one target):      {stats(ours_astar)}")
print(f"caravan Dijkstra (one source, one target): {stats(ours_dijkstra)}")
print(f"ratio scipy / caravan A*, medians: {np.median(times) / np.median(ours_astar):.1f}x; means: {np.mean(times) / np.mean(ours_astar):.1f}x")
