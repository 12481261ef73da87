// Entry point: owns the page state, wires the form, map, panel and drawer together.
import './style.css';
import * as api from './api.js';
import * as mapView from './map.js';
import { renderProfile } from './chart.js';
import { readUrlState, writeUrlState, scenarioFromState } from './state.js';
import {
  $, isCoord, setupAutocomplete, showMessage, renderWarnings, renderRouteCards, renderItinerary,
  renderScenarioRows, renderComparison, renderLegend, bcpFromCatalog, announce, renderClosureNote,
  renderScenarioIndicator, placeName,
} from './ui.js';
import { esc, fmtNum, fmtUsd } from './format.js';
import { t, translatePage, lang } from './i18n.js';
import { initCost, onRouteChanged, restoreWithoutRoute } from './cost.js';
import { initAnalyst, libraryName } from './analyst.js';
import { joinResponses } from './via.js';
import { downloadGeoJson, downloadGpx, downloadCsv, share, preparePrint } from './export.js';

// Test hooks (see tests/e2e.mjs): tests wait on these instead of on timing.
const hooks = (window.__caravan = {
  mapReady: false,
  lastResponse: null,
  scenarioResponse: null,
  compareBase: null,
  costResponse: null,
  lastError: null,
  routing: false,
  comparing: false,
  drawn: { routes: 0, scenario: 0 },
  allBcps: 0,
  announced: '',
  selected: null,
  labels: () => mapView.labelStats(),
});

const state = readUrlState();
let mapReady = null; // Promise
let routeCtrl = null;
let pickMode = null; // null | 'origin' | 'destination'
let extraBcps = []; // crossings added to the scenario panel by search
let bcpCatalog = null;
let scenarioProfile = null;

const inputs = {
  origin: $('#origin'),
  destination: $('#destination'),
};

/* ---------- form <-> state ---------- */

function fillForm() {
  inputs.origin.value = state.from;
  inputs.destination.value = state.to;
  for (const cb of document.querySelectorAll('input[name=mode]')) cb.checked = state.modes.includes(cb.value);
  $('#optimize').value = state.optimize;
  $('#alternatives').value = String(state.alternatives);
  $('#tonnes').value = String(state.tonnes);
  $('#value').value = String(state.value);
  $('#avoid-countries').value = state.avoid.join(', ');
  $('#avoid-bcps').value = state.abcp.join(', ');
  $('#departure').value = state.dep;
  renderVias();
}

/** What to send for an input: the picked place's id if the text is unchanged, else the text. */
function placeValue(input) {
  const text = input.value.trim();
  if (input.dataset.placeId && input.dataset.placeName === text) return input.dataset.placeId;
  return text;
}

function setPlace(input, name, id) {
  input.value = name;
  if (id) {
    input.dataset.placeId = id;
    input.dataset.placeName = name;
  } else {
    delete input.dataset.placeId;
    delete input.dataset.placeName;
  }
}

function readForm() {
  state.from = placeValue(inputs.origin);
  state.to = placeValue(inputs.destination);
  state.modes = [...document.querySelectorAll('input[name=mode]:checked')].map((c) => c.value);
  state.optimize = $('#optimize').value;
  state.alternatives = Number($('#alternatives').value);
  const t = Number($('#tonnes').value);
  const v = Number($('#value').value);
  state.tonnes = Number.isFinite(t) && t > 0 ? t : 20;
  state.value = Number.isFinite(v) && v >= 0 ? v : 50000;
  const list = (sel) => [...new Set($(sel).value.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean))];
  state.avoid = list('#avoid-countries').map((c) => c.toUpperCase());
  state.abcp = list('#avoid-bcps');
  state.dep = $('#departure').value || '';
  state.via = [...document.querySelectorAll('#via-list input')].map(placeValue).filter(Boolean);
}

/* ---------- stops (via points) ---------- */

const viaNames = new Map(); // place id -> name, for stops picked from the list

