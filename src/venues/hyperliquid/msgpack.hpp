#pragma once
// A small MessagePack encoder that writes exactly the bytes Python's `msgpack.packb` writes with
// its defaults (use_bin_type=True), which is what Hyperliquid hashes for L1 actions:
//   * map keys in insertion order (boost::json::object keeps it);
//   * integers in the narrowest form: positive fixint, then uint8/16/32/64 (0xcc..0xcf) for
//     non-negative values; negative fixint, then int8/16/32/64 (0xd0..0xd3) for negative ones;
//   * strings as fixstr, str8 (0xd9), str16 (0xda), str32 (0xdb);
//   * arrays fixarray/array16/array32, maps fixmap/map16/map32, bools 0xc2/0xc3, null 0xc0.
// Floats are refused: Hyperliquid prices and sizes are decimal strings (wire.hpp), and a double
// in an action would be a bug (its bytes would depend on binary rounding).
// (Debian's msgpack-cxx needs Boost 1.74 and conflicts with Boost 1.81, hence this encoder.)

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace nzeza::venues::hyperliquid {

// Appends msgpack items to a byte string. Callers write a header with the element count, then
// exactly that many items (map: key, value pairs).
class MsgpackWriter {
 public:
  explicit MsgpackWriter(std::string& out) noexcept : out_(out) {}
  void nil() { out_.push_back(static_cast<char>(0xc0)); }
  void boolean(bool v) { out_.push_back(static_cast<char>(v ? 0xc3 : 0xc2)); }
  void uint(std::uint64_t v);
  void sint(std::int64_t v);  // non-negative values are written as uint (as Python does)
  void str(std::string_view s);
  void array_header(std::uint32_t n);
  void map_header(std::uint32_t n);

 private:
  void put_be(std::uint64_t v, int bytes);
  // A type byte, then `v` in `bytes` big-endian bytes.
  void tagged(unsigned char tag, std::uint64_t v, int bytes);
  // An array or map header: `fix | n` below 16 entries, else the 16- or 32-bit form.
  void container_header(std::uint32_t n, unsigned char fix, unsigned char tag16,
                        unsigned char tag32);
  std::string& out_;
};

// msgpack of a JSON value (object key order kept). Error for doubles and for nesting deeper
// than 32 levels (no action is that deep; bounded recursion for hostile input).
[[nodiscard]] Result<std::string> msgpack_encode(const boost::json::value& value);
// Appends instead of returning.
[[nodiscard]] Status msgpack_append(const boost::json::value& value, std::string& out);

}  // namespace nzeza::venues::hyperliquid
