//===- Module.h - nn::Module and its holder ---------------------*- C++ -*-===//
//
// libtorch's module system: an Impl class derives from Module and registers
// parameters, buffers and submodules; KILN_MODULE(Name) declares the holder
// `Name` that owns a shared NameImpl and forwards calls to its forward().
//
//===----------------------------------------------------------------------===//
#ifndef KILN_NN_MODULE_H
#define KILN_NN_MODULE_H

#include "kiln/Tensor.h"
#include "kiln/nn/OrderedDict.h"

#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

namespace kiln::nn {

template <class Contained> class ModuleHolder;
class Module;

namespace detail {
/// A module called through its holder: a traced step depends on its
/// training flag.
void noteModuleCall(const Module &module);
} // namespace detail

class Module : public std::enable_shared_from_this<Module> {
public:
  Module() = default;
  explicit Module(std::string name) : name_(std::move(name)) {}
  virtual ~Module() = default;

  /// The class name without namespace or "Impl" suffix ("Linear").
  const std::string &name() const;

  std::vector<Tensor> parameters(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;
  /// This module and every descendant, depth first.
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true);

  /// Training mode (the default) or evaluation mode, recursively.
  virtual void train(bool on = true);
  void eval() { train(false); }
  /// Read in a traced step, the flag becomes a guard of the trace.
  virtual bool is_training() const;
  /// Clears the gradients of all parameters (to None by default, as in
  /// PyTorch 2; pass false to fill them with zeros).
  void zero_grad(bool set_to_none = true);

  Tensor &register_parameter(std::string name, Tensor tensor,
                             bool requires_grad = true);
  Tensor &register_buffer(std::string name, Tensor tensor);
  template <class M>
  std::shared_ptr<M> register_module(std::string name,
                                     std::shared_ptr<M> module) {
    addChild(std::move(name), module);
    return module;
  }
  template <class M>
  std::shared_ptr<M> register_module(std::string name, ModuleHolder<M> holder) {
    addChild(std::move(name), holder.ptr());
    return holder.ptr();
  }

  /// The one-line summary inside the repr, e.g.
  /// "Linear(in_features=10, out_features=5, bias=True)".
  virtual void pretty_print(std::ostream &os) const;

protected:
  void addChild(std::string name, std::shared_ptr<Module> child);

private:
  /// `own` (parameters or buffers) of this module, then of the children,
  /// with dotted names.
  OrderedDict<std::string, Tensor>
  namedTensors(OrderedDict<std::string, Tensor> Module::*own,
               bool recurse) const;

  mutable std::string name_;
  OrderedDict<std::string, Tensor> parameters_;
  OrderedDict<std::string, Tensor> buffers_;
  OrderedDict<std::string, std::shared_ptr<Module>> children_;
  bool isTraining_ = true;
};

/// Prints the nested repr of Python's nn.Module.
std::ostream &operator<<(std::ostream &os, const Module &module);

/// Owns a shared `Contained` module; `->`, `*` and `()` reach it.
template <class Contained> class ModuleHolder {
  template <class Head, class... Tail>
  static constexpr bool isConstructorArgs = !(
      sizeof...(Tail) == 0 &&
      (std::is_base_of_v<ModuleHolder, std::decay_t<Head>> ||
       std::is_same_v<std::decay_t<Head>, std::nullptr_t> ||
       std::is_convertible_v<std::decay_t<Head>, std::shared_ptr<Contained>>));

public:
  using ContainedType = Contained;

  /// Default-constructs the module (only if it has a default constructor).
  ModuleHolder() : impl_(std::make_shared<Contained>()) {}
  /// An empty holder, to be assigned later.
  ModuleHolder(std::nullptr_t) {}
  template <class Head, class... Tail,
            std::enable_if_t<isConstructorArgs<Head, Tail...>, int> = 0>
  explicit ModuleHolder(Head &&head, Tail &&...tail)
      : impl_(std::make_shared<Contained>(std::forward<Head>(head),
                                          std::forward<Tail>(tail)...)) {}
  ModuleHolder(std::shared_ptr<Contained> module) : impl_(std::move(module)) {}

  Contained *operator->() const { return get(); }
  Contained &operator*() const { return *get(); }
  Contained *get() const {
    KILN_CHECK(impl_ != nullptr,
               "Accessing empty ModuleHolder; assign a module first");
    return impl_.get();
  }
  const std::shared_ptr<Contained> &ptr() const { return impl_; }
  bool is_empty() const { return impl_ == nullptr; }
  template <class... Args> decltype(auto) operator()(Args &&...args) const {
    detail::noteModuleCall(*get());
    return get()->forward(std::forward<Args>(args)...);
  }
  template <class Arg> decltype(auto) operator[](Arg &&arg) const {
    return (*get())[std::forward<Arg>(arg)];
  }

protected:
  std::shared_ptr<Contained> impl_;
};

template <class C>
std::ostream &operator<<(std::ostream &os, const ModuleHolder<C> &holder) {
  return os << *holder;
}

} // namespace kiln::nn

/// Declares the holder `Name` for the module class `NameImpl`, like
/// libtorch's TORCH_MODULE.
#define KILN_MODULE(Name)                                                      \
  class Name : public ::kiln::nn::ModuleHolder<Name##Impl> {                   \
  public:                                                                      \
    using ::kiln::nn::ModuleHolder<Name##Impl>::ModuleHolder;                  \
  }

#endif // KILN_NN_MODULE_H
