// Signed notes against the Go x/mod and C2SP vectors in testdata/tlog/signed_note_vectors.json,
// plus the malformed-note rules and byte-flip mutation.
#include "tlog/note.h"

#include "core/sha256.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace amanat::tlog {
namespace {

using nlohmann::json;

const json& vectors() {
  static const json j = [] {
    std::ifstream in(AMANAT_TESTDATA "/tlog/signed_note_vectors.json");
    return json::parse(in);
  }();
  return j;
}

const json& note_vector(std::string_view id) {
  for (auto& n : vectors()["notes"])
    if (n["id"] == id) return n;
  throw std::runtime_error("no vector " + std::string(id));
}

Verifier verifier(std::string_view vkey) {
  auto v = Verifier::parse(vkey);
  if (!v) throw std::runtime_error(v.error().message);
  return *v;
}

Signer signer(std::string_view skey) {
  auto s = Signer::parse(skey);
  if (!s) throw std::runtime_error(s.error().message);
  return *s;
}

const std::string kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterSig =
    "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig =
    "\xE2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
const std::string kPeterVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const std::string kEnochVkey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

std::string reassemble(const ParsedNote& p) {
  std::string out = p.text + "\n";
  for (auto& s : p.signatures) out += format_signature_line(s);
  return out;
}

TEST(SignedNote, ResigningReproducesGoVectorByteForByte) {
  for (auto& n : vectors()["notes"]) {
    if (n["skey"].is_null()) continue;
    SCOPED_TRACE(n["id"].get<std::string>());
    Signer s = signer(n["skey"].get<std::string>());
    auto signed_note = sign_note(n["text"].get<std::string>(), s);
    ASSERT_TRUE(signed_note) << signed_note.error().message;
    // The vector's note may carry other signatures too; ours must equal its line for this key.
    auto expected = parse_note(n["signed_note"].get<std::string>());
    ASSERT_TRUE(expected) << expected.error().message;
    auto ours = parse_note(*signed_note);
    ASSERT_TRUE(ours);
    ASSERT_EQ(ours->signatures.size(), 1u);
    EXPECT_NE(std::find(expected->signatures.begin(), expected->signatures.end(),
                        ours->signatures[0]),
              expected->signatures.end());
  }
  // Peter alone and Peter-then-Enoch are whole vectors.
  Signer peter = signer(note_vector("go-note-PeterNeumann")["skey"].get<std::string>());
  Signer enoch = signer(note_vector("go-note-EnochRoot")["skey"].get<std::string>());
  EXPECT_EQ(sign_note(kText, peter).value(),
            note_vector("go-note-PeterNeumann")["signed_note"].get<std::string>());
  std::vector<Signer> both{peter, enoch};
  EXPECT_EQ(sign_note(kText, both).value(),
            note_vector("go-note-EnochRoot")["signed_note"].get<std::string>());
}

TEST(SignedNote, KeyIdIsFirstFourBytesOfSha256OfNameNewlineTypeAndKey) {
  for (auto& n : vectors()["notes"]) {
    SCOPED_TRACE(n["id"].get<std::string>());
    auto k = decode_vkey(n["vkey"].get<std::string>());
    ASSERT_TRUE(k) << k.error().message;
    EXPECT_EQ(k->name, n["key_name"].get<std::string>());
    EXPECT_EQ(key_id_hex(k->key_id), n["key_id_hex"].get<std::string>());
    EXPECT_EQ(key_id_hex(compute_key_id(k->name, k->type, k->key)),
              n["key_id_hex"].get<std::string>());
    Verifier v = verifier(n["vkey"].get<std::string>());
    EXPECT_EQ(v.vkey(), n["vkey"].get<std::string>());
    EXPECT_EQ(key_id_hex(v.key_id()), n["key_id_hex"].get<std::string>());
  }
}

TEST(SignedNote, SignerKeyDerivesTheVectorVerifierKey) {
  for (auto& n : vectors()["notes"]) {
    if (n["skey"].is_null()) continue;
    SCOPED_TRACE(n["id"].get<std::string>());
    Signer s = signer(n["skey"].get<std::string>());
    EXPECT_EQ(s.name(), n["key_name"].get<std::string>());
    EXPECT_EQ(s.verifier().vkey(), n["vkey"].get<std::string>());
  }
  // EnochRoot's key comes from Go's GenerateKey reading 32 zero bytes.
  std::array<std::uint8_t, 32> zeros{};
  auto enoch = Signer::from_seed("EnochRoot", zeros);
  ASSERT_TRUE(enoch);
  EXPECT_EQ(enoch->verifier().vkey(), kEnochVkey);
}

TEST(SignedNote, OpensEveryVectorWithItsKey) {
  for (auto& n : vectors()["notes"]) {
    SCOPED_TRACE(n["id"].get<std::string>());
    Verifier v = verifier(n["vkey"].get<std::string>());
    auto opened = open_note(n["signed_note"].get<std::string>(), std::span(&v, 1));
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(opened->text, n["text"].get<std::string>());
    ASSERT_EQ(opened->verified.size(), 1u);
    EXPECT_EQ(opened->verified[0].name, v.name());
    EXPECT_EQ(opened->verified[0].key_id, v.key_id());
    // Verification is over exactly the text bytes.
    EXPECT_TRUE(v.verify(n["text"].get<std::string>(), opened->verified[0].signature));
  }
}

TEST(SignedNote, RejectsEveryBadVkeyVector) {
  for (auto& b : vectors()["bad_vkeys"]) {
    SCOPED_TRACE(b["why"].get<std::string>());
    auto v = Verifier::parse(b["vkey"].get<std::string>());
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, Errc::invalid);
  }
  // Spot-check the reasons. Go's lenient base64 reads "BADKEY==" (non-zero padding bits) and
  // then refuses the 36-byte key; we refuse the spelling first. With canonical padding we
  // reach the length check as Go does.
  EXPECT_NE(Verifier::parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
                .error().message.find("not strict"), std::string::npos);
  EXPECT_NE(Verifier::parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEQ==")
                .error().message.find("32 bytes"), std::string::npos);
  EXPECT_NE(Verifier::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                .error().message.find("0x65"), std::string::npos);
  EXPECT_NE(Verifier::parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                .error().message.find("does not match"), std::string::npos);
  EXPECT_NE(Verifier::parse("bananas.sigstore.dev+12344556").error().message.find("form"),
            std::string::npos);
}