function renderVias() {
  const box = $('#via-list');
  box.innerHTML = '';
  state.via.forEach((v, i) => {
    const div = document.createElement('div');
    div.className = 'field place-field via-field';
    div.dataset.testid = 'via-field';
    div.innerHTML = `<label for="via-${i}">${esc(t('Stop {n}', { n: i + 1 }))}</label>
      <div class="via-row"><div class="ac-wrap"><input id="via-${i}" type="text" data-testid="via-input" placeholder="${esc(t('City, UN/LOCODE or lat,lon'))}"
        role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="via-${i}-list" />
        <ul id="via-${i}-list" class="ac-list" role="listbox" hidden></ul></div>
      <button type="button" class="secondary via-remove" data-testid="via-remove" aria-label="${esc(t('Remove stop {n}', { n: i + 1 }))}">\u2715</button></div>`;
    const input = div.querySelector('input');
    if (viaNames.has(v)) setPlace(input, viaNames.get(v), v);
    else input.value = v;
    setupAutocomplete(input, div.querySelector('ul'), (q, signal) => api.searchPlaces(q, 8, signal), (p) => {
      viaNames.set(p.id, p.name);
      setPlace(input, p.name, p.id);
    });
    div.querySelector('.via-remove').addEventListener('click', () => {
      readForm();
      state.via.splice(i, 1);
      renderVias();
    });
    box.appendChild(div);
  });
  $('#add-via').disabled = state.via.length >= 3;
}

/**
 * A route answer for `params` (+ scenario): one request, or with stops one per part,
 * joined (alternatives are not asked per part).
 */
async function fetchRoute(params, { scenario = null, saved = '', signal } = {}) {
  const one = (p) => (saved ? api.getRoute({ ...p, scenario: saved }, signal) : scenario ? api.postRoute(p, scenario, signal) : api.getRoute(p, signal));
  if (!state.via.length) return one(params);
  const points = [params.from, ...state.via, params.to];
  const parts = await Promise.all(points.slice(1).map((to, i) => one({ ...params, from: points[i], to, alternatives: 0 })));
  return joinResponses(parts);
}

function validate() {
  if (!state.from) return 'Enter an origin (a city, a UN/LOCODE or "lat,lon"), or click the map.';
  if (!state.to) return 'Enter a destination (a city, a UN/LOCODE or "lat,lon"), or click the map.';
  if (!state.modes.length) return 'Choose at least one mode: road, rail or sea.';
  const bad = state.avoid.find((c) => !/^[A-Z]{2}$/.test(c));
  if (bad) return `Avoid countries: "${bad}" is not a two-letter ISO code (e.g. IR, RU).`;
  return null;
}

function setLoading(btn, on, text) {
  btn.disabled = on;
  btn.classList.toggle('loading', on);
  const label = btn.querySelector('.label') || btn;
  if (text) label.textContent = text;
}

/* ---------- routing ---------- */

async function doRoute({ autoCompare = false, push = false, fromForm = true } = {}) {
  if (fromForm) readForm();
  const problem = validate();
  if (problem) {
    showMessage(problem, 'error');
    return;
  }
  writeUrlState(state, { push });
  showMessage(null);
  if (routeCtrl) routeCtrl.abort();
  routeCtrl = new AbortController();
  const btn = $('#route-button');
  setLoading(btn, true, t('Routing\u2026'));
  hooks.routing = true;
  hooks.lastError = null;
  try {
    const resp = await fetchRoute(api.routeParams(state), { signal: routeCtrl.signal });
    await mapReady;
    hooks.lastResponse = resp;
    hooks.scenarioResponse = null;
    hooks.compareBase = null;
    scenarioProfile = null;
    onRouteResponse(resp);
    onRouteChanged(); // freight for the landed cost comes from this route
    const best = resp.routes && resp.routes[0];
    if (best) {
      const s = best.summary;
      announce(t('{n} route(s) found. Best: {km} km, {days} days, {usd}.', { n: resp.routes.length, km: fmtNum(s.distance_km, 0), days: fmtNum(s.days, 1), usd: fmtUsd(s.cost_usd) }));
    }
    if (autoCompare && (scenarioFromState(state) || state.scenario)) await doCompare();
  } catch (e) {
    if (e.name === 'AbortError') return;
    hooks.lastError = { code: e.code, message: e.message, status: e.status };
    hooks.lastResponse = null;
    clearResults();
    onRouteChanged({ recompute: false });
    announce(e.message);
    showMessage(e, 'error', (sug) => {
      // Replace whichever input held the unknown name.
      const bad = [inputs.origin, inputs.destination].find((i) => e.message.includes(`\`${i.value.trim()}\``)) || inputs.origin;
      setPlace(bad, sug.name || String(sug), sug.id);
      doRoute();
    });
  } finally {
    hooks.routing = false;
    setLoading(btn, false, t('Route'));
  }
}

