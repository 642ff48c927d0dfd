// Fuzz target: the vault file and share texts (src/crypto/vault.h, src/crypto/shamir.h), which
// are read back from storage and typed in by people. Besides "never crash", it checks that
// whatever parses as a VaultFile re-serialises to a canonical fixed point, that whatever parses
// as a share re-formats to a text that parses to the same share, and it feeds the same bytes to
// every other parser of the vault (a set of share texts, one per line; a wrapped data key; a
// sealed field; a sealed intake message) against a fixed, unsealed vault.
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/shamir.h"
#include "crypto/vault.h"

using namespace amanat;
using namespace amanat::crypto;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// An unsealed vault (shares only, so no Argon2 per run) and one subject's data key.
struct Fixture {
  std::unique_ptr<Vault> vault;
  std::optional<DataKey> key;
  Fixture() {
    auto created = Vault::create("fuzz-org", std::nullopt, Threshold{2, 3});
    require(created.has_value());
    vault = std::make_unique<Vault>(created->file);
    require(vault->unseal_with_shares(created->share_texts).has_value());
    auto wrapped = vault->new_data_key("subject");
    require(wrapped.has_value());
    auto k = vault->open_data_key("subject", *wrapped);
    require(k.has_value());
    key.emplace(std::move(*k));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (sodium_init() < 0) std::abort();
  static const Fixture fixture;
  std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto file = VaultFile::parse(in)) {
    std::string text = file->to_json();
    auto again = VaultFile::parse(text);
    require(again.has_value() && again->to_json() == text);
    require(file->passphrase || file->shares);
  }

  if (auto share = parse_share(in)) {
    auto again = parse_share(format_share(*share));
    require(again.has_value() && again->k == share->k && again->x == share->x &&
            again->set == share->set && again->y == share->y);
  }

  std::vector<std::string_view> lines;
  for (std::string_view rest = in; !rest.empty() && lines.size() < 300;) {
    auto nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  if (auto secret = combine_texts(lines)) require(!secret->empty());

  auto bytes = std::span(data, size);
  if (auto wrapped = WrappedKey::decode(bytes))
    (void)fixture.vault->open_data_key("subject", *wrapped);
  (void)open_field(*fixture.key, "table", "field", "1", bytes);
  (void)fixture.vault->open_intake(bytes);
  return 0;
}
