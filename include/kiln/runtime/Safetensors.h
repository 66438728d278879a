//===- Safetensors.h - The safetensors format on raw memory -----*- C++ -*-===//
//
// The codec behind kiln::save_safetensors/load_safetensors and the step
// files of ahead-of-time compiled code. It knows tensors only as a dtype, a
// shape and contiguous bytes, so that the runtime can read and write state
// files without the frontend.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_SAFETENSORS_H
#define KILN_RUNTIME_SAFETENSORS_H

#include "kiln/Error.h"
#include "kiln/runtime/DType.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::runtime {

/// The most dimensions a kiln tensor has, hence a safetensors shape too.
constexpr int64_t kMaxTensorRank = 16;

/// One tensor of a safetensors file: `bytes` contiguous, row-major bytes at
/// `data`.
struct SafetensorsEntry {
  std::string name;
  ScalarType dtype = kFloat;
  std::vector<int64_t> shape;
  const void *data = nullptr;
  size_t bytes = 0;
};

/// A file that cannot be opened, read or written. `errnum` is the errno of
/// the failure (ENOMEM when its bytes do not fit in memory).
class FileError : public Error {
public:
  FileError(const std::string &msg, int errnum) : Error(msg), errnum_(errnum) {}
  int errnum() const { return errnum_; }

private:
  int errnum_;
};

/// Parses a whole file held in memory (`size` bytes at `data`), in header
/// order; the entries point into `data`. `source` names the file in error
/// messages. Never reads outside the buffer nor trusts a count in it; a
/// malformed file is a kiln::Error that says what is wrong.
std::vector<SafetensorsEntry> parseSafetensors(const void *data, size_t size,
                                               const std::string &source);
/// The bytes of a file holding `entries`, in order. Throws kiln::Error for
/// a name that is not UTF-8 or is __metadata__, or an unsupported dtype.
std::string serializeSafetensors(const std::vector<SafetensorsEntry> &entries);

/// The bytes of the safetensors file at `path`; throws FileError.
std::string readFileBytes(const std::string &path);
/// Appends `s` as a JSON string literal (quotes and control characters
/// escaped): the safetensors header's, and other JSON kiln writes.
void appendJsonString(std::string &out, const std::string &s);
/// Creates or replaces the file at `path`; throws FileError.
void writeFileBytes(const std::string &path, const std::string &bytes);

} // namespace kiln::runtime

#endif // KILN_RUNTIME_SAFETENSORS_H
