// Canonical JSON (RFC 8785): the RFC's own examples (member sorting, the Appendix B numbers),
// the reference test data of cyberphone/json-canonicalization (inputs and expected outputs
// included literally, and checked against the SHA-256 sums of the upstream files), a property
// test that canonical output is a fixed point, and the strict parser's refusals.
#include "core/canonical_json.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "core/bytes.h"
#include "core/sha256.h"

namespace amanat {
namespace {

using json = nlohmann::json;

std::string canon_text(std::string_view text) {
  auto r = canonicalize_text(text);
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return r ? *r : std::string();
}

std::string canon(const json& v) {
  auto r = canonicalize(v);
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return r ? *r : std::string();
}

// The error message of canonicalize_text, or "" (and a test failure) when it succeeds.
std::string rejection(std::string_view text) {
  auto r = canonicalize_text(text);
  EXPECT_FALSE(r.has_value()) << "accepted: " << text << " -> " << *r;
  if (r) return "";
  EXPECT_EQ(r.error().code, Errc::invalid);
  return r.error().message;
}

// ---------------------------------------------------------------------------------------------
// RFC 8785 examples.

TEST(CanonicalJson, SortsMembersByUtf16CodeUnitsAsInRfc8785Section3_2_3) {
  const char* input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  const std::string expected =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
      "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
      "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
      "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}";
  EXPECT_EQ(canon_text(input), expected);
}

TEST(CanonicalJson, SupplementaryCharactersSortBeforePrivateUseAreaUnlikeUtf8ByteOrder) {
  // U+1F600 is D83D DE00 in UTF-16 (sorts before U+E000) but F0 9F 98 80 in UTF-8 (after EE).
  json v = {{"\xee\x80\x80", 1}, {"\xf0\x9f\x98\x80", 2}, {"\xef\xbf\xbd", 3}, {"\xd7\xa9", 4}};
  EXPECT_EQ(canon(v),
            "{\"\xd7\xa9\":4,\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":1,\"\xef\xbf\xbd\":3}");
}

TEST(CanonicalJson, Rfc8785AppendixBNumbersFormatAsEcmascript) {
  struct Case {
    std::uint64_t bits;
    const char* expected;
  };
  const Case cases[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& c : cases) {
    double d = std::bit_cast<double>(c.bits);
    auto s = format_number(d);
    ASSERT_TRUE(s.has_value()) << std::hex << c.bits;
    EXPECT_EQ(*s, c.expected) << std::hex << c.bits;
    // The same through canonicalize, and through text (the expected string parses back to d).
    EXPECT_EQ(canon(json(d)), c.expected);
    EXPECT_EQ(canon_text(c.expected), c.expected);
  }
}

TEST(CanonicalJson, Rfc8785AppendixBNanAndInfinityAreRefused) {
  for (std::uint64_t bits : {0x7fffffffffffffffULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL}) {
    double d = std::bit_cast<double>(bits);
    EXPECT_FALSE(format_number(d).has_value());
    auto r = canonicalize(json{{"a", json::array({1, d})}});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("\"/a/1\""), std::string::npos) << r.error().message;
  }
}

TEST(CanonicalJson, NumberFormattingThresholdsFollowEcmascript) {
  EXPECT_EQ(*format_number(1e21), "1e+21");
  EXPECT_EQ(*format_number(1e20), "100000000000000000000");
  EXPECT_EQ(*format_number(123e18), "123000000000000000000");
  EXPECT_EQ(*format_number(1e-7), "1e-7");
  EXPECT_EQ(*format_number(1.5e-7), "1.5e-7");
  EXPECT_EQ(*format_number(1e-6), "0.000001");
  EXPECT_EQ(*format_number(0.1), "0.1");
  EXPECT_EQ(*format_number(-1.5), "-1.5");
  EXPECT_EQ(*format_number(123.456), "123.456");
  EXPECT_EQ(*format_number(-0.0), "0");
  EXPECT_EQ(*format_number(2.5e-5), "0.000025");
  EXPECT_EQ(*format_number(1.2345e+25), "1.2345e+25");
}

TEST(CanonicalJson, IntegersAreWrittenAsTheDoubleTheyRoundTo) {
  EXPECT_EQ(canon(json(std::int64_t{9007199254740993})), "9007199254740992");
  EXPECT_EQ(canon(json(std::numeric_limits<std::uint64_t>::max())), "18446744073709552000");
  EXPECT_EQ(canon(json(std::numeric_limits<std::int64_t>::min())), "-9223372036854776000");
  EXPECT_EQ(canon(json(std::int64_t{-42})), "-42");
  EXPECT_EQ(canon_text("[1E2, 100.0, 1e0, -0, -0.0, 0e10, 1e-400, -1e-400]"),
            "[100,100,1,0,0,0,0,0]");
  EXPECT_EQ(canon_text("123456789012345678901234567890"), "1.2345678901234568e+29");
}

TEST(CanonicalJson, StringsAreEscapedAsJsonStringify) {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  EXPECT_EQ(canon(json(controls)),
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
            "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
            "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
  // '/', DEL, U+2028, U+FEFF and non-ASCII stay raw; quote and backslash get short escapes.
  EXPECT_EQ(canon_text(R"("\/\u007f\u2028\ufeff\u00e9\"\\")"),
            "\"/\x7f\xe2\x80\xa8\xef\xbb\xbf\xc3\xa9\\\"\\\\\"");
}

TEST(CanonicalJson, WhitespaceIsRemovedAndArrayOrderKept) {
  EXPECT_EQ(canon_text(" \t\r\n[ 3 , 1 , { \"b\" : [ ] , \"a\" : { } } , \"x\" ] \n"),
            "[3,1,{\"a\":{},\"b\":[]},\"x\"]");
  EXPECT_EQ(canon_text("true"), "true");
  EXPECT_EQ(canon_text("null"), "null");
  EXPECT_EQ(canon_text("\"\""), "\"\"");
}

// ---------------------------------------------------------------------------------------------
// The reference test data of https://github.com/cyberphone/json-canonicalization, testdata/
// input/*.json and output/*.json, included byte for byte (as of commit 19d51d7f). The SHA-256
// sums are those of the upstream files and prove the literals are unaltered.

struct Reference {
  const char* name;
  std::string input;
  const char* input_sha256;
  std::string output;
  const char* output_sha256;
};

const Reference kReferences[] = {
    {"arrays",
     "[\n  56,\n  {\n    \"d\": true,\n    \"10\": null,\n    \"1\": [ ]\n  }\n]\n",
     "e503b6d71d1afa595b1c74b1016445c944cd89f90418066b23de1aeda7d17563",
     R"([56,{"1":[],"10":null,"d":true}])",
     "099601b171cafed97c333f8878d68e7f8c8f795412adb34b2fdcf0e7c7beac42"},
    {"french",
     "{\n  \"peach\": \"This sorting order\",\n  \"p\xc3\xa9\x63h\xc3\xa9\": \"is wrong according "
     "to French\",\n  \"p\xc3\xaa\x63he\": \"but canonicalization MUST\",\n  \"sin\":   \"ignore "
     "locale\"\n}\n",
     "03676a951cd8753ac62589f72eb2105cc782c33425418cfe1d517c111f6e5d5a",
     "{\"peach\":\"This sorting order\",\"p\xc3\xa9\x63h\xc3\xa9\":\"is wrong according to "
     "French\",\"p\xc3\xaa\x63he\":\"but canonicalization MUST\",\"sin\":\"ignore locale\"}",
     "d99d0ebdcb0033cb858cfa830ae46bc0fb3309413b271f1da828c89901a27ed5"},
    {"structures",
     R"({
  "1": {"f": {"f": "hi","F": 5} ,"\n": 56.0},
  "10": { },
  "": "empty",
  "a": { },
  "111": [ {"e": "yes","E": "no" } ],
  "A": { }
})",
     "d66893805be1784116af50af3110d08766c70a6b4aad93374723f72346e7aaa6",
     R"({"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}})",
     "605f65004ec2db7692522a0852c22f1c989e036d547e88963d1a3143cf3195d5"},
    {"unicode",
     "{\n  \"Unnormalized Unicode\":\"A\\u030a\"\n}\n",
     "4621864e014d4a805a563f55b9ea20aba4a2d2dc09c7394f625496998c00702c",
     "{\"Unnormalized Unicode\":\"A\xcc\x8a\"}",
     "0d99aad92a125196ff887876643fd3206786a84ddce2cee52ba4ad256d2381d3"},
    {"values",
     R"({
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})",
     "c4a041b503d6bc236036ef44db4dac499272f60fc22c40dc3b7a54870ba6f1c3",
     "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
     "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
     "2d5e01a318d0f0879ab568c4be289c8b1f64ef8921a53c6277d5e069978baacb"},
    {"weird",
     R"({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\u000a": "Newline",
  "1": "One",
  "\u0080": "Control\u007f",
  "\ud83d\ude02": "Smiley",
  "\u00f6": "Latin Small Letter O With Diaeresis",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "</script>": "Browser Challenge"
}
)",
     "a3a905266bd4a49a969274ea69baa14ee0c4af0ead926d6fa2b7612b4af75387",
     "{\"\\n\":\"Newline\",\"\\r\":\"Carriage Return\",\"1\":\"One\",\"</script>\":\"Browser "
     "Challenge\",\"\xc2\x80\":\"Control\x7f\",\"\xc3\xb6\":\"Latin Small Letter O With "
     "Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x82\":\"Smiley\",\"\xef\xac\xb3\":"
     "\"Hebrew Letter Dalet With Dagesh\"}",
     "6af595a9aa80110b964b4de3f82a05fa6ae7423005019bacfa2620dddc4e94d1"},
};

