//===- SafetensorsFuzzer.cpp - libFuzzer target: the safetensors reader ---===//
//
// Feeds arbitrary bytes to kiln::parse_safetensors, the parser behind
// kiln::load and load_safetensors. A malformed input must be a kiln::Error;
// any other exception, crash or sanitizer report is a bug. An accepted input
// must survive a round trip through serialize_safetensors unchanged.
// Seeds: fuzz/corpus/safetensors/ (valid files and near misses).
//
//===----------------------------------------------------------------------===//
#include <kiln/Serialize.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace kiln;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  OrderedDict<std::string, Tensor> tensors;
  try {
    tensors = parse_safetensors(data, size, "fuzz input");
  } catch (const Error &) {
    return 0; // A clean rejection is the expected outcome for most inputs.
  }
  std::string bytes = serialize_safetensors(tensors);
  OrderedDict<std::string, Tensor> again =
      parse_safetensors(bytes.data(), bytes.size(), "round trip");
  if (again.size() != tensors.size())
    std::abort();
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor &a = tensors[i].value(), &b = again[i].value();
    if (tensors[i].key() != again[i].key() || a.dtype() != b.dtype() ||
        a.sizes() != b.sizes())
      std::abort();
    // Bytewise: NaNs must come back with their payloads too.
    size_t n = static_cast<size_t>(a.numel()) * elementSize(a.dtype());
    if (n && std::memcmp(a.data_ptr(), b.data_ptr(), n) != 0)
      std::abort();
  }
  return 0;
}
