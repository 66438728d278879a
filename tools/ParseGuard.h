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

#include "llvm/ADT/StringRef.h"

#include <cctype>

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

} // namespace kiln::tools

#endif // KILN_TOOLS_PARSEGUARD_H