TEST(CanonicalJson, CyberphoneReferenceTestDataLiteralsMatchUpstreamFiles) {
  for (const auto& r : kReferences) {
    EXPECT_EQ(to_hex(sha256(r.input)), r.input_sha256) << r.name;
    EXPECT_EQ(to_hex(sha256(r.output)), r.output_sha256) << r.name;
  }
}

TEST(CanonicalJson, CyberphoneReferenceTestDataCanonicalizesToExpectedOutput) {
  for (const auto& r : kReferences) {
    EXPECT_EQ(canon_text(r.input), r.output) << r.name;
    // Canonical output is its own canonical form.
    EXPECT_EQ(canon_text(r.output), r.output) << r.name;
    // And the same through a value parsed by nlohmann.
    EXPECT_EQ(canon(json::parse(r.input)), r.output) << r.name;
  }
}

// ---------------------------------------------------------------------------------------------
// Property: canonical output is a fixed point, whatever the value and its spelling.

class RandomJson {
 public:
  explicit RandomJson(std::uint64_t seed) : rng_(seed) {}

  json value(int depth) {
    int kind = pick(depth > 3 ? 6 : 8);
    switch (kind) {
      case 0: return nullptr;
      case 1: return pick(2) == 1;
      case 2: return static_cast<std::int64_t>(rng_()) >> pick(64);
      case 3: return rng_() >> pick(64);
      case 4: return finite_double();
      case 5: return string();
      case 6: {
        json a = json::array();
        for (int i = pick(5); i > 0; --i) a.push_back(value(depth + 1));
        return a;
      }
      default: {
        json o = json::object();
        for (int i = pick(6); i > 0; --i) o[string()] = value(depth + 1);
        return o;
      }
    }
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }

