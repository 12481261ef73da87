// The map: an offline MapLibre style built in code (sea background + Natural Earth
// countries from world-atlas), route lines coloured by mode, a circle layer of every
// border crossing, HTML markers for the selected route's crossings and transfers, and
// country / city names drawn on a 2D canvas over the map (MapLibre's own text layers
// need a glyph server; this UI must load nothing from the internet).
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The worker is inlined as a string and started from a blob: URL, which keeps the
// build to one JS file and avoids MapLibre's default worker URL lookup.
import workerSource from 'maplibre-gl/dist/maplibre-gl-worker.mjs?raw';
import countriesUrl from 'world-atlas/countries-50m.json?url';
import { feature } from 'topojson-client';
import citiesData from './cities.json';
import { esc, fmtNum, fmtUsd, isCoordName } from './format.js';
import { t, lang } from './i18n.js';

// Line colours; also chip backgrounds under white text, so each has >= 4.5:1 contrast
// with white (WCAG AA). Legs of the Caspian ferries say `caspian_ferry`.
export const MODE_COLORS = {
  road: '#c2410c',
  rail: '#1d4ed8',
  sea: '#0f766e',
  caspian_ferry: '#7e22ce',
};
/** CSS class carrying a mode's colour as --c (see style.css; no inline styles, for a strict CSP). */
export const modeClass = (m) => (MODE_COLORS[m] ? `m-${m}` : String(m).includes('ferry') ? 'm-caspian_ferry' : 'm-other');
export const modeColor = (m) => MODE_COLORS[m] || (String(m).includes('ferry') ? MODE_COLORS.caspian_ferry : OTHER_COLOR);
export const SCENARIO_COLOR = '#1b1b1b';
const OTHER_COLOR = '#5f6368';
// All-crossings layer: class -> colour.
export const BCP_CLASS_COLORS = { fast: '#15803d', mid: '#b45309', slow: '#b91c1c', closed: '#111111', unknown: '#6b7280' };

const modeColorExpr = ['match', ['get', 'mode'], ...Object.entries(MODE_COLORS).flat(), 'ferry', MODE_COLORS.caspian_ferry, OTHER_COLOR];
const EMPTY = { type: 'FeatureCollection', features: [] };

let map;
let handlers = {};
let markers = [];
let endpointMarkers = { origin: null, destination: null };
let scenarioMarkers = [];
let popup = null;
let selectedIndex = 0;
let bcpCatalogById = new Map();

function setupWorker() {
  const src = workerSource.replace(/\/\/# sourceMappingURL=.*$/m, '');
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  maplibregl.setWorkerUrl(url);
}

function baseStyle() {
  return {
    version: 8,
    sources: {
      countries: { type: 'geojson', data: EMPTY, attribution: 'Natural Earth' },
      routes: { type: 'geojson', data: EMPTY },
      scenario: { type: 'geojson', data: EMPTY },
      bcps: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#cfe1ec' } },
      { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#f3efe6', 'fill-outline-color': '#f3efe6' } },
      { id: 'borders', type: 'line', source: 'countries', paint: { 'line-color': '#9d9486', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 7, 1.4] } },
      {
        id: 'bcps-all', type: 'circle', source: 'bcps',
        paint: {
          'circle-color': ['match', ['get', 'cls'], ...Object.entries(BCP_CLASS_COLORS).flat(), '#6b7280'],
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 2, 2.5, 6, 5],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1,
          'circle-opacity': 0.85,
        },
      },
      {
        id: 'routes-alt', type: 'line', source: 'routes', filter: ['==', ['get', 'sel'], false],
        layout: { 'line-cap': 'butt', 'line-join': 'round' },
        paint: { 'line-color': modeColorExpr, 'line-width': 3, 'line-opacity': 0.8, 'line-dasharray': [2, 1.5] },
      },
      {
        id: 'routes-sel-casing', type: 'line', source: 'routes', filter: ['==', ['get', 'sel'], true],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#ffffff', 'line-width': 9 },
      },
      {
        id: 'routes-sel', type: 'line', source: 'routes', filter: ['==', ['get', 'sel'], true],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': modeColorExpr, 'line-width': 5 },
      },
      {
        id: 'scenario-casing', type: 'line', source: 'scenario',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#ffd23f', 'line-width': 9, 'line-opacity': 0.85 },
      },
      {
        id: 'scenario-line', type: 'line', source: 'scenario',
        layout: { 'line-join': 'round' },
        paint: { 'line-color': SCENARIO_COLOR, 'line-width': 3.5, 'line-dasharray': [2, 1] },
      },
      // Wide invisible line on top so thin alternatives are easy to click.
      { id: 'routes-hit', type: 'line', source: 'routes', paint: { 'line-color': '#000', 'line-opacity': 0, 'line-width': 14 } },
    ],
  };
}

