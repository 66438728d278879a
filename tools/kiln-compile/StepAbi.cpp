//===- StepAbi.cpp - What a compiled step's C interface exposes -----------===//
#include "StepAbi.h"

#include <kiln/ArrayRef.h>
#include <kiln/Error.h>

#include "llvm/Support/JSON.h"

#include <cmath>
#include <map>
#include <sstream>

namespace kiln::tools {
namespace {

const char *cDtype(ScalarType t) {
  switch (t) {
  case kFloat:
    return "KILN_FLOAT32";
  case kDouble:
    return "KILN_FLOAT64";
  case kLong:
    return "KILN_INT64";
  default:
    return "KILN_BOOL";
  }
}

std::string shapeText(const std::vector<int64_t> &shape) {
  return detail::concat(IntArrayRef(shape));
}

/// A C string literal.
std::string cString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

/// Text for a C comment: no "*/", one line.
std::string commentText(std::string s) {
  for (size_t at; (at = s.find("*/")) != std::string::npos;)
    s.replace(at, 2, "* /");
  for (char &c : s)
    if (c == '\n' || c == '\r')
      c = ' ';
  return s;
}

class ManifestReader {
public:
  explicit ManifestReader(const std::string &path) : path_(path) {}

  [[noreturn]] void fail(const std::string &what) const {
    throw Error("kiln-compile: " + path_ + ": " + what);
  }

  const llvm::json::Object &object(const llvm::json::Value &v,
                                   const std::string &what) const {
    const llvm::json::Object *o = v.getAsObject();
    if (!o)
      fail(what + " is not a JSON object");
    return *o;
  }
  const llvm::json::Array &array(const llvm::json::Object &o, const char *key,
                                 const std::string &what) const {
    const llvm::json::Array *a = o.getArray(key);
    if (!a)
      fail(what + " has no list \"" + key + "\"");
    return *a;
  }
  std::string string(const llvm::json::Object &o, const char *key,
                     const std::string &what) const {
    auto s = o.getString(key);
    if (!s)
      fail(what + " has no string \"" + key + "\"");
    return s->str();
  }
  int64_t integer(const llvm::json::Object &o, const char *key,
                  const std::string &what) const {
    auto i = o.getInteger(key);
    if (!i)
      fail(what + " has no integer \"" + key + "\"");
    return *i;
  }

private:
  std::string path_;
};

} // namespace

bool StepAbi::hasHostReads() const {
  for (const AbiResult &r : results)
    if (r.kind == KILN_RESULT_HOST_READ)
      return true;
  return false;
}

std::vector<codegen::Tie> StepAbi::inPlaceUpdates() const {
  std::vector<codegen::Tie> ties;
  if (hasHostReads())
    return ties;
  for (size_t r = 0; r < results.size(); ++r)
    if (results[r].kind == KILN_RESULT_STATE)
      ties.push_back({unsigned(r), unsigned(results[r].target)});
  return ties;
}

StepAbi plainAbi(const std::vector<codegen::TensorSpec> &args,
                 const std::vector<codegen::TensorSpec> &results) {
  StepAbi abi;
  for (size_t i = 0; i < args.size(); ++i)
    abi.args.push_back(
        {KILN_ARG_INPUT, "input." + std::to_string(i), "", args[i]});
  for (size_t r = 0; r < results.size(); ++r) {
    AbiResult result;
    result.kind = KILN_RESULT_OUTPUT;
    result.target = int(r);
    result.spec = results[r];
    abi.results.push_back(result);
  }
  return abi;
}

StepAbi manifestAbi(const std::string &text, const std::string &path,
                    const std::vector<codegen::TensorSpec> &args,
                    const std::vector<codegen::TensorSpec> &results) {
  ManifestReader in(path);
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed)
    in.fail("not JSON: " + llvm::toString(parsed.takeError()));
  const llvm::json::Object &root = in.object(*parsed, "the manifest");
  if (in.string(root, "format", "the manifest") != "kiln-step-1")
    in.fail("unknown format (this kiln-compile reads \"kiln-step-1\")");