  double finite_double() {
    switch (pick(4)) {
      case 0: return static_cast<double>(static_cast<std::int32_t>(rng_())) / 100;
      case 1: return std::ldexp(static_cast<double>(rng_() >> 11), pick(200) - 100);
      default:
        for (;;) {
          double d = std::bit_cast<double>(rng_());
          if (std::isfinite(d)) return d;
        }
    }
  }

  std::string string() {
    static const char32_t interesting[] = {0x00, 0x08, 0x1f, '"', '\\', '/', 0x7f, 0x80, 0xe9,
                                           0x2028, 0xd7ff, 0xe000, 0xfb33, 0xfeff, 0xfffd,
                                           0xffff, 0x10000, 0x1f600, 0x10ffff};
    std::string s;
    for (int i = pick(8); i > 0; --i) {
      char32_t cp;
      switch (pick(4)) {
        case 0: cp = interesting[pick(std::size(interesting))]; break;
        case 1: cp = static_cast<char32_t>(rng_() % 0x110000); break;
        default: cp = static_cast<char32_t>('a' + pick(6)); break;
      }
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 'z';
      append(s, cp);
    }
    return s;
  }

  static void append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::mt19937_64 rng_;
};

TEST(CanonicalJson, CanonicalizingParsedCanonicalOutputGivesTheSameBytes) {
  RandomJson gen(0x616d616e6174);
  for (int i = 0; i < 3000; ++i) {
    json x = gen.value(0);
    auto c1 = canonicalize(x);
    ASSERT_TRUE(c1.has_value()) << c1.error().message;
    auto parsed = parse_strict(*c1);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message << "\n" << *c1;
    auto c2 = canonicalize(*parsed);
    ASSERT_TRUE(c2.has_value());
    ASSERT_EQ(*c2, *c1);
    // Other spellings of the same value (nlohmann's compact and indented output, which escape
    // and order differently) canonicalize to the same bytes.
    ASSERT_EQ(canon_text(x.dump()), *c1);
    ASSERT_EQ(canon_text(x.dump(2, ' ', true)), *c1);
    // nlohmann reads canonical output too.
    ASSERT_EQ(canon(json::parse(*c1)), *c1);
  }
}

