// DOM rendering for the side panel, drawer and legend. Pure-ish functions: they take
// data + callbacks and (re)build their part of the page; main.js owns the state.
import { esc, fmtNum, fmtUsd, fmtDelta } from './format.js';
import { MODE_COLORS, SCENARIO_COLOR } from './map.js';

export const $ = (sel) => document.querySelector(sel);

const COORD_RE = /^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/;
export const isCoord = (s) => COORD_RE.test(s || '');

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
  if (typeof err !== 'string' && err.code === 'no_route') title.textContent = 'No route found.';
  else if (typeof err !== 'string' && err.code === 'unknown_place') title.textContent = 'Place not found.';
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
    s.append('Did you mean: ');
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

const modeChip = (m) => `<span class="chip" style="--c:${MODE_COLORS[m] || '#777'}">${esc(m)}</span>`;

function summaryHtml(s) {
  return `
    <div class="kpis">
      <div><span class="k">Time</span><span class="v">${fmtNum(s.days, 1)} d</span><span class="s">${fmtNum(s.hours, 1)} h</span></div>
      <div><span class="k">Cost</span><span class="v">${fmtUsd(s.cost_usd)}</span></div>
      <div><span class="k">Distance</span><span class="v">${fmtNum(s.distance_km, 0)} km</span></div>
      <div><span class="k">CO2e</span><span class="v">${fmtNum(s.co2e_kg / 1000, 2)} t</span><span class="s">${fmtNum(s.co2e_kg, 0)} kg</span></div>
    </div>
    <table class="breakdown">
      <tr><th></th><th>moving</th><th>borders</th><th>transfers</th></tr>
      <tr><th>hours</th><td>${fmtNum(s.hours_moving, 1)}</td><td>${fmtNum(s.hours_border, 1)}</td><td>${fmtNum(s.hours_transfer, 1)}</td></tr>
      <tr><th>USD</th><td>${fmtNum(s.cost_moving_usd, 0)}</td><td>${fmtNum(s.cost_border_usd, 0)}</td><td>${fmtNum(s.cost_transfer_usd, 0)}</td></tr>
    </table>`;
}

export function renderWarnings(warnings) {
  const ul = $('#warnings');
  ul.innerHTML = '';
  for (const w of warnings || []) {
    const li = document.createElement('li');
    li.textContent = typeof w === 'string' ? w : JSON.stringify(w);
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
    const defaults = r.unsourced_or_default || [];
    const diff = (r.distinguished_by || []).map((d) => `<li>${esc(d)}</li>`).join('');
    const objective = Number.isFinite(s.objective) ? `<span class="objective" title="Value of the ${esc(resp.optimize)} objective (lower is better)">objective ${fmtNum(s.objective, 0)}</span>` : '';
    card.innerHTML = `
      <header>
        <span class="rank">${i === 0 ? 'Best route' : `Alternative ${i}`}</span>
        ${(s.modes || []).map(modeChip).join('')}
        ${objective}
      </header>
      ${summaryHtml(s)}
      <div class="countries" title="Countries crossed">${esc((s.countries || []).join(' \u203a '))}</div>
      <div class="crossings">${(r.border_crossings || []).length} border crossing(s): ${esc((r.border_crossings || []).map((b) => b.name).join('; ') || 'none')}</div>
      ${diff ? `<ul class="diff">${diff}</ul>` : ''}
      ${defaults.length ? `<details class="defaults" data-testid="defaults"><summary>Figures resting on defaults (${defaults.length})</summary><ul>${defaults.map((d) => `<li>${esc(d)}</li>`).join('')}</ul></details>` : ''}`;
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
    rows.push({ sort: [i, 1, 0], kind: 'leg', step: `${leg.from} \u2192 ${leg.to}`, mode: leg.mode, km: leg.distance_km, hours: leg.hours, usd: leg.cost_usd, at: bounds[i + 1] });
  });
  for (const b of route.border_crossings || []) {
    rows.push({ sort: [nearest(b.at_km), 0, b.at_km], kind: 'border', step: `Border: ${b.name} (${(b.countries || []).join(' \u2192 ')})${b.gauge_change ? ', gauge change' : ''}`, mode: b.mode, km: null, hours: b.wait_hours, usd: b.fee_usd, at: b.at_km, basis: b.wait_basis });
  }
  for (const t of route.transfers || []) {
    // A transfer at the same place as a border (gauge change) comes after the border.
    rows.push({ sort: [nearest(t.at_km), 0.5, t.at_km], kind: 'transfer', step: `Transfer at ${t.at}: ${t.from_mode} \u2192 ${t.to_mode} (${t.kind})`, mode: `${t.from_mode}\u2192${t.to_mode}`, km: null, hours: t.hours, usd: t.cost_usd, at: t.at_km, basis: t.basis });
  }
  // Boundary i sits before leg i: events at boundary i (priority 0, 0.5) precede leg i (1).
  rows.sort((a, b) => a.sort[0] - b.sort[0] || a.sort[1] - b.sort[1] || a.sort[2] - b.sort[2]);
  return rows;
}

