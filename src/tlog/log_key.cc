#include "tlog/log_key.h"

namespace amanat::tlog {

std::string witness_name_for(std::string_view origin) { return std::string(origin) + "/witness"; }

Result<LogKey> LogKey::parse(std::string_view skey) {
  auto s = Signer::parse(skey);
  if (!s) return std::unexpected(s.error().context("the log's private key"));
  auto w = WitnessSigner::from_signer(*s, witness_name_for(s->name()));
  if (!w) return err(w);
  return LogKey(std::move(*s), std::move(*w));
}

Result<std::string> LogKey::sign(std::uint64_t size, const Hash& root) {
  return sign_checkpoint(Checkpoint{origin(), size, root, {}}, signer_);
}

Result<std::pair<std::uint64_t, Hash>> LogKey::open(std::string_view note) {
  auto cp = open_checkpoint(note, signer_.verifier(), origin());
  if (!cp) return err(cp);
  return std::make_pair(cp->size, cp->root);
}

}  // namespace amanat::tlog
