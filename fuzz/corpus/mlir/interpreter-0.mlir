func.func @affine() -> (tensor<2x2xf32>, tensor<2xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %two = kiln.constant dense<2.0> : tensor<2x2xf32>
  %b = kiln.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %bb = kiln.broadcast %b : tensor<2xf32> to tensor<2x2xf32>
  %y = kiln.mul %x, %two : tensor<2x2xf32>
  %z = kiln.add %y, %bb : tensor<2x2xf32>
  %s = kiln.reduce_sum %z dims [0] : tensor<2x2xf32> -> tensor<2xf32>
  return %z, %s : tensor<2x2xf32>, tensor<2xf32>
}

func.func @marker(%w: tensor<3xf32>) -> tensor<3xf32> {
  %l = kiln.reduce_sum %w dims [0] : tensor<3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %w : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}


func.func @consume(%a: tensor<2x2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  %s = kiln.reduce_sum %a dims [1] : tensor<2x2xf32> -> tensor<2xf32>
  %r = kiln.add %s, %b : tensor<2xf32>
  return %r : tensor<2xf32>
}
