// DOM rendering for the side panel, drawer and legend. Pure-ish functions: they take
// data + callbacks and (re)build their part of the page; main.js owns the state.
import { esc, fmtNum, fmtUsd, fmtDelta, fmtDateTime } from './format.js';
import { MODE_COLORS, modeClass, placeName, namesInText } from './map.js';
import { t } from './i18n.js';

export const $ = (sel) => document.querySelector(sel);

const COORD_RE = /^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/;
export const isCoord = (s) => COORD_RE.test(s || '');

/* ---------- names, announcements ---------- */

export { placeName, namesInText };

/** Say something to screen readers (polite live region). */
export function announce(msg) {
  const box = $('#announce');
  if (!box) return;
  box.textContent = '';
  // A fresh text node after a tick so the same message twice is read twice.
  setTimeout(() => {
    box.textContent = msg;
    window.__caravan && (window.__caravan.announced = msg);
  }, 50);
}

/* ---------- autocomplete ---------- */

const placeItem = {
  items: (res) => (res && res.places) || [],
  html: (p) => {
    const alias = p.matched && p.matched !== p.name ? ` <span class="ac-alias">(${esc(p.matched)})</span>` : '';
    return `<span class="ac-name">${esc(p.name)}</span>${alias}<span class="ac-meta">${esc(p.country)} &middot; ${esc(p.kind || '')} &middot; ${esc(p.id)}</span>`;
  },
  testid: 'suggestion',
  data: (p) => ({ placeId: p.id }),
  skip: isCoord,
};

/**
 * Attach autocomplete to an input. `search(q, signal)` returns the server's answer;
 * `onPick(item)` is called on click or Enter. Debounced so typing doesn't flood the server.
 * `opts` (default: places) = {items(res) -> list, html(item), testid, data(item) -> dataset, skip(q)}.
 */
export function setupAutocomplete(input, list, search, onPick, opts = {}) {
  const kind = { ...placeItem, ...opts };
  let timer = null;
  let ctrl = null;
  let items = [];
  let active = -1;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.classList.toggle('active', j === i));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    }
  };
  const pick = (i) => {
    const p = items[i];
    if (!p) return;
    close();
    onPick(p);
  };
  const render = () => {
    list.innerHTML = '';
    items.forEach((p, i) => {
      const li = document.createElement('li');
      li.id = `${list.id}-${i}`;
      li.setAttribute('role', 'option');
      li.dataset.testid = kind.testid;
      Object.assign(li.dataset, kind.data(p));
      li.innerHTML = kind.html(p);
      // mousedown, not click: click fires after the input's blur has closed the list.
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        pick(i);
      });
      list.appendChild(li);
    });
    // Answers arriving after the user left the field must not pop the list open.
    list.hidden = items.length === 0 || document.activeElement !== input;
    input.setAttribute('aria-expanded', String(!list.hidden));
    active = -1;
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2 || kind.skip(q)) {
      items = [];
      close();
      return;
    }
    timer = setTimeout(async () => {
      if (ctrl) ctrl.abort();
      ctrl = new AbortController();
      try {
        const res = await search(q, ctrl.signal);
        if (input.value.trim() !== q) return; // stale answer
        items = kind.items(res);
        render();
      } catch (e) {
        if (e.name !== 'AbortError') {
          items = [];
          close();
        }
      }
    }, 150);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden || !items.length) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      highlight((active + 1) % items.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      pick(active >= 0 ? active : 0);
    } else if (e.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    setTimeout(close, 120);
  });
  input.form?.addEventListener('submit', () => {
    clearTimeout(timer);
    if (ctrl) ctrl.abort();
    close();
  });
}

/* ---------- messages ---------- */

/**
 * Show an error/info message. `err` may be an ApiError (code, message, suggestions)
 * or a plain string. Suggestions become buttons calling onSuggestion(suggestion).
 */
