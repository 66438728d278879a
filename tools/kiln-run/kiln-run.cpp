//===- kiln-run.cpp - Runs kiln IR: reference interpreter or CPU JIT ------===//
//
//   kiln-run file.mlir [--entry=f] [--input=a.npy ...] [--seed=N]
//            [--output-dir=dir] [--fd-check] [--backend=interp|jit]
//            [--compare-with=interp|jit [--rtol=R --atol=A]]
//            [--print-compile-time] [--time-runs=N]
//
// Runs one function on the eager CPU kernels (--backend=interp, the
// default), or compiled by the CPU pipeline and JIT (--backend=jit, which
// expands kiln.backward markers itself). --compare-with runs a second
// backend on the same inputs and checks that every result agrees within
// |a - b| <= atol + rtol |b|. Inputs come from .npy files,
// or are generated deterministically from --seed (normal floats, small
// integers, random bools). Results are printed in PyTorch's repr, or written
// as out<i>.npy. --fd-check treats result 0 as a scalar loss and result
// 1 + i as its gradient with respect to argument i, and compares those
// gradients with central finite differences (float64 arguments).
//
//===----------------------------------------------------------------------===//
#include "Interpreter.h"
#include "Npy.h"
#include "codegen/Jit.h"
#include "tools/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "tools/ParseGuard.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"

#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <unistd.h>

namespace cl = llvm::cl;
using namespace kiln;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<file.mlir>"),
                                      cl::init("-"));
static cl::opt<std::string> entry("entry", cl::desc("function to run"),
                                  cl::init(""));
static cl::list<std::string> inputs("input",
                                    cl::desc("a .npy file per argument"));
static cl::opt<unsigned> seed("seed", cl::desc("seed of generated inputs"),
                              cl::init(0));
static cl::opt<std::string> outputDir("output-dir",
                                      cl::desc("write results as .npy here"),
                                      cl::init(""));
static cl::opt<bool> fdCheck("fd-check",
                             cl::desc("check gradients by finite differences"),
                             cl::init(false));
static cl::opt<double> fdEps("fd-eps", cl::init(1e-6));
static cl::opt<double> fdAtol("fd-atol", cl::init(1e-5));
static cl::opt<double> fdRtol("fd-rtol", cl::init(1e-4));

enum class Backend { None, Interp, Jit };
static cl::opt<Backend>
    backend("backend", cl::desc("how to run the function"),
            cl::init(Backend::Interp),
            cl::values(clEnumValN(Backend::Interp, "interp", "eager kernels"),
                       clEnumValN(Backend::Jit, "jit", "CPU code generation")));
static cl::opt<Backend> compareWith(
    "compare-with", cl::desc("also run this backend and compare the results"),
    cl::init(Backend::None),
    cl::values(clEnumValN(Backend::Interp, "interp", "eager kernels"),
               clEnumValN(Backend::Jit, "jit", "CPU code generation")));
static cl::opt<double> cmpRtol("rtol", cl::desc("--compare-with's rtol"),
                               cl::init(1e-5));
static cl::opt<double> cmpAtol("atol", cl::desc("--compare-with's atol"),
                               cl::init(1e-6));
static cl::opt<unsigned>
    timeRuns("time-runs", cl::desc("also time N more runs"), cl::init(0));
static cl::opt<bool> printCompileTime("print-compile-time",
                                      cl::desc("report the JIT's compile time"),
                                      cl::init(false));