/**
 * Create the map. handlers: onClick(lngLat) for clicks on empty map, onSelectRoute(index)
 * for clicks on another route's line, isPicking(), bcpState(b) -> {closedData, closed,
 * reopened, avoided}, onBcpAction(b, action) for the popup buttons ('close' | 'reopen' | 'avoid').
 * Resolves once the style and the country shapes are loaded.
 */
export async function initMap(container, h) {
  handlers = h;
  setupWorker();
  map = new maplibregl.Map({
    container,
    style: baseStyle(),
    center: [65, 38],
    zoom: 3.3,
    minZoom: 1,
    maxZoom: 12,
    attributionControl: { compact: true },
    renderWorldCopies: false,
    // Kept so the printed route sheet can take a picture of the map.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');

  const countriesP = fetch(countriesUrl)
    .then((r) => {
      if (!r.ok) throw new Error(`country shapes: HTTP ${r.status}`);
      return r.json();
    })
    .then((topo) => feature(topo, topo.objects.countries));
  const loadedP = new Promise((resolve, reject) => {
    map.once('load', resolve);
    map.once('error', (e) => reject(e.error || new Error('map error')));
  });
  const [countries] = await Promise.all([countriesP, loadedP]);
  map.getSource('countries').setData(countries);
  setupLabels(countries);

  for (const layer of ['routes-hit', 'bcps-all']) {
    map.on('mousemove', layer, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
  }
  map.on('click', (e) => {
    // Clicks on a marker or inside a popup are theirs: re-selecting the route here would
    // redraw (remove) the very marker whose popup MapLibre is opening.
    const target = e.originalEvent && e.originalEvent.target;
    if (target && target.closest && target.closest('.maplibregl-marker, .maplibregl-popup')) return;
    if (handlers.isPicking()) {
      handlers.onClick(e.lngLat);
      return;
    }
    const bcp = map.queryRenderedFeatures(e.point, { layers: ['bcps-all'] });
    if (bcp.length) {
      const b = bcpCatalogById.get(bcp[0].properties.id);
      if (b) openBcpPopup(b, { catalog: true });
      return;
    }
    const hit = map.queryRenderedFeatures(e.point, { layers: ['routes-hit'] });
    if (hit.length) {
      // Only another route's line changes the selection.
      const alt = hit.find((f) => Number(f.properties.ri) !== selectedIndex);
      if (alt) handlers.onSelectRoute(Number(alt.properties.ri));
      return;
    }
    handlers.onClick(e.lngLat);
  });
  return map;
}

export const getMap = () => map;

/* ---------- labels (canvas) ---------- */

// ISO 3166 numeric (world-atlas ids) -> alpha-2, for localized country names.
const ISO_NUM = {
  860: 'UZ', 398: 'KZ', 417: 'KG', 762: 'TJ', 795: 'TM', 4: 'AF', 586: 'PK', 364: 'IR', 156: 'CN', 643: 'RU', 356: 'IN',
  496: 'MN', 31: 'AZ', 268: 'GE', 51: 'AM', 792: 'TR', 50: 'BD', 524: 'NP', 64: 'BT', 144: 'LK', 104: 'MM', 368: 'IQ',
  760: 'SY', 682: 'SA', 784: 'AE', 512: 'OM', 414: 'KW', 634: 'QA', 48: 'BH', 804: 'UA', 112: 'BY', 818: 'EG', 400: 'JO',
  376: 'IL', 422: 'LB', 887: 'YE', 408: 'KP', 410: 'KR', 392: 'JP', 642: 'RO', 100: 'BG', 300: 'GR', 616: 'PL', 246: 'FI',
  578: 'NO', 752: 'SE', 276: 'DE', 428: 'LV', 440: 'LT', 233: 'EE', 498: 'MD', 764: 'TH', 418: 'LA', 704: 'VN', 116: 'KH',
  458: 'MY', 462: 'MV', 196: 'CY',
};
let regionNames = null;
try {
  regionNames = new Intl.DisplayNames([lang], { type: 'region' });
} catch {
  regionNames = null;
}

const labels = { countries: [], cities: [], canvas: null, visible: true, drawn: 0, frame: 0 };

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(a / 2);
}

function ringCentroid(ring) {
  let x = 0;
  let y = 0;
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    x += (ring[j][0] + ring[i][0]) * f;
    y += (ring[j][1] + ring[i][1]) * f;
    a += f;
  }
  return a ? [x / (3 * a), y / (3 * a)] : ring[0];
}

function setupLabels(countries) {
  for (const f of countries.features) {
    const g = f.geometry;
    if (!g) continue;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    let best = null;
    let area = 0;
    for (const p of polys) {
      const a = ringArea(p[0]);
      if (a > area) (area = a), (best = p[0]);
    }
    if (!best || area < 0.5) continue;
    const iso = ISO_NUM[Number(f.id)];
    let name = f.properties && f.properties.name;
    if (iso && regionNames && lang !== 'en') name = regionNames.of(iso) || name;
    // Anchors: Russia's centroid is deep in Siberia; keep it near the region shown.
    const at = iso === 'RU' ? [60, 56] : ringCentroid(best);
    labels.countries.push({ name, at, area });
  }
  labels.countries.sort((a, b) => b.area - a.area);
  labels.cities = citiesData.cities;
  const c = document.createElement('canvas');
  c.className = 'label-layer';
  c.setAttribute('aria-hidden', 'true');
  c.dataset.testid = 'label-layer';
  const container = map.getCanvasContainer();
  container.insertBefore(c, map.getCanvas().nextSibling);
  labels.canvas = c;
  const schedule = () => {
    if (labels.frame) return;
    labels.frame = requestAnimationFrame(() => {
      labels.frame = 0;
      drawLabels();
    });
  };
  map.on('move', schedule);
  map.on('resize', schedule);
  drawLabels();
}

function drawLabels() {
  const c = labels.canvas;
  if (!c) return;
  const w = map.getCanvas().clientWidth;
  const h = map.getCanvas().clientHeight;
  const dpr = window.devicePixelRatio || 1;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
  }
  const ctx = c.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  labels.drawn = 0;
  if (!labels.visible) return;
  const z = map.getZoom();
  const boxes = [];
  const free = (b) => !boxes.some((o) => b.x < o.x + o.w && b.x + b.w > o.x && b.y < o.y + o.h && b.y + b.h > o.y);
  const text = (s, x, y, font, fill, halo) => {
    ctx.font = font;
    ctx.lineWidth = 3;
    ctx.strokeStyle = halo;
    ctx.lineJoin = 'round';
    ctx.strokeText(s, x, y);
    ctx.fillStyle = fill;
    ctx.fillText(s, x, y);
  };
  ctx.textBaseline = 'middle';
  // Cities first (they are what users pick), more of them as the map zooms in.
  const nCities = z < 3 ? 25 : z < 4 ? 70 : z < 5 ? 160 : z < 6 ? 280 : labels.cities.length;
  const cityFont = '12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  ctx.font = cityFont;
  for (let i = 0; i < nCities && i < labels.cities.length; i++) {
    const city = labels.cities[i];
    const p = map.project([city.lon, city.lat]);
    if (p.x < -50 || p.y < -20 || p.x > w + 50 || p.y > h + 20) continue;
    const tw = ctx.measureText(city.n).width;
    const box = { x: p.x - 3, y: p.y - 8, w: tw + 10, h: 16 };
    if (!free(box)) continue;
    boxes.push(box);
    ctx.fillStyle = '#3d4650';
    ctx.beginPath();
    ctx.arc(p.x, p.y, 2.5, 0, Math.PI * 2);
    ctx.fill();
    ctx.textAlign = 'left';
    text(city.n, p.x + 5, p.y, cityFont, '#1f262e', 'rgba(255,255,255,0.9)');
    labels.drawn++;
  }
  const countryFont = `600 ${z < 3 ? 11 : 13}px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif`;
  ctx.font = countryFont;
  ctx.textAlign = 'center';
  for (const k of labels.countries) {
    // Small countries only when zoomed in.
    if (k.area < 40 / 2 ** z) continue;
    const p = map.project(k.at);
    if (p.x < 0 || p.y < 0 || p.x > w || p.y > h) continue;
    const s = k.name.toUpperCase();
    const tw = ctx.measureText(s).width;
    const box = { x: p.x - tw / 2 - 2, y: p.y - 9, w: tw + 4, h: 18 };
    if (!free(box)) continue;
    boxes.push(box);
    text(s, p.x, p.y, countryFont, '#6e6253', 'rgba(243,239,230,0.9)');
    labels.drawn++;
  }
}

