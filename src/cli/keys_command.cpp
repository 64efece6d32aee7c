#include "cli/keys_command.hpp"

#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "api/key_store.hpp"
#include "app/config/config.hpp"
#include "cli/config_file.hpp"

namespace nzeza::cli {

namespace {

// The key file of the data directory the options name; nullopt (errors printed) when the
// configuration cannot be read.
std::optional<std::filesystem::path> key_file(const KeysOptions& opt) {
  if (!opt.data_dir.empty()) return api::key_file_path(opt.data_dir);
  const std::string path = config_path_or_default(opt.config_file);
  if (path.empty()) return api::key_file_path(app::Config{}.data_dir);
  const auto loaded = app::load_config(path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors()) std::cerr << e.to_string() << '\n';
    std::cerr << "nzeza keys: " << path << " is not a valid configuration\n";
    return std::nullopt;
  }
  return api::key_file_path(loaded.config().data_dir);
}

int add(const KeysOptions& opt) {
  const auto scope = api::parse_scope(opt.scope);
  if (!scope) {
    std::cerr << "nzeza keys add: --scope must be read, trade or admin (got '" << opt.scope
              << "')\n";
    return 2;
  }
  const auto file = key_file(opt);
  if (!file) return 2;
  api::KeyStore store(*file);
  auto made = store.add(*scope, opt.name, Timestamp::from_seconds(std::time(nullptr)));
  if (!made) {
    std::cerr << "nzeza keys add: " << made.error().message << '\n';
    return 1;
  }
  std::cout << made->key << '\n'
            << "id " << made->info.id << ", scope " << api::to_string(made->info.scope)
            << (made->info.name.empty() ? "" : ", name " + made->info.name) << '\n'
            << "Shown once: nzeza keeps only its hash (" << file->string()
            << "). Send it as: Authorization: Bearer <key>\n";
  return 0;
}

int list(const KeysOptions& opt) {
  const auto file = key_file(opt);
  if (!file) return 2;
  api::KeyStore store(*file);
  auto keys = store.list();
  if (!keys) {
    std::cerr << "nzeza keys list: " << keys.error().message << '\n';
    return 1;
  }
  if (keys->empty()) std::cout << "no API key in " << file->string() << '\n';
  for (const auto& k : *keys) {
    std::cout << k.id << "  " << api::to_string(k.scope) << "  " << (k.name.empty() ? "-" : k.name)
              << "  " << k.created.to_iso8601() << (k.revoked ? "  revoked" : "  active") << '\n';
  }
  return 0;
}

int revoke(const KeysOptions& opt) {
  const auto file = key_file(opt);
  if (!file) return 2;
  api::KeyStore store(*file);
  auto n = store.revoke(opt.target);
  if (!n) {
    std::cerr << "nzeza keys revoke: " << n.error().message << '\n';
    return 1;
  }
  std::cout << "revoked " << *n << " key" << (*n == 1 ? "" : "s") << '\n';
  return 0;
}

}  // namespace

int run(const KeysOptions& opt) {
  switch (opt.action) {
    case KeysOptions::Action::add:
      return add(opt);
    case KeysOptions::Action::list:
      return list(opt);
    case KeysOptions::Action::revoke:
      return revoke(opt);
  }
  return 2;
}

}  // namespace nzeza::cli
