func.func @custom_gradient(%x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %s = kiln.abs %x : tensor<3xf32>
  %y = kiln.custom_gradient "StraightThrough" (%s) wrt (%x) : (tensor<3xf32>) wrt (tensor<3xf32>) {
  ^bb0(%g: tensor<3xf32>):
    %three = kiln.constant dense<3.0> : tensor<3xf32>
    %gx = kiln.mul %g, %three : tensor<3xf32>
    kiln.yield %gx : tensor<3xf32>
  }
  %l = kiln.reduce_sum %y dims [0] : tensor<3xf32> -> tensor<f32>
  %gx = kiln.backward %l wrt %x : tensor<f32> wrt tensor<3xf32>
  return %l, %gx : tensor<f32>, tensor<3xf32>
}