function clearResults() {
  $('#results').hidden = true;
  $('#route-actions').hidden = true;
  $('#scenario').hidden = true;
  $('#drawer').hidden = true;
  if (hooks.mapReady) mapView.clearRoutes();
  hooks.drawn = { routes: 0, scenario: 0 };
}

function onRouteResponse(resp) {
  const routes = resp.routes || [];
  if (state.route >= routes.length) state.route = 0;
  // Show resolved names; keep the ids so a re-route sends the same places.
  if (resp.origin) {
    if (resp.origin.place_id) setPlace(inputs.origin, resp.origin.name, resp.origin.place_id);
    mapView.setEndpoint('origin', [resp.origin.lon, resp.origin.lat], resp.origin.name);
  }
  if (resp.destination) {
    if (resp.destination.place_id) setPlace(inputs.destination, resp.destination.name, resp.destination.place_id);
    mapView.setEndpoint('destination', [resp.destination.lon, resp.destination.lat], resp.destination.name);
  }
  $('#results').hidden = false;
  $('#route-actions').hidden = routes.length === 0;
  renderWarnings(resp.warnings);
  renderClosures();
  $('#compare').hidden = true;
  mapView.drawScenarioRoute(null);
  hooks.drawn.scenario = 0;
  selectRoute(state.route, { fit: true });
  renderScenarioPanel();
  $('#scenario').hidden = routes.length === 0;
  $('#drawer').hidden = routes.length === 0;
}

function selectRoute(i, { fit = false } = {}) {
  const resp = hooks.lastResponse;
  if (!resp) return;
  state.route = i;
  writeUrlState(state);
  const route = resp.routes[i];
  const same = hooks.selected === i && hooks.selectedResp === resp;
  hooks.selected = i;
  hooks.selectedResp = resp;
  hooks.drawn.routes = mapView.drawRoutes(resp.routes, i);
  // Markers are rebuilt only when the selection changes (an open popup stays open).
  if (!same) mapView.drawRouteMarkers(route);
  renderRouteCards(resp, i, (j) => selectRoute(j));
  renderItinerary(route, state.dep);
  $('#drawer-title').textContent = route ? `${i === 0 ? t('Best route') : t('Alternative {n}', { n: i })}: ${placeName(resp.origin?.name ?? state.from)} \u2192 ${placeName(resp.destination?.name ?? state.to)}` : '';
  refreshProfile();
  if (!same) onRouteChanged({ recompute: false });
  if (fit) fitAll();
}

/** The route the landed cost and exports use: the scenario's best when a scenario is compared, else the selected one. */
function currentRoute() {
  const resp = hooks.lastResponse;
  if (!resp || !resp.routes || !resp.routes.length) return null;
  const scn = hooks.scenarioResponse && hooks.scenarioResponse.routes && hooks.scenarioResponse.routes[0];
  if (scn) return { resp: hooks.scenarioResponse, route: scn, index: 0, scenario: true, label: `${t('Scenario active')}: ${describeScenario(scenarioFromState(state))}` };
  const i = Math.min(state.route, resp.routes.length - 1);
  return { resp, route: resp.routes[i], index: i, scenario: false, label: i === 0 ? t('Best route') : t('Alternative {n}', { n: i }) };
}

/** The current route again, planned for another tonnage (same crossings when possible). */
async function currentRouteFor(tonnes) {
  const cur = currentRoute();
  if (!cur) return null;
  const params = { ...api.routeParams(state), cargo_tonnes: tonnes };
  const sc = scenarioFromState(state);
  const resp = cur.scenario ? await fetchRoute(params, { scenario: sc, saved: state.scenario && !sc ? state.scenario : '' }) : await fetchRoute(params);
  const key = (r) => (r.border_crossings || []).map((b) => b.id).join(',');
  const want = key(cur.route);
  const route = (resp.routes || []).find((r) => key(r) === want) || resp.routes[cur.scenario ? 0 : Math.min(cur.index, resp.routes.length - 1)];
  return { resp, route, index: cur.index, scenario: cur.scenario, label: cur.label };
}
hooks.currentRoute = currentRoute;
hooks.currentRouteFor = currentRouteFor;

