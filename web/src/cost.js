// Landed-cost panel: HS autocomplete, the cost form (kept in the URL state), POST /v1/cost
// (with the freight planned from the current route when asked) and the breakdown.
import * as api from './api.js';
import { $, setupAutocomplete } from './ui.js';
import { esc, fmtNum } from './format.js';
import { CURRENCIES, INCOTERMS, writeUrlState } from './state.js';

let state; // the page state (owned by main.js)
let hooks; // window.__caravan
let ctrl = null; // AbortController of the request in flight
let hsPicked = null; // {code, description} of the last autocomplete pick

const el = {};
const HS_CODE_RE = /^[0-9][0-9.\s]*$/;
const SHIPMENT_LABEL = { commercial: 'commercial cargo', postal_parcel: 'postal parcel', express_parcel: 'express parcel' };

const pad = (n) => String(n).padStart(2, '0');
/** Today's date (local) as YYYY-MM-DD. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A number >= 0 from an input, or null when blank or bad. */
function inputNum(input) {
  const t = input.value.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

const fmtMoney = (n) => (n === null || n === undefined || !Number.isFinite(Number(n)) ? null : fmtNum(n, 2));
const unknownHtml = '<span class="unknown" title="Not known: see the list of unknown items below">unknown</span>';

/** The route on the map (selected alternative, or the scenario's), to take the freight from. */
function routeInfo() {
  const cur = hooks.currentRoute ? hooks.currentRoute() : null;
  if (!cur) return null;
  return {
    cur,
    modes: [...state.modes],
    origin: cur.resp.origin || {},
    destination: cur.resp.destination || {},
    tonnes: Number(cur.resp.cargo_tonnes ?? state.tonnes),
  };
}

/**
 * The transport figures of a route for the landed cost (as the server's
 * caravan_cost::freight::transport_from_route): line haul and transfers as freight,
 * border fees apart, and the cost accumulated before the crossing into `destination`.
 */
export function transportFromRoute(resp, route, destination, label) {
  const s = route.summary;
  const entry = [...(route.border_crossings || [])].reverse().find((c) => c.countries && c.countries[1] === destination);
  let toBorder = null;
  if (entry) {
    const at = (route.profile || []).findIndex((p) => p.event === 'border' && Math.abs(p.km - entry.at_km) < 1e-6);
    // The running cost includes the fees of the crossings already passed; freight leaves
    // border fees out (they are border_fees_usd).
    const feesBefore = (route.border_crossings || []).filter((c) => c.at_km < entry.at_km - 1e-6).reduce((a, c) => a + (c.fee_usd || 0), 0);
    if (at > 0) toBorder = Math.max(0, route.profile[at - 1].cost_usd - feesBefore);
  }
  const crossings = (route.border_crossings || []).map((c) => c.name).join(', ') || 'none';
  const freight = s.cost_usd - s.cost_border_usd;
  return {
    freight_usd: freight,
    freight_to_border_usd: Math.min(toBorder ?? freight, freight),
    border_fees_usd: s.cost_border_usd,
    source: `Caravan route ${resp.origin?.name} -> ${resp.destination?.name} (${label}; ${(s.modes || []).join('+')}, ${Math.round(resp.cargo_tonnes)} t): ${Math.round(s.distance_km)} km, ${s.days.toFixed(1)} days, crossings ${crossings}`,
  };
}

const usingRoute = () => !!routeInfo() && state.rf;

/* ---------- form <-> state ---------- */

function fillForm() {
  el.hs.value = state.hs;
  el.value.value = state.val ?? String(state.value ?? '');
  el.currency.value = state.cur;
  el.incoterm.value = state.inco;
  el.shipment.value = state.ship;
  el.kg.value = state.kg ?? '';
  el.date.value = state.date || today();
  el.insurance.value = state.ins ?? '';
  el.origin.value = state.co;
  el.destination.value = state.cd;
  el.freight.value = state.fr ?? '';
  el.preference.checked = state.pref;
  updateRouteUi();
}

/** Read the form into the state; return {body, route} for the API or {error, query}. */
function readForm() {
  state.hs = el.hs.value.trim();
  state.val = inputNum(el.value);
  state.cur = el.currency.value;
  state.inco = el.incoterm.value;
  state.ship = el.shipment.value;
  state.kg = inputNum(el.kg);
  state.date = el.date.value || today();
  state.ins = inputNum(el.insurance);
  if (!el.fromRoute.disabled) state.rf = el.fromRoute.checked;
  state.co = el.origin.value.trim().toUpperCase();
  state.cd = el.destination.value.trim().toUpperCase();
  state.fr = inputNum(el.freight);
  state.pref = el.preference.checked;

  const r = routeInfo();
  const useRoute = !!r && state.rf;
  if (!state.hs) return { error: 'Enter an HS code: type the goods in words and pick a code from the list, or type 2 to 10 digits.' };
  if (!HS_CODE_RE.test(state.hs)) {
    return { error: `"${state.hs}" is not an HS code: pick a code from the list (or type 2 to 10 digits).`, query: state.hs, title: 'Pick an HS code.' };
  }
  if (state.val === null) return { error: 'Enter the invoice value of the goods (a number, 0 or more).' };
  const origin = useRoute ? String(r.origin.country || '').toUpperCase() : state.co;
  const destination = useRoute ? String(r.destination.country || '').toUpperCase() : state.cd;
  if (useRoute && (!origin || !destination)) {
    return { error: 'The route\u2019s origin or destination is not in a known country: untick "Freight from the route" and give the countries.' };
  }
  if (!/^[A-Z]{2}$/.test(origin)) return { error: 'Origin country: two letters (ISO 3166 alpha-2), e.g. UZ.' };
  if (!/^[A-Z]{2}$/.test(destination)) return { error: 'Destination country: two letters (ISO 3166 alpha-2), e.g. KZ.' };
  // Asked, never defaulted: the weight prices the freight and any specific duty.
  const weight = state.kg;
  if (useRoute && !(weight > 0)) return { error: 'Give the gross weight in kg: it sets the tonnage of the route that prices the freight.', field: 'kg' };
  const transport = {};
  if (state.ins !== null) transport.insurance_usd = state.ins;
  if (!useRoute && state.fr !== null) transport.freight_usd = state.fr;
  return {
    body: {
      hs: state.hs.replace(/\s+/g, ''),
      value: state.val,
      currency: state.cur,
      incoterm: state.inco,
      origin,
      destination,
      date: state.date,
      shipment: state.ship,
      weight_kg: weight ?? null,
      quantity: null,
      transport,
      claim_preference: state.pref,
    },
    route: useRoute ? r : null,
  };
}

/** Show or hide the manual origin/destination/freight fields, and say what the route gives. */
function updateRouteUi() {
  const r = routeInfo();
  el.fromRoute.disabled = !r;
  el.fromRoute.checked = !!r && state.rf;
  const useRoute = !!r && state.rf;
  el.manual.hidden = useRoute;
  if (r && !useRoute) {
    // Start the manual fields from the route's countries.
    if (!el.origin.value && r.origin.country) el.origin.value = r.origin.country;
    if (!el.destination.value && r.destination.country) el.destination.value = r.destination.country;
  }
  const name = (p) => `${p.name || p.query || '?'}${p.country ? ` (${p.country})` : ''}`;
  el.routeInfo.textContent = !r
    ? 'No route yet: plan one above to price the freight from it, or give the countries and the freight here.'
    : useRoute
      ? `Countries, freight and border fees from the route on the map (${r.cur.label}) ${name(r.origin)} \u2192 ${name(r.destination)}, planned again for the weight given.`
      : 'Freight not from the route: give it below (blank = unknown).';
}

/* ---------- compute ---------- */

function setLoading(on) {
  const btn = el.compute;
  btn.disabled = on;
  btn.classList.toggle('loading', on);
  btn.querySelector('.label').textContent = on ? 'Computing\u2026' : 'Compute';
}

export async function computeCost() {
  openPanel(true);
  const req = readForm();
  writeUrlState(state);
  if (ctrl) ctrl.abort();
  if (req.error) {
    hooks.costError = { code: 'invalid_input', message: req.error };
    showError({ code: 'invalid_input', message: req.error, title: req.title, suggestions: [] }, req.query);
    return;
  }
  const mine = (ctrl = new AbortController());
  setLoading(true);
  hooks.costing = true;
  hooks.costError = null;
  hooks.costRequest = req;
  el.result.classList.add('stale');
  try {
    if (req.route) {
      // The selected alternative (or the scenario's route), planned for this weight.
      const tonnes = req.body.weight_kg / 1000;
      const same = Math.abs(tonnes - req.route.tonnes) < 1e-9;
      const cur = same ? req.route.cur : await hooks.currentRouteFor(tonnes);
      if (mine.signal.aborted) return;
      req.body.transport = { ...transportFromRoute(cur.resp, cur.route, req.body.destination, cur.label), ...req.body.transport };
      req.routeLabel = cur.label;
    }
    const resp = await api.postCost(req.body, null, mine.signal);
    hooks.costResponse = resp;
    showError(null);
    renderResult(resp, req);
  } catch (e) {
    if (e.name === 'AbortError') return;
    hooks.costResponse = null;
    hooks.costError = { code: e.code, message: e.message, status: e.status };
    el.result.hidden = true;
    showError(e, e.code === 'unknown_hs_code' ? req.body.hs : null);
  } finally {
    if (ctrl === mine) {
      ctrl = null;
      hooks.costing = false;
      setLoading(false);
      el.result.classList.remove('stale');
    }
  }
}

/* ---------- errors ---------- */

const ERROR_TITLES = {
  unknown_hs_code: 'Unknown HS code.',
  no_country_data: 'No import-tax data for that country.',
  no_route: 'No route for the freight.',
  unknown_place: 'Route place not found.',
  network: 'The server cannot be reached.',
};

function pickCode(code, description) {
  el.hs.value = code;
  hsPicked = { code, description };
  showDesc();
  computeCost();
}

function suggestionButtons(list, label) {
  const box = document.createElement('div');
  box.className = 'suggestions';
  box.append(label);
  for (const s of list) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link';
    b.dataset.testid = 'cost-suggestion';
    b.dataset.code = s.id;
    b.textContent = `${s.id}${s.name ? ` \u2013 ${s.name}` : ''}`;
    b.addEventListener('click', () => pickCode(s.id, s.name));
    box.appendChild(b);
  }
  return box;
}

