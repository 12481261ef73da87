// The analyst panel: a library scenario (planned railways, reopened crossings, border
// reforms) drawn on the map, applied to the route on the map, compared over many places
// (GET /v1/compare) and measured as accessibility (GET /v1/access) with a map layer of
// graduated circles: before, after, or the difference.
import * as api from './api.js';
import { getMap } from './map.js';
import { $, announce, showMessage } from './ui.js';
import { esc, fmtNum } from './format.js';
import { t } from './i18n.js';
import { csvCell, download } from './export.js';

const PLANNED_COLOR = '#b91c1c';
const GAIN = '#15803d';
const LOSS = '#b91c1c';
const FLAT = '#6b7280';
const EMPTY = { type: 'FeatureCollection', features: [] };

let library = [];
let access = null;
let compareResult = null;
let view = 'difference';
let mapReady = () => Promise.resolve();

/** Adds (once) the sources and layers of the panel, above everything the map has. */
function ensureLayers() {
  const map = getMap();
  if (!map || map.getSource('planned')) return map;
  map.addSource('planned', { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: 'planned-lines',
    type: 'line',
    source: 'planned',
    paint: { 'line-color': PLANNED_COLOR, 'line-width': 3.5, 'line-dasharray': [2, 1.2] },
  });
  map.addSource('access', { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: 'access-circles',
    type: 'circle',
    source: 'access',
    paint: {
      'circle-radius': ['get', 'r'],
      'circle-color': ['get', 'c'],
      'circle-opacity': 0.75,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 1,
    },
  });
  return map;
}

async function setData(source, data) {
  await mapReady();
  const map = ensureLayers();
  const src = map && map.getSource(source);
  if (src) src.setData(data);
}

/** The name of a library scenario, once the library is loaded. */
export function libraryName(id) {
  const e = library.find((x) => x.id === id);
  return e ? e.name : null;
}

function entry(id) {
  return library.find((e) => e.id === id);
}

async function showScenario(id, hooks) {
  const e = entry(id);
  const about = $('#analyst-about');
  if (!e) return; // a scenario built here: described when it was saved
  const sources = (e.sources || []).map((s) => `<li>${esc(s)}</li>`).join('');
  about.innerHTML = `<p><strong>${esc(e.name)}</strong> <span class="bcp-meta">${esc(e.kind)} &middot; ${esc(e.status || '')}${e.opening_year ? ` &middot; ${t('expected')} ${esc(e.opening_year)}` : ''}</span></p>
    <p>${esc(e.summary || '')}</p>
    <details><summary>${esc(t('Sources and notes'))}</summary>${e.notes ? `<p>${esc(e.notes)}</p>` : ''}<ul>${sources}</ul></details>`;
  try {
    const detail = await api.libraryScenario(id);
    await setData('planned', detail.geometry || EMPTY);
    hooks.plannedLines = (detail.geometry && detail.geometry.features.length) || 0;
  } catch (err) {
    showMessage(err);
  }
}

function status(msg) {
  const s = $('#analyst-status');
  s.textContent = msg;
  s.hidden = !msg;
  if (msg) announce(msg);
}