/** Fit the map to the routes (and scenario route), keeping clear of the open drawer. */
function fitAll() {
  const resp = hooks.lastResponse;
  if (!resp) return;
  const drawer = $('#drawer');
  const phone = window.matchMedia('(max-width: 700px)').matches;
  const pad = drawer.hidden || phone ? 0 : drawer.offsetHeight;
  const legend = phone ? { offsetWidth: 0 } : $('#legend');
  const scn = hooks.scenarioResponse && hooks.scenarioResponse.routes && hooks.scenarioResponse.routes[0];
  mapView.fitRoutes(scn ? [...resp.routes, scn] : resp.routes, { bottom: pad, left: legend.offsetWidth });
}

function refreshProfile() {
  const pane = $('#profile-pane');
  const resp = hooks.lastResponse;
  if (pane.hidden || !resp) return;
  const route = resp.routes[state.route];
  renderProfile(pane, route && route.profile, state.route === 0 ? scenarioProfile : null);
}

/* ---------- scenario ---------- */

function catalogBcp(id) {
  return (bcpCatalog || []).find((b) => b.id === id);
}

function scenarioBcps() {
  const best = hooks.lastResponse && hooks.lastResponse.routes[0];
  const list = best ? [...best.border_crossings] : [];
  const ids = new Set(list.map((b) => b.id));
  // Closed crossings the route goes around, crossings named in the URL or added by
  // search or from a popup, that are not on the best route.
  for (const b of [...closuresNear(), ...extraBcps]) if (!ids.has(b.id)) (list.push(b), ids.add(b.id));
  for (const id of [...state.close, ...state.open, ...Object.keys(state.wait)]) {
    if (!ids.has(id)) {
      const c = catalogBcp(id);
      list.push(c ? bcpFromCatalog(c) : { id, name: id, mode: '', countries: [] });
      ids.add(id);
    }
  }
  return list;
}

/** Is a crossing closed in the data, and what does the scenario make of it. */
function bcpState(b) {
  const c = catalogBcp(b.id);
  // A crossing the scenario reopened comes back as `opened_by_scenario`: closed in the data.
  const closedData = ['closed', 'opened_by_scenario'].includes(c ? c.status : b.status);
  const reopened = closedData && state.open.includes(b.id);
  const closed = state.close.includes(b.id) || (closedData && !reopened);
  return { closedData, reopened, closed, avoided: state.abcp.includes(b.id) };
}

/** Close or reopen a crossing in the scenario (data status respected). */
function setClosed(b, closed) {
  const { closedData } = bcpState(b);
  if (closed) {
    if (closedData) state.open = state.open.filter((x) => x !== b.id);
    else state.close = [...new Set([...state.close, b.id])];
  } else {
    state.close = state.close.filter((x) => x !== b.id);
    if (closedData) state.open = [...new Set([...state.open, b.id])];
  }
  if (!extraBcps.some((x) => x.id === b.id) && !(hooks.lastResponse?.routes[0]?.border_crossings || []).some((x) => x.id === b.id)) {
    const c = catalogBcp(b.id);
    extraBcps.push(c ? bcpFromCatalog(c) : b);
  }
  state.scenario = ''; // edited: no longer the saved scenario as-is
  writeUrlState(state);
}

function renderScenarioPanel() {
  renderScenarioRows(scenarioBcps(), state, bcpState, (b, change) => {
    if ('close' in change) setClosed(b, change.close);
    if ('wait' in change) {
      if (change.wait === null) delete state.wait[b.id];
      else state.wait[b.id] = change.wait;
      state.scenario = '';
      writeUrlState(state);
    }
    renderScenarioIndicator(state, describeScenario(scenarioFromState(state)), clearScenario);
  });
  renderScenarioIndicator(state, describeScenario(scenarioFromState(state)), clearScenario);
}

/** A popup's button: close / reopen in the scenario (then compare), or avoid (then re-route). */
async function onBcpAction(b, action) {
  if (action === 'avoid') {
    state.abcp = [...new Set([...state.abcp, b.id])];
    $('#avoid-bcps').value = state.abcp.join(', ');
    doRoute({ push: true, fromForm: false });
    return;
  }
  setClosed(b, action === 'close');
  renderScenarioPanel();
  renderClosures();
  if (scenarioFromState(state)) await doCompare();
  else clearScenario();
}

function nameOf(id) {
  const c = catalogBcp(id) || (hooks.lastResponse?.routes || []).flatMap((r) => r.border_crossings).find((b) => b.id === id) || extraBcps.find((b) => b.id === id);
  return c ? c.name : id;
}

