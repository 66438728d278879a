//===- MatmulToBlas.cpp - Float matmuls on buffers as runtime GEMM calls --===//
//
// OpenBLAS runs the seed models' GEMMs near the machine's peak; loops
// generated from linalg.matmul reach a fraction of it. The call takes memref
// descriptors, so transposed operands (the `_transpose_a/_b` variants) and
// strided views need no copies.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "kiln/runtime/CompiledCalls.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_MATMULTOBLAS
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// The runtime flags of a (batch) matmul variant, or nullopt for other ops.
std::optional<int64_t> transposeFlags(Operation *op) {
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
    return 0;
  if (isa<linalg::MatmulTransposeAOp, linalg::BatchMatmulTransposeAOp>(op))
    return runtime::kMatmulTransposeA;
  if (isa<linalg::MatmulTransposeBOp, linalg::BatchMatmulTransposeBOp>(op))
    return runtime::kMatmulTransposeB;
  return std::nullopt;
}

/// Whether `op` is a linalg.fill of zero into `buffer`.
bool isZeroFillOf(Operation *op, Value buffer) {
  auto fill = dyn_cast_or_null<linalg::FillOp>(op);
  if (!fill || fill.getOutputs()[0] != buffer)
    return false;
  Attribute value;
  if (!matchPattern(fill.getInputs()[0], m_Constant(&value)))
    return false;
  if (auto f = dyn_cast<FloatAttr>(value))
    return f.getValue().isZero();
  return false;
}

/// The zero fill of `c` that `matmul` accumulates onto, when no op between
/// them touches `c` or a view of it; null otherwise.
Operation *zeroFillBefore(Operation *matmul, Value c) {
  llvm::SmallPtrSet<Value, 8> aliases = {c};
  SmallVector<Value> worklist = {c};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers())
      if (isa<ViewLikeOpInterface>(user))
        for (Value r : user->getResults())
          if (aliases.insert(r).second)
            worklist.push_back(r);
  }
  for (Operation *op = matmul->getPrevNode(); op; op = op->getPrevNode()) {
    if (isZeroFillOf(op, c))
      return op;
    if (op->getNumRegions() && !isa<linalg::LinalgOp>(op))
      return nullptr;
    for (Value operand : op->getOperands())
      if (aliases.contains(operand))
        return nullptr;
  }
  return nullptr;
}

/// memref<?x?xT, strided<[?, ?], offset: ?>> of `rank`.
MemRefType dynamicStrided(MLIRContext *ctx, int64_t rank, Type element) {
  SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
  return MemRefType::get(
      dynamic, element,
      StridedLayoutAttr::get(ctx, ShapedType::kDynamic, dynamic));
}

/// The runtime function for `rank` and `element`, declared in `module` on
/// first use.
func::FuncOp runtimeFunction(ModuleOp module, int64_t rank, Type element) {
  std::string name =
      std::string(rank == 3 ? "kiln_batch_matmul_" : "kiln_matmul_") +
      (element.isF32() ? "f32" : "f64");
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  MLIRContext *ctx = module.getContext();
  MemRefType memref = dynamicStrided(ctx, rank, element);
  auto type = FunctionType::get(
      ctx, {memref, memref, memref, IntegerType::get(ctx, 64)}, {});
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto func = b.create<func::FuncOp>(module.getLoc(), name, type);
  func.setPrivate();
  func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                UnitAttr::get(ctx));
  return func;
}

struct MatmulToBlasPass : impl::MatmulToBlasBase<MatmulToBlasPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<linalg::LinalgOp> matmuls;
    module.walk([&](linalg::LinalgOp op) {
      if (!transposeFlags(op) || !op.hasPureBufferSemantics())
        return;
      Type element = getElementTypeOrSelf(op.getDpsInits()[0].getType());
      if (element.isF32() || element.isF64())
        matmuls.push_back(op);
    });
    for (linalg::LinalgOp op : matmuls) {
      Value c = op.getDpsInits()[0];
      auto type = cast<MemRefType>(c.getType());
      int64_t flags = *transposeFlags(op);
      if (Operation *fill = zeroFillBefore(op, c))
        fill->erase();
      else
        flags |= runtime::kMatmulAccumulate;

      func::FuncOp callee =
          runtimeFunction(module, type.getRank(), type.getElementType());
      OpBuilder b(op);
      Location loc = op.getLoc();
      MemRefType dynamic =
          dynamicStrided(&getContext(), type.getRank(), type.getElementType());
      SmallVector<Value, 4> args;
      for (Value operand : {op.getDpsInputs()[0], op.getDpsInputs()[1], c})
        args.push_back(b.create<memref::CastOp>(loc, dynamic, operand));
      args.push_back(b.create<arith::ConstantIntOp>(loc, flags, 64));
      b.create<func::CallOp>(loc, callee, args);
      op->erase();
    }
  }
};

} // namespace
} // namespace kiln::codegen
