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
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // KILN_CODEGEN_PASSES_TD
