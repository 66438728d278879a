// Malformed .npy inputs: every one is an error naming the file, exit 1,
// never a crash, a hang or a silent misread. The files are the seeds of
// the .npy fuzzer (fuzz/make-npy-corpus.py writes them).
// RUN: not kiln-run %s --input=%S 2>&1 | FileCheck %s --check-prefix=DIR
// RUN: not kiln-run %s --input=%S/missing.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-shape-word.npy 2>&1 | FileCheck %s --check-prefix=WORD
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-shape-noparen.npy 2>&1 | FileCheck %s --check-prefix=NOPAREN
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-shape-float.npy 2>&1 | FileCheck %s --check-prefix=FLOAT
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-shape-int.npy 2>&1 | FileCheck %s --check-prefix=INT
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-shape-negative.npy 2>&1 | FileCheck %s --check-prefix=NEG
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-shape-long.npy 2>&1 | FileCheck %s --check-prefix=LONG
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-shape-huge.npy 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-numel-overflow.npy 2>&1 | FileCheck %s --check-prefix=NUMEL
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-bytes-overflow.npy 2>&1 | FileCheck %s --check-prefix=BYTES
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-zero-overflow.npy 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-too-big.npy 2>&1 | FileCheck %s --check-prefix=TOOBIG
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-dtype-i2.npy 2>&1 | FileCheck %s --check-prefix=I2
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-dtype-be.npy 2>&1 | FileCheck %s --check-prefix=BE
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-dtype-struct.npy 2>&1 | FileCheck %s --check-prefix=STRUCT
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-truncated.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-extra-data.npy 2>&1 | FileCheck %s --check-prefix=EXTRA
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-header-past-end.npy 2>&1 | FileCheck %s --check-prefix=PAST
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-header-past-end-v2.npy 2>&1 | FileCheck %s --check-prefix=PAST2
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-magic.npy 2>&1 | FileCheck %s --check-prefix=MAGIC
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-short.npy 2>&1 | FileCheck %s --check-prefix=SHORT
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-version.npy 2>&1 | FileCheck %s --check-prefix=VERSION
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-no-shape.npy 2>&1 | FileCheck %s --check-prefix=NOSHAPE
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-dup-key.npy 2>&1 | FileCheck %s --check-prefix=DUP
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-extra-key.npy 2>&1 | FileCheck %s --check-prefix=KEY
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-fortran-value.npy 2>&1 | FileCheck %s --check-prefix=FORTRAN
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-unterminated.npy 2>&1 | FileCheck %s --check-prefix=UNTERM
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-bool-byte.npy 2>&1 | FileCheck %s --check-prefix=BOOL
// RUN: not kiln-run %s --input=%S/../../fuzz/corpus/npy/bad-trailing.npy 2>&1 | FileCheck %s --check-prefix=TRAIL
// The JIT reads the same way.
// RUN: not kiln-run %s --backend=jit --input=%S/../../fuzz/corpus/npy/bad-shape-float.npy 2>&1 | FileCheck %s --check-prefix=FLOAT

// DIR: error: '{{.*}}tools' is a directory, not a .npy file
// MISSING: error: cannot open '{{.*}}missing.npy': No such file or directory
// WORD: error: '{{.*}}/bad-shape-word.npy': bad shape '(two, 2)': a dimension is not a non-negative integer
// NOPAREN: error: '{{.*}}/bad-shape-noparen.npy': bad shape '2, 2': not a tuple
// FLOAT: error: '{{.*}}/bad-shape-float.npy': bad shape '(2.7, 2)': a dimension is not a non-negative integer
// INT: error: '{{.*}}/bad-shape-int.npy': bad shape '(4)': (n) is an integer, not a tuple; write (n,)
// NEG: error: '{{.*}}/bad-shape-negative.npy': bad shape '(-1, 2)': a dimension is not a non-negative integer
// LONG: error: '{{.*}}/bad-shape-long.npy': bad shape '(1, 1, {{.*}}...': more than 32 dimensions
// HUGE: error: '{{.*}}/bad-shape-huge.npy': bad shape '(99999999999999999999,)': a dimension overflows int64
// NUMEL: error: '{{.*}}/bad-numel-overflow.npy': shape (4294967296, 4294967296) has more elements than int64 counts
// BYTES: error: '{{.*}}/bad-bytes-overflow.npy': shape (2305843009213693952,) of <f8 has more bytes than int64 counts
// ZERO: error: '{{.*}}/bad-zero-overflow.npy': shape (0, 4294967296, 4294967296) has more elements than int64 counts
// TOOBIG: error: '{{.*}}/bad-too-big.npy': truncated: shape (1000000000000,) of <f4 needs 4000000000000 bytes of data, the file holds 4
// I2: error: '{{.*}}/bad-dtype-i2.npy': unsupported dtype '<i2' (kiln-run reads <f4, <f8, <i8 and |b1
// BE: error: '{{.*}}/bad-dtype-be.npy': unsupported dtype '>f4'
// STRUCT: error: '{{.*}}/bad-dtype-struct.npy': descr is not a simple dtype string
// TRUNC: error: '{{.*}}/bad-truncated.npy': truncated: shape (2, 3) of <f4 needs 24 bytes of data, the file holds 20
// EXTRA: error: '{{.*}}/bad-extra-data.npy': shape (2,) of <f4 needs 8 bytes of data, the file holds 12
// PAST: error: '{{.*}}/bad-header-past-end.npy': header length 60000 runs past the end of the file (132 bytes)
// PAST2: error: '{{.*}}/bad-header-past-end-v2.npy': header length 4294967295 runs past the end of the file (132 bytes)
// MAGIC: error: '{{.*}}/bad-magic.npy': not a .npy file (no \x93NUMPY magic)
// SHORT: error: '{{.*}}/bad-short.npy': truncated before its format version
// VERSION: error: '{{.*}}/bad-version.npy': unsupported .npy format version 4.0
// NOSHAPE: error: '{{.*}}/bad-no-shape.npy': the header has no 'shape'
// DUP: error: '{{.*}}/bad-dup-key.npy': 'descr' appears twice
// KEY: error: '{{.*}}/bad-extra-key.npy': unexpected header key 'x'
// FORTRAN: error: '{{.*}}/bad-fortran-value.npy': fortran_order is not True or False
// UNTERM: error: '{{.*}}/bad-unterminated.npy': descr has no closing quote or an unsupported character
// BOOL: error: '{{.*}}/bad-bool-byte.npy': bool element 1 is byte 2, not 0 or 1
// TRAIL: error: '{{.*}}/bad-trailing.npy': unexpected text after the header dict: 'x
func.func @f(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %a : tensor<2x3xf32>
}
