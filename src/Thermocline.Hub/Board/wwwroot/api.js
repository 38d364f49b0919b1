// The hub's HTTP API, as the board uses it. Cookie auth (same origin); a 401 anywhere means the
// login cookie is missing or stale, so the person is sent to the login form.

/** A refused request, carrying the problem document's detail. */
export class ApiError extends Error {
  constructor(status, problem, fallback) {
    super(problem?.detail || problem?.title || fallback || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function toLogin() {
  if (location.pathname !== '/login') location.href = '/login';
}

async function request(path, { method = 'GET', body, accept = 'application/json', allow = [] } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, null, `the hub did not answer (${e.message})`);
  }
  if (response.status === 401) {
    toLogin();
    throw new ApiError(401, null, 'login needed');
  }
  if (accept !== 'application/json') {
    if (!response.ok) throw new ApiError(response.status, null, `${path}: HTTP ${response.status}`);
    return response.text();
  }
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok && !allow.includes(response.status)) throw new ApiError(response.status, data, `${path}: HTTP ${response.status}`);
  return data;
}

const enc = encodeURIComponent;

/** The PR with absolute times (expiresAt, heartbeatAt: ISO) from the relative ones, so countdowns tick locally. */
export function withTimes(pr) {
  const now = Date.now();
  pr.expiresAt = pr.expiresInSeconds == null ? null : new Date(now + pr.expiresInSeconds * 1000).toISOString();
  pr.heartbeatAt = pr.heartbeatAgeSeconds == null ? null : new Date(now - pr.heartbeatAgeSeconds * 1000).toISOString();
  return pr;
}

export const listPrs = () => request('/api/prs');
export const getPr = (id) => request(`/api/prs/${enc(id)}`);
export const getDetails = (id) => request(`/api/prs/${enc(id)}/details`);
export const getLog = (id, limit = 200) => request(`/api/log?pr=${enc(id)}&limit=${limit}`);
// 503 carries the same body (the task list does not parse): still a health report to show.
export const getHealth = () => request('/healthz', { allow: [503] });
export const getMetrics = () => request('/metrics', { accept: 'text/plain' });

export const transition = (id, agent, state, reason) =>
  request(`/api/prs/${enc(id)}/transition`, { method: 'POST', body: { agent, state, reason } });
export const releaseStuck = (id, agent, fence, reason) =>
  request(`/api/prs/${enc(id)}/release-stuck`, { method: 'POST', body: { agent, fence, reason } });

/**
 * Sums of the Prometheus text's samples by metric name, and by name and one label's value:
 * { totals: {name: n}, by: {name: {labelValue: n}} } (the label is the first one that is not otel_scope_*).
 */
export function parseMetrics(text) {
  const totals = {}, by = {};
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[4]);
    if (!Number.isFinite(value)) continue;
    totals[m[1]] = (totals[m[1]] ?? 0) + value;
    for (const [, k, v] of (m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (k.startsWith('otel_scope')) continue;
      (by[m[1]] ??= {})[v] = (by[m[1]][v] ?? 0) + value;
      break;
    }
  }
  return { totals, by };
}