export function showMessage(err, kind = 'error', onSuggestion) {
  const box = $('#message');
  box.className = `message ${kind}`;
  box.innerHTML = '';
  if (!err) {
    box.hidden = true;
    return;
  }
  const text = typeof err === 'string' ? err : err.message;
  const title = document.createElement('div');
  title.className = 'msg-title';
  if (typeof err !== 'string' && err.code === 'no_route') title.textContent = t('No route found.');
  else if (typeof err !== 'string' && err.code === 'unknown_place') title.textContent = t('Place not found.');
  if (title.textContent) box.appendChild(title);
  const p = document.createElement('div');
  p.textContent = text;
  box.appendChild(p);
  if (typeof err !== 'string' && err.blocking && err.blocking.length) {
    const ul = document.createElement('ul');
    for (const b of err.blocking) {
      const li = document.createElement('li');
      li.textContent = b;
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }
  if (typeof err !== 'string' && err.suggestions && err.suggestions.length && onSuggestion) {
    const s = document.createElement('div');
    s.className = 'suggestions';
    s.append(t('Did you mean: '));
    for (const sug of err.suggestions) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'link';
      b.dataset.testid = 'error-suggestion';
      b.textContent = typeof sug === 'string' ? sug : `${sug.name}${sug.country ? ` (${sug.country})` : ''}`;
      b.addEventListener('click', () => onSuggestion(sug));
      s.appendChild(b);
    }
    box.appendChild(s);
  }
  box.hidden = false;
}

/* ---------- route cards ---------- */

const modeLabel = (m) => (m === 'caspian_ferry' ? t('Caspian ferry') : t(m));
const modeChip = (m) => `<span class="chip ${modeClass(m)}">${esc(modeLabel(m))}</span>`;

function summaryHtml(s) {
  return `
    <div class="kpis">
      <div><span class="k">${esc(t('Time'))}</span><span class="v">${fmtNum(s.days, 1)} d</span><span class="s">${fmtNum(s.hours, 1)} h</span></div>
      <div><span class="k">${esc(t('Cost'))}</span><span class="v">${fmtUsd(s.cost_usd)}</span></div>
      <div><span class="k">${esc(t('Distance'))}</span><span class="v">${fmtNum(s.distance_km, 0)} km</span></div>
      <div><span class="k">CO2e</span><span class="v">${fmtNum(s.co2e_kg / 1000, 2)} t</span><span class="s">${fmtNum(s.co2e_kg, 0)} kg</span></div>
    </div>
    <table class="breakdown">
      <tr><th></th><th>${esc(t('moving'))}</th><th>${esc(t('borders'))}</th><th>${esc(t('transfers'))}</th></tr>
      <tr><th>${esc(t('hours'))}</th><td>${fmtNum(s.hours_moving, 1)}</td><td>${fmtNum(s.hours_border, 1)}</td><td>${fmtNum(s.hours_transfer, 1)}</td></tr>
      <tr><th>USD</th><td>${fmtNum(s.cost_moving_usd, 0)}</td><td>${fmtNum(s.cost_border_usd, 0)}</td><td>${fmtNum(s.cost_transfer_usd, 0)}</td></tr>
    </table>`;
}

export function renderWarnings(warnings) {
  const ul = $('#warnings');
  ul.innerHTML = '';
  for (const w of warnings || []) {
    const li = document.createElement('li');
    li.textContent = namesInText(typeof w === 'string' ? w : JSON.stringify(w));
    ul.appendChild(li);
  }
  ul.hidden = !(warnings && warnings.length);
}