namespace {

/// --entry's function, or the first function with a body.
mlir::func::FuncOp findEntry(mlir::ModuleOp module) {
  mlir::func::FuncOp found;
  module.walk([&](mlir::func::FuncOp f) {
    if (!found && (entry.empty() ? !f.isExternal() : f.getSymName() == entry))
      found = f;
  });
  if (entry.empty())
    KILN_CHECK(found, "kiln-run: the input has no function with a body");
  KILN_CHECK(found, "kiln-run: no function named '", entry.getValue(), "'");
  tools::checkRunnable(found);
  return found;
}

/// The bytes of a ranked, static tensor type of a kiln dtype; -1 for other
/// types, INT64_MAX when the count overflows.
int64_t bytesOf(mlir::Type type) {
  auto ranked = mlir::dyn_cast<mlir::RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return -1;
  mlir::Type e = ranked.getElementType();
  int64_t bytes = e.isF64() || e.isInteger(64) ? 8 : e.isF32() ? 4 : 1;
  for (int64_t d : ranked.getShape())
    if (__builtin_mul_overflow(bytes, d, &bytes))
      return std::numeric_limits<int64_t>::max();
  return bytes;
}

/// Refuses tensors larger than the machine's memory up front, arguments,
/// results and intermediate values alike: allocating them would fail, or
/// succeed on overcommit and end with the OOM killer (and the JIT would
/// abort building a huge constant).
void checkFitsInMemory(mlir::func::FuncOp func) {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return;
  double memory = double(pages) * double(pageSize);
  std::string name = func.getSymName().str();
  auto check = [&](mlir::Type type, const std::string &what) {
    int64_t bytes = bytesOf(type);
    if (double(bytes) <= memory)
      return;
    std::string typeText;
    llvm::raw_string_ostream(typeText) << type;
    KILN_CHECK(false, "kiln-run: ", what, " of '", name, "' (", typeText,
               ") needs ", bytes, " bytes, more than this machine's ",
               int64_t(memory), " bytes of memory");
  };
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
    check(type, "argument " + std::to_string(i));
  for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
    check(type, "result " + std::to_string(i));
  func.walk([&](mlir::Operation *op) {
    for (mlir::Value v : op->getResults())
      check(v.getType(),
            "the value of '" + op->getName().getStringRef().str() + "'");
  });
}

/// "input i has shape ... and dtype ..., the function expects ..." unless
/// `t` matches the argument type.
void checkInput(const Tensor &t, mlir::Type type, size_t i,
                const std::string &from) {
  auto shape = mlir::cast<mlir::RankedTensorType>(type).getShape();
  ScalarType dtype = tools::dtypeOf(type);
  KILN_CHECK(t.sizes() == IntArrayRef(shape.data(), shape.size()) &&
                 t.dtype() == dtype,
             "kiln-run: input ", i, " has shape ", t.sizes(), " and dtype ",
             t.dtype(), ", the function expects ",
             IntArrayRef(shape.data(), shape.size()), " ", dtype, from);
}

variable_list makeInputs(mlir::func::FuncOp func) {
  variable_list out;
  manual_seed(seed);
  auto types = func.getArgumentTypes();
  KILN_CHECK(inputs.empty() || inputs.size() == types.size(), "kiln-run: got ",
             inputs.size(), " --input files for the ", types.size(),
             " arguments of '", func.getSymName().str(), "'");
  for (size_t i = 0; i < types.size(); ++i) {
    if (!inputs.empty()) {
      out.push_back(tools::readNpy(inputs[i]));
      checkInput(out.back(), types[i], i, " (from '" + inputs[i] + "')");
      continue;
    }
    auto shape = mlir::cast<mlir::RankedTensorType>(types[i]).getShape().vec();
    ScalarType t = tools::dtypeOf(types[i]);
    if (isFloatingType(t))
      out.push_back(randn(shape, t));
    else if (t == kLong)
      out.push_back(randint(0, 10, shape));
    else
      out.push_back(rand(shape) < 0.5);
  }
  return out;
}

/// Runs the entry function on some inputs.
using Runner = std::function<variable_list(const variable_list &)>;

Runner makeRunner(Backend which, mlir::ModuleOp module,
                  mlir::func::FuncOp func) {
  if (which == Backend::Interp)
    return [func](const variable_list &args) {
      return tools::interpret(func, args);
    };
  auto jit =
      std::make_shared<codegen::JitFunction>(module, func.getSymName().str());
  if (printCompileTime)
    llvm::errs() << llvm::format(
        "jit: compiled '%s' in %.1f ms (MLIR pipeline %.1f ms, LLVM %.1f ms)\n",
        jit->name().c_str(), jit->compileSeconds() * 1e3,
        jit->pipelineSeconds() * 1e3, jit->llvmSeconds() * 1e3);
  return [jit, func](const variable_list &args) mutable {
    // The interpreter's wording, so both backends report bad inputs alike.
    auto types = func.getArgumentTypes();
    KILN_CHECK(args.size() == types.size(), "kiln-run: '",
               func.getSymName().str(), "' takes ", types.size(),
               " inputs, got ", args.size());
    for (size_t i = 0; i < args.size(); ++i)
      checkInput(args[i], types[i], i, "");
    return (*jit)(args);
  };
}

const char *backendName(Backend which) {
  return which == Backend::Jit ? "jit" : "interp";
}

/// Checks that `got` (from --backend) and `want` (from --compare-with)
/// agree element by element.
int compareResults(const variable_list &got, const variable_list &want) {
  KILN_CHECK(got.size() == want.size(), "kiln-run --compare-with: ", got.size(),
             " results against ", want.size());
  int64_t elements = 0;
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    KILN_CHECK(got[i].sizes() == want[i].sizes() &&
                   got[i].dtype() == want[i].dtype(),
               "kiln-run --compare-with: result ", i, " has shape ",
               got[i].sizes(), " ", got[i].dtype(), " against ",
               want[i].sizes(), " ", want[i].dtype());
    Tensor a = got[i].to(kDouble).contiguous();
    Tensor b = want[i].to(kDouble).contiguous();
    for (int64_t e = 0; e < a.numel(); ++e) {
      double x = a.data_ptr<double>()[e], y = b.data_ptr<double>()[e];
      if (std::isnan(x) && std::isnan(y))
        continue;
      double err = x == y ? 0 : std::fabs(x - y);
      if (!(err <= cmpAtol + cmpRtol * std::fabs(y))) {
        std::cout << "compare: MISMATCH in result " << i << " element " << e
                  << ": " << backendName(backend) << " " << x << ", "
                  << backendName(compareWith) << " " << y << "\n";
        return 1;
      }
      worst = std::max(worst, err);
      ++elements;
    }
  }
  std::cout << "compare: ok (" << got.size() << " results, " << elements
            << " elements, max abs error " << worst << ")\n";
  return 0;
}

