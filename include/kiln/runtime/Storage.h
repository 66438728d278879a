//===- Storage.h - Reference-counted tensor memory --------------*- C++ -*-===//
//
// A Storage owns (or borrows, for from_blob) one block of bytes shared by a
// tensor and all of its views. The version counter lives here so that every
// view of the same memory sees in-place writes.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_STORAGE_H
#define KILN_RUNTIME_STORAGE_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace kiln::runtime {

/// Alignment of every allocation, in bytes.
constexpr size_t kAlignment = 64;

class StorageImpl {
public:
  /// Allocates `nbytes` of 64-byte aligned, uninitialised memory.
  explicit StorageImpl(size_t nbytes);
  /// Borrows `data`; `deleter` (if any) runs when the storage dies.
  StorageImpl(void *data, size_t nbytes, std::function<void(void *)> deleter);
  ~StorageImpl();
  StorageImpl(const StorageImpl &) = delete;
  StorageImpl &operator=(const StorageImpl &) = delete;

  void *data() const { return data_; }
  size_t nbytes() const { return nbytes_; }

  /// Bumped by every in-place write through any view.
  uint32_t version() const { return version_; }
  void bumpVersion() { ++version_; }

private:
  void *data_;
  size_t nbytes_;
  bool owned_;
  std::function<void(void *)> deleter_;
  uint32_t version_ = 0;
};

using Storage = std::shared_ptr<StorageImpl>;

inline Storage allocateStorage(size_t nbytes) {
  return std::make_shared<StorageImpl>(nbytes);
}

} // namespace kiln::runtime

#endif // KILN_RUNTIME_STORAGE_H
