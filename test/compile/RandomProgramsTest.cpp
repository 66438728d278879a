//===- RandomProgramsTest.cpp - Random training steps, compiled vs eager --===//
//
// A differential test. A generator builds a small training step from a seed
// (3-15 ops of the public API on parameters and step arguments of random
// shapes, a scalar loss, backward(), then an optimizer step, manual updates
// under NoGradGuard, or nothing), and a driver calls it several times while
// changing hyperparameters, freezing parameters, skipping zero_grad and
// replacing the inputs. Each program runs from the same seed eagerly and
// through kiln::compile; after every call the loss, every parameter, every
// gradient (definedness too) and the optimizer state must agree. A failure
// prints the seed and the program.
//
// Longer runs (see docs/Compile.md, "Differential testing"):
//   KILN_RANDOM_PROGRAMS=2000 KILN_RANDOM_SEED=1000 \
//     ./build/test/compile/kiln_compile_tests --gtest_filter='RandomPrograms*'
// KILN_RANDOM_VERBOSE=1 prints every program; KILN_RANDOM_KNOWN_FAILURES=1
// also generates the constructs of the known differences (the disabled
// RandomProgramsRepro tests at the end), which CI's programs avoid.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iomanip>
#include <iterator>
#include <numeric>
#include <random>
#include <sstream>

using namespace kiln;
using indexing::Ellipsis;
using indexing::Slice;
using indexing::TensorIndex;

namespace {

using Shape = std::vector<int64_t>;
using Rng = std::mt19937_64;

int64_t randInt(Rng &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}
bool chance(Rng &rng, double p) {
  return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}
template <class T> T pickOf(Rng &rng, std::initializer_list<T> xs) {
  return *(xs.begin() + randInt(rng, 0, int64_t(xs.size()) - 1));
}
template <class T> const T &pickFrom(Rng &rng, const std::vector<T> &xs) {
  return xs[randInt(rng, 0, int64_t(xs.size()) - 1)];
}

std::string fmtShape(IntArrayRef s) {
  std::ostringstream os;
  os << '{';
  for (size_t i = 0; i < s.size(); ++i)
    os << (i ? ", " : "") << s[i];
  os << '}';
  return os.str();
}

std::string fmtScalar(const Scalar &s) {
  std::ostringstream os;
  if (s.isIntegral())
    return std::to_string(s.to<int64_t>());
  os << std::setprecision(15) << s.to<double>(); // exact for 3 decimals
  std::string out = os.str();
  if (out.find_first_of(".e") == std::string::npos)
    out += ".0"; // a double literal: promotion differs from an integer's
  return out;
}

/// `pattern` with every '$' replaced by `name`.
std::string subst(const std::string &pattern, const std::string &name) {
  std::string out;
  for (char c : pattern)
    out += c == '$' ? name : std::string(1, c);
  return out;
}

int64_t numelOf(const Shape &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

/// The broadcast of two shapes, or nullopt.
std::optional<Shape> broadcastShapes(const Shape &a, const Shape &b) {
  size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (x != y && x != 1 && y != 1)
      return std::nullopt;
    out[i] = std::max(x, y);
  }
  return out;
}

/// Whether to generate the constructs of known failures (disabled
/// RandomProgramsRepro tests at the end; none at present).
[[maybe_unused]] bool knownFailures() {
  const char *v = std::getenv("KILN_RANDOM_KNOWN_FAILURES");
  return v && *v && std::string(v) != "0";
}

// --- Programs ---------------------------------------------------------------

/// A parameter or a step argument.
struct Leaf {
  enum Kind { Param, Arg } kind;
  int id;    ///< value id
  int index; ///< parameter index, or argument slot
  Shape shape;
  ScalarType dtype;
  bool discrete;     ///< values from {-1, -0.5, 0, 0.5, 1}: ties and kinks
  bool requiresGrad; ///< arguments only; parameters always start with it
};

struct LinearSpec {
  int64_t in, out;
  bool bias;
};

using OpFn = std::function<Tensor(const std::vector<Tensor> &,
                                  std::vector<nn::Linear> &)>;

/// One statement of the step: `vals[out] = run(vals, modules)`.
struct Op {
  int out;
  std::string text;
  OpFn run;
};

struct OptimSpec {
  enum Kind { None, Manual, SGD, Adam } kind = None;
  double lr = 0.01, momentum = 0, dampening = 0, weightDecay = 0;
  bool nesterov = false;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  bool amsgrad = false;
  int manualVariant = 0;

  std::string describe() const {
    std::ostringstream os;
    switch (kind) {
    case None:
      return "none (backward only)";
    case Manual: {
      static const char *variants[] = {
          "p -= lr * p.grad()", "p.add_(p.grad(), -lr)",
          "p.sub_(p.grad().mul(lr))", "p.copy_(p - p.grad() * lr)"};
      os << "manual under NoGradGuard, lr " << lr << ", "
         << variants[manualVariant];
      return os.str();
    }
    case SGD:
      os << "SGD(lr " << lr << ", momentum " << momentum << ", dampening "
         << dampening << ", weight_decay " << weightDecay << ", nesterov "
         << nesterov << ")";
      return os.str();
    case Adam:
      os << "Adam(lr " << lr << ", betas (" << beta1 << ", " << beta2
         << "), eps " << eps << ", weight_decay " << weightDecay << ", amsgrad "
         << amsgrad << ")";
      return os.str();
    }
    return "";
  }
};

struct Instance;

/// What the driver does before one call.
struct CallPlan {
  int zeroMode = 0; ///< 0: zero_grad(), 1: zero_grad(false), 2: none
  std::vector<std::string> notes;
  std::vector<std::function<void(Instance &)>> actions;
  std::vector<int> argVersion; ///< by slot: new values when it changes
  std::vector<Shape> argShape; ///< by slot
};

struct Program {
  uint64_t seed = 0;
  ScalarType dtype = kFloat;
  std::vector<Leaf> leaves;
  std::vector<LinearSpec> linears;
  std::vector<Op> ops;
  std::vector<std::string> names; ///< by value id
  int numParams = 0, numArgs = 0;
  int loss = -1;
  int extra = -1;         ///< a second result of the step: any value
  bool allDouble = false; ///< no float32 value: float64 tolerances
  bool zeroAfterForward = false;
  OptimSpec optim;
  /// A second parameter group (SGD, Adam) from allParams()[split] on.
  std::optional<OptimSpec> group1;
  size_t split = 0;
  std::vector<CallPlan> calls;

  /// Names of allParams(), in order.
  std::vector<std::string> paramNames() const {
    std::vector<std::string> out;
    for (const Leaf &l : leaves)
      if (l.kind == Leaf::Param)
        out.push_back(names[l.id]);
    for (size_t i = 0; i < linears.size(); ++i) {
      out.push_back("lin" + std::to_string(i) + ".weight");
      if (linears[i].bias)
        out.push_back("lin" + std::to_string(i) + ".bias");
    }
    return out;
  }

  std::string describe() const {
    std::ostringstream os;
    os << "program seed " << seed << " (" << toString(dtype) << "), "
       << calls.size() << " calls\n";
    for (const Leaf &l : leaves)
      os << "  " << names[l.id] << ": "
         << (l.kind == Leaf::Param ? "parameter" : "argument") << ' '
         << fmtShape(l.shape) << ' ' << toString(l.dtype)
         << (l.discrete ? " discrete" : " normal")
         << (l.kind == Leaf::Arg && l.requiresGrad ? " requires_grad" : "")
         << '\n';
    for (size_t i = 0; i < linears.size(); ++i)
      os << "  lin" << i << " = nn::Linear(nn::LinearOptions(" << linears[i].in
         << ", " << linears[i].out << ").bias(" << linears[i].bias << "))\n";
    os << "  step(a0, a1, a2, zeroMode):\n";
    if (!zeroAfterForward)
      os << "    zero_grad(zeroMode)\n";
    for (const Op &op : ops)
      os << "    " << op.text << '\n';
    if (zeroAfterForward)
      os << "    zero_grad(zeroMode)\n";
    os << "    " << names[loss] << ".backward(); update: " << optim.describe();
    if (group1)
      os << "; from " << paramNames()[split]
         << " on, group 1: " << group1->describe();
    os << "\n    return {" << names[loss] << ", " << names[extra] << "}\n";
    for (size_t c = 0; c < calls.size(); ++c) {
      os << "  call " << c << ":";
      for (const std::string &n : calls[c].notes)
        os << ' ' << n << ';';
      os << " zeroMode " << calls[c].zeroMode << '\n';
    }
    return os.str();
  }
};

/// Values of a leaf, a function of the seed, the leaf and the version.
Tensor leafValues(uint64_t seed, const Leaf &leaf, int version,
                  const Shape &shape) {
  Rng rng(seed * 1000003 + uint64_t(leaf.id) * 7919 + uint64_t(version));
  std::normal_distribution<double> normal;
  Tensor t = empty(shape, leaf.dtype);
  for (int64_t i = 0; i < t.numel(); ++i) {
    double v =
        leaf.discrete ? pickOf(rng, {-1.0, -0.5, 0.0, 0.5, 1.0}) : normal(rng);
    if (leaf.dtype == kDouble)
      t.data_ptr<double>()[i] = v;
    else
      t.data_ptr<float>()[i] = float(v);
  }
  return t;
}

/// One run of a program: its parameters, modules, optimizer, arguments.
struct Instance {
  const Program &prog;
  std::vector<Tensor> params;
  std::vector<nn::Linear> linears;
  std::unique_ptr<optim::Optimizer> opt;
  std::vector<Tensor> args;
  std::vector<int> argVersion;
  Tensor unusedArg = zeros({1});

