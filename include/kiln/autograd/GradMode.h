//===- GradMode.h - Whether operations record autograd history --*- C++ -*-===//
#ifndef KILN_AUTOGRAD_GRADMODE_H
#define KILN_AUTOGRAD_GRADMODE_H

namespace kiln {

/// Thread-local switch, on by default.
struct GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

/// Sets grad mode for a scope, then restores it.
class AutoGradMode {
public:
  explicit AutoGradMode(bool enabled) : prev_(GradMode::is_enabled()) {
    GradMode::set_enabled(enabled);
  }
  ~AutoGradMode() { GradMode::set_enabled(prev_); }
  AutoGradMode(const AutoGradMode &) = delete;
  AutoGradMode &operator=(const AutoGradMode &) = delete;

private:
  bool prev_;
};

/// Python's `with torch.no_grad():`.
class NoGradGuard : public AutoGradMode {
public:
  NoGradGuard() : AutoGradMode(false) {}
};

/// libtorch's InferenceMode guard, reduced to what kiln tracks: while
/// enabled, operations record no autograd history (as NoGradGuard) and
/// InferenceMode::is_enabled() is true. Tensors made inside are ordinary
/// tensors (kiln has no separate "inference tensor" kind).
class InferenceMode {
public:
  explicit InferenceMode(bool enabled = true)
      : prevGrad_(GradMode::is_enabled()), prevInference_(enabledFlag()) {
    enabledFlag() = enabled;
    // InferenceMode(false) leaves grad mode as it was.
    GradMode::set_enabled(enabled ? false : prevGrad_);
  }
  ~InferenceMode() {
    enabledFlag() = prevInference_;
    GradMode::set_enabled(prevGrad_);
  }
  InferenceMode(const InferenceMode &) = delete;
  InferenceMode &operator=(const InferenceMode &) = delete;
  static bool is_enabled() { return enabledFlag(); }

private:
  static bool &enabledFlag() {
    thread_local bool enabled = false;
    return enabled;
  }
  bool prevGrad_;
  bool prevInference_;
};

} // namespace kiln

#endif // KILN_AUTOGRAD_GRADMODE_H
