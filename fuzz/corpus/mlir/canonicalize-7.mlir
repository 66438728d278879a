func.func @splat_arithmetic() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %a = kiln.constant dense<2.0> : tensor<2xf32>
  %b = kiln.constant dense<3.0> : tensor<2xf32>
  %0 = kiln.add %a, %b : tensor<2xf32>
  %1 = kiln.mul %a, %b : tensor<2xf32>
  %2 = kiln.sub %a, %b : tensor<2xf32>
  %3 = kiln.div %b, %a : tensor<2xf32>
  %4 = kiln.max %a, %b : tensor<2xf32>
  %5 = kiln.min %a, %b : tensor<2xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}