/**
 * Show a cost error (ApiError or {code,message,title?,suggestions}); suggestions become
 * buttons that fill the HS code. With `query` and no suggestions from the server, codes
 * matching the query (or the code's heading/chapter) are looked up and offered.
 */
function showError(err, query) {
  const box = el.error;
  box.innerHTML = '';
  if (!err) {
    box.hidden = true;
    return;
  }
  const title = err.title || ERROR_TITLES[err.code] || (err.code === 'invalid_input' ? '' : 'The cost could not be computed.');
  if (title) {
    const t = document.createElement('div');
    t.className = 'msg-title';
    t.textContent = title;
    box.appendChild(t);
  }
  const p = document.createElement('div');
  p.textContent = err.message;
  box.appendChild(p);
  const sugs = (err.suggestions || []).map((s) => (typeof s === 'string' ? { id: s, name: '' } : s)).filter((s) => s && s.id);
  if (sugs.length) box.appendChild(suggestionButtons(sugs, 'Did you mean: '));
  if (err.code === 'unknown_hs_code') {
    const h = document.createElement('div');
    h.className = 'err-hint';
    h.textContent = 'Tip: type the goods in words in the HS code field and pick a code from the list.';
    box.appendChild(h);
  }
  box.hidden = false;
  if (!sugs.length && query) lookupSuggestions(query, box);
}

