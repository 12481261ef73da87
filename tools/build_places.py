#!/usr/bin/env python3
"""Build data/network/places.csv.gz: the places users can name.

Sources, merged in this order (later ones add names and ids to earlier ones):
  1. Natural Earth 10m populated places inside the area (cities, with population).
  2. UN/LOCODE entries with a surveyed coordinate (geocoded=true rows are skipped: they can be
     badly wrong). A Natural Earth city takes the LOCODE of an entry of the same country and
     name within 30 km, so `UZTAS` and "Tashkent" name one place.
  3. data/curated/place_aliases.csv: alternative and former names ("Alma-Ata", "Mazar-e-Sharif").
  4. data/curated/seaports.csv, terminals.csv and bcps.csv: ports, terminals and crossings.

Only the standard library is needed. Run: python tools/build_places.py
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import json
import math
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
CURATED = ROOT / "data" / "curated"
LAND_BBOX = (20.0, 5.0, 135.0, 60.0)
MERGE_KM = 30.0


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", s)


def km(a, b, c, d):
    p1, p2 = math.radians(a), math.radians(c)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def inside(lat, lon):
    return LAND_BBOX[0] <= lon <= LAND_BBOX[2] and LAND_BBOX[1] <= lat <= LAND_BBOX[3]


def main():
    places = {}  # id -> dict
    order = []

    def add(pid, **kw):
        if pid in places:
            return places[pid]
        kw.setdefault("aliases", [])
        places[pid] = dict(id=pid, **kw)
        order.append(pid)
        return places[pid]

    # 2. UN/LOCODE, indexed by country for merging.
    locodes = {}
    with open(SHARED / "unlocode_sco_carec_region.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["geocoded"] == "true" or not r["lat"] or not r["lon"]:
                continue
            lat, lon = float(r["lat"]), float(r["lon"])
            if not inside(lat, lon):
                continue
            locodes[r["country"] + r["location"]] = dict(
                name=r["name"], alt=r["nameWoDiacritics"], country=r["country"], lat=lat, lon=lon
            )
    # Curated alternative names help match a Natural Earth city to its LOCODE entry.
    alias_names = {}
    with open(CURATED / "place_aliases.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["locode"]:
                alias_names[r["locode"]] = {norm(a) for a in r["aliases"].split("|") + [r["name"]] if a}
    by_country = {}
    for code, r in locodes.items():
        by_country.setdefault(r["country"], []).append((code, r))

    # 1. Natural Earth cities.
    with gzip.open(SHARED / "ne_10m_populated_places_simple.json.gz") as f:
        ne = json.load(f)["features"]
    used_locodes = set()
    for feat in sorted(ne, key=lambda x: -(x["properties"]["pop_max"] or 0)):
        p = feat["properties"]
        lat, lon, cc = p["latitude"], p["longitude"], p["iso_a2"]
        if not inside(lat, lon) or not cc or cc == "-99":
            continue
        name = p["nameascii"] or p["name"]
        pid = None
        for code, r in by_country.get(cc, []):
            if code in used_locodes:
                continue
            names = {norm(r["name"]), norm(r["alt"])} | alias_names.get(code, set())
            similar = max(difflib.SequenceMatcher(None, norm(name), n).ratio() for n in names)
            if norm(name) in names or norm(p["name"]) in names or similar >= 0.8:
                if km(lat, lon, r["lat"], r["lon"]) <= MERGE_KM:
                    pid = code
                    break
        if pid is None:
            # A curated alias row may carry the LOCODE whose UN/LOCODE coordinate was unusable.
            pid = next((code for code, names in sorted(alias_names.items())
                        if code[:2] == cc and code not in used_locodes and code not in locodes
                        and norm(name) in names), None)
            if pid is not None:
                used_locodes.add(pid)
        if pid is None:
            pid = f"NE-{cc}-{norm(name)[:20].upper()}"
            if pid in places:
                continue
        else:
            used_locodes.add(pid)
        aliases = [x for x in {p["name"], p.get("namealt") or ""} if x and x != name]
        add(pid, name=name, country=cc, lat=lat, lon=lon, kind="city", population=p["pop_max"] or "",
            aliases=aliases, source="Natural Earth 10m populated places" + (" + UN/LOCODE" if pid in locodes else ""))

    for code, r in sorted(locodes.items()):
        if code not in places:
            add(code, name=r["name"], country=r["country"], lat=r["lat"], lon=r["lon"], kind="locality",
                population="", aliases=[r["alt"]] if r["alt"] != r["name"] else [], source="UN/LOCODE (UNECE)")

    # 4. Seaports, terminals and BCPs.
    with open(CURATED / "seaports.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            lat, lon = float(r["lat"]), float(r["lon"])
            if r["locode"] in places:
                pl = places[r["locode"]]
                if pl["kind"] == "locality":
                    pl["kind"] = "seaport"
                if r["name"] != pl["name"]:
                    pl["aliases"].append(r["name"])
            else:
                add(r["locode"], name=r["name"], country=r["country"], lat=lat, lon=lon, kind="seaport",
                    population="", source="data/curated/seaports.csv")
    with open(CURATED / "terminals.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            add(r["id"], name=r["name"], country=r["country"], lat=float(r["lat"]), lon=float(r["lon"]),
                kind="terminal", population="", source="data/curated/terminals.csv")
    with open(CURATED / "bcps.csv", newline="", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["id"], r["mode"] != "road"))
    for r in rows:
        pid = f"BCP-{r['id']}"
        if pid in places:
            continue
        names = {r["name_a"], r["name_b"], r["name"].replace(" / ", " ")} - {"", r["name"]}
        add(pid, name=r["name"], country=r["country_a"], lat=float(r["lat"]), lon=float(r["lon"]),
            kind="border_crossing", population="", aliases=sorted(names), source="data/curated/bcps.csv")

    # 3. Aliases.
    with open(CURATED / "place_aliases.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            aliases = [a for a in r["aliases"].split("|") if a]
            target = places.get(r["locode"]) if r["locode"] else None
            if target is None and r["locode"] in locodes:
                lr = locodes[r["locode"]]
                target = add(r["locode"], name=r["name"], country=lr["country"], lat=lr["lat"], lon=lr["lon"],
                             kind="locality", population="", source="UN/LOCODE (UNECE)")
            if target is None:
                # No LOCODE: attach to a place of that country with the same name.
                key = norm(r["name"].split("(")[0])
                target = next((places[i] for i in order if places[i]["country"] == r["country"]
                               and (norm(places[i]["name"]) == key
                                    or any(norm(a) == key for a in places[i]["aliases"]))), None)
            if target is None:
                continue
            if norm(r["name"]) != norm(target["name"]):
                aliases.append(r["name"])
            target["aliases"].extend(aliases)

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "name", "aliases", "country", "lat", "lon", "kind", "population", "source"])
    for pid in order:
        p = places[pid]
        seen, aliases = {norm(p["name"])}, []
        for a in p["aliases"]:
            if a and norm(a) not in seen:
                seen.add(norm(a))
                aliases.append(a.replace("|", "/"))
        w.writerow([pid, p["name"], "|".join(aliases), p["country"], f"{p['lat']:.5f}", f"{p['lon']:.5f}",
                    p["kind"], p["population"], p["source"]])
    out = ROOT / "data" / "network" / "places.csv.gz"
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode())
    kinds = {}
    for p in places.values():
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    print(f"{len(places)} places: {kinds}")


if __name__ == "__main__":
    main()
