//===- Containers.cpp - ModuleList, ModuleDict, Functional ----------------===//
#include "kiln/nn/Containers.h"

namespace kiln::nn {

void ModuleListImpl::push_back(std::shared_ptr<Module> module) {
  addChild(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

std::shared_ptr<Module>
ModuleListImpl::clone(const std::optional<Device> &device) const {
  auto copy = std::make_shared<ModuleListImpl>();
  copy->train(is_training());
  for (const auto &module : modules_)
    copy->push_back(module->clone(device));
  return copy;
}

void ModuleListImpl::insert(size_t index, std::shared_ptr<Module> module) {
  KILN_CHECK(index <= size(), "Index out of range");
  // Children are named by position: re-register them in the new order.
  for (size_t i = 0; i < modules_.size(); ++i)
    unregister_module(std::to_string(i));
  modules_.insert(modules_.begin() + static_cast<std::ptrdiff_t>(index),
                  std::move(module));
  for (size_t i = 0; i < modules_.size(); ++i)
    addChild(std::to_string(i), modules_[i]);
}

void ModuleDictImpl::insert(const std::string &key,
                            std::shared_ptr<Module> module) {
  if (modules_.contains(key)) {
    modules_[key] = module;
    replace_module(key, std::move(module));
    return;
  }
  addChild(key, module);
  modules_.insert(key, std::move(module));
}

std::shared_ptr<Module>
ModuleDictImpl::clone(const std::optional<Device> &device) const {
  auto copy = std::make_shared<ModuleDictImpl>();
  copy->train(is_training());
  for (const auto &item : modules_)
    copy->insert(item.key(), item.value()->clone(device));
  return copy;
}

std::shared_ptr<Module> ModuleDictImpl::pop(const std::string &key) {
  std::shared_ptr<Module> module = modules_[key];
  modules_.erase(key);
  unregister_module(key);
  return module;
}

void ModuleDictImpl::clear() {
  for (const std::string &key : modules_.keys())
    unregister_module(key);
  modules_.clear();
}

namespace {
/// One line of Python's ParameterList/ParameterDict repr.
void printParameter(std::ostream &os, const std::string &key, const Tensor &p) {
  os << "  (" << key << "): Parameter containing: [" << pythonName(p.dtype())
     << " of size ";
  for (size_t i = 0; i < p.sizes().size(); ++i)
    os << (i ? "x" : "") << p.sizes()[i];
  os << "]\n";
}
} // namespace

void ParameterListImpl::append(const Tensor &param) {
  bool requires_grad = param.requires_grad();
  register_parameter(std::to_string(parameters_.size()), param, requires_grad);
}

Tensor &ParameterListImpl::at(size_t idx) {
  KILN_CHECK(idx < size(), "Index out of range");
  return parameters_[std::to_string(idx)];
}

const Tensor &ParameterListImpl::at(size_t idx) const {
  KILN_CHECK(idx < size(), "Index out of range");
  return parameters_[std::to_string(idx)];
}

void ParameterListImpl::pretty_print(std::ostream &os) const {
  os << "ParameterList(\n";
  for (const auto &item : parameters_)
    printParameter(os, item.key(), item.value());
  os << ")";
}

Tensor &ParameterDictImpl::insert(std::string key, Tensor param) {
  bool requires_grad = param.requires_grad();
  return register_parameter(std::move(key), std::move(param), requires_grad);
}

Tensor ParameterDictImpl::pop(const std::string &key) {
  Tensor param = parameters_[key];
  parameters_.erase(key);
  return param;
}

void ParameterDictImpl::pretty_print(std::ostream &os) const {
  os << "ParameterDict(\n";
  for (const auto &item : parameters_)
    printParameter(os, item.key(), item.value());
  os << ")";
}

FunctionalImpl::FunctionalImpl(Function function)
    : function_(std::move(function)) {}

Tensor FunctionalImpl::forward(Tensor input) {
  return function_(std::move(input));
}

void FunctionalImpl::pretty_print(std::ostream &os) const {
  os << "kiln::nn::Functional()";
}

} // namespace kiln::nn
