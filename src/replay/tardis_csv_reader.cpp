#include "replay/tardis_csv_reader.hpp"

#include <charconv>
#include <cstring>
#include <limits>

#include "core/enum_names.hpp"
#include "replay/fast_parse.hpp"

namespace nzeza::replay {
namespace {

constexpr std::string_view kCommon[] = {"exchange", "symbol", "timestamp", "local_timestamp"};
constexpr std::string_view kBookL2[] = {"is_snapshot", "side", "price", "amount"};
constexpr std::string_view kTrades[] = {"id", "side", "price", "amount"};
constexpr std::string_view kQuotes[] = {"ask_amount", "ask_price", "bid_price", "bid_amount"};
constexpr std::string_view kKnownExchanges =
    "binance, binance-futures, binance-us, coinbase, kraken, hyperliquid, dydx, dydx-v4";

// Quote currencies tried, longest first, to split a Binance symbol ("BTCUSDT" -> BTC, USDT).
constexpr std::string_view kBinanceQuotes[] = {"FDUSD", "USDT", "USDC", "BUSD", "TUSD", "BTC",
                                               "ETH",   "BNB",  "EUR",  "TRY",  "USD"};

// Splits a line on ',' into `fields`; returns the number of fields (kMaxColumns + 1 when more).
template <std::size_t N>
std::size_t split(std::string_view line, std::array<std::string_view, N>& fields) noexcept {
  std::size_t count = 0;
  const char* p = line.data();
  const char* const end = p + line.size();
  for (;;) {
    const void* comma = std::memchr(p, ',', static_cast<std::size_t>(end - p));
    const char* stop = comma != nullptr ? static_cast<const char*>(comma) : end;
    if (count == N) return N + 1;
    fields[count++] = std::string_view(p, static_cast<std::size_t>(stop - p));
    if (comma == nullptr) return count;
    p = stop + 1;
  }
}

bool parse_us(std::string_view s, Timestamp& out) noexcept {
  std::int64_t v = 0;
  if (!fast_u63(s.data(), s.data() + s.size(), v) ||
      v > std::numeric_limits<std::int64_t>::max() / 1000)
    return false;
  out = Timestamp::from_us(v);
  return true;
}

struct Pair {
  std::string base;
  std::string quote;
};

std::string kraken_asset(std::string_view a) {
  if (a == "XBT") return "BTC";
  if (a == "XDG") return "DOGE";
  return std::string(a);
}

std::optional<Pair> infer_pair(std::string_view exchange, Venue venue, std::string_view symbol) {
  const std::size_t sep = symbol.find_first_of("-/");
  if (sep != std::string_view::npos && sep > 0 && sep + 1 < symbol.size()) {
    std::string_view base = symbol.substr(0, sep);
    std::string_view quote = symbol.substr(sep + 1);
    if (quote.find_first_of("-/") != std::string_view::npos) return std::nullopt;
    if (venue == Venue::kraken) return Pair{kraken_asset(base), kraken_asset(quote)};
    return Pair{std::string(base), std::string(quote)};
  }
  if (sep != std::string_view::npos) return std::nullopt;
  if (venue == Venue::hyperliquid) return Pair{std::string(symbol), "USDC"};
  if (venue == Venue::binance) {
    for (std::string_view q : kBinanceQuotes) {
      if (symbol.size() > q.size() && symbol.substr(symbol.size() - q.size()) == q)
        return Pair{std::string(symbol.substr(0, symbol.size() - q.size())), std::string(q)};
    }
  }
  (void)exchange;
  return std::nullopt;
}

template <std::size_t N>
bool same(const std::array<std::string, TardisCsvReader::kMaxLevels * 4 + 4>& names,
          std::size_t from, const std::string_view (&want)[N]) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[from + i] != want[i]) return false;
  return true;
}

}  // namespace

constexpr EnumNames kTardisDataTypeNames{
    TardisDataType::book_snapshot,
    {"incremental_book_L2", "trades", "quotes", "book_snapshot"},
    "?"};

std::string_view to_string(TardisDataType type) noexcept {
  return kTardisDataTypeNames.name(type);
}

std::optional<TardisExchange> tardis_exchange(std::string_view id) noexcept {
  if (id == "binance" || id == "binance-us")
    return TardisExchange{Venue::binance, InstrumentKind::spot};
  if (id == "binance-futures") return TardisExchange{Venue::binance, InstrumentKind::perpetual};
  if (id == "coinbase") return TardisExchange{Venue::coinbase, InstrumentKind::spot};
  if (id == "kraken") return TardisExchange{Venue::kraken, InstrumentKind::spot};
  if (id == "hyperliquid") return TardisExchange{Venue::hyperliquid, InstrumentKind::perpetual};
  if (id == "dydx" || id == "dydx-v4")
    return TardisExchange{Venue::dydx, InstrumentKind::perpetual};
  return std::nullopt;
}

