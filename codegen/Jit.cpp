//===- Jit.cpp - JIT-compiled kiln functions on the CPU -------------------===//
//
// The function is lowered by the CPU pipeline with a C interface
// (`_mlir_ciface_<name>`, taking pointers to memref descriptors, results as
// out-parameters) and compiled by mlir::ExecutionEngine. Calls build the
// descriptors over kiln tensors' memory and go through the packed wrapper.
//
//===----------------------------------------------------------------------===//
#include "codegen/Jit.h"
#include "codegen/Pipeline.h"
#include "kiln/runtime/CompiledCalls.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <mutex>

using namespace mlir;

namespace kiln::codegen {
namespace {

constexpr const char *kEntrySymbol = "kiln_jit_entry";

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

std::string str(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// The shape and dtype of a static tensor type of f32/f64/i64/i1.
std::optional<std::pair<std::vector<int64_t>, ScalarType>> specOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return std::nullopt;
  Type e = tensor.getElementType();
  ScalarType dtype;
  if (e.isF32())
    dtype = kFloat;
  else if (e.isF64())
    dtype = kDouble;
  else if (e.isInteger(64))
    dtype = kLong;
  else if (e.isInteger(1))
    dtype = kBool;
  else
    return std::nullopt;
  return std::make_pair(tensor.getShape().vec(), dtype);
}

/// A memref descriptor of a contiguous buffer: {allocated, aligned, offset,
/// sizes[rank], strides[rank]}, all 64-bit words.
std::vector<int64_t> descriptor(void *data, const std::vector<int64_t> &shape) {
  std::vector<int64_t> d = {reinterpret_cast<int64_t>(data),
                            reinterpret_cast<int64_t>(data), 0};
  d.insert(d.end(), shape.begin(), shape.end());
  std::vector<int64_t> strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  d.insert(d.end(), strides.begin(), strides.end());
  return d;
}

} // namespace

JitFunction::JitFunction(ModuleOp module, const std::string &name,
                         const std::vector<Tie> &ties)
    : name_(name), ties_(ties) {
  static std::once_flag nativeTarget;
  std::call_once(nativeTarget, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  MLIRContext *context = module->getContext();
  DialectRegistry registry;
  registerCodegenDialects(registry);
  context->appendDialectRegistry(registry);

  auto func =
      dyn_cast_or_null<func::FuncOp>(SymbolTable::lookupSymbolIn(module, name));
  KILN_CHECK(func && !func.isExternal(), "kiln-jit: no function named '", name,
             "'");
  FunctionType type = func.getFunctionType();
  auto collect = [&](TypeRange types, std::vector<Spec> &out,
                     const char *what) {
    for (auto [i, t] : llvm::enumerate(types)) {
      auto spec = specOf(t);
      KILN_CHECK(spec, "kiln-jit: ", what, " ", i, " of '", name, "' has type ",
                 str(t), "; expected a static tensor of f32, f64, i64 or i1");
      out.push_back({spec->first, spec->second});
    }
  };
  collect(type.getInputs(), inputs_, "argument");
  collect(type.getResults(), outputs_, "result");

  // Lower a copy holding only this function (the pipeline's cost grows with
  // the module, and kiln IR has no calls).
  OwningOpRef<ModuleOp> copy(module.clone());
  for (auto other : llvm::make_early_inc_range(copy->getOps<func::FuncOp>()))
    if (other.getSymName() != name)
      other.erase();
  auto entry = cast<func::FuncOp>(SymbolTable::lookupSymbolIn(*copy, name));
  // A fixed symbol: user names such as `exp` or `tanh` would otherwise
  // capture the libm calls of the generated code.
  entry.setSymName(kEntrySymbol);
  // The caller's tensors are read-only; results come back through the C
  // interface's out-parameters.
  for (unsigned i = 0; i < entry.getNumArguments(); ++i)
    entry.setArgAttr(i, "bufferization.writable",
                     BoolAttr::get(context, false));
  entry->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                 UnitAttr::get(context));
  tied_.assign(outputs_.size(), false);
  for (const Tie &tie : ties) {
    KILN_CHECK(tie.result < outputs_.size() && tie.argument < inputs_.size() &&
                   outputs_[tie.result].shape == inputs_[tie.argument].shape &&
                   outputs_[tie.result].dtype == inputs_[tie.argument].dtype,
               "kiln-jit: result ", tie.result, " cannot be tied to argument ",
               tie.argument);
    tied_[tie.result] = true;
    entry.setArgAttr(
        tie.argument, kTiedResultAttr,
        IntegerAttr::get(IntegerType::get(context, 64), tie.result));
  }

  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  ScopedDiagnosticHandler handler(context, [&](Diagnostic &d) {
    os << d.getLocation() << ": " << d << "\n";
    for (const Diagnostic &note : d.getNotes())
      os << note.getLocation() << ": note: " << note << "\n";
    return success();
  });

  auto start = std::chrono::steady_clock::now();
  if (failed(runKilnCpuPipeline(*copy)))
    throw Error("kiln-jit: lowering '" + name + "' failed:\n" + diagnostics);
  pipelineSeconds_ = secondsSince(start);

  start = std::chrono::steady_clock::now();
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  KILN_CHECK(builder, "kiln-jit: cannot target the host: ",
             llvm::toString(builder.takeError()));
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto machine = builder->createTargetMachine();
  KILN_CHECK(machine, "kiln-jit: cannot target the host: ",
             llvm::toString(machine.takeError()));
  // ExecutionEngineOptions::transformer is a function_ref: this must live
  // until create() returns.
  std::function<llvm::Error(llvm::Module *)> transformer =
      makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0,
                                machine->get());
  ExecutionEngineOptions options;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  auto engine = ExecutionEngine::create(*copy, options, std::move(*machine));
  KILN_CHECK(engine, "kiln-jit: compiling '", name,
             "' failed: ", llvm::toString(engine.takeError()), "\n",
             diagnostics);
  engine_ = std::move(*engine);
  // The runtime functions the generated code calls (matmuls).
  engine_->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    for (auto [name, address] : runtime::compiledCallSymbols())
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                                 llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  // The lookup makes LLVM generate the code, so it counts as compile time.
  auto entryFn =
      engine_->lookupPacked(std::string("_mlir_ciface_") + kEntrySymbol);
  KILN_CHECK(entryFn, "kiln-jit: no entry point for '", name,
             "': ", llvm::toString(entryFn.takeError()));
  entry_ = *entryFn;
  llvmSeconds_ = secondsSince(start);
}