/** One card per route; the selected one is highlighted; clicking a card selects it. */
export function renderRouteCards(resp, selected, onSelect) {
  const box = $('#route-cards');
  box.innerHTML = '';
  (resp.routes || []).forEach((r, i) => {
    const s = r.summary || {};
    const card = document.createElement('article');
    card.className = `route-card${i === selected ? ' selected' : ''}`;
    card.dataset.testid = i === 0 ? 'route-summary' : 'route-card';
    card.dataset.index = String(i);
    card.tabIndex = 0;
    if (i === selected) card.setAttribute('aria-current', 'true');
    card.setAttribute('aria-label', `${i === 0 ? t('Best route') : t('Alternative {n}', { n: i })}: ${fmtNum(s.distance_km, 0)} km, ${fmtNum(s.days, 1)} d, ${fmtUsd(s.cost_usd)}`);
    const defaults = r.unsourced_or_default || [];
    const diff = (r.distinguished_by || []).map((d) => `<li>${esc(namesInText(d))}</li>`).join('');
    const objective = Number.isFinite(s.objective) ? `<span class="objective" title="Value of the ${esc(resp.optimize)} objective (lower is better)">objective ${fmtNum(s.objective, 0)}</span>` : '';
    card.innerHTML = `
      <header>
        <span class="rank">${esc(i === 0 ? t('Best route') : t('Alternative {n}', { n: i }))}</span>
        ${(s.modes || []).map(modeChip).join('')}
        ${objective}
      </header>
      ${summaryHtml(s)}
      <div class="countries" title="${esc(t('Countries crossed'))}">${esc((s.countries || []).join(' \u203a '))}</div>
      <div class="crossings">${esc(t('{n} border crossing(s): {list}', { n: (r.border_crossings || []).length, list: (r.border_crossings || []).map((b) => b.name).join('; ') || t('none') }))}</div>
      ${diff ? `<ul class="diff">${diff}</ul>` : ''}
      ${defaults.length ? `<details class="defaults" data-testid="defaults"><summary>${esc(t('Figures resting on defaults ({n})', { n: defaults.length }))}</summary><ul>${defaults.map((d) => `<li>${esc(d)}</li>`).join('')}</ul></details>` : ''}`;
    card.addEventListener('click', (e) => {
      if (e.target.closest('details')) return;
      onSelect(i);
    });
    card.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(i);
      }
    });
    box.appendChild(card);
  });
}

/* ---------- itinerary ---------- */

/**
 * Rows from legs + border crossings + transfers, in route order. Borders and transfers
 * happen where one leg ends and the next begins, so each event is snapped to the
 * nearest leg boundary by its at_km (robust when leg lengths and at_km disagree a
 * little, e.g. first-mile drayage counted in the distance but not in a leg).
 */
export function itineraryRows(route) {
  const legs = route.legs || [];
  const bounds = [0];
  for (const leg of legs) bounds.push(bounds[bounds.length - 1] + (leg.distance_km || 0));
  const nearest = (km) => {
    let best = 0;
    bounds.forEach((b, i) => {
      if (Math.abs(b - km) < Math.abs(bounds[best] - km)) best = i;
    });
    return best;
  };
  const rows = [];
  legs.forEach((leg, i) => {
    rows.push({ sort: [i, 1, 0], kind: 'leg', step: `${placeName(leg.from)} \u2192 ${placeName(leg.to)}`, mode: leg.mode, km: leg.distance_km, hours: leg.hours, usd: leg.cost_usd, at: bounds[i + 1] });
  });
  for (const b of route.border_crossings || []) {
    rows.push({ sort: [nearest(b.at_km), 0, b.at_km], kind: 'border', step: `${t('Border: {name} ({countries})', { name: b.name, countries: (b.countries || []).join(' \u2192 ') })}${b.gauge_change ? t(', gauge change') : ''}`, mode: b.mode, km: null, hours: b.wait_hours, usd: b.fee_usd, at: b.at_km, basis: b.wait_basis });
  }
  for (const tr of route.transfers || []) {
    // A transfer at the same place as a border (gauge change) comes after the border.
    rows.push({ sort: [nearest(tr.at_km), 0.5, tr.at_km], kind: 'transfer', step: t('Transfer at {at}: {from} \u2192 {to} ({kind})', { at: placeName(tr.at), from: tr.from_mode, to: tr.to_mode, kind: tr.kind }), mode: `${tr.from_mode}\u2192${tr.to_mode}`, km: null, hours: tr.hours, usd: tr.cost_usd, at: tr.at_km, basis: tr.basis });
  }
  // Boundary i sits before leg i: events at boundary i (priority 0, 0.5) precede leg i (1).
  rows.sort((a, b) => a.sort[0] - b.sort[0] || a.sort[1] - b.sort[1] || a.sort[2] - b.sort[2]);
  return rows;
}

/** Departure "YYYY-MM-DDTHH:MM" (local) -> ms, or null. */
export const depMs = (dep) => {
  const ms = dep ? new Date(dep).getTime() : NaN;
  return Number.isFinite(ms) ? ms : null;
};

/** Rows with the running hours and, given a departure, the arrival time at each step's end. */
export function timedRows(route, dep) {
  const start = depMs(dep);
  let h = 0;
  return itineraryRows(route).map((r) => {
    h += Number(r.hours) || 0;
    return { ...r, cumHours: h, arrival: start === null ? null : start + h * 3600e3 };
  });
}

