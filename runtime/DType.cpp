//===- DType.cpp - Element types ------------------------------------------===//
#include "kiln/runtime/DType.h"

namespace kiln {

size_t elementSize(ScalarType t) {
  switch (t) {
  case kBool:
    return 1;
  case kFloat:
    return 4;
  default:
    return 8;
  }
}

const char *toString(ScalarType t) {
  switch (t) {
  case kBool:
    return "Bool";
  case kLong:
    return "Long";
  case kFloat:
    return "Float";
  default:
    return "Double";
  }
}

const char *pythonName(ScalarType t) {
  switch (t) {
  case kBool:
    return "torch.bool";
  case kLong:
    return "torch.int64";
  case kFloat:
    return "torch.float32";
  default:
    return "torch.float64";
  }
}

ScalarType promoteTypes(ScalarType a, ScalarType b) {
  return static_cast<int8_t>(a) >= static_cast<int8_t>(b) ? a : b;
}

} // namespace kiln