JitFunction::~JitFunction() = default;

std::vector<Tensor>
JitFunction::operator()(const std::vector<Tensor> &inputs) const {
  KILN_CHECK(inputs.size() == inputs_.size(), "kiln-jit: '", name_, "' takes ",
             inputs_.size(), " inputs, got ", inputs.size());
  NoGradGuard noGrad;
  std::vector<Tensor> buffers;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Spec &spec = inputs_[i];
    KILN_CHECK(inputs[i].sizes() == IntArrayRef(spec.shape) &&
                   inputs[i].dtype() == spec.dtype,
               "kiln-jit: input ", i, " has shape ", inputs[i].sizes(),
               " and dtype ", inputs[i].dtype(), ", the function expects ",
               IntArrayRef(spec.shape), " ", spec.dtype);
    buffers.push_back(inputs[i].contiguous());
  }
  // A tied input is written in place: it must be the caller's memory, and
  // no other input may see the write.
  std::vector<std::pair<Tensor, Tensor>> copyBack;
  for (const Tie &tie : ties_) {
    const Tensor &input = inputs[tie.argument];
    bool shared = !input.is_contiguous();
    for (size_t i = 0; i < inputs.size() && !shared; ++i)
      shared =
          i != tie.argument && inputs[i].impl().storage == input.impl().storage;
    if (shared) {
      buffers[tie.argument] = input.clone();
      copyBack.emplace_back(buffers[tie.argument], input);
    }
  }
  std::vector<Tensor> results(outputs_.size());
  std::vector<const Spec *> specs;
  for (const Spec &s : inputs_)
    specs.push_back(&s);
  for (size_t i = 0; i < outputs_.size(); ++i)
    if (!tied_[i]) {
      results[i] = empty(outputs_[i].shape, outputs_[i].dtype);
      buffers.push_back(results[i]);
      specs.push_back(&outputs_[i]);
    }

  std::vector<std::vector<int64_t>> descriptors;
  for (size_t i = 0; i < buffers.size(); ++i)
    descriptors.push_back(descriptor(buffers[i].data_ptr(), specs[i]->shape));
  // The packed wrapper takes, per argument, a pointer to the C interface's
  // argument: here a pointer to a descriptor.
  std::vector<void *> pointers, args;
  for (auto &d : descriptors)
    pointers.push_back(d.data());
  for (void *&p : pointers)
    args.push_back(&p);
  entry_(args.data());

  for (auto &[from, to] : copyBack)
    runtime::copy(from.impl().view(), to.impl().view());
  for (const Tie &tie : ties_)
    results[tie.result] = inputs[tie.argument];
  return results;
}

} // namespace kiln::codegen