  explicit Instance(const Program &p) : prog(p) {
    manual_seed(p.seed);
    params.resize(p.numParams);
    for (const Leaf &l : p.leaves)
      if (l.kind == Leaf::Param)
        params[l.index] = leafValues(p.seed, l, 0, l.shape).requires_grad_();
    for (const LinearSpec &s : p.linears)
      linears.push_back(
          nn::Linear(nn::LinearOptions(s.in, s.out).bias(s.bias)));
    std::vector<Tensor> all = allParams();
    std::vector<optim::OptimizerParamGroup> groups;
    if (p.group1) {
      groups.emplace_back(
          std::vector<Tensor>(all.begin(), all.begin() + p.split));
      groups.emplace_back(std::vector<Tensor>(all.begin() + p.split, all.end()),
                          options(*p.group1));
    } else {
      groups.emplace_back(all);
    }
    if (p.optim.kind == OptimSpec::SGD)
      opt = std::make_unique<optim::SGD>(
          groups, static_cast<optim::SGDOptions &>(*options(p.optim)));
    else if (p.optim.kind == OptimSpec::Adam)
      opt = std::make_unique<optim::Adam>(
          groups, static_cast<optim::AdamOptions &>(*options(p.optim)));
    args.resize(3);
    argVersion.assign(3, -1);
  }

  static std::unique_ptr<optim::OptimizerOptions> options(const OptimSpec &o) {
    if (o.kind == OptimSpec::SGD)
      return std::make_unique<optim::SGDOptions>(
          optim::SGDOptions(o.lr)
              .momentum(o.momentum)
              .dampening(o.dampening)
              .weight_decay(o.weightDecay)
              .nesterov(o.nesterov));
    return std::make_unique<optim::AdamOptions>(optim::AdamOptions(o.lr)
                                                    .betas({o.beta1, o.beta2})
                                                    .eps(o.eps)
                                                    .weight_decay(o.weightDecay)
                                                    .amsgrad(o.amsgrad));
  }

  std::vector<Tensor> allParams() const {
    std::vector<Tensor> out = params;
    for (const nn::Linear &l : linears)
      for (const Tensor &t : l->parameters())
        out.push_back(t);
    return out;
  }

  /// The arguments of call `c`: new tensors where the plan changed them.
  void prepareArgs(const CallPlan &plan) {
    for (const Leaf &l : prog.leaves) {
      if (l.kind != Leaf::Arg ||
          argVersion[l.index] == plan.argVersion[l.index])
        continue;
      argVersion[l.index] = plan.argVersion[l.index];
      args[l.index] =
          leafValues(prog.seed, l, argVersion[l.index], plan.argShape[l.index]);
      if (l.requiresGrad)
        args[l.index].requires_grad_();
    }
    for (Tensor &a : args)
      if (!a.defined())
        a = unusedArg;
  }

  void zeroGrads(bool setToNone) {
    if (opt) {
      opt->zero_grad(setToNone);
      return;
    }
    for (const Tensor &p : params) {
      if (setToNone)
        p.set_grad(Tensor());
      else if (p.grad().defined())
        p.grad().zero_();
    }
    for (nn::Linear &l : linears)
      l->zero_grad(setToNone);
  }

  void manualUpdate() {
    NoGradGuard noGrad;
    double lr = prog.optim.lr;
    for (Tensor &p : params)
      manualUpdate(p, lr);
    for (nn::Linear &l : linears) {
      manualUpdate(l->weight, lr);
      if (l->bias.defined())
        manualUpdate(l->bias, lr);
    }
  }
  void manualUpdate(Tensor &p, double lr) {
    if (!p.grad().defined())
      return;
    switch (prog.optim.manualVariant) {
    case 0:
      p -= lr * p.grad();
      break;
    case 1:
      p.add_(p.grad(), -lr);
      break;
    case 2:
      p.sub_(p.grad().mul(lr));
      break;
    default:
      p.copy_(p - p.grad() * lr);
      break;
    }
  }

  /// The step function: the program's statements on these leaves.
  std::tuple<Tensor, Tensor> step(const Tensor &a0, const Tensor &a1,
                                  const Tensor &a2, int zeroMode) {
    if (!prog.zeroAfterForward && zeroMode != 2)
      zeroGrads(zeroMode == 0);
    std::vector<Tensor> vals(prog.names.size());
    const Tensor *argsIn[3] = {&a0, &a1, &a2};
    for (const Leaf &l : prog.leaves)
      vals[l.id] = l.kind == Leaf::Param ? params[l.index] : *argsIn[l.index];
    for (const Op &op : prog.ops)
      vals[op.out] = op.run(vals, linears);
    if (prog.zeroAfterForward && zeroMode != 2)
      zeroGrads(zeroMode == 0);
    Tensor loss = vals[prog.loss];
    loss.backward();
    if (opt)
      opt->step();
    else if (prog.optim.kind == OptimSpec::Manual)
      manualUpdate();
    return {loss, vals[prog.extra]};
  }
};

/// A named snapshot of something the test compares.
struct Observation {
  std::string name;
  Tensor value; ///< undefined for "None"
};

Tensor snap(const Tensor &t) {
  NoGradGuard noGrad;
  return t.defined() ? t.detach().clone() : Tensor();
}

/// Everything visible after a call: loss, parameters, gradients, argument
/// gradients, optimizer state.
std::vector<Observation> observe(Instance &inst, const Tensor &loss,
                                 const Tensor &extra) {
  std::vector<Observation> out{
      {"loss", snap(loss)},
      {"result 1 (" + inst.prog.names[inst.prog.extra] + ")", snap(extra)}};
  auto names = inst.prog.paramNames();
  auto params = inst.allParams();
  for (size_t i = 0; i < params.size(); ++i) {
    out.push_back({names[i], snap(params[i])});
    out.push_back({names[i] + ".grad", snap(params[i].grad())});
    if (!inst.opt)
      continue;
    auto it = inst.opt->state().find(params[i].getIntrusivePtr().get());
    optim::OptimizerParamState *s =
        it == inst.opt->state().end() ? nullptr : it->second.get();
    if (auto *sgd = dynamic_cast<optim::SGDParamState *>(s)) {
      out.push_back(
          {names[i] + " momentum_buffer", snap(sgd->momentum_buffer())});
    } else if (auto *adam = dynamic_cast<optim::AdamParamState *>(s)) {
      out.push_back({names[i] + " adam.step", snap(adam->step_tensor())});
      out.push_back({names[i] + " adam.exp_avg", snap(adam->exp_avg())});
      out.push_back({names[i] + " adam.exp_avg_sq", snap(adam->exp_avg_sq())});
      out.push_back(
          {names[i] + " adam.max_exp_avg_sq", snap(adam->max_exp_avg_sq())});
    } else {
      out.push_back({names[i] + " optimizer state", Tensor()});
    }
  }
  for (const Leaf &l : inst.prog.leaves)
    if (l.kind == Leaf::Arg && l.requiresGrad)
      out.push_back(
          {inst.prog.names[l.id] + ".grad", snap(inst.args[l.index].grad())});
  return out;
}

/// Whether every element is finite and at most `limit` in size (a program
/// whose eager run overflows is replaced rather than compared).
bool tame(const Tensor &t, double limit) {
  if (!t.defined())
    return true;
  Tensor d = t.to(kDouble).contiguous();
  for (int64_t i = 0; i < d.numel(); ++i) {
    double v = d.data_ptr<double>()[i];
    if (!std::isfinite(v) || std::fabs(v) > limit)
      return false;
  }
  return true;
}

/// Empty when `got` matches `want`, else why not. Tolerances follow the
/// program's dtype: a float64 value computed from float32 ones carries
/// float32 rounding.
std::string mismatch(const Tensor &want, const Tensor &got, bool exact64,
                     double atolScale = 1) {
  std::ostringstream os;
  if (want.defined() != got.defined()) {
    os << "eager " << (want.defined() ? "defined" : "None") << ", compiled "
       << (got.defined() ? "defined" : "None");
    return os.str();
  }
  if (!want.defined())
    return "";
  if (want.dtype() != got.dtype() || want.sizes() != got.sizes()) {
    os << "eager " << toString(want.dtype()) << fmtShape(want.sizes())
       << ", compiled " << toString(got.dtype()) << fmtShape(got.sizes());
    return os.str();
  }
  // float32: the compiled code may reduce in another order. Relative to
  // the tensor's largest element, not each element's: after a few calls
  // the parameters differ by rounding, and a gradient element that is a
  // cancelled sum of large terms moves by more than its own 1e-4 (seed
  // 6486: -0.19267 vs -0.19263 in a gradient up to 10.9).
  double rtol = exact64 ? 1e-9 : 1e-4;
  double atol = (exact64 ? 1e-10 : 1e-5) * atolScale;
  Tensor e = want.to(kDouble), g = got.to(kDouble);
  Tensor nan = e.ne(e);
  double scale = e.masked_fill(nan, 0).abs().max().item<double>();
  if (nan.equal(g.ne(g)) &&
      (e - g).masked_fill(nan, 0).abs().max().item<double>() <=
          atol + rtol * scale)
    return "";
  os << std::setprecision(9) << "max |eager - compiled| "
     << (want.to(kDouble) - got.to(kDouble)).abs().max().item<double>()
     << "\neager " << want << "\ncompiled " << got;
  return os.str();
}

// --- The generator -----------------------------------------------------------

class Generator {
public:
  explicit Generator(uint64_t seed) : rng(seed) { prog.seed = seed; }

  /// A program, or nullopt when this seed's draw failed validation.
  std::optional<Program> generate();

private:
  Rng rng;
  Program prog;
  /// Zeros of each value's shape and dtype: what the generator executes
  /// each new statement on, to learn its shape or reject it.
  std::vector<Tensor> dummy;
  std::vector<nn::Linear> dummyMods;
  int lastOp = -1;

