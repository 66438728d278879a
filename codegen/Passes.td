//===- Passes.td - kiln code generation passes -------------*- tablegen -*-===//
#ifndef KILN_CODEGEN_PASSES_TD
#define KILN_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertKilnToLinalg : Pass<"convert-kiln-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lowers kiln ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every kiln op into upstream ops on tensors, ready for linalg's
    fusion and one-shot bufferization:

    * elementwise ops, `cmp`, `select`, `cast` and `broadcast` become
      `linalg.generic` ops (a broadcast reads its input through an indexing
      map with constant-0 results for stretched dimensions);
    * `reduce_sum` / `reduce_max` become `linalg.generic` reductions into a
      `linalg.fill` of 0 / -inf (then `tensor.expand_shape` for `keepdim`);
    * `matmul` becomes `linalg.matmul` or `linalg.batch_matmul`;
    * `reshape` becomes `tensor.collapse_shape` / `tensor.expand_shape`;
      `transpose` `linalg.transpose`; `slice` `tensor.extract_slice`; `pad`
      `tensor.pad` (or `tensor.insert_slice` with strides for interior
      padding); `constant` `arith.constant`; `detach` disappears.

    `kiln.backward` must have been expanded by `kiln-autodiff`: a remaining
    marker is an error.

    Example: `kiln-opt f.mlir -kiln-autodiff -convert-kiln-to-linalg`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def MatmulToBlas : Pass<"kiln-matmul-to-blas", "::mlir::ModuleOp"> {
  let summary = "Calls the runtime's BLAS GEMM for float matmuls on buffers";
  let description = [{
    Replaces each `linalg.matmul`, `linalg.batch_matmul` and their
    `_transpose_a` / `_transpose_b` variants on f32 or f64 memrefs by a call
    to the kiln runtime (`kiln_matmul_f32`, `kiln_batch_matmul_f64`, ...;
    declared with `llvm.emit_c_interface`, so the call passes memref
    descriptors). The operands are cast to fully dynamic strided memrefs; a
    flag word says which operand is stored transposed and whether the
    product accumulates into C. A `linalg.fill` of zero directly before the
    matmul on the same buffer is folded into the call (the product then
    replaces C). Integer matmuls are left to the loop lowering.

    Runs after bufferization. Example:
    `kiln-opt f.mlir -kiln-matmul-to-blas` on
    `linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x3xf32>)
    outs(%c : memref<4x3xf32>)`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

#endif // KILN_CODEGEN_PASSES_TD
