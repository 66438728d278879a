//===- Optimizer.h - Base class of the optimizers ---------------*- C++ -*-===//
#ifndef KILN_OPTIM_OPTIMIZER_H
#define KILN_OPTIM_OPTIMIZER_H

#include "kiln/Arg.h"
#include "kiln/Tensor.h"

#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace kiln::trace {
class Recorder;
} // namespace kiln::trace

namespace kiln::guts {
/// libtorch's c10::guts::to_string: what `operator<<` prints.
template <class T> std::string to_string(const T &value) {
  std::ostringstream out;
  out << value;
  return out.str();
}
} // namespace kiln::guts

namespace kiln::optim {

/// Options shared by every optimizer; each optimizer derives its own.
class OptimizerOptions {
public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const;
  virtual double get_lr() const;
  virtual void set_lr(double lr);
  /// Gives every option that was not set explicitly (through its setter or
  /// the constructor) the value it has in `defaults`: a parameter group's
  /// options inherit the optimizer's defaults, as in libtorch.
  virtual void inherit_unset_from(const OptimizerOptions &defaults) {
    (void)defaults;
  }
};

/// libtorch's base for options classes: implements clone().
template <class Derived>
class OptimizerCloneableOptions : public OptimizerOptions {
public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived &>(*this));
  }
};

/// KILN_ARG that also records that the option was set explicitly (bit
/// `bit` of `explicitOptions_`), so that parameter groups can inherit the
/// options they did not set.
#define KILN_OPTIM_ARG(T, name, bit)                                           \
public:                                                                        \
  inline auto name(const T &new_##name)->decltype(*this) {                     \
    this->name##_ = new_##name;                                                \
    this->explicitOptions_ |= 1u << (bit);                                     \
    return *this;                                                              \
  }                                                                            \
  inline const T &name() const noexcept { return this->name##_; }              \
  inline T &name() noexcept { return this->name##_; }                          \
                                                                               \
private:                                                                       \
  T name##_

/// Per-parameter state (momentum buffers, moments, step counts).
class OptimizerParamState {
public:
  virtual ~OptimizerParamState() = default;
  virtual std::unique_ptr<OptimizerParamState> clone() const;
};

/// libtorch's base for parameter states: implements clone().
template <class Derived>
class OptimizerCloneableParamState : public OptimizerParamState {
public:
  std::unique_ptr<OptimizerParamState> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived &>(*this));
  }
};

namespace detail {
int64_t readStepCount(const Tensor &step);
/// Whether two state tensors are both undefined or equal.
bool sameState(const Tensor &a, const Tensor &b);
void writeStepCount(Tensor &step, int64_t value);
} // namespace detail

/// libtorch's `step` of a parameter state, an int64 count: `s.step()` reads
/// it, `s.step(n)` sets it. kiln keeps it as a float64 0-dim tensor
/// (`step_tensor()`), so that a compiled step updates it and its bias
/// corrections follow it; `step(n)` writes that tensor in place.
#define KILN_OPTIM_STEP_STATE()                                                \
public:                                                                        \
  int64_t step() const { return ::kiln::optim::detail::readStepCount(step_); } \
  auto step(int64_t new_step)->decltype(*this) {                               \
    ::kiln::optim::detail::writeStepCount(step_, new_step);                    \
    return *this;                                                              \
  }                                                                            \
  const Tensor &step_tensor() const noexcept { return step_; }                 \
  Tensor &step_tensor() noexcept { return step_; }                             \
                                                                               \
private:                                                                       \
  Tensor step_

/// The key of Optimizer::state(): a parameter's TensorImpl. libtorch keys
/// the state by the string `c10::guts::to_string(p.unsafeGetTensorImpl())`;
/// here the pointer and that string (`kiln::guts::to_string`) both convert.
class ParamStateKey {
public:
  ParamStateKey(const TensorImpl *impl) : impl_(impl) {}
  /// libtorch 2's key type is `void*`.
  ParamStateKey(const void *impl)
      : impl_(static_cast<const TensorImpl *>(impl)) {}
  ParamStateKey(const std::string &address);
  ParamStateKey(const char *address) : ParamStateKey(std::string(address)) {}
  const TensorImpl *get() const noexcept { return impl_; }
  /// The address as libtorch's key spells it.
  std::string str() const;
  operator std::string() const { return str(); }
  friend bool operator==(const ParamStateKey &a, const ParamStateKey &b) {
    return a.impl_ == b.impl_;
  }
  friend bool operator!=(const ParamStateKey &a, const ParamStateKey &b) {
    return a.impl_ != b.impl_;
  }
  struct Hash {
    size_t operator()(const ParamStateKey &k) const noexcept {
      return std::hash<const void *>()(k.impl_);
    }
  };

private:
  const TensorImpl *impl_;
};

using OptimizerState =
    std::unordered_map<ParamStateKey, std::unique_ptr<OptimizerParamState>,
                       ParamStateKey::Hash>;

