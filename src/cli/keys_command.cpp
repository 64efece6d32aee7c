#include "cli/keys_command.hpp"

#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "api/key_store.hpp"
#include "app/config/config.hpp"

namespace nzeza::cli {

namespace {

struct KeysOptions {
  std::string config_file;
  std::string data_dir;
  std::string scope;
  std::string name;
  std::string target;  // revoke: id or name
};

// The key file of the data directory the options name; nullopt (errors printed) when the
// configuration cannot be read.
std::optional<std::filesystem::path> key_file(const KeysOptions& opt) {
  if (!opt.data_dir.empty()) return api::key_file_path(opt.data_dir);
  std::string path = opt.config_file;
  std::error_code ec;
  if (path.empty()) {
    if (!std::filesystem::exists("config/paper.toml", ec))
      return api::key_file_path(app::Config{}.data_dir);
    path = "config/paper.toml";
  }
  const auto loaded = app::load_config(path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors()) std::cerr << e.to_string() << '\n';
    std::cerr << "nzeza keys: " << path << " is not a valid configuration\n";
    return std::nullopt;
  }
  return api::key_file_path(loaded.config().data_dir);
}

void common_options(CLI::App* cmd, KeysOptions& opt) {
  cmd->add_option("--config", opt.config_file,
                  "Configuration whose data_dir holds the keys (default config/paper.toml)");
  cmd->add_option("--data-dir", opt.data_dir, "Data directory (overrides the config's data_dir)");
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

void add_keys_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<KeysOptions>();
  auto* keys = app.add_subcommand("keys", "Manage the operator API's keys (stored hashed)");
  keys->require_subcommand(1);

  auto* add_cmd = keys->add_subcommand("add", "Create a key; it is printed once");
  add_cmd->add_option("--scope", opt->scope, "read, trade or admin")->required();
  add_cmd->add_option("--name", opt->name, "A label for list and revoke");
  common_options(add_cmd, *opt);
  add_cmd->callback([opt, &exit_code] { exit_code = add(*opt); });

  auto* list_cmd = keys->add_subcommand("list", "List the keys (never the keys themselves)");
  common_options(list_cmd, *opt);
  list_cmd->callback([opt, &exit_code] { exit_code = list(*opt); });

  auto* revoke_cmd = keys->add_subcommand("revoke", "Revoke a key by id, or every key of a name");
  revoke_cmd->add_option("key", opt->target, "Key id or name")->required();
  common_options(revoke_cmd, *opt);
  revoke_cmd->callback([opt, &exit_code] { exit_code = revoke(*opt); });
}

}  // namespace nzeza::cli
