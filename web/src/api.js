// Thin wrappers over the caravan HTTP API (same origin: served by `caravan serve`,
// or proxied by the Vite dev server). Errors become ApiError with the server's
// {"error":{code,message,suggestions?}} body so the UI can say what went wrong.

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const err = (body && body.error) || {};
    super(err.message || fallback || `HTTP ${status}`);
    this.status = status;
    this.code = err.code || (status ? `http_${status}` : 'network');
    this.suggestions = Array.isArray(err.suggestions) ? err.suggestions : [];
    this.blocking = Array.isArray(err.blocking) ? err.blocking : [];
    this.body = body;
  }
}

async function request(method, path, { query, body, signal } = {}) {
  let url = path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      qs.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    const s = qs.toString();
    if (s) url += `?${s}`;
  }
  let res;
  try {
    res = await fetch(url, {
      method,
      signal,
      headers: body !== undefined ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null, `Cannot reach the Caravan server (${e.message}).`);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* non-JSON body (e.g. a proxy error page) */
  }
  if (!res.ok) throw new ApiError(res.status, json, text ? text.slice(0, 300) : `HTTP ${res.status} ${res.statusText}`);
  return json;
}

export const searchPlaces = (q, limit = 8, signal) => request('GET', '/v1/places', { query: { q, limit }, signal });

/** Route request parameters in API form from the UI state. */
export function routeParams(s) {
  return {
    from: s.from,
    to: s.to,
    modes: s.modes,
    optimize: s.optimize,
    alternatives: s.alternatives,
    cargo_tonnes: s.tonnes,
    cargo_value_usd: s.value,
    avoid_countries: s.avoid && s.avoid.length ? s.avoid : undefined,
    avoid_bcps: s.abcp && s.abcp.length ? s.abcp : undefined,
  };
}

export const getRoute = (params, signal) => request('GET', '/v1/route', { query: params, signal });

/** POST form; `scenario` is {close_bcps, open_bcps?, bcp_changes}. */
export const postRoute = (params, scenario, signal) =>
  request('POST', '/v1/route', {
    body: {
      from: params.from,
      to: params.to,
      modes: params.modes,
      optimize: params.optimize,
      alternatives: Number(params.alternatives),
      cargo_tonnes: Number(params.cargo_tonnes),
      cargo_value_usd: Number(params.cargo_value_usd),
      ...(params.avoid_countries ? { avoid_countries: params.avoid_countries } : {}),
      ...(params.avoid_bcps ? { avoid_bcps: params.avoid_bcps } : {}),
      ...(scenario ? { scenario } : {}),
    },
    signal,
  });

export const listBcps = () => request('GET', '/v1/bcps');
export const listScenarios = () => request('GET', '/v1/scenarios');
export const saveScenario = (sc) => request('POST', '/v1/scenarios', { body: sc });
export const deleteScenario = (id) => request('DELETE', `/v1/scenarios/${encodeURIComponent(id)}`);

/* ---------- landed cost ---------- */

export const searchHs = (q, limit = 8, signal) => request('GET', '/v1/hs', { query: { q, limit }, signal });

/**
 * POST /v1/cost. `route` = {from, to, modes} plans the freight on the server (then
 * body.weight_kg is required); null sends the body as is.
 */
export const postCost = (body, route, signal) =>
  request('POST', '/v1/cost', {
    query: route ? { route_from: route.from, route_to: route.to, route_modes: route.modes } : undefined,
    body,
    signal,
  });

export const library = () => request('GET', '/v1/library');
export const libraryScenario = (id) => request('GET', `/v1/library/${encodeURIComponent(id)}`);
export const compare = (query) => request('GET', '/v1/compare', { query });
export const access = (query) => request('GET', '/v1/access', { query });
