#include "replay/recording_reader.hpp"

#include <cstring>

namespace nzeza::replay {

Result<std::unique_ptr<RecordingReader>> RecordingReader::open(std::string path,
                                                               InstrumentRegistry& registry) {
  std::string_view line;
  auto lines =
      LineReader::open_at_header(std::move(path), line, "a recording begins with a header line");
  if (!lines) return lines.error();
  std::unique_ptr<RecordingReader> r(new RecordingReader(std::move(*lines), registry));
  const std::string where = r->lines_->path() + ":1: ";
  if (classify_line(line) != LineKind::header)
    return Error{ErrorCode::parse_error, where + "not a recording header (expected {\"format\":\"" +
                                             std::string(kRecordingFormat) + "\",...})"};
  auto header = decode_header(line);
  if (!header) return Error{ErrorCode::parse_error, where + header.error().message};
  r->header_ = std::move(*header);
  for (const Instrument& in : r->header_.instruments)
    if (auto st = r->map(in); !st) return Error{st.error().code, where + st.error().message};
  return r;
}

Status RecordingReader::map(const Instrument& instrument) {
  if (instrument.venue != header_.venue)
    return Error{ErrorCode::parse_error, "instrument " + instrument.venue_symbol + " is on " +
                                             std::string(to_string(instrument.venue)) +
                                             ", the file on " +
                                             std::string(to_string(header_.venue))};
  const Instrument* known = registry_.find(instrument.venue, instrument.venue_symbol);
  if (known == nullptr) {
    auto id = registry_.add(instrument);
    if (!id) return id.error();
    known = registry_.get(*id);
  }
  const Entry entry{known->id, known->symbol};
  by_symbol_[instrument.venue_symbol] = entry;
  Packed p;
  if (pack(instrument.venue_symbol, p)) {
    p.entry = entry;
    bool replaced = false;
    for (Packed& q : packed_) {
      if (q.size == p.size && q.lo == p.lo && q.hi == p.hi) {
        q = p;
        replaced = true;
      }
    }
    if (!replaced && packed_.size() < 32) packed_.push_back(p);
  }
  return {};
}

bool RecordingReader::pack(std::string_view symbol, Packed& out) noexcept {
  if (symbol.size() > 16) return false;
  out.lo = 0;
  out.hi = 0;
  out.size = static_cast<std::uint32_t>(symbol.size());
  std::memcpy(&out.lo, symbol.data(), std::min<std::size_t>(symbol.size(), 8));
  if (symbol.size() > 8) std::memcpy(&out.hi, symbol.data() + 8, symbol.size() - 8);
  return true;
}

ReadOutcome RecordingReader::fail(std::string message, ErrorCode code) {
  failed_ = true;
  error_ = Error{code, lines_->path() + ":" + std::to_string(lines_->line_number()) + ": " +
                           std::move(message)};
  return ReadOutcome::error;
}

ReadOutcome RecordingReader::next(MarketEvent& out) {
  if (failed_) return ReadOutcome::error;
  std::string_view line;
  for (;;) {
    if (const ReadOutcome got = next_line(*lines_, line, failed_, error_);
        got != ReadOutcome::event)
      return got;
    LineKind kind = classify_line(line);
    if (kind == LineKind::event) {
      std::string_view symbol;
      const Status st = decode_event_line(line, out, symbol, scratch_);
      if (st) return resolve(out, symbol);
      kind = classify_json_line(line);  // a header or instrument line in another layout?
      if (kind == LineKind::event || kind == LineKind::unknown) return fail(st.error().message);
    }
    switch (kind) {
      case LineKind::instrument: {
        auto in = decode_instrument_line(line);
        if (!in) return fail(in.error().message);
        if (auto st = map(*in); !st) return fail(st.error().message, st.error().code);
        continue;
      }
      case LineKind::header: {
        auto h = decode_header(line);
        if (!h) return fail(h.error().message);
        if (h->venue != header_.venue)
          return fail("a header for " + std::string(to_string(h->venue)) + " in a " +
                      std::string(to_string(header_.venue)) + " recording");
        for (const Instrument& in : h->instruments)
          if (auto st = map(in); !st) return fail(st.error().message, st.error().code);
        continue;
      }
      case LineKind::event:
      case LineKind::unknown:
        if (line.empty()) continue;
        return fail("not a recording line (expected {\"k\":...})");
    }
  }
}

ReadOutcome RecordingReader::resolve(MarketEvent& out, std::string_view symbol) {
  out.venue = header_.venue;
  if (symbol.empty()) {
    out.instrument = InstrumentId{};
    out.symbol = SymbolId{};
  } else {
    Packed key;
    if (pack(symbol, key)) {
      for (const Packed& p : packed_) {
        if (p.lo == key.lo && p.hi == key.hi && p.size == key.size) {
          out.instrument = p.entry.id;
          out.symbol = p.entry.symbol;
          ++events_;
          return ReadOutcome::event;
        }
      }
    }
    const auto it = by_symbol_.find(symbol);
    if (it == by_symbol_.end())
      return fail("instrument \"" + std::string(symbol) + "\" is not declared in the file");
    out.instrument = it->second.id;
    out.symbol = it->second.symbol;
  }
  ++events_;
  return ReadOutcome::event;
}

}  // namespace nzeza::replay
