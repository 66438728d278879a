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

/// Ranked tensors of static shape whose element count and byte size fit in
/// int64: a shape like 2^32 x 2^32 x 4 is a verifier error, not an
/// overflow in the interpreter or the JIT.
def Kiln_Addressable : CPred<"::kiln::ir::isAddressable($_self)">;
class Kiln_TensorOf<list<Type> types>
    : ConfinedType<RankedTensorOf<types>, [Kiln_Addressable],
                   RankedTensorOf<types>.summary #
                   " (static shape, element count and bytes within int64)">;

def Kiln_Tensor : Kiln_TensorOf<[F32, F64, I64, I1]>;
def Kiln_FloatTensor : Kiln_TensorOf<[F32, F64]>;
def Kiln_NumericTensor : Kiln_TensorOf<[F32, F64, I64]>;
def Kiln_BoolTensor : Kiln_TensorOf<[I1]>;

#endif // KILN_DIALECT_TD
