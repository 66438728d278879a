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
#include "Export.h"
#include "ObjectCache.h"
#include "SourceLocations.h"
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

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <unordered_map>

namespace kiln {
namespace detail {

namespace {

/// KILN_LOG=recompiles|guards|compile|all (a list: "recompiles,compile"):
/// one line per retrace, guard failure or fallback, with the reason;
/// `guards` (and `all`) also lists each new specialization's guards and
/// runtime inputs; `compile` where each compilation's time went.
bool logHas(const char *what) {
  const char *v = std::getenv("KILN_LOG");
  if (!v)
    return false;
  // Whole words of a list such as "recompiles,compile".
  std::string s(v);
  for (size_t begin = 0; begin <= s.size();) {
    size_t end = begin;
    while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end]))))
      ++end;
    std::string word = s.substr(begin, end - begin);
    if (word == what || word == "all")
      return true;
    begin = end + 1;
  }
  return false;
}

bool logEnabled() {
  static const bool on = logHas("recompiles") || logHas("guards");
  return on;
}

/// KILN_LOG=compile: where each compilation's time went.
bool logCompile() {
  static const bool on = logHas("compile");
  return on;
}

bool logGuards() {
  static const bool on = logHas("guards");
  return on;
}

void logLine(const std::string &name, const std::string &what) {
  if (logEnabled())
    std::cerr << "[kiln::compile " << name << "] " << what << "\n";
}

/// Always printed (once per cause): the step stopped compiling for a reason
/// the user can fix.
void warn(const std::string &name, const std::string &what) {
  std::cerr << "[kiln::compile " << name << "] warning: " << what << "\n";
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// KILN_DUMP_IR=<dir>: the IR of each stage of each specialization.
const char *dumpDir() { return std::getenv("KILN_DUMP_IR"); }

void dump(const std::string &name, size_t spec, const char *stage,
          mlir::ModuleOp module) {
  const char *dir = dumpDir();
  if (!dir)
    return;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = std::string(dir) + "/" + name + "." +
                     std::to_string(spec) + "." + stage + ".mlir";
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    warn(name, "KILN_DUMP_IR: cannot write " + path + ": " + ec.message());
    return;
  }
  module->print(os, mlir::OpPrintingFlags().enableDebugInfo().useLocalScope());
}

/// The part of the cache key that comes from the tensor arguments and the
/// global modes (built by hand: this runs on every call).
std::string inputKey(const variable_list &inputs) {
  std::string key = GradMode::is_enabled() ? "grad;" : "nograd;";
  for (const Tensor &t : inputs) {
    key += toString(t.dtype());
    key += '[';
    for (int64_t s : t.sizes()) {
      key += std::to_string(s);
      key += ',';
    }
    key += t.requires_grad() ? "]g;" : "];";
  }
  return key;
}

/// The captured tensor each state write targets.
std::vector<size_t> stateWriteTargets(const trace::Graph &g) {
  std::vector<size_t> targets;
  for (const auto &w : g.stateWrites)
    for (size_t j = 0; j < g.captured.size(); ++j)
      if (g.captured[j].first.is_same(w.first)) {
        targets.push_back(j);
        break;
      }
  return targets;
}

/// State the compiled code may update in place: every state write (its
/// target is a captured argument), when no check follows the run (no host
/// reads to compare), so nothing can fail after the write.
std::vector<codegen::JitFunction::Tie> inPlaceStateWrites(const trace::Graph &g,
                                                          size_t numInputs) {
  std::vector<codegen::JitFunction::Tie> ties;
  if (!g.hostReads.empty())
    return ties;
  std::vector<size_t> targets = stateWriteTargets(g);
  for (size_t i = 0; i < targets.size(); ++i)
    ties.push_back(
        {unsigned(g.outputs.size() + i), unsigned(numInputs + targets[i])});
  return ties;
}