function describeScenario(sc) {
  if (state.scenario && !sc) {
    const lib = libraryName(state.scenario);
    return lib ? `${t('library scenario')}: ${lib}` : `saved scenario ${state.scenario}`;
  }
  if (!sc) return '';
  const parts = [];
  if (sc.close_bcps.length) parts.push(`${t('closed')}: ${sc.close_bcps.map(nameOf).join(', ')}`);
  if (sc.open_bcps.length) parts.push(`${t('open')}: ${sc.open_bcps.map(nameOf).join(', ')}`);
  for (const c of sc.bcp_changes) parts.push(`${nameOf(c.bcp)} ${t('Wait').toLowerCase()} ${c.wait_hours} h`);
  return parts.join('; ');
}

/**
 * Closed crossings the route goes around: closed (in the data and not reopened, or in the
 * scenario), between two countries the trip touches, and within the trip's bounding box
 * (padded). The router does not report them, so the map says so.
 */
function closuresNear() {
  const resp = hooks.lastResponse;
  if (!resp || !bcpCatalog || !resp.routes || !resp.routes.length) return [];
  const countries = new Set([resp.origin?.country, resp.destination?.country, ...resp.routes.flatMap((r) => r.summary.countries || [])].filter(Boolean));
  const used = new Set(resp.routes.flatMap((r) => r.border_crossings.map((b) => b.id)));
  const o = resp.origin;
  const d = resp.destination;
  if (!o || !d) return [];
  const pad = Math.max(2.5, 0.3 * Math.max(Math.abs(o.lat - d.lat), Math.abs(o.lon - d.lon)));
  const padLat = pad;
  const padLon = pad;
  const inBox = (b) => b.lat >= Math.min(o.lat, d.lat) - padLat && b.lat <= Math.max(o.lat, d.lat) + padLat && b.lon >= Math.min(o.lon, d.lon) - padLon && b.lon <= Math.max(o.lon, d.lon) + padLon;
  const seen = new Set();
  const out = [];
  for (const c of bcpCatalog) {
    if (seen.has(c.id) || used.has(c.id)) continue;
    if (!state.modes.includes(c.mode)) continue;
    const b = bcpFromCatalog(c);
    if (!bcpState(b).closed && !state.open.includes(c.id)) continue;
    if (!countries.has(c.country_a) || !countries.has(c.country_b) || !inBox(c)) continue;
    seen.add(c.id);
    out.push(b);
  }
  return out;
}

function renderClosures() {
  renderClosureNote(closuresNear(), bcpState, (b, closed) => onBcpAction(b, closed ? 'close' : 'reopen'));
}

function clearScenario() {
  state.close = [];
  state.open = [];
  state.wait = {};
  state.scenario = '';
  extraBcps = [];
  scenarioProfile = null;
  hooks.scenarioResponse = null;
  writeUrlState(state);
  renderScenarioPanel();
  renderClosures();
  $('#compare').hidden = true;
  hooks.drawn.scenario = mapView.drawScenarioRoute(null);
  refreshProfile();
  onRouteChanged({ recompute: false });
}

async function doCompare() {
  const sc = scenarioFromState(state);
  if (!sc && !state.scenario) {
    showMessage('Close a crossing or change a waiting time first, then compare.', 'info');
    return;
  }
  if (!hooks.lastResponse) return;
  showMessage(null);
  const btn = $('#scenario-compare');
  setLoading(btn, true, t('Comparing\u2026'));
  hooks.comparing = true;
  const params = api.routeParams(state);
  try {
    // Base and scenario asked for together, so both reflect the same data.
    const [base, scn] = await Promise.allSettled([
      fetchRoute(params),
      state.scenario ? fetchRoute(params, { saved: state.scenario }) : fetchRoute(params, { scenario: sc }),
    ]);
    if (base.status === 'rejected') {
      showMessage(base.reason, 'error');
      return;
    }
    hooks.compareBase = base.value;
    const desc = describeScenario(sc);
    if (scn.status === 'rejected') {
      hooks.scenarioResponse = null;
      hooks.scenarioError = { code: scn.reason.code, message: scn.reason.message };
      scenarioProfile = null;
      hooks.drawn.scenario = mapView.drawScenarioRoute(null);
      renderComparison(base.value, null, scn.reason, desc);
    } else {
      hooks.scenarioResponse = scn.value;
      hooks.scenarioError = null;
      const sr = scn.value.routes && scn.value.routes[0];
      scenarioProfile = sr ? sr.profile : null;
      hooks.drawn.scenario = mapView.drawScenarioRoute(sr || null);
      renderComparison(base.value, scn.value, null, desc);
      if (sr) {
        fitAll();
        const b = base.value.routes[0].summary;
        announce(`${t('Scenario active')}: ${fmtNum(sr.summary.hours - b.hours, 1)} h, ${fmtUsd(sr.summary.cost_usd - b.cost_usd)}`);
      }
    }
    refreshProfile();
    renderScenarioIndicator(state, desc, clearScenario);
    onRouteChanged({ recompute: false });
  } finally {
    hooks.comparing = false;
    setLoading(btn, false, t('Compare'));
  }
}