  const Shape shapeOf(int id) const { return dummy[id].sizes().vec(); }
  int64_t rankOf(int id) const { return dummy[id].dim(); }
  std::string name(int id) const { return prog.names[id]; }

  int newLeaf(Leaf::Kind kind, Shape shape);
  int addOp(const std::string &expr, OpFn run);
  int pickInput();
  /// A value (maybe a new leaf) that broadcasts with `a`; when `into`, one
  /// whose broadcast with `a` is `a`'s shape.
  int partnerFor(int a, bool into);
  int leafWithShape(const Shape &s);
  Scalar randScalar(bool nonzero = false);
  Shape randShape(int64_t maxRank = 3);

  int genUnary(int a);
  int genScalarBinary(int a);
  int genBinary(int a);
  int genWhere(int a);
  int genMaskedFill(int a);
  int genReduce(int a);
  int genView(int a);
  int genMatmul(int a);
  int genLinear(int a);
  int genInPlace(int a);
  int genCat(int a);
  void genLoss();
  void genOptimizer();
  void genCalls();
  bool dryRun(const std::vector<Shape> &argShapes,
              const std::vector<bool> &frozen);
};

int Generator::newLeaf(Leaf::Kind kind, Shape shape) {
  Leaf l;
  l.kind = kind;
  l.id = int(prog.names.size());
  l.shape = shape;
  l.dtype = prog.dtype;
  l.discrete = chance(rng, kind == Leaf::Arg ? 0.5 : 0.25);
  l.requiresGrad = false;
  if (kind == Leaf::Param) {
    l.index = prog.numParams++;
    prog.names.push_back("p" + std::to_string(l.index));
  } else {
    l.index = prog.numArgs++;
    prog.names.push_back("a" + std::to_string(l.index));
    // Mixed precision: a float64 input in a float32 program promotes.
    if (prog.dtype == kFloat && chance(rng, 0.1))
      l.dtype = kDouble;
    l.requiresGrad = chance(rng, 0.1);
  }
  Tensor d = zeros(shape, l.dtype);
  if (kind == Leaf::Param || l.requiresGrad)
    d.requires_grad_();
  dummy.push_back(d);
  prog.leaves.push_back(l);
  return l.id;
}

int Generator::addOp(const std::string &expr, OpFn run) {
  int id = int(prog.names.size());
  Tensor out;
  try {
    dummy.push_back(Tensor());
    out = run(dummy, dummyMods);
  } catch (const Error &) {
    dummy.pop_back();
    return -1; // not valid here: the caller draws another statement
  }
  if (!out.is_floating_point() || out.numel() > 150 || out.numel() == 0) {
    dummy.pop_back();
    return -1;
  }
  dummy.back() = out;
  prog.names.push_back("v" + std::to_string(id));
  prog.ops.push_back({id, "v" + std::to_string(id) + " = " + expr, run});
  lastOp = id;
  return id;
}

int Generator::pickInput() {
  // Mostly the newest value, so that statements form chains.
  if (lastOp >= 0 && chance(rng, 0.6))
    return lastOp;
  return randInt(rng, 0, int64_t(dummy.size()) - 1);
}

Shape Generator::randShape(int64_t maxRank) {
  int64_t rank = chance(rng, 0.1) ? 0 : randInt(rng, 1, maxRank);
  Shape s(rank);
  for (int64_t &d : s)
    d = randInt(rng, 1, 5);
  return s;
}

Scalar Generator::randScalar(bool nonzero) {
  double v = pickOf(rng, {0.0, 0.5, 1.0, -1.0, 2.0, -2.0, 3.0, 0.25, -0.5});
  if (nonzero && v == 0)
    v = 1.5;
  if (chance(rng, 0.3)) // three decimals keep the printed program exact
    v = std::round(std::uniform_real_distribution<double>(-2, 2)(rng) * 1000) /
        1000;
  if (v == std::floor(v) && chance(rng, 0.5))
    return Scalar(int64_t(v));
  return Scalar(v);
}

int Generator::leafWithShape(const Shape &s) {
  bool arg = prog.numArgs < 3 && chance(rng, 0.35);
  if (!arg && prog.numParams >= 6)
    arg = prog.numArgs < 3;
  if (arg || prog.numParams < 6)
    return newLeaf(arg ? Leaf::Arg : Leaf::Param, s);
  // Out of leaves: any value of that shape, else none.
  for (int id = 0; id < int(dummy.size()); ++id)
    if (shapeOf(id) == s)
      return id;
  return -1;
}

int Generator::partnerFor(int a, bool into) {
  Shape sa = shapeOf(a);
  std::vector<int> cands;
  for (int id = 0; id < int(dummy.size()); ++id) {
    auto b = broadcastShapes(sa, shapeOf(id));
    if (b && (!into || *b == sa) && numelOf(*b) <= 150)
      cands.push_back(id);
  }
  if (!cands.empty() && chance(rng, 0.7))
    return pickFrom(rng, cands);
  // A new leaf: a suffix of `a`'s shape with some dimensions 1, sometimes
  // with an extra leading dimension.
  Shape s(sa.end() - randInt(rng, 0, int64_t(sa.size())), sa.end());
  for (int64_t &d : s)
    if (chance(rng, 0.3))
      d = 1;
  if (!into && sa.size() < 3 && chance(rng, 0.15))
    s.insert(s.begin(), randInt(rng, 2, 3));
  int id = leafWithShape(s);
  return id >= 0 ? id : a;
}

int Generator::genUnary(int a) {
  struct Fn {
    const char *pattern;
    Tensor (*fn)(const Tensor &);
  };
  static const Fn table[] = {
      {"-$", [](const Tensor &x) { return -x; }},
      {"$.neg()", [](const Tensor &x) { return x.neg(); }},
      {"$.abs()", [](const Tensor &x) { return x.abs(); }},
      {"$.relu()", [](const Tensor &x) { return x.relu(); }},
      {"relu($)", [](const Tensor &x) { return relu(x); }},
      {"$.sigmoid()", [](const Tensor &x) { return x.sigmoid(); }},
      {"$.tanh()", [](const Tensor &x) { return x.tanh(); }},
      {"$.clamp(-4, 4).exp()",
       [](const Tensor &x) { return x.clamp(-4, 4).exp(); }},
      {"($.abs() + 1).log()",
       [](const Tensor &x) { return (x.abs() + 1).log(); }},
      {"($ * $ + 1).sqrt()",
       [](const Tensor &x) { return (x * x + 1).sqrt(); }},
      {"($.abs() + 1).rsqrt()",
       [](const Tensor &x) { return (x.abs() + 1).rsqrt(); }},
      {"$.sin()", [](const Tensor &x) { return x.sin(); }},
      {"$.cos()", [](const Tensor &x) { return x.cos(); }},
      {"$.square()", [](const Tensor &x) { return x.square(); }},
      {"$.clamp(-2, 2).pow(3)",
       [](const Tensor &x) { return x.clamp(-2, 2).pow(3); }},
      {"($.abs() + 0.5).reciprocal()",
       [](const Tensor &x) { return (x.abs() + 0.5).reciprocal(); }},
      {"($.abs() + 1).pow(0.5)",
       [](const Tensor &x) { return (x.abs() + 1).pow(0.5); }},
      {"$.clone()", [](const Tensor &x) { return x.clone(); }},
      {"$.detach()", [](const Tensor &x) { return x.detach(); }},
      {"{ NoGradGuard g; $ * 2 }",
       [](const Tensor &x) {
         NoGradGuard g;
         return x * 2;
       }},
      {"$.to(kDouble)", [](const Tensor &x) { return x.to(kDouble); }},
      {"$.to(kFloat)", [](const Tensor &x) { return x.to(kFloat); }},
      {"$.sum(kDouble)", [](const Tensor &x) { return x.sum(kDouble); }},
      {"$.norm()", [](const Tensor &x) { return x.norm(); }},
  };
  std::string n = name(a);
  switch (randInt(rng, 0, 5)) {
  case 0: { // clamp at bounds drawn from the discrete values: ties.
    double lo = pickOf(rng, {-1.0, -0.5, 0.0}),
           hi = pickOf(rng, {0.0, 0.5, 1.0});
    if (chance(rng, 0.3))
      return addOp(n + ".clamp(" + fmtScalar(lo) + ")",
                   [a, lo](const std::vector<Tensor> &v, auto &) {
                     return v[a].clamp(lo);
                   });
    return addOp(n + ".clamp(" + fmtScalar(lo) + ", " + fmtScalar(hi) + ")",
                 [a, lo, hi](const std::vector<Tensor> &v, auto &) {
                   return v[a].clamp(lo, hi);
                 });
  }
  case 1: {
    Scalar s = randScalar();
    if (chance(rng, 0.5))
      return addOp(n + ".clamp_min(" + fmtScalar(s) + ")",
                   [a, s](const std::vector<Tensor> &v, auto &) {
                     return v[a].clamp_min(s);
                   });
    return addOp(n + ".clamp_max(" + fmtScalar(s) + ")",
                 [a, s](const std::vector<Tensor> &v, auto &) {
                   return v[a].clamp_max(s);
                 });
  }
  default: {
    const Fn &f = table[randInt(rng, 0, std::size(table) - 1)];
    auto fn = f.fn;
    return addOp(subst(f.pattern, n), [a, fn](const std::vector<Tensor> &v,
                                              auto &) { return fn(v[a]); });
  }
  }
}

int Generator::genScalarBinary(int a) {
  std::string n = name(a);
  Scalar s = randScalar();
  std::string ss = fmtScalar(s);
  switch (randInt(rng, 0, 8)) {
  case 0:
    return addOp(n + " + " + ss, [a, s](const std::vector<Tensor> &v, auto &) {
      return v[a] + s;
    });
  case 1:
    return addOp(ss + " + " + n, [a, s](const std::vector<Tensor> &v, auto &) {
      return s + v[a];
    });
  case 2:
    return addOp(n + " - " + ss, [a, s](const std::vector<Tensor> &v, auto &) {
      return v[a] - s;
    });
  case 3:
    return addOp(ss + " - " + n, [a, s](const std::vector<Tensor> &v, auto &) {
      return s - v[a];
    });
  case 4:
    return addOp(n + " * " + ss, [a, s](const std::vector<Tensor> &v, auto &) {
      return v[a] * s;
    });
  case 5:
    return addOp(ss + " * " + n, [a, s](const std::vector<Tensor> &v, auto &) {
      return s * v[a];
    });
  case 6: {
    Scalar d = randScalar(/*nonzero=*/true);
    if (d.to<double>() == 0)
      d = Scalar(2.0);
    return addOp(n + " / " + fmtScalar(d), [a, d](const std::vector<Tensor> &v,
                                                  auto &) { return v[a] / d; });
  }
  case 7:
    return addOp(ss + " / (" + n + ".abs() + 1)",
                 [a, s](const std::vector<Tensor> &v, auto &) {
                   return s / (v[a].abs() + 1);
                 });
  default:
    return addOp(n + ".add(" + ss + ", 2)",
                 [a, s](const std::vector<Tensor> &v, auto &) {
                   return v[a].add(s, 2);
                 });
  }
}

int Generator::genBinary(int a) {
  int b = partnerFor(a, false);
  if (chance(rng, 0.5))
    std::swap(a, b); // the new or partner value on either side
  std::string x = name(a), y = name(b);
  switch (randInt(rng, 0, 9)) {
  case 0:
    return addOp(x + " + " + y, [a, b](const std::vector<Tensor> &v, auto &) {
      return v[a] + v[b];
    });
  case 1:
    return addOp(x + " - " + y, [a, b](const std::vector<Tensor> &v, auto &) {
      return v[a] - v[b];
    });
  case 2:
  case 3:
    return addOp(x + " * " + y, [a, b](const std::vector<Tensor> &v, auto &) {
      return v[a] * v[b];
    });
  case 4:
    return addOp(x + " / (" + y + ".abs() + 1)",
                 [a, b](const std::vector<Tensor> &v, auto &) {
                   return v[a] / (v[b].abs() + 1);
                 });
  case 5:
    return addOp("maximum(" + x + ", " + y + ")",
                 [a, b](const std::vector<Tensor> &v, auto &) {
                   return maximum(v[a], v[b]);
                 });
  case 6:
    return addOp(x + ".minimum(" + y + ")",
                 [a, b](const std::vector<Tensor> &v, auto &) {
                   return v[a].minimum(v[b]);
                 });
  case 7: {
    Scalar alpha = randScalar();
    return addOp(x + ".sub(" + y + ", " + fmtScalar(alpha) + ")",
                 [a, b, alpha](const std::vector<Tensor> &v, auto &) {
                   return v[a].sub(v[b], alpha);
                 });
  }
  case 8:
    return addOp("add(" + x + ", " + y + ", 0.5)",
                 [a, b](const std::vector<Tensor> &v, auto &) {
                   return add(v[a], v[b], 0.5);
                 });
  default:
    return addOp("(" + x + ".abs() + 1).pow(" + y + ".tanh())",
                 [a, b](const std::vector<Tensor> &v, auto &) {
                   return (v[a].abs() + 1).pow(v[b].tanh());
                 });
  }
}

int Generator::genWhere(int a) {
  int b = partnerFor(a, false);
  std::string x = name(a), y = name(b);
  Scalar s = randScalar();
  std::string ss = fmtScalar(s);
  int condKind = randInt(rng, 0, 4);
  static const char *condText[] = {"$a > $b", "$a >= $b", "$a > $s", "$b <= $s",
                                   "$a == $b"};
  std::string cond = condText[condKind];
  auto replaceAll = [](std::string str, const std::string &from,
                       const std::string &to) {
    for (size_t p = str.find(from); p != std::string::npos;
         p = str.find(from, p + to.size()))
      str.replace(p, from.size(), to);
    return str;
  };
  cond = replaceAll(replaceAll(replaceAll(cond, "$a", x), "$b", y), "$s", ss);
  auto makeCond = [a, b, s, condKind](const std::vector<Tensor> &v) {
    switch (condKind) {
    case 0:
      return v[a] > v[b];
    case 1:
      return v[a] >= v[b];
    case 2:
      return v[a] > s;
    case 3:
      return v[b] <= s;
    default:
      return v[a] == v[b];
    }
  };
  switch (randInt(rng, 0, 2)) {
  case 0:
    return addOp("where(" + cond + ", " + x + ", " + y + ")",
                 [a, b, makeCond](const std::vector<Tensor> &v, auto &) {
                   return where(makeCond(v), v[a], v[b]);
                 });
  case 1:
    return addOp("where(" + cond + ", " + x + ", " + ss + ")",
                 [a, s, makeCond](const std::vector<Tensor> &v, auto &) {
                   return where(makeCond(v), v[a], s);
                 });
  default:
    return addOp("where(" + cond + ", " + ss + ", " + y + ")",
                 [b, s, makeCond](const std::vector<Tensor> &v, auto &) {
                   return where(makeCond(v), s, v[b]);
                 });
  }
}

int Generator::genMaskedFill(int a) {
  int c = chance(rng, 0.4) ? a : partnerFor(a, true);
  Scalar s = randScalar(), fill = randScalar();
  std::string text = name(a) + ".masked_fill(" + name(c) + " < " +
                     fmtScalar(s) + ", " + fmtScalar(fill) + ")";
  return addOp(text, [a, c, s, fill](const std::vector<Tensor> &v, auto &) {
    return v[a].masked_fill(v[c] < s, fill);
  });
}

int Generator::genReduce(int a) {
  std::string n = name(a);
  int64_t r = rankOf(a);
  int kind = randInt(rng, 0, r == 0 ? 3 : 7);
  if (kind < 4) {
    static const char *names[] = {".sum()", ".mean()", ".max()", ".min()"};
    return addOp(n + names[kind],
                 [a, kind](const std::vector<Tensor> &v, auto &) {
                   switch (kind) {
                   case 0:
                     return v[a].sum();
                   case 1:
                     return v[a].mean();
                   case 2:
                     return v[a].max();
                   default:
                     return v[a].min();
                   }
                 });
  }
  bool keep = chance(rng, 0.4);
  std::string ks = keep ? "true" : "false";
  if (kind >= 6) { // max/min along a dimension: the values only
    int64_t d = randInt(rng, -r, r - 1);
    bool isMax = kind == 6;
    return addOp("std::get<0>(" + n + (isMax ? ".max(" : ".min(") +
                     std::to_string(d) + ", " + ks + "))",
                 [a, d, keep, isMax](const std::vector<Tensor> &v, auto &) {
                   return std::get<0>(isMax ? v[a].max(d, keep)
                                            : v[a].min(d, keep));
                 });
  }
  Shape dims;
  for (int64_t d = 0; d < r; ++d)
    if (chance(rng, 0.5))
      dims.push_back(chance(rng, 0.3) ? d - r : d);
  if (dims.empty())
    dims.push_back(randInt(rng, 0, r - 1));
  bool isSum = kind == 4;
  return addOp(n + (isSum ? ".sum(" : ".mean(") + fmtShape(dims) + ", " + ks +
                   ")",
               [a, dims, keep, isSum](const std::vector<Tensor> &v, auto &) {
                 return isSum ? v[a].sum(dims, keep) : v[a].mean(dims, keep);
               });
}

int Generator::genView(int a) {
  std::string n = name(a);
  Shape s = shapeOf(a);
  int64_t r = int64_t(s.size());
  auto dimIn = [&](int64_t rank) {
    int64_t d = randInt(rng, 0, rank - 1);
    return chance(rng, 0.3) ? d - rank : d;
  };
  switch (randInt(rng, 0, 12)) {
  case 0: {
    if (r < 2)
      return -1;
    int64_t d0 = dimIn(r), d1 = dimIn(r);
    return addOp(n + ".transpose(" + std::to_string(d0) + ", " +
                     std::to_string(d1) + ")",
                 [a, d0, d1](const std::vector<Tensor> &v, auto &) {
                   return v[a].transpose(d0, d1);
                 });
  }
  case 1:
    if (r > 2)
      return -1;
    return addOp(n + ".t()", [a](const std::vector<Tensor> &v, auto &) {
      return v[a].t();
    });
  case 2:
  case 3: { // reshape/view to a random factorization of numel
    int64_t left = numelOf(s);
    Shape to;
    int64_t rank = randInt(rng, left == 1 ? 0 : 1, 3);
    for (int64_t i = 0; i + 1 < rank; ++i) {
      std::vector<int64_t> divisors;
      for (int64_t d = 1; d <= left; ++d)
        if (left % d == 0 && d <= 6)
          divisors.push_back(d);
      to.push_back(pickFrom(rng, divisors));
      left /= to.back();
    }
    if (rank > 0)
      to.push_back(left);
    if (rank > 0 && chance(rng, 0.3))
      to[randInt(rng, 0, rank - 1)] = -1;
    std::string st = fmtShape(to);
    if (chance(rng, 0.5))
      return addOp(n + ".reshape(" + st + ")",
                   [a, to](const std::vector<Tensor> &v, auto &) {
                     return v[a].reshape(to);
                   });
    if (chance(rng, 0.5))
      return addOp(n + ".view(" + st + ")",
                   [a, to](const std::vector<Tensor> &v, auto &) {
                     return v[a].view(to);
                   });
    return addOp(n + ".contiguous().view(" + st + ")",
                 [a, to](const std::vector<Tensor> &v, auto &) {
                   return v[a].contiguous().view(to);
                 });
  }
  case 4: {
    if (r < 1)
      return -1;
    int64_t d0 = randInt(rng, 0, r - 1), d1 = randInt(rng, d0, r - 1);
    return addOp(n + ".flatten(" + std::to_string(d0) + ", " +
                     std::to_string(d1) + ")",
                 [a, d0, d1](const std::vector<Tensor> &v, auto &) {
                   return v[a].flatten(d0, d1);
                 });
  }
  case 5:
  case 6: { // x.index({...}) with slices, integers, None, Ellipsis
    if (r < 1)
      return -1;
    struct Idx {
      int kind; // 0 slice, 1 integer, 2 None, 3 Ellipsis
      std::optional<int64_t> start, stop;
      int64_t step, i;
    };
    std::vector<Idx> idx;
    std::string text = n + ".index({";
    bool ellipsis = r > 1 && chance(rng, 0.2);
    if (ellipsis) {
      idx.push_back({3, {}, {}, 1, 0});
      text += "Ellipsis";
    }
    int64_t count = randInt(rng, 1, std::min<int64_t>(r, 2));
    for (int64_t k = 0; k < count; ++k) {
      int64_t size = ellipsis ? s[r - count + k] : s[k];
      int kind = pickOf(rng, {0, 0, 0, 1, 2});
      if (!idx.empty())
        text += ", ";
      if (kind == 0) {
        int64_t start = randInt(rng, 0, size - 1);
        int64_t stop = randInt(rng, start + 1, size);
        int64_t step = chance(rng, 0.3) ? 2 : 1;
        Idx e{0, start, stop, step, 0};
        if (chance(rng, 0.3))
          e.start = std::nullopt, start = 0;
        if (chance(rng, 0.3))
          e.stop = std::nullopt;
        else if (stop < size && chance(rng, 0.3))
          e.stop = stop - size; // negative bound
        idx.push_back(e);
        auto b = [](std::optional<int64_t> x) {
          return x ? std::to_string(*x) : std::string("None");
        };
        text += "Slice(" + b(e.start) + ", " + b(e.stop) + ", " +
                std::to_string(step) + ")";
      } else if (kind == 1) {
        int64_t i = randInt(rng, -size, size - 1);
        idx.push_back({1, {}, {}, 1, i});
        text += std::to_string(i);
      } else {
        idx.push_back({2, {}, {}, 1, 0});
        text += "None";
        --k; // None consumes no dimension
        if (idx.size() > 4)
          break;
      }
    }
    text += "})";
    return addOp(text, [a, idx](const std::vector<Tensor> &v, auto &) {
      std::vector<TensorIndex> ti;
      for (const Idx &e : idx) {
        if (e.kind == 0)
          ti.emplace_back(Slice(e.start, e.stop, e.step));
        else if (e.kind == 1)
          ti.emplace_back(e.i);
        else if (e.kind == 2)
          ti.emplace_back(indexing::None);
        else
          ti.emplace_back(Ellipsis);
      }
      return v[a].index(ti);
    });
  }
  case 7: {
    if (r < 1)
      return -1;
    int64_t d = dimIn(r);
    int64_t size = s[d < 0 ? d + r : d];
    if (chance(rng, 0.5)) {
      int64_t i = randInt(rng, 0, size - 1);
      return addOp(n + ".select(" + std::to_string(d) + ", " +
                       std::to_string(i) + ")",
                   [a, d, i](const std::vector<Tensor> &v, auto &) {
                     return v[a].select(d, i);
                   });
    }
    int64_t start = randInt(rng, 0, size - 1);
    int64_t len = randInt(rng, 1, size - start);
    return addOp(n + ".narrow(" + std::to_string(d) + ", " +
                     std::to_string(start) + ", " + std::to_string(len) + ")",
                 [a, d, start, len](const std::vector<Tensor> &v, auto &) {
                   return v[a].narrow(d, start, len);
                 });
  }
  case 8: {
    if (r >= 4)
      return -1;
    int64_t d = dimIn(r + 1);
    return addOp(n + ".unsqueeze(" + std::to_string(d) + ")",
                 [a, d](const std::vector<Tensor> &v, auto &) {
                   return v[a].unsqueeze(d);
                 });
  }
  case 9: {
    if (r < 1 || chance(rng, 0.3))
      return addOp(n + ".squeeze()", [a](const std::vector<Tensor> &v, auto &) {
        return v[a].squeeze();
      });
    int64_t d = dimIn(r);
    return addOp(n + ".squeeze(" + std::to_string(d) + ")",
                 [a, d](const std::vector<Tensor> &v, auto &) {
                   return v[a].squeeze(d);
                 });
  }
  case 10: { // expand size-1 dimensions, maybe with a new leading one
    Shape to = s;
    for (int64_t &d : to)
      d = d == 1 ? randInt(rng, 1, 3) : (chance(rng, 0.3) ? -1 : d);
    if (r < 3 && chance(rng, 0.4))
      to.insert(to.begin(), randInt(rng, 1, 3));
    return addOp(n + ".expand(" + fmtShape(to) + ")",
                 [a, to](const std::vector<Tensor> &v, auto &) {
                   return v[a].expand(to);
                 });
  }
  case 11: {
    if (r < 2)
      return -1;
    Shape perm(r);
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    return addOp(n + ".permute(" + fmtShape(perm) + ")",
                 [a, perm](const std::vector<Tensor> &v, auto &) {
                   return v[a].permute(perm);
                 });
  }
  default:
    return addOp(n + ".contiguous()",
                 [a](const std::vector<Tensor> &v, auto &) {
                   return v[a].contiguous();
                 });
  }
}

int Generator::genMatmul(int a) {
  Shape s = shapeOf(a);
  int64_t r = int64_t(s.size());
  if (r == 0 || r > 3)
    return -1;
  int64_t k = s.back(), n = randInt(rng, 1, 5);
  Shape want;
  switch (randInt(rng, 0, 3)) {
  case 0:
    want = {k, n};
    break;
  case 1:
    want = {k};
    break;
  case 2:
    want = {r == 3 ? s[0] : randInt(rng, 1, 3), k, n};
    break;
  default:
    want = {1, k, n};
    break;
  }
  std::vector<int> same;
  for (int id = 0; id < int(dummy.size()); ++id)
    if (shapeOf(id) == want)
      same.push_back(id);
  int b = !same.empty() && chance(rng, 0.6) ? pickFrom(rng, same)
                                            : leafWithShape(want);
  if (b < 0)
    return -1;
  std::string x = name(a), y = name(b);
  int64_t rb = int64_t(want.size());
  if (r == 2 && rb == 2 && chance(rng, 0.5))
    return addOp(
        x + ".mm(" + y + ")",
        [a, b](const std::vector<Tensor> &v, auto &) { return v[a].mm(v[b]); });
  if (r == 1 && rb == 1 && chance(rng, 0.5))
    return addOp(x + ".dot(" + y + ")",
                 [a, b](const std::vector<Tensor> &v, auto &) {
                   return v[a].dot(v[b]);
                 });
  if (r == 3 && rb == 3 && s[0] == want[0] && chance(rng, 0.5))
    return addOp(x + ".bmm(" + y + ")",
                 [a, b](const std::vector<Tensor> &v, auto &) {
                   return v[a].bmm(v[b]);
                 });
  return addOp("matmul(" + x + ", " + y + ")",
               [a, b](const std::vector<Tensor> &v, auto &) {
                 return matmul(v[a], v[b]);
               });
}

int Generator::genLinear(int a) {
  if (rankOf(a) < 1 || dummy[a].dtype() != kFloat || prog.linears.size() >= 2)
    return -1;
  int64_t in = shapeOf(a).back();
  int m = -1;
  for (size_t i = 0; i < prog.linears.size(); ++i)
    if (prog.linears[i].in == in && chance(rng, 0.6))
      m = int(i);
  if (m < 0) {
    LinearSpec spec{in, randInt(rng, 1, 5), chance(rng, 0.8)};
    m = int(prog.linears.size());
    prog.linears.push_back(spec);
    dummyMods.push_back(
        nn::Linear(nn::LinearOptions(spec.in, spec.out).bias(spec.bias)));
  }
  return addOp("lin" + std::to_string(m) + "(" + name(a) + ")",
               [a, m](const std::vector<Tensor> &v,
                      std::vector<nn::Linear> &mods) { return mods[m](v[a]); });
}

int Generator::genInPlace(int a) {
  // In-place updates of a tensor the step creates (a clone or a factory),
  // so that nothing else saw its old value.
  std::string n = name(a);
  Shape s = shapeOf(a);
  int make = randInt(rng, 0, 3);
  ScalarType dt = dummy[a].dtype();
  struct Upd {
    int kind;
    int other;
    Scalar s;
  };
  std::vector<Upd> upds;
  int count = randInt(rng, 1, 2);
  // Factories start with a write of `a` so that the result depends on it.
  if (make >= 2)
    upds.push_back({chance(rng, 0.5) ? 0 : 4, a, Scalar(1)});
  for (int i = 0; i < count; ++i) {
    int kind = randInt(rng, 0, 9);
    int other = kind <= 4 ? partnerFor(a, true) : -1;
    upds.push_back({kind, other, randScalar(kind == 7)});
  }
  // Rarely, a write through a view: the trace falls back to eager.
  bool viaView = s.size() >= 1 && s[0] > 1 && chance(rng, 0.05);
  // Named after the partners: they may be new leaves.
  std::string t = "v" + std::to_string(prog.names.size());
  std::string text =
      (make <= 1   ? n + ".clone()"
       : make == 2 ? "zeros(" + fmtShape(s) + ", " + toString(dt) + ")"
                   : "full(" + fmtShape(s) + ", 0.5, " + toString(dt) + ")") +
      "; ";
  for (size_t i = 0; i < upds.size(); ++i) {
    const Upd &u = upds[i];
    std::string o = u.other >= 0 ? name(u.other) : "";
    std::string ss = fmtScalar(u.s);
    static const char *fmt[] = {
        "add_(%)", "sub_(%, @)", "mul_(%)", "add_(%, @)",    "copy_(%)",
        "add_(@)", "mul_(@)",    "div_(@)", "clamp_(-1, 1)", "relu_()"};
    std::string call;
    for (const char *c = fmt[u.kind]; *c; ++c)
      call += *c == '%' ? o : *c == '@' ? ss : std::string(1, *c);
    text += t + "." + call + "; ";
  }
  if (viaView)
    text += t + ".narrow(0, 1, 1).mul_(2); ";
  text.resize(text.size() - 2);
  return addOp(text, [a, make, s, dt, upds,
                      viaView](const std::vector<Tensor> &v, auto &) {
    Tensor x = make <= 1   ? v[a].clone()
               : make == 2 ? zeros(s, dt)
                           : full(s, 0.5, dt);
    for (const Upd &u : upds) {
      switch (u.kind) {
      case 0:
        x.add_(v[u.other]);
        break;
      case 1:
        x.sub_(v[u.other], u.s);
        break;
      case 2:
        x.mul_(v[u.other]);
        break;
      case 3:
        x.add_(v[u.other], u.s);
        break;
      case 4:
        x.copy_(v[u.other]);
        break;
      case 5:
        x.add_(u.s);
        break;
      case 6:
        x.mul_(u.s);
        break;
      case 7:
        x.div_(u.s);
        break;
      case 8:
        x.clamp_(-1, 1);
        break;
      default:
        x.relu_();
        break;
      }
    }
    if (viaView)
      x.narrow(0, 1, 1).mul_(2);
    return x;
  });
}

int Generator::genCat(int a) {
  Shape s = shapeOf(a);
  int64_t r = int64_t(s.size());
  if (r == 0)
    return -1;
  if (chance(rng, 0.25)) { // stack of two values of one shape
    int b = a;
    for (int id = 0; id < int(dummy.size()); ++id)
      if (id != a && shapeOf(id) == s && chance(rng, 0.5))
        b = id;
    int64_t d = randInt(rng, 0, r);
    return addOp("stack({" + name(a) + ", " + name(b) + "}, " +
                     std::to_string(d) + ")",
                 [a, b, d](const std::vector<Tensor> &v, auto &) {
                   return stack({v[a], v[b]}, d);
                 });
  }
  int64_t d = randInt(rng, 0, r - 1);
  std::vector<int> cands;
  for (int id = 0; id < int(dummy.size()); ++id) {
    Shape t = shapeOf(id);
    if (int64_t(t.size()) != r)
      continue;
    bool ok = true;
    for (int64_t i = 0; i < r; ++i)
      ok &= i == d || t[i] == s[i];
    if (ok)
      cands.push_back(id);
  }
  int b;
  if (!cands.empty() && chance(rng, 0.6)) {
    b = pickFrom(rng, cands);
  } else {
    Shape t = s;
    t[d] = randInt(rng, 1, 3);
    b = leafWithShape(t);
    if (b < 0)
      b = a;
  }
  bool three = chance(rng, 0.2);
  int64_t dd = chance(rng, 0.3) ? d - r : d;
  return addOp("cat({" + name(a) + ", " + name(b) +
                   (three ? ", " + name(a) : "") + "}, " + std::to_string(dd) +
                   ")",
               [a, b, dd, three](const std::vector<Tensor> &v, auto &) {
                 if (three)
                   return cat({v[a], v[b], v[a]}, dd);
                 return cat({v[a], v[b]}, dd);
               });
}

void Generator::genLoss() {
  // The newest value reduced, sometimes plus another value's mean.
  int v = lastOp;
  int kind = randInt(rng, 0, 4);
  static const char *pat[] = {"$.sum()", "$.mean()", "$.square().mean()",
                              "$.abs().sum()", "$.max()"};
  int l = addOp(subst(pat[kind], name(v)),
                [v, kind](const std::vector<Tensor> &x, auto &) {
                  switch (kind) {
                  case 0:
                    return x[v].sum();
                  case 1:
                    return x[v].mean();
                  case 2:
                    return x[v].square().mean();
                  case 3:
                    return x[v].abs().sum();
                  default:
                    return x[v].max();
                  }
                });
  if (l < 0)
    return;
  // Values no statement reads (found by name in the statements' text)
  // join the loss, so that their backward runs too.
  std::vector<bool> used(prog.names.size(), false);
  for (const Op &op : prog.ops) {
    const std::string &t = op.text;
    for (size_t i = t.find(" = ") + 3; i < t.size(); ++i) {
      if ((t[i] == 'v' || t[i] == 'p' || t[i] == 'a') && i + 1 < t.size() &&
          std::isdigit(t[i + 1]) && !std::isalnum(t[i - 1])) {
        size_t j = i + 1;
        while (j < t.size() && std::isdigit(t[j]))
          ++j;
        std::string tok = t.substr(i, j - i);
        for (size_t id = 0; id < prog.names.size(); ++id)
          if (prog.names[id] == tok)
            used[id] = true;
        i = j - 1;
      }
    }
  }
  std::vector<int> dead;
  for (const Op &op : prog.ops)
    if (!used[op.out] && op.out != l)
      dead.push_back(op.out);
  std::shuffle(dead.begin(), dead.end(), rng);
  for (size_t i = 0; i < dead.size() && i < 2; ++i) {
    int w = dead[i];
    int l2 = addOp(name(l) + " + " + name(w) + ".mean() * 0.5",
                   [l, w](const std::vector<Tensor> &x, auto &) {
                     return x[l] + x[w].mean() * 0.5;
                   });
    if (l2 >= 0)
      l = l2;
  }
  if (!dummy[l].requires_grad()) {
    // No parameter reached: add one so that backward() has work to do.
    const Leaf &p = prog.leaves[0];
    l = addOp(name(l) + " + " + name(p.id) + ".square().sum()",
              [l, p](const std::vector<Tensor> &x, auto &) {
                return x[l] + x[p.id].square().sum();
              });
  }
  prog.loss = l;
}

void Generator::genOptimizer() {
  OptimSpec &o = prog.optim;
  o.kind = pickOf(rng, {OptimSpec::SGD, OptimSpec::SGD, OptimSpec::Adam,
                        OptimSpec::Adam, OptimSpec::Manual, OptimSpec::None});
  o.lr = pickOf(rng, {1e-3, 1e-2, 0.05});
  if (o.kind == OptimSpec::SGD) {
    o.momentum = pickOf(rng, {0.0, 0.5, 0.9});
    o.nesterov = o.momentum > 0 && chance(rng, 0.4);
    o.dampening = o.nesterov ? 0 : pickOf(rng, {0.0, 0.0, 0.1});
    o.weightDecay = pickOf(rng, {0.0, 0.0, 1e-2});
  } else if (o.kind == OptimSpec::Adam) {
    auto betas = pickOf<std::pair<double, double>>(
        rng, {{0.9, 0.999}, {0.8, 0.99}, {0.5, 0.9}});
    o.beta1 = betas.first;
    o.beta2 = betas.second;
    // Adam scales each update to about lr whatever the gradient's size, so
    // a gradient that is zero in exact arithmetic but a rounding error in
    // one of the two runs moves the parameter by lr in that run only. Such
    // zeros are common with discrete values (p = -1 in p * exp(p)): a large
    // eps keeps them apart from real differences.
    bool discrete = false;
    for (const Leaf &l : prog.leaves)
      discrete |= l.discrete;
    o.eps = discrete ? pickOf(rng, {1e-3, 1e-2}) : pickOf(rng, {1e-8, 1e-6});
    o.weightDecay = pickOf(rng, {0.0, 0.0, 1e-2});
    o.amsgrad = chance(rng, 0.3);
  } else if (o.kind == OptimSpec::Manual) {
    o.manualVariant = randInt(rng, 0, 3);
  }
  size_t numAll = prog.paramNames().size();
  if (o.kind >= OptimSpec::SGD && numAll >= 2 && chance(rng, 0.3)) {
    // A second group with its own options.
    OptimSpec g = o;
    g.lr = pickOf(rng, {1e-3, 1e-2, 0.05});
    g.momentum = pickOf(rng, {0.0, 0.5});
    g.nesterov = false;
    g.dampening = 0;
    g.weightDecay = pickOf(rng, {0.0, 1e-2});
    g.beta1 = pickOf(rng, {0.9, 0.6});
    prog.group1 = g;
    prog.split = randInt(rng, 1, int64_t(numAll) - 1);
  }
}

bool Generator::dryRun(const std::vector<Shape> &argShapes,
                       const std::vector<bool> &frozen) {
  // The whole step on zeros, backward included: shapes, dtypes and
  // autograd (a loss that requires grad, no saved value modified) hold.
  std::vector<Tensor> vals(prog.names.size());
  size_t pi = 0;
  for (const Leaf &l : prog.leaves) {
    if (l.kind == Leaf::Param) {
      vals[l.id] = zeros(l.shape, l.dtype).requires_grad_(!frozen[l.index]);
      ++pi;
    } else {
      vals[l.id] =
          zeros(argShapes[l.index], l.dtype).requires_grad_(l.requiresGrad);
    }
  }
  for (nn::Linear &m : dummyMods)
    for (const Tensor &p : m->parameters())
      p.requires_grad_(!frozen[pi++]);
  try {
    for (const Op &op : prog.ops) {
      vals[op.out] = op.run(vals, dummyMods);
      // New argument sizes can change ranks (squeeze()): then a later
      // statement would get a rank it was not drawn for, and some kiln ops
      // do not check that (narrow(0, ...) of a 0-dim tensor reads out of
      // bounds).
      if (vals[op.out].dim() != dummy[op.out].dim())
        return false;
    }
    if (vals[prog.loss].dim() != 0)
      return false;
    vals[prog.loss].backward();
  } catch (const Error &) {
    return false;
  }
  return true;
}

void Generator::genCalls() {
  int n = randInt(rng, 4, 7);
  size_t numAll = prog.paramNames().size();
  auto names = prog.paramNames();
  std::vector<bool> frozen(numAll, false);
  std::vector<int> version(3, 0);
  std::vector<Shape> shape(3);
  for (const Leaf &l : prog.leaves)
    if (l.kind == Leaf::Arg)
      shape[l.index] = l.shape;
  // The options of each group as the driver changes them.
  std::vector<OptimSpec> specs{prog.optim};
  if (prog.group1)
    specs.push_back(*prog.group1);
  // Sticky: each mode is a static argument, so a change re-traces.
  int zeroMode = pickOf(rng, {0, 0, 0, 1, 2});
  for (int c = 0; c < n; ++c) {
    CallPlan plan;
    if (c > 0 && chance(rng, 0.2))
      zeroMode = pickOf(rng, {0, 1, 2});
    plan.zeroMode = zeroMode;
    if (c > 0) {
      size_t g = randInt(rng, 0, int64_t(specs.size()) - 1);
      OptimSpec &o = specs[g];
      std::string group = "group " + std::to_string(g) + " ";
      if (o.kind >= OptimSpec::SGD && chance(rng, 0.35)) {
        double lr = pickOf(rng, {1e-3, 5e-3, 1e-2, 0.03});
        plan.notes.push_back(group + "set_lr(" + std::to_string(lr) + ")");
        plan.actions.push_back([lr, g](Instance &i) {
          i.opt->param_groups()[g].options().set_lr(lr);
        });
      }
      if (o.kind == OptimSpec::SGD && chance(rng, 0.3)) {
        // Mostly new values of the same kind; a change between zero and
        // nonzero selects other code (a guard failure, a new trace).
        bool flip = chance(rng, 0.3);
        double m = pickOf(rng, {0.3, 0.9}), wd = pickOf(rng, {1e-2, 0.1});
        if (flip ? chance(rng, 0.5) : o.momentum == 0)
          m = 0;
        if (flip ? chance(rng, 0.5) : o.weightDecay == 0)
          wd = 0;
        if (o.nesterov && m == 0)
          m = 0.6;
        double damp = o.nesterov ? 0 : pickOf(rng, {0.0, 0.2});
        o.momentum = m;
        o.weightDecay = wd;
        plan.notes.push_back(group + "SGD momentum " + std::to_string(m) +
                             " dampening " + std::to_string(damp) +
                             " weight_decay " + std::to_string(wd));
        plan.actions.push_back([m, damp, wd, g](Instance &i) {
          auto &so = static_cast<optim::SGDOptions &>(
              i.opt->param_groups()[g].options());
          so.momentum(m).dampening(damp).weight_decay(wd);
        });
      }
      if (o.kind == OptimSpec::Adam && chance(rng, 0.3)) {
        double b1 = pickOf(rng, {0.9, 0.7, 0.5}),
               b2 = pickOf(rng, {0.999, 0.99, 0.9});
        double wd = o.weightDecay;
        if (chance(rng, 0.3))
          wd = o.weightDecay = pickOf(rng, {0.0, 1e-2});
        plan.notes.push_back(group + "Adam betas (" + std::to_string(b1) +
                             ", " + std::to_string(b2) + ") weight_decay " +
                             std::to_string(wd));
        plan.actions.push_back([b1, b2, wd, g](Instance &i) {
          auto &ao = static_cast<optim::AdamOptions &>(
              i.opt->param_groups()[g].options());
          ao.betas({b1, b2}).weight_decay(wd);
        });
      }
      if (chance(rng, 0.2)) { // freeze or unfreeze one parameter
        size_t k = randInt(rng, 0, int64_t(numAll) - 1);
        std::vector<bool> next = frozen;
        next[k] = !next[k];
        if (dryRun(shape, next)) {
          frozen = next;
          bool on = !frozen[k];
          plan.notes.push_back(names[k] + ".requires_grad_(" +
                               (on ? "true" : "false") + ")");
          plan.actions.push_back(
              [k, on](Instance &i) { i.allParams()[k].requires_grad_(on); });
        }
      }
      for (const Leaf &l : prog.leaves) {
        if (l.kind != Leaf::Arg)
          continue;
        if (chance(rng, 0.08)) { // new shape, if the program allows it
          std::vector<Shape> next = shape;
          for (int64_t &d : next[l.index])
            if (chance(rng, 0.5))
              d = randInt(rng, 1, 5);
          if (next[l.index] != shape[l.index] && dryRun(next, frozen)) {
            shape = next;
            ++version[l.index];
            plan.notes.push_back("new " + prog.names[l.id] + " of shape " +
                                 fmtShape(shape[l.index]));
            continue;
          }
        }
        if (chance(rng, 0.35)) {
          ++version[l.index];
          plan.notes.push_back("new " + prog.names[l.id] + " values");
        }
      }
    }
    plan.argVersion = version;
    plan.argShape = shape;
    prog.calls.push_back(plan);
  }
}

std::optional<Program> Generator::generate() {
  prog.dtype = chance(rng, 0.75) ? kFloat : kDouble;
  int nParams = randInt(rng, 1, 2);
  for (int i = 0; i < nParams; ++i)
    newLeaf(Leaf::Param, randShape());
  newLeaf(Leaf::Arg, randShape());
  int target = randInt(rng, 3, 15);
  for (int attempts = 0; int(prog.ops.size()) < target && attempts < 300;
       ++attempts) {
    int a = pickInput();
    int pickKind = randInt(rng, 0, 99);
    if (pickKind < 14)
      genUnary(a);
    else if (pickKind < 26)
      genScalarBinary(a);
    else if (pickKind < 42)
      genBinary(a);
    else if (pickKind < 47)
      genWhere(a);
    else if (pickKind < 51)
      genMaskedFill(a);
    else if (pickKind < 61)
      genReduce(a);
    else if (pickKind < 78)
      genView(a);
    else if (pickKind < 85)
      genMatmul(a);
    else if (pickKind < 88)
      genLinear(a);
    else if (pickKind < 96)
      genInPlace(a);
    else
      genCat(a);
  }
  if (lastOp < 0)
    return std::nullopt;
  prog.zeroAfterForward = chance(rng, 0.3);
  genLoss();
  if (prog.loss < 0)
    return std::nullopt;
  genOptimizer();
  // Often a view or a parameter: eager returns an alias, so must compiled.
  prog.extra = randInt(rng, 0, prog.loss);
  std::vector<Shape> shapes(3);
  for (const Leaf &l : prog.leaves)
    if (l.kind == Leaf::Arg)
      shapes[l.index] = l.shape;
  if (!dryRun(shapes, std::vector<bool>(prog.paramNames().size(), false)))
    return std::nullopt;
  genCalls();
  prog.allDouble = true;
  for (const Tensor &d : dummy)
    prog.allDouble &= d.dtype() == kDouble;
  return prog;
}

// --- The driver --------------------------------------------------------------

struct Totals {
  size_t programs = 0, redrawn = 0, calls = 0, hits = 0, traces = 0,
         compilations = 0, guardFailures = 0, fallbacks = 0;
  double compileSeconds = 0;
};

/// Runs the program's calls on a fresh instance, eagerly or compiled, and
/// returns the observations after each call.
std::vector<std::vector<Observation>>
runProgram(const Program &p, bool compiled, CompileStats *stats) {
  Instance inst(p);
  auto f = [&inst](Tensor a0, Tensor a1, Tensor a2, int zeroMode) {
    return inst.step(a0, a1, a2, zeroMode);
  };
  auto run = compile(f);
  std::vector<std::vector<Observation>> out;
  for (const CallPlan &plan : p.calls) {
    for (const auto &act : plan.actions)
      act(inst);
    inst.prepareArgs(plan);
    auto [loss, extra] =
        compiled ? run(inst.args[0], inst.args[1], inst.args[2], plan.zeroMode)
                 : f(inst.args[0], inst.args[1], inst.args[2], plan.zeroMode);
    out.push_back(observe(inst, loss, extra));
  }
  if (stats)
    *stats = run.stats();
  return out;
}

bool verbose() {
  const char *v = std::getenv("KILN_RANDOM_VERBOSE");
  return v && *v && std::string(v) != "0";
}

/// Generates, runs and compares the program of `seed`; false on a
/// difference (reported as a test failure).
bool checkSeed(uint64_t seed, Totals &totals) {
  // A draw that fails validation, or whose eager run overflows, is replaced
  // by the next draw of the same seed.
  for (uint64_t draw = 0; draw < 20; ++draw) {
    Generator gen(seed * 0x9E3779B97F4A7C15ull + draw);
    std::optional<Program> prog = gen.generate();
    if (!prog) {
      ++totals.redrawn;
      continue;
    }
    prog->seed = seed * 0x9E3779B97F4A7C15ull + draw;
    std::string where = "seed " + std::to_string(seed) + " draw " +
                        std::to_string(draw) +
                        " (rerun: KILN_RANDOM_SEED=" + std::to_string(seed) +
                        " KILN_RANDOM_PROGRAMS=1)\n" + prog->describe();
    if (verbose())
      std::cout << where;
    std::vector<std::vector<Observation>> eager;
    try {
      eager = runProgram(*prog, false, nullptr);
    } catch (const std::exception &e) {
      ADD_FAILURE() << "eager run threw (a generator or eager bug): "
                    << e.what() << "\n"
                    << where;
      return false;
    }
    bool ok = true;
    // Large gradients mean an ill-conditioned step (seed 7519: cos of
    // values near 200, gradients near 400), where parameters that differ by
    // rounding after one call give gradients that differ by 2e-4 of their
    // size the next: replaced too.
    for (const auto &call : eager)
      for (const Observation &o : call) {
        bool isGrad = o.name.size() > 5 &&
                      o.name.compare(o.name.size() - 5, 5, ".grad") == 0;
        ok &= tame(o.value, isGrad ? 100 : 1e5);
      }
    if (!ok) {
      ++totals.redrawn;
      continue;
    }
    CompileStats stats;
    std::vector<std::vector<Observation>> got;
    try {
      got = runProgram(*prog, true, &stats);
    } catch (const std::exception &e) {
      ADD_FAILURE() << "compiled run threw: " << e.what() << "\n" << where;
      return false;
    }
    ++totals.programs;
    totals.calls += stats.calls;
    totals.hits += stats.hits;
    totals.traces += stats.traces;
    totals.compilations += stats.compilations;
    totals.guardFailures += stats.guardFailures;
    totals.fallbacks += stats.fallbacks;
    totals.compileSeconds += stats.compileSeconds;
    int64_t leafElements = 0;
    for (const Leaf &l : prog->leaves)
      leafElements += numelOf(l.shape);
    for (const LinearSpec &l : prog->linears)
      leafElements += (l.in + l.bias) * l.out;
    for (size_t c = 0; c < eager.size(); ++c) {
      if (got[c].size() != eager[c].size()) {
        ADD_FAILURE() << "call " << c << ": " << eager[c].size()
                      << " observations eager, " << got[c].size()
                      << " compiled\n"
                      << where;
        return false;
      }
      for (size_t i = 0; i < eager[c].size(); ++i) {
        // The loss sums over every leaf element: parameters that agree
        // within tolerance can leave a cancelled sum off by their count
        // times as much (seed 3821: 136 elements, |loss| 0.17, 1.5e-4).
        double scale = i == 0 ? double(leafElements) : 1;
        std::string why = mismatch(eager[c][i].value, got[c][i].value,
                                   prog->allDouble, scale);
        if (!why.empty()) {
          // For triage: how far apart everything is at this call.
          std::ostringstream all;
          for (size_t j = 0; j < eager[c].size(); ++j) {
            const Tensor &e = eager[c][j].value, &g = got[c][j].value;
            all << "  " << eager[c][j].name << ": ";
            if (e.defined() && g.defined() && e.sizes() == g.sizes())
              all << (e.to(kDouble) - g.to(kDouble)).abs().max().item<double>()
                  << " (max |eager| "
                  << e.to(kDouble).abs().max().item<double>() << ")\n";
            else
              all << (e.defined() ? "defined" : "None") << " vs "
                  << (g.defined() ? "defined" : "None") << "\n";
          }
          ADD_FAILURE() << "call " << c << ", " << eager[c][i].name
                        << " differs: " << why << "\n"
                        << where << "max |eager - compiled| at call " << c
                        << ":\n"
                        << all.str() << "compile stats: " << stats.calls
                        << " calls, " << stats.traces << " traces, "
                        << stats.hits << " compiled, " << stats.fallbacks
                        << " fallbacks";
          return false;
        }
      }
    }
    return true;
  }
  ADD_FAILURE() << "seed " << seed << ": no valid program in 20 draws";
  return false;
}

uint64_t envOr(const char *name, uint64_t fallback) {
  const char *v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

} // namespace

// Sized for CI: 200 programs make about 1100 calls and 550 traces, some
// 30 s on an idle 2-core machine (Release), 45 s while it also builds.
// KILN_RANDOM_PROGRAMS runs more.
constexpr uint64_t kCiPrograms = 200;

TEST(RandomPrograms, CompiledMatchesEager) {
  uint64_t count = envOr("KILN_RANDOM_PROGRAMS", kCiPrograms);
  uint64_t first = envOr("KILN_RANDOM_SEED", 0);
  Totals totals;
  size_t failures = 0;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t seed = first; seed < first + count; ++seed)
    failures += !checkSeed(seed, totals);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::cout << "random programs: seeds " << first << ".." << first + count - 1
            << ", " << totals.programs << " programs (" << totals.redrawn
            << " draws replaced), " << totals.calls << " calls, " << totals.hits
            << " ran compiled, " << totals.traces << " traces, "
            << totals.compilations << " compilations (" << totals.compileSeconds
            << " s), " << totals.guardFailures << " guard failures, "
            << totals.fallbacks << " fallbacks, " << failures
            << " failing seeds, " << seconds << " s\n";
  // Without compiled calls the comparison would be vacuous.
  EXPECT_GT(totals.hits, 0u);
}