export function renderItinerary(route, dep) {
  const body = $('#itinerary-body');
  body.innerHTML = '';
  if (!route) return;
  const rows = timedRows(route, dep);
  // Without a departure the last column is the time since the start.
  const head = document.querySelector('[data-testid=itinerary-table] thead th:last-child');
  if (head) head.textContent = t(depMs(dep) === null ? 'Elapsed' : 'Arrival');
  rows.forEach((r, i) => {
    const tr = document.createElement('tr');
    tr.className = `it-${r.kind}`;
    tr.dataset.kind = r.kind;
    const color = MODE_COLORS[r.mode] ? modeClass(r.mode) : null;
    tr.innerHTML = `<td>${i + 1}</td><td>${esc(r.step)}${r.basis && r.basis !== 'sourced' ? ` <span class="basis" title="basis of the figure">${esc(r.basis)}</span>` : ''}</td>
      <td>${color ? `<span class="swatch ${color}"></span>` : ''}${esc(r.mode === 'caspian_ferry' ? t('Caspian ferry') : r.mode)}</td>
      <td class="num">${r.km === null ? '' : fmtNum(r.km, 0)}</td><td class="num">${fmtNum(r.hours, 1)}</td>
      <td class="num">${fmtNum(r.usd, 0)}</td><td class="num">${fmtNum(r.at, 0)}</td>
      <td class="arr" data-testid="arrival">${r.arrival === null ? `${fmtNum(r.cumHours, 1)} h` : esc(fmtDateTime(r.arrival))}</td>`;
    body.appendChild(tr);
  });
  const s = route.summary || {};
  const last = rows.length ? rows[rows.length - 1] : null;
  const tr = document.createElement('tr');
  tr.className = 'it-total';
  tr.innerHTML = `<td></td><td>${esc(t('Total'))}</td><td></td><td class="num">${fmtNum(s.distance_km, 0)}</td><td class="num">${fmtNum(s.hours, 1)}</td><td class="num">${fmtNum(s.cost_usd, 0)}</td><td></td>
    <td class="arr">${last && last.arrival !== null ? esc(fmtDateTime(depMs(dep) + s.hours * 3600e3)) : ''}</td>`;
  body.appendChild(tr);
}

/* ---------- scenario panel ---------- */

/**
 * Rows for the scenario editor: crossings of the best route plus any added by
 * search. `scn` is {close:Set-like array, wait:{id:h}}; onChange(id, {close?, wait?}).
 */
export function renderScenarioRows(bcps, scn, bcpState, onChange) {
  const body = $('#scenario-bcps');
  body.innerHTML = '';
  for (const b of bcps) {
    const tr = document.createElement('tr');
    tr.dataset.bcp = b.id;
    tr.dataset.testid = 'scenario-bcp-row';
    const st = bcpState(b);
    const closed = st.closed;
    tr.dataset.closedData = String(st.closedData);
    const wait = scn.wait[b.id];
    const curWait = Array.isArray(b.wait_hours) ? b.wait_hours[0] : b.wait_hours;
    tr.innerHTML = `
      <td><div class="bcp-name">${esc(b.name)}</div><div class="bcp-meta">${esc((b.countries || []).join(' \u2192 '))} &middot; ${esc(b.mode)} &middot; ${esc(b.id)}${st.closedData ? ` &middot; <span class="st-closed">${esc(t(st.reopened ? 'reopened in this scenario' : 'closed in the data'))}</span>` : ''}</div></td>
      <td class="c"><input type="checkbox" data-testid="scenario-close" aria-label="${esc(t('Close {name}', { name: b.name }))}" ${closed ? 'checked' : ''} /></td>
      <td><input type="number" min="0" step="0.5" data-testid="scenario-wait" aria-label="${esc(t('Wait hours at {name}', { name: b.name }))}" placeholder="${fmtNum(curWait, 1)}" value="${wait ?? ''}" /></td>`;
    tr.querySelector('input[type=checkbox]').addEventListener('change', (e) => onChange(b, { close: e.target.checked }));
    tr.querySelector('input[type=number]').addEventListener('change', (e) => {
      const v = e.target.value === '' ? null : Number(e.target.value);
      onChange(b, { wait: Number.isFinite(v) && v >= 0 ? v : null });
    });
    body.appendChild(tr);
  }
}

