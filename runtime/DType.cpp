//===- DType.cpp - Element types ------------------------------------------===//
#include "kiln/runtime/DType.h"

namespace kiln {

size_t elementSize(ScalarType t) {
  switch (t) {
  case kBool:
    return 1;
  case kByte:
  case kChar:
    return 1;
  case kShort:
  case kHalf:
  case kBFloat16:
    return 2;
  case kFloat:
  case kInt:
  case kComplexHalf:
    return 4;
  case kComplexDouble:
    return 16;
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
  case kByte:
    return "Byte";
  case kChar:
    return "Char";
  case kShort:
    return "Short";
  case kInt:
    return "Int";
  case kHalf:
    return "Half";
  case kBFloat16:
    return "BFloat16";
  case kComplexHalf:
    return "ComplexHalf";
  case kComplexFloat:
    return "ComplexFloat";
  case kComplexDouble:
    return "ComplexDouble";
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
  case kByte:
    return "torch.uint8";
  case kChar:
    return "torch.int8";
  case kShort:
    return "torch.int16";
  case kInt:
    return "torch.int32";
  case kHalf:
    return "torch.float16";
  case kBFloat16:
    return "torch.bfloat16";
  case kComplexHalf:
    return "torch.complex32";
  case kComplexFloat:
    return "torch.complex64";
  case kComplexDouble:
    return "torch.complex128";
  default:
    return "torch.float64";
  }
}

ScalarType promoteTypes(ScalarType a, ScalarType b) {
  return static_cast<int8_t>(a) >= static_cast<int8_t>(b) ? a : b;
}

} // namespace kiln
