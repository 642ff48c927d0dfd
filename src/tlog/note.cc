#include "tlog/note.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>

#include "core/sha256.h"

namespace amanat::tlog {

namespace {

constexpr std::string_view kCosignatureHeader = "cosignature/v1\n";

Status sodium_ready() {
  // sodium_init() is thread-safe and idempotent; it returns 1 when already initialised.
  static const bool ok = sodium_init() >= 0;
  if (!ok) return fail(Errc::internal, "libsodium failed to initialise");
  return {};
}

// Decodes one UTF-8 sequence at s[i], advancing i; -1 for anything RFC 3629 forbids
// (overlong forms, surrogates, values above U+10FFFF, truncation).
std::int32_t next_code_point(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  std::uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len;
  std::int32_t cp;
  std::uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return -1;
  }
  if (s.size() - i < len) return -1;
  for (std::size_t k = 1; k < len; ++k) {
    std::uint8_t b = byte(i + k);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return -1;
    cp = cp << 6 | (b & 0x3F);
  }
  i += len;
  return cp;
}

// Unicode White_Space, the set Go's unicode.IsSpace tests.
bool is_unicode_space(std::int32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

std::size_t line_of(std::string_view s, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(s.begin(), s.begin() + offset, '\n'));
}

std::optional<std::uint32_t> parse_key_id_hex(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return std::nullopt;
    v = v << 4 | static_cast<std::uint32_t>(d);
  }
  return v;
}

std::uint32_t get_u32be(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

// Parses the lines after the blank line. `block` ends in '\n'; messages say
// "<label> line <n>", counting from first_line.
Result<std::vector<NoteSignature>> parse_signature_lines(std::string_view block,
                                                         std::string_view label,
                                                         std::size_t first_line) {
  std::vector<NoteSignature> out;
  std::size_t line_no = first_line;
  while (!block.empty()) {
    std::size_t nl = block.find('\n');
    std::string_view line = block.substr(0, nl);
    block.remove_prefix(nl + 1);
    auto where = std::string(label) + " line " + std::to_string(line_no) + ": ";
    if (out.size() == kMaxNoteSignatures)
      return fail(Errc::invalid, where + "more than " + std::to_string(kMaxNoteSignatures) +
                                     " signature lines");
    if (!line.starts_with(kSignaturePrefix))
      return fail(Errc::invalid,
                  where + "expected a signature line: an em dash (U+2014), one space, the key "
                          "name, one space and the base64 signature");
    line.remove_prefix(kSignaturePrefix.size());
    std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos)
      return fail(Errc::invalid, where + "no space between key name and signature");
    std::string_view name = line.substr(0, sp), b64 = line.substr(sp + 1);
    if (!is_valid_key_name(name))
      return fail(Errc::invalid, where + "invalid key name (empty, or has white space or '+')");
    // (Empty input is kept away from from_base64, which hands libsodium a null buffer for it.)
    auto raw = b64.empty() ? std::optional<Bytes>(Bytes()) : from_base64(b64);
    if (!raw) return fail(Errc::invalid, where + "signature is not strict standard base64");
    if (raw->size() < 5)
      return fail(Errc::invalid, where + "signature is shorter than a key ID plus one byte");
    NoteSignature sig;
    sig.name = std::string(name);
    sig.key_id = get_u32be(raw->data());
    sig.signature.assign(raw->begin() + 4, raw->end());
    out.push_back(std::move(sig));
    ++line_no;
  }
  return out;
}

Status check_text_to_sign(std::string_view text) {
  if (text.empty() || text.back() != '\n')
    return fail(Errc::invalid, "note text must be non-empty and end with a newline");
  if (text.size() > kMaxNoteSize)
    return fail(Errc::invalid, "note text is larger than " + std::to_string(kMaxNoteSize) + " bytes");
  if (auto s = check_note_characters(text); !s) return s;
  if (text.starts_with(kCosignatureHeader))
    return fail(Errc::invalid,
                "refusing to sign a note text that begins with \"cosignature/v1\": the signature "
                "would also be a valid witness cosignature by the same seed");
  return {};
}

}  // namespace

bool is_valid_key_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size();) {
    std::int32_t cp = next_code_point(name, i);
    if (cp < 0x20 || cp == '+' || is_unicode_space(cp)) return false;  // cp < 0 is bad UTF-8
  }
  return true;
}

std::uint32_t compute_key_id(std::string_view name, std::uint8_t type,
                             std::span<const std::uint8_t> key) {
  Sha256 h;
  h.update(name);
  const std::uint8_t sep[2] = {'\n', type};
  h.update(std::span<const std::uint8_t>(sep, 2));
  h.update(key);
  Hash d = h.final();
  return get_u32be(d.data());
}

