// Stops on the way (via points). The router plans from one place to another, so a trip
// with stops is planned leg by leg (origin -> stop 1 -> ... -> destination, best route of
// each, same modes, cargo and scenario) and joined here into one route of the same shape.

import { t } from './i18n.js';

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** One response from the per-stop responses (each with its best route first). */
export function joinResponses(parts) {
  const first = parts[0];
  const last = parts[parts.length - 1];
  const routes = parts.map((p) => p.routes[0]);
  const legs = [];
  const border = [];
  const transfers = [];
  const profile = [];
  const unsourced = new Set();
  const countries = [];
  const modes = [];
  const sum = {};
  const keys = ['distance_km', 'hours', 'days', 'cost_usd', 'co2e_kg', 'hours_moving', 'hours_border', 'hours_transfer', 'cost_moving_usd', 'cost_border_usd', 'cost_transfer_usd', 'objective'];
  let km = 0;
  let h = 0;
  let usd = 0;
  routes.forEach((r, i) => {
    legs.push(...r.legs);
    for (const b of r.border_crossings) border.push({ ...b, at_km: b.at_km + km });
    for (const t of r.transfers) transfers.push({ ...t, at_km: t.at_km + km });
    (r.profile || []).forEach((p, j) => {
      // A stop: the previous part's end and this part's start are one point.
      if (i > 0 && j === 0) {
        profile[profile.length - 1] = { ...profile[profile.length - 1], event: 'via', label: parts[i].origin.name };
        return;
      }
      profile.push({ ...p, km: p.km + km, hours: p.hours + h, cost_usd: p.cost_usd + usd });
    });
    for (const u of r.unsourced_or_default || []) unsourced.add(u);
    for (const c of r.summary.countries || []) if (countries[countries.length - 1] !== c) countries.push(c);
    for (const m of r.summary.modes || []) if (!modes.includes(m)) modes.push(m);
    for (const k of keys) if (Number.isFinite(r.summary[k])) sum[k] = (sum[k] || 0) + r.summary[k];
    km += r.summary.distance_km;
    h += r.summary.hours;
    usd += r.summary.cost_usd;
  });
  for (const k of Object.keys(sum)) sum[k] = round(sum[k]);
  const stops = parts.slice(1).map((p) => p.origin.name);
  return {
    ...first,
    destination: last.destination,
    stops,
    routes: [{
      rank: 0,
      summary: { ...routes[0].summary, ...sum, countries, modes },
      legs,
      border_crossings: border,
      transfers,
      profile,
      distinguished_by: [`via ${stops.join(', ')}`],
      unsourced_or_default: [...unsourced],
    }],
    warnings: [t('With stops, each part is planned as its best route (no alternatives).'), ...new Set(parts.flatMap((p) => p.warnings || []))],
  };
}
