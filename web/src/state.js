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
//   open              comma list of BCP ids closed in the data and reopened in the scenario
//   avoid             comma list of countries (ISO alpha-2) the routes must not enter
//   abcp              comma list of BCP ids the routes must not use
//   dep               departure, local date-time YYYY-MM-DDTHH:MM (arrival time at each step)
//   via               stops on the way, separated by ';' (names, UN/LOCODEs or lat,lon)
//   lang              interface language: en (default) or ru
// Landed-cost panel (written only while an HS code is set):
//   hs                HS code (2-10 digits)
//   val, cur          invoice value and its currency
//   inco              Incoterm (EXW, FCA, FOB, ...)
//   kg                gross weight in kg (absent = the route's cargo tonnes x 1000)
//   ship              commercial | postal_parcel | express_parcel
//   date              declaration date YYYY-MM-DD (absent = today)
//   ins               insurance in USD
//   rf=0              do not take the freight from the route (then co, cd, fr apply)
//   co, cd, fr        origin / destination country (ISO alpha-2), freight in USD
//   pref=0            do not claim a trade preference

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
  open: [],
  avoid: [],
  abcp: [],
  dep: '',
  via: [],
  hs: '',
  val: null,
  cur: 'USD',
  inco: 'FOB',
  kg: null,
  ship: 'commercial',
  date: '',
  ins: null,
  rf: true,
  co: '',
  cd: '',
  fr: null,
  pref: true,
});

export const CURRENCIES = ['USD', 'EUR', 'CNY', 'RUB', 'KZT', 'UZS', 'KGS', 'TJS', 'TMT', 'PKR', 'INR', 'AFN', 'IRR', 'TRY', 'AZN', 'GEL', 'AMD', 'BYN', 'MNT'];
export const INCOTERMS = ['EXW', 'FCA', 'FOB', 'CFR', 'CPT', 'CIF', 'CIP', 'DAP', 'DPU', 'DDP'];
export const SHIPMENTS = ['commercial', 'postal_parcel', 'express_parcel'];

const OPTIMIZE = ['generalized', 'fastest', 'cheapest', 'greenest'];
const MODES = ['road', 'rail', 'sea'];

/** A positive-or-zero number or null (absent, blank or bad). */
function optNum(v, max = 1e13) {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 && n <= max ? n : null;
}

const iso2 = (v) => (/^[A-Za-z]{2}$/.test((v || '').trim()) ? v.trim().toUpperCase() : '');

function num(v, fallback, min, max) {
  const n = Number(v);
  if (v === null || v === '' || !Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

const list = (v) => [...new Set((v || '').split(',').map((s) => s.trim()).filter(Boolean))];

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
    close: list(p.get('close')),
    wait,
    scenario: p.get('scenario') || '',
    open: list(p.get('open')),
    avoid: list(p.get('avoid')).map((c) => c.toUpperCase()).filter((c) => /^[A-Z]{2}$/.test(c)),
    abcp: list(p.get('abcp')),
    via: (p.get('via') || '').split(';').map((x) => x.trim()).filter(Boolean).slice(0, 3),
    dep: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(p.get('dep') || '') ? p.get('dep') : '',
    hs: (p.get('hs') || '').trim().slice(0, 20),
    val: optNum(p.get('val')),
    cur: CURRENCIES.includes((p.get('cur') || '').toUpperCase()) ? p.get('cur').toUpperCase() : DEFAULTS.cur,
    inco: INCOTERMS.includes((p.get('inco') || '').toUpperCase()) ? p.get('inco').toUpperCase() : DEFAULTS.inco,
    kg: optNum(p.get('kg'), 1e9),
    ship: SHIPMENTS.includes(p.get('ship')) ? p.get('ship') : DEFAULTS.ship,
    date: /^\d{4}-\d{2}-\d{2}$/.test(p.get('date') || '') ? p.get('date') : '',
    ins: optNum(p.get('ins')),
    rf: p.get('rf') !== '0',
    co: iso2(p.get('co')),
    cd: iso2(p.get('cd')),
    fr: optNum(p.get('fr')),
    pref: p.get('pref') !== '0',
  };
}

/**
 * Write the state into the URL: replacing the current history entry, or with
 * `{push: true}` adding one (a new route), so the browser's Back returns to the last one.
 */
export function writeUrlState(s, { push = false } = {}) {
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
  if (s.open && s.open.length) p.set('open', s.open.join(','));
  if (s.avoid && s.avoid.length) p.set('avoid', s.avoid.join(','));
  if (s.abcp && s.abcp.length) p.set('abcp', s.abcp.join(','));
  if (s.dep) p.set('dep', s.dep);
  if (s.via && s.via.length) p.set('via', s.via.join(';'));
  if (s.hs) {
    p.set('hs', s.hs);
    if (s.val !== null && s.val !== undefined) p.set('val', String(s.val));
    if (s.cur && s.cur !== DEFAULTS.cur) p.set('cur', s.cur);
    if (s.inco && s.inco !== DEFAULTS.inco) p.set('inco', s.inco);
    if (s.kg !== null && s.kg !== undefined) p.set('kg', String(s.kg));
    if (s.ship && s.ship !== DEFAULTS.ship) p.set('ship', s.ship);
    if (s.date) p.set('date', s.date);
    if (s.ins !== null && s.ins !== undefined) p.set('ins', String(s.ins));
    if (!s.rf) p.set('rf', '0');
    if (s.co) p.set('co', s.co);
    if (s.cd) p.set('cd', s.cd);
    if (s.fr !== null && s.fr !== undefined) p.set('fr', String(s.fr));
    if (!s.pref) p.set('pref', '0');
  }
  const lang = new URLSearchParams(window.location.search).get('lang');
  if (lang) p.set('lang', lang);
  const qs = p.toString();
  const url = `${window.location.pathname}${qs ? `?${qs}` : ''}${window.location.hash}`;
  if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
  if (push) window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}

/** Scenario object for the API from the page state (null when empty). */
export function scenarioFromState(s) {
  const close_bcps = [...(s.close || [])];
  const open_bcps = [...(s.open || [])];
  const bcp_changes = Object.entries(s.wait || {}).map(([bcp, wait_hours]) => ({ bcp, wait_hours }));
  if (!close_bcps.length && !open_bcps.length && !bcp_changes.length) return null;
  return { close_bcps, open_bcps, bcp_changes };
}
