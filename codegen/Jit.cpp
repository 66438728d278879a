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

/// A memref descriptor of a contiguous buffer: {allocated, aligned, offset,
/// sizes[rank], strides[rank]}, all 64-bit words.
std::vector<int64_t> descriptor(void *data, const std::vector<int64_t> &shape) {
  std::vector<int64_t> d = {reinterpret_cast<int64_t>(data),
                            reinterpret_cast<int64_t>(data), 0};
  d.insert(d.end(), shape.begin(), shape.end());
  std::vector<int64_t> strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  d.insert(d.end(), strides.begin(), strides.end());
  return d;
}

} // namespace

JitFunction::JitFunction(ModuleOp module, const std::string &name,
                         const std::vector<Tie> &ties, ObjectCache *cache)
    : name_(name), ties_(ties) {
  PreparedEntry entry = prepareEntry(module, name, kEntrySymbol, ties);
  inputs_ = entry.inputs;
  outputs_ = entry.outputs;
  tied_ = entry.tied;
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
  std::vector<Tensor> buffers;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &spec = inputs_[i];
    KILN_CHECK(inputs[i].sizes() == IntArrayRef(spec.shape) &&
                   inputs[i].dtype() == spec.dtype,
               "kiln-jit: input ", i, " has shape ", inputs[i].sizes(),
               " and dtype ", inputs[i].dtype(), ", the function expects ",
               IntArrayRef(spec.shape), " ", spec.dtype);
    buffers.push_back(inputs[i].contiguous());
  }
  // A tied input is written in place: it must be the caller's memory, and
  // no other input may see the write.
  std::vector<std::pair<Tensor, Tensor>> copyBack;
  for (const Tie &tie : ties_) {
    const Tensor &input = inputs[tie.argument];
    bool shared = !input.is_contiguous();
    for (size_t i = 0; i < inputs.size() && !shared; ++i)
      shared =
          i != tie.argument && inputs[i].impl().storage == input.impl().storage;
    if (shared) {
      buffers[tie.argument] = input.clone();
      copyBack.emplace_back(buffers[tie.argument], input);
    }
  }
  std::vector<Tensor> results(outputs_.size());
  std::vector<const TensorSpec *> specs;
  for (const TensorSpec &s : inputs_)
    specs.push_back(&s);
  for (size_t i = 0; i < outputs_.size(); ++i)
    if (!tied_[i]) {
      results[i] = empty(outputs_[i].shape, outputs_[i].dtype);
      buffers.push_back(results[i]);
      specs.push_back(&outputs_[i]);
    }

  std::vector<std::vector<int64_t>> descriptors;
  for (size_t i = 0; i < buffers.size(); ++i)
    descriptors.push_back(descriptor(buffers[i].data_ptr(), specs[i]->shape));
  // The packed wrapper takes, per argument, a pointer to the C interface's
  // argument: here a pointer to a descriptor.
  std::vector<void *> pointers, args;
  for (auto &d : descriptors)
    pointers.push_back(d.data());
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
