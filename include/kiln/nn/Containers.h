//===- Containers.h - ModuleList, ModuleDict, Functional --------*- C++ -*-===//
//
// libtorch's module containers. Their modules are registered as children
// (named "0", "1", ... in a ModuleList, by key in a ModuleDict), so
// parameters(), train()/eval() and printing see them.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_NN_CONTAINERS_H
#define KILN_NN_CONTAINERS_H

#include "kiln/nn/Modules.h"

#include <functional>
#include <tuple>
#include <utility>

namespace kiln::nn {

/// A list of modules without a forward of its own.
class ModuleListImpl : public Module {
public:
  ModuleListImpl() = default;
  template <class... Modules> explicit ModuleListImpl(Modules &&...modules) {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  void push_back(std::shared_ptr<Module> module);
  template <class M> void push_back(const ModuleHolder<M> &holder) {
    push_back(std::shared_ptr<Module>(holder.ptr()));
  }
  template <class M, std::enable_if_t<std::is_base_of_v<Module, M>, int> = 0>
  void push_back(M &&module) {
    push_back(std::shared_ptr<Module>(
        std::make_shared<std::decay_t<M>>(std::forward<M>(module))));
  }
  /// Inserts before position `index` (at most size()).
  void insert(size_t index, std::shared_ptr<Module> module);
  template <class M> void insert(size_t index, const ModuleHolder<M> &holder) {
    insert(index, std::shared_ptr<Module>(holder.ptr()));
  }
  template <class Container> void extend(const Container &other) {
    for (const auto &module : other)
      push_back(module);
  }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  std::shared_ptr<Module> ptr(size_t index) const {
    KILN_CHECK(index < size(), "Index out of range");
    return modules_[index];
  }
  template <class T> std::shared_ptr<T> ptr(size_t index) const {
    return std::dynamic_pointer_cast<T>(ptr(index));
  }
  /// The module at `index` as its concrete type `T`.
  template <class T> T &at(size_t index) const {
    auto p = ptr<T>(index);
    KILN_CHECK(p != nullptr, "Unable to cast module");
    return *p;
  }
  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }
  /// A deep copy: every module cloned.
  std::shared_ptr<Module>
  clone(const std::optional<Device> &device = std::nullopt) const override;

private:
  std::vector<std::shared_ptr<Module>> modules_;
};
KILN_MODULE(ModuleList);

/// Modules by name, in insertion order, without a forward of its own.
class ModuleDictImpl : public Module {
public:
  ModuleDictImpl() = default;
  explicit ModuleDictImpl(
      const std::vector<std::pair<std::string, std::shared_ptr<Module>>>
          &modules) {
    update(modules);
  }
  explicit ModuleDictImpl(
      const OrderedDict<std::string, std::shared_ptr<Module>> &modules) {
    update(modules);
  }
  /// Adds `module` under `key`, or replaces the module there.
  void insert(const std::string &key, std::shared_ptr<Module> module);
  template <class M>
  void insert(const std::string &key, const ModuleHolder<M> &holder) {
    insert(key, std::shared_ptr<Module>(holder.ptr()));
  }
  template <class Container> void update(const Container &modules) {
    for (const auto &item : modules)
      insertItem(item);
  }
  /// Removes the module under `key` and returns it.
  std::shared_ptr<Module> pop(const std::string &key);
  void clear();
  std::shared_ptr<Module> operator[](const std::string &key) const {
    return modules_[key];
  }
  template <class T> T &at(const std::string &key) const {
    auto p = std::dynamic_pointer_cast<T>(modules_[key]);
    KILN_CHECK(p != nullptr, "Unable to cast module[", key, "] to ",
               typeid(T).name());
    return *p;
  }
  bool contains(const std::string &key) const { return modules_.contains(key); }
  std::vector<std::string> keys() const { return modules_.keys(); }
  std::vector<std::shared_ptr<Module>> values() const {
    return modules_.values();
  }
  const std::vector<OrderedDict<std::string, std::shared_ptr<Module>>::Item> &
  items() const {
    return modules_.items();
  }
  size_t size() const noexcept { return modules_.size(); }
  bool empty() const noexcept { return modules_.is_empty(); }
  bool is_empty() const noexcept { return modules_.is_empty(); }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }
  /// A deep copy: every module cloned, under the same keys.
  std::shared_ptr<Module>
  clone(const std::optional<Device> &device = std::nullopt) const override;

private:
  template <class Item> void insertItem(const Item &item) {
    if constexpr (std::is_same_v<
                      Item, std::pair<std::string, std::shared_ptr<Module>>>)
      insert(item.first, item.second);
    else
      insert(item.key(), item.value());
  }
  OrderedDict<std::string, std::shared_ptr<Module>> modules_;
};
KILN_MODULE(ModuleDict);

