//===- KilnDialect.cpp - The kiln dialect ---------------------------------===//
#include "ir/KilnDialect.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

#include "ir/KilnDialect.cpp.inc"

namespace kiln::ir {

void KilnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/KilnOps.cpp.inc"
      >();
}

Operation *KilnDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}

bool isAddressable(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return false;
  int64_t count = 1, bytes = 0;
  for (int64_t d : tensor.getShape())
    if (__builtin_mul_overflow(count, d, &count))
      return false;
  int64_t width = (tensor.getElementTypeBitWidth() + 7) / 8;
  return !__builtin_mul_overflow(count, width, &bytes);
}

Value splatConstant(OpBuilder &b, Location loc, RankedTensorType type,
                    double value) {
  Type element = type.getElementType();
  Attribute scalar;
  if (auto f = dyn_cast<FloatType>(element))
    scalar = b.getFloatAttr(f, value);
  else
    scalar = b.getIntegerAttr(element, static_cast<int64_t>(value));
  return b.create<ConstantOp>(loc, type, DenseElementsAttr::get(type, scalar));
}

} // namespace kiln::ir

#include "ir/KilnEnums.cpp.inc"
#include "ir/KilnInterfaces.cpp.inc"