TEST(SignedNote, SplitsVkeysOnTheFirstTwoPlusSignsOnly) {
  for (auto& r : vectors()["real_world_vkeys"]) {
    auto vkey = r["vkey"].get<std::string>();
    Verifier v = verifier(vkey);
    EXPECT_EQ(v.name(), "sum.golang.org");
    EXPECT_EQ(key_id_hex(v.key_id()), r["key_id_hex"].get<std::string>());
    EXPECT_EQ(v.vkey(), vkey);
  }
  // The TEST vkey's base64 starts with "AQcC+": a plain type 0x01 key despite the '+'.
  auto plus = vectors()["cosignature_vkeys"][0]["vkey"].get<std::string>();
  Verifier v = verifier(plus);
  EXPECT_EQ(v.name(), "TEST");
  EXPECT_EQ(v.vkey(), plus);
}

TEST(SignedNote, RefusesPublishedVkeyWhoseKeyIdDoesNotMatchTheSpecFormula) {
  for (auto& c : vectors()["caution_vkeys"]) {
    auto k = decode_vkey(c["vkey"].get<std::string>());
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().code, Errc::invalid);
    // The message names the ID the formula gives, which the vector records.
    EXPECT_NE(k.error().message.find(c["spec_key_id_hex"].get<std::string>()), std::string::npos)
        << k.error().message;
  }
}

TEST(SignedNote, WitnessTypeVkeyIsNotAcceptedAsALogKey) {
  auto witness = vectors()["cosignature_vkeys"][1]["vkey"].get<std::string>();
  auto k = decode_vkey(witness);
  ASSERT_TRUE(k) << k.error().message;  // the 0x04 key ID checks out with type 0x04
  EXPECT_EQ(k->type, 0x04);
  auto v = Verifier::parse(witness);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("0x04"), std::string::npos);
}

