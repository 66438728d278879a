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
#include "kiln/autograd/GradMode.h"
#include "kiln/nn/OrderedDict.h"

#include <functional>
#include <memory>
#include <optional>
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
template <class T, class = void> constexpr bool isHolder = false;
template <class T>
constexpr bool isHolder<T, std::void_t<typename T::ContainedType>> = true;
} // namespace detail

class Module : public std::enable_shared_from_this<Module> {
public:
  Module() = default;
  explicit Module(std::string name)
      : name_(std::move(name)), nameGiven_(true) {}
  virtual ~Module() = default;

  /// The name given to the constructor, else the demangled class name
  /// (libtorch's: "kiln::nn::LinearImpl", "test::MyModule").
  const std::string &name() const;

  std::vector<Tensor> parameters(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;
  /// This module and every descendant, depth first. Including itself
  /// needs the module to be owned by a shared_ptr (libtorch's error
  /// otherwise).
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true);
  /// modules() with dotted names; this module is `name_prefix` ("").
  OrderedDict<std::string, std::shared_ptr<Module>>
  named_modules(const std::string &name_prefix = std::string(),
                bool include_self = true);

  /// This module as `T` (an Impl class or a holder type), or null.
  template <class T> auto as() noexcept {
    if constexpr (detail::isHolder<T>)
      return dynamic_cast<typename T::ContainedType *>(this);
    else
      return dynamic_cast<T *>(this);
  }
  template <class T> auto as() const noexcept {
    if constexpr (detail::isHolder<T>)
      return dynamic_cast<const typename T::ContainedType *>(this);
    else
      return dynamic_cast<const T *>(this);
  }

  /// Calls `fn` on this module and every descendant, depth first.
  void apply(const std::function<void(Module &)> &fn);
  void apply(const std::function<void(const std::string &, Module &)> &fn,
             const std::string &name_prefix = std::string());
  void apply(const std::function<void(const Module &)> &fn) const;
  void apply(const std::function<void(const std::string &, const Module &)> &fn,
             const std::string &name_prefix = std::string()) const;
  /// The shared_ptr forms need the module to be owned by a shared_ptr.
  void
  apply(const std::function<void(const std::shared_ptr<Module> &)> &fn) const;
  void apply(const std::function<void(const std::string &,
                                      const std::shared_ptr<Module> &)> &fn,
             const std::string &name_prefix = std::string()) const;

  /// Converts every parameter and buffer, recursively, keeping their
  /// identity (set_data), as libtorch does.
  virtual void to(ScalarType dtype, bool non_blocking = false);
  virtual void to(Device device, bool non_blocking = false);
  virtual void to(Device device, ScalarType dtype, bool non_blocking = false);

  /// A deep copy; modules deriving from Cloneable<T> implement it.
  virtual std::shared_ptr<Module>
  clone(const std::optional<Device> &device = std::nullopt) const;

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
  /// Swaps the submodule `name` for `module` (which must be registered
  /// already under that name).
  template <class M>
  std::shared_ptr<M> replace_module(const std::string &name,
                                    std::shared_ptr<M> module) {
    children_[name] = module;
    return module;
  }
  template <class M>
  std::shared_ptr<M> replace_module(const std::string &name,
                                    ModuleHolder<M> holder) {
    return replace_module(name, holder.ptr());
  }
  void unregister_module(const std::string &name);

  /// The one-line summary inside the repr, e.g.
  /// "Linear(in_features=10, out_features=5, bias=True)".
  virtual void pretty_print(std::ostream &os) const;

protected:
  void addChild(std::string name, std::shared_ptr<Module> child);
  /// shared_from_this() with libtorch's error for a module not owned by a
  /// shared_ptr.
  std::shared_ptr<Module> shared_from_this_checked() const;

  template <class Derived> friend class Cloneable;
  friend class ParameterListImpl;
  friend class ParameterDictImpl;
  /// Becomes a deep copy of `other` (Cloneable submodules of a clone).
  virtual void clone_(Module &other, const std::optional<Device> &device);

private:
  /// `own` (parameters or buffers) of this module, then of the children,
  /// with dotted names.
  OrderedDict<std::string, Tensor>
  namedTensors(OrderedDict<std::string, Tensor> Module::*own,
               bool recurse) const;

  friend std::string detail_reprName(const Module &module);
  mutable std::string name_;
  bool nameGiven_ = false;
  OrderedDict<std::string, Tensor> parameters_ =
      OrderedDict<std::string, Tensor>("Parameter");
  OrderedDict<std::string, Tensor> buffers_ =
      OrderedDict<std::string, Tensor>("Buffer");
  OrderedDict<std::string, std::shared_ptr<Module>> children_ =
      OrderedDict<std::string, std::shared_ptr<Module>>("Submodule");
  bool isTraining_ = true;
};

/// libtorch's base for modules that can deep-copy themselves: the class
/// re-creates its parameters, buffers and submodules in `reset()`, and
/// clone() copies their values into a fresh instance.
template <class Derived> class Cloneable : public Module {
public:
  using Module::Module;
  /// (Re)creates every parameter, buffer and submodule.
  virtual void reset() = 0;

  std::shared_ptr<Module>
  clone(const std::optional<Device> &device = std::nullopt) const override {
    NoGradGuard noGrad;
    auto copy = std::make_shared<Derived>(static_cast<const Derived &>(*this));
    copy->parameters_.clear();
    copy->buffers_.clear();
    copy->children_.clear();
    copy->reset();
    KILN_CHECK(copy->parameters_.size() == parameters_.size(),
               "The cloned module does not have the same number of "
               "parameters as the original module. Did you forget to call "
               "reset() in the cloned module's constructor?");
    KILN_CHECK(copy->buffers_.size() == buffers_.size(),
               "The cloned module does not have the same number of buffers "
               "as the original module. Did you forget to call reset() in the "
               "cloned module's constructor?");
    KILN_CHECK(copy->children_.size() == children_.size(),
               "The cloned module does not have the same number of child "
               "modules as the original module. Did you forget to call "
               "reset() in the cloned module's constructor?");
    for (const auto &p : parameters_)
      if (p.value().defined())
        copy->parameters_[p.key()].set_data(
            device ? p.value().to(*device).clone() : p.value().clone());
    for (const auto &b : buffers_)
      if (b.value().defined())
        copy->buffers_[b.key()].set_data(device ? b.value().to(*device).clone()
                                                : b.value().clone());
    // The submodules reset() made take our clones' state in place, so
    // that holder members of the copy keep pointing at them.
    for (const auto &c : children_)
      copy->children_[c.key()]->clone_(*c.value(), device);
    return copy;
  }

private:
  void clone_(Module &other, const std::optional<Device> &device) final {
    auto clone = std::dynamic_pointer_cast<Derived>(other.clone(device));
    KILN_CHECK(clone != nullptr,
               "Attempted to clone submodule, but it is of a different type "
               "than the submodule it was to be cloned into");
    static_cast<Derived &>(*this) = *clone;
  }
};

/// Prints the nested repr of Python's nn.Module.
std::ostream &operator<<(std::ostream &os, const Module &module);

/// The class name as Python's repr shows it: the name given to the
/// constructor, else the class name without namespaces or "Impl" suffix.
std::string detail_reprName(const Module &module);

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
  bool is_empty() const noexcept { return impl_ == nullptr; }
  /// True when the holder holds a module.
  explicit operator bool() const noexcept { return !is_empty(); }
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