std::string key_id_hex(std::uint32_t key_id) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", key_id);
  return buf;
}

const char* signature_type_name(std::uint8_t type) {
  switch (type) {
    case 0x01: return "Ed25519";
    case 0x02: return "ECDSA";
    case 0x04: return "Ed25519 cosignature/v1 (witness key)";
    case 0x05: return "RFC 6962 tree head signature";
    case 0x06: return "ML-DSA-44 cosignature";
    default: return "unassigned";
  }
}

bool ed25519_verify(const std::array<std::uint8_t, 32>& public_key,
                    std::span<const std::uint8_t> message, std::span<const std::uint8_t> signature) {
  if (!sodium_ready() || signature.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

Status check_note_characters(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t at = i;
    std::int32_t cp = next_code_point(s, i);
    auto where = [&] {
      return "byte " + std::to_string(at) + " (line " + std::to_string(line_of(s, at)) + ")";
    };
    if (cp < 0) return fail(Errc::invalid, "invalid UTF-8 at " + where());
    if (cp == '\r')
      return fail(Errc::invalid, "carriage return at " + where() + "; notes use LF line endings");
    if (cp < 0x20 && cp != '\n')
      return fail(Errc::invalid, "control character U+00" + to_hex(std::array{std::uint8_t(cp)}) +
                                     " at " + where());
  }
  return {};
}

Result<VerifierKey> decode_vkey(std::string_view vkey) {
  std::size_t p1 = vkey.find('+');
  std::size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos)
    return fail(Errc::invalid, "verifier key must have the form name+keyid+base64key");
  std::string_view name = vkey.substr(0, p1), id = vkey.substr(p1 + 1, p2 - p1 - 1),
                   b64 = vkey.substr(p2 + 1);
  if (!is_valid_key_name(name))
    return fail(Errc::invalid, "verifier key: invalid key name (empty, or has white space or '+')");
  auto key_id = parse_key_id_hex(id);
  if (!key_id)
    return fail(Errc::invalid, "verifier key: key ID must be 8 lowercase hex digits");
  if (b64.size() < 4)
    return fail(Errc::invalid, "verifier key: key must be a type byte followed by key material");
  auto raw = from_base64(b64);
  if (!raw) return fail(Errc::invalid, "verifier key: key is not strict standard base64");
  if (raw->size() < 2)
    return fail(Errc::invalid, "verifier key: key must be a type byte followed by key material");
  std::uint32_t computed = compute_key_id(name, (*raw)[0], std::span(*raw).subspan(1));
  if (computed != *key_id)
    return fail(Errc::invalid, "verifier key: key ID " + key_id_hex(*key_id) +
                                   " does not match the key (SHA-256 of name and key gives " +
                                   key_id_hex(computed) + ")");
  return VerifierKey{std::string(name), *key_id, (*raw)[0], Bytes(raw->begin() + 1, raw->end())};
}

std::string encode_vkey(std::string_view name, std::uint8_t type,
                        std::span<const std::uint8_t> key) {
  Bytes typed;
  typed.reserve(key.size() + 1);
  typed.push_back(type);
  typed.insert(typed.end(), key.begin(), key.end());
  return std::string(name) + "+" + key_id_hex(compute_key_id(name, type, key)) + "+" +
         to_base64(typed);
}

Verifier::Verifier(std::string name, const std::array<std::uint8_t, 32>& public_key)
    : name_(std::move(name)),
      key_id_(compute_key_id(name_, kSigTypeEd25519, public_key)),
      public_key_(public_key) {}

Result<Verifier> Verifier::parse(std::string_view vkey) {
  auto k = decode_vkey(vkey);
  if (!k) return err(k);
  if (k->type != kSigTypeEd25519)
    return fail(Errc::invalid, "verifier key has signature type 0x" +
                                   to_hex(std::array{k->type}) + " (" +
                                   signature_type_name(k->type) + "); expected 0x01 (Ed25519)");
  if (k->key.size() != 32)
    return fail(Errc::invalid, "verifier key: an Ed25519 public key is 32 bytes, not " +
                                   std::to_string(k->key.size()));
  std::array<std::uint8_t, 32> pk;
  std::copy(k->key.begin(), k->key.end(), pk.begin());
  return Verifier(std::move(k->name), pk);
}

std::string Verifier::vkey() const { return encode_vkey(name_, kSigTypeEd25519, public_key_); }

bool Verifier::verify(std::string_view text, std::span<const std::uint8_t> signature) const {
  return ed25519_verify(public_key_, as_bytes(text), signature);
}

Signer::~Signer() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