export function renderItinerary(route) {
  const body = $('#itinerary-body');
  body.innerHTML = '';
  if (!route) return;
  const rows = itineraryRows(route);
  rows.forEach((r, i) => {
    const tr = document.createElement('tr');
    tr.className = `it-${r.kind}`;
    tr.dataset.kind = r.kind;
    const color = MODE_COLORS[r.mode];
    tr.innerHTML = `<td>${i + 1}</td><td>${esc(r.step)}${r.basis && r.basis !== 'sourced' ? ` <span class="basis" title="basis of the figure">${esc(r.basis)}</span>` : ''}</td>
      <td>${color ? `<span class="swatch" style="background:${color}"></span>` : ''}${esc(r.mode)}</td>
      <td class="num">${r.km === null ? '' : fmtNum(r.km, 0)}</td><td class="num">${fmtNum(r.hours, 1)}</td>
      <td class="num">${fmtNum(r.usd, 0)}</td><td class="num">${fmtNum(r.at, 0)}</td>`;
    body.appendChild(tr);
  });
  const s = route.summary || {};
  const tr = document.createElement('tr');
  tr.className = 'it-total';
  tr.innerHTML = `<td></td><td>Total</td><td></td><td class="num">${fmtNum(s.distance_km, 0)}</td><td class="num">${fmtNum(s.hours, 1)}</td><td class="num">${fmtNum(s.cost_usd, 0)}</td><td></td>`;
  body.appendChild(tr);
}

/* ---------- scenario panel ---------- */

/**
 * Rows for the scenario editor: crossings of the best route plus any added by
 * search. `scn` is {close:Set-like array, wait:{id:h}}; onChange(id, {close?, wait?}).
 */
export function renderScenarioRows(bcps, scn, onChange) {
  const body = $('#scenario-bcps');
  body.innerHTML = '';
  for (const b of bcps) {
    const tr = document.createElement('tr');
    tr.dataset.bcp = b.id;
    tr.dataset.testid = 'scenario-bcp-row';
    const closed = scn.close.includes(b.id);
    const wait = scn.wait[b.id];
    const curWait = Array.isArray(b.wait_hours) ? b.wait_hours[0] : b.wait_hours;
    tr.innerHTML = `
      <td><div class="bcp-name">${esc(b.name)}</div><div class="bcp-meta">${esc((b.countries || []).join(' \u2192 '))} &middot; ${esc(b.mode)} &middot; ${esc(b.id)}</div></td>
      <td class="c"><input type="checkbox" data-testid="scenario-close" aria-label="Close ${esc(b.name)}" ${closed ? 'checked' : ''} /></td>
      <td><input type="number" min="0" step="0.5" data-testid="scenario-wait" aria-label="Wait hours at ${esc(b.name)}" placeholder="${fmtNum(curWait, 1)}" value="${wait ?? ''}" /></td>`;
    tr.querySelector('input[type=checkbox]').addEventListener('change', (e) => onChange(b.id, { close: e.target.checked }));
    tr.querySelector('input[type=number]').addEventListener('change', (e) => {
      const v = e.target.value === '' ? null : Number(e.target.value);
      onChange(b.id, { wait: Number.isFinite(v) && v >= 0 ? v : null });
    });
    body.appendChild(tr);
  }
}

/** Normalise a /v1/bcps entry to the shape used by route border_crossings. */
export function bcpFromCatalog(b) {
  return { id: b.id, name: b.name, mode: b.mode, countries: [b.country_a, b.country_b], wait_hours: b.wait_hours, status: b.status };
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
      <thead><tr><th></th><th>Base</th><th><span class="scn-swatch" style="--c:${SCENARIO_COLOR}"></span>Scenario</th><th>\u0394</th></tr></thead>
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
    ${(scn.warnings || []).length ? `<ul class="warnings">${scn.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}`;
}

/* ---------- legend ---------- */

export function renderLegend() {
  const modes = Object.entries(MODE_COLORS)
    .map(([m, c]) => `<div class="lg-row"><span class="lg-line" style="background:${c}"></span>${m}</div>`)
    .join('');
  $('#legend').innerHTML = `<details open><summary>Legend</summary>
    <div class="lg-modes">${modes}</div>
    <div class="lg-row"><span class="lg-line thick"></span>selected route</div>
    <div class="lg-row"><span class="lg-line dashed"></span>alternative (click to select)</div>
    <div class="lg-row"><span class="lg-line scenario"></span>scenario route</div>
    <div class="lg-row"><span class="bcp-marker static"></span>border crossing</div>
    <div class="lg-row"><span class="transfer-marker static">\u21c4</span>transfer (port, terminal, gauge)</div>
    <div class="lg-units">Time in hours (h) / days (d); cost in USD per shipment; CO2e in kg / t.</div></details>`;
}
