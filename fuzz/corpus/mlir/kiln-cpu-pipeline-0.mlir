func.func @chain(%x: tensor<3x4xf32>, %w: tensor<3x4xf32>) -> tensor<f32> {
  %n = kiln.neg %x : tensor<3x4xf32>
  %e = kiln.exp %n : tensor<3x4xf32>
  %m = kiln.mul %e, %w : tensor<3x4xf32>
  %s = kiln.reduce_sum %m dims [0, 1] : tensor<3x4xf32> -> tensor<f32>
  return %s : tensor<f32>
}

func.func @step() -> (tensor<f32>, tensor<3xf32>) {
  %w = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %sq = kiln.mul %w, %w : tensor<3xf32>
  %l = kiln.reduce_sum %sq dims [0] : tensor<3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %w : tensor<f32> wrt tensor<3xf32>
  return %l, %g : tensor<f32>, tensor<3xf32>
}
