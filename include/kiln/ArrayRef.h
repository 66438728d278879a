//===- ArrayRef.h - Non-owning view of a list of values ---------*- C++ -*-===//
#ifndef KILN_ARRAYREF_H
#define KILN_ARRAYREF_H

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <vector>

namespace kiln {

/// Like libtorch's c10::ArrayRef: points at a list it does not own; built
/// from a braced list, a std::vector, or a single value.
template <class T> class ArrayRef {
public:
  ArrayRef() = default;
  ArrayRef(const T &one) : data_(&one), size_(1) {}
  ArrayRef(const std::vector<T> &v) : data_(v.data()), size_(v.size()) {}
  ArrayRef(std::initializer_list<T> l)
      : data_(l.begin() == l.end() ? nullptr : l.begin()), size_(l.size()) {}
  ArrayRef(const T *data, size_t size) : data_(data), size_(size) {}

  const T *begin() const { return data_; }
  const T *end() const { return data_ + size_; }
  const T *data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T &operator[](size_t i) const { return data_[i]; }
  const T &back() const { return data_[size_ - 1]; }
  std::vector<T> vec() const { return std::vector<T>(begin(), end()); }
  bool equals(ArrayRef other) const {
    if (size_ != other.size_)
      return false;
    for (size_t i = 0; i < size_; ++i)
      if (!(data_[i] == other.data_[i]))
        return false;
    return true;
  }
  friend bool operator==(ArrayRef a, ArrayRef b) { return a.equals(b); }
  friend bool operator!=(ArrayRef a, ArrayRef b) { return !a.equals(b); }

private:
  const T *data_ = nullptr;
  size_t size_ = 0;
};

using IntArrayRef = ArrayRef<int64_t>;

/// Prints `[2, 3]` like libtorch.
template <class T>
std::ostream &operator<<(std::ostream &os, ArrayRef<T> list) {
  os << "[";
  for (size_t i = 0; i < list.size(); ++i)
    os << (i ? ", " : "") << list[i];
  return os << "]";
}

} // namespace kiln

#endif // KILN_ARRAYREF_H
