#!/usr/bin/env python3
"""Build Caravan's shipped network (data/network/) from its raw inputs.

Inputs (all pinned, see tools/requirements.txt and data/NOTICE.md):
  * PyPI scgraph-data 2.0.0: OpenStreetMap-derived world road and rail graphs (ODbL).
  * PyPI searoute 1.6.0: Eurostat MARNET sea lanes.
  * ../shared/data: Natural Earth country polygons and land boundary lines.
  * data/curated/bcps.csv: the curated border crossing points (owned by this project).

Outputs (deterministic; committed so a fresh clone never rebuilds):
  * data/network/nodes.csv.gz   id,layer,lat,lon,country
  * data/network/edges.csv.gz   from,to,class,km,bcp,geometry,km_of_record,climb_m_per_km (class: road, rail, sea,
                                caspian_ferry, inland_water; km_of_record: the km of a road edge that are a published
                                patch length; climb_m_per_km: metres up and down per km along a road edge, on the
                                coarse altitude map of PyPI pvlib)
  * data/network/BUILD_REPORT.md  counts, components, BCP snapping, dropped crossings.

Steps: clip to the region, label every node with a country, find the edges that cross a
national land border, keep only those that match a curated BCP (all other border edges are
dropped: an uncurated crossing is not routable), add a link where a curated crossing has no
edge in the graph (reported as "joined"), contract chains of degree-2 nodes into edges that
keep their geometry, and build the sea graph from MARNET.

Run:  python tools/build_network.py  (after `pip install -r tools/requirements.txt`)
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import importlib
import io
import json
import math
import sys
import types
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Point, shape
from shapely.strtree import STRtree

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"

# The land area Caravan covers (DESIGN.md: SCO members, observers, partners and their sea gates).
LAND_BBOX = (20.0, 5.0, 135.0, 60.0)  # lon_min, lat_min, lon_max, lat_max
# Sea lanes reach a little further south so that Malacca and Singapore are in.
SEA_BBOX = (20.0, -3.0, 135.0, 60.0)

# The Caspian basin: its lanes are ferry crossings with their own parameters.
CASPIAN_BBOX = (46.5, 36.4, 55.5, 47.5)

EARTH_RADIUS_KM = 6371.0088

# Natural Earth uses -99 for a few ISO codes; these are the ones that occur in the area.
A3_TO_A2_FIX = {"FRA": "FR", "NOR": "NO", "KAB": "KZ", "KAS": "IN", "CYN": "CY", "SOL": "SO"}

BCP_MATCH_KM = 40.0  # an existing border edge within this distance matches a curated BCP
# (generous: the graphs simplify long lines into straight edges that can pass 30 km off the track)
BCP_JOIN_KM = 30.0  # a synthesized BCP link may reach this far on each side
MIN_COMPONENT_FOR_JOIN = 50  # do not join a BCP to a tiny fragment of the graph
SAME_CROSSING_KM = 25.0  # border edges this close to a curated crossing are part of it
# Rail fragments of one country whose line ends lie closer than this are one line broken in
# OSM (ways not sharing a node at stations and yards). 12 km: the distribution of gaps between a
# line end and the nearest node of another fragment of the same country has its mass under
# 12 km and a long flat tail after it (BUILD_REPORT.md lists every join with its length).
HEAL_GAP_KM = 12.0
# A road fragment smaller than this (nodes, border edges included) that a city can snap to is an
# island the router cannot leave (Ganja sat on a 15-node fragment 3.9 km from the network): it is
# joined to the nearest node of a large component of its own country within HEAL_GAP_KM.
ROAD_ISLAND_NODES = 50
# A patch waypoint (a station) snaps to an existing node this close; otherwise it is a new node.
PATCH_SNAP_KM = 3.0
# Length factor of straight links the build synthesizes on rail (road: see LandLayer.synth_detour).
SYNTH_DETOUR = 1.2
# A patch section is added only where the graph has no path between its ends shorter than
# this multiple of the section's length: patches fill gaps, they never replace existing lines.
PATCH_EXISTING_FACTOR = 1.5
# Border-free road or rail pieces shorter than this, lying between two border edges, are
# slivers of a line that hugs the border (Natural Earth boundary lines cut it several times):
# they join the neighbouring country so that one passage crosses the border once.
SLIVER_KM = 25.0
# Stations (OSM railway=station) and big places keep their nearest rail node through the
# degree-2 contraction, so that routes start and end at real stations.
STATION_KEEP_KM = 2.0
# A seaport further than this from the MARNET lanes gets an approach lane to the nearest vertex.
PORT_APPROACH_KM = 2.0
# Contracted chains are split every this many km (see LandLayer.contract).
MAX_CHAIN_KM = 25.0
# Straight edges longer than this are split into equal pieces (LandLayer.subdivide_long_edges).
MAX_EDGE_KM = 20.0
# The Volga-Don basin, where MARNET's "sea" lanes are rivers and canals.
VOLGA_DON_BBOX = (36.0, 45.8, 52.0, 60.0)
INLAND_DEPTH_KM = 8.0


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def bn_radius():
    return EARTH_RADIUS_KM


def haversine_np(lat1, lon1, lats, lons):
    p1, p2 = np.radians(lat1), np.radians(lats)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def point_segment_km(lat, lon, lat1, lon1, lat2, lon2):
    """Distance from a point to a short segment, on a local equirectangular projection."""
    k = math.cos(math.radians(lat))
    ax, ay = (lon1 - lon) * k, lat1 - lat
    bx, by = (lon2 - lon) * k, lat2 - lat
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
    return math.hypot(ax + t * dx, ay + t * dy) * math.pi / 180 * EARTH_RADIUS_KM


def patch_source(p):
    """A patch's source for the build report: title, address and date, pipes escaped."""
    text = f"{p['source_title']}, {p['source_url']} ({p['source_date'] or 'undated'})"
    return text.replace("|", "/")


def in_bbox(lat, lon, bbox):
    return bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def load_scgraph(module_name):
    """scgraph-data modules import scgraph.core.GeoGraph, which newer scgraph releases moved;
    a stub keeps the pinned data package importable without the routing library."""
    stub = types.ModuleType("scgraph.core")
    stub.GeoGraph = lambda **_: None
    sys.modules.setdefault("scgraph", types.ModuleType("scgraph"))
    sys.modules["scgraph.core"] = stub
    mod = importlib.import_module(f"scgraph_data.{module_name}")
    return mod.graph, mod.nodes


class Countries:
    def __init__(self):
        with gzip.open(SHARED / "ne_50m_admin_0_countries.json.gz") as f:
            fc = json.load(f)
        self.geoms, self.codes = [], []
        for feat in fc["features"]:
            p = feat["properties"]
            a2 = p["ISO_A2"] if p["ISO_A2"] != "-99" else A3_TO_A2_FIX.get(p["ADM0_A3"])
            if not a2:
                continue
            self.geoms.append(shape(feat["geometry"]))
            self.codes.append(a2)
        self.tree = STRtree(self.geoms)
        with gzip.open(SHARED / "ne_10m_admin_0_boundary_lines_land.json.gz") as f:
            bl = json.load(f)
        a3_to_a2 = {}
        for feat in fc["features"]:
            p = feat["properties"]
            a2 = p["ISO_A2"] if p["ISO_A2"] != "-99" else A3_TO_A2_FIX.get(p["ADM0_A3"])
            if a2:
                a3_to_a2[p["ADM0_A3"]] = a2
        a3_to_a2.update(A3_TO_A2_FIX)
        self.lines, self.line_pairs = [], []
        for feat in bl["features"]:
            p = feat["properties"]
            left = a3_to_a2.get(p["adm0_a3_l"])
            right = a3_to_a2.get(p["adm0_a3_r"])
            if not left or not right or left == right:
                continue
            self.lines.append(shape(feat["geometry"]))
            self.line_pairs.append(tuple(sorted((left, right))))
        self.line_tree = STRtree(self.lines)

    def of_points(self, lats, lons):
        """Country of each point: the polygon containing it, else the nearest within ~25 km."""
        pts = shapely.points(np.asarray(lons), np.asarray(lats))
        out = np.full(len(pts), "", dtype=object)
        pi, gi = self.tree.query(pts, predicate="within")
        out[pi] = np.asarray(self.codes, dtype=object)[gi]
        missing = np.nonzero(out == "")[0]
        if len(missing):
            pi2, gi2 = self.tree.query_nearest(pts[missing], max_distance=0.25, all_matches=False)
            out[missing[pi2]] = np.asarray(self.codes, dtype=object)[gi2]
        return out