TEST(SignedNote, VkeyKeyIdMustBeEightLowercaseHexDigits) {
  EXPECT_FALSE(Verifier::parse("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  EXPECT_FALSE(Verifier::parse("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  EXPECT_FALSE(Verifier::parse("PeterNeumann+0c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  EXPECT_FALSE(Verifier::parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW "));
  EXPECT_FALSE(Verifier::parse("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  EXPECT_FALSE(Verifier::parse("PeterNeumann+c74f20a3+"));
}

TEST(SignedNote, KeyNamesFollowTheSpecRules) {
  for (std::string ok : {"PeterNeumann", "example.com/foo", "oid/1.3.6.1", "caf\xC3\xA9", "a-b_c~d"})
    EXPECT_TRUE(is_valid_key_name(ok)) << ok;
  for (std::string bad : {std::string(), std::string("a b"), std::string("a+b"),
                          std::string("a\tb"), std::string("a\nb"), std::string("a\x01" "b"),
                          std::string("a\xC2\xA0" "b"),       // U+00A0 no-break space
                          std::string("a\xE2\x80\x83" "b"),   // U+2003 em space
                          std::string("a\xE3\x80\x80" "b"),   // U+3000 ideographic space
                          std::string("a\xC2\x85" "b"),       // U+0085 next line
                          std::string("a\xFF" "b"), std::string("a\xC0\xAF" "b")})
    EXPECT_FALSE(is_valid_key_name(bad)) << bad;
}

TEST(SignedNote, UnknownSignersAreIgnoredAndReportedAsUnverified) {
  Verifier peter = verifier(kPeterVkey);
  auto opened = open_note(kText + "\n" + kPeterSig + kEnochSig, std::span(&peter, 1));
  ASSERT_TRUE(opened) << opened.error().message;
  ASSERT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->verified[0].name, "PeterNeumann");
  ASSERT_EQ(opened->unverified.size(), 1u);
  EXPECT_EQ(opened->unverified[0].name, "EnochRoot");
  EXPECT_EQ(opened->unverified[0].key_id, 0xaf0cfe78u);
}

TEST(SignedNote, NoteWithoutAKnownSignatureIsCorrupt) {
  Verifier enoch = verifier(kEnochVkey);
  auto opened = open_note(kText + "\n" + kPeterSig, std::span(&enoch, 1));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::corrupt);
  EXPECT_FALSE(open_note(kText + "\n" + kPeterSig, {}));
}

TEST(SignedNote, FailingSignatureFromAKnownKeyRejectsTheWholeNote) {
  std::vector<Verifier> known{verifier(kPeterVkey), verifier(kEnochVkey)};
  // Go's TestOpen: "ABCD" inserted into Peter's base64 (still valid base64, longer signature).
  std::string bad_peter = kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60);
  auto opened = open_note(kText + "\n" + bad_peter + kEnochSig, known);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::corrupt);
  EXPECT_NE(opened.error().message.find("PeterNeumann+c74f20a3"), std::string::npos);
  // Even when another known key verified, and even for a repeated line of a verified key.
  opened = open_note(kText + "\n" + kPeterSig + kEnochSig + bad_peter, known);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::corrupt);
}

TEST(SignedNote, SignatureSharingOnlyNameOrOnlyKeyIdWithAKnownKeyIsIgnored) {
  Verifier peter = verifier(kPeterVkey);
  // Same name, other key ID ("x08g" -> "xxxx" changes the ID bytes).
  std::string other_id = kPeterSig;
  other_id.replace(other_id.find("x08g"), 4, "xxxx");
  // Same key ID, other name.
  std::string other_name = kPeterSig;
  other_name.replace(other_name.find("PeterNeumann"), 12, "CarmenSandiego");
  auto opened = open_note(kText + "\n" + other_id + other_name + kPeterSig, std::span(&peter, 1));
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->unverified.size(), 2u);
}

TEST(SignedNote, RepeatedSignaturesCollapse) {
  Verifier peter = verifier(kPeterVkey);
  auto opened =
      open_note(kText + "\n" + kPeterSig + kPeterSig + kEnochSig + kEnochSig, std::span(&peter, 1));
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->unverified.size(), 1u);
}

// Two Ed25519 keys whose type-0x01 key IDs under "example.org/collide" are both 568373f1, found by
// a birthday search over seeds SHA-256("collide <i>") (about 2^17 tries).
Signer colliding_signer(int i) {
  Hash seed = sha256("collide " + std::to_string(i));
  auto s = Signer::from_seed("example.org/collide", seed);
  if (!s) throw std::runtime_error(s.error().message);
  return *s;
}

TEST(SignedNote, KeyIdCollisionGivesOnlyAVerificationFailure) {
  Signer a = colliding_signer(73187), b = colliding_signer(96180);
  ASSERT_EQ(a.key_id(), 0x568373f1u);
  ASSERT_EQ(b.key_id(), a.key_id());
  ASSERT_NE(a.public_key(), b.public_key());
  // The spec: whoever computes a colliding key only gets a verification failure, because the
  // verifier was configured with the real key.
  Verifier real = a.verifier();
  auto forged = sign_note("hello\n", b);
  ASSERT_TRUE(forged);
  auto opened = open_note(*forged, std::span(&real, 1));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::corrupt);
  // Configuring both is ambiguous, and refused rather than resolved by guessing.
  std::vector<Verifier> both{a.verifier(), b.verifier()};
  opened = open_note(*sign_note("hello\n", a), both);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::invalid);
  EXPECT_NE(opened.error().message.find("example.org/collide+568373f1"), std::string::npos);
  // The same key listed twice is not ambiguous.
  std::vector<Verifier> dup{a.verifier(), a.verifier()};
  EXPECT_TRUE(open_note(*sign_note("hello\n", a), dup));
}

