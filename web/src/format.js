// Small formatting helpers shared by the panel, popups and chart (numbers and dates in
// the interface's locale: en-US or ru-RU).
import { locale } from './i18n.js';

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ESC[c]);

const numFormats = new Map();
export function fmtNum(n, digits = 0) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return '\u2013';
  let f = numFormats.get(digits);
  if (!f) numFormats.set(digits, (f = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(Number(n));
}

export const fmtUsd = (n) => (Number.isFinite(Number(n)) && n !== null ? `USD ${fmtNum(n, 0)}` : '\u2013');

/** Signed difference, e.g. "+3.2" / "-1,200". */
export function fmtDelta(n, digits = 0) {
  if (!Number.isFinite(n)) return '';
  if (Math.abs(n) < 0.5 * 10 ** -digits) return '\u00b10';
  return `${n > 0 ? '+' : '\u2212'}${fmtNum(Math.abs(n), digits)}`;
}

const dateFmt = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
/** A date-time (ms since epoch) in the interface's locale, e.g. "Mon, 7 Dec, 14:00". */
export const fmtDateTime = (ms) => (Number.isFinite(ms) ? dateFmt.format(new Date(ms)) : '\u2013');

/** "45.117,47.802" style names (a node without a place name) */
export const isCoordName = (s) => /^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/.test(s || '');
