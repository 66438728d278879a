//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
#ifndef KILN_TOOLS_NPY_H
#define KILN_TOOLS_NPY_H

#include <kiln/kiln.h>

#include <cstddef>
#include <string>

namespace kiln::tools {

/// Parses the bytes of a .npy file (format 1.0, 2.0 or 3.0) holding
/// little-endian float32 (<f4), float64 (<f8), int64 (<i8) or bool (|b1)
/// in C or Fortran order. Every defect of the input, whatever the bytes, is
/// a kiln::Error (no other exception) whose message starts with `name`.
Tensor parseNpy(const void *data, size_t size, const std::string &name);
/// Reads and parses the .npy file at `path` (errors as parseNpy's).
Tensor readNpy(const std::string &path);
/// The bytes of `t` as a C-order .npy file.
std::string encodeNpy(const Tensor &t);
/// Writes `t` as a C-order .npy file.
void writeNpy(const Tensor &t, const std::string &path);

} // namespace kiln::tools

#endif // KILN_TOOLS_NPY_H
