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

/// An N-dimensional strided view of `T`s; `a[i]` drops the first dimension.
template <class T, size_t N> class TensorAccessor {
public:
  TensorAccessor(T *data, const int64_t *sizes, const int64_t *strides)
      : data_(data), sizes_(sizes), strides_(strides) {}
  TensorAccessor<T, N - 1> operator[](int64_t i) const {
    return TensorAccessor<T, N - 1>(data_ + strides_[0] * i, sizes_ + 1,
                                    strides_ + 1);
  }
  int64_t size(int64_t i) const { return sizes_[i]; }
  int64_t stride(int64_t i) const { return strides_[i]; }
  T *data() const { return data_; }

private:
  T *data_;
  const int64_t *sizes_;
  const int64_t *strides_;
};

template <class T> class TensorAccessor<T, 1> {
public:
  TensorAccessor(T *data, const int64_t *sizes, const int64_t *strides)
      : data_(data), sizes_(sizes), strides_(strides) {}
  T &operator[](int64_t i) const { return data_[strides_[0] * i]; }
  int64_t size(int64_t i) const { return sizes_[i]; }
  int64_t stride(int64_t i) const { return strides_[i]; }
  T *data() const { return data_; }

private:
  T *data_;
  const int64_t *sizes_;
  const int64_t *strides_;
};

} // namespace kiln

#endif // KILN_TENSORACCESSOR_H
