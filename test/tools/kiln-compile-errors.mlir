// RUN: not kiln-compile %s -o %t.o --name 9lives 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: kiln-compile: '9lives' is not a C identifier; choose one with --name
// RUN: not kiln-compile %s -o %t.o --cpu=pentium9 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: 'pentium9' is not a CPU of
// RUN: not kiln-compile %s -o %t.o --target=cuda 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: kiln-compile: unknown target 'cuda'
// RUN: not kiln-compile %s -o %t.o --function missing 2>&1 | FileCheck %s --check-prefix=FUNC
// FUNC: kiln-compile: no function named 'missing'
// RUN: not kiln-compile %s -o %t.o --manifest %t.none.json 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: kiln-compile: cannot read {{.*}}none.json
// RUN: echo '{"format": "kiln-step-1", "function": "f", "arguments": [], "results": []}' > %t.count.json
// RUN: not kiln-compile %s -o %t.o --manifest %t.count.json 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: count.json: lists 0 arguments, the function has 2
// RUN: echo '{"format": "kiln-step-9"}' > %t.format.json
// RUN: not kiln-compile %s -o %t.o --manifest %t.format.json 2>&1 | FileCheck %s --check-prefix=FORMAT
// FORMAT: unknown format (this kiln-compile reads "kiln-step-1")
// RUN: echo '{"format": "kiln-step-1", "arguments": [{"kind": "argument", "index": 0}, {"kind": "state", "name": "state.0"}], "results": [{"kind": "state_write", "state": "state.7"}]}' > %t.target.json
// RUN: not kiln-compile %s -o %t.o --manifest %t.target.json 2>&1 | FileCheck %s --check-prefix=WRITE
// WRITE: result 0 writes state.7, which is not an argument
// RUN: echo '{"format": "kiln-step-1", "arguments": [{"kind": "argument", "index": 0}, {"kind": "state", "name": "state.0", "dtype": "float64"}], "results": [{"kind": "output", "index": 0}]}' > %t.dtype.json
// RUN: not kiln-compile %s -o %t.o --manifest %t.dtype.json 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: argument 1 has dtype float64, the function takes float32
// RUN: echo 'not json' > %t.json.json
// RUN: not kiln-compile %s -o %t.o --manifest %t.json.json 2>&1 | FileCheck %s --check-prefix=JSON
// JSON: json.json: not JSON:
// RUN: not kiln-compile %s.missing -o %t.o 2>&1 | FileCheck %s --check-prefix=INPUT
// INPUT: kiln-compile: cannot open input file

func.func @f(%x: tensor<3xf32>, %w: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.mul %x, %w : tensor<3xf32>
  return %y : tensor<3xf32>
}
