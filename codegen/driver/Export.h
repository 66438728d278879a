//===- Export.h - A compiled step written to files --------------*- C++ -*-===//
#ifndef KILN_CODEGEN_DRIVER_EXPORT_H
#define KILN_CODEGEN_DRIVER_EXPORT_H

#include "TraceImport.h"
#include "kiln/Trace.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace kiln::codegen {

/// Writes `path.mlir` (`module`, with locations), `path.json` (the
/// manifest: how the function's arguments and results map to the step's
/// arguments, state, runtime scalars, results, `.grad`s and host reads, and
/// the guards a caller must respect) and `path.safetensors` (`state`, the
/// captured tensors' current values, named `state.<j>`). `writeTargets`:
/// the captured tensor each state write targets. Throws kiln::Error on I/O
/// failure.
void exportStep(const std::string &path, const std::string &name,
                const trace::Graph &graph, const ResultLayout &layout,
                const std::vector<size_t> &writeTargets, mlir::ModuleOp module,
                const variable_list &state);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_DRIVER_EXPORT_H
