// Constructors of the codecs, one per file; only the codec registry calls them. Internal header.
#pragma once

#include <memory>

#include "kvsim/codec.h"

namespace kvsim {

std::unique_ptr<VectorCodec> NewFp32Codec(size_t dim);
std::unique_ptr<VectorCodec> NewFp16Codec(size_t dim);

// A KvCodec with one vector codec for keys and one for values, the same in both tiers.
std::unique_ptr<KvCodec> NewUniformKvCodec(std::unique_ptr<VectorCodec> key,
                                           std::unique_ptr<VectorCodec> value);

}  // namespace kvsim
