func.func @compare_select(%x: tensor<3xf32>, %y: tensor<3xf32>, %i: tensor<3xi64>, %j: tensor<3xi64>) -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xf32>) {
  %0 = kiln.cmp eq, %x, %y : tensor<3xf32>
  %1 = kiln.cmp ne, %x, %y : tensor<3xf32>
  %2 = kiln.cmp lt, %x, %y : tensor<3xf32>
  %3 = kiln.cmp le, %x, %y : tensor<3xf32>
  %4 = kiln.cmp gt, %x, %y : tensor<3xf32>
  %5 = kiln.cmp ge, %x, %y : tensor<3xf32>
  %6 = kiln.cmp lt, %i, %j : tensor<3xi64>
  %7 = kiln.select %2, %x, %y : tensor<3xi1>, tensor<3xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xf32>
}
