// The stack pass (see stack_pass.h).
#include "curve/stack_pass.h"

namespace kvsim {

StackPass::StackPass(uint64_t block_size, bool cache_output, std::optional<double> sample_rate)
    : b_(block_size), cache_output_(cache_output) {
  if (sample_rate) {
    sample_ = std::make_unique<SampledBlocks>(b_, *sample_rate);
  } else {
    chain_ = std::make_unique<BlockChain>(b_);
  }
}

const BlockDistances& StackPass::Step(const Request& r) {
  const TokenSpan seq = cache_output_ ? r.tokens : r.prompt();
  const size_t full = seq.size() / b_;
  const size_t prompt_full = r.prompt_len == 0 ? 0 : (r.prompt_len - 1) / b_;
  ids_.clear();
  distances_.clear();
  out_.prompt = 0;
  if (chain_) {
    Exact(seq.data(), full);
    out_.prompt = prompt_full;
    out_.first_sampled = prompt_full > 0;
  } else {
    Sampled(seq.data(), full, prompt_full);
  }
  for (auto it = ids_.rbegin(); it != ids_.rend(); ++it) stack_.Touch(*it);
  out_.prompt_blocks = prompt_full;
  out_.distances = distances_;
  return out_;
}

void StackPass::Exact(const Token* seq, size_t full) {
  const size_t known = chain_->Intern(seq, full, &ids_);
  for (size_t k = 0; k < known; ++k) distances_.push_back(stack_.Distance(ids_[k]));
  distances_.resize(full, LruStack::kCold);
}

void StackPass::Sampled(const Token* seq, size_t full, size_t prompt_full) {
  uint64_t chain = 0;
  out_.first_sampled = false;
  for (size_t k = 0; k < full; ++k) {
    chain = sample_->Chain(chain, seq + k * b_);
    bool added = false;
    const uint32_t id = sample_->Intern(chain, &added);
    if (id == SampledBlocks::kSkipped) continue;
    if (k < prompt_full) ++out_.prompt;
    if (k == 0 && prompt_full > 0) out_.first_sampled = true;
    ids_.push_back(id);
    distances_.push_back(added ? LruStack::kCold : stack_.Distance(id));
  }
}

}  // namespace kvsim
