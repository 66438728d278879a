//===- ObjectCode.cpp - kiln IR to native code, for the JIT and AOT -------===//
//
// prepareEntry isolates and renames the function; emitNativeCode runs the
// CPU pipeline, translates to LLVM IR, adds the packed entry point,
// optimizes at -O3 for the target CPU and emits a position-independent
// object (or text). The JIT links that object into the process, kiln-compile
// writes it out: both run exactly this code.
//
//===----------------------------------------------------------------------===//
#include "codegen/ObjectCode.h"
#include "codegen/Pipeline.h"

#include <kiln/Error.h>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>
#include <mutex>

using namespace mlir;

namespace kiln::codegen {
namespace {

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
std::optional<TensorSpec> specOf(Type type) {
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
  return TensorSpec{tensor.getShape().vec(), dtype};
}

/// The host CPU's features as LLVM's "+a,-b" string.
std::string hostFeatures() {
  std::string features;
  for (auto &feature : llvm::sys::getHostCPUFeatures())
    features += (features.empty() ? "" : ",") +
                std::string(feature.second ? "+" : "-") + feature.first().str();
  return features;
}

std::unique_ptr<llvm::TargetMachine> targetMachine(const TargetOptions &t) {
  initializeNativeTarget();
  std::string triple = llvm::sys::getProcessTriple(), error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  KILN_CHECK(target, "kiln: cannot target ", triple, ": ", error);
  bool host = t.cpu == "host";
  std::string cpu = host ? llvm::sys::getHostCPUName().str() : t.cpu;
  std::string features = host ? hostFeatures() : "";
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, cpu, features));
  KILN_CHECK(subtarget && subtarget->isCPUStringValid(cpu), "kiln: '", cpu,
             "' is not a CPU of ", triple,
             " (try host, x86-64, x86-64-v2, x86-64-v3 or x86-64-v4)");
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  KILN_CHECK(machine, "kiln: cannot create a target machine for ", cpu);
  return machine;
}

/// Adds `void <symbol>_packed(ptr p)`, which calls the C interface
/// `_mlir_ciface_<symbol>` with *p[0], *p[1], ...: a fixed signature that a
/// caller can use without knowing the arity.
void addPackedEntry(llvm::Module &module, const std::string &symbol) {
  llvm::Function *target =
      module.getFunction(std::string("_mlir_ciface_") + symbol);
  KILN_CHECK(target, "kiln: the lowered code has no C interface for ", symbol);
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  auto *type = llvm::FunctionType::get(b.getVoidTy(), b.getPtrTy(), false);
  auto *packed =
      llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                             packedEntryName(symbol), module);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", packed));
  llvm::SmallVector<llvm::Value *> args;
  for (auto [i, arg] : llvm::enumerate(target->args())) {
    llvm::Value *slot = b.CreateGEP(b.getPtrTy(), packed->getArg(0),
                                    b.getInt64(static_cast<int64_t>(i)));
    llvm::Value *pointer = b.CreateLoad(b.getPtrTy(), slot);
    args.push_back(b.CreateLoad(arg.getType(), pointer));
  }
  b.CreateCall(target, args);
  b.CreateRetVoid();
}

/// Collects the context's diagnostics as text while alive.
class DiagnosticText {
public:
  explicit DiagnosticText(MLIRContext *context)
      : os_(text_), handler_(context, [this](Diagnostic &d) {
          os_ << d.getLocation() << ": " << d << "\n";
          for (const Diagnostic &note : d.getNotes())
            os_ << note.getLocation() << ": note: " << note << "\n";
          return success();
        }) {}
  const std::string &text() const { return text_; }

private:
  std::string text_;
  llvm::raw_string_ostream os_;
  ScopedDiagnosticHandler handler_;
};

} // namespace

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

std::string packedEntryName(const std::string &symbol) {
  return symbol + "_packed";
}