// --- Minimized differences -------------------------------------------------
//
// Differences the generator found, reduced by hand. Those fixed since are
// regression tests; those still failing are disabled, and the generator
// avoids their constructs unless KILN_RANDOM_KNOWN_FAILURES=1.

// Seeds 3 and 24 (an earlier generator): `x = p.clone(); x.copy_(c)` with a
// `c` that does not require grad. Eager let the gradient reach the
// overwritten clone (p.grad 4); PyTorch and the compiled code: 3. Fixed in
// 6885fdf (eager copy_ records CopyBackwards).
TEST(RandomProgramsRepro, CopyIntoCloneFromTensorWithoutGrad) {
  Tensor p = ones({2}).requires_grad_();
  Tensor c = full({2}, 3.0);
  auto f = [&] {
    Tensor x = p.clone();
    x.copy_(c);
    Tensor l = (x * p).sum();
    p.set_grad(Tensor());
    l.backward();
    return l;
  };
  f();
  Tensor eager = p.grad().clone();
  auto run = compile(f);
  for (int i = 0; i < 3; ++i)
    run(); // a trace, then compiled calls
  EXPECT_GE(run.stats().hits, 1u);
  EXPECT_TRUE(p.grad().equal(eager))
      << "eager " << eager << ", compiled " << p.grad();
  EXPECT_TRUE(eager.equal(full({2}, 3.0))) << "PyTorch's p.grad is 3";
}

