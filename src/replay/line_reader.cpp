#include "replay/line_reader.hpp"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace nzeza::replay {
namespace {

constexpr std::size_t kInChunk = 128u << 10;
constexpr std::size_t kOutBuffer = 256u << 10;

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Compression compression_for(std::string_view path) noexcept {
  if (ends_with(path, ".gz")) return Compression::gzip;
  if (ends_with(path, ".zst")) return Compression::zstd;
  return Compression::none;
}

struct LineReader::Codec {
  ZSTD_DStream* zstd = nullptr;
  z_stream zlib{};
  bool zlib_ready = false;
  ~Codec() {
    if (zstd != nullptr) ZSTD_freeDStream(zstd);
    if (zlib_ready) inflateEnd(&zlib);
  }
};

Result<std::unique_ptr<LineReader>> LineReader::open(std::string path, Compression compression) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int e = errno;
    return Error{e == ENOENT ? ErrorCode::not_found : ErrorCode::invalid_argument,
                 path + ": cannot open: " + std::strerror(e)};
  }
  std::unique_ptr<LineReader> r(new LineReader(std::move(path), f, compression));
  if (compression == Compression::zstd) {
    r->codec_->zstd = ZSTD_createDStream();
    if (r->codec_->zstd == nullptr || ZSTD_isError(ZSTD_initDStream(r->codec_->zstd)))
      return Error{ErrorCode::internal, r->path_ + ": cannot create a zstd decoder"};
  } else if (compression == Compression::gzip) {
    // 16 + MAX_WBITS: gzip framing (a multi-member file is read member after member).
    if (inflateInit2(&r->codec_->zlib, 16 + MAX_WBITS) != Z_OK)
      return Error{ErrorCode::internal, r->path_ + ": cannot create a gzip decoder"};
    r->codec_->zlib_ready = true;
  }
  return r;
}

Result<std::unique_ptr<LineReader>> LineReader::open_at_header(std::string path,
                                                               std::string_view& first,
                                                               std::string_view when_empty) {
  const Compression compression = compression_for(path);
  auto lines = open(std::move(path), compression);
  if (!lines) return lines.error();
  switch ((*lines)->next(first)) {
    case ReadOutcome::error:
      return (*lines)->error();
    case ReadOutcome::end:
      return Error{ErrorCode::parse_error,
                   (*lines)->path() + ": empty: " + std::string(when_empty)};
    case ReadOutcome::event:
      break;
  }
  return lines;
}

LineReader::LineReader(std::string path, std::FILE* file, Compression compression)
    : path_(std::move(path)),
      file_(file),
      compression_(compression),
      codec_(std::make_unique<Codec>()),
      buf_(kOutBuffer) {
  if (compression_ != Compression::none) in_.resize(kInChunk);
}

LineReader::~LineReader() {
  if (file_ != nullptr) std::fclose(file_);
}

ReadOutcome LineReader::fail(ErrorCode code, std::string message) {
  failed_ = true;
  error_ = Error{code, path_ + ": " + std::move(message)};
  return ReadOutcome::error;
}

ReadOutcome LineReader::next(std::string_view& line) {
  if (failed_) return ReadOutcome::error;
  if (done_) return ReadOutcome::end;
  for (;;) {
    const char* base = buf_.data();
    if (const void* nl = std::memchr(base + begin_, '\n', end_ - begin_); nl != nullptr) {
      const auto at = static_cast<std::size_t>(static_cast<const char*>(nl) - base);
      std::size_t len = at - begin_;
      if (len > 0 && base[begin_ + len - 1] == '\r') --len;
      line = std::string_view(base + begin_, len);
      begin_ = at + 1;
      ++line_number_;
      return ReadOutcome::event;
    }
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buf_.size()) {
      if (buf_.size() >= kMaxLine)
        return fail(ErrorCode::parse_error, "line " + std::to_string(line_number_ + 1) +
                                                " is longer than " + std::to_string(kMaxLine) +
                                                " bytes");
      buf_.resize(buf_.size() * 2);
    }
    if (!fill()) {
      if (failed_) return ReadOutcome::error;
      done_ = true;
      if (end_ > begin_) {  // a last line without '\n'
        std::size_t len = end_ - begin_;
        if (buf_[begin_ + len - 1] == '\r') --len;
        line = std::string_view(buf_.data() + begin_, len);
        begin_ = end_;
        ++line_number_;
        return ReadOutcome::event;
      }
      return ReadOutcome::end;
    }
  }
}

