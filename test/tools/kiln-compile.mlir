// Without a manifest every argument is an input and every result an output.
// RUN: kiln-compile %s -o %t.o --header %t.h
// RUN: FileCheck %s --check-prefix=HEADER --input-file %t.h
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=SYMBOLS
// RUN: kiln-compile %s -o - --emit=llvm | FileCheck %s --check-prefix=LLVM
// RUN: kiln-compile %s -o - --emit=mlir | FileCheck %s --check-prefix=MLIR
// RUN: kiln-compile %s -o - --emit=asm --cpu=x86-64-v3 | FileCheck %s --check-prefix=ASM
// RUN: kiln-compile %s -o %t.o --name other --header - | FileCheck %s --check-prefix=NAMED

// HEADER: Inputs (scale_run's `inputs`, in order):
// HEADER-NEXT: input.0: float32 [2, 3]
// HEADER-NEXT: input.1: float64 []
// HEADER: Outputs
// HEADER-NEXT: output.0: float32 [2, 3]
// HEADER-NEXT: output.1: float32 []
// HEADER: #include <kiln/runtime/aot.h>
// HEADER: void scale_kernel_packed(void **);
// HEADER: static const kiln_arg_desc scale_args[] = {
// HEADER-NEXT: {KILN_ARG_INPUT, "input.0", "", KILN_FLOAT32, 2, scale_arg_shape_0},
// HEADER-NEXT: {KILN_ARG_INPUT, "input.1", "", KILN_FLOAT64, 0, NULL},
// HEADER: static const kiln_result_desc scale_results[] = {
// HEADER-NEXT: {KILN_RESULT_OUTPUT, 0, 0,
// HEADER-NEXT: {KILN_RESULT_OUTPUT, 1, 0,
// HEADER: KILN_AOT_ABI_VERSION, "scale", 2, scale_args, 2, scale_results, scale_kernel_packed};
// HEADER: enum { scale_NUM_INPUTS = 2, scale_NUM_OUTPUTS = 2 };
// HEADER: static inline kiln_status scale_create(const char *state_path, scale **out)
// HEADER: static inline kiln_status scale_run(scale *step, const kiln_tensor *inputs, size_t n, kiln_tensor *outputs, size_t m)
// HEADER: static inline kiln_status scale_set_scalar(
// HEADER: static inline kiln_status scale_save(
// HEADER: static inline void scale_destroy(

// The object defines the kernel, its C interface and the packed entry; it
// needs the runtime's allocator and libm only.
// SYMBOLS-DAG: T _mlir_ciface_scale_kernel
// SYMBOLS-DAG: T scale_kernel
// SYMBOLS-DAG: T scale_kernel_packed
// SYMBOLS-DAG: U tanhf

// LLVM: define void @scale_kernel_packed(ptr
// LLVM: call void @_mlir_ciface_scale_kernel(
// MLIR: llvm.func @_mlir_ciface_scale_kernel(
// ASM: scale_kernel_packed:
// NAMED: void other_kernel_packed(void **);

func.func @scale(%x: tensor<2x3xf32>, %s: tensor<f64>) -> (tensor<2x3xf32>, tensor<f32>) {
  %c = kiln.cast %s : tensor<f64> to tensor<f32>
  %b = kiln.broadcast %c : tensor<f32> to tensor<2x3xf32>
  %y = kiln.mul %x, %b : tensor<2x3xf32>
  %t = kiln.tanh %y : tensor<2x3xf32>
  %sum = kiln.reduce_sum %t dims [0, 1] : tensor<2x3xf32> -> tensor<f32>
  return %t, %sum : tensor<2x3xf32>, tensor<f32>
}