export function setLabelsVisible(on) {
  labels.visible = on;
  drawLabels();
}
export const labelStats = () => ({ drawn: labels.drawn, countries: labels.countries.length, cities: labels.cities.length });

/** One picture of the map with its labels (for the printed route sheet), or null. */
export function snapshot() {
  if (!map) return null;
  try {
    const gl = map.getCanvas();
    const out = document.createElement('canvas');
    out.width = gl.width;
    out.height = gl.height;
    const ctx = out.getContext('2d');
    ctx.drawImage(gl, 0, 0);
    if (labels.canvas) ctx.drawImage(labels.canvas, 0, 0, out.width, out.height);
    // The HTML markers are not in the canvases: draw the crossings and the two ends.
    const k = out.width / gl.clientWidth;
    const dot = (lngLat, fill, stroke, diamond) => {
      const p = map.project(lngLat);
      ctx.save();
      ctx.translate(p.x * k, p.y * k);
      if (diamond) ctx.rotate(Math.PI / 4);
      ctx.fillStyle = fill;
      ctx.strokeStyle = stroke;
      ctx.lineWidth = 2 * k;
      ctx.beginPath();
      if (diamond) ctx.rect(-6 * k, -6 * k, 12 * k, 12 * k);
      else ctx.arc(0, 0, 7 * k, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
      ctx.restore();
    };
    for (const m of markers) if (m.getElement().dataset.testid === 'bcp-marker') dot(m.getLngLat(), '#f5a300', '#5a3b00', true);
    for (const m of scenarioMarkers) dot(m.getLngLat(), '#1b1b1b', '#ffd23f', true);
    if (endpointMarkers.origin) dot(endpointMarkers.origin.getLngLat(), '#1f8a3b', '#fff', false);
    if (endpointMarkers.destination) dot(endpointMarkers.destination.getLngLat(), '#c62828', '#fff', false);
    return out.toDataURL('image/png');
  } catch {
    return null;
  }
}

/** Nearest labelled city to [lon, lat] within maxKm, or null (names nodes without one). */
export function nearestCity(lon, lat, maxKm = 150) {
  let best = null;
  let bestD = Infinity;
  const k = Math.cos((lat * Math.PI) / 180);
  for (const c of citiesData.cities) {
    const d = Math.hypot((c.lon - lon) * k, c.lat - lat) * 111.2;
    if (d < bestD) (bestD = d), (best = c);
  }
  return best && bestD <= maxKm ? { name: best.n, country: best.c, km: bestD } : null;
}

const COORD_IN_TEXT = /(-?\d{1,3}\.\d+),\s?(-?\d{1,3}\.\d+)/g;

/** A readable name for a network node: "lat,lon" names become "near <city>" or degrees. */
export function placeName(name) {
  if (!isCoordName(name)) return name;
  return String(name).replace(COORD_IN_TEXT, (m, a, b) => coordLabel(Number(a), Number(b)));
}

function coordLabel(lat, lon) {
  const c = nearestCity(lon, lat);
  const deg = `${Math.abs(lat).toFixed(1)}\u00b0${lat >= 0 ? 'N' : 'S'} ${Math.abs(lon).toFixed(1)}\u00b0${lon >= 0 ? 'E' : 'W'}`;
  return c ? t('near {name} ({country})', { name: c.name, country: c.country }) : t('point {deg}', { deg });
}

/** Replace "lat,lon" inside a sentence (e.g. an alternative's explanation). */
export const namesInText = (s) => String(s ?? '').replace(COORD_IN_TEXT, (m, a, b) => coordLabel(Number(a), Number(b)));

/* ---------- routes ---------- */

function routeFeatures(routes, selected) {
  const features = [];
  routes.forEach((r, ri) => {
    (r.legs || []).forEach((leg, li) => {
      if (!leg.geometry || leg.geometry.length < 2) return;
      features.push({
        type: 'Feature',
        properties: { ri, li, mode: leg.mode, sel: ri === selected },
        geometry: { type: 'LineString', coordinates: leg.geometry },
      });
    });
  });
  return { type: 'FeatureCollection', features };
}

/** Draw all routes of a response; `selected` is bold, the rest thin and dashed. */
export function drawRoutes(routes, selected) {
  if (!map) return 0;
  selectedIndex = selected;
  const fc = routeFeatures(routes || [], selected);
  map.getSource('routes').setData(fc);
  return fc.features.length;
}

export function drawScenarioRoute(route) {
  if (!map) return 0;
  const fc = route ? routeFeatures([route], -1) : EMPTY;
  map.getSource('scenario').setData(fc);
  clearMarkers(scenarioMarkers);
  scenarioMarkers = [];
  if (route) {
    for (const b of route.border_crossings || []) scenarioMarkers.push(bcpMarker(b, { scenario: true }));
  }
  return fc.features.length;
}

function clearMarkers(list) {
  for (const m of list) m.remove();
}

/* ---------- popups ---------- */

const STATUS_WORD = { open: 'open', closed: 'closed', restricted: 'restricted', opened_by_scenario: 'closed' };

function bcpPopupHtml(b, { scenario = false, catalog = false } = {}) {
  const countries = (b.countries || []).join(' \u2192 ');
  const closedInData = b.status === 'closed' || b.status === 'opened_by_scenario';
  const st = handlers.bcpState ? handlers.bcpState(b) : { closed: b.status === 'closed', closedData: closedInData };
  const status = t(STATUS_WORD[b.status] || b.status || '?');
  let scnNote = '';
  if (st.reopened) scnNote = t('reopened in this scenario');
  else if (st.closed && !st.closedData) scnNote = t('closed in this scenario');
  else if (st.closedData) scnNote = t('closed in the data');
  const wait = Array.isArray(b.wait_hours) ? b.wait_hours[0] : b.wait_hours;
  const sources = [b.wait_source, b.fee_source, b.status_source, b.source].filter((s, i, a) => s && a.indexOf(s) === i);
  const src = sources.map((s) => `<div class="pp-src">${esc(t('Source'))}: ${esc(s)}</div>`).join('');
  const action = st.closed ? 'reopen' : 'close';
  return `<div class="pp" data-testid="bcp-popup" data-bcp="${esc(b.id)}">
    <div class="pp-title">${esc(b.name)}</div>
    <div class="pp-sub">${esc(countries)} &middot; ${esc(b.mode)}${b.listed === false ? ' &middot; unlisted' : ''}${b.gauge_change ? ` &middot; ${esc(t(', gauge change').slice(2))}` : ''}</div>
    <table>
      <tr><th>${esc(t('Status'))}</th><td colspan="2" data-testid="bcp-popup-status" class="st-${esc(b.status || '')}">${esc(status)}${scnNote ? ` <span class="pp-scn">(${esc(scnNote)})</span>` : ''}</td></tr>
      <tr><th>${esc(t('Wait'))}</th><td data-testid="bcp-popup-wait">${fmtNum(wait, 1)} h</td><td class="basis">${esc(b.wait_basis || '')}</td></tr>
      <tr><th>${esc(t('Fee'))}</th><td data-testid="bcp-popup-fee">${fmtUsd(b.fee_usd)}</td><td class="basis">${esc(b.fee_basis || '')}</td></tr>
      ${Number.isFinite(b.at_km) && !catalog ? `<tr><th>${esc(t('At'))}</th><td colspan="2">${fmtNum(b.at_km, 0)} km</td></tr>` : ''}
    </table>${src}${scenario ? `<div class="pp-note">${esc(t('on the scenario route'))}</div>` : ''}
    <div class="pp-actions">
      <button type="button" class="secondary" data-action="${action}" data-testid="bcp-popup-${action}">${esc(t(action === 'close' ? 'Close in scenario' : 'Reopen in scenario'))}</button>
      <button type="button" class="secondary" data-action="avoid" data-testid="bcp-popup-avoid"${st.avoided ? ' disabled' : ''}>${esc(t('Avoid on routes'))}</button>
    </div></div>`;
}

/** Open the one popup at `lngLat` with `html`; wires the action buttons. */
function openPopup(lngLat, html, b) {
  if (popup) popup.remove();
  popup = new maplibregl.Popup({ offset: 12, maxWidth: '320px', focusAfterOpen: true, closeButton: true })
    .setLngLat(lngLat)
    .setHTML(html)
    .addTo(map);
  const el = popup.getElement();
  const close = el.querySelector('.maplibregl-popup-close-button');
  if (close) close.setAttribute('aria-label', t('Close popup'));
  if (b) {
    for (const btn of el.querySelectorAll('button[data-action]')) {
      btn.addEventListener('click', () => {
        const action = btn.dataset.action;
        if (popup) popup.remove();
        handlers.onBcpAction(b, action);
      });
    }
  }
  // Escape closes it and gives the focus back to the map.
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && popup) popup.remove();
  });
  return popup;
}

