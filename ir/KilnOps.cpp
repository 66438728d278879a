//===- KilnOps.cpp - Verifiers and type inference of kiln ops -------------===//
//
// Shape rules follow PyTorch, and so do the messages where PyTorch has one.
//
//===----------------------------------------------------------------------===//
#include "ir/KilnDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"

#include <numeric>

using namespace mlir;

namespace kiln::ir {

namespace {

/// "[2, 3]", as PyTorch prints sizes.
std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

int64_t numElements(ArrayRef<int64_t> shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

} // namespace

FailureOr<SmallVector<int64_t>>
reducedShape(ArrayRef<int64_t> input, ArrayRef<int64_t> dims, bool keepdim) {
  int64_t rank = input.size();
  SmallVector<bool> reduced(rank, false);
  for (int64_t d : dims) {
    int64_t w = d < 0 ? d + rank : d;
    if (w < 0 || w >= rank || reduced[w])
      return failure();
    reduced[w] = true;
  }
  SmallVector<int64_t> out;
  for (int64_t i = 0; i < rank; ++i)
    if (!reduced[i])
      out.push_back(input[i]);
    else if (keepdim)
      out.push_back(1);
  return out;
}

//===----------------------------------------------------------------------===//
// Type inference
//===----------------------------------------------------------------------===//

LogicalResult CmpOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location>, Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  types.push_back(lhs.clone(IntegerType::get(context, 1)));
  return success();
}

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getValue().getType());
  return success();
}

LogicalResult BackwardOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  for (Value v : adaptor.getWrt())
    types.push_back(v.getType());
  return success();
}

LogicalResult CustomGradientOp::inferReturnTypes(MLIRContext *,
                                                 std::optional<Location>,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &types) {
  for (Value v : adaptor.getValues())
    types.push_back(v.getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (!isa<DenseElementsAttr>(getValue()))
    return emitOpError() << "expects a dense elements attribute";
  return success();
}

LogicalResult BroadcastOp::verify() {
  ArrayRef<int64_t> in = tensorType(getInput()).getShape();
  ArrayRef<int64_t> out = getType().getShape();
  if (tensorType(getInput()).getElementType() != getType().getElementType())
    return emitOpError() << "cannot change the element type";
  if (in.size() > out.size())
    return emitOpError() << "the number of sizes provided (" << out.size()
                         << ") must be greater or equal to the number of "
                            "dimensions in the tensor ("
                         << in.size() << ")";
  size_t lead = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i)
    if (in[i] != out[lead + i] && in[i] != 1)
      return emitOpError() << "the expanded size of the tensor ("
                           << out[lead + i]
                           << ") must match the existing size (" << in[i]
                           << ") at non-singleton dimension " << lead + i
                           << ".  Target sizes: " << shapeString(out)
                           << ".  Tensor sizes: " << shapeString(in);
  return success();
}

namespace {
template <class ReduceOpT> LogicalResult verifyReduce(ReduceOpT op) {
  ArrayRef<int64_t> in = tensorType(op.getInput()).getShape();
  auto shape = reducedShape(in, op.getDims(), op.getKeepdim());
  if (failed(shape))
    return op.emitOpError()
           << "has invalid dims " << shapeString(op.getDims())
           << " for a tensor of rank " << in.size() << " (each dim once, in ["
           << -int64_t(in.size()) << ", " << int64_t(in.size()) - 1 << "])";
  if (ArrayRef<int64_t>(*shape) != op.getType().getShape())
    return op.emitOpError()
           << "expects result shape " << shapeString(*shape) << " but got "
           << shapeString(op.getType().getShape());
  if (tensorType(op.getInput()).getElementType() !=
      op.getType().getElementType())
    return op.emitOpError() << "cannot change the element type";
  return success();
}
} // namespace

LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
namespace {
/// `first` names one dimension along which the first extremum is taken.
template <class ExtremumOpT> LogicalResult verifyExtremum(ExtremumOpT op) {
  if (failed(verifyReduce(op)))
    return failure();
  if (op.getFirst() && op.getDims().size() != 1)
    return op.emitOpError() << "with 'first' expects one reduced dimension "
                               "but got "
                            << op.getDims().size();
  // An extremum of nothing has no value (PyTorch: an error, not -inf).
  ArrayRef<int64_t> in = tensorType(op.getInput()).getShape();
  for (int64_t d : op.getDims()) {
    int64_t dim = d < 0 ? d + int64_t(in.size()) : d;
    if (in[dim] == 0)
      return op.emitOpError()
             << "expects reduction dim " << d << " to have non-zero size";
  }
  return success();
}
} // namespace

LogicalResult ReduceMaxOp::verify() { return verifyExtremum(*this); }
LogicalResult ReduceMinOp::verify() { return verifyExtremum(*this); }

LogicalResult MatmulOp::verify() {
  ArrayRef<int64_t> a = tensorType(getLhs()).getShape();
  ArrayRef<int64_t> b = tensorType(getRhs()).getShape();
  if (!((a.size() == 2 && b.size() == 2) || (a.size() == 3 && b.size() == 3)))
    return emitOpError() << "expects two matrices or two batches of matrices "
                            "(rank 2 or 3), but got ranks "
                         << a.size() << " and " << b.size();
  size_t r = a.size() - 2;
  if (a[r + 1] != b[r])
    return emitOpError() << "mat1 and mat2 shapes cannot be multiplied ("
                         << a[r] << "x" << a[r + 1] << " and " << b[r] << "x"
                         << b[r + 1] << ")";
  if (r == 1 && a[0] != b[0])
    return emitOpError() << "expects equal batch sizes, but got " << a[0]
                         << " and " << b[0];
  SmallVector<int64_t> expected(a.begin(), a.end() - 1);
  expected.push_back(b[r + 1]);
  if (ArrayRef<int64_t>(expected) != getType().getShape())
    return emitOpError() << "expects result shape " << shapeString(expected)
                         << " but got " << shapeString(getType().getShape());
  if (tensorType(getLhs()).getElementType() !=
          tensorType(getRhs()).getElementType() ||
      tensorType(getLhs()).getElementType() != getType().getElementType())
    return emitOpError() << "expects one element type for operands and result";
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = tensorType(getInput());
  if (in.getElementType() != getType().getElementType())
    return emitOpError() << "cannot change the element type";
  if (numElements(in.getShape()) != numElements(getType().getShape()))
    return emitOpError() << "shape '" << shapeString(getType().getShape())
                         << "' is invalid for input of size "
                         << numElements(in.getShape());
  return success();
}

LogicalResult TransposeOp::verify() {
  ArrayRef<int64_t> in = tensorType(getInput()).getShape();
  ArrayRef<int64_t> perm = getPermutation();
  if (perm.size() != in.size())
    return emitOpError() << "expects a permutation of " << in.size()
                         << " dimensions, but got " << shapeString(perm);
  SmallVector<bool> seen(in.size(), false);
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= int64_t(in.size()) || seen[p])
      return emitOpError() << "expects a permutation of [0, " << in.size()
                           << "), but got " << shapeString(perm);
    seen[p] = true;
    expected.push_back(in[p]);
  }
  if (ArrayRef<int64_t>(expected) != getType().getShape())
    return emitOpError() << "expects result shape " << shapeString(expected)
                         << " but got " << shapeString(getType().getShape());
  return success();
}

