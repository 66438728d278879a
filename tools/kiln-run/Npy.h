//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
#ifndef KILN_TOOLS_NPY_H
#define KILN_TOOLS_NPY_H

#include <kiln/kiln.h>

#include <string>

namespace kiln::tools {

/// Reads a C-order .npy file of float32/float64/int64/bool.
Tensor readNpy(const std::string &path);
/// Writes `t` as a C-order .npy file.
void writeNpy(const Tensor &t, const std::string &path);

} // namespace kiln::tools

#endif // KILN_TOOLS_NPY_H
