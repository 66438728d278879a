//===- KilnOps.td - kiln operations -------------------------*- tablegen -*-===//
#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "KilnDialect.td"
include "KilnInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

defvar Differentiable = DeclareOpInterfaceMethods<Kiln_GradientOpInterface>;

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

class Kiln_UnaryOp<string mnemonic, string math>
    : Kiln_Op<mnemonic, [Pure, Elementwise, SameOperandsAndResultType,
                         Differentiable]> {
  let summary = "elementwise " # math;
  let description = "Computes `" # math # "` of every element.\n\n"
      "Example:\n\n```mlir\n%y = kiln." # mnemonic
      # " %x : tensor<4xf32>\n```";
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  // Constant folding with the eager kernels' scalar semantics.
  let hasFolder = 1;
}

def Kiln_NegOp : Kiln_UnaryOp<"neg", "-x">;
def Kiln_ExpOp : Kiln_UnaryOp<"exp", "e^x">;
def Kiln_LogOp : Kiln_UnaryOp<"log", "ln(x)">;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", "sqrt(x)">;
def Kiln_AbsOp : Kiln_UnaryOp<"abs", "|x|">;
def Kiln_SinOp : Kiln_UnaryOp<"sin", "sin(x)">;
def Kiln_CosOp : Kiln_UnaryOp<"cos", "cos(x)">;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", "tanh(x)">;
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", "1 / (1 + e^-x)"> {
  let description = [{
    The logistic function `1 / (1 + e^-x)`, computed by that formula (the
    eager kernel's). One op rather than its decomposition so that the
    gradient is PyTorch's `g * (1 - y) * y`, which is 0 at `x = -inf`
    where the decomposition's gradient is NaN.

    Example:

    ```mlir
    %y = kiln.sigmoid %x : tensor<4xf32>
    ```
  }];
}

def Kiln_ErfOp : Kiln_UnaryOp<"erf", "erf(x)"> {
  let description = [{
    The error function `erf(x) = 2 / sqrt(pi) * integral from 0 to x of
    e^(-t^2) dt`, as libm's `erf`/`erff` (the lowering calls them, as the
    eager kernel does). Its gradient is `2 / sqrt(pi) * e^(-x^2) * g`.

    Example:

    ```mlir
    %y = kiln.erf %x : tensor<4xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise binary
//===----------------------------------------------------------------------===//

class Kiln_BinaryOp<string mnemonic, string math>
    : Kiln_Op<mnemonic, [Pure, Elementwise, SameOperandsAndResultType,
                         Differentiable]> {
  let summary = "elementwise " # math;
  let description = "Computes `" # math # "` element by element. Both "
      "operands have the result's type: broadcasting is explicit "
      "(`kiln.broadcast`).\n\nExample:\n\n```mlir\n%z = kiln." # mnemonic
      # " %x, %y : tensor<2x3xf32>\n```";
  let arguments = (ins Kiln_NumericTensor:$lhs, Kiln_NumericTensor:$rhs);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
  let hasFolder = 1;
}

def Kiln_AddOp : Kiln_BinaryOp<"add", "lhs + rhs">;
def Kiln_SubOp : Kiln_BinaryOp<"sub", "lhs - rhs">;
def Kiln_MulOp : Kiln_BinaryOp<"mul", "lhs * rhs">;
def Kiln_DivOp : Kiln_BinaryOp<"div", "lhs / rhs">;
def Kiln_PowOp : Kiln_BinaryOp<"pow", "lhs ^ rhs">;
class Kiln_ExtremumBinaryOp<string mnemonic, string what>
    : Kiln_BinaryOp<mnemonic, mnemonic # "(lhs, rhs)"> {
  let description = "PyTorch's `" # what # "`: for floats IEEE 754-2019's "
      # what # " (NaN if either is NaN; -0.0 < +0.0, whatever the operand "
      "order). The gradient goes to the operand that wins; ties split it "
      "evenly, and where either operand is NaN both take all of it (not "
      "clamp's rule, which the tracer records as selects).\n\n"
      "Example:\n\n```mlir\n%z = kiln." # mnemonic
      # " %x, %y : tensor<2x3xf32>\n```";
}