async function loadBcpCatalog() {
  if (bcpCatalog) return bcpCatalog;
  const res = await api.listBcps();
  bcpCatalog = (res && res.bcps) || [];
  return bcpCatalog;
}

/** The all-crossings layer (and the closure notes, which need the statuses). */
async function showAllBcps() {
  try {
    const list = await loadBcpCatalog();
    await mapReady;
    // One point per crossing id (road and rail share a place).
    const seen = new Map();
    for (const c of list) if (!seen.has(c.id) || c.mode === 'road') seen.set(c.id, bcpFromCatalog(c));
    hooks.allBcps = mapView.setAllBcps([...seen.values()]);
    if (hooks.lastResponse) {
      renderClosures();
      renderScenarioPanel();
    }
  } catch (e) {
    hooks.allBcpsError = String(e.message || e);
  }
}

function setupBcpSearch() {
  const input = $('#bcp-search');
  const list = $('#bcp-search-list');
  $('#bcp-search-box').addEventListener('toggle', () => loadBcpCatalog().catch((e) => showMessage(e)));
  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim().toLowerCase();
      const all = await loadBcpCatalog().catch(() => []);
      const hits = q.length < 2 ? [] : all.filter((b) => `${b.id} ${b.name} ${b.name_a} ${b.name_b} ${b.country_a} ${b.country_b}`.toLowerCase().includes(q)).slice(0, 30);
      list.innerHTML = '';
      for (const b of hits) {
        const li = document.createElement('li');
        li.innerHTML = `<button type="button" class="link">${esc(b.name)}</button> <span class="bcp-meta">${esc(b.country_a)}-${esc(b.country_b)} &middot; ${esc(b.mode)} &middot; ${esc(b.status)}</span>`;
        li.querySelector('button').addEventListener('click', () => {
          if (!extraBcps.some((x) => x.id === b.id)) extraBcps.push(bcpFromCatalog(b));
          renderScenarioPanel();
        });
        list.appendChild(li);
      }
    }, 120);
  });
}

async function refreshSaved() {
  const box = $('#saved-scenarios');
  let res;
  try {
    res = await api.listScenarios();
  } catch {
    box.innerHTML = '';
    return;
  }
  const items = (res && res.scenarios) || [];
  if (!items.length) {
    box.innerHTML = '';
    return;
  }
  box.innerHTML = `<h4>Saved scenarios</h4><ul class="saved"></ul>`;
  const ul = box.querySelector('ul');
  for (const s of items) {
    const li = document.createElement('li');
    li.dataset.testid = 'saved-scenario';
    li.dataset.id = s.id;
    const n = (s.close_bcps || []).length + (s.bcp_changes || []).length;
    li.innerHTML = `<span class="saved-name">${esc(s.name || s.id)}</span> <span class="bcp-meta">v${esc(s.version ?? 1)} &middot; ${n} change(s)</span>
      <button type="button" class="link apply">apply</button> <button type="button" class="link del">delete</button>`;
    li.querySelector('.apply').addEventListener('click', () => {
      state.close = [...(s.close_bcps || [])];
      state.open = [...(s.open_bcps || [])];
      state.wait = Object.fromEntries((s.bcp_changes || []).filter((c) => c.wait_hours !== undefined && c.wait_hours !== null).map((c) => [c.bcp, c.wait_hours]));
      state.scenario = s.id;
      writeUrlState(state);
      renderScenarioPanel();
      doCompare();
    });
    li.querySelector('.del').addEventListener('click', async () => {
      try {
        await api.deleteScenario(s.id);
      } catch (e) {
        showMessage(e);
      }
      if (state.scenario === s.id) (state.scenario = ''), writeUrlState(state);
      refreshSaved();
    });
    ul.appendChild(li);
  }
}

