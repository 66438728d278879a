//===- OrderedDict.h - Insertion-ordered name -> value map ------*- C++ -*-===//
#ifndef KILN_NN_ORDEREDDICT_H
#define KILN_NN_ORDEREDDICT_H

#include "kiln/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace kiln {

/// libtorch's OrderedDict: iteration yields items with key() and value().
template <class Key, class Value> class OrderedDict {
public:
  class Item {
  public:
    Item(Key key, Value value) : pair_(std::move(key), std::move(value)) {}
    const Key &key() const { return pair_.first; }
    Value &value() { return pair_.second; }
    const Value &value() const { return pair_.second; }
    Value &operator*() { return value(); }
    Value *operator->() { return &value(); }
    const std::pair<Key, Value> &pair() const { return pair_; }

  private:
    std::pair<Key, Value> pair_;
  };

  Value &insert(Key key, Value value) {
    KILN_CHECK(!contains(key), "Key '", key, "' already defined");
    items_.emplace_back(std::move(key), std::move(value));
    return items_.back().value();
  }
  bool contains(const Key &key) const { return find(key) != nullptr; }
  const Value *find(const Key &key) const {
    for (auto &item : items_)
      if (item.key() == key)
        return &item.value();
    return nullptr;
  }
  Value *find(const Key &key) {
    for (auto &item : items_)
      if (item.key() == key)
        return &item.value();
    return nullptr;
  }
  Value &operator[](const Key &key) {
    Value *v = find(key);
    KILN_CHECK(v != nullptr, "Key '", key, "' is not defined");
    return *v;
  }
  const Value &operator[](const Key &key) const {
    const Value *v = find(key);
    KILN_CHECK(v != nullptr, "Key '", key, "' is not defined");
    return *v;
  }
  std::vector<Key> keys() const {
    std::vector<Key> k;
    for (auto &item : items_)
      k.push_back(item.key());
    return k;
  }
  std::vector<Value> values() const {
    std::vector<Value> v;
    for (auto &item : items_)
      v.push_back(item.value());
    return v;
  }
  size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

private:
  std::vector<Item> items_;
};

} // namespace kiln

#endif // KILN_NN_ORDEREDDICT_H
