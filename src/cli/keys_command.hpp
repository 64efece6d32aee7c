#pragma once
// `nzeza keys add|list|revoke`: the operator API's keys (api/key_store.hpp).
//   add --scope read|trade|admin [--name N]  prints the new key once (first line: the key alone),
//                                            stores only its SHA-256 hash
//   list                                     id, scope, name, created, revoked — never a key
//   revoke ID|NAME                           a running server refuses the key from its next
//                                            request
// Where: <data_dir>/api_keys, data_dir from --data-dir, else from --config FILE (default
// config/paper.toml when it exists here, else the built-in "data"). Exit 0 ok, 1 failure, 2 usage.

#include <cstdint>
#include <string>

namespace nzeza::cli {

struct KeysOptions {
  enum class Action : std::uint8_t { add, list, revoke };
  Action action = Action::list;
  std::string config_file;
  std::string data_dir;
  std::string scope;
  std::string name;
  std::string target;  // revoke: id or name
};

[[nodiscard]] int run(const KeysOptions& opt);

}  // namespace nzeza::cli
