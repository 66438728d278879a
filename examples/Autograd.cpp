//===- Autograd.cpp - Autograd: automatic differentiation -----------------===//
//
// Ports the "Autograd: Automatic Differentiation" tutorial: a tensor that
// requires grad, the grad_fn of results, backward of a scalar (x.grad is 4.5
// everywhere), requires_grad_, a vector-Jacobian product, and no_grad.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cmath>
#include <iostream>
#include <string>

namespace {

int failures = 0;

void check(bool ok, const std::string &what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}

const char *py(bool b) { return b ? "True" : "False"; }

/// Python prints `<AddBackward0 object at 0x...>`; the name is what matters.
std::string gradFnName(const kiln::Tensor &t) {
  return t.grad_fn() ? t.grad_fn()->name() : "None";
}

} // namespace

int main() {
  kiln::manual_seed(0);

  // Create a tensor and set requires_grad=True to track computation with it.
  kiln::Tensor x = kiln::ones({2, 2}, kiln::requires_grad(true));
  std::cout << x << "\n";

  // Do a tensor operation; y was created by an operation, so it has grad_fn.
  kiln::Tensor y = x + 2;
  std::cout << y << "\n";
  std::cout << "<" << gradFnName(y) << " object>\n";
  check(gradFnName(y) == "AddBackward0", "y.grad_fn is AddBackward0");

  kiln::Tensor z = y * y * 3;
  kiln::Tensor out = z.mean();
  std::cout << z << " " << out << "\n";
  check(gradFnName(z) == "MulBackward0", "z.grad_fn is MulBackward0");
  check(gradFnName(out) == "MeanBackward0", "out.grad_fn is MeanBackward0");
  check(out.item<double>() == 27.0, "out == 27");

  // For comparison: without requires_grad there is no history.
  kiln::Tensor aa = kiln::ones({2, 2}, kiln::requires_grad(false));
  kiln::Tensor a = aa + 2;
  std::cout << a << "\n";
  check(!a.requires_grad() && !a.grad_fn(), "a has no history");

  // requires_grad_(...) changes the flag of an existing tensor in place.
  a = kiln::randn({2, 2});
  a = ((a * 3) / (a - 1));
  std::cout << py(a.requires_grad()) << "\n";
  a.requires_grad_(true);
  std::cout << py(a.requires_grad()) << "\n";
  kiln::Tensor b = (a * a).sum();
  std::cout << "<" << gradFnName(b) << " object>\n";
  check(a.requires_grad(), "requires_grad_(true) sets the flag");
  check(gradFnName(b) == "SumBackward0", "b.grad_fn is SumBackward0");

  // Gradients: out holds one scalar, so out.backward() needs no argument.
  out.backward();
  std::cout << x.grad() << "\n";
  // d(out)/dx_i = 3/2 (x_i + 2) = 4.5 at x_i = 1.
  check(x.grad().equal(kiln::full({2, 2}, 4.5)), "x.grad is 4.5 everywhere");

  // A vector-Jacobian product: y is not a scalar, so backward takes v.
  x = kiln::randn({3}, kiln::requires_grad(true));
  y = x * 2;
  double scale = 2;
  while (y.detach().norm().item<double>() < 1000) {
    y = y * 2;
    scale *= 2;
  }
  std::cout << y << "\n";
  kiln::Tensor v = kiln::tensor({0.1, 1.0, 0.0001}, kiln::kFloat);
  y.backward(v);
  std::cout << x.grad() << "\n";
  // y = scale * x, so the vector-Jacobian product is scale * v.
  check(x.grad().allclose(v * scale), "x.grad == v * dy/dx");

  // Stop tracking history with no_grad.
  std::cout << py(x.requires_grad()) << "\n";
  std::cout << py(x.pow(2).requires_grad()) << "\n";
  {
    kiln::NoGradGuard noGrad;
    std::cout << py(x.pow(2).requires_grad()) << "\n";
    check(!x.pow(2).requires_grad(), "no_grad stops tracking");
  }
  check(x.requires_grad() && x.pow(2).requires_grad(),
        "tracking resumes after no_grad");

  if (failures) {
    std::cerr << failures << " check(s) failed\n";
    return 1;
  }
  return 0;
}