Result<std::unique_ptr<TardisCsvReader>> TardisCsvReader::open(std::string path,
                                                               InstrumentRegistry& registry) {
  std::string_view header;
  auto lines = LineReader::open_at_header(std::move(path), header,
                                          "a Tardis CSV file begins with a header line");
  if (!lines) return lines.error();
  std::unique_ptr<TardisCsvReader> r(new TardisCsvReader(std::move(*lines), registry));
  if (auto st = r->detect(header); !st)
    return Error{ErrorCode::parse_error, r->lines_->path() + ":1: " + st.error().message};
  return r;
}

Status TardisCsvReader::detect(std::string_view header) {
  const std::size_t n = split(header, fields_);
  auto refuse = [&] {
    const std::string shown(header.substr(0, 120));
    return Error{ErrorCode::parse_error,
                 "not a Tardis CSV header nzeza reads (incremental_book_L2, trades, quotes, "
                 "book_snapshot_N): \"" +
                     shown + (header.size() > 120 ? "...\"" : "\"")};
  };
  if (n < 8 || n > kMaxColumns) return refuse();
  for (std::size_t i = 0; i < n; ++i) names_[i] = std::string(fields_[i]);
  columns_ = n;
  if (!same(names_, 0, kCommon)) return refuse();
  if (n == 8 && same(names_, 4, kBookL2)) {
    type_ = TardisDataType::incremental_book_l2;
  } else if (n == 8 && same(names_, 4, kTrades)) {
    type_ = TardisDataType::trades;
  } else if (n == 8 && same(names_, 4, kQuotes)) {
    type_ = TardisDataType::quotes;
  } else {
    if ((n - 4) % 4 != 0) return refuse();
    const std::size_t levels = (n - 4) / 4;
    for (std::size_t l = 0; l < levels; ++l) {
      const std::string i = std::to_string(l);
      const std::string want[4] = {"asks[" + i + "].price", "asks[" + i + "].amount",
                                   "bids[" + i + "].price", "bids[" + i + "].amount"};
      for (std::size_t k = 0; k < 4; ++k)
        if (names_[4 + 4 * l + k] != want[k]) return refuse();
    }
    type_ = TardisDataType::book_snapshot;
    levels_ = levels;
  }
  return {};
}

ReadOutcome TardisCsvReader::fail(std::string message, ErrorCode code) {
  failed_ = true;
  error_ = Error{code, lines_->path() + ":" + std::to_string(lines_->line_number()) + ": " +
                           std::move(message)};
  return ReadOutcome::error;
}

ReadOutcome TardisCsvReader::bad_column(std::size_t column, std::string_view why) {
  const std::string_view value = fields_[column];
  return fail("column " + std::to_string(column + 1) + " (" + names_[column] +
              "): " + std::string(why) + " (\"" + std::string(value.substr(0, 60)) + "\")");
}

Result<TardisCsvReader::Entry*> TardisCsvReader::resolve(std::string_view key,
                                                         std::string_view exchange,
                                                         std::string_view symbol) {
  if (auto it = entries_.find(key); it != entries_.end()) return &it->second;
  const auto ex = tardis_exchange(exchange);
  if (!ex)
    return Error{ErrorCode::not_found, "unknown Tardis exchange \"" + std::string(exchange) +
                                           "\" (nzeza maps " + std::string(kKnownExchanges) + ")"};
  if (symbol.empty()) return Error{ErrorCode::parse_error, "empty symbol"};
  const auto pair = infer_pair(exchange, ex->venue, symbol);
  std::string canonical;
  if (pair) {
    canonical = pair->base + "-" + pair->quote;
    if (ex->venue == Venue::binance && ex->kind == InstrumentKind::perpetual) canonical += "-PERP";
  }
  const Instrument* known = registry_.find(ex->venue, symbol);
  if (known == nullptr && !canonical.empty())
    known = registry_.find_canonical(ex->venue, canonical);
  Entry entry;
  entry.venue = ex->venue;
  if (known != nullptr) {
    if (known->kind != ex->kind)
      return Error{ErrorCode::invalid_argument,
                   std::string(exchange) + " " + std::string(symbol) + " is a " +
                       std::string(to_string(ex->kind)) + " market but the registry holds " +
                       std::string(to_string(known->venue)) + " " + known->venue_symbol + " as " +
                       std::string(to_string(known->kind)) +
                       " (one Venue cannot hold both under one venue symbol)"};
    entry.id = known->id;
    entry.symbol = known->symbol;
  } else {
    if (!pair)
      return Error{ErrorCode::invalid_argument,
                   "cannot infer base and quote of " + std::string(exchange) + " symbol \"" +
                       std::string(symbol) + "\": register the instrument before reading"};
    Instrument in;
    in.venue = ex->venue;
    in.kind = ex->kind;
    in.venue_symbol = std::string(symbol);
    in.canonical = canonical;
    in.base = pair->base;
    in.quote = pair->quote;
    in.tick_size = Decimal::one();
    in.lot_size = Decimal::one();
    in.min_size = Decimal::one();
    auto id = registry_.add(std::move(in));
    if (!id) return id.error();
    entry.id = *id;
    entry.symbol = registry_.get(*id)->symbol;
    entry.created = true;
    ++stats_.instruments_created;
  }
  auto [it, inserted] = entries_.emplace(std::string(key), entry);
  (void)inserted;
  return &it->second;
}

