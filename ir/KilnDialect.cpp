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
