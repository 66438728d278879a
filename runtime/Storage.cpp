//===- Storage.cpp - Reference-counted tensor memory ----------------------===//
#include "kiln/runtime/Storage.h"
#include "kiln/runtime/Allocator.h"

namespace kiln::runtime {

StorageImpl::StorageImpl(size_t nbytes) : nbytes_(nbytes), owned_(true) {
  data_ = allocate(nbytes);
}

StorageImpl::StorageImpl(void *data, size_t nbytes,
                         std::function<void(void *)> deleter)
    : data_(data), nbytes_(nbytes), owned_(false),
      deleter_(std::move(deleter)) {}

StorageImpl::~StorageImpl() {
  if (owned_)
    deallocate(data_, nbytes_);
  else if (deleter_)
    deleter_(data_);
}

} // namespace kiln::runtime