function csv(rows) {
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

function renderCompare(c) {
  const out = $('#analyst-compare-out');
  const pct = (x) => `${x > 0 ? '+' : ''}${fmtNum(x, 2)}%`;
  const cps = c.country_pairs.filter((p) => p.improved + p.worsened + p.corridor_changed > 0).slice(0, 12);
  const rows = cps
    .map((p) => `<tr><td>${esc(p.from)}&rarr;${esc(p.to)}</td><td class="num">${p.pairs}</td><td class="num">${p.improved}</td><td class="num">${p.worsened}</td><td class="num">${fmtNum(p.mean_delta_hours, 1)}</td><td class="num">${pct(p.mean_delta_generalized_pct)}</td></tr>`)
    .join('');
  const winners = c.winners
    .slice(0, 8)
    .map((w) => `<li>${esc(w.name)} (${esc(w.country)}): ${pct(w.mean_delta_generalized_pct)}</li>`)
    .join('');
  out.innerHTML = `<p data-testid="analyst-compare-summary">${esc(
    t('{n} pairs: {i} improved, {w} worsened; {s}% change corridor. Matrices: {b} s and {x} s.', {
      n: c.comparable_pairs,
      i: c.improved_pairs,
      w: c.worsened_pairs,
      s: fmtNum(c.corridor_changed_share * 100, 1),
      b: fmtNum(c.base_seconds, 2),
      x: fmtNum(c.scenario_seconds, 2),
    }),
  )}</p>
    ${rows ? `<table class="scn-table" data-testid="analyst-country-pairs"><thead><tr><th>${esc(t('Countries'))}</th><th>${esc(t('pairs'))}</th><th>${esc(t('better'))}</th><th>${esc(t('worse'))}</th><th>&Delta;h</th><th>&Delta;%</th></tr></thead><tbody>${rows}</tbody></table>` : `<p>${esc(t('No country pair changes.'))}</p>`}
    ${winners ? `<p>${esc(t('Places that gain most'))}:</p><ul class="plain" data-testid="analyst-winners">${winners}</ul>` : ''}
    <button type="button" class="secondary" id="analyst-compare-csv" data-testid="analyst-compare-csv">${esc(t('Export CSV'))}</button>`;
  out.hidden = false;
  $('#analyst-compare-csv').addEventListener('click', () => {
    const name = (i, list) => (list[i] ? list[i].name : '');
    const rowsOut = [['from', 'to', 'base_hours', 'scenario_hours', 'base_cost_usd', 'scenario_cost_usd', 'delta_generalized_usd', 'corridor_changed']];
    for (const p of c.pairs) rowsOut.push([name(p.source, c.sources), name(p.target, c.targets), p.base_hours, p.scenario_hours, p.base_cost_usd, p.scenario_cost_usd, p.delta_generalized_usd, p.corridor_changed]);
    download(`compare-${c.scenario.projects[0] || 'scenario'}.csv`, 'text/csv', csv(rowsOut));
  });
}

/** Circle radius and colour for the current view. */
async function styleAccess() {
  if (!access) return;
  const ma = (p, side) => (p[side] && p[side].market_access) || 0;
  const max = Math.max(1e-12, ...access.places.map((p) => Math.max(ma(p, 'base'), ma(p, 'scenario'))));
  const maxD = Math.max(0.01, ...access.places.map((p) => Math.abs(p.delta_market_access_pct || 0)));
  const features = access.places.map((p) => {
    const d = p.delta_market_access_pct || 0;
    let r;
    let c;
    if (view === 'difference') {
      r = 3 + 15 * Math.sqrt(Math.abs(d) / maxD);
      c = d > 0.005 ? GAIN : d < -0.005 ? LOSS : FLAT;
    } else {
      const side = view === 'before' ? 'base' : 'scenario';
      r = 3 + 15 * Math.sqrt(ma(p, side) / max);
      c = '#1d4ed8';
    }
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: { name: p.name, r, c, d },
    };
  });
  await setData('access', { type: 'FeatureCollection', features });
  hooks.accessDrawn = features.length;
  const legend = $('#access-legend');
  legend.hidden = false;
  const scale =
    view === 'difference'
      ? `<span class="swatch gain"></span> ${esc(t('gain'))} <span class="swatch loss"></span> ${esc(t('loss'))} <span class="swatch flat"></span> ${esc(t('no change'))}<br>${esc(t('largest circle'))}: ${fmtNum(maxD, 2)}%`
      : `<span class="swatch base"></span> ${esc(t('market access'))} (${esc(t('largest circle'))}: ${fmtNum(max, 0)})`;
  legend.querySelector('.access-scale').innerHTML = scale;
}

async function renderAccess(r) {
  access = r;
  const out = $('#analyst-access-out');
  const top = [...r.places].sort((a, b) => (b.delta_market_access_pct || 0) - (a.delta_market_access_pct || 0)).slice(0, 10);
  const f = (x) => (x === null || x === undefined ? '\u2013' : fmtNum(x, 1));
  const rows = top
    .map((p) => `<tr><td>${esc(p.name)} (${esc(p.country)})</td><td class="num">${f(p.base.port_hours)}&rarr;${f(p.scenario.port_hours)}</td><td class="num">${f(p.base.border_hours)}&rarr;${f(p.scenario.border_hours)}</td><td class="num">${p.delta_market_access_pct === null ? '\u2013' : `${p.delta_market_access_pct > 0 ? '+' : ''}${fmtNum(p.delta_market_access_pct, 2)}%`}</td></tr>`)
    .join('');
  out.innerHTML = `<p>${esc(t('Market access: population of the {m} largest cities over generalized cost to the power {e} ({src}).', { m: r.markets, e: fmtNum(r.elasticity, 3), src: r.elasticity_source.slice(0, 60) }))}</p>
    <table class="scn-table" data-testid="analyst-access-table"><thead><tr><th>${esc(t('Place'))}</th><th>${esc(t('h to port'))}</th><th>${esc(t('h to border'))}</th><th>${esc(t('market access'))}</th></tr></thead><tbody>${rows}</tbody></table>
    <button type="button" class="secondary" id="analyst-access-csv" data-testid="analyst-access-csv">${esc(t('Export CSV'))}</button>`;
  out.hidden = false;
  $('#analyst-access-csv').addEventListener('click', () => {
    const rowsOut = [['place', 'country', 'base_port_hours', 'scenario_port_hours', 'base_border_hours', 'scenario_border_hours', 'base_market_access', 'scenario_market_access', 'delta_market_access_pct']];
    for (const p of r.places) rowsOut.push([p.name, p.country, p.base.port_hours, p.scenario.port_hours, p.base.border_hours, p.scenario.border_hours, p.base.market_access, p.scenario.market_access, p.delta_market_access_pct]);
    download('accessibility.csv', 'text/csv', csv(rowsOut));
  });
  await styleAccess();
}