int checkGradients(const Runner &run, const variable_list &args) {
  variable_list results = run(args);
  KILN_CHECK(results.size() == args.size() + 1,
             "kiln-run --fd-check: expects the loss and one gradient per "
             "argument (",
             args.size() + 1, " results), got ", results.size());
  KILN_CHECK(results[0].numel() == 1, "kiln-run --fd-check: result 0 must "
                                      "be a one-element loss");
  int64_t checked = 0;
  double worst = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    KILN_CHECK(args[i].dtype() == kDouble, "kiln-run --fd-check: argument ", i,
               " must be f64");
    Tensor grad = results[i + 1].contiguous();
    double *x = args[i].data_ptr<double>();
    for (int64_t e = 0; e < args[i].numel(); ++e) {
      double saved = x[e];
      x[e] = saved + fdEps;
      double plus = run(args)[0].item<double>();
      x[e] = saved - fdEps;
      double minus = run(args)[0].item<double>();
      x[e] = saved;
      double numeric = (plus - minus) / (2 * fdEps);
      double analytic = grad.data_ptr<double>()[e];
      double err = std::fabs(analytic - numeric);
      worst = std::max(worst, err);
      if (!(err <= fdAtol + fdRtol * std::fabs(numeric))) {
        std::cout << "fd-check: MISMATCH for argument " << i << " element " << e
                  << ": autodiff " << analytic << ", finite differences "
                  << numeric << "\n";
        return 1;
      }
      ++checked;
    }
  }
  std::cout << "fd-check: ok (" << checked << " elements of " << args.size()
            << " arguments, max abs error " << worst << ")\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv, "kiln IR runner: reference interpreter or CPU JIT\n");
  mlir::DialectRegistry registry;
  registerKilnDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      tools::parseKilnFile(inputFile, context);
  if (!module)
    return 1;
  try {
    mlir::func::FuncOp func = findEntry(*module);
    checkFitsInMemory(func);
    variable_list args = makeInputs(func);
    Runner run = makeRunner(backend, *module, func);
    if (fdCheck)
      return checkGradients(run, args);
    variable_list results = run(args);
    if (timeRuns) {
      auto start = std::chrono::steady_clock::now();
      for (unsigned i = 0; i < timeRuns; ++i)
        run(args);
      double seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start)
                           .count();
      llvm::errs() << llvm::format(
          "%s: %.3f ms per run (%u runs)\n", backendName(backend),
          seconds * 1e3 / timeRuns, timeRuns.getValue());
    }
    if (compareWith != Backend::None)
      return compareResults(results,
                            makeRunner(compareWith, *module, func)(args));
    for (size_t i = 0; i < results.size(); ++i) {
      if (!outputDir.empty())
        tools::writeNpy(results[i],
                        outputDir + "/out" + std::to_string(i) + ".npy");
      else
        std::cout << "result " << i << ": " << results[i] << "\n";
    }
  } catch (const Error &e) {
    llvm::errs() << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc &) {
    llvm::errs() << "error: kiln-run: out of memory\n";
    return 1;
  } catch (const std::exception &e) {
    // Not expected: every known failure is a kiln::Error. Still no abort.
    llvm::errs() << "error: kiln-run: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