def Kiln_MaxOp : Kiln_ExtremumBinaryOp<"max", "maximum">;
def Kiln_MinOp : Kiln_ExtremumBinaryOp<"min", "minimum">;
def Kiln_RemainderOp : Kiln_BinaryOp<"remainder", "lhs mod rhs"> {
  let description = [{
    Python's modulus (PyTorch's `remainder`): the result has the sign of
    `rhs`. It is the truncated remainder (C's `fmod`, exact), plus `rhs`
    where that is nonzero with the other sign: `-0.0` stays `-0.0`,
    `x mod 0.0` is NaN, `-1 mod inf` is `inf`. For integers `x mod 0` is 0
    (eager raises before computing it). The gradients are `g` and
    `-g * floor(lhs / rhs)`.

    Example:

    ```mlir
    %z = kiln.remainder %x, %y : tensor<2x3xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Comparison, selection, casts, constants
//===----------------------------------------------------------------------===//

def Kiln_CmpPredicate : I32EnumAttr<"CmpPredicate", "comparison predicate", [
  I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
  I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
  I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::kiln::ir";
}

def Kiln_CmpOp : Kiln_Op<"cmp", [Pure, Elementwise,
    AllTypesMatch<["lhs", "rhs"]>, InferTypeOpAdaptor]> {
  let summary = "elementwise comparison giving a bool (i1) tensor";
  let description = [{
    Compares two tensors of one type element by element. Not
    differentiable: the autodiff pass gives its operands no gradient.

    Example:

    ```mlir
    %m = kiln.cmp lt, %x, %zero : tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_CmpPredicate:$predicate, Kiln_NumericTensor:$lhs,
                       Kiln_NumericTensor:$rhs);
  let results = (outs Kiln_BoolTensor:$result);
  let assemblyFormat = "$predicate `,` $lhs `,` $rhs attr-dict `:` type($lhs)";
}

def Kiln_SelectOp : Kiln_Op<"select", [Pure, Elementwise,
    AllTypesMatch<["lhs", "rhs", "result"]>, Differentiable]> {
  let summary = "elementwise cond ? lhs : rhs";
  let description = [{
    Picks `lhs` where `cond` is true and `rhs` elsewhere. `cond` has the
    shape of the result.

    Example:

    ```mlir
    %y = kiln.select %m, %x, %zero : tensor<4xi1>, tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_BoolTensor:$cond, Kiln_Tensor:$lhs,
                       Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat =
      "$cond `,` $lhs `,` $rhs attr-dict `:` type($cond) `,` type($result)";
}

def Kiln_CastOp : Kiln_Op<"cast", [Pure, Elementwise, Differentiable]> {
  let summary = "element type conversion";
  let description = [{
    Converts every element to the result's element type (PyTorch's
    `to(dtype)`); the shape is unchanged.

    Example:

    ```mlir
    %d = kiln.cast %x : tensor<4xf32> to tensor<4xf64>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasFolder = 1;
}

def Kiln_ConstantOp : Kiln_Op<"constant", [ConstantLike, Pure,
    InferTypeOpAdaptor]> {
  let summary = "a constant tensor";
  let description = [{
    A dense constant, usually a splat.

    Example:

    ```mlir
    %zero = kiln.constant dense<0.0> : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shape ops (value semantics: views of the eager API become copies)
//===----------------------------------------------------------------------===//

def Kiln_BroadcastOp : Kiln_Op<"broadcast", [Pure, Differentiable]> {
  let summary = "NumPy broadcasting to a larger shape";
  let description = [{
    Broadcasts the input to the result shape with NumPy's rules: trailing
    dimensions line up, and each input dimension equals the result's or
    is 1.

    Example:

    ```mlir
    %b = kiln.broadcast %bias : tensor<10xf32> to tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

class Kiln_ReduceOp<string mnemonic, string what, string more = "">
    : Kiln_Op<mnemonic, [Pure, Differentiable]> {
  let summary = what # " over dimensions";
  let description = "Reduces the input over `dims` (" # what # "); the "
      "reduced dimensions are dropped, or kept with size 1 under "
      "`keepdim`." # more # "\n\nExample:\n\n```mlir\n%s = kiln." # mnemonic
      # " %x dims [1] : tensor<2x3xf32> -> tensor<2xf32>\n```";
  let arguments = (ins Kiln_NumericTensor:$input, DenseI64ArrayAttr:$dims,
                       UnitAttr:$keepdim);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "$input `dims` $dims (`keepdim` $keepdim^)? attr-dict "
                       "`:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum", "sum"> {
  let hasFolder = 1;
}
class Kiln_ExtremumOp<string mnemonic, string what>
    : Kiln_ReduceOp<mnemonic, what, " A NaN is the " # what # " of any "
      "set it is in; -0.0 < +0.0 (IEEE 754-2019 " # what # ").\n\n"
      "Ties share the gradient evenly (PyTorch's `" # !subst("imum", "", what)
      # "()`). Under `first` (one reduced dimension only) the result is "
      "the first element of the dimension that is the " # what # " (the "
      "first NaN, if any; of tied -0.0 and +0.0 the first), and it alone "
      "takes the gradient: PyTorch's `" # !subst("imum", "", what)
      # "(dim)`, which returns that element's index."> {
  let arguments = (ins Kiln_NumericTensor:$input, DenseI64ArrayAttr:$dims,
                       UnitAttr:$keepdim, UnitAttr:$first);
  let assemblyFormat = "$input `dims` $dims (`keepdim` $keepdim^)? "
                       "(`first` $first^)? attr-dict `:` type($input) `->` "
                       "type($result)";
}

def Kiln_ReduceMaxOp : Kiln_ExtremumOp<"reduce_max", "maximum">;
def Kiln_ReduceMinOp : Kiln_ExtremumOp<"reduce_min", "minimum">;

def Kiln_MatmulOp : Kiln_Op<"matmul", [Pure, Differentiable]> {
  let summary = "matrix product, optionally batched";
  let description = [{
    `[M, K] x [K, N] -> [M, N]`, or with a leading batch dimension on both
    operands `[B, M, K] x [B, K, N] -> [B, M, N]`. The eager `matmul`
    broadcasting rules lower to this plus reshapes and broadcasts.

    Example:

    ```mlir
    %h = kiln.matmul %x, %w : tensor<64x1000xf32>, tensor<1000x100xf32>
        -> tensor<64x100xf32>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$lhs, Kiln_NumericTensor:$rhs);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) "
                       "`->` type($result)";
  let hasVerifier = 1;
}

def Kiln_ReshapeOp : Kiln_Op<"reshape", [Pure, Differentiable]> {
  let summary = "same elements, new shape";
  let description = [{
    Row-major reshape; the element count is unchanged.

    Example:

    ```mlir
    %r = kiln.reshape %x : tensor<6xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_TransposeOp : Kiln_Op<"transpose", [Pure, Differentiable]> {
  let summary = "permutation of dimensions";
  let description = [{
    Result dimension `i` is input dimension `permutation[i]`.

    Example:

    ```mlir
    %t = kiln.transpose %w [1, 0] : tensor<100x1000xf32> -> tensor<1000x100xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input $permutation attr-dict `:` type($input) `->` "
                       "type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_SliceOp : Kiln_Op<"slice", [Pure, Differentiable]> {
  let summary = "strided sub-tensor";
  let description = [{
    Takes elements `starts[d], starts[d] + steps[d], ...` below `limits[d]`
    in every dimension d (Python's `start:limit:step`, normalised).

    Example:

    ```mlir
    %c = kiln.slice %x starts [0, 1] limits [4, 2] steps [1, 1]
        : tensor<4x3xf32> -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$limits, DenseI64ArrayAttr:$steps);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input `starts` $starts `limits` $limits `steps` $steps "
                       "attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Kiln_PadOp : Kiln_Op<"pad", [Pure, Differentiable]> {
  let summary = "zero padding, the adjoint of slice";
  let description = [{
    Places the input in a zero tensor: `low[d]` zeros before, `high[d]`
    after, and `interior[d]` between neighbouring elements of dimension d.

    Example:

    ```mlir
    %p = kiln.pad %c low [0, 1] high [0, 1] interior [0, 0]
        : tensor<4x1xf32> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high, DenseI64ArrayAttr:$interior);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input `low` $low `high` $high `interior` $interior "
                       "attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Autograd markers
//===----------------------------------------------------------------------===//

def Kiln_DetachOp : Kiln_Op<"detach", [Pure, SameOperandsAndResultType]> {
  let summary = "identity that stops gradients";
  let description = [{
    PyTorch's `detach()`: the value passes through, gradients do not.

    Example:

    ```mlir
    %d = kiln.detach %x : tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasFolder = 1;
}

def Kiln_BackwardOp : Kiln_Op<"backward", [Pure, InferTypeOpAdaptor,
    AttrSizedOperandSegments]> {
  let summary = "marker of loss.backward(): gradients of loss w.r.t. values";
  let description = [{
    Records `loss.backward(seed)`: its results are the gradients of `loss`
    with respect to each `wrt` value, for the incoming gradient `seed`
    (ones when absent, which requires a one-element loss, as PyTorch does).
    `kiln-autodiff` replaces it with the gradient computation.

    Example:

    ```mlir
    %gw1, %gw2 = kiln.backward %loss wrt %w1, %w2
        : tensor<f32> wrt tensor<1000x100xf32>, tensor<100x10xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$loss,
                       Optional<Kiln_FloatTensor>:$seed,
                       Variadic<Kiln_FloatTensor>:$wrt);
  let results = (outs Variadic<Kiln_FloatTensor>:$grads);
  let assemblyFormat = "$loss (`seed` $seed^)? `wrt` $wrt attr-dict `:` "
                       "type($loss) (`seed` type($seed)^)? `wrt` type($wrt)";
  let hasVerifier = 1;
}

def Kiln_CustomGradientOp : Kiln_Op<"custom_gradient", [Differentiable,
    AttrSizedOperandSegments, InferTypeOpAdaptor, RecursiveMemoryEffects,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "values whose gradient a user-written backward defines";
  let description = [{
    A custom `autograd::Function`: `values` are its forward results (computed
    by the ops before it from the `wrt` inputs), passed through unchanged.
    Gradients do not flow back through the ops that computed `values`;
    instead the `backward` region, whose block arguments are the gradients
    of the results, yields the gradient of each `wrt` operand (the traced
    `backward` of the Function). The region may use values defined above
    it, such as the tensors the Function saved.

    `kiln-autodiff` inlines the region in the gradient computation and then
    replaces the op with its `values`.

    Example:

    ```mlir
    %y = kiln.custom_gradient "MyReLU" (%relu) wrt (%x)
        : (tensor<4xf32>) wrt (tensor<4xf32>) {
    ^bb0(%g: tensor<4xf32>):
      %pos = kiln.cmp ge, %x, %zero : tensor<4xf32>
      %gx = kiln.select %pos, %g, %zero : tensor<4xi1>, tensor<4xf32>
      kiln.yield %gx : tensor<4xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$name, Variadic<Kiln_FloatTensor>:$values,
                       Variadic<Kiln_FloatTensor>:$wrt);
  let results = (outs Variadic<Kiln_FloatTensor>:$results);
  let regions = (region SizedRegion<1>:$backward);
  let assemblyFormat = [{
    $name `(` $values `)` `wrt` `(` $wrt `)` attr-dict `:` `(` type($values)
    `)` `wrt` `(` type($wrt) `)` $backward
  }];
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name, "::mlir::ValueRange":$values,
                   "::mlir::ValueRange":$wrt)>
  ];
  let skipDefaultBuilders = 1;
  let hasVerifier = 1;
}

def Kiln_YieldOp : Kiln_Op<"yield", [Pure, Terminator,
    HasParent<"CustomGradientOp">]> {
  let summary = "the gradients a custom_gradient region returns";
  let description = [{
    Ends the `backward` region of `kiln.custom_gradient` with one gradient
    per `wrt` operand.

    Example: `kiln.yield %gx, %gw : tensor<4xf32>, tensor<3x4xf32>`
  }];
  let arguments = (ins Variadic<Kiln_Tensor>:$grads);
  let assemblyFormat = "($grads^ `:` type($grads))? attr-dict";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, ::mlir::ValueRange()); }]>];
}

#endif // KILN_OPS_TD
