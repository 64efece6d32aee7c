#pragma once
// Helpers shared by the journal tests: a temporary directory on the real disk and sample
// records with every field set.

#include <gtest/gtest.h>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): mkdtemp

#include <filesystem>
#include <string>
#include <system_error>

#include "store/journal.hpp"

namespace nzeza::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "nzeza-store-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path file(const std::string& name = "journal.sqlite") const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

inline Decimal dec(const char* text) {
  return Decimal::parse(text).value();
}

inline Timestamp at_ms(std::int64_t ms) {
  return Timestamp::from_ms(1'700'000'000'000 + ms);
}

inline IntentRecord intent(std::uint64_t sequence, std::int64_t ms = 0) {
  IntentRecord i;
  i.sequence = sequence;
  i.canonical = "BTC-USDT";
  i.side = Side::sell;
  i.type = domain::OrderType::stop_limit;
  i.time_in_force = domain::TimeInForce::post_only;
  i.reduce_only = true;
  i.quantity = dec("0.00000151");
  i.price = dec("45000.5");
  i.stop_price = dec("44999.0000000000000001");
  i.purpose = "stop_loss";
  i.at = at_ms(ms == 0 ? static_cast<std::int64_t>(sequence % 1'000'000) : ms);
  return i;
}

inline OrderEventRecord event(std::uint64_t sequence, OrderPhase phase, std::int64_t ms) {
  OrderEventRecord e;
  e.sequence = sequence;
  e.phase = phase;
  e.venue = Venue::kraken;
  e.client_order_id = "nz-" + std::to_string(sequence);
  e.venue_order_id = "OABC-" + std::to_string(ms);
  e.venue_symbol = "XBT/USDT";
  e.status = domain::VenueOrderStatus::partially_filled;
  e.filled = dec("0.0000005");
  e.detail = "phase at " + std::to_string(ms);
  e.at = at_ms(ms);
  return e;
}

inline FillRecord fill(std::string trade_id, std::uint64_t sequence, std::int64_t ms) {
  FillRecord f;
  f.fill.venue = Venue::binance;
  f.fill.venue_symbol = "BTCUSDT";
  f.fill.trade_id = std::move(trade_id);
  f.fill.client_order_id = "nz-" + std::to_string(sequence);
  f.fill.side = Side::buy;
  f.fill.price = dec("45000.12345678");
  f.fill.quantity = dec("0.001");
  f.fill.fee = dec("-0.0000001");
  f.fill.fee_currency = "BNB";
  f.fill.liquidity = domain::Liquidity::maker;
  f.fill.time = at_ms(ms);
  f.sequence = sequence;
  f.recorded = at_ms(ms + 1);
  return f;
}

}  // namespace nzeza::store::testing
