#include "tlog/checkpoint.h"

namespace amanat::tlog {

namespace {

// An origin read from outside input, shortened for an error message (at a UTF-8 boundary).
std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 80;
  if (s.size() <= kMax) return "\"" + std::string(s) + "\"";
  std::size_t n = kMax;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return "\"" + std::string(s.substr(0, n)) + "...\"";
}

}  // namespace

Result<Checkpoint> parse_checkpoint(std::string_view text) {
  if (text.empty() || text.back() != '\n')
    return fail(Errc::invalid, "checkpoint text must end with a newline");
  if (auto s = check_note_characters(text); !s)
    return std::unexpected(s.error().context("checkpoint"));
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    std::size_t nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3)
    return fail(Errc::invalid, "checkpoint needs at least three lines (origin, size, root hash), "
                               "has " + std::to_string(lines.size()));
  Checkpoint c;
  if (lines[0].empty()) return fail(Errc::invalid, "checkpoint line 1: the origin is empty");
  c.origin = std::string(lines[0]);
  auto size = parse_decimal(lines[1]);
  if (!size)
    return fail(Errc::invalid, "checkpoint line 2: the tree size must be a decimal number "
                               "without sign or leading zeros that fits in 64 bits");
  c.size = *size;
  // (An empty line is kept away from hash_from_base64, which hands libsodium a null buffer.)
  auto root = lines[2].empty() ? std::optional<Hash>() : hash_from_base64(lines[2]);
  if (!root)
    return fail(Errc::invalid,
                "checkpoint line 3: the root hash must be strict base64 of exactly 32 bytes");
  c.root = *root;
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty())
      return fail(Errc::invalid, "checkpoint line " + std::to_string(i + 1) +
                                     ": extension lines must not be empty");
    c.extensions.emplace_back(lines[i]);
  }
  return c;
}

Result<std::string> format_checkpoint(const Checkpoint& c) {
  auto bad_line = [](std::string_view l) {
    return l.empty() || l.find('\n') != std::string_view::npos;
  };
  if (bad_line(c.origin))
    return fail(Errc::invalid, "checkpoint origin must be a non-empty single line");
  for (auto& e : c.extensions)
    if (bad_line(e))
      return fail(Errc::invalid, "checkpoint extension lines must be non-empty single lines");
  std::string out = c.origin + "\n" + std::to_string(c.size) + "\n" + to_base64(c.root) + "\n";
  for (auto& e : c.extensions) out += e + "\n";
  if (auto s = check_note_characters(out); !s)
    return std::unexpected(s.error().context("checkpoint"));
  return out;
}

Result<std::string> sign_checkpoint(const Checkpoint& c, const Signer& log_key) {
  auto text = format_checkpoint(c);
  if (!text) return err(text);
  return sign_note(*text, log_key);
}

Result<Checkpoint> open_checkpoint(std::string_view signed_note, const Verifier& log_key,
                                   std::optional<std::string_view> expected_origin) {
  auto note = open_note(signed_note, std::span<const Verifier>(&log_key, 1));
  if (!note) return std::unexpected(note.error().context("checkpoint"));
  auto c = parse_checkpoint(note->text);
  if (!c) return err(c);
  if (expected_origin && c->origin != *expected_origin)
    return fail(Errc::corrupt, "checkpoint is for origin " + quoted(c->origin) + ", expected " +
                                   quoted(*expected_origin));
  return c;
}

}  // namespace amanat::tlog
