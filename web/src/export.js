// Route exports (GeoJSON, GPX, CSV itinerary), the share button and the printable
// one-page route sheet. `cur` is main.js's currentRoute(): {resp, route, label, scenario}.
import { esc, fmtNum, fmtUsd, fmtDateTime } from './format.js';
import { timedRows, placeName, announce, $ } from './ui.js';
import { t } from './i18n.js';

function fileBase(cur) {
  const slug = (s) => String(s || '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `caravan-${slug(cur.resp.origin?.name)}-${slug(cur.resp.destination?.name)}${cur.scenario ? '-scenario' : cur.index ? `-alt${cur.index}` : ''}`;
}

export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  if (window.__caravan) window.__caravan.lastExport = { name, type, text };
}

/** GeoJSON: one LineString per leg, one Point per border crossing and transfer. */
export function routeGeoJson(cur) {
  const r = cur.route;
  const features = [];
  for (const leg of r.legs || []) {
    if (!leg.geometry || leg.geometry.length < 2) continue;
    features.push({
      type: 'Feature',
      properties: { kind: 'leg', mode: leg.mode, from: leg.from, to: leg.to, distance_km: leg.distance_km, hours: leg.hours, cost_usd: leg.cost_usd, co2e_kg: leg.co2e_kg },
      geometry: { type: 'LineString', coordinates: leg.geometry },
    });
  }
  for (const b of r.border_crossings || []) {
    features.push({
      type: 'Feature',
      properties: { kind: 'border_crossing', id: b.id, name: b.name, countries: b.countries, mode: b.mode, wait_hours: b.wait_hours, fee_usd: b.fee_usd, wait_source: b.wait_source, fee_source: b.fee_source, at_km: b.at_km },
      geometry: { type: 'Point', coordinates: [b.lon, b.lat] },
    });
  }
  for (const tr of r.transfers || []) {
    features.push({
      type: 'Feature',
      properties: { kind: 'transfer', at: tr.at, from_mode: tr.from_mode, to_mode: tr.to_mode, hours: tr.hours, cost_usd: tr.cost_usd, at_km: tr.at_km },
      geometry: { type: 'Point', coordinates: [tr.lon, tr.lat] },
    });
  }
  return {
    type: 'FeatureCollection',
    properties: { origin: cur.resp.origin?.name, destination: cur.resp.destination?.name, route: cur.label, summary: r.summary, link: window.location.href },
    features,
  };
}

export function downloadGeoJson(cur) {
  if (!cur) return;
  download(`${fileBase(cur)}.geojson`, 'application/geo+json', `${JSON.stringify(routeGeoJson(cur), null, 1)}\n`);
}

const xml = (s) => esc(s);