/// A list of parameters, registered under "0", "1", ... Each keeps the
/// requires_grad it had when appended.
class ParameterListImpl : public Cloneable<ParameterListImpl> {
public:
  using Iterator = OrderedDict<std::string, Tensor>::Iterator;
  using ConstIterator = OrderedDict<std::string, Tensor>::ConstIterator;

  ParameterListImpl() = default;
  template <class... Tensors> explicit ParameterListImpl(Tensors &&...params) {
    (append(std::forward<Tensors>(params)), ...);
  }
  void reset() override {}
  void pretty_print(std::ostream &os) const override;

  void append(const Tensor &param);
  void append(const OrderedDict<std::string, Tensor>::Item &pair) {
    append(pair.value());
  }
  /// Appends every parameter of `container` (a ParameterList or a
  /// container of tensors).
  template <class Container> void extend(const Container &container) {
    for (const auto &param : container)
      append(param);
  }
  template <class Container>
  ParameterListImpl &operator+=(const Container &other) {
    extend(other);
    return *this;
  }
  Tensor &at(size_t idx);
  const Tensor &at(size_t idx) const;
  Tensor &operator[](size_t idx) { return at(idx); }
  const Tensor &operator[](size_t idx) const { return at(idx); }
  Iterator begin() { return parameters_.begin(); }
  ConstIterator begin() const { return parameters_.begin(); }
  Iterator end() { return parameters_.end(); }
  ConstIterator end() const { return parameters_.end(); }
  size_t size() const noexcept { return parameters_.size(); }
  bool is_empty() const noexcept { return parameters_.is_empty(); }
};
KILN_MODULE(ParameterList);

/// Parameters by name, in insertion order. Each keeps the requires_grad it
/// had when inserted.
class ParameterDictImpl : public Cloneable<ParameterDictImpl> {
public:
  using Iterator = OrderedDict<std::string, Tensor>::Iterator;
  using ConstIterator = OrderedDict<std::string, Tensor>::ConstIterator;

  ParameterDictImpl() = default;
  explicit ParameterDictImpl(const OrderedDict<std::string, Tensor> &params) {
    for (const auto &item : params)
      insert(item.key(), item.value());
  }
  void reset() override {}
  void pretty_print(std::ostream &os) const override;

  /// Adds `param` under `key` (which must be new).
  Tensor &insert(std::string key, Tensor param);
  /// Removes the parameter under `key` and returns it.
  Tensor pop(const std::string &key);
  /// Replaces the value of every key of `container` (a ParameterDict or an
  /// OrderedDict of tensors); each key must exist already.
  template <class Container> void update(const Container &container) {
    for (const auto &item : container)
      parameters_[item.key()] = item.value();
  }
  void clear() { parameters_.clear(); }
  bool contains(const std::string &key) const {
    return parameters_.contains(key);
  }
  std::vector<std::string> keys() const { return parameters_.keys(); }
  std::vector<Tensor> values() const { return parameters_.values(); }
  Tensor &get(const std::string &key) { return parameters_[key]; }
  const Tensor &get(const std::string &key) const { return parameters_[key]; }
  Tensor &operator[](const std::string &key) { return parameters_[key]; }
  const Tensor &operator[](const std::string &key) const {
    return parameters_[key];
  }
  Iterator begin() { return parameters_.begin(); }
  ConstIterator begin() const { return parameters_.begin(); }
  Iterator end() { return parameters_.end(); }
  ConstIterator end() const { return parameters_.end(); }
  size_t size() const noexcept { return parameters_.size(); }
  bool empty() const noexcept { return parameters_.is_empty(); }
  bool is_empty() const noexcept { return parameters_.is_empty(); }
};
KILN_MODULE(ParameterDict);

/// A function as a module: `Sequential(Linear(4, 4), Functional(kiln::relu))`.
class FunctionalImpl : public Cloneable<FunctionalImpl> {
public:
  using Function = std::function<Tensor(Tensor)>;
  explicit FunctionalImpl(Function function);
  void reset() override {}
  /// Binds trailing arguments: `Functional(kiln::softmax, 1, std::nullopt)`
  /// calls `kiln::softmax(x, 1, std::nullopt)`.
  template <class F, class A, class... Args>
  FunctionalImpl(F function, A &&arg, Args &&...args)
      : FunctionalImpl(Function([function, arg = std::forward<A>(arg),
                                 rest = std::make_tuple(
                                     std::forward<Args>(args)...)](Tensor x) {
          return std::apply(
              [&](const auto &...r) { return function(x, arg, r...); }, rest);
        })) {}
  Tensor forward(Tensor input);
  Tensor operator()(Tensor input) { return forward(std::move(input)); }
  void pretty_print(std::ostream &os) const override;

private:
  Function function_;
};
KILN_MODULE(Functional);

} // namespace kiln::nn

#endif // KILN_NN_CONTAINERS_H
