//===- SourceLocations.cpp - The user's source line of a traced op --------===//
//
// The tracer keeps the return addresses of each recorded op; here they are
// symbolized with LLVM's DWARF reader (inlined frames included), and the
// first frame that is not kiln's or the standard library's is the user's.
// Results are cached per address: a training step records the same call
// sites every time it is traced.
//
//===----------------------------------------------------------------------===//
#include "SourceLocations.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/DebugInfo/Symbolize/Symbolize.h"
#include "llvm/Support/Error.h"

#include <dlfcn.h>
#include <elf.h>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace kiln::codegen {
namespace {

struct SourceLine {
  std::string file;
  unsigned line = 0, column = 0;
};

/// The qualified name of a demangled function: before its parameter list,
/// after a template's return type.
llvm::StringRef qualifiedName(llvm::StringRef function) {
  int depth = 0;
  size_t start = 0, end = function.size();
  for (size_t i = 0; i < function.size() && end == function.size(); ++i) {
    char c = function[i];
    if (c == '<')
      ++depth;
    else if (c == '>')
      --depth;
    else if (c == '(' && depth == 0)
      end = i;
    else if (c == ' ' && depth == 0)
      start = i + 1;
  }
  return function.slice(start, end);
}

/// Frames of kiln itself and of the C++ runtime are not the user's.
bool isLibraryFrame(llvm::StringRef function) {
  llvm::StringRef name = qualifiedName(function);
  return name.starts_with("kiln::") || name.starts_with("std::") ||
         name.starts_with("__");
}

/// Code inlined from kiln's public headers (source tree or installed): with
/// -gline-tables-only its inlined frames carry unqualified names only.
bool isLibraryFile(const std::string &file) {
  return file.find("/include/kiln/") != std::string::npos;
}

/// What one return address says: nullopt to look further out (a library
/// frame), a line, or an empty line (a user frame without line tables).
std::optional<SourceLine> lookUp(void *address) {
  static std::mutex mutex;
  static llvm::symbolize::LLVMSymbolizer *symbolizer = [] {
    llvm::symbolize::LLVMSymbolizer::Options options;
    options.Demangle = true;
    return new llvm::symbolize::LLVMSymbolizer(options);
  }();
  static std::unordered_map<void *, std::optional<SourceLine>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto cached = cache.find(address);
  if (cached != cache.end())
    return cached->second;

  std::optional<SourceLine> result = SourceLine{};
  Dl_info info;
  if (dladdr(address, &info) && info.dli_fname && info.dli_fbase) {
    // Return addresses point after the call: look up the call itself. In a
    // position-independent binary the file's addresses start at its base.
    auto pc = reinterpret_cast<uintptr_t>(address) - 1;
    auto base = reinterpret_cast<uintptr_t>(info.dli_fbase);
    bool relocatable =
        reinterpret_cast<const Elf64_Ehdr *>(info.dli_fbase)->e_type == ET_DYN;
    uint64_t offset = relocatable ? pc - base : pc;
    auto frames = symbolizer->symbolizeInlinedCode(
        info.dli_fname, {offset, llvm::object::SectionedAddress::UndefSection});
    if (frames) {
      result = std::nullopt;
      // Innermost (inlined) frame first.
      for (uint32_t i = 0; i < frames->getNumberOfFrames(); ++i) {
        const llvm::DILineInfo &frame = frames->getFrame(i);
        if ((frame.FunctionName != llvm::DILineInfo::BadString &&
             isLibraryFrame(frame.FunctionName)) ||
            isLibraryFile(frame.FileName))
          continue;
        result = SourceLine{};
        if (frame.FileName != llvm::DILineInfo::BadString && frame.Line)
          result = SourceLine{frame.FileName, frame.Line, frame.Column};
        break;
      }
    } else {
      llvm::consumeError(frames.takeError());
    }
  }
  cache[address] = result;
  return result;
}

} // namespace

mlir::LocationAttr userLocation(mlir::MLIRContext &context,
                                const std::vector<void *> &callers) {
  for (void *address : callers) {
    std::optional<SourceLine> line = lookUp(address);
    if (!line)
      continue;
    if (line->file.empty())
      return nullptr;
    return mlir::FileLineColLoc::get(&context, line->file, line->line,
                                     line->column);
  }
  return nullptr;
}

std::string userLocationText(mlir::MLIRContext &context,
                             const std::vector<void *> &callers) {
  mlir::LocationAttr loc = userLocation(context, callers);
  if (!loc)
    return "";
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto file = llvm::dyn_cast<mlir::FileLineColLoc>(loc))
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
  else
    loc.print(os);
  return os.str();
}

} // namespace kiln::codegen