/** Normalise a /v1/bcps entry to the shape used by route border_crossings. */
export function bcpFromCatalog(b) {
  const first = (v) => (Array.isArray(v) ? v[0] : v);
  return {
    id: b.id, name: b.name, mode: b.mode, countries: [b.country_a, b.country_b], wait_hours: first(b.wait_hours), fee_usd: first(b.fee_usd),
    status: b.status, lat: b.lat, lon: b.lon, wait_basis: b.wait_basis, fee_basis: b.fee_basis, wait_source: b.wait_source,
    fee_source: b.fee_source, status_source: b.status_source, listed: b.listed,
  };
}

/** "The route goes around these closed crossings", each with a reopen (or close) button. */
export function renderClosureNote(list, bcpState, onToggle) {
  const box = $('#closure-note');
  box.innerHTML = '';
  box.hidden = !list.length;
  if (!list.length) return;
  const head = document.createElement('div');
  head.className = 'msg-title';
  head.textContent = t(list.some((b) => bcpState(b).closed)
    ? 'Closed crossings near this trip: the routes go around them.'
    : 'Crossings near this trip reopened in the scenario.');
  box.appendChild(head);
  const ul = document.createElement('ul');
  for (const b of list) {
    const st = bcpState(b);
    const li = document.createElement('li');
    li.dataset.bcp = b.id;
    li.innerHTML = `<b>${esc(b.name)}</b> (${esc((b.countries || []).join('\u2013'))}, ${esc(b.mode)}): ${esc(t(st.reopened ? 'reopened in this scenario' : st.closedData ? 'closed in the data' : 'closed in this scenario'))}${b.status_source ? ` <span class="bcp-meta">${esc(t('Source'))}: ${esc(b.status_source)}</span>` : ''} `;
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'secondary';
    btn.dataset.testid = st.closed ? 'closure-reopen' : 'closure-close';
    btn.textContent = t(st.closed ? 'Reopen in scenario' : 'Close in scenario');
    btn.addEventListener('click', () => onToggle(b, !st.closed));
    li.appendChild(btn);
    ul.appendChild(li);
  }
  box.appendChild(ul);
}

/** The banner saying a scenario is active (e.g. opened from a shared link), with Clear. */
export function renderScenarioIndicator(scn, desc, onClear) {
  const box = $('#scenario-indicator');
  const on = !!(scn.scenario || (scn.close && scn.close.length) || (scn.open && scn.open.length) || Object.keys(scn.wait || {}).length);
  box.hidden = !on;
  if (!on) return;
  box.innerHTML = `<span class="scn-swatch"></span><b>${esc(t('Scenario active'))}:</b> <span class="scn-desc-text"></span> `;
  box.querySelector('.scn-desc-text').textContent = desc || scn.scenario;
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'link';
  b.textContent = t('Clear');
  b.dataset.testid = 'scenario-indicator-clear';
  b.addEventListener('click', onClear);
  box.appendChild(b);
}