export function openBcpPopup(b, opts = {}) {
  if (!map || !Number.isFinite(b.lon) || !Number.isFinite(b.lat)) return null;
  return openPopup([b.lon, b.lat], bcpPopupHtml(b, opts), b);
}

export const closePopup = () => popup && popup.remove();

/** Make an HTML marker element a button: accessible name, focusable, Enter/Space/click open. */
function asButton(el, label, open) {
  el.setAttribute('role', 'button');
  el.setAttribute('tabindex', '0');
  el.setAttribute('aria-label', label);
  el.title = label;
  el.addEventListener('click', (e) => {
    e.stopPropagation();
    open();
  });
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      open();
    }
  });
}

function bcpMarker(b, { scenario = false } = {}) {
  // MapLibre positions the marker element with an inline transform, so the diamond
  // rotation lives on an inner element.
  const el = document.createElement('div');
  el.className = 'bcp-marker-wrap';
  const diamond = document.createElement('div');
  diamond.className = `bcp-marker${scenario ? ' scenario' : ''}${b.listed === false ? ' unlisted' : ''}`;
  el.appendChild(diamond);
  el.dataset.testid = scenario ? 'scenario-bcp-marker' : 'bcp-marker';
  el.dataset.bcp = b.id;
  const label = t('Border crossing {name}, {countries}, wait {wait} h, fee {fee}', {
    name: b.name, countries: (b.countries || []).join(' \u2192 '), wait: fmtNum(b.wait_hours, 1), fee: fmtUsd(b.fee_usd),
  });
  asButton(el, label, () => openBcpPopup(b, { scenario }));
  return new maplibregl.Marker({ element: el }).setLngLat([b.lon, b.lat]).addTo(map);
}

