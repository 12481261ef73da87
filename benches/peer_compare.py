#!/usr/bin/env python3
"""Side by side on the same graph, metric and node pairs: Caravan's contraction hierarchy,
A* and Dijkstra (timed by `peer_export`), scipy's Dijkstra, fast_paths (a contraction
hierarchy, PyPI `fast-paths`) and pandana (PyPI `pandana`, a contraction hierarchy) when it
imports. Checks that every engine gives the same answer and prints the ratios.

    cargo run --release -p caravan-route --example peer_export -- bench-out 1000
    .venv-tools/bin/pip install -r benches/requirements.txt
    .venv-tools/bin/python benches/peer_compare.py bench-out

RoutingKit (PyPI `routingkit-cch`) runs twice, on its own inertial-flow order and on ours,
to compare the orders on one implementation. fast_paths, pandana and RoutingKit take integer
weights: the generalized cost (USD) is scaled by 1000
and rounded, so their answers are compared to within that rounding.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench-out")
scipy_queries = int(sys.argv[2]) if len(sys.argv) > 2 else 200
n = int((out / "nodes.txt").read_text())
rec = np.fromfile(out / "arcs.bin", dtype=np.dtype([("t", "<u4"), ("h", "<u4"), ("w", "<f8")]))
# Parallel arcs: keep the lightest (a sparse matrix would add them up); loops never help.
order = np.lexsort((rec["w"], rec["h"], rec["t"]))
rec = rec[order]
first = np.ones(len(rec), dtype=bool)
first[1:] = (rec["t"][1:] != rec["t"][:-1]) | (rec["h"][1:] != rec["h"][:-1])
rec = rec[first & (rec["t"] != rec["h"])]

rows = [l.split(",") for l in (out / "queries.csv").read_text().splitlines()[1:]]
pairs = [(int(r[0]), int(r[1])) for r in rows]
ours = np.array([float(r[2]) for r in rows])
cch_w = np.array([float(r[7]) for r in rows])
astar_us = np.array([float(r[3]) for r in rows])
dijkstra_us = np.array([float(r[5]) for r in rows])
cch_us = np.array([float(r[8]) for r in rows])


def same(a, b, tol):
    if np.isinf(a) or np.isinf(b):
        return np.isinf(a) and np.isinf(b)
    return abs(a - b) <= tol * max(1.0, abs(a))


results = {}
print(f"graph: {n} nodes, {len(rec)} arcs (parallel arcs merged); {len(pairs)} node pairs")
mism = sum(not same(a, b, 1e-9) for a, b in zip(ours, cch_w))
print(f"caravan hierarchy vs caravan A*: {mism} answers differ")
results["caravan_cch"] = np.median(cch_us)
results["caravan_astar"] = np.median(astar_us)
results["caravan_dijkstra"] = np.median(dijkstra_us)

# scipy: one source, all targets (its API); a subset of the pairs, it is slow.
g = csr_matrix((rec["w"], (rec["t"], rec["h"])), shape=(n, n))
times, mism = [], 0
for (s, t), w in list(zip(pairs, ours))[:scipy_queries]:
    t0 = time.perf_counter()
    d = dijkstra(g, directed=True, indices=s)
    times.append((time.perf_counter() - t0) * 1e6)
    mism += not same(d[t], w, 1e-6)
print(f"scipy dijkstra: {len(times)} queries, {mism} answers differ")
results["scipy_dijkstra"] = np.median(times)

try:
    import fast_paths

    SCALE = 1000.0
    ig = fast_paths.PyInputGraph()
    for t, h, w in zip(rec["t"].tolist(), rec["h"].tolist(), rec["w"].tolist()):
        ig.add_edge(t, h, int(round(w * SCALE)))
    ig.freeze()
    t0 = time.perf_counter()
    fg = fast_paths.prepare(ig)
    prep = time.perf_counter() - t0
    calc = fast_paths.create_calculator(fg)  # reuses its search memory, as ours does
    times, mism = [], 0
    for (s, t), w in zip(pairs, ours):
        t0 = time.perf_counter()
        p = calc.calc_path(fg, s, t)
        times.append((time.perf_counter() - t0) * 1e6)
        theirs = float("inf") if p is None else p.get_weight() / SCALE
        hops = 1 if p is None else max(1, len(p.get_nodes()))
        if not (np.isinf(theirs) and np.isinf(w)) and not (abs(theirs - w) <= 0.001 * hops + 1e-9 * abs(w)):
            mism += 1
    print(f"fast_paths: prepared in {prep:.1f} s; {len(times)} queries, {mism} answers differ")
    results["fast_paths"] = np.median(times)
    results["fast_paths_prepare_s"] = prep
except ImportError as e:
    print(f"fast_paths not installed ({e})")

try:
    import pandas as pd
    import pandana

    nodes = pd.DataFrame({"x": np.zeros(n), "y": np.zeros(n)})
    edges = pd.DataFrame({"from": rec["t"].astype(np.int64), "to": rec["h"].astype(np.int64), "w": rec["w"]})
    t0 = time.perf_counter()
    net = pandana.Network(nodes.x, nodes.y, edges["from"], edges["to"], edges[["w"]], twoway=False)
    prep = time.perf_counter() - t0
    src = [s for s, _ in pairs]
    dst = [t for _, t in pairs]
    t0 = time.perf_counter()
    d = net.shortest_path_lengths(src, dst, imp_name="w")
    per = (time.perf_counter() - t0) * 1e6 / len(pairs)
    # pandana keeps weights as integer thousandths (unreachable comes back as 2^32-1
    # thousandths, 4294967.295), rounded arc by arc, so a path of many arcs drifts: answers
    # are compared to 0.05% for that rounding (seen: up to 0.03% on 1,000-arc paths).
    bad = [(p, a, b) for p, a, b in zip(pairs, d, ours) if not (same(a, b, 5e-4) or (np.isinf(b) and a > 4e6))]
    mism = len(bad)
    for p, a, b in bad[:5]:
        print(f"  pandana differs on {p}: {a} vs ours {b}")
    print(f"pandana: prepared in {prep:.1f} s; {len(pairs)} queries in one call, {mism} answers differ")
    results["pandana_per_query_batch"] = per
except Exception as e:  # pandana's import needs compiled extensions; report and go on
    print(f"pandana unavailable ({type(e).__name__}: {e})")

# RoutingKit's CCH (PyPI `routingkit-cch`, C++): its own inertial-flow order and ours, both
# built, customized and queried by RoutingKit, so the orders are compared on one
# implementation. Integer weights, as for fast_paths.
try:
    import routingkit_cch as rk

    latlon = np.fromfile(out / "latlon.bin", dtype="<f8").reshape(-1, 2)
    tail = rec["t"].astype(np.uint32).tolist()
    head = rec["h"].astype(np.uint32).tolist()
    wint = np.round(rec["w"] * 1000).astype(np.int64)
    if wint.max() >= 2**31:
        raise ValueError("weights do not fit RoutingKit's 32-bit integers")
    wint = wint.tolist()
    t0 = time.perf_counter()
    rk_order = rk.compute_order_inertial(n, tail, head, latlon[:, 0].tolist(), latlon[:, 1].tolist())
    rk_order_s = time.perf_counter() - t0
    our_order = np.fromfile(out / "order.bin", dtype="<u4").tolist()
    for name, order, order_s in [("routingkit", rk_order, rk_order_s), ("routingkit_on_caravan_order", our_order, None)]:
        t0 = time.perf_counter()
        cch = rk.CCH(order, tail, head, False)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        metric = rk.CCHMetric(cch, wint)
        cust_s = time.perf_counter() - t0
        q = rk.CCHQuery(metric)
        times, mism = [], 0
        for (s, t), w in zip(pairs, ours):
            t0 = time.perf_counter()
            r = q.run(s, t)
            times.append((time.perf_counter() - t0) * 1e6)
            dist = r.distance
            del r  # the binding refuses a new query while a result is alive
            got = dist / 1000 if dist is not None and dist < 2**31 - 1 else np.inf
            mism += not same(got, w, 1e-4)
        label = f"order {order_s:.1f} s, " if order_s is not None else ""
        print(f"{name}: {label}topology {build_s:.1f} s, customization {cust_s * 1000:.0f} ms; {len(times)} queries, {mism} answers differ")
        results[name] = np.median(times)
        results[name + "_customize_s"] = cust_s
        results[name + "_build_s"] = build_s + (order_s or 0.0)
except Exception as e:  # a wheel may not exist for this platform; report and go on
    print(f"routingkit-cch unavailable ({type(e).__name__}: {e})")

print("\nmedian microseconds per point-to-point query (pandana: mean in one batch call)")
for k, v in results.items():
    if not k.endswith("_s"):
        print(f"  {k:26s} {v:10.1f}")
base = results["caravan_cch"]
print("\nratios to caravan's hierarchy (higher = caravan faster)")
for k, v in results.items():
    if not k.endswith("_s") and k != "caravan_cch":
        print(f"  {k:26s} {v / base:8.1f}x")
summary = out / "caravan.json"
if summary.exists():
    print("\ncaravan side (peer_export):")
    print(summary.read_text())
json.dump({k: float(v) for k, v in results.items()}, open(out / "peers.json", "w"), indent=1)