TEST(CanonicalJson, NumbersRoundTripToTheSameDouble) {
  std::mt19937_64 rng(8785);
  for (int i = 0; i < 200000; ++i) {
    double d = std::bit_cast<double>(rng());
    if (!std::isfinite(d)) continue;
    auto s = format_number(d);
    ASSERT_TRUE(s.has_value());
    double back = 0;
    auto r = std::from_chars(s->data(), s->data() + s->size(), back);
    ASSERT_EQ(r.ec, std::errc()) << *s;
    ASSERT_EQ(r.ptr, s->data() + s->size()) << *s;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(back), std::bit_cast<std::uint64_t>(d == 0 ? 0.0 : d))
        << *s;
  }
}

// ---------------------------------------------------------------------------------------------
// Refusals.

TEST(CanonicalJson, DuplicateMemberNamesAreRefusedWithTheirOffset) {
  EXPECT_NE(rejection(R"({"a":1,"a":2})").find("byte 7: duplicate member name \"a\""),
            std::string::npos);
  // Equal after unescaping.
  EXPECT_NE(rejection(R"({"a":1,"\u0061":2})").find("duplicate member name"), std::string::npos);
  // Nested, and with different values.
  EXPECT_NE(rejection(R"([{"x":{"k":[],"k":{}}}])").find("duplicate"), std::string::npos);
  // Same names in different objects are fine.
  EXPECT_EQ(canon_text(R"({"a":{"a":1},"b":{"a":2}})"), R"({"a":{"a":1},"b":{"a":2}})");
}

TEST(CanonicalJson, InvalidUtf8IsRefused) {
  const char* bad[] = {
      "\"\x80\"",              // lone continuation byte
      "\"\xc0\x80\"",          // overlong NUL
      "\"\xe0\x80\xaf\"",      // overlong '/'
      "\"\xed\xa0\x80\"",      // encoded surrogate U+D800
      "\"\xf4\x90\x80\x80\"",  // above U+10FFFF
      "\"\xf5\x80\x80\x80\"",  // invalid lead byte
      "\"\xe2\x82\"",          // truncated
      "\"\xff\"",
      "{\"\xc3\":1}",  // in a member name
  };
  for (const char* text : bad) {
    std::string msg = rejection(text);
    EXPECT_NE(msg.find("invalid UTF-8"), std::string::npos) << msg;
    EXPECT_NE(msg.find("byte "), std::string::npos) << msg;
  }
  // canonicalize() checks strings it did not parse.
  auto r = canonicalize(json{{"k", std::string("\xc3(")}});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("\"/k\""), std::string::npos) << r.error().message;
  EXPECT_FALSE(canonicalize(json{{std::string("\xed\xbf\xbf"), 1}}).has_value());
}

TEST(CanonicalJson, LoneSurrogateEscapesAreRefused) {
  for (const char* text : {R"("\ud800")", R"("\udc00")", R"("\ud83d\u0041")", R"("\ude00\ud83d")",
                           R"("\ud83d")", R"("\ud83dx")", R"("\ud83d\ud83d")",
                           R"({"\udfff":1})"}) {
    std::string msg = rejection(text);
    EXPECT_NE(msg.find("lone surrogate"), std::string::npos) << text << ": " << msg;
  }
  // A correct pair, in either hex case, is fine.
  EXPECT_EQ(canon_text(R"("\uD83D\uDE00")"), "\"\xf0\x9f\x98\x80\"");
}

TEST(CanonicalJson, NanInfinityAndOverflowingNumbersAreRefused) {
  for (const char* text : {"NaN", "[Infinity]", "-Infinity", "{\"a\":NaN}", "+Infinity"}) {
    rejection(text);
  }
  EXPECT_NE(rejection("[1e400]").find("too large"), std::string::npos);
  EXPECT_NE(rejection("-1.8e308").find("too large"), std::string::npos);
  EXPECT_NE(rejection("0.0000000000000000000001e331").find("too large"), std::string::npos);
  EXPECT_EQ(canon_text("1.7976931348623157e308"), "1.7976931348623157e+308");
  EXPECT_EQ(canon_text("0.0000000000000000000001e330"), "1e+308");
}

