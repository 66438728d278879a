//===- ParseGuard.h - Input MLIR 19's parser cannot take safely -*- C++ -*-===//
//
// MLIR 19's parser crashes (a null dereference in SparseElementsAttr::verify)
// on some `sparse<...>` literals of non-tensor type, e.g.
// `sparse<[[0]], [1]> : memref<2xf32>`. kiln IR has no sparse constants, so
// the tools that parse untrusted text refuse the literal before parsing.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_PARSEGUARD_H
#define KILN_TOOLS_PARSEGUARD_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <string>

namespace kiln::tools {

/// The offset of the first `sparse<` literal in `text` (spaces allowed
/// before `<`), or StringRef::npos.
inline size_t findSparseLiteral(llvm::StringRef text) {
  for (size_t at = text.find("sparse"); at != llvm::StringRef::npos;
       at = text.find("sparse", at + 1)) {
    bool wordStart = at == 0 || !(std::isalnum(text[at - 1]) ||
                                  text[at - 1] == '_' || text[at - 1] == '.');
    size_t next = at + 6;
    while (next < text.size() && std::isspace(text[next]))
      ++next;
    if (wordStart && next < text.size() && text[next] == '<')
      return at;
  }
  return llvm::StringRef::npos;
}

/// Parses the kiln IR file at `path` (`-`: standard input) the way every
/// tool does: a `sparse<` literal is refused first, errors are printed with
/// their location (an unreadable file's after `prefix`), and null is
/// returned on any of them.
inline mlir::OwningOpRef<mlir::ModuleOp>
parseKilnFile(const std::string &path, mlir::MLIRContext &context,
              const std::string &prefix = "") {
  std::string error;
  auto file = mlir::openInputFile(path, &error);
  if (!file) {
    llvm::errs() << prefix << error << "\n";
    return nullptr;
  }
  llvm::StringRef text = file->getBuffer();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  if (size_t at = findSparseLiteral(text); at != llvm::StringRef::npos) {
    sourceMgr.PrintMessage(llvm::SMLoc::getFromPointer(text.data() + at),
                           llvm::SourceMgr::DK_Error,
                           "kiln IR has no sparse constants (`sparse<...>`)");
    return nullptr;
  }
  mlir::SourceMgrDiagnosticHandler located(sourceMgr, &context);
  return mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
}

} // namespace kiln::tools

#endif // KILN_TOOLS_PARSEGUARD_H
