//===- Aot.cpp - The C ABI of ahead-of-time compiled steps ----------------===//
//
// A kiln_step copies its description (the desc may be any caller's memory)
// and owns the memory of its state, scalars and kept buffers. A run checks
// every caller tensor, calls the compiled code on memref descriptors, and
// commits the untied results only once every host read matched its traced
// value, so a failed call changes nothing. No C++ exception crosses the C
// boundary: each entry point turns them into statuses.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/aot.h"
#include "kiln/ArrayRef.h"
#include "kiln/runtime/Allocator.h"
#include "kiln/runtime/DType.h"
#include "kiln/runtime/Safetensors.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

struct kiln_status_s {
  kiln_status_code code;
  const char *message;
};

namespace kiln::runtime {
namespace {

static_assert(KILN_BOOL == static_cast<int>(kBool) &&
                  KILN_INT64 == static_cast<int>(kLong) &&
                  KILN_FLOAT32 == static_cast<int>(kFloat) &&
                  KILN_FLOAT64 == static_cast<int>(kDouble),
              "kiln_dtype values are ScalarType values");

/// Bounds the counts of a description, which may come from a corrupt header.
constexpr size_t kMaxCount = size_t(1) << 16;

//===--- Statuses ---------------------------------------------------------===//

/// Returned when a status cannot be allocated; kiln_status_free keeps it.
kiln_status_s outOfMemoryStatus = {
    KILN_STATUS_RESOURCE_EXHAUSTED,
    "kiln: out of memory (even for an error status)"};

/// One block holds the status and its message.
kiln_status makeStatus(kiln_status_code code, const char *message) noexcept {
  size_t length = std::strlen(message);
  void *block = std::malloc(sizeof(kiln_status_s) + length + 1);
  if (block == nullptr)
    return &outOfMemoryStatus;
  char *text = static_cast<char *>(block) + sizeof(kiln_status_s);
  std::memcpy(text, message, length + 1);
  return new (block) kiln_status_s{code, text};
}

kiln_status makeStatus(kiln_status_code code, const char *who,
                       const char *what) noexcept {
  try {
    return makeStatus(code, (std::string(who) + ": " + what).c_str());
  } catch (...) {
    return &outOfMemoryStatus;
  }
}

/// A failure with the status code its entry point returns.
class StatusError : public Error {
public:
  StatusError(kiln_status_code code, const std::string &message)
      : Error(message), code_(code) {}
  kiln_status_code code() const { return code_; }

private:
  kiln_status_code code_;
};

template <class... Args>
[[noreturn]] void fail(kiln_status_code code, const Args &...args) {
  throw StatusError(code, detail::concat(args...));
}

/// Runs an entry point's body: its exceptions become statuses. `who` names
/// the entry point for failures that do not name it themselves.
template <class Fn> kiln_status guarded(const char *who, Fn &&body) noexcept {
  try {
    body();
    return nullptr;
  } catch (const StatusError &e) {
    return makeStatus(e.code(), e.what());
  } catch (const std::bad_alloc &) {
    return makeStatus(KILN_STATUS_RESOURCE_EXHAUSTED, who, "out of memory");
  } catch (const std::exception &e) {
    return makeStatus(KILN_STATUS_INTERNAL, who, e.what());
  } catch (...) {
    return makeStatus(KILN_STATUS_INTERNAL, who, "unknown exception");
  }
}

//===--- Tensor geometry --------------------------------------------------===//

std::string shapeText(const int64_t *shape, size_t rank) {
  return detail::concat(IntArrayRef(shape, rank));
}

std::string quoted(const std::string &name) { return "`" + name + "`"; }

/// The value of a C enum field as stored: a C caller may store any int, and
/// C++ must not load one outside the enum's range as the enum.
template <class Enum> int rawValue(const Enum &field) {
  static_assert(sizeof(Enum) == sizeof(int), "C enums are ints");
  int value;
  std::memcpy(&value, &field, sizeof value);
  return value;
}

bool isDtype(int value) { return value >= KILN_BOOL && value <= KILN_FLOAT64; }

/// The dtype and shape of a tensor the step holds or exchanges.
struct Spec {
  ScalarType dtype = kFloat;
  std::vector<int64_t> shape;
  int64_t numel = 1;
  size_t bytes = 0;