function transferMarker(t0) {
  const el = document.createElement('div');
  el.className = 'transfer-marker';
  el.textContent = '\u21c4';
  el.dataset.testid = 'transfer-marker';
  const at = placeName(t0.at);
  const html = `<div class="pp" data-testid="transfer-popup">
    <div class="pp-title">${esc(at)}</div>
    <div class="pp-sub">${esc(t0.kind)}: ${esc(t0.from_mode)} \u2192 ${esc(t0.to_mode)}</div>
    <table>
      <tr><th>${esc(t('Time'))}</th><td>${fmtNum(t0.hours, 1)} h</td></tr>
      <tr><th>${esc(t('Cost'))}</th><td>${fmtUsd(t0.cost_usd)}</td></tr>
      <tr><th>${esc(t('Basis'))}</th><td>${esc(t0.basis || '')}</td></tr>
      <tr><th>${esc(t('At'))}</th><td>${fmtNum(t0.at_km, 0)} km</td></tr>
    </table>${t0.source ? `<div class="pp-src">${esc(t('Source'))}: ${esc(t0.source)}</div>` : ''}</div>`;
  asButton(el, t('Transfer at {at}: {kind}, {hours} h', { at, kind: t0.kind, hours: fmtNum(t0.hours, 1) }), () => openPopup([t0.lon, t0.lat], html, null));
  return new maplibregl.Marker({ element: el }).setLngLat([t0.lon, t0.lat]).addTo(map);
}

