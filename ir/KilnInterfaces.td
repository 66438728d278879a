//===- KilnInterfaces.td - Gradient rules as an interface --*- tablegen -*-===//
#ifndef KILN_INTERFACES_TD
#define KILN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Kiln_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let cppNamespace = "::kiln::ir";
  let description = [{
    The reverse-mode rule of an op: given the gradients of its results,
    build the gradients of its operands (vector-Jacobian products) at the
    builder's insertion point. Operands that take no gradient (integer or
    boolean operands, comparison inputs) get a null Value.
  }];
  let methods = [
    InterfaceMethod<
      "Builds the operand gradients from the result gradients.",
      "void", "buildGradients",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ValueRange":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

#endif // KILN_INTERFACES_TD
