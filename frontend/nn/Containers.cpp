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

FunctionalImpl::FunctionalImpl(Function function)
    : function_(std::move(function)) {}

Tensor FunctionalImpl::forward(Tensor input) {
  return function_(std::move(input));
}

void FunctionalImpl::pretty_print(std::ostream &os) const {
  os << "kiln::nn::Functional()";
}

} // namespace kiln::nn
