func.func @extrema() -> (tensor<4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %a = kiln.constant dense<[0x7FC00000, -0.0, -0.0, 1.0]> : tensor<4xf32>
  %b = kiln.constant dense<[1.0, 0.0, 0.0, 0x7FC00000]> : tensor<4xf32>
  %max = kiln.max %a, %b : tensor<4xf32>
  %min = kiln.min %a, %b : tensor<4xf32>
  %sel = kiln.constant dense<[false, true, false, true]> : tensor<4xi1>
  %mixed = kiln.select %sel, %max, %min : tensor<4xi1>, tensor<4xf32>
  %x = kiln.constant dense<[[-0.0, 0.0, -0.0], [1.0, 0x7FC00000, 0x7FC00000]]> : tensor<2x3xf32>
  %m = kiln.reduce_max %x dims [1] : tensor<2x3xf32> -> tensor<2xf32>
  %f = kiln.reduce_max %x dims [1] first : tensor<2x3xf32> -> tensor<2xf32>
  %n = kiln.reduce_min %x dims [0] first : tensor<2x3xf32> -> tensor<3xf32>
  %n2 = kiln.slice %n starts [0] limits [3] steps [2] : tensor<3xf32> -> tensor<2xf32>
  return %mixed, %m, %f, %n2 : tensor<4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

func.func @casts() -> (tensor<4xi64>, tensor<4xi1>) {
  %x = kiln.constant dense<[0x7FF8000000000000, 0x7FF0000000000000, 1.0e19, -2.5]> : tensor<4xf64>
  %i = kiln.cast %x : tensor<4xf64> to tensor<4xi64>
  %z = kiln.constant dense<[0x7FF8000000000000, 1.0, -1.0, -0.0]> : tensor<4xf64>
  %b = kiln.cast %z : tensor<4xf64> to tensor<4xi1>
  return %i, %b : tensor<4xi64>, tensor<4xi1>
}

func.func @sigmoid_grad() -> (tensor<4xf32>, tensor<4xf32>) {
  %x = kiln.constant dense<[0xFF800000, 0x7F800000, 0x7FC00000, 0.0]> : tensor<4xf32>
  %y = kiln.sigmoid %x : tensor<4xf32>
  %l = kiln.reduce_sum %y dims [0] : tensor<4xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<4xf32>
  return %y, %g : tensor<4xf32>, tensor<4xf32>
}

func.func @first_grad() -> (tensor<2x4xf64>, tensor<2x4xf64>) {
  %x = kiln.constant dense<[[1.0, 3.0, 3.0, -2.0], [2.0, 0x7FF8000000000000, 5.0, 0x7FF8000000000000]]> : tensor<2x4xf64>
  %f = kiln.reduce_max %x dims [1] first : tensor<2x4xf64> -> tensor<2xf64>
  %lf = kiln.reduce_sum %f dims [0] : tensor<2xf64> -> tensor<f64>
  %gf = kiln.backward %lf wrt %x : tensor<f64> wrt tensor<2x4xf64>
  %m = kiln.reduce_max %x dims [1] : tensor<2x4xf64> -> tensor<2xf64>
  %lm = kiln.reduce_sum %m dims [0] : tensor<2xf64> -> tensor<f64>
  %gm = kiln.backward %lm wrt %x : tensor<f64> wrt tensor<2x4xf64>
  return %gf, %gm : tensor<2x4xf64>, tensor<2x4xf64>
}

func.func @int_pow() -> tensor<5xi64> {
  %x = kiln.constant dense<[3, 3, -3, 2, -1]> : tensor<5xi64>
  %e = kiln.constant dense<[35, 40, 3, -1, -3]> : tensor<5xi64>
  %p = kiln.pow %x, %e : tensor<5xi64>
  %want = kiln.constant dense<[50031545098999707, -6289078614652622815, -27, 0, -1]> : tensor<5xi64>
  %d = kiln.sub %p, %want : tensor<5xi64>
  return %d : tensor<5xi64>
}

func.func @int_div() -> tensor<4xi64> {
  %a = kiln.constant dense<[7, -9223372036854775808, 5, -7, 0]> : tensor<5xi64>
  %b = kiln.constant dense<[0, -1, 2, 2, 9]> : tensor<5xi64>
  %x = kiln.slice %a starts [0] limits [4] steps [1] : tensor<5xi64> -> tensor<4xi64>
  %y = kiln.slice %b starts [0] limits [4] steps [1] : tensor<5xi64> -> tensor<4xi64>
  %q = kiln.div %x, %y : tensor<4xi64>
  return %q : tensor<4xi64>
}