LogicalResult SliceOp::verify() {
  ArrayRef<int64_t> in = tensorType(getInput()).getShape();
  size_t rank = in.size();
  if (getStarts().size() != rank || getLimits().size() != rank ||
      getSteps().size() != rank)
    return emitOpError() << "expects starts, limits and steps for each of the "
                         << rank << " dimensions";
  SmallVector<int64_t> expected;
  for (size_t d = 0; d < rank; ++d) {
    int64_t s = getStarts()[d], l = getLimits()[d], st = getSteps()[d];
    if (st <= 0)
      return emitOpError() << "slice step must be positive";
    if (s < 0 || l > in[d] || s > l)
      return emitOpError() << "slice [" << s << ":" << l << "] is out of "
                           << "bounds for dimension " << d << " of size "
                           << in[d];
    expected.push_back((l - s + st - 1) / st);
  }
  if (ArrayRef<int64_t>(expected) != getType().getShape())
    return emitOpError() << "expects result shape " << shapeString(expected)
                         << " but got " << shapeString(getType().getShape());
  return success();
}

LogicalResult PadOp::verify() {
  ArrayRef<int64_t> in = tensorType(getInput()).getShape();
  size_t rank = in.size();
  if (getLow().size() != rank || getHigh().size() != rank ||
      getInterior().size() != rank)
    return emitOpError() << "expects low, high and interior padding for each "
                            "of the "
                         << rank << " dimensions";
  SmallVector<int64_t> expected;
  for (size_t d = 0; d < rank; ++d) {
    if (getLow()[d] < 0 || getHigh()[d] < 0 || getInterior()[d] < 0)
      return emitOpError() << "expects non-negative padding";
    int64_t inner = in[d] == 0 ? 0 : in[d] + (in[d] - 1) * getInterior()[d];
    expected.push_back(getLow()[d] + inner + getHigh()[d]);
  }
  if (ArrayRef<int64_t>(expected) != getType().getShape())
    return emitOpError() << "expects result shape " << shapeString(expected)
                         << " but got " << shapeString(getType().getShape());
  return success();
}

LogicalResult BackwardOp::verify() {
  auto loss = tensorType(getLoss());
  if (getSeed()) {
    if (tensorType(getSeed()) != loss)
      return emitOpError() << "expects a seed gradient of the loss type "
                           << loss << " but got " << getSeed().getType();
  } else if (numElements(loss.getShape()) != 1) {
    return emitOpError() << "grad can be implicitly created only for scalar "
                            "outputs (the loss has shape "
                         << shapeString(loss.getShape())
                         << "; pass a seed gradient)";
  }
  if (getWrt().empty())
    return emitOpError() << "expects at least one value to differentiate "
                            "with respect to";
  return success();
}

void CustomGradientOp::build(OpBuilder &builder, OperationState &state,
                             llvm::StringRef name, ValueRange values,
                             ValueRange wrt) {
  state.addAttribute(getNameAttrName(state.name), builder.getStringAttr(name));
  state.addOperands(values);
  state.addOperands(wrt);
  state.addAttribute(getOperandSegmentSizesAttrName(state.name),
                     builder.getDenseI32ArrayAttr(
                         {int32_t(values.size()), int32_t(wrt.size())}));
  state.addTypes(values.getTypes());
  Region *region = state.addRegion();
  Block *block = new Block;
  region->push_back(block);
  for (Value v : values)
    block->addArgument(v.getType(), v.getLoc());
}

LogicalResult CustomGradientOp::verify() {
  if (getValues().empty())
    return emitOpError() << "expects at least one value";
  if (getResultTypes() != getValues().getTypes())
    return emitOpError() << "expects results of the types of its values";
  Block &body = getBackward().front();
  if (body.getArgumentTypes() != getValues().getTypes())
    return emitOpError() << "expects the backward region to take one "
                            "gradient per value, of the value's type";
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError() << "expects the backward region to end in kiln.yield";
  if (yield.getGrads().getTypes() != getWrt().getTypes())
    return yield.emitOpError()
           << "expects one gradient per wrt operand of "
           << getOperation()->getName() << ", of the operand's type";
  return success();
}

} // namespace kiln::ir

#define GET_OP_CLASSES
#include "ir/KilnOps.cpp.inc"