Result<Signer> Signer::from_seed(std::string_view name, std::span<const std::uint8_t, 32> seed) {
  if (!is_valid_key_name(name))
    return fail(Errc::invalid, "invalid key name (empty, or has white space or '+')");
  if (auto s = sodium_ready(); !s) return err(s);
  Signer s;
  s.name_ = std::string(name);
  std::array<std::uint8_t, 32> pk;
  if (crypto_sign_seed_keypair(pk.data(), s.secret_key_.data(), seed.data()) != 0)
    return fail(Errc::internal, "libsodium failed to derive an Ed25519 key");
  s.key_id_ = compute_key_id(s.name_, kSigTypeEd25519, pk);
  return s;
}

Result<Signer> Signer::parse(std::string_view skey) {
  // Never echo skey or its parts in messages: it is a secret.
  constexpr std::string_view kForm = "signer key must have the form PRIVATE+KEY+name+keyid+base64";
  std::string_view parts[5];
  for (int i = 0; i < 4; ++i) {
    std::size_t p = skey.find('+');
    if (p == std::string_view::npos) return fail(Errc::invalid, std::string(kForm));
    parts[i] = skey.substr(0, p);
    skey.remove_prefix(p + 1);
  }
  parts[4] = skey;
  if (parts[0] != "PRIVATE" || parts[1] != "KEY") return fail(Errc::invalid, std::string(kForm));
  auto key_id = parse_key_id_hex(parts[3]);
  if (!key_id) return fail(Errc::invalid, "signer key: key ID must be 8 lowercase hex digits");
  auto raw = parts[4].empty() ? std::optional<Bytes>() : from_base64(parts[4]);
  if (!raw) return fail(Errc::invalid, "signer key: key is not strict standard base64");
  struct Wipe {
    Bytes& b;
    ~Wipe() { sodium_memzero(b.data(), b.size()); }
  } wipe{*raw};
  if (raw->size() != 33 || (*raw)[0] != kSigTypeEd25519)
    return fail(Errc::invalid, "signer key: expected type 0x01 followed by a 32-byte Ed25519 seed");
  auto s = from_seed(parts[2], std::span<const std::uint8_t, 32>(raw->data() + 1, 32));
  if (!s) return std::unexpected(s.error().context("signer key"));
  if (s->key_id() != *key_id)
    return fail(Errc::invalid, "signer key: key ID does not match the key derived from the seed");
  return s;
}

std::array<std::uint8_t, 32> Signer::public_key() const {
  std::array<std::uint8_t, 32> pk;
  std::copy(secret_key_.begin() + 32, secret_key_.end(), pk.begin());
  return pk;
}

std::array<std::uint8_t, 64> Signer::ed25519_sign(std::span<const std::uint8_t> message) const {
  std::array<std::uint8_t, 64> sig;
  // Cannot fail: the key was made by crypto_sign_seed_keypair, which needed sodium_init.
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key_.data());
  return sig;
}

Result<KeyPair> generate_key(std::string_view name) {
  if (auto s = sodium_ready(); !s) return err(s);
  std::array<std::uint8_t, 33> typed_seed;
  typed_seed[0] = kSigTypeEd25519;
  randombytes_buf(typed_seed.data() + 1, 32);
  auto signer = Signer::from_seed(name, std::span<const std::uint8_t, 32>(typed_seed.data() + 1, 32));
  if (!signer) {
    sodium_memzero(typed_seed.data(), typed_seed.size());
    return err(signer);
  }
  KeyPair kp;
  kp.skey = "PRIVATE+KEY+" + signer->name() + "+" + key_id_hex(signer->key_id()) + "+" +
            to_base64(typed_seed);
  kp.vkey = signer->verifier().vkey();
  sodium_memzero(typed_seed.data(), typed_seed.size());
  return kp;
}

std::string format_signature_line(const NoteSignature& sig) {
  Bytes raw(4 + sig.signature.size());
  raw[0] = static_cast<std::uint8_t>(sig.key_id >> 24);
  raw[1] = static_cast<std::uint8_t>(sig.key_id >> 16);
  raw[2] = static_cast<std::uint8_t>(sig.key_id >> 8);
  raw[3] = static_cast<std::uint8_t>(sig.key_id);
  std::copy(sig.signature.begin(), sig.signature.end(), raw.begin() + 4);
  return std::string(kSignaturePrefix) + sig.name + " " + to_base64(raw) + "\n";
}

