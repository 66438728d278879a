//===- SourceLocations.h - The user's source line of a traced op -*- C++
//-*-===//
#ifndef KILN_CODEGEN_DRIVER_SOURCELOCATIONS_H
#define KILN_CODEGEN_DRIVER_SOURCELOCATIONS_H

#include "mlir/IR/Location.h"

#include <string>
#include <vector>

namespace kiln::codegen {

/// The file:line:column of the first frame of `callers` (return addresses,
/// innermost first) outside kiln and the C++ library, found through the
/// binaries' debug line tables; null when no such frame has line
/// information (code built without -g).
mlir::LocationAttr userLocation(mlir::MLIRContext &context,
                                const std::vector<void *> &callers);

/// userLocation as "file:line:col" (for logs and manifests), or "" when
/// unknown.
std::string userLocationText(mlir::MLIRContext &context,
                             const std::vector<void *> &callers);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_DRIVER_SOURCELOCATIONS_H