async function doSave() {
  const sc = scenarioFromState(state);
  if (!sc) {
    showMessage('Nothing to save: close a crossing or change a waiting time first.', 'info');
    return;
  }
  const name = $('#scenario-name').value.trim() || describeScenario(sc).slice(0, 80);
  try {
    const saved = await api.saveScenario({ name, close_bcps: sc.close_bcps, open_bcps: sc.open_bcps, bcp_changes: sc.bcp_changes });
    hooks.savedScenario = saved;
    state.scenario = saved.id;
    writeUrlState(state);
    // Said next to the button (the message box at the top is off screen by now).
    const msg = t('Saved scenario "{name}" (id {id}, version {version}).', { name: saved.name, id: saved.id, version: saved.version });
    const st = $('#scenario-save-status');
    st.textContent = msg;
    st.className = 'save-status ok';
    st.hidden = false;
    announce(msg);
    refreshSaved();
    renderScenarioIndicator(state, describeScenario(sc), clearScenario);
  } catch (e) {
    const st = $('#scenario-save-status');
    st.textContent = e.message;
    st.className = 'save-status error';
    st.hidden = false;
  }
}

/* ---------- map picking ---------- */

function setPickMode(mode) {
  pickMode = mode;
  const btn = $('#pick-toggle');
  btn.setAttribute('aria-pressed', String(!!mode));
  btn.classList.toggle('active', !!mode);
  const hint = $('#pick-hint');
  hint.hidden = !mode;
  hint.textContent = mode ? `Click the map to set the ${mode}` : '';
}

function onMapClick(lngLat) {
  if (!pickMode) return;
  const text = `${lngLat.lat.toFixed(3)},${lngLat.lng.toFixed(3)}`;
  const input = pickMode === 'origin' ? inputs.origin : inputs.destination;
  setPlace(input, text, null);
  mapView.setEndpoint(pickMode, [lngLat.lng, lngLat.lat], text);
  if (pickMode === 'origin') setPickMode('destination');
  else {
    setPickMode(null);
    doRoute();
  }
}

/* ---------- drawer ---------- */

function openPane(which) {
  const panes = { itinerary: $('#itinerary-pane'), profile: $('#profile-pane') };
  const tabs = { itinerary: $('#itinerary-toggle'), profile: $('#profile-toggle') };
  const closing = which && !panes[which].hidden;
  for (const k of Object.keys(panes)) {
    const on = !closing && k === which;
    panes[k].hidden = !on;
    tabs[k].setAttribute('aria-expanded', String(on));
    tabs[k].classList.toggle('active', on);
  }
  $('#drawer').classList.toggle('open', !closing && !!which);
  $('#drawer-close').hidden = closing || !which;
  if (!closing && which === 'profile') refreshProfile();
  fitAll(); // the drawer covers the bottom of the map: keep the route in view
}

/* ---------- boot ---------- */

