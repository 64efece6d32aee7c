#include "venues/hyperliquid/msgpack.hpp"

#include <boost/json.hpp>
#include <limits>

namespace nzeza::venues::hyperliquid {

void MsgpackWriter::put_be(std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void MsgpackWriter::tagged(unsigned char tag, std::uint64_t v, int bytes) {
  out_.push_back(static_cast<char>(tag));
  put_be(v, bytes);
}

void MsgpackWriter::uint(std::uint64_t v) {
  if (v <= 0x7f) {
    out_.push_back(static_cast<char>(v));
  } else if (v <= 0xff) {
    tagged(0xcc, v, 1);
  } else if (v <= 0xffff) {
    tagged(0xcd, v, 2);
  } else if (v <= 0xffffffffULL) {
    tagged(0xce, v, 4);
  } else {
    tagged(0xcf, v, 8);
  }
}

void MsgpackWriter::sint(std::int64_t v) {
  if (v >= 0) {
    uint(static_cast<std::uint64_t>(v));
    return;
  }
  const auto bits = static_cast<std::uint64_t>(v);
  if (v >= -32) {
    out_.push_back(static_cast<char>(bits & 0xff));  // negative fixint 0xe0..0xff
  } else if (v >= std::numeric_limits<std::int8_t>::min()) {
    tagged(0xd0, bits, 1);
  } else if (v >= std::numeric_limits<std::int16_t>::min()) {
    tagged(0xd1, bits, 2);
  } else if (v >= std::numeric_limits<std::int32_t>::min()) {
    tagged(0xd2, bits, 4);
  } else {
    tagged(0xd3, bits, 8);
  }
}

void MsgpackWriter::str(std::string_view s) {
  const std::size_t n = s.size();
  if (n < 32) {
    out_.push_back(static_cast<char>(0xa0 | n));
  } else if (n <= 0xff) {
    tagged(0xd9, n, 1);
  } else if (n <= 0xffff) {
    tagged(0xda, n, 2);
  } else {
    tagged(0xdb, n, 4);
  }
  out_.append(s);
}

void MsgpackWriter::array_header(std::uint32_t n) {
  container_header(n, 0x90, 0xdc, 0xdd);
}

void MsgpackWriter::map_header(std::uint32_t n) {
  container_header(n, 0x80, 0xde, 0xdf);
}

void MsgpackWriter::container_header(std::uint32_t n, unsigned char fix, unsigned char tag16,
                                     unsigned char tag32) {
  if (n < 16) {
    out_.push_back(static_cast<char>(fix | n));
  } else if (n <= 0xffff) {
    tagged(tag16, n, 2);
  } else {
    tagged(tag32, n, 4);
  }
}

namespace {

constexpr int kMaxDepth = 32;

Status encode(const boost::json::value& v, MsgpackWriter& w, int depth) {
  if (depth > kMaxDepth) {
    return Error(ErrorCode::invalid_argument, "hyperliquid msgpack: nesting deeper than 32");
  }
  switch (v.kind()) {
    case boost::json::kind::null:
      w.nil();
      return {};
    case boost::json::kind::bool_:
      w.boolean(v.get_bool());
      return {};
    case boost::json::kind::int64:
      w.sint(v.get_int64());
      return {};
    case boost::json::kind::uint64:
      w.uint(v.get_uint64());
      return {};
    case boost::json::kind::double_:
      return Error(ErrorCode::invalid_argument,
                   "hyperliquid msgpack: floating-point value in an action (prices and sizes "
                   "must be decimal strings)");
    case boost::json::kind::string:
      w.str(std::string_view(v.get_string()));
      return {};
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      if (a.size() > std::numeric_limits<std::uint32_t>::max()) {
        return Error(ErrorCode::invalid_argument, "hyperliquid msgpack: array too long");
      }
      w.array_header(static_cast<std::uint32_t>(a.size()));
      for (const auto& item : a) {
        if (auto s = encode(item, w, depth + 1); !s) return s;
      }
      return {};
    }
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      if (o.size() > std::numeric_limits<std::uint32_t>::max()) {
        return Error(ErrorCode::invalid_argument, "hyperliquid msgpack: map too large");
      }
      w.map_header(static_cast<std::uint32_t>(o.size()));
      for (const auto& kv : o) {
        w.str(std::string_view(kv.key()));
        if (auto s = encode(kv.value(), w, depth + 1); !s) return s;
      }
      return {};
    }
  }
  return Error(ErrorCode::internal, "hyperliquid msgpack: unknown JSON kind");
}

}  // namespace

Status msgpack_append(const boost::json::value& value, std::string& out) {
  MsgpackWriter w(out);
  return encode(value, w, 0);
}

Result<std::string> msgpack_encode(const boost::json::value& value) {
  std::string out;
  out.reserve(128);
  if (auto s = msgpack_append(value, out); !s) return s.error();
  return out;
}

}  // namespace nzeza::venues::hyperliquid