PreparedEntry prepareEntry(ModuleOp module, const std::string &name,
                           const std::string &symbol,
                           const std::vector<Tie> &ties) {
  MLIRContext *context = module->getContext();
  DialectRegistry registry;
  registerCodegenDialects(registry);
  context->appendDialectRegistry(registry);

  auto func =
      dyn_cast_or_null<func::FuncOp>(SymbolTable::lookupSymbolIn(module, name));
  KILN_CHECK(func && !func.isExternal(), "kiln: no function named '", name,
             "'");
  PreparedEntry entry;
  entry.symbol = symbol;
  entry.ties = ties;
  FunctionType type = func.getFunctionType();
  auto collect = [&](TypeRange types, std::vector<TensorSpec> &out,
                     const char *what) {
    for (auto [i, t] : llvm::enumerate(types)) {
      auto spec = specOf(t);
      KILN_CHECK(spec, "kiln: ", what, " ", i, " of '", name, "' has type ",
                 str(t), "; expected a static tensor of f32, f64, i64 or i1");
      out.push_back(*spec);
    }
  };
  collect(type.getInputs(), entry.inputs, "argument");
  collect(type.getResults(), entry.outputs, "result");

  // A module holding only this function (the pipeline's cost grows with
  // the module, and kiln IR has no calls).
  entry.module = OwningOpRef<ModuleOp>(module.clone());
  for (auto other :
       llvm::make_early_inc_range(entry.module->getOps<func::FuncOp>()))
    if (other.getSymName() != name)
      other.erase();
  auto f = cast<func::FuncOp>(SymbolTable::lookupSymbolIn(*entry.module, name));
  // A symbol of kiln's choosing: user names such as `exp` or `tanh` would
  // otherwise capture the libm calls of the generated code.
  f.setSymName(symbol);
  // The caller's tensors are read-only; results come back through the C
  // interface's out-parameters.
  for (unsigned i = 0; i < f.getNumArguments(); ++i)
    f.setArgAttr(i, "bufferization.writable", BoolAttr::get(context, false));
  f->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
             UnitAttr::get(context));
  entry.tied.assign(entry.outputs.size(), false);
  for (const Tie &tie : ties) {
    KILN_CHECK(
        tie.result < entry.outputs.size() &&
            tie.argument < entry.inputs.size() && !entry.tied[tie.result] &&
            entry.outputs[tie.result].shape ==
                entry.inputs[tie.argument].shape &&
            entry.outputs[tie.result].dtype == entry.inputs[tie.argument].dtype,
        "kiln: result ", tie.result, " cannot be tied to argument ",
        tie.argument);
    entry.tied[tie.result] = true;
    f.setArgAttr(tie.argument, kTiedResultAttr,
                 IntegerAttr::get(IntegerType::get(context, 64), tie.result));
  }
  return entry;
}

std::string nativeCodeKey(const PreparedEntry &entry,
                          const TargetOptions &target) {
  std::string key;
  llvm::raw_string_ostream os(key);
  entry.module.get()->print(os, OpPrintingFlags()); // No locations.
  os << "\npipeline: ";
  OpPassManager pm(ModuleOp::getOperationName());
  buildKilnCpuPipeline(pm);
  pm.printAsTextualPipeline(os);
  std::string cpu =
      target.cpu == "host" ? llvm::sys::getHostCPUName().str() : target.cpu;
  os << "\ntriple: " << llvm::sys::getProcessTriple() << "\ncpu: " << cpu
     << "\nfeatures: " << (target.cpu == "host" ? hostFeatures() : "")
     << "\nllvm: " << LLVM_VERSION_STRING << "\nopt: 3 pic\n";
  return key;
}

std::string emitNativeCode(PreparedEntry &entry, const TargetOptions &target,
                           EmitKind kind, CompileTimes *times) {
  ModuleOp module = *entry.module;
  DiagnosticText diagnostics(module->getContext());
  std::unique_ptr<llvm::TargetMachine> machine = targetMachine(target);

  auto start = std::chrono::steady_clock::now();
  if (failed(runKilnCpuPipeline(module)))
    throw Error("kiln: lowering '" + entry.symbol + "' failed:\n" +
                diagnostics.text());
  if (times)
    times->pipelineSeconds = secondsSince(start);
  if (kind == EmitKind::LoweredMLIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    return text;
  }

  start = std::chrono::steady_clock::now();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, entry.symbol);
  KILN_CHECK(llvmModule, "kiln: translating '", entry.symbol,
             "' to LLVM IR failed:\n", diagnostics.text());
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(machine->getTargetTriple().str());
  addPackedEntry(*llvmModule, entry.symbol);
  if (llvm::Error e =
          makeOptimizingTransformer(3, 0, machine.get())(llvmModule.get()))
    throw Error("kiln: optimizing '" + entry.symbol +
                "' failed: " + llvm::toString(std::move(e)));

  std::string out;
  if (kind == EmitKind::LLVMIR) {
    llvm::raw_string_ostream os(out);
    llvmModule->print(os, nullptr);
  } else {
    llvm::SmallVector<char, 0> buffer;
    llvm::raw_svector_ostream os(buffer);
    llvm::legacy::PassManager pm;
    auto fileType = kind == EmitKind::Object
                        ? llvm::CodeGenFileType::ObjectFile
                        : llvm::CodeGenFileType::AssemblyFile;
    KILN_CHECK(!machine->addPassesToEmitFile(pm, os, nullptr, fileType),
               "kiln: the target cannot emit this kind of file");
    pm.run(*llvmModule);
    out.assign(buffer.begin(), buffer.end());
  }
  if (times)
    times->llvmSeconds = secondsSince(start);
  return out;
}

} // namespace kiln::codegen
