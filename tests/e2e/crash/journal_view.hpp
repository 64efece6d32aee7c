#pragma once
// JournalView: what the server's journal (data_dir/journal.sqlite) says, read after the server
// has exited, in the plain terms the kill -9 test compares with the venue simulators' records.
//
// Read with the store's own reader (store::Journal) when this build has it (NZEZA_HAVE_STORE);
// without it read_journal() answers an error naming what is missing, so the test fails saying
// so instead of comparing against nothing.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/result.hpp"
#include "core/venue.hpp"

namespace nzeza::e2e::crash {

struct JournalOrder {
  std::uint64_t sequence = 0;
  std::string canonical;
  std::string purpose;
  std::string phase;  // store::OrderPhase name of the latest event
  std::optional<Venue> venue;
  std::string client_order_id;  // wire text at that venue ("" before a venue was chosen)
};

struct JournalFill {
  Venue venue = Venue::paper;
  std::string venue_symbol;
  std::string trade_id;
  std::string client_order_id;
  bool buy = true;
  Decimal price;
  Decimal quantity;
  Decimal fee;
  std::string fee_currency;
  std::uint64_t sequence = 0;
};

struct JournalPosition {
  Venue venue = Venue::paper;
  std::string venue_symbol;
  Decimal quantity;  // signed
};

struct JournalView {
  std::uint64_t last_sequence = 0;
  std::map<std::uint64_t, JournalOrder> orders;  // every intent, by sequence
  std::vector<JournalFill> fills;                // every fill, as recorded
  std::vector<JournalPosition> positions;        // the latest per (venue, venue_symbol)
};

[[nodiscard]] Result<JournalView> read_journal(const std::filesystem::path& file);

}  // namespace nzeza::e2e::crash
