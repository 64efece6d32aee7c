#include "venues/hyperliquid/action_hash.hpp"

#include <boost/json/value.hpp>

#include "venues/hyperliquid/msgpack.hpp"

namespace nzeza::venues::hyperliquid {

namespace {
void put_u64_be(std::uint64_t v, std::string& out) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
}  // namespace

void append_envelope(const ActionEnvelope& envelope, std::string& out) {
  put_u64_be(envelope.nonce, out);
  if (envelope.vault) {
    out.push_back('\x01');
    out.append(reinterpret_cast<const char*>(envelope.vault->data()), envelope.vault->size());
  } else {
    out.push_back('\x00');
  }
  if (envelope.expires_after) {
    out.push_back('\x00');
    put_u64_be(*envelope.expires_after, out);
  }
}

Result<std::string> action_preimage(const boost::json::value& action,
                                    const ActionEnvelope& envelope) {
  std::string out;
  out.reserve(192);
  if (auto s = msgpack_append(action, out); !s) return s.error();
  append_envelope(envelope, out);
  return out;
}

Result<Hash32> action_hash(const boost::json::value& action, const ActionEnvelope& envelope) {
  auto pre = action_preimage(action, envelope);
  if (!pre) return pre.error();
  return keccak256(*pre);
}

}  // namespace nzeza::venues::hyperliquid