/** Border-crossing and transfer markers for the selected route. */
export function drawRouteMarkers(route) {
  clearMarkers(markers);
  markers = [];
  if (!route || !map) return;
  for (const b of route.border_crossings || []) markers.push(bcpMarker(b));
  for (const tr of route.transfers || []) markers.push(transferMarker(tr));
}

/** Origin (green) / destination (red) pins; lngLat null removes the pin. */
export function setEndpoint(which, lngLat, label) {
  if (endpointMarkers[which]) endpointMarkers[which].remove();
  endpointMarkers[which] = null;
  if (!lngLat || !map) return;
  const m = new maplibregl.Marker({ color: which === 'origin' ? '#1f8a3b' : '#c62828', draggable: !!handlers.onEndpointDrag }).setLngLat(lngLat);
  // Drag an end to re-plan from / to where it is dropped.
  if (handlers.onEndpointDrag) m.on('dragend', () => handlers.onEndpointDrag(which, m.getLngLat()));
  const el = m.getElement();
  el.dataset.testid = `${which}-marker`;
  const name = t(which === 'origin' ? 'Origin: {name}' : 'Destination: {name}', { name: label || '' });
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', name);
  el.title = name;
  endpointMarkers[which] = m.addTo(map);
}

/* ---------- all crossings ---------- */