def load_stations():
    """Named railway stations of OpenStreetMap (ODbL) for 9 countries, as (lat, lon)."""
    out = []
    for f in sorted((SHARED / "rail" / "osm_overpass_njfinney" / "stations").glob("*.json.gz")):
        with gzip.open(f) as fh:
            for r in json.load(fh):
                if r.get("type") == "station" and in_bbox(r["lat"], r["lon"], LAND_BBOX):
                    out.append((r["lat"], r["lon"]))
    return out


def load_big_places():
    """Natural Earth populated places of 50,000 or more inside the area, as (lat, lon)."""
    with gzip.open(SHARED / "ne_10m_populated_places_simple.json.gz") as f:
        fc = json.load(f)
    out = []
    for feat in fc["features"]:
        p = feat["properties"]
        la, lo = p.get("latitude"), p.get("longitude")
        if la is None or lo is None:
            lo, la = feat["geometry"]["coordinates"][:2]
        if (p.get("pop_max") or 0) >= 50_000 and in_bbox(la, lo, LAND_BBOX):
            out.append((la, lo))
    return out


def read_curated_bcps(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class LandLayer:
    """One land layer (road or rail): clipped nodes, undirected edges, labels."""

    def __init__(self, name, graph, nodes, countries, report):
        self.name = name
        self.report = report
        keep = [i for i, (la, lo) in enumerate(nodes) if in_bbox(la, lo, LAND_BBOX)]
        index = {old: new for new, old in enumerate(keep)}
        self.lat = np.array([nodes[i][0] for i in keep])
        self.lon = np.array([nodes[i][1] for i in keep])
        edges = {}
        for old in keep:
            u = index[old]
            for nb, km in graph[old].items():
                v = index.get(nb)
                if v is None or v == u:
                    continue
                key = (min(u, v), max(u, v))
                if key not in edges or km < edges[key]:
                    edges[key] = km
        self.edges = edges  # (u, v) -> km ; v > u
        self.bcp_of_edge = {}  # (u, v) -> "id"
        self.unlisted_rows = []
        self.country = countries.of_points(self.lat, self.lon)
        report.append(f"- {name}: {len(keep):,} nodes and {len(edges):,} edges inside the area")

    # --- border edges -------------------------------------------------------------------
    def find_border_edges(self, countries):
        keys = list(self.edges)
        segs = shapely.linestrings(
            [[(self.lon[u], self.lat[u]), (self.lon[v], self.lat[v])] for u, v in keys]
        )
        ei, li = countries.line_tree.query(segs, predicate="intersects")
        border = {}
        for e, line in zip(ei, li):
            border.setdefault(keys[e], countries.line_pairs[line])
        return border  # (u,v) -> sorted country pair

    def smooth_countries(self, border):
        """Label each node with the majority country of its border-free component, so that
        the country changes exactly on border edges (Natural Earth 50m polygons are coarse)."""
        n = len(self.lat)
        parent = list(range(n))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for (u, v) in self.edges:
            if (u, v) in border:
                continue
            ru, rv = find(u), find(v)
            if ru != rv:
                parent[ru] = rv
        votes = collections.defaultdict(collections.Counter)
        for i in range(n):
            votes[find(i)][self.country[i]] += 1
        mixed = 0
        majority = {}
        for root, c in votes.items():
            real = {k: v for k, v in c.items() if k}
            if len([k for k, v in real.items() if v >= 3]) > 1:
                mixed += 1
            majority[root] = max(real.items(), key=lambda kv: (kv[1], kv[0]))[0] if real else ""
        relabelled = 0
        for i in range(n):
            m = majority[find(i)]
            if m and m != self.country[i]:
                relabelled += 1
                self.country[i] = m
        self.report.append(
            f"- {self.name}: {relabelled:,} nodes relabelled to their component's country; "
            f"{mixed} border-free components still span two countries (a border the "
            "boundary lines miss)"
        )

    # --- components -----------------------------------------------------------------------
    def components(self):
        n = len(self.lat)
        adj = collections.defaultdict(list)
        for (u, v) in self.edges:
            adj[u].append(v)
            adj[v].append(u)
        comp = np.full(n, -1)
        sizes = []
        for s in range(n):
            if comp[s] >= 0:
                continue
            cid = len(sizes)
            comp[s] = cid
            stack, size = [s], 0
            while stack:
                x = stack.pop()
                size += 1
                for y in adj[x]:
                    if comp[y] < 0:
                        comp[y] = cid
                        stack.append(y)
            sizes.append(size)
        return comp, sizes

    @property
    def synth_detour(self):
        """Length factor of a link this build synthesizes from a straight line (island joins,
        healed gaps, BCP joins, patch sections without a published length). Rail takes the
        stated x 1.2. Road takes 1: the loader scales every road link that is not of record by
        the fitted terrain circuity (crates/caravan-net/src/circuity.rs), which is the detour a
        straight road chord leaves out, so x 1.2 here would count it twice."""
        return 1.0 if self.name == "road" else SYNTH_DETOUR

    # --- islands ------------------------------------------------------------------------
    def join_islands(self):
        """Joins small fragments (under ROAD_ISLAND_NODES nodes, border edges included) to the
        nearest node of a large component of the same country within HEAL_GAP_KM, by one
        straight link x synth_detour (the detour factor of synthesized links). One link per island:
        it becomes a spur, so no shortcut appears inside the network it joins."""
        from scipy.spatial import cKDTree

        comp, sizes = self.components()
        used = np.array(sorted({x for k in self.edges for x in k}))
        big = used[np.array([sizes[comp[i]] >= ROAD_ISLAND_NODES for i in used], dtype=bool)]
        small = used[np.array([sizes[comp[i]] < ROAD_ISLAND_NODES for i in used], dtype=bool)]
        xyz = lambda idx: np.column_stack([
            np.cos(np.radians(self.lat[idx])) * np.cos(np.radians(self.lon[idx])),
            np.cos(np.radians(self.lat[idx])) * np.sin(np.radians(self.lon[idx])),
            np.sin(np.radians(self.lat[idx])),
        ])
        tree = cKDTree(xyz(big))
        best = {}
        for i, near in zip(small, tree.query_ball_point(xyz(small), HEAL_GAP_KM / bn_radius())):
            for jj in near:
                j = int(big[jj])
                if not self.country[i] or self.country[j] != self.country[i]:
                    continue
                d = haversine_km(self.lat[i], self.lon[i], self.lat[j], self.lon[j])
                if comp[i] not in best or d < best[comp[i]][0]:
                    best[comp[i]] = (d, int(i), j)
        for d, u, v in best.values():
            self.edges[(min(u, v), max(u, v))] = round(max(d, 0.05) * self.synth_detour, 3)
            self.of_record.pop((min(u, v), max(u, v)), None)
        n_small = len({int(comp[i]) for i in small})
        self.report.append(
            f"- {self.name}: {len(best)} of {n_small} fragments under {ROAD_ISLAND_NODES} nodes joined to a "
            f"large component of their country within {HEAL_GAP_KM:.0f} km (the rest lie further out)"
        )

    # --- gaps ---------------------------------------------------------------------------
    def heal_gaps(self):
        """Joins fragments of one country's network where a line end lies within HEAL_GAP_KM
        of another fragment: the OSM-derived graph breaks lines at stations and yards where
        ways do not share a node. Fragments are taken without border edges: a piece of the
        Kazakh network that reaches the rest only through Uzbekistan is still a broken line
        (this is what cut Shymkent-Arys from Taraz before)."""
        from scipy.spatial import cKDTree

        n = len(self.lat)
        adj = collections.defaultdict(list)
        for (u, v) in self.edges:
            if self.country[u] == self.country[v]:
                adj[u].append(v)
                adj[v].append(u)
        comp = np.full(n, -1)
        sizes = []
        for s0 in range(n):
            if comp[s0] >= 0:
                continue
            comp[s0] = len(sizes)
            stack, size = [s0], 0
            while stack:
                x = stack.pop()
                size += 1
                for y in adj[x]:
                    if comp[y] < 0:
                        comp[y] = comp[s0]
                        stack.append(y)
            sizes.append(size)
        self.report.append(
            f"- {self.name}: {sum(1 for s_ in sizes if s_ >= 2):,} fragments of two nodes or more "
            f"before joining (border edges excluded)"
        )
        degree = collections.Counter()
        for (u, v) in self.edges:
            degree[u] += 1
            degree[v] += 1
        xyz = np.column_stack([
            np.cos(np.radians(self.lat)) * np.cos(np.radians(self.lon)),
            np.cos(np.radians(self.lat)) * np.sin(np.radians(self.lon)),
            np.sin(np.radians(self.lat)),
        ])
        tree = cKDTree(xyz)
        radius = HEAL_GAP_KM / bn_radius()
        ends = [i for i in range(n) if degree[i] <= 1 and self.country[i]]
        best = {}
        for i, near in zip(ends, tree.query_ball_point(xyz[ends], radius)):
            for j in near:
                if comp[j] == comp[i] or self.country[j] != self.country[i]:
                    continue
                key = (min(comp[i], comp[j]), max(comp[i], comp[j]))
                d = haversine_km(self.lat[i], self.lon[i], self.lat[j], self.lon[j])
                if key not in best or d < best[key][0]:
                    best[key] = (d, i, j)
        parent = {}

        def find(x):
            parent.setdefault(x, x)
            while parent[x] != x:
                x = parent[x]
            return x

        joins = collections.Counter()
        hist = collections.Counter()
        for (ca, cb), (d, u, v) in sorted(best.items(), key=lambda kv: kv[1][0]):
            if find(ca) == find(cb):
                continue
            parent[find(ca)] = find(cb)
            key = (min(u, v), max(u, v))
            # The gap is bridged by a straight link x the detour factor of synthesized links
            # (stated in data/README.md).
            self.edges[key] = round(max(d, 0.05) * self.synth_detour, 3)
            joins[self.country[u]] += 1
            hist[min(int(d // 2) * 2, 10)] += 1
        self.report.append(
            f"- {self.name}: joined {sum(joins.values())} gaps under {HEAL_GAP_KM:.0f} km between a line end "
            f"and another fragment of the same country ({', '.join(f'{k} {v}' for k, v in sorted(joins.items()))}); "
            "gap lengths: " + ", ".join(f"{k}-{k + 2} km {v}" for k, v in sorted(hist.items()))
        )

    # --- patches --------------------------------------------------------------------------
    def recheck_patch_sections(self):
        """Patch sections are judged present or missing before the country labels are final.
        Smoothing and sliver joining then relabel nodes, and a road that ran inside one country
        can end up joined only through a neighbour (the all-Kyrgyz Bishkek-Osh road was joined
        only through Uzbekistan between Toktogul and Jalal-Abad and east of Jalal-Abad, so
        Bishkek-Osh crossed into Uzbekistan and back, or went through China). Each section is
        checked again over the line's own countries, on the final labels, and added where the
        graph has no path within PATCH_EXISTING_FACTOR x its length."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import dijkstra

        n = len(self.lat)
        lines = [f"\n### {self.name}: patch sections checked again on the final country labels\n",
                 "| patch | section (waypoint nodes) | km | path in its own countries before | added |",
                 "|---|---|---|---|---|"]
        mats = {}
        count = 0

        def own_path(p, a, b, limit):
            own = tuple(sorted(c.strip() for c in p["countries"].split(";")))
            if own not in mats:
                keys = [k for k in self.edges if self.country[k[0]] in own and self.country[k[1]] in own]
                u_, v_ = zip(*keys)
                w_ = [self.edges[k] for k in keys]
                mats[own] = coo_matrix((w_ + w_, (list(u_) + list(v_), list(v_) + list(u_))), shape=(n, n)).tocsr()
            return dijkstra(mats[own], indices=a, limit=limit)[b]

        # A line judged present as a whole (no section added) is checked again as a whole;
        # where it is now missing, all its sections go in. Otherwise each section whose ends
        # were graph nodes is checked again.
        by_patch = collections.defaultdict(list)
        for p, a, b, want in self.patch_sections:
            by_patch[p["id"]].append((p, a, b, want))
        todo = []
        for pid, secs in by_patch.items():
            p = secs[0][0]
            if pid in self.whole_present:
                first, last = secs[0][1], secs[-1][2]
                total = float(p["length_km"])
                if own_path(p, first, last, total * PATCH_EXISTING_FACTOR) > total * PATCH_EXISTING_FACTOR:
                    todo.extend(secs)
            else:
                todo.extend(s_ for s_ in secs if s_[1] in self.section_existing or s_[2] in self.section_existing)
        for p, a, b, want in todo:
            key = (min(a, b), max(a, b))
            if key in self.edges and p["id"] not in self.whole_present:
                continue
            have = own_path(p, a, b, want * PATCH_EXISTING_FACTOR)
            if have <= want * PATCH_EXISTING_FACTOR:
                continue
            self.edges[key] = round(max(want, 0.05), 3)
            self.mark_record(key, p)
            count += 1
            lines.append(f"| {p['id']} | {a}-{b} | {want:.0f} | {'none' if math.isinf(have) else f'{have:.0f} km'} | yes |")
        self.report.append(f"- {self.name}: {count} patch sections added after the country labels were final")
        if count:
            self.patch_lines = getattr(self, "patch_lines", []) + lines

    def mark_record(self, key, p, posted=False):
        """Notes a road patch section whose length is a published length of record (the
        patch's published total spread by chord, or its km posts), so that the road circuity
        factor, which stands for the bends the graph's straight chords leave out, is not
        applied to it again (the loader scales only `km - km_of_record`). Sections from
        chords x synth_detour are not of record and are scaled like graph chords."""
        if self.name != "road":
            return
        if posted or (p["length_km"] or "").strip():
            self.of_record[key] = self.edges[key]
        else:
            self.of_record.pop(key, None)

    def add_patches(self, patches, countries):
        """Adds the curated network patches of this layer (data/curated/network_patches.csv):
        lines through real stations with a published length. A section between two waypoints
        is added only where the graph has no path between them shorter than
        PATCH_EXISTING_FACTOR x its length, so patches fill gaps and never shadow real lines."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import dijkstra

        rows = [p for p in patches if p["mode"] == self.name]
        lines = [f"\n### {self.name}: network patches\n",
                 "| patch | status | sections added / already in the graph | km added | length basis | source |",
                 "|---|---|---|---|---|---|"]
        lat, lon = list(self.lat), list(self.lon)
        n0 = len(lat)
        keys = list(self.edges)
        if keys:
            u_, v_ = zip(*keys)
            w_ = [self.edges[k] for k in keys]
            mat = coo_matrix((w_ + w_, (list(u_) + list(v_), list(v_) + list(u_))), shape=(n0, n0)).tocsr()
        from scipy.spatial import cKDTree

        xyz = np.column_stack([
            np.cos(np.radians(self.lat)) * np.cos(np.radians(self.lon)),
            np.cos(np.radians(self.lat)) * np.sin(np.radians(self.lon)),
            np.sin(np.radians(self.lat)),
        ])
        tree = cKDTree(xyz)
        added_total = 0
        self.patch_sections = []  # (patch row, node a, node b, section km)
        self.of_record = {}  # edge -> km of it that is a published length (mark_record)
        self.whole_present = set()  # patches whose whole line the graph already had
        self.section_existing = set()  # first node of each section the graph already had
        self.records = []  # (patch id, waypoint node ids, km posts, published km): lengths of record
        for p in rows:
            status = p["status"].lower()
            if not (status.startswith("operational") or status.startswith("open")):
                lines.append(f"| {p['id']} {p['name']} | {p['status']} | not added (not in service) | - | - | {patch_source(p)} |")
                continue
            pts = []
            for wp in p["waypoints"].split(";"):
                name, coord = wp.rsplit("@", 1)
                la, lo = (float(x) for x in coord.split(","))
                pts.append((name.strip(), la, lo))
            chords = [haversine_km(a[1], a[2], b[1], b[2]) for a, b in zip(pts, pts[1:])]
            published = float(p["length_km"]) if p["length_km"].strip() else None
            # Published length spread over the sections in proportion to their chords; without
            # one, the chord x the detour factor of synthesized links.
            scale = published / sum(chords) if published and sum(chords) > 0 else self.synth_detour
            basis = (f"published {published:g} km (x{scale:.2f} of chords)" if published
                     else f"chords x {self.synth_detour:g} (no published length)")
            ids = []
            for name, la, lo in pts:
                q = np.array([math.cos(math.radians(la)) * math.cos(math.radians(lo)),
                              math.cos(math.radians(la)) * math.sin(math.radians(lo)),
                              math.sin(math.radians(la))])
                d, j = tree.query(q) if n0 else (1e9, -1)
                fresh = [k for k in range(n0, len(lat)) if haversine_km(la, lo, lat[k], lon[k]) <= PATCH_SNAP_KM]
                if d * bn_radius() <= PATCH_SNAP_KM:
                    ids.append(int(j))
                elif fresh:
                    ids.append(fresh[0])
                else:
                    lat.append(la)
                    lon.append(lo)
                    ids.append(len(lat) - 1)
            added, existing, km_added = 0, 0, 0.0
            # Km posts (optional, one per waypoint, blank where unknown) give each section its
            # own published length; without them the published total is spread by chord.
            posts = [x.strip() for x in (p.get("km_posts") or "").split(";")] if (p.get("km_posts") or "").strip() else []
            if posts and len(posts) != len(pts):
                raise SystemExit(f"{p['id']}: km_posts has {len(posts)} entries for {len(pts)} waypoints")
            if published:
                self.records.append((p["id"], ids, posts, published))
            # Every section with its length, for the check after the country labels are final
            # (recheck_patch_sections).
            for i_sec, ((a, b), chord) in enumerate(zip(zip(ids, ids[1:]), chords)):
                if a == b:
                    continue
                want = chord * max(scale, 1.0)
                if posts and posts[i_sec] and posts[i_sec + 1]:
                    want = max(abs(float(posts[i_sec + 1]) - float(posts[i_sec])), chord)
                self.patch_sections.append((p, a, b, want))
            # The whole line first, over the line's own countries only: a road that exists
            # (even if short in the graph) is not doubled by a patch; a line that only connects
            # through a third country is a real gap.
            if ids[0] < n0 and ids[-1] < n0 and published:
                own = {c.strip() for c in p["countries"].split(";")}
                if not hasattr(self, "_own_mats"):
                    self._own_mats = {}
                key_c = tuple(sorted(own))
                if key_c not in self._own_mats:
                    sel = [i for i, k in enumerate(keys) if self.country[k[0]] in own and self.country[k[1]] in own]
                    uu = [keys[i][0] for i in sel]
                    vv = [keys[i][1] for i in sel]
                    ww = [w_[i] for i in sel]
                    self._own_mats[key_c] = coo_matrix((ww + ww, (uu + vv, vv + uu)), shape=(n0, n0)).tocsr()
                whole = dijkstra(self._own_mats[key_c], indices=ids[0], limit=published * PATCH_EXISTING_FACTOR)[ids[-1]]
                if whole <= published * PATCH_EXISTING_FACTOR:
                    self.whole_present.add(p["id"])
                    lines.append(f"| {p['id']} {p['name']} | {p['status'][:40]} | 0 / whole line ({whole:.0f} km in the graph) | 0 | {basis} | {patch_source(p)} |")
                    continue
            for i_sec, ((a, b), chord) in enumerate(zip(zip(ids, ids[1:]), chords)):
                if a == b:
                    continue
                # Never shorter than the straight line (the router's A* bound relies on it): a
                # published length below the chord means the waypoints are approximate.
                want = chord * max(scale, 1.0)
                if posts and posts[i_sec] and posts[i_sec + 1]:
                    want = max(abs(float(posts[i_sec + 1]) - float(posts[i_sec])), chord)
                have = math.inf
                if a < n0 and b < n0:
                    have = dijkstra(mat, indices=a, limit=want * PATCH_EXISTING_FACTOR)[b]
                if have <= want * PATCH_EXISTING_FACTOR:
                    existing += 1
                    self.section_existing.add(a)
                    continue
                key = (min(a, b), max(a, b))
                self.edges[key] = round(max(want, 0.05), 3)
                self.mark_record(key, p, bool(posts and posts[i_sec] and posts[i_sec + 1]))
                added += 1
                km_added += want
            added_total += added
            lines.append(f"| {p['id']} {p['name']} | {p['status'][:40]} | {added} / {existing} | {km_added:.0f} | {basis} | {patch_source(p)} |")
        self.lat, self.lon = np.array(lat), np.array(lon)
        if len(lat) > n0:
            self.country = np.concatenate([self.country, countries.of_points(self.lat[n0:], self.lon[n0:])])
        self.report.append(f"- {self.name}: {added_total} patch sections added, {len(lat) - n0} new nodes")
        self.patch_lines = lines

    def stretch_patch_sections(self):
        """A patch's published length is the length of record of its line. Where the finished
        graph (raw lines, patch sections, healed gaps) joins two km posts of a patch, or the
        two ends of a patch with a published total, by a path shorter than that length, the
        path is the same line drawn as straight chords: its edges are stretched to the
        published length (an edge on two such paths takes the larger factor). Longer paths are
        left alone, and a path under half the published length is reported, not stretched
        (the waypoints would be wrong)."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import dijkstra

        n = len(self.lat)
        keys = list(self.edges)
        u_, v_ = zip(*keys)
        w_ = [self.edges[k] for k in keys]
        mat = coo_matrix((w_ + w_, (list(u_) + list(v_), list(v_) + list(u_))), shape=(n, n)).tocsr()
        factor = {}
        lines = ["\n### rail: lengths of record (patch lengths applied to the lines already in the graph)\n",
                 "| patch | from - to | published km | graph km before | stretch |", "|---|---|---|---|---|"]
        for pid, ids, posts, published in self.records:
            units = []
            if posts:
                known = [i for i, x in enumerate(posts) if x]
                units = [(ids[i], ids[j], abs(float(posts[j]) - float(posts[i]))) for i, j in zip(known, known[1:])]
            else:
                units = [(ids[0], ids[-1], published)]
            for a, b, want in units:
                if a == b or want <= 0:
                    continue
                dist, pred = dijkstra(mat, indices=a, limit=want * PATCH_EXISTING_FACTOR, return_predecessors=True)
                have = dist[b]
                if not math.isfinite(have):
                    lines.append(f"| {pid} | {a}-{b} | {want:g} | no path within {PATCH_EXISTING_FACTOR}x | - |")
                    continue
                if have >= want:
                    continue
                if have < want / 2:
                    lines.append(f"| {pid} | {a}-{b} | {want:g} | {have:.0f} | not stretched (under half) |")
                    continue
                k = want / have
                x = b
                while x != a:
                    y = int(pred[x])
                    key = (min(x, y), max(x, y))
                    factor[key] = max(factor.get(key, 1.0), k)
                    x = y
                lines.append(f"| {pid} | {a}-{b} | {want:g} | {have:.0f} | x{k:.3f} |")
        for key, k in factor.items():
            self.edges[key] = round(self.edges[key] * k, 3)
        self.report.append(f"- {self.name}: {len(factor):,} edges stretched to the published length of their patch line")
        self.patch_lines = getattr(self, "patch_lines", []) + lines

    # --- long edges -----------------------------------------------------------------------
    def subdivide_long_edges(self, countries):
        """Splits straight edges longer than MAX_EDGE_KM into equal pieces: the simplified
        graphs draw remote roads as straight chords up to ~100 km with no vertex between
        (Torugart was 80 km from any road node), and routes can only start at a node."""
        lat, lon = list(self.lat), list(self.lon)
        n0 = len(lat)
        added = 0
        # A point inserted on a chord whose two ends lie in one country takes that country: the
        # chord stands for a road or line of that country, drawn straight because the source
        # dropped its vertices, and a point-in-polygon test on it would move the road abroad
        # (the Pamir Highway Kalaikhumb-Khorog, one 110 km TJ chord across a bend of the Panj,
        # came out as 150 km in Afghanistan, entered and left through two unlisted crossings).
        inherit = {}
        for (u, v), km in list(self.edges.items()):
            chord = haversine_km(lat[u], lon[u], lat[v], lon[v])
            if chord <= MAX_EDGE_KM:
                continue
            parts = int(math.ceil(chord / MAX_EDGE_KM))
            del self.edges[(u, v)]
            rec = self.of_record.pop((u, v), 0.0)
            prev = u
            same = self.country[u] if self.country[u] and self.country[u] == self.country[v] else None
            for i in range(1, parts):
                t = i / parts
                lat.append(lat[u] + (lat[v] - lat[u]) * t)
                lon.append(lon[u] + (lon[v] - lon[u]) * t)
                cur = len(lat) - 1
                if same:
                    inherit[cur] = same
                self.edges[(min(prev, cur), max(prev, cur))] = round(km / parts, 3)
                if rec:
                    self.of_record[(min(prev, cur), max(prev, cur))] = round(rec / parts, 3)
                prev = cur
                added += 1
            self.edges[(min(prev, v), max(prev, v))] = round(km / parts, 3)
            if rec:
                self.of_record[(min(prev, v), max(prev, v))] = round(rec / parts, 3)
        self.lat, self.lon = np.array(lat), np.array(lon)
        if len(lat) > n0:
            self.country = np.concatenate([self.country, countries.of_points(self.lat[n0:], self.lon[n0:])])
            moved = 0
            for i, cc in inherit.items():
                if self.country[i] != cc:
                    moved += 1
                    self.country[i] = cc
        else:
            moved = 0
        self.report.append(f"- {self.name}: {added:,} nodes inserted to split straight edges longer than {MAX_EDGE_KM:.0f} km "
                           f"({moved:,} of them labelled with the country of both chord ends rather than the polygon they fall in)")

    # --- slivers --------------------------------------------------------------------------
    def absorb_slivers(self, border):
        """Relabels short border-free pieces that lie between border edges (a road hugging the
        border is cut several times by the boundary lines) to the neighbouring country they
        share most border edges with, so one passage crosses once. Returns the new border."""
        total = 0
        for _ in range(3):
            adj = collections.defaultdict(list)
            for (u, v) in self.edges:
                if self.country[u] == self.country[v]:
                    adj[u].append(v)
                    adj[v].append(u)
            comp = {}
            length = collections.Counter()
            touched = {x for k in self.edges for x in k}
            for s0 in sorted(touched):
                if s0 in comp:
                    continue
                comp[s0] = s0
                stack = [s0]
                while stack:
                    x = stack.pop()
                    for y in adj[x]:
                        if y not in comp:
                            comp[y] = s0
                            stack.append(y)
            for (u, v), km in self.edges.items():
                if self.country[u] == self.country[v]:
                    length[comp[u]] += km
            across = collections.defaultdict(collections.Counter)
            for (u, v) in self.edges:
                if self.country[u] != self.country[v] and self.country[u] and self.country[v]:
                    cu, cv = comp.get(u, u), comp.get(v, v)
                    across[cu][(cv, self.country[v])] += 1
                    across[cv][(cu, self.country[u])] += 1
            changed = 0
            members = collections.defaultdict(list)
            for x, c in comp.items():
                members[c].append(x)
            for c, nb in across.items():
                # a sliver: short, and reached through two border edges or more
                if length[c] >= SLIVER_KM or sum(nb.values()) < 2 or c not in members:
                    continue
                (other, country), _ = max(nb.items(), key=lambda kv: (kv[1], length[kv[0][0]]))
                if length[other] <= length[c]:
                    continue
                for x in members[c]:
                    self.country[x] = country
                changed += 1
            total += changed
            if not changed:
                break
        self.report.append(f"- {self.name}: {total} border slivers (pieces under {SLIVER_KM:.0f} km between border edges) joined to their neighbour")
        return {
            k: tuple(sorted((self.country[k[0]], self.country[k[1]])))
            for k in self.edges
            if self.country[k[0]] and self.country[k[1]] and self.country[k[0]] != self.country[k[1]]
        }

    # --- BCPs -----------------------------------------------------------------------------
    def attach_bcps(self, bcps, border):
        mode = self.name
        rows = [b for b in bcps if b["mode"] == mode]
        comp, sizes = self.components()
        used = set()
        lines = []
        # Each border edge belongs to the curated crossing of its country pair nearest to it,
        # and a crossing matches only edges it is the nearest crossing to. Matching in file
        # order with a 40 km radius let one crossing take its neighbour's edge: Yallama
        # (listed first) took the Zhibek Zholy road edge 33 km from its own point, and Zhibek
        # Zholy, 3 km from that edge, was left with a synthesized link.
        owner = {}
        for key, kpair in border.items():
            u, v = key
            near = [
                (point_segment_km(float(b["lat"]), float(b["lon"]), self.lat[u], self.lon[u], self.lat[v], self.lon[v]), b["id"])
                for b in rows
                if tuple(sorted((b["country_a"], b["country_b"]))) == kpair
            ]
            if near:
                owner[key] = min(near)[1]
        for b in rows:
            blat, blon = float(b["lat"]), float(b["lon"])
            pair = tuple(sorted((b["country_a"], b["country_b"])))
            best, best_d = None, BCP_MATCH_KM
            for key, kpair in border.items():
                if kpair != pair or key in used or owner.get(key) != b["id"]:
                    continue
                u, v = key
                d = point_segment_km(blat, blon, self.lat[u], self.lon[u], self.lat[v], self.lon[v])
                if d < best_d:
                    best, best_d = key, d
            if best is not None:
                used.add(best)
                self.bcp_of_edge[best] = b["id"]
                lines.append(f"| {b['id']} | {mode} | matched a graph edge | {best_d:.1f} |")
                continue
            # No edge of the graph crosses here: join the two national networks with a link
            # from the nearest well-connected node on each side.
            ends = []
            for cc in (b["country_a"], b["country_b"]):
                cand = np.nonzero(self.country == cc)[0]
                cand = cand[[sizes[comp[i]] >= MIN_COMPONENT_FOR_JOIN for i in cand]]
                if len(cand) == 0:
                    ends.append(None)
                    continue
                d = haversine_np(blat, blon, self.lat[cand], self.lon[cand])
                j = int(np.argmin(d))
                ends.append((int(cand[j]), float(d[j])) if d[j] <= BCP_JOIN_KM else None)
            if None in ends:
                # Last resort: a long, simplified graph edge of this pair that passes further
                # away (the OSM-derived graphs straighten remote lines, e.g. Quetta-Zahedan).
                far = [
                    (point_segment_km(blat, blon, self.lat[u], self.lon[u], self.lat[v], self.lon[v]), (u, v))
                    for (u, v), kpair in border.items()
                    if kpair == pair and (u, v) not in used and self.edges[(u, v)] > 100
                ]
                if far and min(far)[0] < 150:
                    d, key = min(far)
                    used.add(key)
                    self.bcp_of_edge[key] = b["id"]
                    lines.append(f"| {b['id']} | {mode} | matched a simplified graph edge of "
                                 f"{self.edges[key]:.0f} km | {d:.1f} |")
                    continue
                lines.append(f"| {b['id']} | {mode} | NOT ON THE NETWORK (no node within "
                             f"{BCP_JOIN_KM:.0f} km on one side) | - |")
                continue
            (u, du), (v, dv) = ends
            km = haversine_km(self.lat[u], self.lon[u], self.lat[v], self.lon[v])
            key = (min(u, v), max(u, v))
            self.edges[key] = round(km * self.synth_detour, 3)  # straight line x detour (stated)
            self.of_record.pop(key, None)
            self.bcp_of_edge[key] = b["id"]
            lines.append(f"| {b['id']} | {mode} | joined: link of {km:.1f} km between nodes "
                         f"{du:.1f} / {dv:.1f} km from the crossing | - |")
        # Every other border edge is not a curated crossing. Between two countries that have a
        # curated crossing of this mode it is kept as an "unlisted" crossing (Soviet-era lines and
        # roads cross republic borders many times; the router opens these only while a listed
        # crossing of the pair is open). Elsewhere it is dropped.
        curated_pairs = {tuple(sorted((b["country_a"], b["country_b"]))) for b in rows}
        # A second edge of the same pair near a curated crossing is a parallel track or
        # carriageway of that crossing: it belongs to it (closing the crossing closes both).
        for key, pair in sorted(border.items()):
            if key in self.bcp_of_edge:
                continue
            u, v = key
            near = [
                (point_segment_km(float(b["lat"]), float(b["lon"]), self.lat[u], self.lon[u], self.lat[v], self.lon[v]), b["id"])
                for b in rows
                if tuple(sorted((b["country_a"], b["country_b"]))) == pair
            ]
            if near and min(near)[0] <= SAME_CROSSING_KM:
                self.bcp_of_edge[key] = min(near)[1]
        dropped, unlisted = collections.Counter(), collections.Counter()
        for key, pair in sorted(border.items()):
            if key in self.bcp_of_edge:
                continue
            if pair in curated_pairs:
                unlisted[pair] += 1
                uid = f"unlisted-{pair[0]}-{pair[1]}-{mode}-{unlisted[pair]}".lower()
                self.bcp_of_edge[key] = uid
                u, v = key
                cu = self.country[u] if self.country[u] in pair else pair[0]
                self.unlisted_rows.append({
                    "id": uid, "mode": mode, "country_a": cu,
                    "country_b": pair[1] if cu == pair[0] else pair[0],
                    "lat": f"{(self.lat[u] + self.lat[v]) / 2:.4f}",
                    "lon": f"{(self.lon[u] + self.lon[v]) / 2:.4f}",
                })
            else:
                del self.edges[key]
                self.of_record.pop(key, None)
                dropped["-".join(pair)] += 1
        self.report.append(
            f"\n{mode}: kept {sum(unlisted.values())} unlisted border edges between pairs that have a "
            "curated crossing: " + ", ".join(f"{'-'.join(k)} {v}" for k, v in sorted(unlisted.items()))
        )
        self.report.append(f"\n### {mode}: curated crossings on the network\n")
        self.report.append("| bcp | mode | how | distance to graph crossing (km) |")
        self.report.append("|---|---|---|---|")
        self.report.extend(lines)
        self.report.append(
            f"\n{mode}: dropped {sum(dropped.values())} border edges that match no curated BCP: "
            + ", ".join(f"{k} {v}" for k, v in sorted(dropped.items()))
        )

    # --- contraction ----------------------------------------------------------------------
    def keep_near(self, points, max_km):
        """Marks the nearest node of this layer to each point (within max_km) as one the
        contraction keeps: stations and cities stay addressable after contraction."""
        from scipy.spatial import cKDTree

        if not points:
            return 0
        xyz = lambda la, lo: np.column_stack([
            np.cos(np.radians(la)) * np.cos(np.radians(lo)),
            np.cos(np.radians(la)) * np.sin(np.radians(lo)),
            np.sin(np.radians(la)),
        ])
        used = {x for k in self.edges for x in k}
        idx = np.array(sorted(used))
        tree = cKDTree(xyz(self.lat[idx], self.lon[idx]))
        pl = np.array([p[0] for p in points])
        po = np.array([p[1] for p in points])
        d, j = tree.query(xyz(pl, po))
        keep = {int(idx[jj]) for dd, jj in zip(d, j) if dd * bn_radius() <= max_km}
        self.keep_nodes = getattr(self, "keep_nodes", set()) | keep
        return len(keep)

    def contract(self):
        """Replace chains of degree-2 nodes by one edge that keeps the chain's geometry. Each
        edge also carries the km of it that are a published length of record (sum over the
        chain; see mark_record)."""
        of_record = getattr(self, "of_record", {})
        rec_of = lambda a, b: of_record.get((min(a, b), max(a, b)), 0.0)
        adj = collections.defaultdict(dict)
        for (u, v), km in self.edges.items():
            adj[u][v] = km
            adj[v][u] = km
        protected = set()
        for (u, v) in self.bcp_of_edge:
            protected.update((u, v))
        protected |= getattr(self, "keep_nodes", set())
        keep = {x for x in adj if len(adj[x]) != 2 or x in protected}
        # Chains longer than MAX_CHAIN_KM keep a node every MAX_CHAIN_KM, so that no place on a
        # line is more than half that from a node it can be snapped to (routes snap to nodes).
        split = set()
        for s0 in sorted(keep):
            for nb in sorted(adj[s0]):
                acc, prev, cur = adj[s0][nb], s0, nb
                steps = 0
                while cur not in keep and cur not in split and steps < 1_000_000:
                    nxt = next((x for x in adj[cur] if x != prev), None)
                    if nxt is None:
                        break
                    if acc >= MAX_CHAIN_KM:
                        split.add(cur)
                        acc = 0.0
                    acc += adj[cur][nxt]
                    prev, cur = cur, nxt
                    steps += 1
        keep |= split
        self.report.append(f"- {self.name}: {len(split):,} nodes kept to split chains longer than {MAX_CHAIN_KM:.0f} km")
        out = {}
        seen = set()
        for s in sorted(keep):
            for nb in sorted(adj[s]):
                if (s, nb) in seen:
                    continue
                path, km, prev, cur = [s], adj[s][nb], s, nb
                rec = rec_of(s, nb)
                seen.add((s, nb))
                while cur not in keep:
                    path.append(cur)
                    nxt = next(x for x in adj[cur] if x != prev)
                    km += adj[cur][nxt]
                    rec += rec_of(cur, nxt)
                    prev, cur = cur, nxt
                    if cur == s and len(path) > 2:  # a loop back to its start
                        break
                path.append(cur)
                seen.add((cur, prev))
                if cur == s:
                    continue
                a, b = path[0], path[-1]
                bcp = self.bcp_of_edge.get((min(a, b), max(a, b)), "") if len(path) == 2 else ""
                key = (a, b) if a < b else (b, a)
                geom = path[1:-1] if a < b else list(reversed(path[1:-1]))
                if key not in out or km < out[key][0]:
                    out[key] = (round(km, 3), bcp, geom, round(min(rec, km), 3))
        # Pure cycles of degree-2 nodes with no junction vanish; they carry no through route.
        kept_nodes = sorted({x for k in out for x in k})
        self.report.append(
            f"- {self.name}: contracted to {len(kept_nodes):,} nodes and {len(out):,} edges"
        )
        return kept_nodes, out


def build_sea(report, countries=None, ports=None):
    import searoute

    path = Path(searoute.__file__).parent / "data" / "marnet_searoute.geojson"
    with open(path) as f:
        fc = json.load(f)
    coords = {}
    lat, lon, passage = [], [], {}
    edges = {}

    def node(lo, la):
        key = (round(lo, 5), round(la, 5))
        if key not in coords:
            coords[key] = len(lat)
            lat.append(la)
            lon.append(lo)
        return coords[key]

    for feat in fc["features"]:
        geom = feat["geometry"]
        parts = geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]
        for p1, p2 in (pair for pts in parts for pair in zip(pts, pts[1:])):
            (lo1, la1), (lo2, la2) = p1[:2], p2[:2]
            if not (in_bbox(la1, lo1, SEA_BBOX) and in_bbox(la2, lo2, SEA_BBOX)):
                continue
            u, v = node(lo1, la1), node(lo2, la2)
            if u == v:
                continue
            km = haversine_km(la1, lo1, la2, lo2)
            key = (min(u, v), max(u, v))
            edges[key] = min(edges.get(key, km), km)
    report.append(f"- sea: {len(lat):,} MARNET vertices and {len(edges):,} segments inside the area")

    # Inland waterways: MARNET carries the Volga and the Volga-Don canal as if they were sea
    # lanes. A vertex more than INLAND_DEPTH_KM inside a land polygon of the Volga-Don basin is
    # on a river or canal; every segment touching one is `inland_water`, its own mode (a
    # navigation season, river-sea vessel limits), never sea.
    inland = set()
    if countries is not None:
        box = [i for i in range(len(lat)) if in_bbox(lat[i], lon[i], VOLGA_DON_BBOX)]
        for i in box:
            pt = Point(lon[i], lat[i])
            for gi in countries.tree.query(pt, predicate="within"):
                poly = countries.geoms[gi]
                depth_deg = poly.exterior.distance(pt) if poly.geom_type == "Polygon" else min(
                    g.exterior.distance(pt) for g in poly.geoms)
                if depth_deg * 111.0 * math.cos(math.radians(lat[i])) > INLAND_DEPTH_KM:
                    inland.add(i)
        # Grow the set along the lanes to the open water: a river vertex that is close to a
        # coast (the Volga delta) but lies between river vertices is river too.
        nbrs = collections.defaultdict(set)
        for (u, v) in edges:
            nbrs[u].add(v)
            nbrs[v].add(u)
        for _ in range(5):
            grow = {x for x in box if x not in inland and len(nbrs[x]) == 2 and nbrs[x] <= inland}
            if not grow:
                break
            inland |= grow
    n_inland_edges = sum(1 for (u, v) in edges if u in inland or v in inland)
    inland_km = sum(km for (u, v), km in edges.items() if u in inland or v in inland)
    report.append(f"- sea: {len(inland)} vertices inland (Volga, Volga-Don canal, Don); {n_inland_edges} segments "
                  f"({inland_km:,.0f} km) reclassified as inland_water")

    # Approach lanes: a seaport further than PORT_APPROACH_KM from the lanes gets a straight lane
    # (x 1.1) from the port to its nearest lane vertex (Chabahar, Jask, the Caspian berths).
    approach = []
    if ports:
        arr_lat, arr_lon = np.array(lat), np.array(lon)
        for port in ports:
            pla, plo = float(port["lat"]), float(port["lon"])
            d = haversine_np(pla, plo, arr_lat, arr_lon)
            # the nearest vertex that is not on a river
            order = [int(i) for i in np.argsort(d)[:20] if int(i) not in inland]
            if not order or d[order[0]] <= PORT_APPROACH_KM:
                continue
            j = order[0]
            u = node(plo, pla)
            km = float(d[j]) * 1.1
            edges[(min(u, j), max(u, j))] = km
            approach.append(f"{port['locode']} {port['name']} {d[j]:.0f} km")
    report.append(f"- sea: approach lanes added for {len(approach)} seaports: " + "; ".join(approach))

    class SeaLayer(LandLayer):
        def __init__(self):
            self.name = "sea"
            self.report = report
            self.lat, self.lon = np.array(lat), np.array(lon)
            self.edges = {k: round(v, 3) for k, v in edges.items()}
            self.bcp_of_edge = {}
            self.unlisted_rows = []
            self.country = np.full(len(lat), "", dtype=object)
            self.inland = inland

    return SeaLayer()


def morton(lat, lon):
    x = int((lon + 180.0) / 360.0 * 65535)
    y = int((lat + 90.0) / 180.0 * 65535)
    key = 0
    for bit in range(16):
        key |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1)
    return key


def encode_geometry(layer, ids):
    return ";".join(f"{layer.lat[i]:.5f} {layer.lon[i]:.5f}" for i in ids)


class Terrain:
    """Altitude from the coarse world map that PyPI `pvlib` ships (data/Altitude.h5: 1/12 degree
    grid, 28 m steps, aggregated by Mapzen from SRTM, GMTED2010, ETOPO1 and national DEMs).
    Too coarse for gradients, fine enough to tell a mountain road from a steppe road."""

    STEP_KM = 2.0  # sampling interval along an edge

    def __init__(self):
        import importlib.util

        import h5py

        spec = importlib.util.find_spec("pvlib")
        path = Path(spec.submodule_search_locations[0]) / "data" / "Altitude.h5"
        with h5py.File(path, "r") as f:
            raw = f["Altitude"][:]
        # pvlib's own decoding (pvlib.location.lookup_altitude): 255 is no data (sea).
        self.alt = np.where(raw == 255, 0.0, raw.astype(float) * 28.0 - 450.0)

    def at(self, lat, lon):
        """Bilinear altitude (m) at arrays of points (cell centres at 1/24 degree offsets)."""
        y = (90.0 - 1.0 / 24.0 - lat) * 12.0
        x = (lon + 180.0 - 1.0 / 24.0) * 12.0
        i = np.clip(np.floor(y).astype(int), 0, self.alt.shape[0] - 2)
        j = np.clip(np.floor(x).astype(int), 0, self.alt.shape[1] - 2)
        fy, fx = y - i, x - j
        a = self.alt
        return (a[i, j] * (1 - fx) * (1 - fy) + a[i, j + 1] * fx * (1 - fy)
                + a[i + 1, j] * (1 - fx) * fy + a[i + 1, j + 1] * fx * fy)

    def climb_per_km(self, lats, lons):
        """Metres climbed and descended per km along a polyline, sampled every STEP_KM."""
        pts_la, pts_lo, total = [lats[0]], [lons[0]], 0.0
        for k in range(1, len(lats)):
            d = haversine_km(lats[k - 1], lons[k - 1], lats[k], lons[k])
            n = max(1, int(math.ceil(d / self.STEP_KM)))
            t = np.arange(1, n + 1) / n
            pts_la.extend(lats[k - 1] + (lats[k] - lats[k - 1]) * t)
            pts_lo.extend(lons[k - 1] + (lons[k] - lons[k - 1]) * t)
            total += d
        if total <= 0:
            return 0.0
        z = self.at(np.array(pts_la), np.array(pts_lo))
        return float(np.abs(np.diff(z)).sum() / total)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "data" / "network"))
    ap.add_argument("--bcps", default=str(ROOT / "data" / "curated" / "bcps.csv"))
    ap.add_argument("--patches", default=str(ROOT / "data" / "curated" / "network_patches.csv"))
    args = ap.parse_args()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    report = ["# Network build report", "", "Generated by `tools/build_network.py`; do not edit.", ""]
    countries = Countries()
    bcps = read_curated_bcps(args.bcps)
    report.append(f"Curated BCP rows: {len(bcps)}\n")
    report.append("## Layers\n")

    patches = read_curated_bcps(args.patches)
    ports = read_curated_bcps(ROOT / "data" / "curated" / "seaports.csv")
    stations = load_stations()
    big_places = load_big_places()
    report.append(f"Network patches: {len(patches)} rows; OSM stations: {len(stations):,}; "
                  f"places kept addressable: {len(big_places):,}\n")
    layers = []
    for name, module in (("road", "world_highways"), ("rail", "world_railways")):
        g, n = load_scgraph(module)
        layer = LandLayer(name, g, n, countries, report)
        layer.add_patches(patches, countries)
        layer.subdivide_long_edges(countries)
        border = layer.find_border_edges(countries)
        report.append(f"- {name}: {len(border)} edges cross a Natural Earth land boundary")
        layer.smooth_countries(border)
        # After smoothing, a border edge is one whose ends lie in two countries; an edge that
        # meets a boundary line but keeps both ends in one country runs along the border.
        border = {
            k: tuple(sorted((layer.country[k[0]], layer.country[k[1]])))
            for k in border
            if layer.country[k[0]] and layer.country[k[1]] and layer.country[k[0]] != layer.country[k[1]]
        }
        report.append(f"- {name}: {len(border)} edges join two countries after relabelling")
        border = layer.absorb_slivers(border)
        report.append(f"- {name}: {len(border)} border edges after joining slivers")
        layer.attach_bcps(bcps, border)
        if name == "road":
            layer.recheck_patch_sections()
            layer.join_islands()
        if name == "rail":
            layer.heal_gaps()
            layer.stretch_patch_sections()
            kept = layer.keep_near(stations, STATION_KEEP_KM)
            report.append(f"- rail: {kept:,} nodes kept through contraction as the nearest node of an OSM station")
        kept = layer.keep_near(big_places, 15.0)
        report.append(f"- {name}: {kept:,} nodes kept through contraction as the nearest node of a city of 50,000 or more")
        layers.append(layer)
    layers.append(build_sea(report, countries, ports))

    for layer in layers:
        report.extend(getattr(layer, "patch_lines", []))

    # Components of the rail layer after BCP joining: the national networks and how they meet.
    rail = layers[1]
    comp, sizes = rail.components()
    big = sorted(range(len(sizes)), key=lambda c: -sizes[c])[:15]
    report.append("\n## Rail connected components (largest 15, after joining curated crossings)\n")
    report.append("| component | nodes | countries (nodes) |")
    report.append("|---|---|---|")
    for c in big:
        cc = collections.Counter(rail.country[np.nonzero(comp == c)[0]])
        report.append(f"| {c} | {sizes[c]:,} | " + ", ".join(f"{k or '?'} {v}" for k, v in cc.most_common(8)) + " |")
    report.append(f"\nTotal rail components: {len(sizes):,}; of 50 nodes or more: "
                  f"{sum(1 for s in sizes if s >= 50)}\n")

    report.append("## Contraction\n")
    node_rows, edge_rows = [], []
    terrain = Terrain()
    climbs = []
    for layer in layers:
        kept, edges = layer.contract()
        # Number nodes along a Z-order curve so that neighbours in space are neighbours in
        # memory: the router's search touches far fewer cache lines.
        kept = sorted(kept, key=lambda i: morton(layer.lat[i], layer.lon[i]))
        base = len(node_rows)
        new_id = {old: base + i for i, old in enumerate(kept)}
        for old in kept:
            node_rows.append((new_id[old], layer.name, f"{layer.lat[old]:.5f}", f"{layer.lon[old]:.5f}", layer.country[old]))
        for (u, v), (km, bcp, geom, rec) in sorted(edges.items()):
            cls = layer.name
            if cls == "sea" and (u in layer.inland or v in layer.inland):
                cls = "inland_water"
            elif cls == "sea" and all(in_bbox(layer.lat[x], layer.lon[x], CASPIAN_BBOX) for x in (u, v)):
                cls = "caspian_ferry"
            # Lengths are rounded to metres; a zero would make a free link.
            # km_of_record: the part of km that is a published road length (patches), which the
            # loader does not multiply by the road circuity factor; blank where none.
            # climb_m_per_km: the terrain along a road edge (metres up and down per km on the
            # coarse altitude map), from which the loader picks the road circuity factor.
            climb = ""
            if cls == "road":
                ids = [u, *geom, v]
                c = terrain.climb_per_km(layer.lat[ids], layer.lon[ids])
                climbs.append((c, km))
                climb = f"{c:.1f}"
            edge_rows.append((new_id[u], new_id[v], cls, f"{max(km, 0.001):.3f}", bcp, encode_geometry(layer, geom),
                              f"{rec:.3f}" if rec > 0 else "", climb))

    def write_gz(name, header, rows):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        # mtime=0 keeps the file byte-for-byte reproducible.
        with open(out_dir / name, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz:
                gz.write(buf.getvalue().encode())

    unlisted = [r for layer in layers for r in layer.unlisted_rows]
    with open(out_dir / "bcps_unlisted.csv", "w", newline="") as f:
        w = csv.DictWriter(f, ["id", "mode", "country_a", "country_b", "lat", "lon"], lineterminator="\n")
        w.writeheader()
        w.writerows(unlisted)
    write_gz("nodes.csv.gz", ("id", "layer", "lat", "lon", "country"), node_rows)
    write_gz("edges.csv.gz", ("from", "to", "class", "km", "bcp", "geometry", "km_of_record", "climb_m_per_km"),
             edge_rows)
    if climbs:
        c_arr = np.array([c for c, _ in climbs])
        km_arr = np.array([k for _, k in climbs])
        report.append(
            "\nRoad terrain (metres climbed and descended per km along each link on the pvlib 1/12-degree "
            "altitude map), km of road link by class: "
            + ", ".join(f"{lo}-{hi} m/km {km_arr[(c_arr >= lo) & (c_arr < hi)].sum():,.0f}"
                        for lo, hi in ((0, 5), (5, 10), (10, 15), (15, 25), (25, 50), (50, 10000)))
            + "\n"
        )
    report.append(f"\nTotal: {len(node_rows):,} nodes, {len(edge_rows):,} edges (two-way).\n")
    (out_dir / "BUILD_REPORT.md").write_text("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
