//===- StepAbi.h - What a compiled step's C interface exposes ---*- C++ -*-===//
#ifndef KILN_TOOLS_KILNCOMPILE_STEPABI_H
#define KILN_TOOLS_KILNCOMPILE_STEPABI_H

#include "codegen/ObjectCode.h"
#include "kiln/runtime/aot.h"

#include <string>
#include <vector>

namespace kiln::tools {

struct AbiArg {
  kiln_arg_kind kind;
  std::string name, description;
  codegen::TensorSpec spec;
};

struct AbiResult {
  kiln_result_kind kind;
  int target = 0; ///< output index, or argument index of a state result
  std::string name, description;
  double tracedValue = 0;
  codegen::TensorSpec spec;
};

/// How a function's arguments and results map to the step's inputs,
/// state, runtime scalars, outputs, kept buffers and host reads.
struct StepAbi {
  std::vector<AbiArg> args;
  std::vector<AbiResult> results;
  /// The guards the caller must respect (from the manifest), for the header.
  std::vector<std::string> guards;
  bool hasHostReads() const;
  /// The in-place updates the code may make: every state result, unless a
  /// host read is checked after the run (then nothing may be written
  /// before the check).
  std::vector<codegen::Tie> inPlaceUpdates() const;
};

/// The ABI of a function without a manifest: every argument an input,
/// every result an output.
StepAbi plainAbi(const std::vector<codegen::TensorSpec> &args,
                 const std::vector<codegen::TensorSpec> &results);

/// The ABI that the manifest `manifestText` (Compiled::save's `.json`)
/// describes, checked against the function's signature. Throws kiln::Error
/// naming `path` on anything malformed or inconsistent.
StepAbi manifestAbi(const std::string &manifestText, const std::string &path,
                    const std::vector<codegen::TensorSpec> &args,
                    const std::vector<codegen::TensorSpec> &results);

/// The C header of a step named `name` whose packed entry point is
/// `entrySymbol` (see kiln/runtime/aot.h), compiled with `ties`.
std::string writeHeader(const StepAbi &abi,
                        const std::vector<codegen::Tie> &ties,
                        const std::string &name, const std::string &entrySymbol,
                        const std::string &source);

} // namespace kiln::tools

#endif // KILN_TOOLS_KILNCOMPILE_STEPABI_H
