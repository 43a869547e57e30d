#include "kvsim/codec_set.h"

#include <cassert>

namespace kvsim {

CodecSet::Entry& CodecSet::Find(const std::string& name, const Options& options) {
  Entry& e = codecs_[name + ":" + options.ToString()];
  if (!e.codec) e.codec = MakeCodec(name, options, head_dim_, seed_);
  return e;
}

KvCodec& CodecSet::Get(const std::string& name, const Options& options) {
  std::lock_guard<std::mutex> lock(mu_);
  return *Find(name, options).codec;
}

TokenCost CodecSet::Cost(const std::string& name, const Options& options,
                         const ModelProfile& model) {
  assert(model.head_dim == head_dim_);
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = Find(name, options);
  if (!e.cost) e.cost = MeasureTokenCost(*e.codec, model, seed_);
  return *e.cost;
}

}  // namespace kvsim
