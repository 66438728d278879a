//===- CompiledCalls.h - Runtime functions called by compiled code --------===//
//
// Compiled kiln code calls these through MLIR's C interface: each memref
// argument arrives as a pointer to its descriptor. The CPU pipeline's
// `kiln-matmul-to-blas` pass emits the calls; the JIT binds the symbols and
// ahead-of-time objects link them from the runtime library.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_COMPILEDCALLS_H
#define KILN_RUNTIME_COMPILEDCALLS_H

#include <cstdint>
#include <utility>
#include <vector>

namespace kiln::runtime {

/// MLIR's descriptor of a strided memref of rank N.
template <class T, int N> struct MemRefDescriptor {
  T *allocated;
  T *aligned;
  int64_t offset;
  int64_t sizes[N];
  int64_t strides[N];
};

/// Flags of the matmul calls: which operand is stored transposed, and
/// whether the product is added to C instead of replacing it.
enum MatmulFlags : int64_t {
  kMatmulTransposeA = 1,
  kMatmulTransposeB = 2,
  kMatmulAccumulate = 4,
};

/// The runtime functions compiled code may call, by symbol name (the
/// `_mlir_ciface_` names), with their addresses.
const std::vector<std::pair<const char *, void *>> &compiledCallSymbols();

} // namespace kiln::runtime

extern "C" {
// C (MxN) = A (MxK) · B (KxN), A stored KxM under kMatmulTransposeA and B
// stored NxK under kMatmulTransposeB.
void _mlir_ciface_kiln_matmul_f32(kiln::runtime::MemRefDescriptor<float, 2> *a,
                                  kiln::runtime::MemRefDescriptor<float, 2> *b,
                                  kiln::runtime::MemRefDescriptor<float, 2> *c,
                                  int64_t flags);
void _mlir_ciface_kiln_matmul_f64(kiln::runtime::MemRefDescriptor<double, 2> *a,
                                  kiln::runtime::MemRefDescriptor<double, 2> *b,
                                  kiln::runtime::MemRefDescriptor<double, 2> *c,
                                  int64_t flags);
// The same for each index of the leading (batch) dimension.
void _mlir_ciface_kiln_batch_matmul_f32(
    kiln::runtime::MemRefDescriptor<float, 3> *a,
    kiln::runtime::MemRefDescriptor<float, 3> *b,
    kiln::runtime::MemRefDescriptor<float, 3> *c, int64_t flags);
void _mlir_ciface_kiln_batch_matmul_f64(
    kiln::runtime::MemRefDescriptor<double, 3> *a,
    kiln::runtime::MemRefDescriptor<double, 3> *b,
    kiln::runtime::MemRefDescriptor<double, 3> *c, int64_t flags);

// memref.alloc / memref.dealloc of compiled code (finalize-memref-to-llvm
// with use-generic-functions): the runtime's allocator, so temporaries reuse
// cached blocks.
void *_mlir_memref_to_llvm_alloc(uint64_t bytes);
void _mlir_memref_to_llvm_free(void *ptr);
}

#endif // KILN_RUNTIME_COMPILEDCALLS_H