  size_t rank() const { return shape.size(); }
  std::string shapeText() const {
    return runtime::shapeText(shape.data(), shape.size());
  }
  std::string text() const {
    return std::string(dtypeName(dtype)) + " " + shapeText();
  }
  bool operator==(const Spec &o) const {
    return dtype == o.dtype && shape == o.shape;
  }
};

/// Checks a dtype and shape of the step's description; `who` names it.
Spec makeSpec(const std::string &who, int dtype, int32_t rank,
              const int64_t *shape) {
  if (!isDtype(dtype))
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has an invalid dtype ", dtype);
  if (rank < 0 || rank > kMaxTensorRank)
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has rank ", rank,
         "; kiln tensors have 0 to ", kMaxTensorRank, " dimensions");
  if (rank > 0 && shape == nullptr)
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has a NULL shape");
  Spec spec;
  spec.dtype = static_cast<ScalarType>(dtype);
  spec.shape.assign(shape, shape + rank);
  int64_t bytes = 0;
  bool overflow = false;
  for (int64_t d : spec.shape) {
    if (d < 0)
      fail(KILN_STATUS_INVALID_ARGUMENT, who, " has the negative dimension ", d,
           " in its shape ", spec.shapeText());
    overflow |= __builtin_mul_overflow(spec.numel, d, &spec.numel);
  }
  overflow |= __builtin_mul_overflow(
      spec.numel, static_cast<int64_t>(elementSize(spec.dtype)), &bytes);
  if (overflow)
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has the shape ", spec.shapeText(),
         ", whose size overflows");
  spec.bytes = static_cast<size_t>(bytes);
  return spec;
}

/// Checks a caller's tensor against `spec`. `who` names the tensor;
/// `expected` introduces what it must be ("the step expects").
void checkTensor(const std::string &who, const kiln_tensor &t, const Spec &spec,
                 const std::string &expected) {
  int dtype = rawValue(t.dtype);
  if (!isDtype(dtype))
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has an invalid dtype ", dtype);
  if (static_cast<ScalarType>(dtype) != spec.dtype)
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has dtype ",
         dtypeName(static_cast<ScalarType>(dtype)), ", ", expected, " ",
         dtypeName(spec.dtype));
  if (t.rank < 0 || static_cast<size_t>(t.rank) != spec.rank())
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has rank ", t.rank, ", ",
         expected, " rank ", spec.rank(), " (shape ", spec.shapeText(), ")");
  if (t.rank > 0 && t.shape == nullptr)
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has a NULL shape");
  if (!std::equal(spec.shape.begin(), spec.shape.end(), t.shape))
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has shape ",
         shapeText(t.shape, spec.rank()), ", ", expected, " ",
         spec.shapeText());
  if (t.data == nullptr && spec.numel > 0)
    fail(KILN_STATUS_INVALID_ARGUMENT, who, " has NULL data");
}

/// Whether `strides` (NULL: contiguous) lay `spec` out row-major.
bool isContiguous(const int64_t *strides, const Spec &spec) {
  if (strides == nullptr || spec.numel <= 1)
    return true;
  int64_t expected = 1;
  for (size_t i = spec.rank(); i-- > 0;) {
    if (spec.shape[i] != 1 && strides[i] != expected)
      return false;
    expected *= spec.shape[i];
  }
  return true;
}

