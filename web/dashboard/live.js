// Where live data comes from: the /api/v1/stream WebSocket when the server offers it, else (and
// whenever the socket is down) the REST routes polled each second. States, shown in the header:
//   live          the socket is authenticated and subscribed (a slow REST resync every 10 s)
//   polling       no stream on this server: REST each second
//   reconnecting  the socket dropped (retried with backoff, REST each second meanwhile), or the
//                 server does not answer at all (REST retried with backoff)
// Browsers cannot set headers on a WebSocket: the key travels in the first message.

const TOPICS = ['prices', 'candles', 'signals', 'orders', 'fills', 'positions', 'metrics', 'alerts'];
const POLL_MS = 1000;
const RESYNC_MS = 10000;
const MAX_BACKOFF_MS = 30000;

export class Live {
  // poll(): one REST refresh (throws an ApiError); onEvent(topic, data, time); onState(state,
  // detail); onUnauthorized(message); onScope(scope) when the stream names the key's scope.
  // env: the browser's WebSocket, timers and location (a test passes its own).
  constructor({ key, useStream, poll, onEvent, onState, onUnauthorized, onScope, env }) {
    Object.assign(this, { key, useStream, poll, onEvent, onState, onUnauthorized, onScope });
    this.env = env || {
      WebSocket: globalThis.WebSocket,
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (id) => globalThis.clearTimeout(id),
      location: globalThis.location,
    };
    this.ws = null;
    this.streaming = false;
    this.stopped = true;
    this.pollTimer = 0;
    this.socketTimer = 0;
    this.pollFailures = 0;
    this.socketFailures = 0;
    this.state = '';
  }

  start() {
    this.stopped = false;
    this.setState(this.useStream ? 'reconnecting' : 'polling', 'starting');
    this.schedulePoll(0);
    if (this.useStream) this.connect();
  }

  stop() {
    this.stopped = true;
    this.env.clearTimeout(this.pollTimer);
    this.env.clearTimeout(this.socketTimer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close(1000, 'logout');
      this.ws = null;
    }
    this.streaming = false;
  }

  setState(state, detail) {
    if (this.state === state && this.detail === detail) return;
    this.state = state;
    this.detail = detail;
    this.onState(state, detail);
  }

  schedulePoll(delay) {
    this.env.clearTimeout(this.pollTimer);
    if (!this.stopped) this.pollTimer = this.env.setTimeout(() => this.pollOnce(), delay);
  }

  async pollOnce() {
    if (this.stopped) return;
    let delay = this.streaming ? RESYNC_MS : POLL_MS;
    try {
      await this.poll();
      this.pollFailures = 0;
      if (!this.streaming) {
        if (!this.useStream) this.setState('polling', 'REST each second');
        else this.setState('reconnecting', 'stream down: REST each second');
      }
    } catch (e) {
      if (this.stopped) return;
      ++this.pollFailures;
      if (e.status === 429) {
        delay = Math.max(delay, (e.retryAfter || 1) * 1000);
      } else if (!this.streaming) {
        delay = Math.min(POLL_MS * 2 ** this.pollFailures, MAX_BACKOFF_MS);
        this.setState('reconnecting', e.message);
      }
    }
    this.schedulePoll(delay);
  }

  connect() {
    if (this.stopped) return;
    const { location, WebSocket } = this.env;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/api/v1/stream`);
    this.ws = ws;
    let refused = false;
    ws.onopen = () => ws.send(JSON.stringify({ op: 'auth', token: this.key }));
    ws.onmessage = (m) => {
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch (e) {
        return;
      }
      if (msg.type === 'event') {
        this.onEvent(msg.topic, msg.data, msg.time);
      } else if (msg.type === 'authenticated') {
        if (this.onScope) this.onScope(msg.scope);
        ws.send(JSON.stringify({ op: 'subscribe', topics: TOPICS }));
      } else if (msg.type === 'subscribed') {
        this.streaming = true;
        this.socketFailures = 0;
        this.setState('live', 'stream');
        this.schedulePoll(RESYNC_MS);
      } else if (msg.type === 'error' && msg.error && msg.error.code === 'unauthorized') {
        refused = true;
        this.onUnauthorized(msg.error.message);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      const was = this.streaming;
      this.streaming = false;
      if (this.stopped || refused) return;
      this.setState('reconnecting', 'stream down: REST each second');
      if (was) this.schedulePoll(0);
      ++this.socketFailures;
      const delay = Math.min(1000 * 2 ** (this.socketFailures - 1), MAX_BACKOFF_MS);
      this.env.clearTimeout(this.socketTimer);
      this.socketTimer = this.env.setTimeout(() => this.connect(), delay);
    };
  }
}
