// Text forms of decoded events and books, so the raw-path property tests compare two decodes
// (the scanner's and simdjson on-demand's) with a readable diff.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "core/market_event.hpp"
#include "market/order_book.hpp"

namespace nzeza::venues::raw_path_test {

inline std::string describe(const MarketEvent& e) {
  std::string s = std::to_string(static_cast<int>(e.venue)) + " " +
                  std::to_string(e.instrument.value) + " " + std::to_string(e.symbol.value) + " " +
                  std::to_string(e.venue_time.ns()) + " " + std::to_string(e.receive_time.ns()) +
                  " ";
  if (const auto* c = std::get_if<BookChange>(&e.body)) {
    s += "change " + std::to_string(static_cast<int>(c->side)) + " " + c->price.to_string() + " " +
         c->size.to_string() + " " + std::to_string(c->sequence) + " " +
         std::to_string(c->snapshot) + std::to_string(c->reset) + std::to_string(c->last);
  } else if (const auto* q = std::get_if<Quote>(&e.body)) {
    s += "quote " + q->bid.to_string() + " " + q->bid_size.to_string() + " " + q->ask.to_string() +
         " " + q->ask_size.to_string();
  } else if (const auto* v = std::get_if<VenueStatus>(&e.body)) {
    s += "status " + std::to_string(static_cast<int>(v->state));
  } else {
    s += "other";
  }
  return s;
}

inline std::vector<std::string> describe(const std::vector<MarketEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(describe(e));
  return out;
}

inline std::vector<std::string> describe(const market::OrderBook* book) {
  std::vector<std::string> out;
  if (book == nullptr) return {"no book"};
  out.push_back(std::string(market::to_string(book->state())) + " " +
                std::to_string(book->last_sequence()));
  for (const auto& l : book->bids())
    out.push_back("b " + l.price.to_string() + " " + l.size.to_string());
  for (const auto& l : book->asks())
    out.push_back("a " + l.price.to_string() + " " + l.size.to_string());
  return out;
}

}  // namespace nzeza::venues::raw_path_test