/** Side-by-side comparison of the base and scenario best routes. */
export function renderComparison(base, scn, scnError, scenarioDesc) {
  const box = $('#compare');
  box.hidden = false;
  const b = base && base.routes && base.routes[0];
  if (!b) {
    box.innerHTML = '';
    return;
  }
  const bs = b.summary;
  if (scnError) {
    box.innerHTML = `<h3>Comparison</h3><div class="message error" data-testid="scenario-error"><div class="msg-title">${scnError.code === 'no_route' ? 'No route under this scenario.' : 'Scenario failed.'}</div>${esc(scnError.message)}</div>`;
    return;
  }
  const s = scn.routes[0];
  const ss = s.summary;
  const baseIds = new Set(b.border_crossings.map((x) => x.id));
  const scnIds = new Set(s.border_crossings.map((x) => x.id));
  const row = (label, bv, sv, digits, unit) => `<tr><th>${label}</th><td>${fmtNum(bv, digits)}${unit}</td><td>${fmtNum(sv, digits)}${unit}</td>
      <td class="delta ${sv > bv ? 'worse' : sv < bv ? 'better' : ''}">${fmtDelta(sv - bv, digits)}</td></tr>`;
  const list = (r, other, kind) => `<ol class="cmp-bcps">${r.border_crossings
    .map((x) => {
      const moved = !other.has(x.id);
      const cls = moved ? (kind === 'scn' ? 'moved-to' : 'moved-from') : '';
      return `<li class="${cls}" data-bcp="${esc(x.id)}" title="${esc((x.countries || []).join(' \u2192 '))}">${esc(x.name)}${moved && kind === 'scn' ? ' <b>new</b>' : ''}</li>`;
    })
    .join('')}</ol>`;
  const same = [...baseIds].every((id) => scnIds.has(id)) && baseIds.size === scnIds.size;
  box.innerHTML = `
    <h3>Comparison <span class="scn-desc">${esc(scenarioDesc)}</span></h3>
    <table class="cmp" data-testid="comparison-table">
      <thead><tr><th></th><th>Base</th><th><span class="scn-swatch"></span>Scenario</th><th>\u0394</th></tr></thead>
      <tbody>
        ${row('Time (h)', bs.hours, ss.hours, 1, '')}
        ${row('Time (days)', bs.days, ss.days, 2, '')}
        ${row('Cost (USD)', bs.cost_usd, ss.cost_usd, 0, '')}
        ${row('CO2e (kg)', bs.co2e_kg, ss.co2e_kg, 0, '')}
        ${row('Distance (km)', bs.distance_km, ss.distance_km, 0, '')}
      </tbody>
    </table>
    <div class="cmp-cols">
      <div data-testid="comparison-base-bcps"><h4>Base crossings</h4>${list(b, scnIds, 'base')}</div>
      <div data-testid="comparison-scenario-bcps"><h4>Scenario crossings</h4>${list(s, baseIds, 'scn')}</div>
    </div>
    <p class="hint">${same ? 'The scenario route uses the same crossings.' : 'Highlighted: crossings the route moved to (bold, new) and away from (struck out). The scenario route is drawn dashed black on yellow on the map.'}</p>
    ${(scn.warnings || []).length ? `<ul class="warnings">${scn.warnings.map((w) => `<li>${esc(namesInText(w))}</li>`).join('')}</ul>` : ''}`;
}

/* ---------- legend ---------- */

export function renderLegend({ onLabels, onAllBcps } = {}) {
  const modes = Object.entries(MODE_COLORS)
    .map(([m]) => `<div class="lg-row"><span class="lg-line ${modeClass(m)}"></span>${esc(modeLabel(m))}</div>`)
    .join('');
  const cls = [['fast', 'open, wait < 6 h'], ['mid', 'open, wait 6-24 h'], ['slow', 'open, wait > 24 h'], ['closed', 'closed / restricted']]
    .map(([k, label]) => `<div class="lg-row"><span class="lg-dot bc-${k}"></span>${esc(t(label))}</div>`)
    .join('');
  $('#legend').innerHTML = `<details open><summary>${esc(t('Legend'))}</summary>
    <div class="lg-modes">${modes}</div>
    <div class="lg-row"><span class="lg-line thick"></span>${esc(t('selected route'))}</div>
    <div class="lg-row"><span class="lg-line dashed"></span>${esc(t('alternative (click to select)'))}</div>
    <div class="lg-row"><span class="lg-line scenario"></span>${esc(t('scenario route'))}</div>
    <div class="lg-row"><span class="bcp-marker static"></span>${esc(t('border crossing'))}</div>
    <div class="lg-row"><span class="transfer-marker static">\u21c4</span>${esc(t('transfer (port, terminal, gauge)'))}</div>
    <label class="lg-row lg-toggle"><input type="checkbox" id="lg-all-bcps" data-testid="toggle-all-bcps" checked /> ${esc(t('All crossings (by status and wait)'))}</label>
    <div class="lg-sub">${cls}</div>
    <label class="lg-row lg-toggle"><input type="checkbox" id="lg-labels" data-testid="toggle-labels" checked /> ${esc(t('Place names'))}</label>
    <div class="lg-units">${esc(t('Time in hours (h) / days (d); cost in USD per shipment; CO2e in kg / t.'))}</div></details>`;
  $('#lg-labels').addEventListener('change', (e) => onLabels && onLabels(e.target.checked));
  $('#lg-all-bcps').addEventListener('change', (e) => onAllBcps && onAllBcps(e.target.checked));
}