/// Copies the elements of `spec` between layouts (strides in elements; NULL
/// is contiguous). Allocates nothing, so that a commit cannot fail halfway.
void copyElements(const void *src, const int64_t *srcStrides, void *dst,
                  const int64_t *dstStrides, const Spec &spec) noexcept {
  if (spec.numel == 0)
    return;
  if (isContiguous(srcStrides, spec) && isContiguous(dstStrides, spec)) {
    std::memcpy(dst, src, spec.bytes);
    return;
  }
  const size_t rank = spec.rank();
  int64_t contiguous[kMaxTensorRank];
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    contiguous[i] = stride;
    stride *= spec.shape[i];
  }
  const int64_t *from = srcStrides ? srcStrides : contiguous;
  const int64_t *to = dstStrides ? dstStrides : contiguous;
  const auto size = static_cast<int64_t>(elementSize(spec.dtype));
  const char *s = static_cast<const char *>(src);
  char *d = static_cast<char *>(dst);
  int64_t index[kMaxTensorRank] = {};
  int64_t srcOffset = 0, dstOffset = 0;
  for (int64_t n = 0; n < spec.numel; ++n) {
    std::memcpy(d + dstOffset * size, s + srcOffset * size, size);
    // Step the odometer: the last dimension fastest.
    for (size_t i = rank; i-- > 0;) {
      srcOffset += from[i];
      dstOffset += to[i];
      if (++index[i] < spec.shape[i])
        break;
      srcOffset -= from[i] * spec.shape[i];
      dstOffset -= to[i] * spec.shape[i];
      index[i] = 0;
    }
  }
}

/// kAlignment-aligned memory from the runtime allocator.
class Block {
public:
  Block() = default;
  explicit Block(size_t bytes) : data_(allocate(bytes)), bytes_(bytes) {}
  Block(Block &&o) noexcept : data_(o.data_), bytes_(o.bytes_) {
    o.data_ = nullptr;
  }
  Block &operator=(Block &&o) noexcept {
    std::swap(data_, o.data_);
    std::swap(bytes_, o.bytes_);
    return *this;
  }
  ~Block() {
    if (data_)
      deallocate(data_, bytes_);
  }
  void *data() const { return data_; }

private:
  void *data_ = nullptr;
  size_t bytes_ = 0;
};

Block zeroed(size_t bytes) {
  Block b(bytes);
  std::memset(b.data(), 0, bytes);
  return b;
}

/// MLIR's descriptor of a contiguous memref: {allocated, aligned, offset,
/// sizes..., strides...}.
std::vector<int64_t> descriptor(void *data, const Spec &spec) {
  std::vector<int64_t> d = {reinterpret_cast<int64_t>(data),
                            reinterpret_cast<int64_t>(data), 0};
  d.insert(d.end(), spec.shape.begin(), spec.shape.end());
  d.resize(3 + 2 * spec.rank());
  int64_t stride = 1;
  for (size_t i = spec.rank(); i-- > 0;) {
    d[3 + spec.rank() + i] = stride;
    stride *= spec.shape[i];
  }
  return d;
}

/// The value of one element as a double.
double elementValue(const void *data, ScalarType dtype) {
  if (dtype == kBool) // Read as a byte: a bool other than 0 or 1 is UB.
    return *static_cast<const unsigned char *>(data) != 0;
  return dispatchType(dtype, [&](auto t) {
    using T = decltype(t);
    T value;
    std::memcpy(&value, data, sizeof value);
    return static_cast<double>(value);
  });
}

/// The shortest text that reads back as `v`.
std::string numberText(double v) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}

//===--- The step ---------------------------------------------------------===//

const char *kindName(kiln_result_kind kind) {
  switch (kind) {
  case KILN_RESULT_OUTPUT:
    return "OUTPUT";
  case KILN_RESULT_STATE:
    return "STATE";
  case KILN_RESULT_BUFFER:
    return "BUFFER";
  default:
    return "HOST_READ";
  }
}

struct Argument {
  kiln_arg_kind kind;
  std::string name, description;
  Spec spec;
  Block memory; // STATE and SCALAR arguments.

  bool held() const { return kind != KILN_ARG_INPUT; }
  /// "`state.3` (lr of parameter group 0)".
  std::string label() const {
    return quoted(name) + (description.empty() ? "" : " (" + description + ")");
  }
};

struct Result {
  kiln_result_kind kind;
  size_t target = 0;
  bool tied = false;
  std::string name, description;
  double tracedValue = 0;
  Spec spec;
  Block kept; // BUFFER results.
};

std::string text(const char *s) { return s ? s : ""; }

} // namespace
} // namespace kiln::runtime

using namespace kiln;
using namespace kiln::runtime;

struct kiln_step {
  std::string name;
  std::vector<Argument> args;
  std::vector<Result> results;
  void (*entry)(void **) = nullptr;
  std::vector<size_t> inputArgs;     // Per input of run, its argument.
  std::vector<size_t> outputResults; // Per output of run, its result.

