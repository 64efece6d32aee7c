// The dashboard's live-data client (web/dashboard/live.js) against the /api/v1/stream protocol
// (docs/api.md), in node with a scripted socket and a manual clock: no server, no browser.
// Also the page's small parsers (Prometheus text, times, decimal signs).
//   node live_test.mjs WEB_DASHBOARD_DIR
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

const dir = process.argv[2] || path.resolve(path.dirname(new URL(import.meta.url).pathname),
  '../../../web/dashboard');
// The modules have no import of their own: loaded from their text, they need no package type.
const load = (name) => import(`data:text/javascript,${encodeURIComponent(
  fs.readFileSync(path.join(dir, name), 'utf8'))}`);
const { Live } = await load('live.js');
const { toSeconds } = await load('api.js');
const panels = await load('panels.js');

class Clock {
  constructor() {
    this.now = 0;
    this.timers = new Map();
    this.next = 1;
  }
  setTimeout = (fn, ms) => {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  };
  clearTimeout = (id) => this.timers.delete(id);
  // Runs every timer due within ms, in time order, letting promises settle between them.
  async advance(ms) {
    const end = this.now + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
    await new Promise((r) => setImmediate(r));
  }
  pending() {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }
}

function harness({ useStream = true, pollFails } = {}) {
  const clock = new Clock();
  const sockets = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closed = null;
      sockets.push(this);
    }
    send(text) {
      this.sent.push(JSON.parse(text));
    }
    close(code, reason) {
      this.closed = { code, reason };
    }
    // server side
    open() {
      this.onopen();
    }
    say(msg) {
      this.onmessage({ data: JSON.stringify(msg) });
    }
    drop() {
      this.onclose({ code: 1006 });
    }
  }
  const seen = { pollAt: [], polls: 0, states: [], events: [], unauthorized: [], scope: null };
  const live = new Live({
    key: 'nzk_test',
    useStream,
    poll: async () => {
      ++seen.polls;
      seen.pollAt.push(clock.now);
      if (pollFails) {
        const e = pollFails(seen.polls);
        if (e) throw e;
      }
    },
    onEvent: (topic, data, time) => seen.events.push({ topic, data, time }),
    onState: (state) => seen.states.push(state),
    onUnauthorized: (m) => seen.unauthorized.push(m),
    onScope: (s) => (seen.scope = s),
    env: {
      WebSocket: FakeSocket,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      location: { protocol: 'https:', host: 'ops.example:8443' },
    },
  });
  return { clock, sockets, seen, live };
}

const last = (a) => a[a.length - 1];

test('without a stream the page polls each second and says polling', async () => {
  const { clock, sockets, seen, live } = harness({ useStream: false });
  live.start();
  await clock.advance(0);
  assert.equal(seen.polls, 1);
  assert.equal(last(seen.states), 'polling');
  await clock.advance(3000);
  assert.equal(seen.polls, 4);
  assert.equal(sockets.length, 0, 'no socket is tried on a server without the stream');
  live.stop();
  await clock.advance(5000);
  assert.equal(seen.polls, 4, 'stopped: no more polls');
});

test('the key goes in the first message, then every topic is subscribed and events flow', async () => {
  const { clock, sockets, seen, live } = harness();
  live.start();
  await clock.advance(0);
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, 'wss://ops.example:8443/api/v1/stream', 'wss under https');
  assert.equal(last(seen.states), 'reconnecting', 'not live before the socket is subscribed');
  sockets[0].open();
  assert.deepEqual(sockets[0].sent, [{ op: 'auth', token: 'nzk_test' }]);
  sockets[0].say({ type: 'authenticated', scope: 'admin' });
  assert.equal(seen.scope, 'admin');
  assert.deepEqual(sockets[0].sent[1], {
    op: 'subscribe',
    topics: ['prices', 'candles', 'signals', 'orders', 'fills', 'positions', 'metrics', 'alerts'],
  });
  sockets[0].say({ type: 'subscribed', topics: sockets[0].sent[1].topics });
  assert.equal(last(seen.states), 'live');
  const price = { symbol: 'BTC-USD', reference: '45000.01', venues: [] };
  sockets[0].say({ type: 'event', topic: 'prices', time: '2026-01-01T00:00:00.000Z', data: price });
  assert.deepEqual(seen.events, [{ topic: 'prices', data: price, time: '2026-01-01T00:00:00.000Z' }]);
  // Live: REST only as a resync every 10 s.
  const polls = seen.polls;
  await clock.advance(9000);
  assert.equal(seen.polls, polls);
  await clock.advance(1000);
  assert.equal(seen.polls, polls + 1);
  live.stop();
  assert.equal(sockets[0].closed.code, 1000);
});

