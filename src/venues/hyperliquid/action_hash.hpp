#pragma once
// The L1 action hash Hyperliquid signs (the phantom agent's connectionId):
//   keccak256( msgpack(action) || nonce u64 BE || (0x00 | 0x01 || vault 20 bytes)
//              [|| 0x00 || expiresAfter u64 BE when set] )

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "venues/hyperliquid/hash.hpp"

namespace nzeza::venues::hyperliquid {

struct ActionEnvelope {
  std::uint64_t nonce = 0;                     // ms timestamp, unique per signer
  std::optional<Address> vault;                // trading for a vault or sub-account
  std::optional<std::uint64_t> expires_after;  // ms; the venue refuses the action after it
};

// Appends the bytes after the msgpack (nonce, vault flag, expiresAfter) to `out`.
void append_envelope(const ActionEnvelope& envelope, std::string& out);
// The full preimage (msgpack + envelope).
[[nodiscard]] Result<std::string> action_preimage(const boost::json::value& action,
                                                  const ActionEnvelope& envelope);
[[nodiscard]] Result<Hash32> action_hash(const boost::json::value& action,
                                         const ActionEnvelope& envelope);

}  // namespace nzeza::venues::hyperliquid
