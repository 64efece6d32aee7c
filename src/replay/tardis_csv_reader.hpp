#pragma once
// TardisCsvReader: Tardis.dev's normalised CSV files (what NautilusTrader and hftbacktest import)
// as MarketEvents: incremental_book_L2, trades, quotes and book_snapshot_N (N <= 25), plain
// `.csv` or `.csv.gz`, streamed.
//
// The data type is detected from the header line. Each row names its exchange and symbol; the
// Tardis exchange id maps to a Venue (binance, binance-futures, binance-us -> binance; coinbase;
// kraken; hyperliquid; dydx, dydx-v4 -> dydx); any other id is an error naming it. Times are
// microseconds: `timestamp` is the venue time, `local_timestamp` the receive time.
//
// Instruments: a row's symbol is looked up in `registry` by venue symbol, then by the canonical
// symbol inferred from it (Kraken's XBT/USD is BTC-USD). One it lacks is created with inferred
// metadata: base/quote split from the symbol, tick = 10^-d for the most price decimals seen so
// far, lot likewise from the amounts (the registry entry is updated as finer values appear),
// min size = lot, no notional minimum. Register instruments first (from config or venue metadata)
// to replay with the exact rules.
//
// Mapping: a book_L2 row is one BookChange (bid = buy side, amount 0 deletes); a run of
// is_snapshot rows with the same local_timestamp is one snapshot (first `reset`, last `last`). A
// book_snapshot row is a snapshot run of its levels (asks then bids, empty levels skipped). A
// quotes row is a Quote (empty fields = 0). A trades row is a Trade; Tardis' `unknown` aggressor
// side is read as buy and counted in stats().unknown_sides.
//
// A malformed row is an error naming the file, the line and the column. Not thread-safe.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "replay/event_source.hpp"
#include "replay/line_reader.hpp"

namespace nzeza::replay {

enum class TardisDataType : std::uint8_t { incremental_book_l2, trades, quotes, book_snapshot };
[[nodiscard]] std::string_view to_string(TardisDataType type) noexcept;

struct TardisExchange {
  Venue venue = Venue::paper;
  InstrumentKind kind = InstrumentKind::spot;
};
// nullopt for an exchange id nzeza has no venue for.
[[nodiscard]] std::optional<TardisExchange> tardis_exchange(std::string_view id) noexcept;

struct TardisCsvStats {
  std::uint64_t rows = 0;
  std::uint64_t events = 0;
  std::uint64_t unknown_sides = 0;
  std::uint64_t instruments_created = 0;
};

class TardisCsvReader final : public EventSource {
 public:
  static constexpr std::size_t kMaxLevels = 25;

  // Opens the file and reads its header line.
  static Result<std::unique_ptr<TardisCsvReader>> open(std::string path,
                                                       InstrumentRegistry& registry);

  ReadOutcome next(MarketEvent& out) override;
  [[nodiscard]] const Error& error() const noexcept override { return error_; }
  [[nodiscard]] std::string_view name() const noexcept override { return lines_->path(); }
  [[nodiscard]] TardisDataType type() const noexcept { return type_; }
  // Levels per side of a book_snapshot file (0 for the other types).
  [[nodiscard]] std::size_t levels() const noexcept { return levels_; }
  [[nodiscard]] const TardisCsvStats& stats() const noexcept { return stats_; }

 private:
  struct Entry {
    InstrumentId id;
    SymbolId symbol;
    Venue venue = Venue::paper;
    bool created = false;
    int price_dp = 0;
    int size_dp = 0;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct Level {
    Side side = Side::buy;
    Decimal price;
    Decimal size;
  };
  static constexpr std::size_t kMaxColumns = 4 + 4 * kMaxLevels;

  TardisCsvReader(std::unique_ptr<LineReader> lines, InstrumentRegistry& registry)
      : lines_(std::move(lines)), registry_(registry) {}
  Status detect(std::string_view header);
  // Reads rows until one yields an event (into `out`, or into the snapshot queue).
  ReadOutcome read_row(MarketEvent& out);
  ReadOutcome fail(std::string message, ErrorCode code = ErrorCode::parse_error);
  ReadOutcome bad_column(std::size_t column, std::string_view why);
  Result<Entry*> resolve(std::string_view key, std::string_view exchange, std::string_view symbol);
  // Parses a decimal column; refines the created instrument's tick or lot.
  bool decimal(std::size_t column, Decimal& out, Entry& entry, bool is_price);
  void refine(Entry& entry, bool is_price, int dp);
  ReadOutcome emit_level(MarketEvent& out);

  std::unique_ptr<LineReader> lines_;
  InstrumentRegistry& registry_;
  TardisDataType type_ = TardisDataType::trades;
  std::size_t columns_ = 0;
  std::size_t levels_ = 0;
  std::array<std::string, kMaxColumns> names_;
  std::array<std::string_view, kMaxColumns> fields_{};
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
  std::string last_key_;
  Entry* last_ = nullptr;
  TardisCsvStats stats_;
  // incremental_book_L2: one event of lookahead to mark the last row of a snapshot run.
  std::array<MarketEvent, 2> slots_{};
  int cur_ = 0;
  bool primed_ = false;
  bool has_pending_ = false;
  ReadOutcome after_pending_ = ReadOutcome::end;
  bool prev_snapshot_ = false;
  InstrumentId prev_instrument_;
  Timestamp prev_receive_;
  // book_snapshot: the levels of the current row, emitted one by one.
  std::array<Level, 2 * kMaxLevels> levels_queue_{};
  std::size_t queue_size_ = 0;
  std::size_t queue_pos_ = 0;
  MarketEvent queue_event_;
  bool failed_ = false;
  Error error_;
};

}  // namespace nzeza::replay
