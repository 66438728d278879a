//===- Passes.td - kiln passes -----------------------------*- tablegen -*-===//
#ifndef KILN_PASSES_TD
#define KILN_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnAutodiff : Pass<"kiln-autodiff", "::mlir::ModuleOp"> {
  let summary = "Expands kiln.backward markers into reverse-mode gradient IR";
  let description = [{
    For each `kiln.backward %loss wrt %x...`, walks the ops before the
    marker in reverse order, starting from the seed gradient of the loss
    (ones, or the marker's `seed`), and asks each op on a path from a `wrt`
    value to the loss for the gradients of its operands through
    `GradientOpInterface`. Gradients of values used several times are summed
    (`kiln.add`); `kiln.detach` stops them. The marker's results are
    replaced by the accumulated gradients (zeros for a `wrt` value the loss
    does not depend on) and the marker is erased.

    A `kiln.custom_gradient` op contributes its `backward` region, inlined
    with the gradients of its results; once every marker is expanded each
    such op is replaced by its forward `values`.

    An op on such a path without a rule is an error:
    `failed to compute gradient for 'kiln.x': the op has no gradient rule`.

    Example: `kiln-opt mlp.mlir -kiln-autodiff -canonicalize -cse`.
  }];
  let dependentDialects = ["::kiln::ir::KilnDialect"];
}

#endif // KILN_PASSES_TD
