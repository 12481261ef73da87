// Derives web/src/cities.json (the map's offline city labels) from the network's place list
// data/network/places.csv.gz (Natural Earth 10m populated places + UN/LOCODE; see
// data/README.md): the most populous cities, name, country, lat, lon, population.
//   node web/scripts/make-cities.mjs [count]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const count = Number(process.argv[2] || 400);

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

const rows = parseCsv(zlib.gunzipSync(fs.readFileSync(path.join(repo, 'data/network/places.csv.gz'))).toString('utf8'));
const head = rows.shift();
const col = Object.fromEntries(head.map((h, i) => [h, i]));
const cities = rows
  .filter((r) => r[col.kind] === 'city' && Number(r[col.population]) > 0)
  .map((r) => ({
    n: r[col.name],
    c: r[col.country],
    lat: Math.round(Number(r[col.lat]) * 1000) / 1000,
    lon: Math.round(Number(r[col.lon]) * 1000) / 1000,
    p: Number(r[col.population]),
  }))
  .filter((c) => Number.isFinite(c.lat) && Number.isFinite(c.lon))
  .sort((a, b) => b.p - a.p || a.n.localeCompare(b.n))
  .slice(0, count);
const out = {
  source: 'data/network/places.csv.gz (Natural Earth 10m populated places, public domain; UN/LOCODE), derived by web/scripts/make-cities.mjs',
  cities,
};
fs.writeFileSync(path.join(repo, 'web/src/cities.json'), `${JSON.stringify(out)}\n`);
console.log(`wrote ${cities.length} cities to web/src/cities.json`);
