#pragma once
// LineReader: the lines of a plain, gzip or zstd file, streamed through fixed buffers.
//
// A line is returned without its '\n' (and a trailing '\r'); the view stays valid until the next
// call. Memory: one input chunk and one output buffer, grown only for a line longer than the
// buffer (up to kMaxLine; longer is an error). After warm-up next() allocates nothing.
//
// Damaged input is an Error, never a crash: a zstd or gzip stream cut inside a frame (a writer
// killed mid-frame) yields every complete line before the cut, then an error naming the file, the
// last line read and the byte offset where the incomplete frame begins; corrupt compressed data
// names the byte offset where decoding failed.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "replay/event_source.hpp"

namespace nzeza::replay {

enum class Compression : std::uint8_t { none, gzip, zstd };

// From the file name: ".gz" gzip, ".zst" zstd, anything else none.
[[nodiscard]] Compression compression_for(std::string_view path) noexcept;

class LineReader {
 public:
  static constexpr std::size_t kMaxLine = 16u << 20;

  // Opens `path`; not_found / invalid_argument when it cannot be read.
  static Result<std::unique_ptr<LineReader>> open(std::string path, Compression compression);
  // Opens `path` (compression from its name) and reads its first line into `first` (valid until
  // the next call of next()). An empty file is a parse_error "<path>: empty: <when_empty>".
  static Result<std::unique_ptr<LineReader>> open_at_header(std::string path,
                                                            std::string_view& first,
                                                            std::string_view when_empty);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  ReadOutcome next(std::string_view& line);
  [[nodiscard]] const Error& error() const noexcept { return error_; }
  // 1-based number of the line last returned (0 before the first).
  [[nodiscard]] std::uint64_t line_number() const noexcept { return line_number_; }
  // Bytes of the file read so far.
  [[nodiscard]] std::uint64_t file_offset() const noexcept { return file_offset_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  struct Codec;
  LineReader(std::string path, std::FILE* file, Compression compression);
  // Appends decompressed bytes after end_; false at the end of input or on error (failed_ set).
  bool fill();
  bool fill_plain();
  bool fill_zstd();
  bool fill_gzip();
  bool read_input();
  // Reads up to `capacity` bytes of the file into `into`; 0 at its end or on a read error
  // (failed_).
  std::size_t read_file(char* into, std::size_t capacity);
  // Compressed input: refills in_ when used up and notes the offset where a frame (a gzip member)
  // begins. False when there is nothing left to decode: a clean end, or a read error (failed_).
  bool frame_input();
  // True (and failed_) when the file ended inside a frame; `codec` and `frame` name it ("zstd",
  // "frame") in the error.
  bool cut_inside_frame(std::string_view codec, std::string_view frame);
  ReadOutcome fail(ErrorCode code, std::string message);

  std::string path_;
  std::FILE* file_ = nullptr;
  Compression compression_;
  std::unique_ptr<Codec> codec_;
  std::vector<char> in_;
  std::size_t in_pos_ = 0;
  std::size_t in_size_ = 0;
  bool in_eof_ = false;
  std::vector<char> buf_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint64_t line_number_ = 0;
  std::uint64_t file_offset_ = 0;  // bytes read from the file into in_
  std::uint64_t frame_start_ = 0;  // file offset where the current compressed frame began
  bool frame_open_ = false;        // inside a compressed frame (its end not yet decoded)
  bool done_ = false;
  bool failed_ = false;
  Error error_;
};

// next() for a reader built on `lines` that keeps its own error state: on a read error it takes
// the LineReader's error over (`failed`, `error`).
inline ReadOutcome next_line(LineReader& lines, std::string_view& line, bool& failed,
                             Error& error) {
  const ReadOutcome got = lines.next(line);
  if (got == ReadOutcome::error) {
    failed = true;
    error = lines.error();
  }
  return got;
}

}  // namespace nzeza::replay
