//===- TensorAccessor.h - Typed element access ------------------*- C++ -*-===//
//
// libtorch's `auto a = t.accessor<float, 2>(); a[i][j] = 1;`: indexing
// through a tensor's strides without bounds checks. The accessor points at
// the tensor's sizes and strides, so the tensor must outlive it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TENSORACCESSOR_H
#define KILN_TENSORACCESSOR_H

#include <cstddef>
#include <cstdint>

namespace kiln {

/// What every accessor holds: data, sizes and strides (libtorch's
/// TensorAccessorBase).
template <class T> class TensorAccessorBase {
public:
  TensorAccessorBase(T *data, const int64_t *sizes, const int64_t *strides)
      : data_(data), sizes_(sizes), strides_(strides) {}
  int64_t size(int64_t i) const { return sizes_[i]; }
  int64_t stride(int64_t i) const { return strides_[i]; }
  T *data() const { return data_; }

protected:
  T *data_;
  const int64_t *sizes_;
  const int64_t *strides_;
};

/// An N-dimensional strided view of `T`s; `a[i]` drops the first dimension.
template <class T, size_t N>
class TensorAccessor : public TensorAccessorBase<T> {
public:
  using TensorAccessorBase<T>::TensorAccessorBase;
  TensorAccessor<T, N - 1> operator[](int64_t i) const {
    return TensorAccessor<T, N - 1>(this->data_ + this->strides_[0] * i,
                                    this->sizes_ + 1, this->strides_ + 1);
  }
};

template <class T> class TensorAccessor<T, 1> : public TensorAccessorBase<T> {
public:
  using TensorAccessorBase<T>::TensorAccessorBase;
  T &operator[](int64_t i) const { return this->data_[this->strides_[0] * i]; }
};

} // namespace kiln

#endif // KILN_TENSORACCESSOR_H