TEST(SignedNote, MalformedNotesAreInvalidWithAPreciseMessage) {
  Verifier peter = verifier(kPeterVkey);
  struct Case {
    std::string note, want;
  };
  std::string hundred_and_one;
  for (int i = 0; i < 101; ++i) hundred_and_one += kPeterSig;
  const Case cases[] = {
      {kText, "no blank line"},
      {kText + "\n", "no signature lines"},
      {kText + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1), "does not end with a newline"},
      {"\x01" + kText + "\n" + kPeterSig, "control character U+0001"},
      {"\xFF" + kText + "\n" + kPeterSig, "invalid UTF-8"},
      {"\xC0\xAF" + kText + "\n" + kPeterSig, "invalid UTF-8"},    // overlong '/'
      {"\xED\xA0\x80" + kText + "\n" + kPeterSig, "invalid UTF-8"},  // surrogate
      {kText + "\n" + "\xE2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
       "line 4: signature is not strict"},
      {kText + "\n" + kPeterSig + "Unexpected line.\n", "line 5: expected a signature line"},
      {kText + "\n" + "\xE2\x80\x94  PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
       "invalid key name"},
      {kText + "\n" + "\xE2\x80\x94PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
       "expected a signature line"},
      {kText + "\n" + "-- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
       "expected a signature line"},
      {kText + "\n" + "\xE2\x80\x94 PeterNeumann\n", "no space"},
      {kText + "\n" + "\xE2\x80\x94 PeterNeumann \n", "shorter than a key ID"},
      {kText + "\n" + "\xE2\x80\x94 PeterNeumann x08gox==\n", "not strict"},  // padding bits set
      {kText + "\n" + "\xE2\x80\x94 PeterNeumann x08gow==\n", "shorter than a key ID"},
      {kText + "\n" + "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\r\n",
       "carriage return"},
      {kText + "\n" + hundred_and_one, "more than 100"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.note);
    auto opened = open_note(c.note, std::span(&peter, 1));
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, Errc::invalid);
    EXPECT_NE(opened.error().message.find(c.want), std::string::npos) << opened.error().message;
  }
}

TEST(SignedNote, AcceptsExactlyOneHundredSignatures) {
  Verifier peter = verifier(kPeterVkey);
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += kPeterSig;
  EXPECT_TRUE(open_note(kText + "\n" + hundred, std::span(&peter, 1)));
}

TEST(SignedNote, RejectsNotesLargerThanTheCap) {
  std::string big(kMaxNoteSize, 'a');
  big[kMaxNoteSize - kPeterSig.size() - 2] = '\n';
  auto p = parse_note(big.substr(0, kMaxNoteSize - kPeterSig.size() - 1) + "\n" + kPeterSig + "x");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("larger than"), std::string::npos);
}

TEST(SignedNote, SpecIntroExampleKeepsItsBlankLineAndNonAsciiTextAndReassemblesExactly) {
  const std::string note =
      "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \xC3\xA8 subito "
      "sera.\n\n\xE2\x80\x94 quasimodo.example/salvatore "
      "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
  auto p = parse_note(note);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->text,
            "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \xC3\xA8 "
            "subito sera.\n");
  ASSERT_EQ(p->signatures.size(), 1u);
  EXPECT_EQ(p->signatures[0].name, "quasimodo.example/salvatore");
  EXPECT_EQ(p->signatures[0].key_id, 0x367ba04bu);
  EXPECT_EQ(reassemble(*p), note);
  for (auto& n : vectors()["notes"]) {
    auto q = parse_note(n["signed_note"].get<std::string>());
    ASSERT_TRUE(q);
    EXPECT_EQ(reassemble(*q), n["signed_note"].get<std::string>());
  }
}

TEST(SignedNote, TextsWithBlankLinesRoundTripThroughSignAndOpen) {
  auto kp = generate_key("example.org/blank-lines");
  ASSERT_TRUE(kp);
  Signer s = signer(kp->skey);
  Verifier v = verifier(kp->vkey);
  for (std::string text : {"\n", "a\n\n", "a\n\nb\n", "\n\n\n", "\n\xE2\x80\x94 x y\n"}) {
    SCOPED_TRACE(text);
    auto note = sign_note(text, s);
    ASSERT_TRUE(note) << note.error().message;
    auto opened = open_note(*note, std::span(&v, 1));
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(opened->text, text);
  }
}

