//===- Compile.cpp - The engine behind kiln::compile ----------------------===//
//
// A call either runs a cached specialization (after its guards pass) or
// runs the user's function eagerly while recording a trace, then compiles
// the trace: import as kiln IR, kiln-autodiff, clean-up, and the CPU
// pipeline to JIT-compiled code. Compiled results are committed to captured
// state only after every check passed; any failure leaves state untouched
// and completes the call eagerly.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compile.h"
#include "TraceImport.h"
#include "codegen/Jit.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"
#include "tools/Registration.h"

#include "passes/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>

namespace kiln {
namespace detail {

namespace {

/// KILN_LOG=recompiles|guards|all: one line per retrace, guard failure or
/// fallback, with the reason.
bool logEnabled() {
  static const bool on = [] {
    const char *v = std::getenv("KILN_LOG");
    if (!v)
      return false;
    std::string s(v);
    return s.find("recompiles") != std::string::npos ||
           s.find("guards") != std::string::npos ||
           s.find("all") != std::string::npos;
  }();
  return on;
}

void logLine(const std::string &name, const std::string &what) {
  if (logEnabled())
    std::cerr << "[kiln::compile " << name << "] " << what << "\n";
}

/// KILN_DUMP_IR=<dir>: the IR of each stage of each specialization.
const char *dumpDir() { return std::getenv("KILN_DUMP_IR"); }

void dump(const std::string &name, size_t spec, const char *stage,
          mlir::ModuleOp module) {
  const char *dir = dumpDir();
  if (!dir)
    return;
  std::string path = std::string(dir) + "/" + name + "." +
                     std::to_string(spec) + "." + stage + ".mlir";
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (!ec)
    module->print(os,
                  mlir::OpPrintingFlags().enableDebugInfo().useLocalScope());
}

/// The part of the cache key that comes from the tensor arguments and the
/// global modes.
std::string inputKey(const variable_list &inputs) {
  std::ostringstream os;
  os << (GradMode::is_enabled() ? "grad;" : "nograd;");
  for (const Tensor &t : inputs) {
    os << toString(t.dtype()) << t.sizes() << (t.requires_grad() ? "g" : "")
       << ";";
  }
  return os.str();
}

/// State the compiled code may update in place: every state write whose
/// target the function also reads as an argument, when no check follows the
/// run (no host reads to compare), so nothing can fail after the write.
std::vector<codegen::JitFunction::Tie> inPlaceStateWrites(const trace::Graph &g,
                                                          size_t numInputs) {
  std::vector<codegen::JitFunction::Tie> ties;
  if (!g.hostReads.empty())
    return ties;
  for (size_t i = 0; i < g.stateWrites.size(); ++i)
    for (size_t j = 0; j < g.captured.size(); ++j)
      if (g.captured[j].first.is_same(g.stateWrites[i].first))
        ties.push_back(
            {unsigned(g.outputs.size() + i), unsigned(numInputs + j)});
  return ties;
}

struct Specialization {
  trace::Graph graph;
  codegen::ResultLayout layout;
  std::unique_ptr<codegen::JitFunction> code;
};

} // namespace

struct CompiledFunction::Impl {
  CompileOptions options;
  CompileStats stats;
  mlir::MLIRContext context;
  std::map<std::string, std::vector<std::unique_ptr<Specialization>>> cache;
  /// Keys whose traces cannot be compiled: they run eagerly.
  std::map<std::string, std::string> eagerOnly;
  size_t specializations = 0;

