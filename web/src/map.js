// The map: an offline MapLibre style built in code (sea background + Natural Earth
// countries from world-atlas), route lines coloured by mode, and HTML markers for
// endpoints, border crossings and transfers. No text/symbol layers: those need
// glyph URLs, and this UI must load nothing from the internet.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The worker is inlined as a string and started from a blob: URL, which keeps the
// build to one JS file and avoids MapLibre's default worker URL lookup.
import workerSource from 'maplibre-gl/dist/maplibre-gl-worker.mjs?raw';
import countriesUrl from 'world-atlas/countries-50m.json?url';
import { feature } from 'topojson-client';
import { esc, fmtNum, fmtUsd } from './format.js';

export const MODE_COLORS = {
  road: '#e4572e',
  rail: '#2b65d9',
  sea: '#0e9f8c',
  ferry: '#9b3fb5',
};
export const SCENARIO_COLOR = '#1b1b1b';
const OTHER_COLOR = '#777777';

const modeColorExpr = ['match', ['get', 'mode'], ...Object.entries(MODE_COLORS).flat(), OTHER_COLOR];
const EMPTY = { type: 'FeatureCollection', features: [] };

let map;
let markers = [];
let endpointMarkers = { origin: null, destination: null };
let scenarioMarkers = [];

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
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#cfe1ec' } },
      { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#f3efe6', 'fill-outline-color': '#f3efe6' } },
      { id: 'borders', type: 'line', source: 'countries', paint: { 'line-color': '#9d9486', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 7, 1.4] } },
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
 * Create the map. `handlers.onClick(lngLat)` for clicks on empty map,
 * `handlers.onSelectRoute(index)` for clicks on a route line.
 * Resolves once the style and the country shapes are loaded.
 */
export async function initMap(container, handlers) {
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

  map.on('mousemove', 'routes-hit', () => (map.getCanvas().style.cursor = 'pointer'));
  map.on('mouseleave', 'routes-hit', () => (map.getCanvas().style.cursor = ''));
  map.on('click', (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: ['routes-hit'] });
    if (hit.length && !handlers.isPicking()) {
      // Prefer an unselected route under the cursor: the selected one is already selected.
      const alt = hit.find((f) => !f.properties.sel) || hit[0];
      handlers.onSelectRoute(Number(alt.properties.ri));
      return;
    }
    handlers.onClick(e.lngLat);
  });
  return map;
}

export const getMap = () => map;

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
  // Selected last so it renders above alternatives of the same layer when styles match.
  return { type: 'FeatureCollection', features };
}

/** Draw all routes of a response; `selected` is bold, the rest thin and dashed. */
export function drawRoutes(routes, selected) {
  if (!map) return 0;
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

function bcpPopupHtml(b, extra = '') {
  const countries = (b.countries || []).join(' \u2192 ');
  const src = b.wait_source ? `<div class="pp-src" title="${esc(b.wait_source)}">Source: ${esc(b.wait_source)}</div>` : '';
  return `<div class="pp">
    <div class="pp-title">${esc(b.name)}</div>
    <div class="pp-sub">${esc(countries)} &middot; ${esc(b.mode)}${b.listed === false ? ' &middot; unlisted' : ''}${b.gauge_change ? ' &middot; gauge change' : ''}</div>
    <table>
      <tr><th>Wait</th><td>${fmtNum(b.wait_hours, 1)} h</td><td class="basis">${esc(b.wait_basis || '')}</td></tr>
      <tr><th>Fee</th><td>${fmtUsd(b.fee_usd)}</td><td class="basis">${esc(b.fee_basis || '')}</td></tr>
      <tr><th>At</th><td colspan="2">${fmtNum(b.at_km, 0)} km &middot; status ${esc(b.status || '?')}</td></tr>
    </table>${src}${extra}</div>`;
}

function bcpMarker(b, { scenario = false } = {}) {
  // MapLibre positions the marker element with an inline transform, so the diamond
  // rotation lives on an inner element.
  const el = document.createElement('div');
  el.className = 'bcp-marker-wrap';
  const diamond = document.createElement('div');
  diamond.className = `bcp-marker${scenario ? ' scenario' : ''}${b.listed === false ? ' unlisted' : ''}`;
  el.appendChild(diamond);
  el.title = `${b.name} (${fmtNum(b.wait_hours, 1)} h, ${fmtUsd(b.fee_usd)})`;
  el.dataset.testid = scenario ? 'scenario-bcp-marker' : 'bcp-marker';
  el.dataset.bcp = b.id;
  const popup = new maplibregl.Popup({ offset: 10, maxWidth: '320px' }).setHTML(
    bcpPopupHtml(b, scenario ? '<div class="pp-note">on the scenario route</div>' : ''),
  );
  return new maplibregl.Marker({ element: el }).setLngLat([b.lon, b.lat]).setPopup(popup).addTo(map);
}

function transferMarker(t) {
  const el = document.createElement('div');
  el.className = 'transfer-marker';
  el.textContent = '\u21c4';
  el.title = `${t.kind} at ${t.at}`;
  el.dataset.testid = 'transfer-marker';
  const html = `<div class="pp">
    <div class="pp-title">${esc(t.at)}</div>
    <div class="pp-sub">${esc(t.kind)}: ${esc(t.from_mode)} \u2192 ${esc(t.to_mode)}</div>
    <table>
      <tr><th>Time</th><td>${fmtNum(t.hours, 1)} h</td></tr>
      <tr><th>Cost</th><td>${fmtUsd(t.cost_usd)}</td></tr>
      <tr><th>Basis</th><td>${esc(t.basis || '')}</td></tr>
      <tr><th>At</th><td>${fmtNum(t.at_km, 0)} km</td></tr>
    </table>${t.source ? `<div class="pp-src">Source: ${esc(t.source)}</div>` : ''}</div>`;
  return new maplibregl.Marker({ element: el })
    .setLngLat([t.lon, t.lat])
    .setPopup(new maplibregl.Popup({ offset: 10, maxWidth: '300px' }).setHTML(html))
    .addTo(map);
}

/** Border-crossing and transfer markers for the selected route. */
export function drawRouteMarkers(route) {
  clearMarkers(markers);
  markers = [];
  if (!route || !map) return;
  for (const b of route.border_crossings || []) markers.push(bcpMarker(b));
  for (const t of route.transfers || []) markers.push(transferMarker(t));
}

/** Origin (green) / destination (red) pins; lngLat null removes the pin. */
export function setEndpoint(which, lngLat, label) {
  if (endpointMarkers[which]) endpointMarkers[which].remove();
  endpointMarkers[which] = null;
  if (!lngLat || !map) return;
  const m = new maplibregl.Marker({ color: which === 'origin' ? '#1f8a3b' : '#c62828' }).setLngLat(lngLat);
  if (label) m.setPopup(new maplibregl.Popup({ offset: 25 }).setText(`${which === 'origin' ? 'From' : 'To'}: ${label}`));
  m.getElement().dataset.testid = `${which}-marker`;
  endpointMarkers[which] = m.addTo(map);
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
  const bottom = Math.min(40 + (extra.bottom || 0), c.clientHeight * 0.6);
  const left = Math.min(30 + (extra.left || 0), c.clientWidth * 0.4);
  if (any) map.fitBounds(b, { padding: { top: 50, bottom, left, right: 60 }, maxZoom: 8, duration: 600 });
}

export function clearRoutes() {
  drawRoutes([], 0);
  drawScenarioRoute(null);
  drawRouteMarkers(null);
}
