func.func @casts(%x: tensor<2xf32>, %d: tensor<2xf64>, %i: tensor<2xi64>, %b: tensor<2xi1>) -> (tensor<2xf64>, tensor<2xf32>, tensor<2xi64>, tensor<2xf32>, tensor<2xf32>, tensor<2xi64>, tensor<2xi1>, tensor<2xi1>) {
  %0 = kiln.cast %x : tensor<2xf32> to tensor<2xf64>
  %1 = kiln.cast %d : tensor<2xf64> to tensor<2xf32>
  %2 = kiln.cast %x : tensor<2xf32> to tensor<2xi64>
  %3 = kiln.cast %i : tensor<2xi64> to tensor<2xf32>
  %4 = kiln.cast %b : tensor<2xi1> to tensor<2xf32>
  %5 = kiln.cast %b : tensor<2xi1> to tensor<2xi64>
  %6 = kiln.cast %x : tensor<2xf32> to tensor<2xi1>
  %7 = kiln.cast %i : tensor<2xi64> to tensor<2xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<2xf64>, tensor<2xf32>, tensor<2xi64>, tensor<2xf32>, tensor<2xf32>, tensor<2xi64>, tensor<2xi1>, tensor<2xi1>
}
