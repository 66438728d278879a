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

namespace detail {

Tensor aliasIfInput(const Tensor &out, const variable_list &inputs) {
  for (const Tensor &in : inputs)
    if (in.defined() && out.is_same(in))
      return out.detach();
  return out;
}

std::string demangledFunctionName(const char *mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void *)> name(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  std::string s = status == 0 ? name.get() : mangled;
  size_t colon = s.rfind("::");
  return colon == std::string::npos ? s : s.substr(colon + 2);
}

void checkBackwardArity(const std::string &name, size_t expected, size_t got) {
  KILN_CHECK(expected == got, "function ", name,
             " returned an incorrect number of gradients (expected ", expected,
             ", got ", got, ")");
}

} // namespace detail
} // namespace kiln::autograd
