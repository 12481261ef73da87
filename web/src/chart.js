// Cumulative time-distance and cost-distance profile (the CAREC CPMM way of showing
// where time is lost), drawn as plain SVG: x = km, y = hours or USD. Consecutive
// profile points at the same km (border, transfer) become vertical jumps.
import { esc, fmtNum } from './format.js';
import { t } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';
const EVENT_COLORS = { border: '#e08a00', transfer: '#2b65d9', start: '#1f8a3b', end: '#c62828' };

function niceTicks(max, count = 5) {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  // Up to the first tick at or above the maximum, so the axis covers every point.
  const ticks = [0];
  while (ticks[ticks.length - 1] < max) ticks.push(Math.round(ticks.length * step * 1e6) / 1e6);
  return ticks;
}

function el(name, attrs = {}, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

/**
 * One panel. series: [{name, points:[{km, y, event, label}], color, dash}]
 */
function panel(container, { title, yLabel, yFmt, series, width, height = 210 }) {
  const m = { l: 64, r: 26, t: 26, b: 38 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p.km));
  const yMax = Math.max(1, ...all.map((p) => p.y));
  const xt = niceTicks(xMax);
  const yt = niceTicks(yMax, 4);
  const xs = (v) => m.l + (v / xt[xt.length - 1]) * w;
  const ys = (v) => m.t + h - (v / yt[yt.length - 1]) * h;

  const wrap = document.createElement('div');
  wrap.className = 'chart';
  container.appendChild(wrap);
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title }, wrap);
  svg.dataset.xMax = String(xt[xt.length - 1]);
  svg.dataset.yMax = String(yt[yt.length - 1]);
  svg.dataset.dataXMax = String(xMax);
  svg.dataset.dataYMax = String(yMax);
  el('text', { x: m.l, y: 16, class: 'c-title' }, svg).textContent = title;

  for (const v of yt) {
    el('line', { x1: m.l, x2: m.l + w, y1: ys(v), y2: ys(v), class: 'c-grid' }, svg);
    el('text', { x: m.l - 6, y: ys(v) + 4, class: 'c-tick', 'text-anchor': 'end' }, svg).textContent = yFmt(v);
  }
  for (const v of xt) {
    el('line', { x1: xs(v), x2: xs(v), y1: m.t + h, y2: m.t + h + 4, class: 'c-axis' }, svg);
    el('text', { x: xs(v), y: m.t + h + 16, class: 'c-tick', 'text-anchor': 'middle' }, svg).textContent = fmtNum(v, 0);
  }
  el('line', { x1: m.l, x2: m.l + w, y1: m.t + h, y2: m.t + h, class: 'c-axis' }, svg);
  el('line', { x1: m.l, x2: m.l, y1: m.t, y2: m.t + h, class: 'c-axis' }, svg);
  el('text', { x: m.l + w / 2, y: height - 4, class: 'c-label', 'text-anchor': 'middle' }, svg).textContent = t('distance (km)');
  el('text', { x: 14, y: m.t + h / 2, class: 'c-label', 'text-anchor': 'middle', transform: `rotate(-90 14 ${m.t + h / 2})` }, svg).textContent = yLabel;

  for (const s of series) {
    const pts = s.points.map((p) => `${xs(p.km).toFixed(1)},${ys(p.y).toFixed(1)}`).join(' ');
    el('polyline', { points: pts, fill: 'none', stroke: s.color, 'stroke-width': 2.2, 'stroke-dasharray': s.dash || '', 'stroke-linejoin': 'round' }, svg);
    // Mark the jumps: vertical segments at borders/transfers.
    s.points.forEach((p, i) => {
      if (p.event === 'border' || p.event === 'transfer') {
        const prev = s.points[i - 1];
        if (prev) el('line', { x1: xs(p.km), x2: xs(p.km), y1: ys(prev.y), y2: ys(p.y), stroke: EVENT_COLORS[p.event], 'stroke-width': 4, 'stroke-linecap': 'round', opacity: s.dash ? 0.5 : 0.9 }, svg);
        el('circle', { cx: xs(p.km), cy: ys(p.y), r: 3, fill: EVENT_COLORS[p.event] }, svg);
      }
    });
  }

  // Hover: nearest point of the first series by km.
  const cursor = el('line', { y1: m.t, y2: m.t + h, class: 'c-cursor', visibility: 'hidden' }, svg);
  const tip = document.createElement('div');
  tip.className = 'c-tip';
  tip.hidden = true;
  wrap.appendChild(tip);
  const hitbox = el('rect', { x: m.l, y: m.t, width: w, height: h, fill: 'transparent' }, svg);
  hitbox.addEventListener('mousemove', (ev) => {
    const rect = svg.getBoundingClientRect();
    const km = ((ev.clientX - rect.left - m.l) / w) * xt[xt.length - 1];
    const lines = [];
    let cx = null;
    for (const s of series) {
      let best = null;
      for (const p of s.points) if (!best || Math.abs(p.km - km) < Math.abs(best.km - km) || (p.km === best.km)) best = p;
      if (!best) continue;
      if (cx === null) cx = xs(best.km);
      lines.push(`<b class="ser-${s.dash ? 'scenario' : 'route'}">${esc(s.name)}</b> ${fmtNum(best.km, 0)} km &middot; ${esc(yFmt(best.y))} &middot; ${esc(best.event)} ${esc(best.label || '')}`);
    }
    if (cx === null) return;
    cursor.setAttribute('x1', cx);
    cursor.setAttribute('x2', cx);
    cursor.setAttribute('visibility', 'visible');
    tip.innerHTML = lines.join('<br>');
    tip.hidden = false;
    tip.style.left = `${Math.min(cx + 8, width - 260)}px`;
    tip.style.top = `${m.t}px`;
  });
  hitbox.addEventListener('mouseleave', () => {
    cursor.setAttribute('visibility', 'hidden');
    tip.hidden = true;
  });
}

