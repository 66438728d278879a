//===- Storage.cpp - Reference-counted tensor memory ----------------------===//
#include "kiln/runtime/Storage.h"

#include <cstdlib>
#include <new>

namespace kiln::runtime {

StorageImpl::StorageImpl(size_t nbytes) : nbytes_(nbytes), owned_(true) {
  size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  data_ = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (!data_)
    throw std::bad_alloc();
}

StorageImpl::StorageImpl(void *data, size_t nbytes,
                         std::function<void(void *)> deleter)
    : data_(data), nbytes_(nbytes), owned_(false),
      deleter_(std::move(deleter)) {}

StorageImpl::~StorageImpl() {
  if (owned_)
    std::free(data_);
  else if (deleter_)
    deleter_(data_);
}

} // namespace kiln::runtime