void TardisCsvReader::refine(Entry& entry, bool is_price, int dp) {
  int& have = is_price ? entry.price_dp : entry.size_dp;
  if (dp <= have || dp > Decimal::kScale) return;
  have = dp;
  const Instrument* cur = registry_.get(entry.id);
  if (cur == nullptr) return;
  Instrument copy = *cur;
  const Decimal step = *Decimal::from_scaled(1, dp);
  if (is_price) {
    copy.tick_size = step;
  } else {
    copy.lot_size = step;
    copy.min_size = step;
  }
  (void)registry_.update(copy);
}

bool TardisCsvReader::decimal(std::size_t column, Decimal& out, Entry& entry, bool is_price) {
  const std::string_view text = fields_[column];
  int dp = 0;
  if (!fast_decimal(text.data(), text.data() + text.size(), out, dp)) {
    auto d = Decimal::parse(text);  // exponents ("1e-7"), long mantissas
    if (!d) return false;
    out = *d;
    dp = d->decimal_places();
  }
  if (entry.created && dp > (is_price ? entry.price_dp : entry.size_dp))
    refine(entry, is_price, dp);
  return true;
}

ReadOutcome TardisCsvReader::read_row(MarketEvent& out) {
  std::string_view line;
  for (;;) {
    if (const ReadOutcome got = next_line(*lines_, line, failed_, error_);
        got != ReadOutcome::event)
      return got;
    if (line.empty()) continue;
    const std::size_t n = split(line, fields_);
    if (n != columns_)
      return fail(n > kMaxColumns
                      ? "more columns than the header's " + std::to_string(columns_)
                      : std::to_string(n) + " columns, the header has " + std::to_string(columns_));
    ++stats_.rows;
    // Exchange and symbol are adjacent: "binance,BTCUSDT" keys the instrument cache.
    const std::string_view key(line.data(), fields_[0].size() + 1 + fields_[1].size());
    Entry* entry = last_;
    if (entry == nullptr || key != last_key_) {
      auto r = resolve(key, fields_[0], fields_[1]);
      if (!r) return fail(r.error().message, r.error().code);
      entry = *r;
      last_ = entry;
      last_key_.assign(key);
    }
    Timestamp venue_time;
    Timestamp receive_time;
    if (!fields_[2].empty() && !parse_us(fields_[2], venue_time))
      return bad_column(2, "not a time in microseconds");
    if (!parse_us(fields_[3], receive_time)) return bad_column(3, "not a time in microseconds");
    out.venue = entry->venue;
    out.instrument = entry->id;
    out.symbol = entry->symbol;
    out.venue_time = venue_time;
    out.receive_time = receive_time;
    switch (type_) {
      case TardisDataType::incremental_book_l2: {
        auto& b = out.body.emplace<BookChange>();
        if (fields_[4] == "true") {
          b.snapshot = true;
        } else if (fields_[4] != "false") {
          return bad_column(4, "not true or false");
        }
        if (fields_[5] == "bid") {
          b.side = Side::buy;
        } else if (fields_[5] == "ask") {
          b.side = Side::sell;
        } else {
          return bad_column(5, "not bid or ask");
        }
        if (!decimal(6, b.price, *entry, true)) return bad_column(6, "not an exact decimal");
        if (!decimal(7, b.size, *entry, false)) return bad_column(7, "not an exact decimal");
        if (b.snapshot)
          b.reset = !(prev_snapshot_ && prev_instrument_ == out.instrument &&
                      prev_receive_ == receive_time);
        prev_snapshot_ = b.snapshot;
        prev_instrument_ = out.instrument;
        prev_receive_ = receive_time;
        return ReadOutcome::event;
      }
      case TardisDataType::trades: {
        auto& t = out.body.emplace<Trade>();
        if (!TradeId::assign(t.trade_id, fields_[4])) return bad_column(4, "longer than 40");
        if (fields_[5] == "buy") {
          t.aggressor = Side::buy;
        } else if (fields_[5] == "sell") {
          t.aggressor = Side::sell;
        } else if (fields_[5] == "unknown") {
          t.aggressor = Side::buy;
          ++stats_.unknown_sides;
        } else {
          return bad_column(5, "not buy, sell or unknown");
        }
        if (!decimal(6, t.price, *entry, true)) return bad_column(6, "not an exact decimal");
        if (!decimal(7, t.size, *entry, false)) return bad_column(7, "not an exact decimal");
        return ReadOutcome::event;
      }
      case TardisDataType::quotes: {
        auto& q = out.body.emplace<Quote>();
        // ask_amount, ask_price, bid_price, bid_amount; empty when that side is empty.
        Decimal* dst[4] = {&q.ask_size, &q.ask, &q.bid, &q.bid_size};
        for (std::size_t c = 4; c < 8; ++c) {
          if (fields_[c].empty()) continue;
          const bool is_price = c == 5 || c == 6;
          if (!decimal(c, *dst[c - 4], *entry, is_price))
            return bad_column(c, "not an exact decimal");
        }
        return ReadOutcome::event;
      }
      case TardisDataType::book_snapshot: {
        queue_size_ = 0;
        queue_pos_ = 0;
        for (int pass = 0; pass < 2; ++pass) {  // asks, then bids
          for (std::size_t l = 0; l < levels_; ++l) {
            const std::size_t pc = 4 + 4 * l + (pass == 0 ? 0 : 2);
            if (fields_[pc].empty() && fields_[pc + 1].empty()) continue;
            Level& lv = levels_queue_[queue_size_];
            lv.side = pass == 0 ? Side::sell : Side::buy;
            if (!decimal(pc, lv.price, *entry, true)) return bad_column(pc, "not an exact decimal");
            if (!decimal(pc + 1, lv.size, *entry, false))
              return bad_column(pc + 1, "not an exact decimal");
            ++queue_size_;
          }
        }
        if (queue_size_ == 0) continue;  // an empty book row carries no level
        queue_event_ = out;
        return emit_level(out);
      }
    }
    return fail("unreachable data type", ErrorCode::internal);
  }
}

