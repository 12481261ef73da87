// Small formatting helpers shared by the panel, popups and chart.

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ESC[c]);

export function fmtNum(n, digits = 0) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return '\u2013';
  return Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const fmtUsd = (n) => (Number.isFinite(Number(n)) && n !== null ? `USD ${fmtNum(n, 0)}` : '\u2013');

/** Signed difference, e.g. "+3.2" / "-1,200". */
export function fmtDelta(n, digits = 0) {
  if (!Number.isFinite(n)) return '';
  const s = fmtNum(Math.abs(n), digits);
  if (Number(s.replace(/,/g, '')) === 0) return '\u00b10';
  return `${n > 0 ? '+' : '\u2212'}${s}`;
}
