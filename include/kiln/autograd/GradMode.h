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

} // namespace kiln

#endif // KILN_AUTOGRAD_GRADMODE_H