  [[noreturn]] void invalid(const std::string &what) const {
    fail(KILN_STATUS_INVALID_ARGUMENT, name, ": ", what);
  }
};

namespace {

void describeArguments(kiln_step &step, const kiln_step_desc &desc) {
  std::unordered_set<std::string> names;
  for (size_t i = 0; i < desc.num_args; ++i) {
    const kiln_arg_desc &a = desc.args[i];
    std::string who = "argument " + std::to_string(i);
    int kind = rawValue(a.kind);
    if (kind < KILN_ARG_INPUT || kind > KILN_ARG_SCALAR)
      step.invalid(who + " has an invalid kind " + std::to_string(kind));
    if (a.name == nullptr || *a.name == '\0')
      step.invalid(who + " has no name");
    if (!names.insert(a.name).second)
      step.invalid(who + " is named " + quoted(a.name) +
                   " like an earlier argument");
    Argument arg{a.kind, a.name, text(a.description),
                 makeSpec(step.name + ": " + who + " (" + quoted(a.name) + ")",
                          rawValue(a.dtype), a.rank, a.shape),
                 Block()};
    if (arg.kind == KILN_ARG_SCALAR && arg.spec.numel != 1)
      step.invalid(who + " (" + quoted(a.name) + ") is a SCALAR of shape " +
                   arg.spec.shapeText() + "; a scalar has one element");
    if (arg.kind == KILN_ARG_INPUT)
      step.inputArgs.push_back(i);
    step.args.push_back(std::move(arg));
  }
}

void describeResults(kiln_step &step, const kiln_step_desc &desc) {
  size_t outputs = 0;
  for (size_t r = 0; r < desc.num_results; ++r)
    outputs += rawValue(desc.results[r].kind) == KILN_RESULT_OUTPUT;
  step.outputResults.assign(outputs, SIZE_MAX);
  std::vector<bool> written(step.args.size());
  std::unordered_set<std::string> buffers;
  bool hostReads = false;
  size_t tied = SIZE_MAX; // A tied result.
  for (size_t r = 0; r < desc.num_results; ++r) {
    const kiln_result_desc &d = desc.results[r];
    std::string who = "result " + std::to_string(r);
    int kind = rawValue(d.kind);
    if (kind < KILN_RESULT_OUTPUT || kind > KILN_RESULT_HOST_READ)
      step.invalid(who + " has an invalid kind " + std::to_string(kind));
    who += " (" + std::string(kindName(d.kind)) + ")";
    Result res{
        d.kind,
        0,
        d.tied != 0,
        text(d.name),
        text(d.description),
        d.traced_value,
        makeSpec(step.name + ": " + who, rawValue(d.dtype), d.rank, d.shape),
        Block()};
    if (res.tied && d.kind != KILN_RESULT_STATE)
      step.invalid(who + " is tied; only STATE results can be");
    if (d.kind == KILN_RESULT_OUTPUT) {
      if (d.target < 0 || static_cast<size_t>(d.target) >= outputs)
        step.invalid(who + " is output " + std::to_string(d.target) +
                     ", but the step has " + std::to_string(outputs) +
                     " outputs");
      if (step.outputResults[d.target] != SIZE_MAX)
        step.invalid(who + " is output " + std::to_string(d.target) +
                     ", like result " +
                     std::to_string(step.outputResults[d.target]));
      step.outputResults[d.target] = r;
      res.target = static_cast<size_t>(d.target);
    } else if (d.kind == KILN_RESULT_STATE) {
      if (d.target < 0 || static_cast<size_t>(d.target) >= step.args.size())
        step.invalid(who + " targets argument " + std::to_string(d.target) +
                     ", but the step has " + std::to_string(step.args.size()) +
                     " arguments");
      const Argument &arg = step.args[d.target];
      if (!arg.held())
        step.invalid(who + " targets argument " + std::to_string(d.target) +
                     ", an INPUT; only STATE and SCALAR arguments are kept");
      if (!(res.spec == arg.spec))
        step.invalid(who + " is " + res.spec.text() + ", but its target " +
                     quoted(arg.name) + " is " + arg.spec.text());
      if (written[d.target])
        step.invalid(who + " targets " + quoted(arg.name) +
                     ", which an earlier result writes too");
      written[d.target] = true;
      res.target = static_cast<size_t>(d.target);
    } else if (d.kind == KILN_RESULT_BUFFER) {
      if (res.name.empty())
        step.invalid(who + " has no name");
      bool isArgument = false;
      for (const Argument &a : step.args)
        isArgument |= a.name == res.name;
      if (isArgument || !buffers.insert(res.name).second)
        step.invalid(who + " is named " + quoted(res.name) +
                     " like an argument or an earlier buffer");
      res.kept = zeroed(res.spec.bytes);
    } else {
      if (res.spec.numel != 1)
        step.invalid(who + " has shape " + res.spec.shapeText() +
                     "; a host read is one element");
      hostReads = true;
    }
    if (res.tied)
      tied = r;
    step.results.push_back(std::move(res));
  }
  // A tied write happens during the call, before the guards are checked.
  if (tied != SIZE_MAX && hostReads)
    step.invalid("it has host reads and ties a result to " +
                 quoted(step.args[step.results[tied].target].name) +
                 "; a failed guard could not undo the tied write");
}

std::unique_ptr<kiln_step> describeStep(const kiln_step_desc &desc) {
  if (desc.abi_version != KILN_AOT_ABI_VERSION)
    fail(KILN_STATUS_UNIMPLEMENTED,
         "kiln_step_create: the step was compiled "
         "for version ",
         desc.abi_version, " of the AOT ABI; this runtime implements version ",
         KILN_AOT_ABI_VERSION);
  if (desc.name == nullptr)
    fail(KILN_STATUS_INVALID_ARGUMENT, "kiln_step_create: desc->name is NULL");
  auto step = std::make_unique<kiln_step>();
  step->name = desc.name;
  if (desc.num_args > kMaxCount || desc.num_results > kMaxCount)
    step->invalid("it has " + std::to_string(desc.num_args) +
                  " arguments and " + std::to_string(desc.num_results) +
                  " results; a step has at most " + std::to_string(kMaxCount) +
                  " of each");
  if (desc.num_args > 0 && desc.args == nullptr)
    step->invalid("desc->args is NULL");
  if (desc.num_results > 0 && desc.results == nullptr)
    step->invalid("desc->results is NULL");
  if (desc.entry == nullptr)
    step->invalid("desc->entry is NULL");
  step->entry = desc.entry;
  describeArguments(*step, desc);
  describeResults(*step, desc);
  return step;
}

/// The bytes of a file, with the status its failure deserves.
std::string readFile(const std::string &who, const std::string &path) {
  try {
    return readFileBytes(path);
  } catch (const FileError &e) {
    fail(e.errnum() == ENOENT   ? KILN_STATUS_NOT_FOUND
         : e.errnum() == ENOMEM ? KILN_STATUS_RESOURCE_EXHAUSTED
                                : KILN_STATUS_IO_ERROR,
         who, ": ", e.what());
  }
}

std::vector<SafetensorsEntry> parseFile(const std::string &who,
                                        const std::string &bytes,
                                        const std::string &path) {
  try {
    return parseSafetensors(bytes.data(), bytes.size(), path);
  } catch (const Error &e) {
    fail(KILN_STATUS_DATA_LOSS, who, ": ", e.what());
  }
}

const SafetensorsEntry *findEntry(const std::vector<SafetensorsEntry> &entries,
                                  const std::string &name) {
  for (const SafetensorsEntry &e : entries)
    if (e.name == name)
      return &e;
  return nullptr;
}

Spec entrySpec(const SafetensorsEntry &e) {
  Spec spec;
  spec.dtype = e.dtype;
  spec.shape = e.shape;
  spec.numel = static_cast<int64_t>(e.bytes / elementSize(e.dtype));
  spec.bytes = e.bytes;
  return spec;
}

void loadState(kiln_step &step, const char *statePath) {
  const Argument *firstHeld = nullptr;
  for (const Argument &a : step.args)
    if (a.held() && !firstHeld)
      firstHeld = &a;
  if (statePath == nullptr) {
    if (firstHeld)
      step.invalid("state_path is NULL, but the step holds state (" +
                   firstHeld->label() + ")");
    return;
  }
  std::string bytes = readFile(step.name, statePath);
  std::vector<SafetensorsEntry> entries =
      parseFile(step.name, bytes, statePath);
  for (Argument &a : step.args) {
    if (!a.held())
      continue;
    const SafetensorsEntry *e = findEntry(entries, a.name);
    if (e == nullptr)
      fail(KILN_STATUS_NOT_FOUND, step.name, ": the state file '", statePath,
           "' has no tensor ", a.label());
    Spec found = entrySpec(*e);
    if (!(found == a.spec))
      fail(KILN_STATUS_DATA_LOSS, step.name, ": tensor ", a.label(), " in '",
           statePath, "' is ", found.text(), ", the step expects ",
           a.spec.text());
    a.memory = zeroed(a.spec.bytes);
    if (e->bytes)
      std::memcpy(a.memory.data(), e->data, e->bytes);
  }
}

void checkCount(const kiln_step &step, const char *what, size_t got,
                size_t expected, const void *array) {
  if (got != expected)
    step.invalid(std::string("run takes ") + std::to_string(expected) + " " +
                 what + ", got " + std::to_string(got));
  if (got > 0 && array == nullptr)
    step.invalid(std::string(what) + " is NULL");
}

void run(kiln_step &step, const kiln_tensor *inputs, size_t n,
         kiln_tensor *outputs, size_t m) {
  checkCount(step, "inputs", n, step.inputArgs.size(), inputs);
  checkCount(step, "outputs", m, step.outputResults.size(), outputs);
  const std::string expects = "the step expects";
  for (size_t i = 0; i < n; ++i)
    checkTensor(step.name + ": input " + std::to_string(i), inputs[i],
                step.args[step.inputArgs[i]].spec, expects);
  for (size_t j = 0; j < m; ++j)
    checkTensor(step.name + ": output " + std::to_string(j), outputs[j],
                step.results[step.outputResults[j]].spec, expects);

  // One descriptor per parameter: the arguments, then the untied results.
  std::vector<Block> gathered, temporaries(step.results.size());
  std::vector<std::vector<int64_t>> descriptors;
  size_t input = 0;
  for (Argument &a : step.args) {
    void *data = a.memory.data();
    if (!a.held()) {
      const kiln_tensor &t = inputs[input++];
      data = t.data;
      if (!isContiguous(t.strides, a.spec)) {
        gathered.emplace_back(a.spec.bytes);
        data = gathered.back().data();
        copyElements(t.data, t.strides, data, nullptr, a.spec);
      }
    }
    descriptors.push_back(descriptor(data, a.spec));
  }
  // Without host reads nothing can fail after the call: kept buffers (the
  // .grads, often large) are written in place instead of copied.
  bool checked = false;
  for (const Result &res : step.results)
    checked |= res.kind == KILN_RESULT_HOST_READ;
  std::vector<bool> direct(step.results.size(), false);
  for (size_t r = 0; r < step.results.size(); ++r) {
    Result &res = step.results[r];
    if (res.tied)
      continue;
    direct[r] = !checked && res.kind == KILN_RESULT_BUFFER;
    if (!direct[r])
      temporaries[r] = Block(res.spec.bytes);
    descriptors.push_back(descriptor(
        direct[r] ? res.kept.data() : temporaries[r].data(), res.spec));
  }
  std::vector<void *> pointers, params;
  for (std::vector<int64_t> &d : descriptors)
    pointers.push_back(d.data());
  for (void *&p : pointers)
    params.push_back(&p);
  step.entry(params.data());

  for (size_t r = 0; r < step.results.size(); ++r) {
    const Result &res = step.results[r];
    if (res.kind != KILN_RESULT_HOST_READ)
      continue;
    double now = elementValue(temporaries[r].data(), res.spec.dtype);
    bool same = now == res.tracedValue ||
                (now != now && res.tracedValue != res.tracedValue);
    if (!same)
      fail(KILN_STATUS_FAILED_PRECONDITION, step.name, ": guard failed: ",
           res.description.empty() ? "result " + std::to_string(r)
                                   : res.description,
           " was ", numberText(res.tracedValue), ", now ", numberText(now));
  }
  // The commit: copies that cannot fail.
  for (size_t r = 0; r < step.results.size(); ++r) {
    Result &res = step.results[r];
    const void *value = temporaries[r].data();
    if (res.kind == KILN_RESULT_STATE && !res.tied)
      std::memcpy(step.args[res.target].memory.data(), value, res.spec.bytes);
    else if (res.kind == KILN_RESULT_BUFFER && !direct[r])
      std::memcpy(res.kept.data(), value, res.spec.bytes);
    else if (res.kind == KILN_RESULT_OUTPUT)
      copyElements(value, nullptr, outputs[res.target].data,
                   outputs[res.target].strides, res.spec);
  }
}

std::string scalarList(const std::vector<const Argument *> &scalars) {
  std::string out;
  for (const Argument *a : scalars)
    out += (out.empty() ? "" : ", ") + a->label();
  return out;
}

/// The SCALAR argument `key` names: its name, its description, or the
/// description's first word when that is unique.
Argument &findScalar(kiln_step &step, const std::string &key) {
  std::vector<Argument *> byDescription, byFirstWord;
  std::vector<const Argument *> scalars;
  for (Argument &a : step.args) {
    if (a.name == key || (!a.description.empty() && a.description == key)) {
      if (a.kind != KILN_ARG_SCALAR)
        step.invalid(
            a.label() + " is " +
            (a.kind == KILN_ARG_STATE ? "a state tensor" : "an input of run") +
            ", not a runtime scalar");
      if (a.name == key)
        return a;
      byDescription.push_back(&a);
    }
    if (a.kind != KILN_ARG_SCALAR)
      continue;
    scalars.push_back(&a);
    if (!a.description.empty() &&
        a.description.substr(0, a.description.find(' ')) == key)
      byFirstWord.push_back(&a);
  }
  std::vector<Argument *> &matches =
      byDescription.empty() ? byFirstWord : byDescription;
  if (matches.size() == 1)
    return *matches.front();
  if (matches.size() > 1)
    step.invalid(quoted(key) + " names " + std::to_string(matches.size()) +
                 " runtime scalars: " +
                 scalarList(std::vector<const Argument *>(matches.begin(),
                                                          matches.end())) +
                 "; use a name or a full description");
  if (scalars.empty())
    step.invalid("no runtime scalar " + quoted(key) +
                 "; the step has no runtime scalars");
  step.invalid("no runtime scalar " + quoted(key) +
               "; the scalars are: " + scalarList(scalars));
}

/// What get and save read: a held argument or a kept buffer.
const Spec &findKept(const kiln_step &step, const std::string &key,
                     const void **data) {
  for (const Argument &a : step.args)
    if (a.name == key) {
      if (!a.held())
        step.invalid(a.label() + " is an input of run; the step keeps no "
                                 "copy of it");
      *data = a.memory.data();
      return a.spec;
    }
  for (const Result &r : step.results)
    if (r.kind == KILN_RESULT_BUFFER && r.name == key) {
      *data = r.kept.data();
      return r.spec;
    }
  step.invalid("no state tensor, scalar or buffer named " + quoted(key));
}

void save(const kiln_step &step, const std::string &path) {
  std::vector<SafetensorsEntry> entries;
  for (const Argument &a : step.args)
    if (a.held())
      entries.push_back(
          {a.name, a.spec.dtype, a.spec.shape, a.memory.data(), a.spec.bytes});
  std::string bytes = serializeSafetensors(entries);
  std::string temporary = path + ".tmp." + std::to_string(::getpid());
  try {
    writeFileBytes(temporary, bytes);
  } catch (const FileError &e) {
    std::remove(temporary.c_str());
    fail(KILN_STATUS_IO_ERROR, step.name, ": cannot save the state to '", path,
         "': ", e.what());
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(temporary.c_str());
    fail(KILN_STATUS_IO_ERROR, step.name, ": cannot save the state to '", path,
         "': cannot rename '", temporary, "' to it: ", std::strerror(err));
  }
}

} // namespace

