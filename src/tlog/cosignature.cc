#include "tlog/cosignature.h"

#include <algorithm>

#include "tlog/checkpoint.h"

namespace amanat::tlog {

std::string cosignature_message(std::uint64_t timestamp, std::string_view checkpoint_text) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(checkpoint_text);
}

WitnessVerifier::WitnessVerifier(std::string name, const std::array<std::uint8_t, 32>& public_key)
    : name_(std::move(name)),
      key_id_(compute_key_id(name_, kSigTypeCosignatureV1, public_key)),
      public_key_(public_key) {}

Result<WitnessVerifier> WitnessVerifier::parse(std::string_view vkey) {
  auto k = decode_vkey(vkey);
  if (!k) return std::unexpected(k.error().context("witness key"));
  if (k->type != kSigTypeCosignatureV1)
    return fail(Errc::invalid, "witness key has signature type 0x" + to_hex(std::array{k->type}) +
                                   " (" + signature_type_name(k->type) +
                                   "); expected 0x04 (Ed25519 cosignature/v1)");
  if (k->key.size() != 32)
    return fail(Errc::invalid, "witness key: an Ed25519 public key is 32 bytes, not " +
                                   std::to_string(k->key.size()));
  std::array<std::uint8_t, 32> pk;
  std::copy(k->key.begin(), k->key.end(), pk.begin());
  return WitnessVerifier(std::move(k->name), pk);
}

std::string WitnessVerifier::vkey() const {
  return encode_vkey(name_, kSigTypeCosignatureV1, public_key_);
}

bool WitnessVerifier::verify(std::string_view checkpoint_text,
                             std::span<const std::uint8_t> signature) const {
  if (signature.size() != 8 + 64) return false;
  std::uint64_t ts = get_u64be(signature.data());
  if (ts > kMaxCosignatureTimestamp) return false;
  return ed25519_verify(public_key_, as_bytes(cosignature_message(ts, checkpoint_text)),
                        signature.subspan(8));
}

WitnessSigner::WitnessSigner(const Signer& key, std::string name)
    : key_(key),
      name_(std::move(name)),
      key_id_(compute_key_id(name_, kSigTypeCosignatureV1, key.public_key())) {}

Result<WitnessSigner> WitnessSigner::from_signer(const Signer& key, std::string_view witness_name) {
  if (!is_valid_key_name(witness_name))
    return fail(Errc::invalid, "invalid witness name (empty, or has white space or '+')");
  return WitnessSigner(key, std::string(witness_name));
}

Result<std::string> WitnessSigner::cosign(std::string_view checkpoint_text,
                                          std::uint64_t timestamp) const {
  if (timestamp > kMaxCosignatureTimestamp)
    return fail(Errc::invalid, "cosignature timestamp exceeds 2^63 - 1");
  if (auto c = parse_checkpoint(checkpoint_text); !c)
    return std::unexpected(c.error().context("cosigning"));
  auto sig = key_.ed25519_sign(as_bytes(cosignature_message(timestamp, checkpoint_text)));
  Bytes payload(8);
  put_u64be(payload.data(), timestamp);
  payload.insert(payload.end(), sig.begin(), sig.end());
  return format_signature_line({name_, key_id_, std::move(payload)});
}

Result<std::string> witness_vkey(const Signer& key, std::string_view witness_name) {
  auto w = WitnessSigner::from_signer(key, witness_name);
  if (!w) return err(w);
  return w->vkey();
}

std::optional<std::uint64_t> cosignature_timestamp(const NoteSignature& sig) {
  if (sig.signature.size() != 8 + 64) return std::nullopt;
  return get_u64be(sig.signature.data());
}

Result<std::vector<Cosignature>> verify_cosignatures(std::string_view signed_checkpoint,
                                                     std::span<const WitnessVerifier> witnesses) {
  for (std::size_t i = 0; i < witnesses.size(); ++i)
    for (std::size_t j = i + 1; j < witnesses.size(); ++j)
      if (witnesses[i].name() == witnesses[j].name() &&
          witnesses[i].key_id() == witnesses[j].key_id() &&
          witnesses[i].public_key() != witnesses[j].public_key())
        return fail(Errc::invalid, "two different witness keys are both named " +
                                       witnesses[i].name() + "+" +
                                       key_id_hex(witnesses[i].key_id()));
  auto note = parse_note(signed_checkpoint);
  if (!note) return err(note);
  if (auto c = parse_checkpoint(note->text); !c) return err(c);

  std::vector<std::optional<std::uint64_t>> latest(witnesses.size());
  for (auto& sig : note->signatures) {
    for (std::size_t w = 0; w < witnesses.size(); ++w) {
      if (witnesses[w].name() != sig.name || witnesses[w].key_id() != sig.key_id) continue;
      // A known witness's line must verify (as for any known key in a note); identical
      // duplicates of a witness in `witnesses` check the same line twice, harmlessly.
      if (!witnesses[w].verify(note->text, sig.signature))
        return fail(Errc::corrupt, "cosignature by witness " + sig.name + "+" +
                                       key_id_hex(sig.key_id) + " does not verify");
      std::uint64_t ts = *cosignature_timestamp(sig);
      if (!latest[w] || ts > *latest[w]) latest[w] = ts;
    }
  }
  std::vector<Cosignature> out;
  for (std::size_t w = 0; w < witnesses.size(); ++w) {
    if (!latest[w]) continue;
    bool dup = std::any_of(out.begin(), out.end(), [&](const Cosignature& c) {
      return c.name == witnesses[w].name() && c.key_id == witnesses[w].key_id();
    });
    if (!dup) out.push_back({witnesses[w].name(), witnesses[w].key_id(), *latest[w]});
  }
  return out;
}

}  // namespace amanat::tlog
