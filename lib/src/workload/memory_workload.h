// A workload held in memory: token arrays plus requests that view them. Shared by the chat
// reader and MakeWorkload. Internal header.
#pragma once

#include <algorithm>
#include <memory>
#include <vector>

#include "kvsim/workload.h"

namespace kvsim {

class MemoryWorkload final : public Workload {
 public:
  MemoryWorkload(WorkloadInfo info, std::vector<std::vector<Token>> storage,
                 std::vector<Request> requests)
      : info_(std::move(info)), storage_(std::move(storage)), requests_(std::move(requests)) {
    // Ascending time; ties keep file order (the order requests were given).
    std::stable_sort(requests_.begin(), requests_.end(),
                     [](const Request& a, const Request& b) { return a.time < b.time; });
    info_.requests = requests_.size();
    info_.prompt_tokens = info_.output_tokens = 0;
    for (const auto& r : requests_) {
      info_.prompt_tokens += r.prompt_len;
      info_.output_tokens += r.tokens.size() - r.prompt_len;
    }
  }

  const WorkloadInfo& info() const override { return info_; }

  std::unique_ptr<RequestStream> Open() const override {
    class Stream final : public RequestStream {
     public:
      explicit Stream(const std::vector<Request>& r) : requests_(r) {}
      const Request* Next() override {
        return next_ < requests_.size() ? &requests_[next_++] : nullptr;
      }

     private:
      const std::vector<Request>& requests_;
      size_t next_ = 0;
    };
    return std::make_unique<Stream>(requests_);
  }

 private:
  WorkloadInfo info_;
  std::vector<std::vector<Token>> storage_;  // requests view these; never resized after loading
  std::vector<Request> requests_;
};

}  // namespace kvsim