// Seeds 20, 25, 33, 46, 77: an argument that requires grad, replaced by a
// new tensor after the specialization was traced. The compiled call
// accumulated the gradient into the tensor passed when tracing (x.grad 4)
// and left the new argument's .grad None; eager: x.grad 3, x2.grad 1. Fixed
// in 6885fdf.
TEST(RandomProgramsRepro, NewArgumentRequiringGrad) {
  Tensor w = ones({2}).requires_grad_();
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  auto f = [&](Tensor x) {
    opt.zero_grad();
    Tensor l = (x * w).sum();
    l.backward();
    return l;
  };
  auto run = compile(f);
  Tensor x = full({2}, 2.0).requires_grad_();
  for (int i = 0; i < 3; ++i)
    run(x); // traced twice (x.grad None, then defined), then compiled
  Tensor x2 = full({2}, 2.0).requires_grad_();
  run(x2);
  EXPECT_GE(run.stats().hits, 2u);
  EXPECT_TRUE(x.grad().equal(full({2}, 3.0))) << "x.grad " << x.grad();
  ASSERT_TRUE(x2.grad().defined());
  EXPECT_TRUE(x2.grad().equal(full({2}, 1.0))) << "x2.grad " << x2.grad();
}

// Seeds 1068, 1758, 2190: cat (or stack) of a float32 tensor that requires
// grad with a float64 one. Eager's gradient of the float32 input was float64
// (PyTorch: float32, the input's dtype; SGD then made a float64 momentum
// buffer when tracing); the compiled gradient float32. Fixed in 6885fdf.
TEST(RandomProgramsRepro, CatOfMixedDtypesGradientDtype) {
  Tensor p = ones({2}).requires_grad_();
  Tensor d = ones({2}, kDouble);
  auto f = [&] {
    p.set_grad(Tensor());
    Tensor l = cat({p, d}).sum() + stack({p, d}).sum();
    l.backward();
    return l;
  };
  f();
  ScalarType eager = p.grad().dtype();
  auto run = compile(f);
  for (int i = 0; i < 3; ++i)
    run();
  EXPECT_GE(run.stats().hits, 1u);
  EXPECT_EQ(p.grad().dtype(), eager) << "compiled vs eager";
  EXPECT_EQ(eager, kFloat) << "PyTorch: the gradient has the input's dtype";
}

// Seed 4386 (an earlier generator): `x.add_(p)` or `x.sub_(p)` of a
// float64 `p` into a float32 `x`. Eager's p.grad was float32 (PyTorch and
// compiled: float64, p's dtype): the in-place write now casts the value
// with history, so its gradient goes back through the cast.
TEST(RandomProgramsRepro, InPlaceAddOfFloat64GradientDtype) {
  Tensor p = ones({2}, kDouble).requires_grad_();
  auto f = [&] {
    p.set_grad(Tensor());
    Tensor x = ones({2});
    x.add_(p);
    x.sub_(p, 2);
    Tensor l = x.sum();
    l.backward();
    return l;
  };
  f();
  ScalarType eager = p.grad().dtype();
  auto run = compile(f);
  for (int i = 0; i < 3; ++i)
    run();
  EXPECT_GE(run.stats().hits, 1u);
  EXPECT_EQ(p.grad().dtype(), eager) << "compiled vs eager";
  EXPECT_EQ(eager, kDouble) << "PyTorch: the gradient has the input's dtype";
}