async function lookupSuggestions(query, box) {
  const digits = query.replace(/[^0-9]/g, '');
  const tries = HS_CODE_RE.test(query) ? [digits.slice(0, 4), digits.slice(0, 2)].filter((q, i, a) => q.length >= 2 && a.indexOf(q) === i) : [query];
  for (const q of tries) {
    let res;
    try {
      res = await api.searchHs(q, 6);
    } catch {
      return;
    }
    const codes = ((res && res.codes) || []).map((c) => c.entry).filter((e) => !HS_CODE_RE.test(query) || e.code.startsWith(q));
    if (box.hidden) return; // cleared meanwhile
    if (codes.length) {
      box.appendChild(suggestionButtons(codes.map((e) => ({ id: e.code, name: e.description })), HS_CODE_RE.test(query) ? `Codes under ${q}: ` : 'Codes that match: '));
      return;
    }
  }
}

/* ---------- result ---------- */

function linkify(text) {
  return esc(text).replace(/https?:\/\/[^\s;,)]+[^\s;,).]/g, (u) => `<a href="${u}" target="_blank" rel="noopener noreferrer">${u}</a>`);
}

function renderResult(resp, req) {
  const refs = [];
  const ref = (src) => {
    if (!src) return '';
    let i = refs.indexOf(src);
    if (i < 0) i = refs.push(src) - 1;
    return `<a class="ref" href="#cost-src-${i + 1}" data-ref="${i + 1}" title="${esc(src)}">[${i + 1}]</a>`;
  };
  const money = (n) => fmtMoney(n) ?? unknownHtml;
  const lines = resp.lines || [];
  const rows = lines
    .map((l) => {
      const cur = l.currency && l.currency !== 'USD' ? ` <span class="cur">${esc(l.currency)}</span>` : '';
      const amount = l.amount === null || l.amount === undefined ? unknownHtml : `${fmtMoney(l.amount)}${cur}`;
      const note = l.note
        ? `<tr class="note-row" data-kind="${esc(l.kind)}"><td colspan="5"><div class="line-note" title="Click to show all">${esc(l.note)}</div></td></tr>`
        : '';
      return `<tr data-kind="${esc(l.kind)}" data-testid="cost-line" class="${l.amount === null || l.amount === undefined ? 'is-unknown' : ''}">
        <td><span class="line-label">${esc(l.label)}</span><span class="line-kind">${esc(l.kind.replace(/_/g, ' '))}</span></td>
        <td class="num">${l.base === null || l.base === undefined ? '' : fmtMoney(l.base)}</td>
        <td class="num rate">${esc(l.rate ?? '')}</td>
        <td class="num amt">${amount}</td>
        <td class="src">${ref(l.source)}</td></tr>${note}`;
    })
    .join('');

  const total = resp.total || {};
  const lower = resp.complete === false;
  const totalAmt = total.amount === null || total.amount === undefined ? unknownHtml : `${lower ? '\u2265 ' : ''}${esc(total.currency || 'USD')} ${fmtMoney(total.amount)}`;
  const local = resp.total_local && resp.total_local.amount !== null && resp.total_local.amount !== undefined
    ? `<div class="s" data-testid="cost-total-local">${lower ? '\u2265 ' : '\u2248 '}${esc(resp.total_local.currency)} ${fmtNum(resp.total_local.amount, 0)}</div>`
    : '';
  const lowerBadge = lower
    ? ' <span class="badge lower" data-testid="cost-lower-bound" title="Some items are unknown (listed below): the true landed cost is at least this.">lower bound</span>'
    : '';

  const db = resp.duty_basis || null;
  const dutyLine = lines.find((l) => l.kind === 'duty');
  let dutyHtml = '';
  if (db) {
    const ag = db.agreement;
    const saved = ag && Number.isFinite(db.mfn_amount_usd) && dutyLine && Number.isFinite(dutyLine.amount) ? db.mfn_amount_usd - dutyLine.amount : null;
    // Whether the rate is the tariff line itself, an average, or unknown.
    const level = String(db.level || '');
    const mfnLevel = String(db.mfn_level || 'unknown');
    const rateKind = ['national_line', 'line', 'user_schedule'].includes(mfnLevel)
      ? ['line', mfnLevel === 'national_line' ? 'MFN: national tariff line' : mfnLevel === 'user_schedule' ? 'MFN: your schedule' : 'MFN: tariff line']
      : mfnLevel.endsWith('_average')
        ? ['average', 'MFN: an average, not this line\'s rate']
        : ['unknown', 'MFN rate unknown'];
    const nat = (resp.national_lines || []).length
      ? `<dt>National lines</dt><dd data-testid="cost-national-lines">${resp.duty_range ? `USD ${fmtMoney(resp.duty_range.min_usd)} to ${fmtMoney(resp.duty_range.max_usd)}; ` : ''}give the 10-digit code:<ul>${resp.national_lines
          .slice(0, 12)
          .map((n) => `<li><b>${esc(n.hs)}</b> ${esc(n.rate)}${Number.isFinite(n.duty_usd) ? ` = USD ${fmtMoney(n.duty_usd)}` : ''}</li>`)
          .join('')}</ul></dd>`
      : '';
    dutyHtml = `<div class="cost-duty" data-testid="cost-duty-basis"><h4>Duty basis</h4><dl>
      <dt>Level</dt><dd>${esc(level.replace(/_/g, ' '))} <span class="badge rate-kind ${rateKind[0]}" data-testid="cost-rate-kind" data-kind="${rateKind[0]}">${esc(rateKind[1])}</span></dd>${nat}
      <dt>Applied rate</dt><dd>${esc(db.rate ?? 'unknown')} ${ref(db.source)}</dd>
      <dt>MFN rate</dt><dd>${esc(db.mfn_rate ?? 'unknown')}${Number.isFinite(db.mfn_amount_usd) ? ` = USD ${fmtMoney(db.mfn_amount_usd)}` : ''}</dd>
      ${ag ? `<dt>Preference</dt><dd data-testid="cost-agreement"><b>${esc(ag.name)}</b> ${ref(ag.source)}${saved !== null && saved > 0.005 ? ` <span class="saving">saves USD ${fmtMoney(saved)}</span>` : ''}</dd>
      <dt>Rule of origin</dt><dd class="roo">${esc(ag.rule_of_origin || 'not stated')}</dd>` : ''}
    </dl></div>`;
  }

  const unknown = (resp.unknown || []).length
    ? `<div class="cost-unknown" data-testid="cost-unknown"><h4>Not known (${resp.unknown.length})</h4><ul>${resp.unknown
        .map((u) => `<li><b>${esc(u.item)}</b>: ${esc(u.reason)}</li>`)
        .join('')}</ul></div>`
    : '';
  const warnings = (resp.warnings || []).length
    ? `<div data-testid="cost-warnings"><h4>Warnings (${resp.warnings.length})</h4><ul class="warnings">${resp.warnings
        .map((w) => `<li>${esc(typeof w === 'string' ? w : JSON.stringify(w))}</li>`)
        .join('')}</ul></div>`
    : '';
  const fx = (resp.fx_used || []).length
    ? `<div class="cost-fx" data-testid="cost-fx"><h4>Exchange rates used</h4><table class="cost-table fx">
        <thead><tr><th>Currency</th><th class="num">per USD</th><th>Date</th><th></th></tr></thead><tbody>${resp.fx_used
          .map((f) => `<tr><td>${esc(f.currency)}</td><td class="num">${fmtNum(f.per_usd, f.per_usd >= 100 ? 2 : 4)}</td><td>${esc(f.date)}</td><td class="src">${ref(f.source)}</td></tr>`)
          .join('')}</tbody></table></div>`
    : '';
  const goods = resp.goods || {};
  const path = (goods.path || []).map((p) => `<li>${esc(p)}</li>`).join('');
  const valuation = `<div class="cost-meta">Customs value (${esc(resp.valuation_basis || '?')} basis): <b>${resp.customs_value_usd === null || resp.customs_value_usd === undefined ? unknownHtml : `USD ${fmtMoney(resp.customs_value_usd)}`}</b> ${ref(resp.valuation_source)}</div>`;
  // Built last so every source above has its number.
  const sources = refs.length
    ? `<details class="cost-sources" data-testid="cost-sources"><summary>Sources (${refs.length})</summary><ol>${refs
        .map((s, i) => `<li id="cost-src-${i + 1}">${linkify(s)}</li>`)
        .join('')}</ol></details>`
    : '';

  el.result.innerHTML = `
    <div class="cost-goods" data-testid="cost-goods"><span class="hs-code">HS ${esc(goods.hs)}</span><ol class="hs-path">${path}</ol></div>
    <div class="cost-meta">${esc(resp.origin)} \u2192 ${esc(resp.destination)} &middot; ${esc(resp.date)} &middot; ${esc(resp.incoterm)} &middot; ${esc(SHIPMENT_LABEL[resp.shipment] || resp.shipment)}${req.route ? ` &middot; freight from the route (${esc(req.routeLabel)})` : ''}</div>
    ${valuation}
    <table class="cost-table lines" data-testid="cost-lines">
      <colgroup><col /><col class="c-base" /><col class="c-rate" /><col class="c-amt" /><col class="c-src" /></colgroup>
      <thead><tr><th>Item</th><th class="num">Base</th><th class="num">Rate</th><th class="num">USD</th><th title="Source (hover, or see the list below)">Src</th></tr></thead>
      <tbody>${rows}</tbody>
    </table>
    <div class="cost-total${lower ? ' incomplete' : ''}" data-testid="cost-total">
      <div class="k">Landed cost${lowerBadge}</div>
      <div class="v">${totalAmt}</div>
      ${local}
    </div>
    ${dutyHtml}${unknown}${warnings}${fx}${sources}`;
  el.result.hidden = false;
}

