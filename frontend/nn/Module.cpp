//===- Module.cpp - nn::Module
//---------------------------------------------===//
#include "kiln/nn/Module.h"
#include "kiln/Trace.h"
#include "kiln/autograd/Function.h"
#include "kiln/autograd/GradMode.h"

#include <cxxabi.h>
#include <sstream>

namespace kiln::nn {

const std::string &Module::name() const {
  if (name_.empty()) {
    int status = 0;
    const char *mangled = typeid(*this).name();
    std::unique_ptr<char, void (*)(void *)> demangled(
        abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
    name_ = status == 0 ? demangled.get() : mangled;
  }
  return name_;
}

std::string detail_reprName(const Module &module) {
  if (module.nameGiven_)
    return module.name_;
  std::string name =
      autograd::detail::demangledFunctionName(typeid(module).name());
  const std::string suffix = "Impl";
  if (name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    name.resize(name.size() - suffix.size());
  return name;
}

OrderedDict<std::string, Tensor>
Module::namedTensors(OrderedDict<std::string, Tensor> Module::*own,
                     bool recurse) const {
  OrderedDict<std::string, Tensor> out;
  // Undefined tensors (a Linear without bias) are registered but, as in
  // libtorch, not listed.
  for (auto &t : this->*own)
    if (t.value().defined())
      out.insert(t.key(), t.value());
  if (recurse)
    for (auto &child : children_)
      for (auto &t : child.value()->namedTensors(own, true))
        out.insert(child.key() + "." + t.key(), t.value());
  return out;
}

OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  return namedTensors(&Module::parameters_, recurse);
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  return named_parameters(recurse).values();
}

OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  return namedTensors(&Module::buffers_, recurse);
}

std::vector<Tensor> Module::buffers(bool recurse) const {
  return named_buffers(recurse).values();
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  return children_.values();
}

OrderedDict<std::string, std::shared_ptr<Module>>
Module::named_children() const {
  return children_;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) {
  std::vector<std::shared_ptr<Module>> out;
  if (include_self)
    out.push_back(shared_from_this_checked());
  for (auto &child : children_)
    for (auto &m : child.value()->modules(true))
      out.push_back(m);
  return out;
}

OrderedDict<std::string, std::shared_ptr<Module>>
Module::named_modules(const std::string &name_prefix, bool include_self) {
  OrderedDict<std::string, std::shared_ptr<Module>> out;
  if (include_self)
    out.insert(name_prefix, shared_from_this_checked());
  for (auto &child : children_) {
    std::string name =
        name_prefix.empty() ? child.key() : name_prefix + "." + child.key();
    for (auto &m : child.value()->named_modules(name, true))
      out.insert(m.key(), m.value());
  }
  return out;
}

std::shared_ptr<Module> Module::shared_from_this_checked() const {
  std::shared_ptr<const Module> ptr = weak_from_this().lock();
  KILN_CHECK(ptr != nullptr,
             "It looks like you attempted to retrieve your top-level module "
             "as a shared_ptr, but it is not stored in a shared_ptr. "
             "Use std::make_shared<",
             detail_reprName(*this),
             "> instead of creating your module on the stack, or "
             "alternatively do not try to access your top-level module at "
             "all by passing /*include_self=*/false to modules() or "
             "named_modules()");
  return std::const_pointer_cast<Module>(ptr);
}

void Module::apply(const std::function<void(Module &)> &fn) {
  fn(*this);
  for (auto &child : children_)
    child.value()->apply(fn);
}

void Module::apply(const std::function<void(const std::string &, Module &)> &fn,
                   const std::string &name_prefix) {
  fn(name_prefix, *this);
  for (auto &child : children_)
    child.value()->apply(fn, name_prefix.empty()
                                 ? child.key()
                                 : name_prefix + "." + child.key());
}

void Module::apply(const std::function<void(const Module &)> &fn) const {
  fn(*this);
  for (auto &child : children_)
    static_cast<const Module &>(*child.value()).apply(fn);
}

void Module::apply(
    const std::function<void(const std::string &, const Module &)> &fn,
    const std::string &name_prefix) const {
  fn(name_prefix, *this);
  for (auto &child : children_)
    static_cast<const Module &>(*child.value())
        .apply(fn, name_prefix.empty() ? child.key()
                                       : name_prefix + "." + child.key());
}

void Module::apply(
    const std::function<void(const std::shared_ptr<Module> &)> &fn) const {
  fn(shared_from_this_checked());
  for (auto &child : children_)
    child.value()->apply(fn);
}

void Module::apply(
    const std::function<void(const std::string &,
                             const std::shared_ptr<Module> &)> &fn,
    const std::string &name_prefix) const {
  fn(name_prefix, shared_from_this_checked());
  for (auto &child : children_)
    child.value()->apply(fn, name_prefix.empty()
                                 ? child.key()
                                 : name_prefix + "." + child.key());
}

void Module::to(ScalarType dtype, bool non_blocking) {
  for (auto &child : children_)
    child.value()->to(dtype, non_blocking);
  NoGradGuard noGrad;
  for (auto &p : parameters_)
    if (p.value().defined())
      p.value().set_data(p.value().to(dtype, non_blocking));
  for (auto &b : buffers_)
    if (b.value().defined())
      b.value().set_data(b.value().to(dtype, non_blocking));
}

void Module::to(Device device, bool non_blocking) {
  for (auto &child : children_)
    child.value()->to(device, non_blocking);
  for (auto &p : parameters_)
    if (p.value().defined())
      p.value().to(device); // Checks the device; kiln tensors stay put.
  for (auto &b : buffers_)
    if (b.value().defined())
      b.value().to(device);
}

void Module::to(Device device, ScalarType dtype, bool non_blocking) {
  to(device, non_blocking);
  to(dtype, non_blocking);
}

std::shared_ptr<Module> Module::clone(const std::optional<Device> &) const {
  KILN_CHECK(false, "clone() has not been implemented for ",
             detail_reprName(*this), ". Subclass kiln::nn::Cloneable<",
             detail_reprName(*this),
             "> instead of kiln::nn::Module to inherit the ability to clone.");
  return nullptr;
}

void Module::clone_(Module &, const std::optional<Device> &) {
  KILN_CHECK(false, "clone() has not been implemented for ",
             detail_reprName(*this), ". Subclass kiln::nn::Cloneable<",
             detail_reprName(*this),
             "> instead of kiln::nn::Module to inherit the ability to clone.");
}

void Module::unregister_module(const std::string &name) {
  KILN_CHECK(children_.contains(name), "No Module with name `", name,
             "` is registered");
  children_.erase(name);
}

bool Module::is_training() const {
  if (auto *r = trace::active()) {
    // Guard through a weak reference where the module is shared-owned (as
    // registered modules and holders are): a dead module fails the guard.
    std::weak_ptr<const Module> weak = weak_from_this();
    bool owned = !weak.expired(), now = isTraining_;
    const Module *self = this;
    r->guardOnce(
        this, "training",
        [&] {
          return [weak, owned, self, now] {
            if (!owned)
              return self->isTraining_ == now;
            auto m = weak.lock();
            return m && m->isTraining_ == now;
          };
        },
        "the training flag of a " + detail_reprName(*this) + " module (" +
            (now ? "train()" : "eval()") + ")");
  }
  return isTraining_;
}

void detail::noteModuleCall(const Module &module) {
  if (trace::active())
    module.Module::is_training();
}

void Module::train(bool on) {
  isTraining_ = on;
  for (auto &child : children_)
    child.value()->train(on);
}

void Module::zero_grad(bool set_to_none) {
  autograd::zeroGrads(parameters(), set_to_none);
}

Tensor &Module::register_parameter(std::string name, Tensor tensor,
                                   bool requires_grad) {
  KILN_CHECK(!name.empty(), "Parameter name must not be empty");
  KILN_CHECK(name.find('.') == std::string::npos,
             "Parameter name must not contain a dot (got '", name, "')");
  if (tensor.defined())
    tensor.requires_grad_(requires_grad);
  return parameters_.insert(std::move(name), std::move(tensor));
}

Tensor &Module::register_buffer(std::string name, Tensor tensor) {
  KILN_CHECK(!name.empty(), "Buffer name must not be empty");
  KILN_CHECK(name.find('.') == std::string::npos,
             "Buffer name must not contain a dot (got '", name, "')");
  return buffers_.insert(std::move(name), std::move(tensor));
}

void Module::addChild(std::string name, std::shared_ptr<Module> child) {
  KILN_CHECK(!name.empty(), "Submodule name must not be empty");
  KILN_CHECK(name.find('.') == std::string::npos,
             "Submodule name must not contain a dot (got '", name, "')");
  KILN_CHECK(child != nullptr, "Submodule '", name, "' is empty");
  children_.insert(std::move(name), std::move(child));
}

void Module::pretty_print(std::ostream &os) const {
  os << detail_reprName(*this) << "()";
}

namespace {
void printNested(std::ostream &os, const Module &m) {
  auto children = m.named_children();
  if (children.is_empty()) {
    m.pretty_print(os);
    return;
  }
  os << detail_reprName(m) << "(\n";
  for (auto &child : children) {
    std::ostringstream inner;
    printNested(inner, *child.value());
    // Indent the continuation lines of the child's repr by two spaces.
    std::string text = inner.str(), indented;
    for (char c : text) {
      indented += c;
      if (c == '\n')
        indented += "  ";
    }
    os << "  (" << child.key() << "): " << indented << "\n";
  }
  os << ")";
}
} // namespace

std::ostream &operator<<(std::ostream &os, const Module &module) {
  printNested(os, module);
  return os;
}

} // namespace kiln::nn
