// Sorting more records than RAM should hold: sorted runs of a bounded size spilled to temporary
// files, then merged. Internal header.
//
// Memory: one run of records while adding, then at most kFanIn read buffers of 64 KiB (16 MiB)
// while merging, whatever the number of records. Open files stay below kFanIn too: when that many
// runs are on disk they are merged into one before the next (each record is then written again;
// at belady's run size, 2^18 records, that takes more than 67 million (request, block) pairs).
// The spill files are removed when the sorter goes, also when an exception leaves it.
#pragma once

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "kvsim/error.h"
#include "util/temp_file.h"

namespace kvsim {

template <class T, class Less = std::less<T>>
class ExternalSort {
  static_assert(std::is_trivially_copyable_v<T>, "records are written to disk as bytes");

 public:
  static constexpr size_t kFanIn = 256;

  // REQUIRES: run_records >= 1.
  ExternalSort(size_t run_records, std::filesystem::path dir, Less less = {})
      : run_(std::max<size_t>(run_records, 1)), dir_(std::move(dir)), less_(less) {}

  void Add(const T& r) {
    if (buf_.empty()) buf_.reserve(std::min<size_t>(run_, 1 << 16));
    buf_.push_back(r);
    if (buf_.size() >= run_) Spill();
  }

  // Calls emit(const T&) for every record added, in ascending order. The sorter is empty after.
  template <class Emit>
  void Drain(Emit&& emit) {
    if (runs_.empty()) {
      std::sort(buf_.begin(), buf_.end(), less_);
      for (const T& r : buf_) emit(r);
      std::vector<T>().swap(buf_);
      return;
    }
    if (!buf_.empty()) Spill();
    std::vector<T>().swap(buf_);
    Merge(emit);
    runs_.clear();
  }

  // Runs written to disk so far (0: everything fitted one run, nothing was spilled).
  size_t runs_spilled() const { return spilled_; }

 private:
  // Reads one run back in blocks of records.
  class RunReader {
   public:
    explicit RunReader(TempFile* f) : f_(f), buf_(std::max<size_t>(1, (64 << 10) / sizeof(T))) {
      f_->Rewind();
      Fill();
    }
    bool done() const { return at_ == n_; }
    const T& front() const { return buf_[at_]; }
    void Pop() {
      if (++at_ == n_) Fill();
    }

   private:
    void Fill() {
      n_ = std::fread(buf_.data(), sizeof(T), buf_.size(), f_->file());
      at_ = 0;
      if (n_ == 0 && std::ferror(f_->file())) throw Error("cannot read the spill file " + f_->path().string());
    }
    TempFile* f_;
    std::vector<T> buf_;
    size_t at_ = 0, n_ = 0;
  };

  void Spill() {
    std::sort(buf_.begin(), buf_.end(), less_);
    runs_.push_back(std::make_unique<TempFile>(dir_));
    runs_.back()->Write(buf_.data(), buf_.size() * sizeof(T));
    buf_.clear();
    ++spilled_;
    if (runs_.size() == kFanIn) {
      auto merged = std::make_unique<TempFile>(dir_);
      Merge([&](const T& r) { merged->Write(&r, sizeof(T)); });
      runs_.clear();
      runs_.push_back(std::move(merged));
    }
  }

  // Merges every run into emit, smallest first.
  template <class Emit>
  void Merge(Emit&& emit) {
    std::vector<RunReader> readers;
    readers.reserve(runs_.size());
    for (const auto& run : runs_) readers.emplace_back(run.get());
    std::vector<size_t> heap;
    auto later = [&](size_t a, size_t b) { return less_(readers[b].front(), readers[a].front()); };
    for (size_t i = 0; i < readers.size(); ++i) {
      if (!readers[i].done()) heap.push_back(i);
    }
    std::make_heap(heap.begin(), heap.end(), later);
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      const size_t i = heap.back();
      emit(readers[i].front());
      readers[i].Pop();
      if (readers[i].done()) {
        heap.pop_back();
      } else {
        std::push_heap(heap.begin(), heap.end(), later);
      }
    }
  }

  const size_t run_;
  const std::filesystem::path dir_;
  Less less_;
  std::vector<T> buf_;
  std::vector<std::unique_ptr<TempFile>> runs_;
  size_t spilled_ = 0;
};

}  // namespace kvsim