  explicit Impl(CompileOptions o) : options(std::move(o)) {
    mlir::DialectRegistry registry;
    registerKilnDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Runs `spec` if its guards hold; false (state untouched) otherwise.
  bool tryRun(Specialization &spec, const variable_list &inputs,
              variable_list &results) {
    const trace::Graph &g = spec.graph;
    for (const trace::Guard &guard : g.guards)
      if (!guard.holds()) {
        ++stats.guardFailures;
        logLine(options.name, "guard failed: " + guard.description);
        return false;
      }
    // Arguments sharing memory with state the step writes (the trace saw
    // them apart) make a new specialization, which runs eagerly.
    for (const Tensor &input : inputs)
      for (const auto &write : g.stateWrites)
        if (input.impl().storage == write.first.impl().storage) {
          ++stats.guardFailures;
          logLine(options.name, "guard failed: an argument shares memory "
                                "with state the step writes");
          return false;
        }
    variable_list args = inputs;
    for (const auto &c : g.captured)
      args.push_back(c.first);
    variable_list out = (*spec.code)(args);
    const codegen::ResultLayout &l = spec.layout;
    size_t hostBase = l.outputs + l.stateWrites + l.gradSlots;
    for (size_t i = 0; i < l.hostReads; ++i) {
      double now = out[hostBase + i].item<double>();
      double was = g.hostReads[i].observed;
      if (now != was && !(std::isnan(now) && std::isnan(was))) {
        ++stats.guardFailures;
        std::ostringstream os;
        os << "guard failed: " << g.hostReads[i].description << " changed ("
           << was << " when traced, " << now << " now)";
        logLine(options.name, os.str());
        return false;
      }
    }
    // Every check passed: commit the state, as the eager step would have.
    NoGradGuard noGrad;
    for (size_t i = 0; i < l.stateWrites; ++i) {
      const Tensor &target = g.stateWrites[i].first;
      const Tensor &value = out[l.outputs + i];
      if (!value.is_same(target)) // else written in place
        runtime::copy(value.impl().view(), target.impl().view());
      target.impl().storage->bumpVersion();
    }
    size_t slot = l.outputs + l.stateWrites;
    for (const auto &[param, value] : g.gradSlots)
      param.mutable_grad() = value < 0 ? Tensor() : out[slot++];
    results.assign(out.begin(), out.begin() + l.outputs);
    return true;
  }

  /// Traces the eager run; caches the specialization when it compiles.
  variable_list traceAndCompile(const std::string &key,
                                const variable_list &inputs,
                                const std::function<variable_list()> &eager) {
    trace::Graph graph;
    variable_list results;
    {
      trace::Recorder recorder;
      for (const Tensor &t : inputs)
        recorder.addInput(t);
      results = eager();
      for (const Tensor &t : results)
        recorder.addOutput(t);
      graph = recorder.take();
    }
    ++stats.traces;
    if (!graph.uncapturable.empty()) {
      eagerOnly[key] = graph.uncapturable;
      logLine(options.name,
              "runs eagerly: the trace contains " + graph.uncapturable);
      return results;
    }
    if (!graph.notReusable.empty()) {
      logLine(options.name, "traced again next call: " + graph.notReusable);
      return results;
    }
    if (specializations >= options.cacheLimit) {
      eagerOnly[key] = "the cache limit";
      logLine(options.name, "runs eagerly: cache limit (" +
                                std::to_string(options.cacheLimit) +
                                ") reached");
      return results;
    }
    auto start = std::chrono::steady_clock::now();
    auto spec = std::make_unique<Specialization>();
    size_t id = specializations;
    mlir::OwningOpRef<mlir::ModuleOp> module;
    try {
      module = codegen::importTrace(context, graph, options.name, spec->layout);
    } catch (const Error &e) {
      eagerOnly[key] = e.what();
      logLine(options.name, std::string("runs eagerly: ") + e.what());
      return results;
    }
    dump(options.name, id, "0-traced", *module);
    if (dumpDir()) {
      // The gradient IR as kiln-opt -kiln-autodiff -canonicalize -cse shows
      // it; the JIT lowers its own copy.
      mlir::OwningOpRef<mlir::ModuleOp> copy = module->clone();
      mlir::PassManager pm(&context);
      pm.addPass(passes::createKilnAutodiff());
      pm.addPass(mlir::createCanonicalizerPass());
      pm.addPass(mlir::createCSEPass());
      if (mlir::succeeded(pm.run(*copy)))
        dump(options.name, id, "1-differentiated", *copy);
    }
    try {
      std::vector<codegen::JitFunction::Tie> ties =
          inPlaceStateWrites(graph, inputs.size());
      try {
        spec->code =
            std::make_unique<codegen::JitFunction>(*module, options.name, ties);
      } catch (const Error &e) {
        // An in-place update can be impossible (the old value is read after
        // the new one is written, e.g. returned): update through copies.
        if (ties.empty())
          throw;
        logLine(options.name, "state updated through copies: " +
                                  std::string(e.what()).substr(0, 200));
        spec->code =
            std::make_unique<codegen::JitFunction>(*module, options.name);
      }
    } catch (const Error &e) {
      eagerOnly[key] = e.what();
      logLine(options.name,
              std::string("runs eagerly: compilation failed: ") + e.what());
      return results;
    }
    stats.compileSeconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    ++stats.compilations;
    ++specializations;
    spec->graph = std::move(graph);
    cache[key].push_back(std::move(spec));
    return results;
  }
};

CompiledFunction::CompiledFunction(CompileOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
CompiledFunction::~CompiledFunction() = default;

const CompileStats &CompiledFunction::stats() const { return impl_->stats; }

variable_list
CompiledFunction::call(const variable_list &inputs,
                       const std::string &staticKey,
                       const std::function<variable_list()> &runEagerly) {
  Impl &m = *impl_;
  ++m.stats.calls;
  KILN_CHECK(trace::active() == nullptr,
             "kiln::compile: a compiled function called while tracing");
  std::string key = staticKey + "|" + inputKey(inputs);
  auto eager = m.eagerOnly.find(key);
  if (eager != m.eagerOnly.end()) {
    ++m.stats.fallbacks;
    return runEagerly();
  }
  auto &specs = m.cache[key];
  for (auto &spec : specs) {
    variable_list results;
    if (m.tryRun(*spec, inputs, results)) {
      ++m.stats.hits;
      return results;
    }
  }
  if (m.stats.traces > 0)
    logLine(m.options.name,
            specs.empty() ? "tracing a new specialization (key " + key + ")"
                          : "re-tracing after a guard failure");
  return m.traceAndCompile(key, inputs, runEagerly);
}

} // namespace detail
} // namespace kiln