/* ---------- panel ---------- */

function openPanel(open) {
  el.body.hidden = !open;
  el.toggle.setAttribute('aria-expanded', String(open));
  el.toggle.classList.toggle('open', open);
}

function showDesc() {
  const code = el.hs.value.trim();
  const d = hsPicked && hsPicked.code === code ? hsPicked.description : '';
  el.desc.textContent = d;
  el.desc.hidden = !d;
}

/** Called by main.js after every route answer (or failure: resp null). */
export function onRouteChanged({ recompute = true } = {}) {
  updateRouteUi();
  // A shared link (or an earlier computation) with an HS code recomputes on the new route.
  if (recompute && state.hs && state.kg && routeInfo()) computeCost();
}

/** On page load without a route: recompute a linked cost that needs no route. */
export function restoreWithoutRoute() {
  if (state.hs && state.co && state.cd) computeCost();
  else if (state.hs) openPanel(true);
}

export function initCost(pageState, pageHooks) {
  state = pageState;
  hooks = pageHooks;
  Object.assign(hooks, { costResponse: null, costError: null, costRequest: null, costing: false });
  Object.assign(el, {
    toggle: $('#cost-toggle'),
    body: $('#cost-body'),
    form: $('#cost-form'),
    hs: $('#cost-hs'),
    hsList: $('#cost-hs-list'),
    desc: $('#cost-hs-desc'),
    value: $('#cost-value'),
    currency: $('#cost-currency'),
    incoterm: $('#cost-incoterm'),
    shipment: $('#cost-shipment'),
    kg: $('#cost-weight'),
    date: $('#cost-date'),
    insurance: $('#cost-insurance'),
    fromRoute: $('#cost-from-route'),
    routeInfo: $('#cost-route-info'),
    manual: $('#cost-manual'),
    origin: $('#cost-origin'),
    destination: $('#cost-destination'),
    freight: $('#cost-freight'),
    preference: $('#cost-preference'),
    compute: $('#cost-compute'),
    error: $('#cost-error'),
    result: $('#cost-result'),
  });
  el.currency.innerHTML = CURRENCIES.map((c) => `<option value="${c}">${c}</option>`).join('');
  el.incoterm.innerHTML = INCOTERMS.map((c) => `<option value="${c}">${c}</option>`).join('');

  setupAutocomplete(el.hs, el.hsList, (q, signal) => api.searchHs(q, 8, signal), (c) => {
    hsPicked = { code: c.code, description: c.description };
    el.hs.value = c.code;
    showDesc();
  }, {
    items: (res) => ((res && res.codes) || []).map((c) => c.entry),
    html: (e) => `<span class="ac-name">${esc(e.code)}</span><span class="ac-desc">${esc(e.description)}</span>`,
    testid: 'hs-suggestion',
    data: (e) => ({ code: e.code }),
    skip: () => false,
  });
  el.hs.addEventListener('input', showDesc);
  el.fromRoute.addEventListener('change', () => {
    state.rf = el.fromRoute.checked;
    updateRouteUi();
  });
  for (const i of [el.origin, el.destination]) i.addEventListener('input', () => (i.value = i.value.toUpperCase()));
  el.toggle.addEventListener('click', () => openPanel(el.body.hidden));
  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    computeCost();
  });
  // Source references: open the list and scroll to the entry.
  el.result.addEventListener('click', (e) => {
    const a = e.target.closest('a.ref');
    if (a) {
      e.preventDefault();
      const det = el.result.querySelector('.cost-sources');
      if (det) det.open = true;
      const li = el.result.querySelector(`#cost-src-${a.dataset.ref}`);
      if (li) {
        li.scrollIntoView({ block: 'nearest' });
        li.classList.add('flash');
        setTimeout(() => li.classList.remove('flash'), 1200);
      }
      return;
    }
    const note = e.target.closest('.line-note');
    if (note) note.classList.toggle('full');
  });
  fillForm();
  if (state.hs) openPanel(true);
}
