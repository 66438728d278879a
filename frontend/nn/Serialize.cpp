//===- Serialize.cpp - Tensors and modules in safetensors files -----------===//
//
// Tensors and modules over the runtime's safetensors codec
// (kiln/runtime/Safetensors.h), which holds the format and its checks.
//
//===----------------------------------------------------------------------===//
#include "kiln/Serialize.h"
#include "../OpsCommon.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/runtime/Safetensors.h"

#include <cstring>

namespace kiln {

static_assert(runtime::kMaxTensorRank == detail::kMaxDims,
              "the codec accepts the shapes kiln tensors can have");

OrderedDict<std::string, Tensor>
parse_safetensors(const void *data, size_t size, const std::string &source) {
  OrderedDict<std::string, Tensor> out;
  for (runtime::SafetensorsEntry &e :
       runtime::parseSafetensors(data, size, source)) {
    Tensor t = empty(e.shape, e.dtype);
    if (e.bytes > 0)
      std::memcpy(t.data_ptr(), e.data, e.bytes);
    out.insert(std::move(e.name), std::move(t));
  }
  return out;
}

std::string
serialize_safetensors(const OrderedDict<std::string, Tensor> &tensors) {
  std::vector<Tensor> contiguous; // Keeps the entries' bytes alive.
  std::vector<runtime::SafetensorsEntry> entries;
  for (auto &item : tensors) {
    KILN_CHECK(item.value().defined(), "safetensors: cannot save tensor '",
               item.key(), "': it is undefined");
    Tensor t = item.value().detach().contiguous();
    entries.push_back(
        {item.key(), t.dtype(), t.sizes().vec(), t.data_ptr(),
         static_cast<size_t>(t.numel()) * elementSize(t.dtype())});
    contiguous.push_back(std::move(t));
  }
  return runtime::serializeSafetensors(entries);
}

void save_safetensors(const OrderedDict<std::string, Tensor> &tensors,
                      const std::string &path) {
  runtime::writeFileBytes(path, serialize_safetensors(tensors));
}

OrderedDict<std::string, Tensor> load_safetensors(const std::string &path) {
  std::string bytes = runtime::readFileBytes(path);
  return parse_safetensors(bytes.data(), bytes.size(), path);
}

namespace {
/// The module's state_dict: parameters, then buffers; like PyTorch's, it
/// leaves out undefined (None) entries.
OrderedDict<std::string, Tensor> moduleState(const nn::Module &module) {
  OrderedDict<std::string, Tensor> all;
  for (auto &p : module.named_parameters())
    if (p.value().defined())
      all.insert(p.key(), p.value());
  for (auto &b : module.named_buffers())
    if (b.value().defined())
      all.insert(b.key(), b.value());
  return all;
}

std::string sizeString(IntArrayRef sizes) {
  std::string out = "torch.Size([";
  for (size_t i = 0; i < sizes.size(); ++i)
    out += (i ? ", " : "") + std::to_string(sizes[i]);
  return out + "])";
}

std::string keyList(const std::vector<std::string> &keys) {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i)
    out += (i ? ", \"" : "\"") + keys[i] + "\"";
  return out;
}
} // namespace

void save(const nn::Module &module, const std::string &path) {
  save_safetensors(moduleState(module), path);
}

void load(nn::Module &module, const std::string &path) {
  OrderedDict<std::string, Tensor> loaded = load_safetensors(path);
  OrderedDict<std::string, Tensor> state = moduleState(module);
  // Check everything before the first copy, so that a bad file leaves the
  // module as it was. The report is PyTorch's load_state_dict one.
  std::vector<std::string> missing, unexpected, mismatches;
  for (auto &item : state) {
    const Tensor *src = loaded.find(item.key());
    const Tensor &dst = item.value();
    if (src == nullptr)
      missing.push_back(item.key());
    else if (src->sizes() != dst.sizes())
      mismatches.push_back("size mismatch for " + item.key() +
                           ": copying a param with shape " +
                           sizeString(src->sizes()) +
                           " from checkpoint, the shape in current model is " +
                           sizeString(dst.sizes()) + ".");
    else if (src->dtype() != dst.dtype())
      mismatches.push_back("dtype mismatch for " + item.key() +
                           ": copying a param with dtype " +
                           pythonName(src->dtype()) +
                           " from checkpoint, the dtype in current model is " +
                           pythonName(dst.dtype()) + ".");
  }
  for (auto &item : loaded)
    if (!state.contains(item.key()))
      unexpected.push_back(item.key());
  if (!missing.empty() || !unexpected.empty() || !mismatches.empty()) {
    std::string msg = "Error(s) in loading state_dict for " +
                      detail_reprName(module) + " from '" + path + "':";
    if (!missing.empty())
      msg += "\n\tMissing key(s) in state_dict: " + keyList(missing) + ". ";
    if (!unexpected.empty())
      msg +=
          "\n\tUnexpected key(s) in state_dict: " + keyList(unexpected) + ". ";
    for (const std::string &m : mismatches)
      msg += "\n\t" + m;
    throw Error(msg);
  }
  NoGradGuard noGrad;
  for (auto &item : state)
    item.value().copy_(loaded[item.key()]);
}

} // namespace kiln