  StepAbi abi;
  const llvm::json::Array &arguments =
      in.array(root, "arguments", "the manifest");
  if (arguments.size() != args.size())
    in.fail("lists " + std::to_string(arguments.size()) +
            " arguments, the function has " + std::to_string(args.size()));
  std::map<std::string, int> argumentByName;
  std::map<std::string, int> gradArgumentOf; // "state.k" -> its .grad's arg
  int inputs = 0;
  for (size_t i = 0; i < arguments.size(); ++i) {
    std::string what = "argument " + std::to_string(i);
    const llvm::json::Object &a = in.object(arguments[i], what);
    std::string kind = in.string(a, "kind", what);
    AbiArg arg;
    arg.spec = args[i];
    if (kind == "argument") {
      if (in.integer(a, "index", what) != inputs)
        in.fail(what + ": step arguments must come first, in order");
      arg.kind = KILN_ARG_INPUT;
      arg.name = "input." + std::to_string(inputs++);
    } else if (kind == "state" || kind == "grad" || kind == "scalar") {
      arg.kind = kind == "scalar" ? KILN_ARG_SCALAR : KILN_ARG_STATE;
      arg.name = in.string(a, "name", what);
      if (auto d = a.getString("description"))
        arg.description = d->str();
      if (kind == "grad") {
        auto of = a.getString("of");
        if (of)
          gradArgumentOf[of->str()] = int(i);
        arg.description = ".grad of " + (of ? of->str() : "a tensor");
      }
      if (!argumentByName.emplace(arg.name, int(i)).second)
        in.fail(what + ": the name " + arg.name + " is used twice");
    } else {
      in.fail(what + " has the unknown kind \"" + kind + "\"");
    }
    if (auto dtype = a.getString("dtype");
        dtype && *dtype != dtypeName(arg.spec.dtype))
      in.fail(what + " has dtype " + dtype->str() + ", the function takes " +
              dtypeName(arg.spec.dtype));
    abi.args.push_back(arg);
  }

  const llvm::json::Array &resultList =
      in.array(root, "results", "the manifest");
  if (resultList.size() != results.size())
    in.fail("lists " + std::to_string(resultList.size()) +
            " results, the function has " + std::to_string(results.size()));
  int outputs = 0;
  for (size_t r = 0; r < resultList.size(); ++r) {
    std::string what = "result " + std::to_string(r);
    const llvm::json::Object &o = in.object(resultList[r], what);
    std::string kind = in.string(o, "kind", what);
    AbiResult result;
    result.spec = results[r];
    auto stateTarget = [&](const std::string &name) {
      auto it = argumentByName.find(name);
      if (it == argumentByName.end())
        in.fail(what + " writes " + name + ", which is not an argument");
      const AbiArg &arg = abi.args[it->second];
      if (arg.spec.shape != result.spec.shape ||
          arg.spec.dtype != result.spec.dtype)
        in.fail(what + " does not have the shape and dtype of " + name);
      result.kind = KILN_RESULT_STATE;
      result.target = it->second;
    };
    if (kind == "output") {
      if (in.integer(o, "index", what) != outputs)
        in.fail(what + ": outputs must come first, in order");
      result.kind = KILN_RESULT_OUTPUT;
      result.target = outputs++;
    } else if (kind == "state_write") {
      stateTarget(in.string(o, "state", what));
    } else if (kind == "grad") {
      // The new .grad of a parameter (state) or of a step argument: into
      // the step's copy of that .grad when the step reads it, else kept.
      std::string of;
      if (auto s = o.getString("state"))
        of = s->str();
      else if (auto a = o.getInteger("argument"))
        of = "argument." + std::to_string(*a);
      auto read = gradArgumentOf.find(of);
      if (read != gradArgumentOf.end()) {
        stateTarget(abi.args[read->second].name);
      } else {
        result.kind = KILN_RESULT_BUFFER;
        result.name = of.empty() ? "result." + std::to_string(r) + ".grad"
                      : of.rfind("argument.", 0) == 0
                          ? "input." + of.substr(9) + ".grad"
                          : of + ".grad";
        result.description = ".grad of " + (of.empty() ? "a tensor" : of);
      }
    } else if (kind == "host_read") {
      result.kind = KILN_RESULT_HOST_READ;
      auto traced = o.getNumber("traced_value");
      if (!traced)
        in.fail(what + " has no number \"traced_value\"");
      result.tracedValue = *traced;
      result.description = in.string(o, "description", what);
      int64_t n = 1;
      for (int64_t d : result.spec.shape)
        n *= d;
      if (n != 1)
        in.fail(what + " is a host read of " + std::to_string(n) +
                " elements; host reads are single values");
    } else {
      in.fail(what + " has the unknown kind \"" + kind + "\"");
    }
    abi.results.push_back(result);
  }
  if (const llvm::json::Array *guards = root.getArray("guards"))
    for (const llvm::json::Value &g : *guards)
      if (auto s = g.getAsString())
        abi.guards.push_back(s->str());
  return abi;
}

