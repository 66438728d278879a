//===- Serialize.h - Tensors and modules in safetensors files ---*- C++ -*-===//
#ifndef KILN_SERIALIZE_H
#define KILN_SERIALIZE_H

#include "kiln/nn/Module.h"

#include <string>

namespace kiln {

/// Writes named tensors in the safetensors format (little-endian, an
/// 8-byte header length, a JSON header, then the raw data).
void save_safetensors(const OrderedDict<std::string, Tensor> &tensors,
                      const std::string &path);
/// Reads every tensor of a safetensors file, in header order. A malformed
/// file is a kiln::Error that names it and says what is wrong.
OrderedDict<std::string, Tensor> load_safetensors(const std::string &path);
/// The parser behind load_safetensors, on a whole file held in memory
/// (`size` bytes at `data`); `source` names the file in error messages.
/// It never reads outside the buffer and never trusts a count in it.
OrderedDict<std::string, Tensor>
parse_safetensors(const void *data, size_t size,
                  const std::string &source = "<memory>");
/// The bytes save_safetensors writes.
std::string
serialize_safetensors(const OrderedDict<std::string, Tensor> &tensors);

/// Saves a module's parameters and buffers ("linear1.weight", ...).
void save(const nn::Module &module, const std::string &path);
/// Loads them back in place; names, shapes and dtypes must match. All or
/// nothing: on any error the module is left unchanged.
void load(nn::Module &module, const std::string &path);

template <class M>
void save(const nn::ModuleHolder<M> &module, const std::string &path) {
  save(*module, path);
}
template <class M>
void load(nn::ModuleHolder<M> &module, const std::string &path) {
  load(*module, path);
}

} // namespace kiln

#endif // KILN_SERIALIZE_H
