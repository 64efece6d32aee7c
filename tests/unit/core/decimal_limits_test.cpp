// Which prices, sizes and notionals each venue can express, derived from the venue's own
// instrument-metadata RULES, and whether Decimal (int128 count of 10^-16) holds them exactly.
//
// Every limit below is computed, not typed in: a rule (quoted with its source) plus the metadata
// values it is applied to. A limit "holds" when its exact decimal text parses into a Decimal and
// to_string() gives the same text back. `no_venue_limit_is_beyond_decimal` lists what does not
// hold and expects nothing: the int64 * 10^-8 Decimal could not hold Kraken's 9-decimal tick nor
// dYdX's long-tail ticks and uint64 bounds (docs/domain.md, "Decimal range"); the widened one
// holds them all.
//
// Sources: [X] /work/shared/exchanges.md, [F] public fixtures (not copied), [D] venue docs found
// with the docs search, [C] venue source code, [3P] third-party captures of venue answers.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"

namespace nzeza {
namespace {

__extension__ typedef unsigned __int128 U128;  // NOLINT(modernize-use-using)

// An exact non-negative decimal: mantissa * 10^exponent. Arithmetic here is exact (U128), so a
// derived limit never passes through a double or through Decimal itself.
struct Exact {
  U128 mantissa = 0;
  int exponent = 0;
};

Exact normalized(Exact x) {
  if (x.mantissa == 0) return {0, 0};
  while (x.mantissa % 10 == 0) {
    x.mantissa /= 10;
    ++x.exponent;
  }
  return x;
}

Exact pow10(int exponent) {
  return {1, exponent};
}
Exact integer(U128 v) {
  return normalized({v, 0});
}
Exact times(Exact a, Exact b) {
  EXPECT_TRUE(a.mantissa == 0 || b.mantissa <= std::numeric_limits<U128>::max() / a.mantissa)
      << "derivation overflowed 128 bits";
  return normalized({a.mantissa * b.mantissa, a.exponent + b.exponent});
}

// Plain metadata text ("0.00000100", "3400", "150000000") as an Exact.
Exact exact(std::string_view text) {
  Exact x;
  bool after_point = false;
  for (char c : text) {
    if (c == '.') {
      after_point = true;
      continue;
    }
    x.mantissa = x.mantissa * 10 + static_cast<unsigned>(c - '0');
    if (after_point) --x.exponent;
  }
  return normalized(x);
}

std::string digits_of(U128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

// Shortest exact text, the form Decimal::to_string writes: "0.000000001", "1844674407.3709".
std::string text(Exact x) {
  x = normalized(x);
  std::string d = digits_of(x.mantissa);
  if (x.exponent >= 0) return d + std::string(static_cast<std::size_t>(x.exponent), '0');
  const auto frac = static_cast<std::size_t>(-x.exponent);
  if (d.size() <= frac) d.insert(0, frac - d.size() + 1, '0');
  d.insert(d.size() - frac, ".");
  return d;
}

bool less(Exact a, Exact b) {
  a = normalized(a);
  b = normalized(b);
  const int e = std::min(a.exponent, b.exponent);
  U128 am = a.mantissa;
  U128 bm = b.mantissa;
  for (int i = e; i < a.exponent; ++i) am *= 10;
  for (int i = e; i < b.exponent; ++i) bm *= 10;
  return am < bm;
}
Exact min_of(const std::vector<Exact>& xs) {
  return *std::min_element(xs.begin(), xs.end(), less);
}
Exact max_of(const std::vector<Exact>& xs) {
  return *std::max_element(xs.begin(), xs.end(), less);
}

// The largest multiple of `step` not above `count_max` (venues send uint64 counts).
U128 largest_multiple(U128 count_max, U128 step) {
  return count_max / step * step;
}

bool decimal_holds(Exact x) {
  const std::string t = text(x);
  auto parsed = Decimal::parse(t);
  return parsed.ok() && parsed->to_string() == t;
}

struct Limit {
  std::string name;  // "<venue> <what>"
  Exact value;
};

// ---------------------------------------------------------------------------------------------
// Binance spot. [X] §1 "Tick, lot and notional rules": PRICE_FILTER minPrice/maxPrice/tickSize,
// LOT_SIZE minQty/maxQty/stepSize, NOTIONAL maxNotional, all decimal strings; [F]
// exchangeInfo_filters_examples.json writes every one with exactly 8 fractional digits
// ("tickSize": "0.00000100", "maxQty": "100000.00000000"). [3P] listed symbols publish
// "maxPrice":"922327.00000000" with "maxQty":"100000.00000000", and "maxQty":"92141578.00000000":
// limits chosen so that price * qty stays under (2^63-1) * 10^-8 = 92233720368.54775807, i.e.
// the engine counts int64 units of 10^-8 — the representation Decimal copies.
// Derivation gives: tick 0.00000001, step 0.00000001, largest quantity (and any value the engine
// can express) 92233720368.54775807, notional of the largest listed price * qty 92232700000.
std::vector<Limit> binance_limits() {
  constexpr int kFilterDecimals = 8;
  const Exact engine_max{static_cast<U128>(std::numeric_limits<std::int64_t>::max()),
                         -kFilterDecimals};
  const Exact notional = times(exact("922327.00000000"), exact("100000.00000000"));
  EXPECT_FALSE(less(engine_max, notional)) << "Binance's own limits must fit its engine";
  return {
      {"binance price tick", pow10(-kFilterDecimals)},
      {"binance quantity step", pow10(-kFilterDecimals)},
      {"binance largest quantity", engine_max},
      {"binance largest notional", notional},
  };
}

// ---------------------------------------------------------------------------------------------
// Coinbase Advanced Trade. [X] §3 "Tick and lot sizes": GET /products fields price_increment
// (tick), base_increment (lot step), base_max_size, quote_max_size — decimal strings.
// [F] nautilus_http_product.json (BTC-USD): price_increment "0.01", base_increment "0.00000001",
// base_max_size "3400", quote_max_size "150000000". [3P] PEPE-USD ticks print with 8 decimals
// ("price_level":"0.0000034", "0.00000487"), so its price_increment is taken as "0.00000001" [U:
// no capture of a finer Coinbase increment was found].
// Derivation gives: tick 0.00000001, step 0.00000001, largest quantity 3400 (BTC-USD), largest
// notional 150000000 (quote_max_size, the documented cap on price * size).
std::vector<Limit> coinbase_limits() {
  struct Product {
    std::string_view price_increment, base_increment, base_max_size, quote_max_size;
  };
  const std::vector<Product> products = {
      {"0.01", "0.00000001", "3400", "150000000"},  // BTC-USD [F]
      {"0.00000001", "", "", ""},                   // PEPE-USD [3P], sizes not captured
  };
  std::vector<Exact> ticks, steps, max_sizes, max_notionals;
  for (const auto& p : products) {
    ticks.push_back(exact(p.price_increment));
    if (!p.base_increment.empty()) steps.push_back(exact(p.base_increment));
    if (!p.base_max_size.empty()) max_sizes.push_back(exact(p.base_max_size));
    if (!p.quote_max_size.empty()) max_notionals.push_back(exact(p.quote_max_size));
  }
  return {
      {"coinbase price tick", min_of(ticks)},
      {"coinbase quantity step", min_of(steps)},
      {"coinbase largest quantity", max_of(max_sizes)},
      {"coinbase largest notional", max_of(max_notionals)},
  };
}

// ---------------------------------------------------------------------------------------------
// Kraken spot. [X] §2 "Tick, lot and minimum size": GET /0/public/AssetPairs gives
// pair_decimals (price decimals), lot_decimals (volume decimals), cost_decimals (cost decimals);
// [D] kraken_client PairInfo: "pair_decimals: scaling decimal places for pair", "lot_decimals:
// scaling decimal places for volume". [F] XXBTZUSD: pair_decimals 1, lot_decimals 8,
// cost_decimals 5. [3P] PEPE/USD and SHIB/USD: pair_decimals 9, lot_decimals 5 (tick_size
// "0.000000001"); the largest pair_decimals found. AssetPairs publishes no maximum volume or
// cost, so Kraken has no "largest" rows.
// Derivation gives: tick 10^-9 = 0.000000001 (finer than Decimal), step 10^-8, cost 10^-5.
std::vector<Limit> kraken_limits() {
  struct Pair {
    int pair_decimals, lot_decimals, cost_decimals;
  };
  const std::vector<Pair> pairs = {
      {1, 8, 5},  // XXBTZUSD [F]
      {9, 5, 5},  // PEPE/USD [3P] (cost_decimals as XXBTZUSD [U])
      {9, 5, 5},  // SHIB/USD [3P]
  };
  int price = 0, lot = 0, cost = 0;
  for (const auto& p : pairs) {
    price = std::max(price, p.pair_decimals);
    lot = std::max(lot, p.lot_decimals);
    cost = std::max(cost, p.cost_decimals);
  }
  return {
      {"kraken price tick", pow10(-price)},
      {"kraken quantity step", pow10(-lot)},
      {"kraken notional step", pow10(-cost)},
  };
}

// ---------------------------------------------------------------------------------------------
// Hyperliquid. [D] gitbook "Tick and lot size": "Prices can have up to 5 significant figures,
// but no more than MAX_DECIMALS - szDecimals decimal places where MAX_DECIMALS is 6 for perps
// and 8 for spot. Integer prices are always allowed" and "Sizes are rounded to the szDecimals of
// that asset." szDecimals >= 0, and a price may not have negative decimals, so
// 0 <= szDecimals <= MAX_DECIMALS. No maximum size or notional is published ([X] §4.2 gives
// only the $10 minimum), so Hyperliquid has no "largest" rows.
// Derivation gives: perp tick 10^-6, spot tick 10^-8, perp step 10^-6, spot step 10^-8.
std::vector<Limit> hyperliquid_limits() {
  constexpr int kPerpMaxDecimals = 6;
  constexpr int kSpotMaxDecimals = 8;
  std::vector<Limit> out;
  for (auto [kind, max_decimals] :
       {std::pair{"perp", kPerpMaxDecimals}, std::pair{"spot", kSpotMaxDecimals}}) {
    int finest_price = 0;
    int finest_size = 0;
    for (int sz_decimals = 0; sz_decimals <= max_decimals; ++sz_decimals) {
      finest_price = std::max(finest_price, max_decimals - sz_decimals);
      finest_size = std::max(finest_size, sz_decimals);
    }
    out.push_back({std::string("hyperliquid ") + kind + " price tick", pow10(-finest_price)});
    out.push_back({std::string("hyperliquid ") + kind + " quantity step", pow10(-finest_size)});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// dYdX v4. [X] §5 and src/venues/dydx/quantums.hpp:
//   size  = quantums * 10^atomicResolution, quantums a uint64 multiple of stepBaseQuantums
//   price = subticks * 10^(quantumConversionExponent - atomicResolution - 6) USDC, subticks a
//           uint64 multiple of subticksPerTick
// so tick = subticksPerTick * 10^(QCE - AR - 6), step = stepBaseQuantums * 10^AR.
// Listed markets: [F] BTC-USD AR -10, QCE -9, stepBaseQuantums 1e6, subticksPerTick 1e5. [C]
// dydxprotocol/v4-chain x/listing (permissionless listing): QCE = -9
// (DefaultQuantumConversionExponent), stepBaseQuantums = 1e6, subticksPerTick = 1e6
// (SubticksPerTick_LongTail), AR = ResolutionOffset(-6) - floor(log10(referencePrice)). Reference
// prices of listed meme coins go down to the 10^-7 decade ([3P] Kraken quotes MOG/USD below
// 0.000001), so floor(log10 p) ranges over -7 .. 5 (BTC).
// Derivation gives: BTC-USD tick 1, step 0.0001, largest quantity 1844674407.3709 BTC, largest
// price 184467440737095 USDC; long-tail tick 10^(floor(log10 p) - 3), finest 10^-10 at p ~ 1e-7
// (every p < 1e-5 gives a tick finer than 10^-8); long-tail step 10^(-floor(log10 p)), largest
// quantity at p ~ 1e-7 is 184467440737090000000 coins, largest price at p ~ 1e5 is
// 1844674407370900 USDC. Notional has no uint64 bound (the chain
// keeps quote quantums in big.Int), so it gets no row; its unit, the USDC quote quantum, is 10^-6.
struct DydxMarket {
  int atomic_resolution, quantum_conversion_exponent;
  U128 step_base_quantums, subticks_per_tick;
};

Exact dydx_tick(const DydxMarket& m) {
  return times(integer(m.subticks_per_tick),
               pow10(m.quantum_conversion_exponent - m.atomic_resolution - 6));
}
Exact dydx_step(const DydxMarket& m) {
  return times(integer(m.step_base_quantums), pow10(m.atomic_resolution));
}
Exact dydx_largest_quantity(const DydxMarket& m) {
  return times(
      integer(largest_multiple(std::numeric_limits<std::uint64_t>::max(), m.step_base_quantums)),
      pow10(m.atomic_resolution));
}
Exact dydx_largest_price(const DydxMarket& m) {
  return times(
      integer(largest_multiple(std::numeric_limits<std::uint64_t>::max(), m.subticks_per_tick)),
      pow10(m.quantum_conversion_exponent - m.atomic_resolution - 6));
}

std::vector<Limit> dydx_limits() {
  const DydxMarket btc{-10, -9, 1'000'000, 100'000};  // [F]
  std::vector<Exact> ticks{dydx_tick(btc)}, steps{dydx_step(btc)};
  std::vector<Exact> quantities{dydx_largest_quantity(btc)}, prices{dydx_largest_price(btc)};
  constexpr int kResolutionOffset = -6;
  for (int log10_price = -7; log10_price <= 5; ++log10_price) {
    const DydxMarket listed{kResolutionOffset - log10_price, -9, 1'000'000, 1'000'000};  // [C]
    ticks.push_back(dydx_tick(listed));
    steps.push_back(dydx_step(listed));
    quantities.push_back(dydx_largest_quantity(listed));
    prices.push_back(dydx_largest_price(listed));
  }
  return {
      {"dydx btc price tick", dydx_tick(btc)},
      {"dydx btc quantity step", dydx_step(btc)},
      {"dydx btc largest quantity", dydx_largest_quantity(btc)},
      {"dydx btc largest price", dydx_largest_price(btc)},
      {"dydx price tick", min_of(ticks)},
      {"dydx quantity step", min_of(steps)},
      {"dydx largest quantity", max_of(quantities)},
      {"dydx largest price", max_of(prices)},
      {"dydx notional step", pow10(-6)},
  };
}

Exact named(const std::vector<Limit>& limits, std::string_view name) {
  for (const auto& l : limits)
    if (l.name == name) return l.value;
  ADD_FAILURE() << "no limit named " << name;
  return {};
}

std::vector<Limit> all_limits() {
  std::vector<Limit> all;
  for (auto part :
       {binance_limits(), coinbase_limits(), kraken_limits(), hyperliquid_limits(), dydx_limits()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

std::vector<std::string> names_decimal_cannot_hold() {
  std::vector<std::string> out;
  for (const auto& l : all_limits())
    if (!decimal_holds(l.value)) out.push_back(l.name);
  return out;
}

// ---------------------------------------------------------------------------------------------

TEST(DecimalLimits, derivations_give_the_documented_examples) {
  // The formulas reproduce the examples the venues publish, so the rows above mean what they say.
  const DydxMarket btc{-10, -9, 1'000'000, 100'000};
  EXPECT_EQ(text(dydx_tick(btc)), "1");       // [X] "subticksPerTick 1e5 (=$1 tick)"
  EXPECT_EQ(text(dydx_step(btc)), "0.0001");  // [X] "stepBaseQuantums 1e6 (=0.0001 BTC)"
  EXPECT_EQ(text(pow10(-1)), "0.1");          // [X] Kraken XXBTZUSD pair_decimals 1, "0.1"
  EXPECT_EQ(text(exact("0.00000100")), "0.000001");
  EXPECT_EQ(text(exact("100000.00000000")), "100000");
}

TEST(DecimalLimits, binance_limits_all_round_trip_exactly_because_decimal_is_binances_engine) {
  for (const auto& l : binance_limits())
    EXPECT_TRUE(decimal_holds(l.value)) << l.name << " = " << text(l.value);
  // Binance's engine counts int64 units of 10^-8: its bound is exactly Decimal's raw8 range.
  EXPECT_EQ(text(named(binance_limits(), "binance largest quantity")),
            Decimal::from_raw8(std::numeric_limits<std::int64_t>::max()).to_string());
}

TEST(DecimalLimits, coinbase_limits_all_round_trip_exactly) {
  for (const auto& l : coinbase_limits())
    EXPECT_TRUE(decimal_holds(l.value)) << l.name << " = " << text(l.value);
}

TEST(DecimalLimits, hyperliquid_ticks_and_steps_all_round_trip_exactly) {
  for (const auto& l : hyperliquid_limits())
    EXPECT_TRUE(decimal_holds(l.value)) << l.name << " = " << text(l.value);
}

TEST(DecimalLimits, kraken_limits_all_round_trip_exactly_including_its_nine_decimal_tick) {
  EXPECT_EQ(text(named(kraken_limits(), "kraken price tick")), "0.000000001");
  for (const auto& l : kraken_limits())
    EXPECT_TRUE(decimal_holds(l.value)) << l.name << " = " << text(l.value);
}

TEST(DecimalLimits,
     dydx_limits_all_round_trip_exactly_including_long_tail_ticks_and_uint64_bounds) {
  // 10^-10 at a reference price in the 10^-7 decade; the uint64 subticks and quantums bounds.
  EXPECT_EQ(text(named(dydx_limits(), "dydx price tick")), "0.0000000001");
  EXPECT_EQ(text(named(dydx_limits(), "dydx btc largest price")), "184467440737095");
  for (const auto& l : dydx_limits())
    EXPECT_TRUE(decimal_holds(l.value)) << l.name << " = " << text(l.value);
}

TEST(DecimalLimits, notionals_of_largest_price_times_largest_quantity_are_representable) {
  // Binance's largest listed price * quantity and Coinbase's quote_max_size, with room to add a
  // fee: each fits Decimal and stays exact through checked arithmetic.
  const Decimal price = *Decimal::parse("922327");
  const Decimal qty = *Decimal::parse("100000");
  auto notional = price.checked_mul(qty);
  ASSERT_TRUE(notional.ok());
  EXPECT_EQ(notional->to_string(), text(named(binance_limits(), "binance largest notional")));
  EXPECT_TRUE(decimal_holds(named(coinbase_limits(), "coinbase largest notional")));
}

// What Decimal cannot hold, by name. The int64 * 10^-8 Decimal listed five limits here: Kraken's
// price tick (10^-9, PEPE/USD), dYdX's long-tail tick (10^-10) and dYdX's uint64 bounds on
// price (1.8*10^14 and 1.8*10^15 USDC) and quantity (1.8*10^20 coins). None is left.
TEST(DecimalLimits, no_venue_limit_is_beyond_decimal) {
  EXPECT_EQ(names_decimal_cannot_hold(), std::vector<std::string>{});
  EXPECT_GT(all_limits().size(), 20U);
}

// Why 16 decimals in 128 bits: every limit above has at most 16 fractional digits and at most
// 23 integer digits below int128 / 10^16 ~ 1.7*10^22, Decimal's bound.
TEST(DecimalLimits, every_limit_fits_sixteen_decimals_in_one_hundred_twenty_eight_bits) {
  const Exact int128_max16{(static_cast<U128>(1) << 127) - 1, -16};
  EXPECT_EQ(text(int128_max16), Decimal::max().to_string());
  for (const auto& l : all_limits()) {
    const Exact v = normalized(l.value);
    EXPECT_GE(v.exponent, -16) << l.name << " = " << text(v);
    EXPECT_FALSE(less(int128_max16, v)) << l.name << " = " << text(v);
  }
}

}  // namespace
}  // namespace nzeza