TEST(CanonicalJson, MalformedTextAndTrailingGarbageAreRefused) {
  const char* bad[] = {
      "",          "   ",       "{} x",     "1 2",        "[]]",        "{\"a\":1}}",
      "[1,]",      "{\"a\":1,}", "[1 2]",    "{\"a\" 1}",  "{a:1}",      "{'a':1}",
      "01",        "-01",       "+1",       "1.",         ".5",         "1e",
      "1e+",       "-",         "0x10",     "tru",        "nul",        "[",
      "{",         "\"abc",     "\"\\x\"",  "\"\\u12\"",  "\"\\u12g4\"", "\"a\tb\"",
      "\"a\nb\"",  "\xef\xbb\xbf{}",         "[1]//",      "\x0c[]",
  };
  for (const char* text : bad) {
    std::string msg = rejection(text);
    EXPECT_NE(msg.find("byte "), std::string::npos) << text << ": " << msg;
  }
  // A NUL after the value (std::string_view keeps it).
  EXPECT_NE(rejection(std::string_view("{}\0", 3)).find("byte 2: unexpected data"),
            std::string::npos);
  EXPECT_NE(rejection("{} x").find("byte 3: unexpected data after the JSON value"),
            std::string::npos);
}

TEST(CanonicalJson, NestingDeeperThanTheLimitIsRefused) {
  std::string ok(kMaxJsonDepth, '[');
  ok.append(kMaxJsonDepth, ']');
  EXPECT_EQ(canon_text(ok), ok);
  std::string deep(kMaxJsonDepth + 1, '[');
  deep.append(kMaxJsonDepth + 1, ']');
  EXPECT_NE(rejection(deep).find("nesting deeper"), std::string::npos);
  std::string very_deep(1'000'000, '[');
  EXPECT_NE(rejection(very_deep).find("nesting deeper"), std::string::npos);
}

TEST(CanonicalJson, BinaryValuesHaveNoCanonicalForm) {
  EXPECT_FALSE(canonicalize(json::binary({1, 2, 3})).has_value());
}

// ---------------------------------------------------------------------------------------------
// require_safe_integers.

TEST(CanonicalJson, SafeIntegersAreAcceptedUpTo2To53Minus1) {
  auto v = *parse_strict(
      R"({"amount":9007199254740991,"refund":-9007199254740991,"zero":0,"five":5.0,"n":null,)"
      R"("s":"1.5","list":[1,2,{"x":-3}]})");
  EXPECT_TRUE(require_safe_integers(v).has_value());
  EXPECT_TRUE(require_safe_integers(json(std::uint64_t{9007199254740991})).has_value());
}

TEST(CanonicalJson, UnsafeNumbersAreRefusedNamingTheirJsonPointer) {
  auto check = [](std::string_view text, std::string_view pointer, std::string_view reason) {
    auto v = parse_strict(text);
    ASSERT_TRUE(v.has_value()) << v.error().message;
    auto st = require_safe_integers(*v);
    ASSERT_FALSE(st.has_value()) << text;
    EXPECT_EQ(st.error().code, Errc::invalid);
    EXPECT_NE(st.error().message.find("\"" + std::string(pointer) + "\""), std::string::npos)
        << st.error().message;
    EXPECT_NE(st.error().message.find(reason), std::string::npos) << st.error().message;
  };
  check(R"({"lines":[{"amount":1},{"amount":2},{"amount":9007199254740992}]})",
        "/lines/2/amount", "exceeds 2^53-1");
  check(R"({"a":-9007199254740992})", "/a", "exceeds 2^53-1");
  check(R"({"a":18446744073709551615})", "/a", "exceeds 2^53-1");
  check(R"({"a":1e300})", "/a", "exceeds 2^53-1");
  check(R"({"price":12.5})", "/price", "not an integer");
  check(R"([0.1])", "/0", "not an integer");
  check(R"({"a/b":{"c~d":1.5}})", "/a~1b/c~0d", "not an integer");
  check("2.5", "", "not an integer");
}

}  // namespace
}  // namespace amanat