bool LineReader::fill() {
  switch (compression_) {
    case Compression::none:
      return fill_plain();
    case Compression::zstd:
      return fill_zstd();
    case Compression::gzip:
      return fill_gzip();
  }
  return false;
}

std::size_t LineReader::read_file(char* into, std::size_t capacity) {
  const std::size_t n = std::fread(into, 1, capacity, file_);
  file_offset_ += n;
  if (n == 0) {
    in_eof_ = true;
    if (std::ferror(file_) != 0) {
      (void)fail(ErrorCode::invalid_argument, "read error after line " +
                                                  std::to_string(line_number_) + " at byte " +
                                                  std::to_string(file_offset_));
    }
  }
  return n;
}

bool LineReader::fill_plain() {
  if (in_eof_) return false;
  const std::size_t n = read_file(buf_.data() + end_, buf_.size() - end_);
  end_ += n;
  return n != 0;
}

bool LineReader::read_input() {
  in_pos_ = 0;
  in_size_ = read_file(in_.data(), in_.size());
  return in_size_ != 0;
}

bool LineReader::frame_input() {
  if (in_pos_ == in_size_ && !in_eof_ && !read_input() && failed_) return false;
  if (!frame_open_ && in_pos_ < in_size_) {
    frame_start_ = file_offset_ - (in_size_ - in_pos_);
    frame_open_ = true;
  }
  return frame_open_;  // closed: a clean end, every frame complete
}

bool LineReader::cut_inside_frame(std::string_view codec, std::string_view frame) {
  if (!(in_eof_ && in_pos_ == in_size_ && frame_open_)) return false;
  (void)fail(ErrorCode::parse_error,
             "truncated " + std::string(codec) + " " + std::string(frame) + ": the " +
                 std::string(frame) + " beginning at byte " + std::to_string(frame_start_) +
                 " is cut at byte " + std::to_string(file_offset_) +
                 " (the end of the file); read up to line " + std::to_string(line_number_));
  return true;
}

bool LineReader::fill_zstd() {
  ZSTD_DStream* ds = codec_->zstd;
  for (;;) {
    if (!frame_input()) return false;
    ZSTD_inBuffer in{in_.data(), in_size_, in_pos_};
    ZSTD_outBuffer out{buf_.data() + end_, buf_.size() - end_, 0};
    const std::size_t r = ZSTD_decompressStream(ds, &out, &in);
    if (ZSTD_isError(r)) {
      (void)fail(ErrorCode::parse_error, "corrupt zstd data in the frame beginning at byte " +
                                             std::to_string(frame_start_) + " (after line " +
                                             std::to_string(line_number_) +
                                             "): " + ZSTD_getErrorName(r));
      return false;
    }
    in_pos_ = in.pos;
    end_ += out.pos;
    if (r == 0) frame_open_ = false;
    if (out.pos > 0) return true;
    if (cut_inside_frame("zstd", "frame")) return false;
  }
}

bool LineReader::fill_gzip() {
  z_stream& zs = codec_->zlib;
  for (;;) {
    if (!frame_input()) return false;
    zs.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
    zs.avail_in = static_cast<uInt>(in_size_ - in_pos_);
    zs.next_out = reinterpret_cast<Bytef*>(buf_.data() + end_);
    zs.avail_out = static_cast<uInt>(buf_.size() - end_);
    const int r = inflate(&zs, Z_NO_FLUSH);
    const std::size_t produced = (buf_.size() - end_) - zs.avail_out;
    in_pos_ = in_size_ - zs.avail_in;
    end_ += produced;
    if (r == Z_STREAM_END) {
      frame_open_ = false;
      inflateReset(&zs);  // another gzip member may follow
    } else if (r != Z_OK && r != Z_BUF_ERROR) {
      (void)fail(ErrorCode::parse_error,
                 "corrupt gzip data in the member beginning at byte " +
                     std::to_string(frame_start_) + " (after line " + std::to_string(line_number_) +
                     "): " + (zs.msg != nullptr ? zs.msg : "inflate failed"));
      return false;
    }
    if (produced > 0) return true;
    if (cut_inside_frame("gzip", "member")) return false;
  }
}

}  // namespace nzeza::replay
