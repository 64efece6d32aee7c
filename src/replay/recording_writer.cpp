#include "replay/recording_writer.hpp"

#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "replay/recording_format.hpp"

namespace nzeza::replay {
namespace {
constexpr std::size_t kCompressAt = 64u << 10;  // pending text handed to zstd in chunks
constexpr Duration kHour = std::chrono::hours(1);

}  // namespace

struct RecordingWriter::File {
  Venue venue = Venue::paper;
  Timestamp hour;
  std::filesystem::path path;
  std::FILE* out = nullptr;
  ZSTD_CCtx* cctx = nullptr;
  std::string pending;
  std::vector<char> zbuf;
  std::vector<bool> declared;  // by InstrumentId
  std::size_t frame_events = 0;
  Timestamp frame_began;
  ~File() {
    if (cctx != nullptr) ZSTD_freeCCtx(cctx);
    if (out != nullptr) std::fclose(out);
  }
};

RecordingWriter::RecordingWriter(const InstrumentRegistry& registry, RecordingWriterOptions options)
    : registry_(registry), options_(std::move(options)) {}

RecordingWriter::~RecordingWriter() {
  (void)close();
}

std::filesystem::path RecordingWriter::hour_path(const std::filesystem::path& dir, Venue venue,
                                                 Timestamp time) {
  const std::string iso = time.floor_to(kHour).to_iso8601();  // 2024-01-02T03:00:00Z
  return dir / std::string(to_string(venue)) / iso.substr(0, 10) /
         (iso.substr(11, 2) + ".ndjson.zst");
}

Status RecordingWriter::append(const MarketEvent& event) {
  std::string_view symbol;
  const Instrument* inst = nullptr;
  if (event.instrument.valid()) {
    inst = registry_.get(event.instrument);
    if (inst == nullptr) {
      ++stats_.dropped;
      return Error{ErrorCode::not_found, "recording: instrument id " +
                                             std::to_string(event.instrument.value) +
                                             " is not in the registry"};
    }
    if (inst->venue != event.venue) {
      ++stats_.dropped;
      return Error{ErrorCode::invalid_argument,
                   "recording: an event from " + std::string(to_string(event.venue)) +
                       " names the " + std::string(to_string(inst->venue)) + " instrument " +
                       inst->venue_symbol};
    }
    symbol = inst->venue_symbol;
  } else if (!std::holds_alternative<VenueStatus>(event.body)) {
    ++stats_.dropped;
    return Error{ErrorCode::invalid_argument,
                 "recording: a market event without an instrument (only a status may have none)"};
  }
  auto file = file_for(event.venue, event.receive_time.floor_to(kHour), event.receive_time);
  if (!file) {
    ++stats_.dropped;
    return file.error();
  }
  File& f = **file;
  if (inst != nullptr) {
    if (auto st = declare(f, *inst); !st) {
      ++stats_.dropped;
      return st;
    }
  }
  if (f.frame_events == 0) f.frame_began = event.receive_time;
  append_event_line(f.pending, event, symbol);
  ++f.frame_events;
  ++stats_.written;
  const bool end_frame = f.frame_events >= options_.frame_events ||
                         event.receive_time - f.frame_began >= options_.frame_interval;
  if (end_frame || f.pending.size() >= kCompressAt) return compress(f, end_frame);
  return {};
}

Status RecordingWriter::declare(File& f, const Instrument& instrument) {
  const std::uint32_t id = instrument.id.value;
  if (id < f.declared.size() && f.declared[id]) return {};
  if (id >= f.declared.size()) f.declared.resize(id + 1, false);
  f.declared[id] = true;
  f.pending.append(encode_instrument_line(instrument));
  f.pending.push_back('\n');
  return {};
}

Result<RecordingWriter::File*> RecordingWriter::file_for(Venue venue, Timestamp hour,
                                                         Timestamp now) {
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    if ((*it)->venue != venue) continue;
    if ((*it)->hour == hour) return it->get();
    Status st = close_file(**it);  // the hour changed: rotate
    open_.erase(it);
    if (!st) return st.error();
    break;
  }
  std::filesystem::path path = hour_path(options_.dir, venue, hour);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return Error{ErrorCode::invalid_argument,
                 "recording: cannot create " + path.parent_path().string() + ": " + ec.message()};
  }
  const std::string stem = path.filename().string().substr(0, 2);  // "HH"
  for (int n = 1; std::filesystem::exists(path); ++n)
    path.replace_filename(stem + "." + std::to_string(n) + ".ndjson.zst");
  auto f = std::make_unique<File>();
  f->venue = venue;
  f->hour = hour;
  f->path = path;
  f->out = std::fopen(path.c_str(), "wb");
  if (f->out == nullptr)
    return Error{ErrorCode::invalid_argument,
                 "recording: cannot create " + path.string() + ": " + std::strerror(errno)};
  f->cctx = ZSTD_createCCtx();
  if (f->cctx == nullptr ||
      ZSTD_isError(
          ZSTD_CCtx_setParameter(f->cctx, ZSTD_c_compressionLevel, options_.compression_level)) ||
      ZSTD_isError(ZSTD_CCtx_setParameter(f->cctx, ZSTD_c_checksumFlag, 1)) ||
      ZSTD_isError(ZSTD_CCtx_setParameter(f->cctx, ZSTD_c_windowLog, options_.window_log)))
    return Error{ErrorCode::internal, "recording: cannot create a zstd encoder"};
  f->zbuf.resize(ZSTD_CStreamOutSize());
  RecordingHeader header;
  header.nzeza_version = std::string(nzeza_version());
  header.venue = venue;
  header.hour = hour;
  for (const Instrument* in : registry_.by_venue(venue)) {
    header.instruments.push_back(*in);
    if (in->id.value >= f->declared.size()) f->declared.resize(in->id.value + 1, false);
    f->declared[in->id.value] = true;
  }
  f->pending = encode_header(header);
  f->pending.push_back('\n');
  f->frame_began = now;
  ++stats_.files;
  paths_.push_back(path);
  open_.push_back(std::move(f));
  return open_.back().get();
}

