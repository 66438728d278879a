//===- TensorApi.cpp - libtorch Tensor names built on existing ops --------===//
//
// Methods that only give libtorch's names to what kiln computes elsewhere:
// softmax through nn::functional, clone/contiguous with a memory format,
// device-and-dtype conversion, set_data.
//
//===----------------------------------------------------------------------===//
#include "OpsCommon.h"
#include "kiln/Trace.h"
#include "kiln/nn/Functional.h"

namespace kiln {

namespace {
void checkMemoryFormat(MemoryFormat format) {
  KILN_CHECK(format == MemoryFormat::Contiguous ||
                 format == MemoryFormat::Preserve,
             "kiln tensors have no channels-last layout; use "
             "MemoryFormat::Contiguous or MemoryFormat::Preserve");
}
} // namespace

Tensor Tensor::softmax(int64_t dim, std::optional<ScalarType> dtype) const {
  return kiln::softmax(*this, dim, dtype);
}

Tensor Tensor::log_softmax(int64_t dim, std::optional<ScalarType> dtype) const {
  return kiln::log_softmax(*this, dim, dtype);
}

Tensor softmax(const Tensor &a, int64_t dim, std::optional<ScalarType> dtype) {
  // As in PyTorch, `dtype` casts the input before the operation.
  return nn::functional::softmax(dtype ? a.to(*dtype) : a, dim);
}

Tensor log_softmax(const Tensor &a, int64_t dim,
                   std::optional<ScalarType> dtype) {
  return nn::functional::log_softmax(dtype ? a.to(*dtype) : a, dim);
}

Tensor Tensor::clone(MemoryFormat memory_format) const {
  checkMemoryFormat(memory_format);
  return clone();
}

Tensor Tensor::contiguous(MemoryFormat memory_format) const {
  checkMemoryFormat(memory_format);
  return contiguous();
}

Tensor Tensor::to(Device device, ScalarType t, bool non_blocking,
                  bool copy) const {
  return to(device).to(t, non_blocking, copy);
}

void Tensor::set_data(const Tensor &new_data) const {
  KILN_CHECK(new_data.defined(), "set_data: new_data must be defined");
  KILN_CHECK(!requires_grad() || new_data.is_floating_point(),
             "set_data: only Tensors of floating point dtype can require "
             "gradients, got ",
             ::kiln::toString(new_data.dtype()));
  noteRawAccess();
  TensorImpl &self = impl();
  const TensorImpl &from = new_data.impl();
  self.storage = from.storage;
  self.dtype = from.dtype;
  self.sizes = from.sizes;
  self.strides = from.strides;
  self.offset = from.offset;
}

} // namespace kiln