/// What a captured tensor must still be for the trace to hold: the same
/// object, still held outside kiln, not replaced in its variable, with the
/// geometry and requires_grad it had.
struct CapturedCheck {
  enum Kind { Fixed, Scalar, GradOf } kind = Fixed;
  uint32_t rebinds = 0;
  long ownRefs = 0;
  bool requiresGrad = false;
  std::vector<int64_t> sizes, strides;
  ScalarType dtype = kFloat;
};

struct Specialization {
  trace::Graph graph;
  codegen::ResultLayout layout;
  /// The traced kiln IR (for save()).
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<codegen::JitFunction> code;
  std::vector<CapturedCheck> checks;
  std::vector<size_t> writeTargets;
};

std::vector<CapturedCheck> capturedChecks(const trace::Graph &g) {
  std::map<const TensorImpl *, long> refs;
  for (const auto &c : g.captured)
    ++refs[c.first.getIntrusivePtr().get()];
  for (const auto &w : g.stateWrites)
    ++refs[w.first.getIntrusivePtr().get()];
  for (const auto &s : g.gradSlots)
    ++refs[s.first.getIntrusivePtr().get()];
  for (const Tensor &p : g.capturedGradOf)
    if (p.defined())
      ++refs[p.getIntrusivePtr().get()];
  std::vector<CapturedCheck> checks(g.captured.size());
  for (size_t j = 0; j < g.captured.size(); ++j) {
    const Tensor &t = g.captured[j].first;
    CapturedCheck &c = checks[j];
    c.kind = g.capturedGradOf[j].defined() ? CapturedCheck::GradOf
                                           : CapturedCheck::Fixed;
    c.rebinds = t.impl().rebinds;
    c.ownRefs = refs[t.getIntrusivePtr().get()];
    c.requiresGrad = t.impl().requiresGrad;
    c.sizes = t.sizes().vec();
    c.strides = t.strides().vec();
    c.dtype = t.dtype();
  }
  for (const trace::ScalarInput &s : g.scalarInputs)
    checks[s.captured].kind = CapturedCheck::Scalar;
  return checks;
}

} // namespace

struct CompiledFunction::Impl {
  CompileOptions options;
  CompileStats stats;
  mlir::MLIRContext context;
  /// Calls are serialized: a compiled function is one object with state
  /// (its cache, the captured tensors it updates).
  std::mutex mutex;
  /// Specializations per key, most recently used first.
  std::unordered_map<std::string, std::vector<std::unique_ptr<Specialization>>>
      cache;
  /// Keys whose traces cannot be compiled: they run eagerly.
  std::unordered_map<std::string, std::string> eagerOnly;
  /// Per key, why its last call found no specialization, and how often
  /// each reason made it re-trace.
  std::map<std::string, std::string> lastMiss;
  std::map<std::string, std::map<std::string, int>> retraceCauses;
  size_t specializations = 0;
  /// The specialization that ran (or was compiled) last.
  Specialization *lastRun = nullptr;
  /// The object cache of options.cacheDir, when it names one.
  std::unique_ptr<codegen::PersistentObjectCache> ownCache;

