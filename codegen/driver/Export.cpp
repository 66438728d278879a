//===- Export.cpp - A compiled step written to files ----------------------===//
//
// The first half of ahead-of-time compilation: what a traced step is, as
// files another process (or a later kiln-compile) can read. The manifest is
// JSON written by hand; names are the function's argument and result
// positions, so it needs no schema beyond this file's comments.
//
//===----------------------------------------------------------------------===//
#include "Export.h"
#include "SourceLocations.h"
#include "kiln/Serialize.h"
#include "kiln/runtime/Safetensors.h"

#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/raw_ostream.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kiln::codegen {

namespace {

std::string json(const std::string &s) {
  std::string out;
  runtime::appendJsonString(out, s);
  return out;
}

const char *aliasName(trace::OutputAlias::Kind k) {
  switch (k) {
  case trace::OutputAlias::Fresh:
    return "fresh";
  case trace::OutputAlias::Input:
    return "argument";
  case trace::OutputAlias::Captured:
    return "state";
  case trace::OutputAlias::Output:
    return "result";
  case trace::OutputAlias::GradOf:
    return "grad";
  case trace::OutputAlias::InputView:
    return "view of argument";
  case trace::OutputAlias::CapturedView:
    return "view of state";
  }
  return "fresh";
}

void writeFile(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  KILN_CHECK(out.good(), "kiln::compile: cannot write ", path);
}

} // namespace

void exportStep(const std::string &path, const std::string &name,
                const trace::Graph &g, const ResultLayout &layout,
                const std::vector<size_t> &writeTargets, mlir::ModuleOp module,
                const variable_list &state) {
  mlir::MLIRContext &ctx = *module->getContext();
  // Like KILN_DUMP_IR, the folder is created.
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty())
    std::filesystem::create_directories(parent, error);
  std::string ir;
  {
    llvm::raw_string_ostream os(ir);
    module->print(os, mlir::OpPrintingFlags().enableDebugInfo());
  }
  writeFile(path + ".mlir", ir);

  std::ostringstream m;
  m << "{\n  \"format\": \"kiln-step-1\",\n  \"function\": " << json(name)
    << ",\n  \"arguments\": [";
  // Function arguments: the step's tensor arguments, then its state.
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    const trace::ValueType &t = g.values[g.inputs[i]];
    m << (i ? "," : "") << "\n    {\"kind\": \"argument\", \"index\": " << i
      << ", \"shape\": " << IntArrayRef(t.shape)
      << ", \"dtype\": " << json(dtypeName(t.dtype)) << "}";
  }
  for (size_t j = 0; j < g.captured.size(); ++j) {
    const trace::ValueType &t = g.values[g.captured[j].second];
    std::string kind = g.capturedGradOf[j].defined() ? "grad" : "state";
    std::string description;
    for (const trace::ScalarInput &s : g.scalarInputs)
      if (s.captured == j) {
        kind = "scalar";
        description = s.description;
      }
    m << (g.inputs.size() + j ? "," : "") << "\n    {\"kind\": " << json(kind)
      << ", \"name\": " << json("state." + std::to_string(j))
      << ", \"shape\": " << IntArrayRef(t.shape)
      << ", \"dtype\": " << json(dtypeName(t.dtype));
    if (!description.empty())
      m << ", \"description\": " << json(description);
    // A .grad read by the step: whose.
    if (kind == "grad" && g.capturedGradOfInput[j] >= 0)
      m << ", \"of\": \"argument." << g.capturedGradOfInput[j] << "\"";
    for (size_t k = 0; k < g.captured.size() && kind == "grad" &&
                       g.capturedGradOfInput[j] < 0;
         ++k)
      if (g.captured[k].first.is_same(g.capturedGradOf[j]))
        m << ", \"of\": " << json("state." + std::to_string(k));
    std::string at = userLocationText(ctx, g.capturedAt[j]);
    if (!at.empty())
      m << ", \"first_use\": " << json(at);
    m << "}";
  }
  // Function results: outputs, state writes, new .grads, host reads.
  m << "\n  ],\n  \"results\": [";
  size_t r = 0;
  auto next = [&] { return r++ ? "," : ""; };
  for (size_t o = 0; o < layout.outputs; ++o)
    m << next() << "\n    {\"kind\": \"output\", \"index\": " << o
      << ", \"aliases\": " << json(aliasName(g.outputAliases[o].kind)) << "}";
  for (size_t i = 0; i < g.stateWrites.size(); ++i) {
    size_t target = writeTargets[i];
    m << next() << "\n    {\"kind\": \"state_write\", \"state\": "
      << json("state." + std::to_string(target)) << "}";
  }
  for (size_t k = 0; k < g.gradSlots.size(); ++k) {
    if (g.gradSlots[k].second < 0)
      continue;
    // The .grad of an argument, or of a parameter (a state entry).
    std::string of;
    if (g.gradSlotInput[k] >= 0)
      of = "\"argument\": " + std::to_string(g.gradSlotInput[k]);
    for (size_t j = 0; j < g.captured.size() && of.empty(); ++j)
      if (g.captured[j].first.is_same(g.gradSlots[k].first))
        of = "\"state\": " + json("state." + std::to_string(j));
    m << next() << "\n    {\"kind\": \"grad\"" << (of.empty() ? "" : ", " + of)
      << "}";
  }
  for (const trace::HostRead &h : g.hostReads)
    m << next()
      << "\n    {\"kind\": \"host_read\", \"traced_value\": " << h.observed
      << ", \"description\": " << json(h.description) << "}";
  m << "\n  ],\n  \"guards\": [";
  for (size_t i = 0; i < g.guards.size(); ++i) {
    std::string at = userLocationText(ctx, g.guards[i].callers);
    m << (i ? "," : "") << "\n    "
      << json(g.guards[i].description + (at.empty() ? "" : " (" + at + ")"));
  }
  m << "\n  ]\n}\n";
  writeFile(path + ".json", m.str());

  OrderedDict<std::string, Tensor> values;
  for (size_t j = 0; j < state.size(); ++j)
    if (state[j].defined())
      values.insert("state." + std::to_string(j), state[j]);
  save_safetensors(values, path + ".safetensors");
}

} // namespace kiln::codegen
