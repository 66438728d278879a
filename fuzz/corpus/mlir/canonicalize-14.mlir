func.func @splat_int64() -> (tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<3x2xi64>) {
  %big = kiln.constant dense<9007199254740993> : tensor<2xi64>
  %p53 = kiln.constant dense<9007199254740992> : tensor<2xi64>
  %one = kiln.constant dense<1> : tensor<2xi64>
  %three = kiln.constant dense<3> : tensor<2xi64>
  %four = kiln.constant dense<4> : tensor<2xi64>
  %p62 = kiln.constant dense<4611686018427387904> : tensor<2xi64>
  %0 = kiln.add %big, %one : tensor<2xi64>
  %1 = kiln.mul %big, %three : tensor<2xi64>
  %2 = kiln.mul %p62, %four : tensor<2xi64>
  %3 = kiln.max %big, %p53 : tensor<2xi64>
  %4 = kiln.broadcast %big : tensor<2xi64> to tensor<3x2xi64>
  return %0, %1, %2, %3, %4 : tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<3x2xi64>
}
