#include "core/rate_limit.h"

#include <gtest/gtest.h>

namespace amanat {
namespace {

TEST(RateLimit, ABurstAtOnceThenOnePerIntervalWithTheWaitToldExactly) {
  RateLimit limit(3, 20, 100);
  const std::int64_t t = 1'750'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limit.take("a", t), 0) << i;
  EXPECT_EQ(limit.take("a", t), 20);
  EXPECT_EQ(limit.take("a", t + 5), 15);  // a refused attempt is not counted
  EXPECT_EQ(limit.take("b", t), 0);       // each key its own
  EXPECT_EQ(limit.take("a", t + 20), 0);
  EXPECT_EQ(limit.take("a", t + 20), 20);
  // Quiet for the whole burst's time: the full burst again.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limit.take("a", t + 100), 0) << i;
  EXPECT_GT(limit.take("a", t + 100), 0);
}

TEST(RateLimit, MemoryStaysBoundedUnderAFloodOfKeys) {
  RateLimit limit(2, 60, 50);
  const std::int64_t t = 1'750'000'000;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(limit.take("k" + std::to_string(i), t + i / 10), 0);  // a new key is never refused for room
    EXPECT_LE(limit.keys(), 50u);
  }
  // Keys whose buckets are full again go first; one still counting stays when there is room.
  RateLimit small(1, 10, 2);
  EXPECT_EQ(small.take("old", t), 0);
  EXPECT_EQ(small.take("busy", t + 5), 0);
  EXPECT_EQ(small.take("new", t + 10), 0);  // "old" is full again at t + 10: dropped
  EXPECT_EQ(small.keys(), 2u);
  EXPECT_EQ(small.take("busy", t + 10), 5);
}

TEST(RateLimit, AnIpv6AddressCountsByItsSlash64AndAMappedIpv4AsItself) {
  EXPECT_EQ(address_block("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_block("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_block("2001:db8:1:2::1"), address_block("2001:db8:1:2:ffff:ffff:ffff:fffe"));
  EXPECT_EQ(address_block("2001:db8:1:2::1"), "20010db800010002::/64");
  EXPECT_NE(address_block("2001:db8:1:2::1"), address_block("2001:db8:1:3::1"));
  EXPECT_EQ(address_block("fe80::1%eth0"), address_block("fe80::2"));
  EXPECT_EQ(address_block("not an address"), "not an address");
}

}  // namespace
}  // namespace amanat
