//===- Jit.cpp - JIT-compiled kiln functions on the CPU -------------------===//
//
// The function becomes an object file through emitNativeCode (the code
// kiln-compile writes), or comes from the cache of objects, and ORC's LLJIT
// links it into the process with the runtime's functions it calls. Calls
// build memref descriptors over kiln tensors' memory and go through the
// packed entry point.
//
//===----------------------------------------------------------------------===//
#include "codegen/Jit.h"
#include "kiln/runtime/CompiledCalls.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/MemoryBuffer.h"

#include <chrono>

using namespace mlir;

namespace kiln::codegen {
namespace {

constexpr const char *kEntrySymbol = "kiln_jit_entry";

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

template <class T> T check(llvm::Expected<T> value, const std::string &what) {
  if (!value)
    throw Error("kiln-jit: " + what + ": " + llvm::toString(value.takeError()));
  return std::move(*value);
}

void check(llvm::Error error, const std::string &what) {
  if (error)
    throw Error("kiln-jit: " + what + ": " + llvm::toString(std::move(error)));
}

/// Appends the memref descriptor of a contiguous buffer of `shape` with a
/// null pointer: {allocated, aligned, offset, sizes[rank], strides[rank]},
/// all 64-bit words.
void appendDescriptor(std::vector<int64_t> &out,
                      const std::vector<int64_t> &shape) {
  out.insert(out.end(), {0, 0, 0});
  out.insert(out.end(), shape.begin(), shape.end());
  size_t strides = out.size();
  out.resize(out.size() + shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    out[strides + i] = stride;
    stride *= shape[i];
  }
}

} // namespace

JitFunction::JitFunction(ModuleOp module, const std::string &name,
                         const std::vector<Tie> &ties, ObjectCache *cache)
    : name_(name), ties_(ties) {
  PreparedEntry entry = prepareEntry(module, name, kEntrySymbol, ties);
  inputs_ = entry.inputs;
  outputs_ = entry.outputs;
  tied_ = entry.tied;
  // The descriptors of every call differ only in their pointers.
  for (const TensorSpec &spec : inputs_) {
    descriptorOffsets_.push_back(descriptors_.size());
    appendDescriptor(descriptors_, spec.shape);
  }
  for (size_t i = 0; i < outputs_.size(); ++i)
    if (!tied_[i]) {
      descriptorOffsets_.push_back(descriptors_.size());
      appendDescriptor(descriptors_, outputs_[i].shape);
    }
  TargetOptions host;
  std::string key = cache ? nativeCodeKey(entry, host) : std::string();
  std::optional<std::string> object = cache ? cache->load(key) : std::nullopt;
  fromCache_ = object.has_value();
  if (!object) {
    try {
      object = emitNativeCode(entry, host, EmitKind::Object, &times_);
    } catch (const Error &e) {
      throw Error(std::string(e.what()).replace(0, 5, "kiln-jit"));
    }
    if (cache)
      cache->store(key, *object);
  }

  auto start = std::chrono::steady_clock::now();
  initializeNativeTarget();
  jit_ = check(llvm::orc::LLJITBuilder().create(), "cannot create the JIT");
  llvm::orc::JITDylib &lib = jit_->getMainJITDylib();
  // The runtime functions the code calls (matmuls, the allocator), then
  // the process's own symbols (libm).
  llvm::orc::SymbolMap symbols;
  for (auto [symbol, address] : runtime::compiledCallSymbols())
    symbols[jit_->mangleAndIntern(symbol)] = {
        llvm::orc::ExecutorAddr::fromPtr(address),
        llvm::JITSymbolFlags::Exported};
  check(lib.define(llvm::orc::absoluteSymbols(std::move(symbols))),
        "cannot define the runtime's symbols");
  lib.addGenerator(
      check(llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
                jit_->getDataLayout().getGlobalPrefix()),
            "cannot search the process's symbols"));
  check(jit_->addObjectFile(
            llvm::MemoryBuffer::getMemBufferCopy(*object, kEntrySymbol)),
        "cannot load the code of '" + name + "'");
  auto address = check(jit_->lookup(packedEntryName(kEntrySymbol)),
                       "no entry point for '" + name + "'");
  entry_ = address.toPtr<void (*)(void **)>();
  linkSeconds_ = secondsSince(start);
}

JitFunction::~JitFunction() = default;

std::vector<Tensor>
JitFunction::operator()(const std::vector<Tensor> &inputs) const {
  KILN_CHECK(inputs.size() == inputs_.size(), "kiln-jit: '", name_, "' takes ",
             inputs_.size(), " inputs, got ", inputs.size());
  NoGradGuard noGrad;
  // Per call: no allocation but the results' (the descriptors and pointers
  // live on the stack for the usual sizes).
  llvm::SmallVector<int64_t, 256> descriptors(descriptors_.begin(),
                                              descriptors_.end());
  llvm::SmallVector<void *, 32> pointers(descriptorOffsets_.size());
  llvm::SmallVector<Tensor, 4> temporaries;
  auto bind = [&](size_t param, void *data) {
    int64_t *d = descriptors.data() + descriptorOffsets_[param];
    d[0] = d[1] = reinterpret_cast<int64_t>(data);
    pointers[param] = d;
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &spec = inputs_[i];
    KILN_CHECK(inputs[i].sizes() == IntArrayRef(spec.shape) &&
                   inputs[i].dtype() == spec.dtype,
               "kiln-jit: input ", i, " has shape ", inputs[i].sizes(),
               " and dtype ", inputs[i].dtype(), ", the function expects ",
               IntArrayRef(spec.shape), " ", spec.dtype);
    if (inputs[i].is_contiguous()) {
      bind(i, inputs[i].data_ptr());
    } else {
      temporaries.push_back(inputs[i].contiguous());
      bind(i, temporaries.back().data_ptr());
    }
  }
  // A tied input is written in place: it must be the caller's memory, and
  // no other input may see the write.
  llvm::SmallVector<std::pair<Tensor, Tensor>, 2> copyBack;
  for (const Tie &tie : ties_) {
    const Tensor &input = inputs[tie.argument];
    bool shared = !input.is_contiguous();
    for (size_t i = 0; i < inputs.size() && !shared; ++i)
      shared =
          i != tie.argument && inputs[i].impl().storage == input.impl().storage;
    if (shared) {
      Tensor copy = input.clone();
      bind(tie.argument, copy.data_ptr());
      copyBack.emplace_back(copy, input);
    }
  }
  std::vector<Tensor> results(outputs_.size());
  for (size_t i = 0, param = inputs.size(); i < outputs_.size(); ++i)
    if (!tied_[i]) {
      results[i] = empty(outputs_[i].shape, outputs_[i].dtype);
      bind(param++, results[i].data_ptr());
    }
  // The packed entry takes, per parameter, a pointer to the C interface's
  // argument: here a pointer to a descriptor.
  llvm::SmallVector<void *, 32> args;
  for (void *&p : pointers)
    args.push_back(&p);
  entry_(args.data());

  for (auto &[from, to] : copyBack)
    runtime::copy(from.impl().view(), to.impl().view());
  for (const Tie &tie : ties_)
    results[tie.result] = inputs[tie.argument];
  return results;
}

} // namespace kiln::codegen
