// Page state <-> URL query string, so a copied link reproduces the view.
//
// Parameter names (kept short but readable):
//   from, to          origin / destination as sent to the API (name, UN/LOCODE or "lat,lon")
//   modes             comma list of road,rail,sea
//   optimize          generalized | fastest | cheapest | greenest
//   tonnes, value     cargo tonnes, cargo value in USD
//   alternatives      0..3
//   route             index of the selected route (0 = best)
//   close             comma list of BCP ids closed in the scenario
//   wait              comma list of `bcpId=hours` clearance-time changes
//   scenario          id of a saved scenario applied in the comparison

export const DEFAULTS = Object.freeze({
  from: '',
  to: '',
  modes: ['road', 'rail', 'sea'],
  optimize: 'generalized',
  tonnes: 20,
  value: 50000,
  alternatives: 2,
  route: 0,
  close: [],
  wait: {},
  scenario: '',
});

const OPTIMIZE = ['generalized', 'fastest', 'cheapest', 'greenest'];
const MODES = ['road', 'rail', 'sea'];

function num(v, fallback, min, max) {
  const n = Number(v);
  if (v === null || v === '' || !Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

/** Parse the page state from a query string (tolerant: bad values fall back to defaults). */
export function readUrlState(search = window.location.search) {
  const p = new URLSearchParams(search);
  const modes = (p.get('modes') || '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => MODES.includes(m));
  const wait = {};
  for (const item of (p.get('wait') || '').split(',')) {
    const i = item.lastIndexOf('=');
    if (i <= 0) continue;
    const h = Number(item.slice(i + 1));
    if (Number.isFinite(h) && h >= 0) wait[item.slice(0, i)] = h;
  }
  return {
    from: p.get('from') || '',
    to: p.get('to') || '',
    modes: p.has('modes') ? modes : [...DEFAULTS.modes],
    optimize: OPTIMIZE.includes(p.get('optimize')) ? p.get('optimize') : DEFAULTS.optimize,
    tonnes: num(p.get('tonnes'), DEFAULTS.tonnes, 0.001, 1e6),
    value: num(p.get('value'), DEFAULTS.value, 0, 1e12),
    alternatives: Math.round(num(p.get('alternatives'), DEFAULTS.alternatives, 0, 3)),
    route: Math.round(num(p.get('route'), 0, 0, 3)),
    close: (p.get('close') || '').split(',').map((s) => s.trim()).filter(Boolean),
    wait,
    scenario: p.get('scenario') || '',
  };
}

/** Write the state into the URL without adding a history entry. */
export function writeUrlState(s) {
  const p = new URLSearchParams();
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  p.set('modes', s.modes.join(','));
  p.set('optimize', s.optimize);
  p.set('tonnes', String(s.tonnes));
  p.set('value', String(s.value));
  p.set('alternatives', String(s.alternatives));
  if (s.route) p.set('route', String(s.route));
  if (s.close && s.close.length) p.set('close', s.close.join(','));
  const waits = Object.entries(s.wait || {}).map(([id, h]) => `${id}=${h}`);
  if (waits.length) p.set('wait', waits.join(','));
  if (s.scenario) p.set('scenario', s.scenario);
  const qs = p.toString();
  const url = `${window.location.pathname}${qs ? `?${qs}` : ''}${window.location.hash}`;
  window.history.replaceState(null, '', url);
}

/** Scenario object for the API from the page state (null when empty). */
export function scenarioFromState(s) {
  const close_bcps = [...(s.close || [])];
  const bcp_changes = Object.entries(s.wait || {}).map(([bcp, wait_hours]) => ({ bcp, wait_hours }));
  if (!close_bcps.length && !bcp_changes.length) return null;
  return { close_bcps, bcp_changes };
}
