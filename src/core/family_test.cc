#include "core/family.h"

#include <gtest/gtest.h>

#include "core/bytes.h"

namespace amanat {
namespace {

Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(Family, EveryBooksTypeIsTheBooksAndAnyOtherTypeNamesItsOwnFamily) {
  for (const char* t : {"books.open", "appeal.open", "appeal.update", "donation", "expense", "expense.approve",
                        "expense.confirm", "expense.receipt", "transfer", "correction", "report", "donation.future"})
    EXPECT_EQ(family_of(t), "books") << t;
  EXPECT_EQ(family_of("publication.post"), "publication");
  EXPECT_EQ(family_of("docket.event"), "docket");
  EXPECT_EQ(family_of("desk"), "desk");
  EXPECT_EQ(family_of("donations.x"), "donations");  // a prefix, not a books type's start
}

TEST(Family, TheEnvelopeIsCanonicalJsonWithATypeAndAnIntegerVersion) {
  auto e = read_envelope(bytes(R"({"text":"x","type":"publication.post","v":1})"));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->type, "publication.post");
  EXPECT_EQ(e->family, "publication");
  EXPECT_EQ(e->v, 1);
  const std::pair<const char*, const char*> refused[] = {
      {"", "not JSON"},
      {"hello", "not JSON"},
      {"[1]", "not a JSON object"},
      {R"({"v":1})", "type"},
      {R"({"type":"","v":1})", "type"},
      {R"({"type":7,"v":1})", "type"},
      {R"({"type":"a.b"})", "\"v\""},
      {R"({"type":"a.b","v":"1"})", "\"v\""},
      {R"({"type":"a.b","v":1.5})", "\"v\""},
      {R"({"v":1,"type":"a.b"})", "canonical"},       // members out of order
      {R"({"type": "a.b","v":1})", "canonical"},      // whitespace
      {R"({"type":"a.b","v":1,"type":"c"})", "not JSON"},  // duplicate member
  };
  for (const auto& [text, why] : refused) {
    auto r = read_envelope(bytes(text));
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, Errc::invalid) << text;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << text << ": " << r.error().message;
  }
}

}  // namespace
}  // namespace amanat
