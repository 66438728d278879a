// Functions kiln-run cannot run, and inputs that do not fit them: a clear
// error and exit 1 on both backends, never a signal or an allocation of
// garbage sizes.
// RUN: not kiln-run %s --entry=decl 2>&1 | FileCheck %s --check-prefix=DECL
// RUN: not kiln-run %s --entry=decl --backend=jit 2>&1 | FileCheck %s --check-prefix=DECL
// RUN: not kiln-run %s --entry=scalar 2>&1 | FileCheck %s --check-prefix=SCALAR
// RUN: not kiln-run %s --entry=scalar --backend=jit 2>&1 | FileCheck %s --check-prefix=SCALAR
// RUN: not kiln-run %s --entry=unranked 2>&1 | FileCheck %s --check-prefix=UNRANKED
// RUN: not kiln-run %s --entry=unranked --backend=jit 2>&1 | FileCheck %s --check-prefix=UNRANKED
// RUN: not kiln-run %s --entry=dynamic 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: not kiln-run %s --entry=scalar_result --backend=jit 2>&1 | FileCheck %s --check-prefix=SCALARRESULT
// RUN: not kiln-run %s --entry=i32 2>&1 | FileCheck %s --check-prefix=I32
// RUN: not kiln-run %s --entry=numel_overflow 2>&1 | FileCheck %s --check-prefix=NUMEL
// RUN: not kiln-run %s --entry=numel_overflow --backend=jit 2>&1 | FileCheck %s --check-prefix=NUMEL
// RUN: not kiln-run %s --entry=zero_overflow 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not kiln-run %s --entry=bytes_overflow 2>&1 | FileCheck %s --check-prefix=BYTES
// RUN: not kiln-run %s --entry=huge 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: not kiln-run %s --entry=huge --backend=jit 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: not kiln-run %s --entry=huge_value 2>&1 | FileCheck %s --check-prefix=HUGEVALUE
// RUN: not kiln-run %s --entry=huge_value --backend=jit 2>&1 | FileCheck %s --check-prefix=HUGEVALUE
// RUN: rm -rf %t && mkdir -p %t && kiln-run %s --entry=two --output-dir=%t
// RUN: not kiln-run %s --entry=two --input=%t/out0.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not kiln-run %s --entry=two --input=%t/out0.npy --input=%t/out0.npy --input=%t/out0.npy 2>&1 | FileCheck %s --check-prefix=COUNT3
// RUN: not kiln-run %s --entry=two --input=%t/out0.npy --input=%t/out1.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not kiln-run %s --entry=two --backend=jit --input=%t/out0.npy --input=%t/out1.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not kiln-run %s --entry=two --input=%t/out0.npy --input=%t/out2.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not kiln-run %s --entry=two --backend=jit --input=%t/out0.npy --input=%t/out2.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// Without --entry: the first function with a body, not the declaration.
// RUN: not kiln-run %s 2>&1 | FileCheck %s --check-prefix=FIRST
// RUN: echo 'func.func private @d(%%a: tensor<2xf32>) -> tensor<2xf32>' | not kiln-run 2>&1 | FileCheck %s --check-prefix=NOBODY

// DECL: error: kiln-run: 'decl' is a declaration without a body; --entry must name a defined function
func.func private @decl(%a: tensor<2xf32>) -> tensor<2xf32>

// FIRST: error: kiln-run: argument 0 of 'scalar' has type f32; kiln-run takes and returns ranked tensors
// SCALAR: error: kiln-run: argument 0 of 'scalar' has type f32; kiln-run takes and returns ranked tensors such as tensor<2x3xf32> or tensor<f64>
func.func @scalar(%a: f32) -> f32 {
  return %a : f32
}

// UNRANKED: error: kiln-run: argument 0 of 'unranked' has type tensor<*xf32>; kiln-run takes and returns ranked tensors
func.func @unranked(%a: tensor<*xf32>) -> tensor<*xf32> {
  return %a : tensor<*xf32>
}

// DYNAMIC: error: kiln-run: argument 0 of 'dynamic' has type tensor<?x2xf32>, whose shape is not static
func.func @dynamic(%a: tensor<?x2xf32>) -> tensor<?x2xf32> {
  return %a : tensor<?x2xf32>
}

// SCALARRESULT: error: kiln-run: result 0 of 'scalar_result' has type i64; kiln-run takes and returns ranked tensors
func.func @scalar_result(%a: tensor<2xf32>) -> i64 {
  %c = arith.constant 1 : i64
  return %c : i64
}

// I32: error: kiln-run: argument 0 of 'i32' has type tensor<2xi32>; the element types are f32, f64, i64 and i1
func.func @i32(%a: tensor<2xi32>) -> tensor<2xi32> {
  return %a : tensor<2xi32>
}

// NUMEL: error: kiln-run: argument 0 of 'numel_overflow' has type tensor<4294967296x4294967296xf32>, with more elements than int64 counts
func.func @numel_overflow(%a: tensor<4294967296x4294967296xf32>) -> tensor<4294967296x4294967296xf32> {
  return %a : tensor<4294967296x4294967296xf32>
}

// A zero dimension leaves no elements, but the strides would still overflow.
// ZERO: error: kiln-run: argument 0 of 'zero_overflow' has type tensor<0x4294967296x4294967296xf32>, with more elements than int64 counts
func.func @zero_overflow(%a: tensor<0x4294967296x4294967296xf32>) -> tensor<0x4294967296x4294967296xf32> {
  return %a : tensor<0x4294967296x4294967296xf32>
}

// BYTES: error: kiln-run: argument 0 of 'bytes_overflow' has type tensor<2305843009213693952xf64>, with more bytes than int64 counts
func.func @bytes_overflow(%a: tensor<2305843009213693952xf64>) -> tensor<2305843009213693952xf64> {
  return %a : tensor<2305843009213693952xf64>
}

// HUGE: error: kiln-run: argument 0 of 'huge' (tensor<100000000000000xf32>) needs 400000000000000 bytes, more than this machine's {{[0-9]+}} bytes of memory
func.func @huge(%a: tensor<100000000000000xf32>) -> tensor<100000000000000xf32> {
  return %a : tensor<100000000000000xf32>
}

// An intermediate value too: the JIT would abort building the constant.
// HUGEVALUE: error: kiln-run: the value of 'kiln.constant' of 'huge_value' (tensor<100000000000000xf32>) needs 400000000000000 bytes, more than this machine's {{[0-9]+}} bytes of memory
func.func @huge_value() -> tensor<f32> {
  %c = kiln.constant dense<1.0> : tensor<100000000000000xf32>
  %s = kiln.reduce_sum %c dims [0] : tensor<100000000000000xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// COUNT: error: kiln-run: got 1 --input files for the 2 arguments of 'two'
// COUNT3: error: kiln-run: got 3 --input files for the 2 arguments of 'two'
// SHAPE: error: kiln-run: input 1 has shape [2, 3] and dtype Float, the function expects [3] Float (from '{{.*}}out1.npy')
// DTYPE: error: kiln-run: input 1 has shape [3] and dtype Long, the function expects [3] Float (from '{{.*}}out2.npy')
func.func @two(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xi64>) {
  %bb = kiln.broadcast %b : tensor<3xf32> to tensor<2x3xf32>
  %s = kiln.add %a, %bb : tensor<2x3xf32>
  %i = kiln.cast %b : tensor<3xf32> to tensor<3xi64>
  return %s, %a, %i : tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xi64>
}

// NOBODY: error: kiln-run: the input has no function with a body
