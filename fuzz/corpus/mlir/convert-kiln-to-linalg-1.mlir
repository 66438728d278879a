func.func @binary(%x: tensor<2xf64>, %y: tensor<2xf64>, %i: tensor<2xi64>, %j: tensor<2xi64>) -> (tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) {
  %0 = kiln.add %x, %y : tensor<2xf64>
  %1 = kiln.sub %x, %y : tensor<2xf64>
  %2 = kiln.mul %x, %y : tensor<2xf64>
  %3 = kiln.div %x, %y : tensor<2xf64>
  %4 = kiln.pow %x, %y : tensor<2xf64>
  %5 = kiln.max %x, %y : tensor<2xf64>
  %6 = kiln.min %x, %y : tensor<2xf64>
  %7 = kiln.add %i, %j : tensor<2xi64>
  %8 = kiln.sub %i, %j : tensor<2xi64>
  %9 = kiln.mul %i, %j : tensor<2xi64>
  %10 = kiln.div %i, %j : tensor<2xi64>
  %11 = kiln.pow %i, %j : tensor<2xi64>
  %12 = kiln.max %i, %j : tensor<2xi64>
  %13 = kiln.min %i, %j : tensor<2xi64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13 : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>
}
