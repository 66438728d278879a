//===- Autodiff.cpp - Reverse-mode differentiation of kiln IR -------------===//
#include "passes/Passes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace kiln::passes {

#define GEN_PASS_DEF_KILNAUTODIFF
#include "passes/Passes.h.inc"

namespace {

bool isFloatTensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && isa<FloatType>(t.getElementType());
}

/// Expands one marker. Gradient IR is inserted right before the marker,
/// where every forward value is available.
LogicalResult expand(ir::BackwardOp marker) {
  Block *block = marker->getBlock();

  // Forward sweep: values that depend on a wrt value ("active").
  llvm::DenseSet<Value> active(marker.getWrt().begin(), marker.getWrt().end());
  for (Operation &op : *block) {
    if (&op == marker)
      break;
    if (isa<ir::DetachOp>(op))
      continue;
    bool any = llvm::any_of(op.getOperands(),
                            [&](Value v) { return active.contains(v); });
    if (any)
      for (Value r : op.getResults())
        if (isFloatTensor(r))
          active.insert(r);
  }

  OpBuilder b(marker);
  llvm::DenseMap<Value, Value> grads;
  auto accumulate = [&](Value v, Value g, Location loc) {
    auto [it, inserted] = grads.try_emplace(v, g);
    if (!inserted)
      it->second = b.create<ir::AddOp>(loc, it->second, g);
  };
  Value loss = marker.getLoss();
  Value seed =
      marker.getSeed()
          ? marker.getSeed()
          : ir::splatConstant(b, marker.getLoc(),
                              cast<RankedTensorType>(loss.getType()), 1.0);
  if (active.contains(loss))
    grads[loss] = seed;

  // Reverse sweep over the ops before the marker.
  for (Operation *op = marker->getPrevNode(); op; op = op->getPrevNode()) {
    SmallVector<Value> resultGrads;
    bool anyGrad = false;
    for (Value r : op->getResults()) {
      Value g = grads.lookup(r);
      anyGrad |= bool(g);
      resultGrads.push_back(g);
    }
    if (!anyGrad || isa<ir::DetachOp>(op))
      continue;
    bool needsOperandGrad = llvm::any_of(
        op->getOperands(), [&](Value v) { return active.contains(v); });
    if (!needsOperandGrad)
      continue;
    auto rule = dyn_cast<ir::GradientOpInterface>(op);
    if (!rule)
      return op->emitOpError()
             << "failed to compute gradient: the op has no gradient rule";
    for (size_t i = 0; i < resultGrads.size(); ++i)
      if (!resultGrads[i])
        resultGrads[i] = ir::splatConstant(
            b, op->getLoc(), cast<RankedTensorType>(op->getResult(i).getType()),
            0.0);
    SmallVector<Value> operandGrads;
    rule.buildGradients(b, resultGrads, operandGrads);
    for (auto [operand, g] : llvm::zip(op->getOperands(), operandGrads))
      if (g && active.contains(operand))
        accumulate(operand, g, op->getLoc());
  }

  for (auto [wrt, result] : llvm::zip(marker.getWrt(), marker.getGrads())) {
    Value g = grads.lookup(wrt);
    if (!g)
      g = ir::splatConstant(b, marker.getLoc(),
                            cast<RankedTensorType>(wrt.getType()), 0.0);
    result.replaceAllUsesWith(g);
  }
  marker.erase();
  return success();
}

struct KilnAutodiffPass : impl::KilnAutodiffBase<KilnAutodiffPass> {
  void runOnOperation() override {
    if (failed(expandBackwardMarkers(getOperation())))
      signalPassFailure();
  }
};

} // namespace

LogicalResult expandBackwardMarkers(Operation *root) {
  SmallVector<ir::BackwardOp> markers;
  root->walk([&](ir::BackwardOp op) { markers.push_back(op); });
  for (ir::BackwardOp marker : markers)
    if (failed(expand(marker)))
      return failure();
  // Every gradient is built: custom_gradient ops are their forward values.
  SmallVector<ir::CustomGradientOp> custom;
  root->walk([&](ir::CustomGradientOp op) { custom.push_back(op); });
  for (ir::CustomGradientOp op : custom) {
    op->replaceAllUsesWith(op.getValues());
    op.erase();
  }
  return success();
}

} // namespace kiln::passes
