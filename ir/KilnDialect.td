//===- KilnDialect.td - The kiln dialect -------------------*- tablegen -*-===//
#ifndef KILN_DIALECT_TD
#define KILN_DIALECT_TD

include "mlir/IR/OpBase.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln::ir";
  let summary = "Traced tensor programs of kiln: a small set of primitives";
  let description = [{
    The `kiln` dialect records what an eager kiln program did: a handful of
    primitive tensor operations on builtin ranked tensors (f32, f64, i64,
    i1), from which every eager op decomposes, plus `kiln.backward`, the
    marker of a `loss.backward()` call that the `kiln-autodiff` pass expands
    into gradient IR. Broadcasting is explicit (`kiln.broadcast`), so the
    elementwise ops take operands of one type.
  }];
  let hasConstantMaterializer = 1;
}

/// Base class of kiln ops.
class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, traits>;

def Kiln_Tensor : RankedTensorOf<[F32, F64, I64, I1]>;
def Kiln_FloatTensor : RankedTensorOf<[F32, F64]>;
def Kiln_NumericTensor : RankedTensorOf<[F32, F64, I64]>;
def Kiln_BoolTensor : RankedTensorOf<[I1]>;

#endif // KILN_DIALECT_TD