test('a dropped socket means reconnecting, polling each second, and retries with backoff', async () => {
  const { clock, sockets, seen, live } = harness();
  live.start();
  await clock.advance(0);
  const up = (s) => {
    s.open();
    s.say({ type: 'authenticated', scope: 'read' });
    s.say({ type: 'subscribed', topics: [] });
  };
  up(sockets[0]);
  assert.equal(last(seen.states), 'live');
  sockets[0].drop();
  assert.equal(last(seen.states), 'reconnecting');
  const polls = seen.polls;
  await clock.advance(0);
  assert.equal(seen.polls, polls + 1, 'a poll at once');
  // Retries at 1, 2, 4, 8, 16, 30, 30 s while the server refuses; the poll goes on each second.
  const gaps = [];
  for (let i = 0; i < 7; ++i) {
    const before = clock.now;
    const n = sockets.length;
    while (sockets.length === n) await clock.advance(500);
    gaps.push(clock.now - before);
    last(sockets).drop();
  }
  assert.deepEqual(gaps, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.ok(seen.polls >= polls + 90, `polled each second meanwhile (${seen.polls - polls})`);
  // Back: live again, and the backoff starts over.
  const n = sockets.length;
  while (sockets.length === n) await clock.advance(500);
  up(last(sockets));
  assert.equal(last(seen.states), 'live');
  last(sockets).drop();
  const before = clock.now;
  const m = sockets.length;
  while (sockets.length === m) await clock.advance(500);
  assert.equal(clock.now - before, 1000);
  live.stop();
});

test('a refused key logs out and is not retried', async () => {
  const { clock, sockets, seen, live } = harness();
  live.start();
  await clock.advance(0);
  sockets[0].open();
  sockets[0].say({ type: 'error', error: { code: 'unauthorized', message: 'no valid API key' } });
  assert.deepEqual(seen.unauthorized, ['no valid API key']);
  sockets[0].onclose({ code: 1008 });
  await clock.advance(60000);
  assert.equal(sockets.length, 1, 'no new socket with a refused key');
  live.stop();
});

test('a server that does not answer is retried with backoff, a 429 after its Retry-After', async () => {
  const down = Object.assign(new Error('the server did not answer'), { status: 0 });
  const limited = Object.assign(new Error('too many requests'), { status: 429, retryAfter: 3 });
  const { clock, seen, live } = harness({
    useStream: false,
    pollFails: (n) => (n <= 3 ? down : n === 4 ? limited : null),
  });
  live.start();
  await clock.advance(18000);
  // polls 1-3 fail (next in 2, 4, 8 s), poll 4 is limited (3 s), poll 5 works (1 s).
  assert.deepEqual(seen.pollAt, [0, 2000, 6000, 14000, 17000, 18000]);
  assert.equal(last(seen.states), 'polling');
  assert.ok(seen.states.includes('reconnecting'));
  live.stop();
});

test('times and Prometheus samples are read as the server writes them', async () => {
  assert.equal(toSeconds('2026-01-01T00:00:10.500Z'), 1767225610);
  assert.equal(toSeconds(1767225610123), 1767225610);
  assert.equal(toSeconds(1767225610), 1767225610);
  assert.equal(toSeconds('nonsense'), undefined);
  {
    const text = [
      '# HELP nzeza_feed_decode_errors_total decode errors',
      '# TYPE nzeza_feed_decode_errors_total counter',
      'nzeza_feed_decode_errors_total{feed="coinbase (simulated, loopback)"} 3',
      'nzeza_feed_decode_errors_total{feed="a \\"quoted\\" feed"} 0',
      'nzeza_feed_decode_errors_totalx{feed="other"} 9',
    ].join('\n');
    const samples = [...panels.metricSamples(text, 'nzeza_feed_decode_errors_total')];
    assert.deepEqual(samples.map(([l, v]) => [panels.labelValue(l, 'feed'), v]), [
      ['coinbase (simulated, loopback)', '3'],
      ['a "quoted" feed', '0'],
    ]);
    assert.equal(panels.signClass('-0.000'), '');
    assert.equal(panels.signClass('-1.5'), 'neg');
    assert.equal(panels.signClass('0.01'), 'pos');
  }
});
