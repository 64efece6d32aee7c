// The operator API as the dashboard calls it: every data call carries the key as a Bearer
// token (never in a URL or a cookie); an error is an ApiError holding the API's own message
// ({"error":{"code","message"}}), shown to the operator as written.

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status; // 0: no answer (the server is down or unreachable)
    this.code = code;
    this.retryAfter = retryAfter; // seconds, on a 429
  }
}

// onUnauthorized(message) runs on a 401 (the key was revoked or is wrong): the page logs out.
export function makeApi(key, onUnauthorized) {
  async function call(method, path, body) {
    const headers = { Authorization: `Bearer ${key}` };
    const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'unreachable', `the server did not answer (${e.message})`);
    }
    const text = await res.text();
    const json = (res.headers.get('Content-Type') || '').startsWith('application/json');
    let data = text;
    if (json && text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        throw new ApiError(res.status, 'bad_answer', `${path}: the answer is not JSON`);
      }
    }
    if (!res.ok) {
      const err = data && data.error ? data.error : { code: String(res.status), message: text };
      if (res.status === 401 && onUnauthorized) onUnauthorized(err.message);
      const retry = Number(res.headers.get('Retry-After')) || undefined;
      throw new ApiError(res.status, err.code, err.message || `HTTP ${res.status}`, retry);
    }
    return data;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    del: (path) => call('DELETE', path),
  };
}

// What this server offers, from its OpenAPI document (no key needed): the dashboard uses the
// stream, the candles route, cancels and explicit quantities only where they are served.
export async function capabilities() {
  const caps = { stream: false, candles: false, cancel: false, quantity: false, limit: false };
  try {
    const res = await fetch('/api/v1/openapi.json', { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) return caps;
    const doc = await res.json();
    const paths = doc.paths || {};
    caps.stream = '/api/v1/stream' in paths;
    caps.candles = Boolean(paths['/api/v1/candles'] && paths['/api/v1/candles'].get);
    caps.cancel = Object.entries(paths).some(
      ([p, ops]) => p.startsWith('/api/v1/orders/{') && ops.delete,
    );
    const post = paths['/api/v1/orders'] && paths['/api/v1/orders'].post;
    const schema =
      post && post.requestBody && post.requestBody.content['application/json'].schema;
    caps.quantity = Boolean(schema && schema.properties && schema.properties.quantity);
    caps.limit = Boolean(caps.quantity && schema.properties.limit_price);
  } catch (e) {
    // An older server: poll the routes every server has.
  }
  return caps;
}

// ISO 8601 or unix seconds/milliseconds -> unix seconds (what the charts' time scale takes).
export function toSeconds(t) {
  if (typeof t === 'number') return t > 1e11 ? Math.floor(t / 1000) : Math.floor(t);
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