ReadOutcome TardisCsvReader::emit_level(MarketEvent& out) {
  const Level& lv = levels_queue_[queue_pos_];
  out.venue = queue_event_.venue;
  out.instrument = queue_event_.instrument;
  out.symbol = queue_event_.symbol;
  out.venue_time = queue_event_.venue_time;
  out.receive_time = queue_event_.receive_time;
  auto& b = out.body.emplace<BookChange>();
  b.side = lv.side;
  b.price = lv.price;
  b.size = lv.size;
  b.snapshot = true;
  b.reset = queue_pos_ == 0;
  b.last = queue_pos_ + 1 == queue_size_;
  ++queue_pos_;
  ++stats_.events;
  return ReadOutcome::event;
}

ReadOutcome TardisCsvReader::next(MarketEvent& out) {
  if (failed_) return ReadOutcome::error;
  if (type_ == TardisDataType::book_snapshot) {
    if (queue_pos_ < queue_size_) return emit_level(out);
    return read_row(out);  // emit_level counts the events
  }
  if (type_ != TardisDataType::incremental_book_l2) {
    const ReadOutcome r = read_row(out);
    if (r == ReadOutcome::event) ++stats_.events;
    return r;
  }
  // Book L2: hold one event back to know whether a snapshot run ends with it.
  if (!primed_) {
    primed_ = true;
    const ReadOutcome r = read_row(slots_[cur_]);
    if (r != ReadOutcome::event) return r;
    has_pending_ = true;
  }
  if (!has_pending_) return failed_ ? ReadOutcome::error : after_pending_;
  MarketEvent& pending = slots_[cur_];
  MarketEvent& ahead = slots_[cur_ ^ 1];
  const ReadOutcome r = read_row(ahead);
  auto& pb = std::get<BookChange>(pending.body);
  if (pb.snapshot) {
    bool continues = false;
    if (r == ReadOutcome::event) {
      const auto* ab = std::get_if<BookChange>(&ahead.body);
      continues = ab != nullptr && ab->snapshot && !ab->reset;
    }
    pb.last = !continues;
  }
  out = pending;
  ++stats_.events;
  if (r == ReadOutcome::event) {
    cur_ ^= 1;
  } else {
    has_pending_ = false;
    after_pending_ = r;
    if (r == ReadOutcome::error) failed_ = false;  // report it on the next call
  }
  return ReadOutcome::event;
}

}  // namespace nzeza::replay