/** GPX 1.1: the route as one track (a segment per leg) and the crossings as waypoints. */
export function routeGpx(cur) {
  const r = cur.route;
  const name = `${cur.resp.origin?.name} - ${cur.resp.destination?.name} (${cur.label})`;
  const wpts = [
    ...(r.border_crossings || []).map((b) => `<wpt lat="${b.lat}" lon="${b.lon}"><name>${xml(b.name)}</name><desc>${xml(`border ${(b.countries || []).join('-')}, wait ${b.wait_hours} h, fee USD ${b.fee_usd}`)}</desc><type>border_crossing</type></wpt>`),
    ...(r.transfers || []).map((tr) => `<wpt lat="${tr.lat}" lon="${tr.lon}"><name>${xml(placeName(tr.at))}</name><desc>${xml(`${tr.kind}: ${tr.from_mode} -> ${tr.to_mode}, ${tr.hours} h`)}</desc><type>transfer</type></wpt>`),
  ];
  const segs = (r.legs || [])
    .filter((l) => l.geometry && l.geometry.length > 1)
    .map((l) => `<trkseg>${l.geometry.map(([lon, lat]) => `<trkpt lat="${lat}" lon="${lon}"/>`).join('')}</trkseg>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Caravan" xmlns="http://www.topografix.com/GPX/1/1">
<metadata><name>${xml(name)}</name></metadata>
${wpts.join('\n')}
<trk><name>${xml(name)}</name>${segs.join('')}</trk>
</gpx>
`;
}

export function downloadGpx(cur) {
  if (!cur) return;
  download(`${fileBase(cur)}.gpx`, 'application/gpx+xml', routeGpx(cur));
}

export const csvCell = (v) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The itinerary as CSV (plain numbers, dot decimals, ISO times). */
export function routeCsv(cur, dep) {
  const rows = timedRows(cur.route, dep);
  const head = ['step', 'kind', 'description', 'mode', 'km', 'hours', 'usd', 'cum_km', 'cum_hours', 'arrival'];
  const lines = [head.join(',')];
  rows.forEach((r, i) => {
    lines.push([i + 1, r.kind, r.step, r.mode, r.km === null ? '' : Math.round(r.km * 10) / 10, r.hours, r.usd, Math.round(r.at * 10) / 10, Math.round(r.cumHours * 100) / 100, r.arrival === null ? '' : new Date(r.arrival).toISOString()].map(csvCell).join(','));
  });
  return `${lines.join('\n')}\n`;
}

export function downloadCsv(cur, dep) {
  if (!cur) return;
  download(`${fileBase(cur)}.csv`, 'text/csv', routeCsv(cur, dep));
}

/** Share the link: the system share sheet where there is one, else the clipboard. */
export async function share() {
  const url = window.location.href;
  const status = $('#share-status');
  const say = (msg) => {
    status.textContent = msg;
    status.hidden = false;
    announce(msg);
  };
  try {
    if (navigator.share && window.matchMedia('(pointer: coarse)').matches) {
      await navigator.share({ title: document.title, url });
      return;
    }
    await navigator.clipboard.writeText(url);
    say(t('Link copied to the clipboard.'));
  } catch {
    say(`${t('Copy this link:')} ${url}`);
  }
  if (window.__caravan) window.__caravan.shared = url;
}

/** Fill the print-only route sheet: map picture, summary, itinerary, profile, costs, sources. */
export function preparePrint(cur, mapImage) {
  const sheet = $('#print-sheet');
  if (!cur) {
    sheet.innerHTML = '';
    return;
  }
  const r = cur.route;
  const s = r.summary || {};
  const dep = new URLSearchParams(window.location.search).get('dep');
  const rows = timedRows(r, dep);
  const sources = [...new Set([
    ...(r.border_crossings || []).flatMap((b) => [b.wait_source, b.fee_source]),
    ...(r.transfers || []).map((tr) => tr.source),
  ].filter(Boolean))];
  const profiles = [...document.querySelectorAll('#profile-pane svg')];
  const cost = document.querySelector('#cost-result:not([hidden]) [data-testid=cost-total]');
  sheet.innerHTML = `
    <h1>Caravan: ${esc(placeName(cur.resp.origin?.name))} \u2192 ${esc(placeName(cur.resp.destination?.name))}</h1>
    <p class="ps-sub">${esc(cur.label)} &middot; ${esc((s.modes || []).join(', '))} &middot; ${fmtNum(s.distance_km, 0)} km &middot; ${fmtNum(s.days, 1)} d (${fmtNum(s.hours, 1)} h) &middot; ${fmtUsd(s.cost_usd)} &middot; CO2e ${fmtNum(s.co2e_kg, 0)} kg${dep ? ` &middot; ${esc(t('Departure'))} ${esc(fmtDateTime(new Date(dep).getTime()))}` : ''}</p>
    ${mapImage ? `<img class="ps-map" alt="Map of the route" src="${mapImage}" />` : ''}
    <table class="ps-it"><thead><tr><th>#</th><th>${esc(t('Step'))}</th><th>${esc(t('Mode'))}</th><th>km</th><th>h</th><th>USD</th><th>${esc(t('Arrival'))}</th></tr></thead><tbody>
    ${rows.map((x, i) => `<tr><td>${i + 1}</td><td>${esc(x.step)}</td><td>${esc(x.mode)}</td><td>${x.km === null ? '' : fmtNum(x.km, 0)}</td><td>${fmtNum(x.hours, 1)}</td><td>${fmtNum(x.usd, 0)}</td><td>${x.arrival === null ? `${fmtNum(x.cumHours, 1)} h` : esc(fmtDateTime(x.arrival))}</td></tr>`).join('')}
    </tbody></table>
    <div class="ps-row">${profiles.map((p) => `<div class="ps-profile">${p.outerHTML}</div>`).join('')}${cost ? `<div class="ps-cost">${cost.outerHTML}</div>` : ''}</div>
    <ol class="ps-src">${sources.map((x) => `<li>${esc(x)}</li>`).join('')}</ol>
    <p class="ps-link">${esc(window.location.href)}</p>`;
}
