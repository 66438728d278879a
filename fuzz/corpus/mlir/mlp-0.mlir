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