Result<ParsedNote> parse_note(std::string_view note) {
  if (note.size() > kMaxNoteSize)
    return fail(Errc::invalid,
                "signed note is larger than " + std::to_string(kMaxNoteSize) + " bytes");
  if (auto s = check_note_characters(note); !s)
    return std::unexpected(s.error().context("signed note"));
  std::size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos)
    return fail(Errc::invalid, "signed note has no blank line between text and signatures");
  std::string_view text = note.substr(0, split + 1), block = note.substr(split + 2);
  std::size_t first_sig_line = line_of(note, split + 1) + 1;
  if (block.empty())
    return fail(Errc::invalid, "signed note has no signature lines after the last blank line");
  if (block.back() != '\n')
    return fail(Errc::invalid, "signed note line " + std::to_string(line_of(note, note.size() - 1)) +
                                   ": the last line does not end with a newline");
  auto sigs = parse_signature_lines(block, "signed note", first_sig_line);
  if (!sigs) return err(sigs);
  return ParsedNote{std::string(text), std::move(*sigs)};
}

Result<OpenedNote> open_note(std::string_view signed_note, std::span<const Verifier> known) {
  for (std::size_t i = 0; i < known.size(); ++i)
    for (std::size_t j = i + 1; j < known.size(); ++j)
      if (known[i].name() == known[j].name() && known[i].key_id() == known[j].key_id() &&
          known[i].public_key() != known[j].public_key())
        return fail(Errc::invalid, "two different known keys are both named " + known[i].name() +
                                       "+" + key_id_hex(known[i].key_id()));
  auto parsed = parse_note(signed_note);
  if (!parsed) return err(parsed);
  OpenedNote out;
  out.text = std::move(parsed->text);
  for (auto& sig : parsed->signatures) {
    auto v = std::find_if(known.begin(), known.end(), [&](const Verifier& k) {
      return k.name() == sig.name && k.key_id() == sig.key_id;
    });
    if (v == known.end()) {
      if (std::find(out.unverified.begin(), out.unverified.end(), sig) == out.unverified.end())
        out.unverified.push_back(std::move(sig));
      continue;
    }
    // Every line from a known key is checked, repeated ones too: the spec says verifiers MUST
    // verify it (Go's Open skips a known key's second line unchecked).
    if (!v->verify(out.text, sig.signature))
      return fail(Errc::corrupt, "signed note: signature by known key " + sig.name + "+" +
                                     key_id_hex(sig.key_id) + " does not verify");
    bool seen = std::any_of(out.verified.begin(), out.verified.end(), [&](const NoteSignature& s) {
      return s.name == sig.name && s.key_id == sig.key_id;
    });
    if (!seen) out.verified.push_back(std::move(sig));
  }
  if (out.verified.empty()) {
    std::string names;
    for (auto& k : known) names += (names.empty() ? "" : ", ") + k.name() + "+" + key_id_hex(k.key_id());
    return fail(Errc::corrupt, "signed note carries no signature from a known key (known: " +
                                   (names.empty() ? "none" : names) + ")");
  }
  return out;
}

Result<std::string> sign_note(std::string_view text, std::span<const Signer> signers) {
  if (auto s = check_text_to_sign(text); !s) return err(s);
  if (signers.empty()) return fail(Errc::invalid, "no signer given");
  if (signers.size() > kMaxNoteSignatures)
    return fail(Errc::invalid, "more than " + std::to_string(kMaxNoteSignatures) + " signers");
  std::string out(text);
  out += '\n';
  for (auto& s : signers) {
    auto sig = s.ed25519_sign(as_bytes(text));
    out += format_signature_line({s.name(), s.key_id(), Bytes(sig.begin(), sig.end())});
  }
  if (out.size() > kMaxNoteSize)
    return fail(Errc::invalid, "signed note would be larger than " +
                                   std::to_string(kMaxNoteSize) + " bytes");
  return out;
}

Result<std::string> sign_note(std::string_view text, const Signer& signer) {
  return sign_note(text, std::span<const Signer>(&signer, 1));
}

Result<std::string> add_signatures(std::string_view signed_note, std::string_view lines) {
  auto parsed = parse_note(signed_note);
  if (!parsed) return err(parsed);
  if (lines.empty() || lines.back() != '\n')
    return fail(Errc::invalid, "signature lines to add must be non-empty and end with a newline");
  if (auto s = check_note_characters(lines); !s)
    return std::unexpected(s.error().context("signature lines to add"));
  auto added = parse_signature_lines(lines, "added signatures", 1);
  if (!added) return err(added);
  std::string out = parsed->text + "\n";
  for (auto& old : parsed->signatures) {
    bool replaced = std::any_of(added->begin(), added->end(), [&](const NoteSignature& n) {
      return n.name == old.name && n.key_id == old.key_id;
    });
    if (!replaced) out += format_signature_line(old);
  }
  for (auto& n : *added) out += format_signature_line(n);
  // Re-parse so the result is held to every limit a reader will apply.
  if (auto check = parse_note(out); !check) return err(check);
  return out;
}

}  // namespace amanat::tlog
