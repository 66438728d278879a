//===- NpyFuzzer.cpp - libFuzzer target of kiln-run's .npy reader ---------===//
//
// Any bytes must parse to a tensor or fail with a kiln::Error: another
// exception escapes and aborts, and ASan/UBSan catch memory errors and
// undefined behaviour. What parses must survive a round trip through the
// writer unchanged (shape, dtype and bytes).
//
//===----------------------------------------------------------------------===//
#include "Npy.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace kiln;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Tensor t;
  try {
    t = tools::parseNpy(data, size, "<fuzz>");
  } catch (const Error &) {
    return 0; // Rejected with a message: what malformed input must get.
  }
  std::string bytes = tools::encodeNpy(t);
  Tensor back = tools::parseNpy(bytes.data(), bytes.size(), "<round trip>");
  size_t n = size_t(t.numel()) * elementSize(t.dtype());
  Tensor c = t.contiguous();
  if (back.sizes() != t.sizes() || back.dtype() != t.dtype() ||
      (n && std::memcmp(back.data_ptr(), c.data_ptr(), n) != 0))
    std::abort();
  return 0;
}