extern "C" {

kiln_status_code kiln_status_get_code(kiln_status status) {
  return status ? status->code : KILN_STATUS_OK;
}

const char *kiln_status_message(kiln_status status) {
  return status ? status->message : "OK";
}

void kiln_status_free(kiln_status status) {
  if (status == nullptr || status == &outOfMemoryStatus)
    return;
  status->~kiln_status_s();
  std::free(status);
}

kiln_status kiln_step_create(const kiln_step_desc *desc, const char *state_path,
                             kiln_step **out) {
  return guarded("kiln_step_create", [&] {
    if (out == nullptr)
      fail(KILN_STATUS_INVALID_ARGUMENT, "kiln_step_create: out is NULL");
    *out = nullptr;
    if (desc == nullptr)
      fail(KILN_STATUS_INVALID_ARGUMENT, "kiln_step_create: desc is NULL");
    std::unique_ptr<kiln_step> step = describeStep(*desc);
    loadState(*step, state_path);
    *out = step.release();
  });
}

kiln_status kiln_step_run(kiln_step *step, const kiln_tensor *inputs, size_t n,
                          kiln_tensor *outputs, size_t m) {
  const char *who = step ? step->name.c_str() : "kiln_step_run";
  return guarded(who, [&] {
    if (step == nullptr)
      fail(KILN_STATUS_INVALID_ARGUMENT, "kiln_step_run: step is NULL");
    run(*step, inputs, n, outputs, m);
  });
}

kiln_status kiln_step_set_scalar(kiln_step *step, const char *name,
                                 double value) {
  const char *who = step ? step->name.c_str() : "kiln_step_set_scalar";
  return guarded(who, [&] {
    if (step == nullptr)
      fail(KILN_STATUS_INVALID_ARGUMENT, "kiln_step_set_scalar: step is NULL");
    if (name == nullptr)
      step->invalid("set_scalar: name is NULL");
    Argument &scalar = findScalar(*step, name);
    dispatchType(scalar.spec.dtype, [&](auto t) {
      auto converted = convertValue<decltype(t)>(value);
      std::memcpy(scalar.memory.data(), &converted, sizeof converted);
    });
  });
}

kiln_status kiln_step_get(const kiln_step *step, const char *name,
                          kiln_tensor *out) {
  const char *who = step ? step->name.c_str() : "kiln_step_get";
  return guarded(who, [&] {
    if (step == nullptr)
      fail(KILN_STATUS_INVALID_ARGUMENT, "kiln_step_get: step is NULL");
    if (name == nullptr)
      step->invalid("get: name is NULL");
    if (out == nullptr)
      step->invalid("get: out is NULL");
    const void *data = nullptr;
    const Spec &spec = findKept(*step, name, &data);
    checkTensor(step->name + ": get: out", *out, spec, quoted(name) + " is");
    copyElements(data, nullptr, out->data, out->strides, spec);
  });
}

kiln_status kiln_step_save(const kiln_step *step, const char *state_path) {
  const char *who = step ? step->name.c_str() : "kiln_step_save";
  return guarded(who, [&] {
    if (step == nullptr)
      fail(KILN_STATUS_INVALID_ARGUMENT, "kiln_step_save: step is NULL");
    if (state_path == nullptr)
      step->invalid("save: state_path is NULL");
    save(*step, state_path);
  });
}

void kiln_step_destroy(kiln_step *step) { delete step; }

kiln_status kiln_safetensors_read(const char *path, const char *name,
                                  kiln_tensor *out) {
  const char *who = "kiln_safetensors_read";
  return guarded(who, [&] {
    if (path == nullptr || name == nullptr || out == nullptr)
      fail(KILN_STATUS_INVALID_ARGUMENT, who, ": ",
           path == nullptr   ? "path"
           : name == nullptr ? "name"
                             : "out",
           " is NULL");
    std::string bytes = readFile(who, path);
    std::vector<SafetensorsEntry> entries = parseFile(who, bytes, path);
    const SafetensorsEntry *e = findEntry(entries, name);
    if (e == nullptr)
      fail(KILN_STATUS_NOT_FOUND, who, ": '", path, "' has no tensor ",
           quoted(name));
    Spec spec = entrySpec(*e);
    checkTensor(std::string(who) + ": out", *out, spec,
                "tensor " + quoted(name) + " of '" + path + "' has");
    copyElements(e->data, nullptr, out->data, out->strides, spec);
  });
}

} // extern "C"
