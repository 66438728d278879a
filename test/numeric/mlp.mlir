// RUN: kiln-opt %s -kiln-autodiff -canonicalize -cse | kiln-run --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --seed=3 --fd-check | FileCheck %s
// RUN: kiln-run %s --backend=jit --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff -canonicalize -cse | kiln-run --seed=3 --backend=jit --fd-check | FileCheck %s
// The seed MLP's loss, sum((relu(x w1) w2 - y)^2), in float64 on small
// shapes: the gradients of kiln-autodiff with respect to every input equal
// central finite differences.
// CHECK: fd-check: ok (49 elements of 4 arguments

func.func @mlp_loss(%x: tensor<4x5xf64>, %y: tensor<4x2xf64>,
                    %w1: tensor<5x3xf64>, %w2: tensor<3x2xf64>)
    -> (tensor<f64>, tensor<4x5xf64>, tensor<4x2xf64>, tensor<5x3xf64>,
        tensor<3x2xf64>) {
  %h = kiln.matmul %x, %w1 : tensor<4x5xf64>, tensor<5x3xf64> -> tensor<4x3xf64>
  %zero = kiln.constant dense<0.0> : tensor<4x3xf64>
  %hr = kiln.max %h, %zero : tensor<4x3xf64>
  %p = kiln.matmul %hr, %w2 : tensor<4x3xf64>, tensor<3x2xf64> -> tensor<4x2xf64>
  %d = kiln.sub %p, %y : tensor<4x2xf64>
  %sq = kiln.mul %d, %d : tensor<4x2xf64>
  %loss = kiln.reduce_sum %sq dims [0, 1] : tensor<4x2xf64> -> tensor<f64>
  %gx, %gy, %g1, %g2 = kiln.backward %loss wrt %x, %y, %w1, %w2
      : tensor<f64> wrt tensor<4x5xf64>, tensor<4x2xf64>, tensor<5x3xf64>, tensor<3x2xf64>
  return %loss, %gx, %gy, %g1, %g2
      : tensor<f64>, tensor<4x5xf64>, tensor<4x2xf64>, tensor<5x3xf64>, tensor<3x2xf64>
}