Status RecordingWriter::compress(File& f, bool end_frame) {
  ZSTD_inBuffer in{f.pending.data(), f.pending.size(), 0};
  const ZSTD_EndDirective mode = end_frame ? ZSTD_e_end : ZSTD_e_continue;
  for (;;) {
    ZSTD_outBuffer out{f.zbuf.data(), f.zbuf.size(), 0};
    const std::size_t left = ZSTD_compressStream2(f.cctx, &out, &in, mode);
    if (ZSTD_isError(left))
      return Error{ErrorCode::internal,
                   "recording: " + f.path.string() + ": zstd: " + ZSTD_getErrorName(left)};
    if (out.pos > 0 && std::fwrite(f.zbuf.data(), 1, out.pos, f.out) != out.pos)
      return Error{ErrorCode::unavailable,
                   "recording: cannot write " + f.path.string() + ": " + std::strerror(errno)};
    stats_.bytes += out.pos;
    const bool done = end_frame ? left == 0 : in.pos == in.size;
    if (done) break;
  }
  f.pending.clear();
  if (end_frame) {
    ++stats_.frames;
    f.frame_events = 0;
    if (std::fflush(f.out) != 0)
      return Error{ErrorCode::unavailable,
                   "recording: cannot flush " + f.path.string() + ": " + std::strerror(errno)};
  }
  return {};
}

Status RecordingWriter::close_file(File& f) {
  Status st;
  if (f.frame_events > 0 || !f.pending.empty()) st = compress(f, true);
  if (f.out != nullptr && std::fclose(f.out) != 0 && st)
    st = Error{ErrorCode::unavailable,
               "recording: cannot close " + f.path.string() + ": " + std::strerror(errno)};
  f.out = nullptr;
  return st;
}

Status RecordingWriter::flush() {
  Status first;
  for (auto& f : open_) {
    if (f->frame_events == 0 && f->pending.empty()) continue;
    if (auto st = compress(*f, true); !st && first) first = st;
  }
  return first;
}

Status RecordingWriter::close() {
  Status first;
  for (auto& f : open_)
    if (auto st = close_file(*f); !st && first) first = st;
  open_.clear();
  return first;
}

}  // namespace nzeza::replay