/**
 * Render both profiles. `main` is the selected route's profile; `compare` (optional)
 * a scenario profile drawn dashed on top.
 */
export function renderProfile(container, main, compare) {
  container.innerHTML = '';
  if (!main || !main.length) {
    container.textContent = t('No profile for this route.');
    return;
  }
  const avail = container.clientWidth || 900;
  const twoUp = avail >= 760;
  const width = Math.max(320, Math.floor(twoUp ? (avail - 40) / 2 : avail - 24));
  const mk = (profile, key) => profile.map((p) => ({ km: p.km, y: p[key], event: p.event, label: p.label }));
  const series = (key) => {
    const s = [{ name: 'route', points: mk(main, key), color: '#333' }];
    if (compare && compare.length) s.push({ name: 'scenario', points: mk(compare, key), color: '#b0006d', dash: '6 4' });
    return s;
  };
  const row = document.createElement('div');
  row.className = `chart-row${twoUp ? ' two-up' : ''}`;
  container.appendChild(row);
  panel(row, { title: t('Cumulative time'), yLabel: 'hours', yFmt: (v) => `${fmtNum(v, v > 0 && v < 10 ? 1 : 0)} h`, series: series('hours'), width });
  panel(row, { title: t('Cumulative cost'), yLabel: 'USD', yFmt: (v) => `$${fmtNum(v, 0)}`, series: series('cost_usd'), width });
  const legend = document.createElement('div');
  legend.className = 'chart-legend';
  legend.innerHTML = `<span><i class="ev-border"></i>${esc(t('border crossing (wait / fee)'))}</span>
    <span><i class="ev-transfer"></i>${esc(t('transfer (mode change / port)'))}</span>
    ${compare && compare.length ? `<span><i class="dash"></i>${esc(t('scenario route'))}</span>` : ''}`;
  container.appendChild(legend);
}
