//===- kiln-compile.cpp - kiln IR to an object file and a C header --------===//
//
// kiln-compile step.mlir -o step.o --header step.h [--name NAME]
//   [--function F] [--manifest step.json] [--target=cpu] [--cpu=host|...]
//   [--emit=obj|asm|llvm|mlir]
//
// The code is what kiln::compile's JIT runs (codegen::emitNativeCode); the
// header describes the step for kiln_runtime's C API (kiln/runtime/aot.h).
// A manifest (Compiled::save's `.json`, found next to the input by default)
// says which arguments are state and runtime scalars; without one, every
// argument is an input and every result an output.
//
//===----------------------------------------------------------------------===//
#include "StepAbi.h"
#include "tools/ParseGuard.h"
#include "tools/Registration.h"

#include <kiln/Error.h>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cctype>

namespace cl = llvm::cl;
using namespace kiln;

namespace {

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<kiln IR file>"),
                               cl::Required);
cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                cl::value_desc("file"), cl::Required);
cl::opt<std::string> headerFile("header",
                                cl::desc("Write the step's C header here"),
                                cl::value_desc("file"));
cl::opt<std::string>
    stepName("name", cl::desc("The step's C name (default: the function's)"),
             cl::value_desc("identifier"));
cl::opt<std::string>
    functionName("function",
                 cl::desc("The function to compile (default: the manifest's, "
                          "or the module's only one)"));
cl::opt<std::string> manifestFile(
    "manifest",
    cl::desc("The step's manifest (default: the input with .json, if any)"),
    cl::value_desc("file"));
cl::opt<std::string> target("target", cl::desc("Target: cpu"), cl::init("cpu"));
cl::opt<std::string> cpu("cpu",
                         cl::desc("CPU: host (default), or an LLVM CPU name "
                                  "such as x86-64-v3"),
                         cl::init("host"));
enum class Emit { Obj, Asm, Llvm, Mlir };
cl::opt<Emit> emit("emit", cl::desc("What to write"), cl::init(Emit::Obj),
                   cl::values(clEnumValN(Emit::Obj, "obj", "an object file"),
                              clEnumValN(Emit::Asm, "asm", "assembly"),
                              clEnumValN(Emit::Llvm, "llvm", "LLVM IR"),
                              clEnumValN(Emit::Mlir, "mlir",
                                         "MLIR in the LLVM dialect")));

bool isIdentifier(const std::string &s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return false;
  return true;
}

std::string readText(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  KILN_CHECK(buffer, "kiln-compile: cannot read ", path, ": ",
             buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

void writeFile(const std::string &path, const std::string &bytes, bool binary) {
  std::error_code error;
  llvm::ToolOutputFile out(
      path, error, binary ? llvm::sys::fs::OF_None : llvm::sys::fs::OF_Text);
  KILN_CHECK(!error, "kiln-compile: cannot write ", path, ": ",
             error.message());
  out.os() << bytes;
  out.os().flush();
  KILN_CHECK(!out.os().has_error(), "kiln-compile: cannot write ", path);
  out.keep();
}

/// The function to compile: --function, the manifest's, or the only one.
mlir::func::FuncOp findFunction(mlir::ModuleOp module,
                                const std::string &wanted) {
  mlir::func::FuncOp found;
  int count = 0;
  for (auto f : module.getOps<mlir::func::FuncOp>()) {
    if (f.isExternal())
      continue;
    ++count;
    if (wanted.empty() || f.getSymName() == wanted)
      found = f;
  }
  KILN_CHECK(found && (count == 1 || !wanted.empty()), "kiln-compile: ",
             wanted.empty() ? "the module must hold exactly one function "
                              "(or name one with --function)"
                            : "no function named '" + wanted + "'");
  return found;
}

int compile(mlir::ModuleOp module) {
  KILN_CHECK(target == "cpu", "kiln-compile: unknown target '",
             target.getValue(), "' (this build targets: cpu)");
  std::string manifestPath = manifestFile;
  bool explicitManifest = !manifestPath.empty();
  if (!explicitManifest) {
    llvm::StringRef in(inputFile);
    manifestPath =
        (in.ends_with(".mlir") ? in.drop_back(5) : in).str() + ".json";
  }
  std::string manifest;
  if (explicitManifest || llvm::sys::fs::exists(manifestPath))
    manifest = readText(manifestPath);
  else
    manifestPath.clear();

  std::string wanted = functionName;
  if (wanted.empty() && !manifest.empty()) {
    // The function the manifest describes.
    auto parsed = llvm::json::parse(manifest);
    if (parsed)
      if (auto *root = parsed->getAsObject())
        if (auto f = root->getString("function"))
          wanted = f->str();
    if (!parsed)
      llvm::consumeError(parsed.takeError());
  }
  mlir::func::FuncOp func = findFunction(module, wanted);
  std::string function = func.getSymName().str();
  std::string name = stepName.empty() ? function : stepName.getValue();
  KILN_CHECK(isIdentifier(name), "kiln-compile: '", name,
             "' is not a C identifier; choose one with --name");

  std::string symbol = name + "_kernel";
  codegen::PreparedEntry plain =
      codegen::prepareEntry(module, function, symbol);
  tools::StepAbi abi = manifest.empty()
                           ? tools::plainAbi(plain.inputs, plain.outputs)
                           : tools::manifestAbi(manifest, manifestPath,
                                                plain.inputs, plain.outputs);
  std::vector<codegen::Tie> ties = abi.inPlaceUpdates();
  codegen::TargetOptions options;
  options.cpu = cpu;
  static const codegen::EmitKind kinds[] = {
      codegen::EmitKind::Object, codegen::EmitKind::Assembly,
      codegen::EmitKind::LLVMIR, codegen::EmitKind::LoweredMLIR};
  codegen::EmitKind kind = kinds[static_cast<int>(emit.getValue())];
  std::string code;
  try {
    codegen::PreparedEntry entry =
        codegen::prepareEntry(module, function, symbol, ties);
    code = codegen::emitNativeCode(entry, options, kind);
  } catch (const Error &e) {
    // As kiln::compile does: an in-place update can be impossible (the old
    // value is read after the new one is written); update through copies.
    if (ties.empty())
      throw;
    ties.clear();
    code = codegen::emitNativeCode(plain, options, kind);
  }
  writeFile(outputFile, code, kind == codegen::EmitKind::Object);
  if (!headerFile.empty())
    writeFile(headerFile,
              tools::writeHeader(abi, ties, name,
                                 codegen::packedEntryName(symbol), inputFile),
              false);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "kiln-compile: kiln IR to an object file and a C header (ahead-of-time "
      "compilation; the same code as kiln::compile's JIT)\n");
  mlir::DialectRegistry registry;
  registerKilnDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      tools::parseKilnFile(inputFile, context, "kiln-compile: ");
  if (!module)
    return 1;
  try {
    return compile(*module);
  } catch (const Error &e) {
    llvm::errs() << e.what() << "\n";
    return 1;
  }
}
