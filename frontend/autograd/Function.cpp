//===- Function.cpp - Custom autograd function support --------------------===//
#include "kiln/autograd/Function.h"
#include "../OpsCommon.h"

#include <cxxabi.h>
#include <memory>

namespace kiln::autograd {

void AutogradContext::save_for_backward(variable_list to_save) {
  toSave_ = std::move(to_save);
}

void AutogradContext::saveVariables(const variable_list &outputs) {
  savedVariables_.clear();
  for (const Tensor &t : toSave_) {
    bool isOutput = false;
    for (const Tensor &o : outputs)
      isOutput |= t.defined() && o.is_same(t);
    savedVariables_.emplace_back(t, isOutput);
  }
  toSave_.clear();
}

variable_list AutogradContext::get_saved_variables() const {
  variable_list out;
  for (const SavedVariable &s : savedVariables_)
    out.push_back(s.unpack());
  return out;
}

void AutogradContext::mark_non_differentiable(const variable_list &outputs) {
  for (const Tensor &t : outputs)
    nonDifferentiable_.push_back(t.getIntrusivePtr());
}

void AutogradContext::mark_dirty(const variable_list &inputs) {
  dirty_.clear();
  for (const Tensor &t : inputs)
    dirty_.push_back(t.getIntrusivePtr());
}

bool AutogradContext::isDirty(const Tensor &t) const {
  for (const auto &p : dirty_)
    if (t.defined() && p == t.getIntrusivePtr())
      return true;
  return false;
}

namespace detail {

Tensor aliasIfInput(const Tensor &out, const variable_list &inputs,
                    const AutogradContext &ctx, bool needsGrad) {
  // Without a node to attach (no input needs grad), libtorch returns a
  // dirty input as is, unless it requires grad: then a detached alias.
  if (ctx.isDirty(out) && (needsGrad || !out.requires_grad()))
    return out;
  for (const Tensor &in : inputs)
    if (in.defined() && out.is_same(in))
      return out.detach();
  return out;
}

void bumpDirty(const AutogradContext &ctx) {
  if (ctx.dirty_.empty())
    return;
  for (const auto &p : ctx.dirty_)
    p->storage->bumpVersion();
  // The trace has no in-place custom_gradient op: run such steps eagerly.
  if (trace::Recorder *r = trace::active())
    r->fail("a custom autograd Function that marks an input dirty");
}

void checkDirtyHistory(const Tensor &out) {
  KILN_CHECK(!(out.is_leaf() && out.requires_grad()),
             "a leaf Variable that requires grad has been used in an in-place "
             "operation.");
  // PyTorch rebases a view's base here; kiln rejects in-place history on
  // views everywhere (see commitInplace).
  KILN_CHECK(!out.impl().isView,
             "kiln does not support in-place operations that record "
             "autograd history on a view; use the out-of-place op");
}

void checkDirtyReturned(const AutogradContext &ctx,
                        const variable_list &outputs) {
  for (const auto &p : ctx.dirty_) {
    bool returned = false;
    for (const Tensor &o : outputs)
      returned |= o.defined() && o.getIntrusivePtr() == p;
    KILN_CHECK(returned, "Some elements marked as dirty during the forward "
                         "method were not returned as output. The inputs that "
                         "are modified inplace must all be outputs of the "
                         "Function.");
  }
}

std::string demangledFunctionName(const char *mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void *)> name(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  std::string s = status == 0 ? name.get() : mangled;
  size_t colon = s.rfind("::");
  return colon == std::string::npos ? s : s.substr(colon + 2);
}

variable_list gradientsOfTensorArguments(const std::string &name,
                                         const std::vector<bool> &isVariable,
                                         variable_list grads) {
  size_t n = isVariable.size();
  // Trailing undefined gradients may be omitted or extra, as in libtorch.
  if (grads.size() > n) {
    bool extraDefined = false;
    for (size_t i = n; i < grads.size(); ++i)
      extraDefined |= grads[i].defined();
    if (!extraDefined)
      grads.resize(n);
  }
  checkBackwardArity(name, n, grads.size());
  variable_list out;
  for (size_t i = 0; i < n; ++i) {
    if (isVariable[i]) {
      out.push_back(std::move(grads[i]));
      continue;
    }
    KILN_CHECK(!grads[i].defined(), "function ", name,
               " returned a gradient different than None at position ", i + 1,
               ", but the corresponding forward input was not a Variable");
  }
  return out;
}

void checkBackwardArity(const std::string &name, size_t expected, size_t got) {
  KILN_CHECK(expected == got, "function ", name,
             " returned an incorrect number of gradients (expected ", expected,
             ", got ", got, ")");
}

void validateGradients(const std::string &name,
                       const std::vector<std::vector<int64_t>> &inputSizes,
                       const std::vector<ScalarType> &inputTypes,
                       variable_list &grads) {
  for (size_t i = 0; i < grads.size() && i < inputSizes.size(); ++i) {
    Tensor &g = grads[i];
    if (!g.defined())
      continue;
    IntArrayRef want(inputSizes[i]);
    if (g.sizes() != want) {
      // The input's shape must broadcast to the gradient's.
      bool expandable = want.size() <= g.sizes().size();
      for (size_t k = 0; expandable && k < want.size(); ++k) {
        int64_t w = want[want.size() - 1 - k];
        int64_t have = g.sizes()[g.sizes().size() - 1 - k];
        expandable = w == have || w == 1;
      }
      KILN_CHECK(expandable, "Function ", name,
                 " returned an invalid gradient at index ", i, " - got ",
                 g.sizes(), " but expected shape compatible with ", want);
      g = kiln::detail::sumTo(g, want);
    }
    if (g.dtype() != inputTypes[i])
      g = kiln::detail::castTo(g, inputTypes[i]);
  }
}

} // namespace detail
} // namespace kiln::autograd