std::string writeHeader(const StepAbi &abi,
                        const std::vector<codegen::Tie> &ties,
                        const std::string &name, const std::string &entrySymbol,
                        const std::string &source) {
  std::ostringstream h;
  std::string guard = name + "_H";
  for (char &c : guard)
    c = char(std::toupper(static_cast<unsigned char>(c)));
  size_t inputs = 0, outputs = 0;
  for (const AbiArg &a : abi.args)
    inputs += a.kind == KILN_ARG_INPUT;
  for (const AbiResult &r : abi.results)
    outputs += r.kind == KILN_RESULT_OUTPUT;

  h << "/* " << name << ": a kiln step compiled ahead of time by kiln-compile"
    << "\n * from " << commentText(source) << ".\n *\n"
    << " * Link the object file and kiln_runtime. The functions are those of\n"
    << " * kiln/runtime/aot.h, named for this step.\n *\n"
    << " * Inputs (" << name << "_run's `inputs`, in order):\n";
  for (const AbiArg &a : abi.args)
    if (a.kind == KILN_ARG_INPUT)
      h << " *   " << a.name << ": " << dtypeName(a.spec.dtype) << " "
        << shapeText(a.spec.shape) << "\n";
  h << " * Outputs (`outputs`, caller-allocated):\n";
  for (const AbiResult &r : abi.results)
    if (r.kind == KILN_RESULT_OUTPUT)
      h << " *   output." << r.target << ": " << dtypeName(r.spec.dtype) << " "
        << shapeText(r.spec.shape) << "\n";
  h << " * State (the state file's tensors; kiln_step_get/save):\n";
  for (const AbiArg &a : abi.args)
    if (a.kind != KILN_ARG_INPUT)
      h << " *   " << a.name << ": " << dtypeName(a.spec.dtype) << " "
        << shapeText(a.spec.shape)
        << (a.kind == KILN_ARG_SCALAR ? " (runtime scalar)" : "")
        << (a.description.empty() ? "" : ", " + commentText(a.description))
        << "\n";
  for (const AbiResult &r : abi.results) {
    if (r.kind == KILN_RESULT_BUFFER)
      h << " *   " << r.name << ": " << dtypeName(r.spec.dtype) << " "
        << shapeText(r.spec.shape) << ", kept after each run\n";
    if (r.kind == KILN_RESULT_HOST_READ)
      h << " * Checked after each run (else FAILED_PRECONDITION, nothing "
           "written): "
        << commentText(r.description) << " == " << r.tracedValue << "\n";
  }
  if (!abi.guards.empty()) {
    h << " *\n * Traced under these conditions; the compiled code is only "
         "right while\n * they hold:\n";
    for (const std::string &g : abi.guards)
      h << " *   - " << commentText(g) << "\n";
  }
  h << " */\n#ifndef " << guard << "\n#define " << guard << "\n\n"
    << "#include <kiln/runtime/aot.h>\n\n#ifdef __cplusplus\nextern \"C\" "
       "{\n#endif\n\n"
    << "void " << entrySymbol << "(void **);\n\n";

  auto shapeArray = [&](const codegen::TensorSpec &spec,
                        const std::string &id) -> std::string {
    if (spec.shape.empty())
      return "NULL";
    h << "static const int64_t " << id << "[] = {";
    for (size_t i = 0; i < spec.shape.size(); ++i)
      h << (i ? ", " : "") << spec.shape[i];
    h << "};\n";
    return id;
  };
  std::vector<std::string> argShapes, resultShapes;
  for (size_t i = 0; i < abi.args.size(); ++i)
    argShapes.push_back(
        shapeArray(abi.args[i].spec, name + "_arg_shape_" + std::to_string(i)));
  for (size_t r = 0; r < abi.results.size(); ++r)
    resultShapes.push_back(shapeArray(
        abi.results[r].spec, name + "_result_shape_" + std::to_string(r)));

  static const char *argKinds[] = {"KILN_ARG_INPUT", "KILN_ARG_STATE",
                                   "KILN_ARG_SCALAR"};
  static const char *resultKinds[] = {"KILN_RESULT_OUTPUT", "KILN_RESULT_STATE",
                                      "KILN_RESULT_BUFFER",
                                      "KILN_RESULT_HOST_READ"};
  auto isTied = [&](size_t r) {
    for (const codegen::Tie &t : ties)
      if (t.result == r)
        return true;
    return false;
  };
  h << "\nstatic const kiln_arg_desc " << name << "_args[] = {\n";
  for (size_t i = 0; i < abi.args.size(); ++i) {
    const AbiArg &a = abi.args[i];
    h << "    {" << argKinds[a.kind] << ", " << cString(a.name) << ", "
      << cString(a.description) << ", " << cDtype(a.spec.dtype) << ", "
      << a.spec.shape.size() << ", " << argShapes[i] << "},\n";
  }
  h << "};\n\nstatic const kiln_result_desc " << name << "_results[] = {\n";
  for (size_t r = 0; r < abi.results.size(); ++r) {
    const AbiResult &x = abi.results[r];
    double traced = x.tracedValue;
    std::ostringstream value;
    value.precision(17);
    if (std::isnan(traced))
      value << "(0.0 / 0.0)";
    else if (std::isinf(traced))
      value << (traced < 0 ? "(-1.0 / 0.0)" : "(1.0 / 0.0)");
    else
      value << std::scientific << traced;
    h << "    {" << resultKinds[x.kind] << ", " << x.target << ", " << isTied(r)
      << ", " << cString(x.name) << ", " << cString(x.description) << ", "
      << value.str() << ", " << cDtype(x.spec.dtype) << ", "
      << x.spec.shape.size() << ", " << resultShapes[r] << "},\n";
  }
  h << "};\n\nstatic const kiln_step_desc " << name << "_desc = {\n"
    << "    KILN_AOT_ABI_VERSION, " << cString(name) << ", " << abi.args.size()
    << ", " << name << "_args, " << abi.results.size() << ", " << name
    << "_results, " << entrySymbol << "};\n\n";

  h << "enum { " << name << "_NUM_INPUTS = " << inputs << ", " << name
    << "_NUM_OUTPUTS = " << outputs << " };\n\n"
    << "typedef struct " << name << " " << name << ";\n\n";
  auto fn = [&](const std::string &ret, const std::string &suffix,
                const std::string &params, const std::string &body) {
    h << "static inline " << ret << " " << name << "_" << suffix << "("
      << params << ") {\n  " << body << "\n}\n";
  };
  fn("kiln_status", "create", "const char *state_path, " + name + " **out",
     "return kiln_step_create(&" + name +
         "_desc, state_path, (kiln_step **)out);");
  fn("kiln_status", "run",
     name + " *step, const kiln_tensor *inputs, size_t n, kiln_tensor "
            "*outputs, size_t m",
     "return kiln_step_run((kiln_step *)step, inputs, n, outputs, m);");
  fn("kiln_status", "set_scalar",
     name + " *step, const char *name, double value",
     "return kiln_step_set_scalar((kiln_step *)step, name, value);");
  fn("kiln_status", "get",
     "const " + name + " *step, const char *name, kiln_tensor *out",
     "return kiln_step_get((const kiln_step *)step, name, out);");
  fn("kiln_status", "save", "const " + name + " *step, const char *state_path",
     "return kiln_step_save((const kiln_step *)step, state_path);");
  fn("void", "destroy", name + " *step",
     "kiln_step_destroy((kiln_step *)step);");
  h << "\n#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n#endif /* "
    << guard << " */\n";
  return h.str();
}

} // namespace kiln::tools
