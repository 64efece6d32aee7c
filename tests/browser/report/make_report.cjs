// A backtest report.json for the browser test (format: docs/backtest-report.md), the same on
// every run: three symbols (one named like markup that would break an unescaped page), minute
// candles from a seeded random walk, buy and sell trades with exits and one still open, the
// equity curve and drawdown those trades imply, and two strategies' attribution.
'use strict';

const EVIL_SYMBOL = '</script><script>window.pwned=1</script><!--';
const START = 1767225600; // 2026-01-01T00:00:00Z
const CANDLES = 240;
const STEP = 60;

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function candlesFor(base, seed) {
  const next = rng(seed);
  const out = [];
  let price = base;
  for (let i = 0; i < CANDLES; ++i) {
    const open = price;
    const close = Math.max(1, open * (1 + (next() - 0.5) * 0.01));
    const high = Math.max(open, close) * (1 + next() * 0.002);
    const low = Math.min(open, close) * (1 - next() * 0.002);
    out.push({
      t: START + i * STEP,
      o: open.toFixed(2),
      h: high.toFixed(2),
      l: low.toFixed(2),
      c: close.toFixed(2),
      v: (next() * 10).toFixed(4),
    });
    price = close;
  }
  return out;
}

// Trades at fixed candles; prices are the candles' closes; the last of `openLast` stays open.
function tradesFor(symbol, candles, strategyOf, openLast) {
  const plan = [
    [20, 35, 'buy'],
    [50, 58, 'sell'],
    [80, 110, 'buy'],
    [130, 141, 'sell'],
    [170, 190, 'buy'],
    [205, null, 'sell'],
  ];
  const trades = [];
  plan.forEach(([entry, exit, side], i) => {
    if (exit === null && !openLast) return;
    const qty = '0.5';
    const entryPrice = candles[entry].c;
    const trade = {
      symbol,
      side,
      entry_time: candles[entry].t + 17, // inside the candle, not on its open
      entry_price: entryPrice,
      quantity: qty,
      strategy: strategyOf(i),
    };
    if (exit !== null) {
      const exitPrice = candles[exit].c;
      const sign = side === 'buy' ? 1 : -1;
      const pnl = sign * (Number(exitPrice) - Number(entryPrice)) * Number(qty);
      Object.assign(trade, {
        exit_time: candles[exit].t + 42,
        exit_price: exitPrice,
        pnl: pnl.toFixed(3),
        fees: '0.05',
        exit_reason: pnl >= 0 ? 'take_profit' : 'stop_loss',
      });
    }
    trades.push(trade);
  });
  return trades;
}

function makeReport() {
  const symbols = ['BTC-USD', 'ETH-USD', EVIL_SYMBOL];
  const candles = {
    'BTC-USD': candlesFor(97000, 1),
    'ETH-USD': candlesFor(3400, 2),
    [EVIL_SYMBOL]: candlesFor(150, 3),
  };
  const strategyOf = (i) => (i % 2 === 0 ? 'fast_scalping' : 'momentum_scalping');
  const trades = [
    ...tradesFor('BTC-USD', candles['BTC-USD'], strategyOf, false),
    ...tradesFor('ETH-USD', candles['ETH-USD'], strategyOf, true),
    ...tradesFor(EVIL_SYMBOL, candles[EVIL_SYMBOL], strategyOf, false),
  ];
  const closed = trades.filter((t) => t.exit_time !== undefined);

  const startingEquity = 10000;
  const equity = [];
  const drawdown = [];
  let peak = startingEquity;
  let maxDd = 0;
  let maxDdFraction = 0;
  for (let i = 0; i < CANDLES; ++i) {
    const t = START + i * STEP;
    const realized = closed
      .filter((x) => x.exit_time <= t + STEP - 1)
      .reduce((sum, x) => sum + Number(x.pnl) - Number(x.fees), 0);
    const value = startingEquity + realized;
    peak = Math.max(peak, value);
    const fraction = (peak - value) / peak;
    if (peak - value > maxDd) maxDd = peak - value;
    maxDdFraction = Math.max(maxDdFraction, fraction);
    equity.push({ t, equity: value.toFixed(3) });
    // Two points in one second: the page must keep the last.
    if (i === 100) equity.push({ t, equity: (value + 1).toFixed(3) });
    drawdown.push({ t, fraction });
  }
  const totalPnl = closed.reduce((s, x) => s + Number(x.pnl), 0);
  const fees = closed.reduce((s, x) => s + Number(x.fees), 0);
  const wins = closed.filter((x) => Number(x.pnl) > 0).length;
  const attribution = ['fast_scalping', 'momentum_scalping'].map((strategy) => {
    const mine = closed.filter((x) => x.strategy === strategy);
    return {
      strategy,
      trades: mine.length,
      wins: mine.filter((x) => Number(x.pnl) > 0).length,
      pnl: mine.reduce((s, x) => s + Number(x.pnl), 0).toFixed(3),
    };
  });
  return {
    nzeza_version: '0.1.0',
    generated_at: '2026-01-01T04:00:00Z',
    config: { file: 'config/backtest.toml', symbols },
    range: { from: '2026-01-01T00:00:00Z', to: '2026-01-01T04:00:00Z' },
    events: { quote: 120000, trade: 45000, book: 300000, status: 3, total: 465003 },
    summary: {
      starting_equity: startingEquity.toFixed(2),
      final_equity: (startingEquity + totalPnl - fees).toFixed(3),
      pnl: (totalPnl - fees).toFixed(3),
      realized_pnl: totalPnl.toFixed(3),
      fees: fees.toFixed(2),
      trades: closed.length,
      wins,
      win_rate: wins / closed.length,
      max_drawdown: maxDd.toFixed(3),
      max_drawdown_fraction: maxDdFraction,
      sharpe: 1.23,
      sortino: null,
      exposure_time_fraction: 0.31,
    },
    equity,
    drawdown,
    candles,
    trades,
    attribution,
  };
}

module.exports = { makeReport, EVIL_SYMBOL };