let hooks = {};

export async function initAnalyst(testHooks, { applyScenario, mapReady: ready }) {
  hooks = testHooks;
  mapReady = ready;
  const toggle = $('#analyst-toggle');
  const body = $('#analyst-body');
  toggle.addEventListener('click', async () => {
    const open = body.hidden;
    body.hidden = !open;
    toggle.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (open && !library.length) {
      try {
        library = (await api.library()).scenarios || [];
        const sel = $('#analyst-scenario');
        sel.innerHTML = library.map((e) => `<option value="${esc(e.id)}">${esc(e.name)}</option>`).join('');
        $('#analyst-projects').innerHTML = library
          .filter((e) => e.kind === 'project')
          .map((e) => `<label class="check"><input type="checkbox" value="${esc(e.id)}" data-testid="analyst-project" /> ${esc(e.name.split(':')[0])}</label>`)
          .join('');
        hooks.library = library.length;
        await showScenario(sel.value, hooks);
      } catch (err) {
        showMessage(err);
      }
    }
  });
  $('#analyst-save').addEventListener('click', async () => {
    const projects = [...document.querySelectorAll('#analyst-projects input:checked')].map((i) => i.value);
    const pctFactor = (sel) => 1 + Number($(sel).value || 0) / 100;
    const mode_changes = [];
    if (pctFactor('#analyst-rail-tariff') !== 1) mode_changes.push({ mode: 'rail', cost_factor: pctFactor('#analyst-rail-tariff') });
    if (pctFactor('#analyst-road-cost') !== 1) mode_changes.push({ mode: 'road', cost_factor: pctFactor('#analyst-road-cost') });
    const list = (sel) => $(sel).value.split(',').map((x) => x.trim()).filter(Boolean);
    const body = {
      name: $('#analyst-name').value.trim() || t('My scenario'),
      projects,
      mode_changes,
      open_bcps: list('#analyst-open'),
      close_country_pairs: list('#analyst-close-pairs'),
    };
    try {
      const saved = await api.saveScenario(body);
      const sel = $('#analyst-scenario');
      const opt = document.createElement('option');
      opt.value = saved.id;
      opt.textContent = `${t('saved')}: ${saved.name}`;
      sel.appendChild(opt);
      sel.value = saved.id;
      hooks.builtScenario = saved.id;
      // A saved scenario draws the lines of the projects it switches on.
      const lines = [];
      for (const id of projects) {
        const d = await api.libraryScenario(id);
        lines.push(...((d.geometry && d.geometry.features) || []));
      }
      await setData('planned', { type: 'FeatureCollection', features: lines });
      hooks.plannedLines = lines.length;
      $('#analyst-about').textContent = `${saved.name}: ${[...projects, ...mode_changes.map((m) => `${m.mode} x ${m.cost_factor}`), ...body.open_bcps, ...body.close_country_pairs].join(', ')}`;
      announce(`${t('Scenario saved')}: ${saved.name}`);
    } catch (err) {
      showMessage(err);
    }
  });
  $('#analyst-scenario').addEventListener('change', (e) => {
    $('#analyst-compare-out').hidden = true;
    $('#analyst-access-out').hidden = true;
    setData('access', EMPTY);
    $('#access-legend').hidden = true;
    showScenario(e.target.value, hooks);
  });
  $('#analyst-route').addEventListener('click', () => applyScenario($('#analyst-scenario').value));
  /** A button that asks the server: busy while it runs, its status announced, errors shown. */
  const action = (sel, working, run) =>
    $(sel).addEventListener('click', async (e) => {
      const btn = e.currentTarget;
      btn.disabled = true;
      btn.classList.toggle('loading', true);
      status(working);
      try {
        await run({ scenario: $('#analyst-scenario').value, from: $('#analyst-places').value });
      } catch (err) {
        showMessage(err);
      } finally {
        status('');
        btn.disabled = false;
        btn.classList.toggle('loading', false);
      }
    });
  action('#analyst-compare', t('Comparing\u2026'), async (q) => {
    compareResult = await api.compare(q);
    hooks.compareResult = compareResult;
    renderCompare(compareResult);
  });
  action('#analyst-access', t('Measuring accessibility\u2026'), async (q) => {
    const r = await api.access({ ...q, markets: 100 });
    hooks.accessResult = r;
    await renderAccess(r);
  });
  for (const input of document.querySelectorAll('input[name=access-view]')) {
    input.addEventListener('change', async () => {
      view = input.value;
      hooks.accessView = view;
      await styleAccess();
    });
  }
}
