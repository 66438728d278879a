//===- Pipeline.cpp - kiln's CPU compilation pipeline ---------------------===//
//
// kiln IR -> linalg on tensors -> fused -> bufferized (out-parameters) ->
// loops -> LLVM dialect. Passes are added in C++ rather than parsed from a
// string, so a misspelt or misnested pass fails to compile instead of
// silently doing nothing.
//
//===----------------------------------------------------------------------===//
#include "codegen/Pipeline.h"
#include "codegen/Passes.h"
#include "passes/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace kiln::codegen {

void registerCodegenDialects(DialectRegistry &registry) {
  registry.insert<ir::KilnDialect, affine::AffineDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
                  math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
                  tensor::TensorDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

/// Copies between buffers as linalg.copy, which becomes plain loops:
/// memref.copy of strided views would call the `memrefCopy` runtime
/// function, which a JIT'd module does not have.
static LogicalResult linalgCopy(OpBuilder &b, Location loc, Value from,
                                Value to) {
  b.create<linalg::CopyOp>(loc, from, to);
  return success();
}

namespace {

/// Returns a fresh copy of each function argument a function returns, and of
/// each value it returns more than once. buffer-results-to-out-params
/// {hoist-static-allocs} crashes in MLIR 19 on a returned block argument (it
/// asks whether its defining op is an alloc) and on an alloc returned twice
/// (the first out-parameter replaces it); with distinct allocs, every copy
/// goes straight into its out-parameter.
struct CopyReturnedArgumentsPass
    : PassWrapper<CopyReturnedArgumentsPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CopyReturnedArgumentsPass)
  StringRef getArgument() const override {
    return "kiln-copy-returned-arguments";
  }
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      OpBuilder b(ret);
      llvm::SmallPtrSet<Value, 8> seen;
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<MemRefType>(value.getType());
        bool fresh = seen.insert(value).second;
        if (!type || (fresh && !isa<BlockArgument>(value)))
          continue;
        Value copy = b.create<memref::AllocOp>(ret.getLoc(), type);
        b.create<linalg::CopyOp>(ret.getLoc(), value, copy);
        operand.set(copy);
      }
    });
  }
};

/// Gives each use its own init (giveEachUseItsOwnInit), then materializes
/// each result tied to an argument (kTiedResultAttr) in that argument and
/// stops returning it. One-shot bufferization then computes the
/// value in the argument's buffer where that is safe (empty-tensor
/// elimination lets the producer write there directly) and copies where a
/// later read of the old value would conflict. Runs just before
/// bufferization: earlier, the canonicalizer would erase the unused ops.
/// CSE merges equal tensor.empty ops and equal fills. Each use gets its own
/// again: MLIR 19's empty-tensor elimination replaces every use of a
/// tensor.empty it rewrites (so a shared one would make unrelated ops write
/// into the tied argument), and a matmul whose zero fill is shared would
/// accumulate into a copy instead of having its fill folded into the GEMM.
void giveEachUseItsOwnInit(func::FuncOp func) {
  auto splitUses = [](Operation *op) {
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : op->getResult(0).getUses())
      uses.push_back(&use);
    OpBuilder b(op);
    for (OpOperand *use : llvm::drop_begin(uses))
      use->set(b.clone(*op)->getResult(0));
  };
  // Fills first: their clones share one tensor.empty, split next.
  SmallVector<Operation *> shared;
  func.walk([&](linalg::FillOp op) {
    if (op->getNumResults() == 1 && !op->getResult(0).hasOneUse())
      shared.push_back(op);
  });
  for (Operation *op : shared)
    splitUses(op);
  shared.clear();
  func.walk([&](tensor::EmptyOp op) {
    if (!op->getResult(0).hasOneUse())
      shared.push_back(op);
  });
  for (Operation *op : shared)
    splitUses(op);
}

