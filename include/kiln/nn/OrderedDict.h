//===- OrderedDict.h - Insertion-ordered name -> value map ------*- C++ -*-===//
//
// libtorch's torch::OrderedDict: items in insertion order with key() and
// value(), lookup by key through a hash index, and libtorch's messages,
// which name the keys by `key_description` ("Submodule 'fc' already
// defined").
//
//===----------------------------------------------------------------------===//
#ifndef KILN_NN_ORDEREDDICT_H
#define KILN_NN_ORDEREDDICT_H

#include "kiln/Error.h"

#include <initializer_list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kiln {

template <class Key, class Value> class OrderedDict {
public:
  class Item {
  public:
    Item(Key key, Value value) : pair_(std::move(key), std::move(value)) {}
    const Key &key() const { return pair_.first; }
    Value &value() { return pair_.second; }
    const Value &value() const { return pair_.second; }
    Value &operator*() { return value(); }
    const Value &operator*() const { return value(); }
    Value *operator->() { return &value(); }
    const Value *operator->() const { return &value(); }
    const std::pair<Key, Value> &pair() const { return pair_; }

  private:
    std::pair<Key, Value> pair_;
  };

  using Iterator = typename std::vector<Item>::iterator;
  using ConstIterator = typename std::vector<Item>::const_iterator;

  /// `key_description` names keys in error messages ("Key", "Parameter").
  explicit OrderedDict(std::string key_description = "Key")
      : keyDescription_(std::move(key_description)) {}
  /// `OrderedDict<std::string, int> d = {{"a", 1}, {"b", 2}};`
  OrderedDict(std::initializer_list<Item> items) : OrderedDict("Key") {
    items_.reserve(items.size());
    for (const Item &item : items)
      insert(item.key(), item.value());
  }

  const std::string &key_description() const { return keyDescription_; }

  Item &front() {
    KILN_CHECK(!items_.empty(), "Called front() on an empty OrderedDict");
    return items_.front();
  }
  const Item &front() const {
    KILN_CHECK(!items_.empty(), "Called front() on an empty OrderedDict");
    return items_.front();
  }
  Item &back() {
    KILN_CHECK(!items_.empty(), "Called back() on an empty OrderedDict");
    return items_.back();
  }
  const Item &back() const {
    KILN_CHECK(!items_.empty(), "Called back() on an empty OrderedDict");
    return items_.back();
  }
  Item &operator[](size_t index) {
    KILN_CHECK(index < items_.size(), "Index ", index, " is out of bounds");
    return items_[index];
  }
  const Item &operator[](size_t index) const {
    KILN_CHECK(index < items_.size(), "Index ", index, " is out of bounds");
    return items_[index];
  }
  Value &operator[](const Key &key) {
    Value *v = find(key);
    KILN_CHECK(v != nullptr, keyDescription_, " '", key, "' is not defined");
    return *v;
  }
  const Value &operator[](const Key &key) const {
    const Value *v = find(key);
    KILN_CHECK(v != nullptr, keyDescription_, " '", key, "' is not defined");
    return *v;
  }

  Value *find(const Key &key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  const Value *find(const Key &key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  bool contains(const Key &key) const { return index_.count(key) != 0; }

  /// Adds a new item; an existing key is an error.
  Value &insert(Key key, Value value) {
    KILN_CHECK(index_.count(key) == 0, keyDescription_, " '", key,
               "' already defined");
    index_.emplace(key, items_.size());
    items_.emplace_back(std::move(key), std::move(value));
    return items_.back().value();
  }
  /// Inserts each item of `other`, in its order; a key present already is
  /// an error, as in libtorch.
  void update(const OrderedDict &other) {
    for (const Item &item : other)
      insert(item.key(), item.value());
  }
  void update(OrderedDict &&other) {
    for (Item &item : other)
      insert(item.key(), std::move(item.value()));
  }
  void erase(const Key &key) {
    auto it = index_.find(key);
    KILN_CHECK(it != index_.end(), "Key '", key, "' doesn't exist");
    size_t pos = it->second;
    index_.erase(it);
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(pos));
    for (auto &entry : index_)
      if (entry.second > pos)
        --entry.second;
  }
  void clear() {
    index_.clear();
    items_.clear();
  }
  void reserve(size_t n) {
    index_.reserve(n);
    items_.reserve(n);
  }

  const std::vector<Item> &items() const { return items_; }
  std::vector<Key> keys() const {
    std::vector<Key> k;
    k.reserve(items_.size());
    for (auto &item : items_)
      k.push_back(item.key());
    return k;
  }
  std::vector<Value> values() const {
    std::vector<Value> v;
    v.reserve(items_.size());
    for (auto &item : items_)
      v.push_back(item.value());
    return v;
  }
  std::vector<std::pair<Key, Value>> pairs() const {
    std::vector<std::pair<Key, Value>> p;
    p.reserve(items_.size());
    for (auto &item : items_)
      p.push_back(item.pair());
    return p;
  }
  size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  Iterator begin() { return items_.begin(); }
  Iterator end() { return items_.end(); }
  ConstIterator begin() const { return items_.begin(); }
  ConstIterator end() const { return items_.end(); }

private:
  std::string keyDescription_;
  std::vector<Item> items_;
  std::unordered_map<Key, size_t> index_;
};

/// Equal keys and values in the same order.
template <class Key, class Value>
bool operator==(const OrderedDict<Key, Value> &a,
                const OrderedDict<Key, Value> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(a[i].key() == b[i].key() && a[i].value() == b[i].value()))
      return false;
  return true;
}

} // namespace kiln

#endif // KILN_NN_ORDEREDDICT_H