class OptimizerParamGroup {
public:
  OptimizerParamGroup(std::vector<Tensor> params)
      : params_(std::move(params)) {}
  OptimizerParamGroup(std::vector<Tensor> params,
                      std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup &other)
      : params_(other.params_),
        options_(other.options_ ? other.options_->clone() : nullptr) {}

  std::vector<Tensor> &params() { return params_; }
  const std::vector<Tensor> &params() const { return params_; }
  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions &options() {
    KILN_CHECK(options_ != nullptr, "Expected non-null options");
    return *options_;
  }
  const OptimizerOptions &options() const {
    KILN_CHECK(options_ != nullptr, "Expected non-null options");
    return *options_;
  }
  void set_options(std::unique_ptr<OptimizerOptions> options) {
    options_ = std::move(options);
  }

private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

using LossClosure = std::function<Tensor()>;

class Optimizer {
public:
  Optimizer(std::vector<OptimizerParamGroup> groups,
            std::unique_ptr<OptimizerOptions> defaults);
  /// One parameter group holding `parameters`.
  Optimizer(std::vector<Tensor> parameters,
            std::unique_ptr<OptimizerOptions> defaults);
  virtual ~Optimizer() = default;

  /// One update of every parameter from its `.grad`; a closure, if given,
  /// re-evaluates the loss first and its value is returned.
  virtual Tensor step(LossClosure closure = nullptr) = 0;
  /// Clears gradients (to None by default, as in PyTorch 2).
  void zero_grad(bool set_to_none = true);
  void add_param_group(const OptimizerParamGroup &group);
  /// Appends `parameters` to the first parameter group (libtorch's old
  /// interface).
  void add_parameters(const std::vector<Tensor> &parameters);

  std::vector<OptimizerParamGroup> &param_groups() { return groups_; }
  const std::vector<OptimizerParamGroup> &param_groups() const {
    return groups_;
  }
  /// All parameters of all groups.
  std::vector<Tensor> parameters() const;
  size_t size() const;
  OptimizerOptions &defaults() { return *defaults_; }
  const OptimizerOptions &defaults() const { return *defaults_; }
  /// State by parameter, created on the first step.
  OptimizerState &state() { return state_; }
  const OptimizerState &state() const { return state_; }

protected:
  /// Runs the closure of step(), with grad mode on.
  static Tensor runClosure(const LossClosure &closure);
  /// Makes a trace depend on whether `param`'s state had been created, as
  /// `created` tells; the state object must outlive the compiled function.
  void guardStateCreated(trace::Recorder &r, const Tensor &param,
                         bool (*created)(const OptimizerParamState &),
                         const char *what);
  /// A hyperparameter of group `group` in a traced update: a 0-dim float64
  /// tensor that compiled calls read through `get` on every call, so that
  /// changing it (an LR schedule) needs no re-trace.
  template <class O>
  Tensor tracedHyper(trace::Recorder &r, size_t group, const char *name,
                     double (*get)(const O &)) {
    const O &o = static_cast<const O &>(groups_[group].options());
    return tracedScalar(r, group, name, get(o), [this, group, get] {
      return get(static_cast<const O &>(groups_.at(group).options()));
    });
  }
  /// Makes a trace depend on the parameter groups (count and members) and
  /// on group `group`'s options through `flags`, which encodes the options
  /// that select code (nonzero weight decay, nesterov, ...).
  template <class O>
  void guardGroup(trace::Recorder &r, size_t group,
                  int64_t (*flags)(const O &)) {
    guardGroups(r);
    int64_t now = flags(static_cast<const O &>(groups_[group].options()));
    guardGroupFlags(r, group, now, [this, group, flags] {
      return flags(static_cast<const O &>(groups_.at(group).options()));
    });
  }
  /// Ends a fused in-place update computed on `dense` (`param` itself, or
  /// a dense copy of a strided parameter).
  static void writeBack(const Tensor &param, const Tensor &dense);
  /// Whether `param` has a gradient to apply, checked as every optimizer
  /// does (`optimizer` names it in the errors); when tracing, whether the
  /// gradient is defined is guarded.
  static bool hasGradientToApply(const Tensor &param, const char *optimizer);

  Tensor tracedScalar(trace::Recorder &r, size_t group, const char *name,
                      double current, std::function<double()> read);
  void guardGroups(trace::Recorder &r);
  void guardGroupFlags(trace::Recorder &r, size_t group, int64_t flags,
                       std::function<int64_t()> read);

  template <class S> S &stateFor(const Tensor &param) {
    auto &slot = state_[param.getIntrusivePtr().get()];
    if (!slot)
      slot = std::make_unique<S>();
    return static_cast<S &>(*slot);
  }

  std::vector<OptimizerParamGroup> groups_;
  std::unique_ptr<OptimizerOptions> defaults_;
  OptimizerState state_;
};

} // namespace kiln::optim

#endif // KILN_OPTIM_OPTIMIZER_H
