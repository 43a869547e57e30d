// A KvCodec with a hot and a cold tier and the rule saying which tokens are hot: two-tier and
// kivi are this with their own group codecs and HotRule.
#include "codecs.h"

namespace kvsim {
namespace {

class TieredKvCodec final : public KvCodec {
 public:
  TieredKvCodec(HotRule rule, TierCodecs hot, TierCodecs cold)
      : rule_(rule), hot_(std::move(hot)), cold_(std::move(cold)) {}

  const GroupCodec& keys(Tier t) const override { return *Of(t).keys; }
  const GroupCodec& values(Tier t) const override { return *Of(t).values; }
  HotRule hot_rule() const override { return rule_; }

 private:
  const TierCodecs& Of(Tier t) const { return t == Tier::kHot ? hot_ : cold_; }

  HotRule rule_;
  TierCodecs hot_, cold_;
};

}  // namespace

std::unique_ptr<KvCodec> NewTieredKvCodec(HotRule rule, TierCodecs hot, TierCodecs cold) {
  return std::make_unique<TieredKvCodec>(rule, std::move(hot), std::move(cold));
}

}  // namespace kvsim