struct PrepareBufferizationPass
    : PassWrapper<PrepareBufferizationPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(PrepareBufferizationPass)
  StringRef getArgument() const override {
    return "kiln-prepare-bufferization";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<bufferization::BufferizationDialect>();
  }
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    giveEachUseItsOwnInit(func);
    auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    OpBuilder b(ret);
    llvm::SmallDenseSet<unsigned> tied;
    for (unsigned arg = 0; arg < func.getNumArguments(); ++arg) {
      auto index = func.getArgAttrOfType<IntegerAttr>(arg, kTiedResultAttr);
      if (!index)
        continue;
      func.removeArgAttr(arg, kTiedResultAttr);
      unsigned result = index.getInt();
      if (result >= ret.getNumOperands() ||
          ret.getOperand(result).getType() != func.getArgument(arg).getType() ||
          !tied.insert(result).second) {
        func.emitError() << "argument " << arg << " cannot take result "
                         << result;
        return signalPassFailure();
      }
      b.create<bufferization::MaterializeInDestinationOp>(
          ret.getLoc(), ret.getOperand(result), func.getArgument(arg));
      func.setArgAttr(arg, "bufferization.writable", b.getBoolAttr(true));
    }
    if (tied.empty())
      return;
    SmallVector<Value> kept;
    for (auto [i, v] : llvm::enumerate(ret.getOperands()))
      if (!tied.contains(i))
        kept.push_back(v);
    ret->setOperands(kept);
    func.setFunctionType(FunctionType::get(func.getContext(),
                                           func.getArgumentTypes(),
                                           ValueRange(kept).getTypes()));
  }
};

/// Turns integer (batch) matmuls into generics whose loops run i, k, j
/// (after the batch): the innermost loop then walks rows of B and C
/// contiguously, so LLVM vectorizes it, where linalg's i, j, k order strides
/// down B's columns. Float matmuls become BLAS calls (kiln-matmul-to-blas).
struct InterchangeMatmulLoopsPass
    : PassWrapper<InterchangeMatmulLoopsPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(InterchangeMatmulLoopsPass)
  StringRef getArgument() const override {
    return "kiln-interchange-matmul-loops";
  }
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> matmuls;
    getOperation().walk([&](linalg::LinalgOp op) {
      Type element = getElementTypeOrSelf(op.getDpsInits()[0].getType());
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) &&
          !isa<FloatType>(element))
        matmuls.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : matmuls) {
      bool batched = isa<linalg::BatchMatmulOp>(op);
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> generic =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generic))
        return signalPassFailure();
      SmallVector<unsigned> order = batched ? SmallVector<unsigned>{0, 1, 3, 2}
                                            : SmallVector<unsigned>{0, 2, 1};
      if (failed(linalg::interchangeGenericOp(rewriter, *generic, order)))
        return signalPassFailure();
    }
  }
};

} // namespace

void buildKilnCpuPipeline(OpPassManager &pm) {
  // kiln IR: expand the markers (a no-op without them) and simplify.
  pm.addPass(passes::createKilnAutodiff());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // linalg on tensors; elementwise chains (and their consumers) fuse.
  pm.addPass(createConvertKilnToLinalg());
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(
      std::make_unique<InterchangeMatmulLoopsPass>());

  // Buffers: results become out-parameters and temporaries are freed.
  // (JitFunction also marks the arguments, the caller's tensors, read-only.)
  // Values materialized in a (tied) argument are computed in its buffer.
  pm.addNestedPass<func::FuncOp>(std::make_unique<PrepareBufferizationPass>());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizationOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  bufferization.setFunctionBoundaryTypeConversion(
      bufferization::LayoutMapOption::IdentityLayoutMap);
  bufferization.memCpyFn = linalgCopy;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  pm.addNestedPass<func::FuncOp>(std::make_unique<CopyReturnedArgumentsPass>());
  bufferization::BufferResultsToOutParamsOpts outParams;
  outParams.hoistStaticAllocs = true;
  outParams.memCpyFn = linalgCopy;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::buildBufferDeallocationPipeline(
      pm, bufferization::BufferDeallocationPipelineOptions());

  // Float matmuls call the runtime's GEMM; the rest becomes loops, then
  // LLVM. math ops without an LLVM intrinsic (tanh) become libm calls.
  pm.addPass(createMatmulToBlas());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // Allocations go through the runtime's allocator (its cache of blocks).
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

LogicalResult runKilnCpuPipeline(ModuleOp module) {
  PassManager pm(module->getName());
  buildKilnCpuPipeline(pm);
  return pm.run(module);
}

void registerKilnCpuPipeline() {
  PassPipelineRegistration<>(
      "kiln-cpu-pipeline",
      "Lowers kiln IR to the LLVM dialect for the CPU (autodiff, linalg, "
      "fusion, bufferization, loops, LLVM)",
      buildKilnCpuPipeline);
}

} // namespace kiln::codegen
