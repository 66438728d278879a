//===- TensorBasics.cpp - Tensors, Variables, matmul and broadcasting -----===//
//
// Ports the "Tensor", "Variable and Autograd" and "Broadcasting" programs of
// the "Hello PyTorch" tutorial: creating FloatTensors, wrapping a NumPy array
// (here a C array through from_blob), requires_grad on leaves, the five
// matmul size rules and the broadcasting rules of addition, including the
// error raised for shapes that do not broadcast.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cstdint>
#include <iostream>
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

std::vector<int64_t> sizesOf(const kiln::Tensor &t) { return t.sizes().vec(); }

/// Prints `torch.Size([...])` like Python and checks it against `expected`.
void expectSize(const kiln::Tensor &t, const std::vector<int64_t> &expected,
                const std::string &what) {
  std::cout << "torch.Size(" << t.sizes() << ")\n";
  check(sizesOf(t) == expected, what);
}

} // namespace

int main() {
  kiln::manual_seed(0);

  // --- Tensor ---------------------------------------------------------------
  // torch.FloatTensor(2, 2): uninitialised memory, so only the size is shown.
  kiln::Tensor x = kiln::empty({2, 2});
  expectSize(x, {2, 2}, "FloatTensor(2, 2) size");
  check(x.dtype() == kiln::kFloat, "FloatTensor dtype is float32");

  x = kiln::tensor({{1., 2.}, {3., 4.}});
  std::cout << x << "\n";
  check(x.equal(kiln::tensor({{1.f, 2.f}, {3.f, 4.f}})),
        "FloatTensor([[1, 2], [3, 4]]) values");

  // torch.from_numpy(np.array([[1, 2], [3, 4]])): an int64 tensor that
  // shares the array's memory.
  int64_t array[2][2] = {{1, 2}, {3, 4}};
  x = kiln::from_blob(array, {2, 2}, kiln::kLong);
  std::cout << x << "\n";
  check(x.dtype() == kiln::kLong, "from_numpy keeps int64");
  array[0][0] = 10;
  check(x[0][0].item<int64_t>() == 10, "from_blob shares memory");
  array[0][0] = 1;

  // --- Variable and Autograd ------------------------------------------------
  // Variables are tensors now; requires_grad is set on the leaves.
  kiln::Tensor vx = kiln::randn({2, 2}).requires_grad_(true);
  kiln::Tensor vy = kiln::randn({2, 2}).requires_grad_(false);
  kiln::Tensor vz = (vx + vy) + kiln::randn({2, 2}, kiln::requires_grad(true));
  auto py = [](bool b) { return b ? "True" : "False"; };
  std::cout << "x.requires_grad: " << py(vx.requires_grad())
            << ", y.requires_grad: " << py(vy.requires_grad())
            << ", z.requires_grad: " << py(vz.requires_grad())
            << ", z.grad_fn: " << vz.grad_fn()->name() << "\n";
  check(vx.is_leaf() && vy.is_leaf() && !vz.is_leaf(),
        "x and y are leaves, z is not");
  check(vz.requires_grad() && !vy.requires_grad(),
        "requires_grad flows from x to z");

  // --- matmul size rules ----------------------------------------------------
  // vector x vector -> a 0-dim tensor
  kiln::Tensor tensor1 = kiln::randn({3});
  kiln::Tensor tensor2 = kiln::randn({3});
  kiln::Tensor dot = kiln::matmul(tensor1, tensor2);
  std::cout << dot << "\n";
  expectSize(dot, {}, "vector x vector");
  // matrix x vector
  tensor1 = kiln::randn({3, 4});
  tensor2 = kiln::randn({4});
  expectSize(kiln::matmul(tensor1, tensor2), {3}, "matrix x vector");
  // batched matrix x broadcasted vector
  tensor1 = kiln::randn({10, 3, 4});
  tensor2 = kiln::randn({4});
  expectSize(kiln::matmul(tensor1, tensor2), {10, 3},
             "batched matrix x broadcasted vector");
  // batched matrix x batched matrix
  tensor1 = kiln::randn({10, 3, 4});
  tensor2 = kiln::randn({10, 4, 5});
  expectSize(kiln::matmul(tensor1, tensor2), {10, 3, 5},
             "batched matrix x batched matrix");
  // batched matrix x broadcasted matrix
  tensor1 = kiln::randn({10, 3, 4});
  tensor2 = kiln::randn({4, 5});
  expectSize(kiln::matmul(tensor1, tensor2), {10, 3, 5},
             "batched matrix x broadcasted matrix");

  // --- Broadcasting of addition ---------------------------------------------
  // Values are uninitialised as with torch.FloatTensor(sizes); only the
  // resulting sizes matter.
  // Same shapes are always broadcastable.
  expectSize(kiln::empty({5, 7, 3}) + kiln::empty({5, 7, 3}), {5, 7, 3},
             "same shapes");
  // Trailing dimensions line up: 1 vs 1, 4 vs 1, 3 vs 3, 5 vs missing.
  expectSize(kiln::empty({5, 3, 4, 1}) + kiln::empty({3, 1, 1}), {5, 3, 4, 1},
             "(5,3,4,1) + (3,1,1)");
  expectSize(kiln::empty({5, 1, 4, 1}) + kiln::empty({3, 1, 1}), {5, 3, 4, 1},
             "(5,1,4,1) + (3,1,1)");
  expectSize(kiln::empty({1}) + kiln::empty({3, 1, 7}), {3, 1, 7},
             "(1) + (3,1,7)");

  // Not broadcastable: an empty tensor (torch.FloatTensor() has size [0]) and
  // (2, 2); then (5,2,4,1) and (3,1,1), where 2 != 3 in the 3rd trailing
  // dimension.
  auto expectError = [](const kiln::Tensor &a, const kiln::Tensor &b,
                        const std::string &expected, const std::string &what) {
    try {
      kiln::Tensor c = a + b;
      check(false, what + " should not broadcast, got " +
                       std::to_string(c.dim()) + "-dim result");
    } catch (const kiln::Error &e) {
      std::cout << "RuntimeError: " << e.what() << "\n";
      check(std::string(e.what()).find(expected) != std::string::npos,
            what + " message mentions: " + expected);
    }
  };
  expectError(kiln::empty({0}), kiln::empty({2, 2}),
              "The size of tensor a (0) must match the size of tensor b (2) "
              "at non-singleton dimension 1",
              "FloatTensor() + (2,2)");
  expectError(kiln::empty({5, 2, 4, 1}), kiln::empty({3, 1, 1}),
              "The size of tensor a (2) must match the size of tensor b (3) "
              "at non-singleton dimension 1",
              "(5,2,4,1) + (3,1,1)");

  if (failures) {
    std::cerr << failures << " check(s) failed\n";
    return 1;
  }
  return 0;
}