  explicit Impl(CompileOptions o) : options(std::move(o)) {
    const char *off = std::getenv("KILN_CACHE");
    if (!options.cacheDir.empty() && !(off && std::string(off) == "0"))
      ownCache = std::make_unique<codegen::PersistentObjectCache>(
          options.cacheDir, [](const std::string &line) {
            std::cerr << "[kiln] " << line << "\n";
          });
    mlir::DialectRegistry registry;
    registerKilnDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  codegen::ObjectCache *objectCache() {
    return ownCache ? ownCache.get()
                    : codegen::PersistentObjectCache::fromEnvironment();
  }

  /// Why the guard of the code at `callers` failed, with its source line.
  std::string located(const std::string &what,
                      const std::vector<void *> &callers) {
    std::string where = codegen::userLocationText(context, callers);
    return where.empty() ? what : what + " (at " + where + ")";
  }

  /// Appends the captured tensors as this call sees them to `out`; false
  /// with `why` set when one of them no longer is what the trace read.
  /// `permanent` says that the specialization can never hold again.
  bool resolveCaptured(Specialization &spec, variable_list &out,
                       std::string &why, bool &permanent) {
    const trace::Graph &g = spec.graph;
    for (size_t j = 0; j < g.captured.size(); ++j) {
      const CapturedCheck &c = spec.checks[j];
      const Tensor &t = g.captured[j].first;
      if (c.kind == CapturedCheck::Scalar) {
        out.push_back(t);
        continue;
      }
      if (c.kind == CapturedCheck::GradOf) {
        int input = g.capturedGradOfInput[j];
        Tensor param = input >= 0 ? out[input] : g.capturedGradOf[j];
        Tensor grad(param.impl().grad);
        if (!grad.defined() || grad.sizes() != IntArrayRef(c.sizes) ||
            grad.dtype() != c.dtype) {
          why = "a parameter's .grad changed shape or type";
          return false;
        }
        out.push_back(grad);
        continue;
      }
      const char *problem = nullptr;
      if (t.impl().rebinds != c.rebinds ||
          t.getIntrusivePtr().use_count() <= c.ownRefs) {
        problem = " was replaced by another tensor (or freed)";
        permanent = true;
      } else if (t.impl().requiresGrad != c.requiresGrad) {
        problem = c.requiresGrad ? " has requires_grad=false now"
                                 : " has requires_grad=true now";
      } else if (t.sizes() != IntArrayRef(c.sizes) || t.dtype() != c.dtype ||
                 t.strides() != IntArrayRef(c.strides)) {
        problem = " changed shape, type or strides";
      }
      if (problem) {
        std::ostringstream os;
        os << "captured tensor " << toString(c.dtype) << IntArrayRef(c.sizes)
           << problem;
        why = located(os.str(), g.capturedAt[j]);
        return false;
      }
      out.push_back(t);
    }
    return true;
  }

  /// The tensor whose `.grad` grad slot `k` sets: a captured parameter, or
  /// the argument given to this call.
  static const Tensor &gradParam(const trace::Graph &g, size_t k,
                                 const variable_list &args) {
    int input = g.gradSlotInput[k];
    return input >= 0 ? args[input] : g.gradSlots[k].first;
  }

  /// The user's results of a compiled call: new tensors, or the objects
  /// they alias in eager.
  variable_list results(const Specialization &spec, const variable_list &args,
                        const variable_list &out, size_t numInputs) {
    const trace::Graph &g = spec.graph;
    variable_list results;
    for (size_t o = 0; o < spec.layout.outputs; ++o) {
      const trace::OutputAlias &a = g.outputAliases[o];
      switch (a.kind) {
      case trace::OutputAlias::Fresh:
        results.push_back(out[o]);
        break;
      case trace::OutputAlias::Input:
        results.push_back(args[a.index]);
        break;
      case trace::OutputAlias::Captured:
        results.push_back(args[numInputs + a.index]);
        break;
      case trace::OutputAlias::Output:
        results.push_back(results[a.index]);
        break;
      case trace::OutputAlias::GradOf:
        results.push_back(gradParam(g, a.index, args).grad());
        break;
      case trace::OutputAlias::InputView:
      case trace::OutputAlias::CapturedView: {
        const Tensor &base =
            args[(a.kind == trace::OutputAlias::InputView ? 0 : numInputs) +
                 a.index];
        results.push_back(
            trace::aliasOf(base, a.sizes, a.strides,
                           base.storage_offset() + (a.offset - a.baseOffset)));
        break;
      }
      }
    }
    return results;
  }

  /// Runs `spec` if its guards hold; false (state untouched) otherwise,
  /// with the reason in `why`.
  bool tryRun(Specialization &spec, const variable_list &inputs,
              variable_list &results, std::string &why, bool &permanent,
              bool &unbounded) {
    const trace::Graph &g = spec.graph;
    for (size_t i = 0; i < inputs.size(); ++i)
      if (g.inputGradState[i] >= 0 &&
          inputs[i].impl().grad.operator bool() != bool(g.inputGradState[i])) {
        why = "argument " + std::to_string(i) +
              (g.inputGradState[i] ? " had a .grad when traced"
                                   : " had no .grad when traced");
        return false;
      }
    for (const trace::Guard &guard : g.guards)
      if (!guard.holds()) {
        why = located(guard.description, guard.callers);
        return false;
      }
    const size_t numInputs = inputs.size();
    variable_list args;
    args.reserve(numInputs + g.captured.size());
    args.insert(args.end(), inputs.begin(), inputs.end());
    if (!resolveCaptured(spec, args, why, permanent))
      return false;
    const Tensor *captured = args.data() + numInputs;
    // Arguments sharing memory with state the step writes (the trace saw
    // them apart) make a new specialization, which runs eagerly.
    for (const Tensor &input : inputs)
      for (size_t target : spec.writeTargets)
        if (input.impl().storage == captured[target].impl().storage) {
          why = "an argument shares memory with state the step writes";
          return false;
        }
    // Outputs that are views of an argument or captured tensor need the
    // geometry the trace saw.
    for (const trace::OutputAlias &a : g.outputAliases) {
      if (a.kind != trace::OutputAlias::InputView &&
          a.kind != trace::OutputAlias::CapturedView)
        continue;
      const Tensor &base = a.kind == trace::OutputAlias::InputView
                               ? inputs[a.index]
                               : captured[a.index];
      if (base.strides() != IntArrayRef(a.baseStrides)) {
        why = "a result is a view of a tensor whose strides changed";
        return false;
      }
    }
    for (const trace::ScalarInput &s : g.scalarInputs)
      *captured[s.captured].data_ptr<double>() = s.read();
    variable_list out = (*spec.code)(args);
    const codegen::ResultLayout &l = spec.layout;
    size_t hostBase = l.outputs + l.stateWrites + l.gradSlots;
    for (size_t i = 0; i < l.hostReads; ++i) {
      double now = out[hostBase + i].item<double>();
      double was = g.hostReads[i].observed;
      if (now != was && !(std::isnan(now) && std::isnan(was))) {
        std::ostringstream os;
        os << "(" << was << " when traced, " << now << " now)";
        logLine(options.name, "host read changed " + os.str());
        why = located(g.hostReads[i].description + " changed",
                      g.hostReads[i].callers);
        unbounded = true; // a value may differ on every call
        return false;
      }
    }
    // Every check passed: commit the state, as the eager step would have.
    NoGradGuard noGrad;
    for (size_t i = 0; i < l.stateWrites; ++i) {
      const Tensor &target = captured[spec.writeTargets[i]];
      const Tensor &value = out[l.outputs + i];
      if (!value.is_same(target)) // else written in place
        runtime::copy(value.impl().view(), target.impl().view());
      target.impl().storage->bumpVersion();
    }
    size_t slot = l.outputs + l.stateWrites;
    for (size_t k = 0; k < g.gradSlots.size(); ++k) {
      int value = g.gradSlots[k].second;
      if (value == -2)
        continue; // its gradient, updated in place above
      gradParam(g, k, args).mutable_grad() = value < 0 ? Tensor() : out[slot++];
    }
    results = this->results(spec, args, out, inputs.size());
    return true;
  }

  /// The guards and runtime inputs of a new specialization, for
  /// KILN_LOG=guards.
  void logSpecialization(size_t id, const trace::Graph &g) {
    if (!logGuards())
      return;
    std::ostringstream os;
    os << "specialization " << id << ": " << g.inputs.size() << " arguments, "
       << g.captured.size() - g.scalarInputs.size()
       << " captured tensors (each guarded: same object, not replaced, "
          "requires_grad, shape and strides)";
    for (const trace::ScalarInput &s : g.scalarInputs)
      os << "\n  runtime input: " << s.description;
    for (size_t j = 0; j < g.captured.size(); ++j) {
      const Tensor &t = g.captured[j].first;
      bool scalar = false;
      for (const trace::ScalarInput &s : g.scalarInputs)
        scalar = scalar || s.captured == j;
      if (scalar)
        continue;
      std::ostringstream what;
      what << (g.capturedGradOf[j].defined()
                   ? "runtime input: a parameter's .grad "
                   : "captured tensor (guarded) ")
           << toString(t.dtype()) << t.sizes()
           << (t.impl().requiresGrad ? " requires_grad" : "");
      os << "\n  " << located(what.str(), g.capturedAt[j]);
    }
    for (size_t i = 0; i < g.inputGradState.size(); ++i)
      if (g.inputGradState[i] >= 0)
        os << "\n  guard: argument " << i
           << (g.inputGradState[i] ? " has a .grad" : " has no .grad");
    for (const trace::Guard &guard : g.guards)
      os << "\n  guard: " << located(guard.description, guard.callers);
    for (const trace::HostRead &h : g.hostReads)
      os << "\n  guard: " << located(h.description, h.callers) << " equals "
         << h.observed;
    logLine(options.name, os.str());
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
      std::string last = lastMiss.count(key) ? lastMiss[key] : "";
      warn(options.name,
           "cache limit (" + std::to_string(options.cacheLimit) +
               ") reached; this case runs eagerly from now on" +
               (last.empty() ? ""
                             : ". The last re-trace was caused by: " + last));
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
    double importSeconds = secondsSince(start);
    try {
      std::vector<codegen::JitFunction::Tie> ties =
          inPlaceStateWrites(graph, inputs.size());
      try {
        spec->code = std::make_unique<codegen::JitFunction>(
            *module, options.name, ties, objectCache());
      } catch (const Error &e) {
        // An in-place update can be impossible (the old value is read after
        // the new one is written, e.g. returned): update through copies.
        if (ties.empty())
          throw;
        logLine(options.name, "state updated through copies: " +
                                  std::string(e.what()).substr(0, 200));
        spec->code = std::make_unique<codegen::JitFunction>(
            *module, options.name, std::vector<codegen::Tie>(), objectCache());
      }
    } catch (const Error &e) {
      eagerOnly[key] = e.what();
      logLine(options.name,
              std::string("runs eagerly: compilation failed: ") + e.what());
      return results;
    }
    double seconds = secondsSince(start);
    stats.compileSeconds += seconds;
    if (logCompile()) {
      const codegen::JitFunction &code = *spec->code;
      std::cerr << "[kiln::compile " << options.name << "] specialization "
                << specializations << " compiled in " << seconds * 1e3
                << " ms: import " << importSeconds * 1e3 << " ms, "
                << (code.fromCache()
                        ? std::string("object from the cache")
                        : "pipeline " +
                              std::to_string(code.pipelineSeconds() * 1e3) +
                              " ms, LLVM " +
                              std::to_string(code.llvmSeconds() * 1e3) + " ms")
                << ", link " << code.linkSeconds() * 1e3 << " ms\n";
    }
    ++stats.compilations;
    stats.cachedObjects += spec->code->fromCache();
    ++specializations;
    spec->module = std::move(module);
    spec->checks = capturedChecks(graph);
    spec->writeTargets = stateWriteTargets(graph);
    spec->graph = std::move(graph);
    logSpecialization(id, spec->graph);
    auto &specs = cache[key];
    lastRun = spec.get();
    specs.insert(specs.begin(), std::move(spec));
    return results;
  }

  variable_list call(const variable_list &inputs, const std::string &key,
                     const std::function<variable_list()> &runEagerly) {
    auto eager = eagerOnly.find(key);
    if (eager != eagerOnly.end()) {
      ++stats.fallbacks;
      return runEagerly();
    }
    auto &specs = cache[key];
    std::string firstMiss;
    bool missUnbounded = false;
    for (size_t i = 0; i < specs.size();) {
      variable_list results;
      std::string why;
      bool permanent = false, unbounded = false;
      if (tryRun(*specs[i], inputs, results, why, permanent, unbounded)) {
        ++stats.hits;
        lastRun = specs[i].get();
        // Most recently used first: alternating cases (train/eval) each
        // find theirs without a failed guard.
        std::rotate(specs.begin(), specs.begin() + i, specs.begin() + i + 1);
        return results;
      }
      ++stats.guardFailures;
      logLine(options.name, "guard failed: " + why);
      if (firstMiss.empty()) {
        firstMiss = why;
        // Replaced tensors and host values can change on every call; other
        // guards have few states, which the cache (and its limit) holds.
        missUnbounded = permanent || unbounded;
      }
      if (permanent) // it can never hold again
        specs.erase(specs.begin() + i);
      else
        ++i;
    }
    if (stats.traces > 0)
      logLine(options.name,
              firstMiss.empty()
                  ? "tracing a new specialization (key " + key + ")"
                  : "re-tracing after a guard failure: " + firstMiss);
    if (!firstMiss.empty()) {
      lastMiss[key] = firstMiss;
      // A guard that fails on every call (a value read with item() for
      // logging, a tensor replaced each call) would re-trace every call.
      if (missUnbounded && ++retraceCauses[key][firstMiss] >= kRetraceLimit) {
        ++stats.fallbacks;
        eagerOnly[key] = firstMiss;
        warn(options.name,
             "re-traced " + std::to_string(kRetraceLimit) + " times because " +
                 firstMiss +
                 "; this case runs eagerly from now on. Values read on the "
                 "host (item(), a tensor used as a bool) and captured tensors "
                 "replaced on every call defeat compilation: return such a "
                 "tensor from the step and read it outside, or pass it as an "
                 "argument");
        return runEagerly();
      }
    }
    return traceAndCompile(key, inputs, runEagerly);
  }

  static constexpr int kRetraceLimit = 3;
};

CompiledFunction::CompiledFunction(CompileOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
CompiledFunction::~CompiledFunction() = default;

const CompileStats &CompiledFunction::stats() const { return impl_->stats; }

void CompiledFunction::save(const std::string &path) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Specialization *spec = impl_->lastRun;
  KILN_CHECK(spec, "kiln::compile: save() needs a compiled step: call it "
                   "first (calls that ran eagerly compile nothing)");
  // The state as it is now: parameters, the current .grads, the runtime
  // scalars' current values.
  const trace::Graph &g = spec->graph;
  variable_list state;
  for (size_t j = 0; j < g.captured.size(); ++j) {
    Tensor t = g.captured[j].first;
    if (g.capturedGradOf[j].defined() && g.capturedGradOfInput[j] < 0)
      t = Tensor(g.capturedGradOf[j].impl().grad);
    else if (g.capturedGradOfInput[j] >= 0)
      t = Tensor(); // an argument's .grad: the caller's
    state.push_back(t);
  }
  for (const trace::ScalarInput &s : g.scalarInputs)
    *state[s.captured].data_ptr<double>() = s.read();
  codegen::exportStep(path, impl_->options.name, g, spec->layout,
                      spec->writeTargets, *spec->module, state);
}

variable_list
CompiledFunction::call(const variable_list &inputs,
                       const std::string &staticKey,
                       const std::function<variable_list()> &runEagerly) {
  KILN_CHECK(trace::active() == nullptr,
             "kiln::compile: a compiled function called while tracing");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  ++impl_->stats.calls;
  return impl_->call(inputs, staticKey + "|" + inputKey(inputs), runEagerly);
}

} // namespace detail
} // namespace kiln
