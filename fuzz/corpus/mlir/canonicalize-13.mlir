func.func @splat_max_min_special() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %nan = kiln.constant dense<0x7FC00000> : tensor<2xf32>
  %one = kiln.constant dense<1.0> : tensor<2xf32>
  %pz = kiln.constant dense<0.0> : tensor<2xf32>
  %nz = kiln.constant dense<-0.0> : tensor<2xf32>
  %0 = kiln.max %nan, %one : tensor<2xf32>
  %1 = kiln.min %one, %nan : tensor<2xf32>
  %2 = kiln.max %nz, %pz : tensor<2xf32>
  %3 = kiln.min %pz, %nz : tensor<2xf32>
  return %0, %1, %2, %3 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}
