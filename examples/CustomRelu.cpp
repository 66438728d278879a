//===- CustomRelu.cpp - A custom autograd Function for ReLU ---------------===//
//
// Ports the "Defining new autograd functions" program of "Learning PyTorch
// with Examples": MyReLU derives from autograd::Function, saves its input in
// forward, and in backward passes the gradient through where the input is
// not negative. It then trains the two-layer network like AutogradMlp.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cmath>
#include <iostream>

namespace {

struct MyReLU : kiln::autograd::Function<MyReLU> {
  /// Saves the input for backward and returns max(input, 0).
  static kiln::Tensor forward(kiln::autograd::AutogradContext *ctx,
                              const kiln::Tensor &input) {
    ctx->save_for_backward({input});
    return input.clamp(0);
  }

  /// The gradient flows where the input was not negative.
  static kiln::variable_list backward(kiln::autograd::AutogradContext *ctx,
                                      kiln::variable_list grad_outputs) {
    kiln::Tensor input = ctx->get_saved_variables()[0];
    kiln::Tensor grad_input = grad_outputs[0].clone();
    grad_input.index_put_({input < 0}, 0);
    return {grad_input};
  }
};

} // namespace

int main() {
  kiln::manual_seed(0);
  const auto options = kiln::TensorOptions().dtype(kiln::kFloat);

  const int64_t N = 64, D_in = 1000, H = 100, D_out = 10;

  kiln::Tensor x = kiln::randn({N, D_in}, options);
  kiln::Tensor y = kiln::randn({N, D_out}, options);
  kiln::Tensor w1 = kiln::randn({D_in, H}, options.requires_grad(true));
  kiln::Tensor w2 = kiln::randn({H, D_out}, options.requires_grad(true));

  // MyReLU against the built-in relu on a small input.
  {
    kiln::Tensor a = kiln::randn({4, 5}, options.requires_grad(true));
    kiln::Tensor b = a.detach().clone().requires_grad_(true);
    MyReLU::apply(a).sum().backward();
    b.relu().sum().backward();
    if (!a.grad().equal(b.grad())) {
      std::cerr << "FAILED: MyReLU's gradient differs from relu's\n";
      return 1;
    }
  }

  const double learning_rate = 1e-6;
  double first_loss = 0, last_loss = 0;
  for (int t = 0; t < 500; ++t) {
    // Forward pass, computing ReLU with the custom function.
    kiln::Tensor y_pred = MyReLU::apply(x.mm(w1)).mm(w2);

    kiln::Tensor loss = (y_pred - y).pow(2).sum();
    last_loss = loss.item<double>();
    if (t == 0) {
      first_loss = last_loss;
      if (y_pred.grad_fn()->next_edges()[0].function->name() !=
          "MyReLUBackward") {
        std::cerr << "FAILED: MyReLU is not in the graph\n";
        return 1;
      }
    }
    if (t % 100 == 99)
      std::cout << t << " " << last_loss << "\n";

    loss.backward();

    {
      kiln::NoGradGuard noGrad;
      w1 -= learning_rate * w1.grad();
      w2 -= learning_rate * w2.grad();
      // Without this the gradients would accumulate.
      w1.grad().zero_();
      w2.grad().zero_();
    }
  }

  if (!std::isfinite(last_loss) || !(last_loss < first_loss)) {
    std::cerr << "FAILED: loss went from " << first_loss << " to " << last_loss
              << "\n";
    return 1;
  }
  return 0;
}
