//===- MyLinear.cpp - A linear layer as a function and as nn::Module ------===//
//
// Ports the "How to Do Basic Operations (Forward)", "nn.Module", "Backward"
// and "train() and eval()" programs of the "Hello PyTorch" tutorial: y = xW +
// b as a function, then MyLinear keeping W and b as plain tensors (not
// parameters), as registered parameters, and as an nn::Linear submodule.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const std::string &what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}

// torch.FloatTensor(sizes) is uninitialised; randn keeps the output
// deterministic and finite.
kiln::Tensor floatTensor(kiln::IntArrayRef sizes) { return kiln::randn(sizes); }

kiln::Tensor linear(const kiln::Tensor &x) {
  kiln::Tensor W = floatTensor({10, 5}).requires_grad_(true);
  kiln::Tensor b = floatTensor({5}).requires_grad_(true);
  kiln::Tensor y = kiln::mm(x, W) + b;
  return y;
}

/// Python's `[p.size() for p in linear.parameters()]`.
std::string parameterSizes(const kiln::nn::Module &m) {
  std::ostringstream os;
  os << "[";
  bool first = true;
  for (const kiln::Tensor &p : m.parameters()) {
    os << (first ? "" : ", ") << "torch.Size(" << p.sizes() << ")";
    first = false;
  }
  os << "]";
  return os.str();
}

namespace plain {
/// W and b are plain tensors: the module does not see them.
struct MyLinearImpl : kiln::nn::Module {
  MyLinearImpl(int64_t input_size, int64_t output_size)
      : W(floatTensor({input_size, output_size}).requires_grad_(true)),
        b(floatTensor({output_size}).requires_grad_(true)) {}
  kiln::Tensor forward(const kiln::Tensor &x) { return kiln::mm(x, W) + b; }
  kiln::Tensor W, b;
};
KILN_MODULE(MyLinear);
} // namespace plain

namespace parameter {
/// W and b registered as parameters (Python's nn.Parameter).
struct MyLinearImpl : kiln::nn::Module {
  MyLinearImpl(int64_t input_size, int64_t output_size)
      : W(register_parameter("W", floatTensor({input_size, output_size}))),
        b(register_parameter("b", floatTensor({output_size}))) {}
  kiln::Tensor forward(const kiln::Tensor &x) { return kiln::mm(x, W) + b; }
  kiln::Tensor W, b;
};
KILN_MODULE(MyLinear);
} // namespace parameter

namespace submodule {
/// The clean version: an nn::Linear submodule, which also shows in the repr.
struct MyLinearImpl : kiln::nn::Module {
  MyLinearImpl(int64_t input_size, int64_t output_size)
      : linear(register_module("linear",
                               kiln::nn::Linear(input_size, output_size))) {}
  kiln::Tensor forward(const kiln::Tensor &x) { return linear(x); }
  kiln::nn::Linear linear;
};
KILN_MODULE(MyLinear);
} // namespace submodule

} // namespace

int main() {
  kiln::manual_seed(0);

  // The linear function.
  kiln::Tensor x = floatTensor({16, 10});
  kiln::Tensor y = linear(x);
  std::cout << "linear(x): torch.Size(" << y.sizes() << ")\n";
  check(y.sizes() == kiln::IntArrayRef({16, 5}), "linear(x) is 16 x 5");

  // MyLinear with plain tensors: it works, but has no parameters.
  {
    plain::MyLinear linear(10, 5);
    y = linear(x);
    check(y.sizes() == kiln::IntArrayRef({16, 5}), "plain MyLinear forward");
    std::cout << parameterSizes(*linear) << "\n";
    check(linear->parameters().empty(), "plain MyLinear has no parameters");
  }

  // MyLinear with registered parameters: they are found, not printed.
  {
    parameter::MyLinear linear(10, 5);
    y = linear(x);
    std::string sizes = parameterSizes(*linear);
    std::cout << sizes << "\n";
    check(linear->parameters().size() == 2,
          "parameter MyLinear has 2 parameters");
    check(sizes == "[torch.Size([10, 5]), torch.Size([5])]",
          "parameter sizes are [10, 5] and [5]");
    std::ostringstream repr;
    repr << linear;
    std::cout << repr.str() << "\n";
    check(repr.str() == "MyLinear()", "parameters do not show in the repr");
  }

  // MyLinear with an nn::Linear submodule.
  submodule::MyLinear linear(10, 5);
  std::ostringstream repr;
  repr << linear;
  std::cout << repr.str() << "\n";
  check(repr.str() == "MyLinear(\n"
                      "  (linear): Linear(in_features=10, out_features=5, "
                      "bias=True)\n"
                      ")",
        "submodule repr");
  check(linear->parameters().size() == 2, "submodule MyLinear parameters");

  // Backward: the squared distance of the sum of the output to 100.
  const double objective = 100;
  y = linear(x);
  kiln::Tensor loss = (objective - y.sum()).pow(2);
  std::cout << "loss: " << loss << "\n";
  loss.backward();
  kiln::Tensor bias_grad = linear->linear->bias.grad();
  std::cout << "linear.bias.grad: " << bias_grad << "\n";
  // Each bias entry is added to 16 outputs: d loss / d b_j = -2 (100 - sum) 16.
  double expected = -2 * (objective - y.sum().item<double>()) * 16;
  check(bias_grad.allclose(kiln::full({5}, expected), 1e-4),
        "bias gradient is -32 (objective - y.sum())");
  check(linear->linear->weight.grad().sizes() == kiln::IntArrayRef({5, 10}),
        "weight gradient has the weight's shape");

  // train() and eval().
  check(linear->is_training(), "modules start in training mode");
  linear->eval();
  std::cout << "eval: training=" << (linear->is_training() ? "True" : "False")
            << "\n";
  check(!linear->is_training() && !linear->linear->is_training(),
        "eval() reaches the submodule");
  linear->train();
  std::cout << "train: training=" << (linear->is_training() ? "True" : "False")
            << "\n";
  check(linear->is_training() && linear->linear->is_training(),
        "train() reaches the submodule");

  if (failures) {
    std::cerr << failures << " check(s) failed\n";
    return 1;
  }
  return 0;
}