/** Colour class of a catalog crossing: closed, or by its typical wait. */
export function bcpClass(b) {
  if (b.status === 'closed' || b.status === 'restricted') return 'closed';
  const w = Array.isArray(b.wait_hours) ? b.wait_hours[0] : b.wait_hours;
  if (!Number.isFinite(w)) return 'unknown';
  return w < 6 ? 'fast' : w <= 24 ? 'mid' : 'slow';
}

/** Put the catalog of crossings (GET /v1/bcps, normalised) on the map. */
export function setAllBcps(list) {
  bcpCatalogById = new Map(list.map((b) => [b.id, b]));
  if (!map) return 0;
  const features = list
    .filter((b) => Number.isFinite(b.lon) && Number.isFinite(b.lat))
    .map((b) => ({ type: 'Feature', properties: { id: b.id, cls: bcpClass(b) }, geometry: { type: 'Point', coordinates: [b.lon, b.lat] } }));
  map.getSource('bcps').setData({ type: 'FeatureCollection', features });
  return features.length;
}

export function setAllBcpsVisible(on) {
  if (map) map.setLayoutProperty('bcps-all', 'visibility', on ? 'visible' : 'none');
}

/** Fit the view to every drawn route. */
export function fitRoutes(routes, extra = {}) {
  if (!map) return;
  const b = new maplibregl.LngLatBounds();
  let any = false;
  for (const r of routes || []) {
    for (const leg of r.legs || []) {
      for (const c of leg.geometry || []) {
        b.extend(c);
        any = true;
      }
    }
  }
  // Keep clear of overlays (legend, drawer) but never pad more than the map can give.
  const c = map.getContainer();
  const bottom = Math.min(40 + (extra.bottom || 0), c.clientHeight * 0.5);
  const left = Math.min(30 + (extra.left || 0), c.clientWidth * 0.4);
  const top = Math.min(50, c.clientHeight * 0.15);
  const right = Math.min(60, c.clientWidth * 0.15);
  if (any) map.fitBounds(b, { padding: { top, bottom, left, right }, maxZoom: 8, duration: 600 });
}

export function clearRoutes() {
  drawRoutes([], 0);
  drawScenarioRoute(null);
  drawRouteMarkers(null);
  closePopup();
}

export const resize = () => map && map.resize();