function boot() {
  translatePage();
  // Language links keep the whole view (the URL) and change only lang.
  for (const a of document.querySelectorAll('nav.lang a')) {
    const code = new URL(a.href).searchParams.get('lang');
    if (code === lang) a.setAttribute('aria-current', 'true');
    a.addEventListener('click', (e) => {
      e.preventDefault();
      const u = new URL(window.location.href);
      u.searchParams.set('lang', code);
      window.location.assign(u.toString());
    });
  }
  fillForm();
  initCost(state, hooks);
  initAnalyst(hooks, {
    mapReady: () => mapReady,
    // A library scenario applied to the route on the map: the side-by-side comparison.
    applyScenario: (id) => {
      state.close = [];
      state.open = [];
      state.wait = {};
      state.scenario = id;
      writeUrlState(state);
      renderScenarioPanel();
      if (hooks.lastResponse) doCompare();
      else announce(t('Plan a route first; the scenario is applied when you compare.'));
    },
  });
  renderLegend({
    onLabels: (on) => mapView.setLabelsVisible(on),
    onAllBcps: (on) => mapView.setAllBcpsVisible(on),
  });
  setPickMode(null);
  // Phones and tablets start with the legend folded (it would cover much of the map).
  if (window.matchMedia('(max-width: 1024px)').matches) $('#legend details').open = false;

  for (const [which, input] of Object.entries(inputs)) {
    setupAutocomplete(input, $(`#${which}-list`), (q, signal) => api.searchPlaces(q, 8, signal), (p) => {
      setPlace(input, p.name, p.id);
      mapView.setEndpoint(which, [p.lon, p.lat], p.name);
    });
    input.addEventListener('change', () => {
      if (isCoord(input.value)) {
        const [lat, lon] = input.value.split(',').map(Number);
        if (hooks.mapReady) mapView.setEndpoint(which, [lon, lat], input.value);
      }
    });
  }
  $('#route-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.route = 0;
    doRoute({ push: true });
  });
  $('#departure').addEventListener('change', () => {
    state.dep = $('#departure').value || '';
    writeUrlState(state);
    const cur = hooks.lastResponse && hooks.lastResponse.routes[state.route];
    if (cur) renderItinerary(cur, state.dep);
  });
  $('#export-geojson').addEventListener('click', () => downloadGeoJson(currentRoute()));
  $('#export-gpx').addEventListener('click', () => downloadGpx(currentRoute()));
  $('#export-csv').addEventListener('click', () => downloadCsv(currentRoute(), state.dep));
  $('#share').addEventListener('click', () => share());
  $('#print').addEventListener('click', () => {
    preparePrint(currentRoute(), mapView.snapshot());
    window.print();
  });
  window.addEventListener('beforeprint', () => preparePrint(currentRoute(), mapView.snapshot()));
  hooks.preparePrint = () => preparePrint(currentRoute(), mapView.snapshot());
  // Back / Forward: the URL holds the whole view, so re-read it and route again.
  window.addEventListener('popstate', () => {
    const next = readUrlState();
    for (const k of Object.keys(next)) state[k] = next[k];
    extraBcps = [];
    fillForm();
    if (state.from && state.to) doRoute({ autoCompare: true, fromForm: false });
    else clearResults();
  });

  $('#swap').addEventListener('click', () => {
    const o = { v: inputs.origin.value, id: inputs.origin.dataset.placeId, n: inputs.origin.dataset.placeName };
    const d = { v: inputs.destination.value, id: inputs.destination.dataset.placeId, n: inputs.destination.dataset.placeName };
    setPlace(inputs.origin, d.v, d.n === d.v ? d.id : null);
    setPlace(inputs.destination, o.v, o.n === o.v ? o.id : null);
    readForm();
    state.via.reverse();
    renderVias();
  });
  $('#add-via').addEventListener('click', () => {
    readForm();
    if (state.via.length >= 3) return;
    state.via.push('');
    renderVias();
    const inputs = document.querySelectorAll('#via-list input');
    inputs[inputs.length - 1].focus();
  });
  $('#pick-toggle').addEventListener('click', () => setPickMode(pickMode ? null : 'origin'));
  $('#itinerary-toggle').addEventListener('click', () => openPane('itinerary'));
  $('#profile-toggle').addEventListener('click', () => openPane('profile'));
  $('#drawer-close').addEventListener('click', () => openPane(null));
  $('#scenario-compare').addEventListener('click', () => doCompare());
  $('#scenario-save').addEventListener('click', () => doSave());
  $('#scenario-clear').addEventListener('click', () => clearScenario());
  window.addEventListener('resize', () => refreshProfile());
  setupBcpSearch();

  mapReady = mapView
    .initMap('map', {
      onClick: onMapClick,
      onSelectRoute: (i) => selectRoute(i),
      isPicking: () => !!pickMode,
      bcpState,
      onBcpAction,
      onEndpointDrag: (which, lngLat) => {
        const text = `${lngLat.lat.toFixed(3)},${lngLat.lng.toFixed(3)}`;
        setPlace(which === 'origin' ? inputs.origin : inputs.destination, text, null);
        state.route = 0;
        doRoute({ push: true });
      },
    })
    .then(() => {
      hooks.mapReady = true;
      hooks.map = mapView.getMap();
    })
    .catch((e) => {
      hooks.mapError = String(e && e.message ? e.message : e);
      showMessage(`The map could not start (${hooks.mapError}). Routing still works; results are listed in the panel.`, 'error');
    });

  refreshSaved();
  showAllBcps();
  renderScenarioIndicator(state, describeScenario(scenarioFromState(state)), clearScenario);
  if (state.from && state.to) doRoute({ autoCompare: true });
  else restoreWithoutRoute();
}

boot();