TEST(SignedNote, SigningRefusesTextsThatCannotBeOpenedOrThatWouldBeCosignatures) {
  Signer peter = signer(note_vector("go-note-PeterNeumann")["skey"].get<std::string>());
  for (std::string bad : {std::string(), std::string("abc"), std::string("a\x01\n"),
                          std::string("\xFF\n"), std::string("a\r\n"),
                          std::string("cosignature/v1\ntime 1\nexample.com/log\n1\n"
                                      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")}) {
    auto r = sign_note(bad, peter);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid);
  }
  EXPECT_FALSE(sign_note(kText, std::span<const Signer>()));
}

TEST(SignedNote, AddSignaturesAppendsNewLinesAndReplacesOnesFromTheSameKey) {
  const std::string peter_note = kText + "\n" + kPeterSig;
  auto both = add_signatures(peter_note, kEnochSig);
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(*both, note_vector("go-note-EnochRoot")["signed_note"].get<std::string>());
  // Re-adding Peter's line moves it after Enoch's instead of duplicating it.
  auto again = add_signatures(*both, kPeterSig);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, kText + "\n" + kEnochSig + kPeterSig);
  EXPECT_FALSE(add_signatures(peter_note, "not a signature\n"));
  EXPECT_FALSE(add_signatures(peter_note, kEnochSig.substr(0, kEnochSig.size() - 1)));
  EXPECT_FALSE(add_signatures(kText, kEnochSig));
}

TEST(SignedNote, GeneratedKeysRoundTripAndAreFresh) {
  auto a = generate_key("example.org/a");
  auto b = generate_key("example.org/a");
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->skey, b->skey);
  EXPECT_TRUE(a->skey.starts_with("PRIVATE+KEY+example.org/a+"));
  Signer s = signer(a->skey);
  EXPECT_EQ(s.verifier().vkey(), a->vkey);
  Verifier v = verifier(a->vkey);
  auto note = sign_note("hello\n", s);
  ASSERT_TRUE(note);
  EXPECT_TRUE(open_note(*note, std::span(&v, 1)));
  EXPECT_FALSE(generate_key("bad name"));
  EXPECT_FALSE(generate_key("a+b"));
}

TEST(SignedNote, SignerKeyErrorsNeverEchoTheSecret) {
  const std::string secret_part = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  for (std::string bad : {"PRIVATE+KEY+PeterNeumann+c74f20a4+" + secret_part,
                          "PRIVATE+KEY+Peter Neumann+c74f20a3+" + secret_part,
                          "PRIVATE+KEY+PeterNeumann+c74f20a3+" + secret_part + "=",
                          "PRIVATE+KEX+PeterNeumann+c74f20a3+" + secret_part,
                          "PeterNeumann+c74f20a3+" + secret_part}) {
    auto s = Signer::parse(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, Errc::invalid);
    EXPECT_EQ(s.error().message.find("AYEKFAL"), std::string::npos) << s.error().message;
  }
}

// Every single-byte change to a signed note must make opening fail or drop a known signature;
// it must never crash or verify the changed note as fully signed.
void expect_every_flip_breaks(const std::string& note, std::span<const Verifier> known) {
  for (std::size_t i = 0; i < note.size(); ++i) {
    for (std::uint8_t mask : {0x01, 0x02, 0x20, 0x80, 0xFF}) {
      std::string m = note;
      m[i] = static_cast<char>(m[i] ^ mask);
      auto opened = open_note(m, known);
      EXPECT_TRUE(!opened || opened->verified.size() < known.size())
          << "byte " << i << " mask " << int(mask);
    }
  }
}

TEST(SignedNote, FlippingAnyByteFailsVerification) {
  Verifier peter = verifier(kPeterVkey);
  expect_every_flip_breaks(note_vector("go-note-PeterNeumann")["signed_note"].get<std::string>(),
                           std::span(&peter, 1));
  std::vector<Verifier> both{peter, verifier(kEnochVkey)};
  expect_every_flip_breaks(note_vector("go-note-EnochRoot")["signed_note"].get<std::string>(), both);
  Verifier foo = verifier(note_vector("c2sp-signed-note-example")["vkey"].get<std::string>());
  expect_every_flip_breaks(note_vector("c2sp-signed-note-example")["signed_note"].get<std::string>(),
                           std::span(&foo, 1));
}

}  // namespace
}  // namespace amanat::tlog
