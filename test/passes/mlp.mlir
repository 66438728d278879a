// RUN: kiln-opt %s -kiln-autodiff -canonicalize -cse | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --backend=jit --compare-with=interp --rtol=1e-3 --atol=0.1
// The seed MLP's loss: sum((relu(x w1) w2 - y)^2), differentiated with
// respect to both weights.
func.func @mlp_step(%x: tensor<64x1000xf32>, %y: tensor<64x10xf32>,
                    %w1: tensor<1000x100xf32>, %w2: tensor<100x10xf32>)
    -> (tensor<f32>, tensor<1000x100xf32>, tensor<100x10xf32>) {
  %h = kiln.matmul %x, %w1 : tensor<64x1000xf32>, tensor<1000x100xf32> -> tensor<64x100xf32>
  %zero = kiln.constant dense<0.0> : tensor<64x100xf32>
  %hr = kiln.max %h, %zero : tensor<64x100xf32>
  %p = kiln.matmul %hr, %w2 : tensor<64x100xf32>, tensor<100x10xf32> -> tensor<64x10xf32>
  %d = kiln.sub %p, %y : tensor<64x10xf32>
  %sq = kiln.mul %d, %d : tensor<64x10xf32>
  %loss = kiln.reduce_sum %sq dims [0, 1] : tensor<64x10xf32> -> tensor<f32>
  %g1, %g2 = kiln.backward %loss wrt %w1, %w2 : tensor<f32> wrt tensor<1000x100xf32>, tensor<100x10xf32>
  return %loss, %g1, %g2 : tensor<f32>, tensor<1000x100xf32>, tensor<100x10xf32>
}

// The gradient IR of the seed MLP: dL/dp = 2 (p - y) appears as d + d, the
// ReLU gradient as selects on h < 0 and h == 0 (ties at 0 split, as maximum
// does), and
// the weight gradients as the two transposed matmuls.
// CHECK-LABEL: func @mlp_step
// CHECK: %[[H:.+]] = kiln.matmul %arg0, %arg2
// CHECK: %[[HR:.+]] = kiln.max %[[H]]
// CHECK: %[[P:.+]] = kiln.matmul %[[HR]], %arg3
// CHECK: %[[D:.+]] = kiln.sub %[[P]], %arg1
// CHECK: %[[LOSS:.+]] = kiln.reduce_sum
// CHECK: %[[G:.+]] = kiln.add %[[D]], %[[D]]
// CHECK: %[[W2T:.+]] = kiln.transpose %arg3 [1, 0]
// CHECK: %[[GH:.+]] = kiln.matmul %[[G]], %[[W2T]]
// CHECK: %[[HRT:.+]] = kiln.transpose %[[HR]] [1, 0]
// CHECK: %[[GW2:.+]] = kiln.matmul %[[HRT]], %[[G]]
// CHECK: kiln.cmp eq, %[[H]]
// CHECK: kiln.select
// CHECK: kiln.cmp lt, %[[H]]
// CHECK: %[[GHR:.+]] = kiln.select
// CHECK: %[[XT:.+]] = kiln.transpose %arg0 [1, 0]
// CHECK: %[[GW1:.+]] = kiln.matmul %[[XT]], %[[GHR]]
// CHECK: return %[[LOSS]], %[[GW1]], %[[GW2]]
