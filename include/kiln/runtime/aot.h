/*===- aot.h - The C ABI of ahead-of-time compiled kiln steps -----*- C -*-===*
 *
 * A step compiled by `kiln-compile` is an object file and a header. The
 * header describes the step (a kiln_step_desc) and wraps these functions
 * under the step's name (NAME_create, NAME_run, ...). They live in
 * kiln_runtime, which holds no LLVM or MLIR.
 *
 * Errors are statuses, never aborts: a function returns NULL on success, or
 * a kiln_status the caller reads with kiln_status_code/kiln_status_message
 * and releases with kiln_status_free. A failed call changes nothing.
 *
 * C99. Thread-compatible: one step object must not be used by two threads
 * at once; distinct step objects are independent.
 *
 *===----------------------------------------------------------------------===*/
#ifndef KILN_RUNTIME_AOT_H
#define KILN_RUNTIME_AOT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The layout version of kiln_step_desc; kiln_step_create refuses others. */
#define KILN_AOT_ABI_VERSION 1

typedef enum kiln_status_code {
  KILN_STATUS_OK = 0,
  /* A null pointer, a wrong count, shape, dtype or stride, an unknown name. */
  KILN_STATUS_INVALID_ARGUMENT = 1,
  /* A file or a tensor in it does not exist. */
  KILN_STATUS_NOT_FOUND = 2,
  /* A file is malformed, or its tensors do not match the step. */
  KILN_STATUS_DATA_LOSS = 3,
  /* A guard of the compiled step failed (a value the step read on the host
   * differs from the traced one): nothing was written. */
  KILN_STATUS_FAILED_PRECONDITION = 4,
  KILN_STATUS_RESOURCE_EXHAUSTED = 5,
  /* Reading or writing a file failed. */
  KILN_STATUS_IO_ERROR = 6,
  /* A step compiled for another version of this ABI. */
  KILN_STATUS_UNIMPLEMENTED = 7,
  KILN_STATUS_INTERNAL = 8
} kiln_status_code;

typedef struct kiln_status_s *kiln_status; /* NULL: success */

kiln_status_code kiln_status_get_code(kiln_status status);
/* The message ("OK" for NULL); valid until kiln_status_free. */
const char *kiln_status_message(kiln_status status);
void kiln_status_free(kiln_status status);

typedef enum kiln_dtype {
  KILN_BOOL = 0,
  KILN_INT64 = 1,
  KILN_FLOAT32 = 2,
  KILN_FLOAT64 = 3
} kiln_dtype;

/* A view of caller-owned memory. `strides` counts elements; NULL means
 * contiguous row-major. */
typedef struct kiln_tensor {
  void *data;
  kiln_dtype dtype;
  int32_t rank;
  const int64_t *shape;
  const int64_t *strides;
} kiln_tensor;

/*--- What kiln-compile writes into a step's header ------------------------*/

typedef enum kiln_arg_kind {
  KILN_ARG_INPUT = 0, /* passed to run, in order */
  KILN_ARG_STATE = 1, /* held by the step, loaded from the state file */
  KILN_ARG_SCALAR = 2 /* held by the step; set with set_scalar (lr, ...) */
} kiln_arg_kind;

typedef struct kiln_arg_desc {
  kiln_arg_kind kind;
  /* "input.<i>", or the state file's tensor name ("state.<j>"). */
  const char *name;
  /* What it is, e.g. "lr of parameter group 0"; may be empty. */
  const char *description;
  kiln_dtype dtype;
  int32_t rank;
  const int64_t *shape;
} kiln_arg_desc;

typedef enum kiln_result_kind {
  KILN_RESULT_OUTPUT = 0,   /* returned by run: outputs[target] */
  KILN_RESULT_STATE = 1,    /* the new value of argument `target` */
  KILN_RESULT_BUFFER = 2,   /* kept by the step under `name` (a .grad) */
  KILN_RESULT_HOST_READ = 3 /* must equal `traced_value`, else the run
                               fails with FAILED_PRECONDITION */
} kiln_result_kind;

typedef struct kiln_result_desc {
  kiln_result_kind kind;
  int32_t target;
  /* Written into argument `target`'s memory by the compiled code, not
   * passed as an out-parameter. Only for KILN_RESULT_STATE. */
  int32_t tied;
  const char *name;        /* KILN_RESULT_BUFFER: its name */
  const char *description; /* KILN_RESULT_HOST_READ: what was read */
  double traced_value;     /* KILN_RESULT_HOST_READ */
  kiln_dtype dtype;
  int32_t rank;
  const int64_t *shape;
} kiln_result_desc;

typedef struct kiln_step_desc {
  uint32_t abi_version; /* KILN_AOT_ABI_VERSION */
  const char *name;
  size_t num_args;
  const kiln_arg_desc *args;
  size_t num_results;
  const kiln_result_desc *results;
  /* The compiled code: entry(p) with p[i] pointing to a pointer to the
   * memref descriptor of the i-th parameter (the arguments, then one
   * out-parameter per untied result, in result order). */
  void (*entry)(void **);
} kiln_step_desc;

/*--- The step object ------------------------------------------------------*/

typedef struct kiln_step kiln_step;

/* Loads every STATE and SCALAR argument from the safetensors file at
 * `state_path` (by name; shapes and dtypes must match the step). */
kiln_status kiln_step_create(const kiln_step_desc *desc, const char *state_path,
                             kiln_step **out);
/* One call of the step: `inputs` (n of them, the INPUT arguments in order),
 * `outputs` (m, caller-allocated, each with its OUTPUT result's shape and
 * dtype). Checks everything first; the state changes only when the call
 * succeeds. */
kiln_status kiln_step_run(kiln_step *step, const kiln_tensor *inputs, size_t n,
                          kiln_tensor *outputs, size_t m);
/* Sets a SCALAR argument, by its name ("state.<j>"), its full description
 * ("lr of parameter group 0") or the description's first word when that
 * names one scalar only ("lr"). */
kiln_status kiln_step_set_scalar(kiln_step *step, const char *name,
                                 double value);
/* Copies a state tensor, scalar or kept buffer (by name) into `out`, which
 * must have its shape and dtype. */
kiln_status kiln_step_get(const kiln_step *step, const char *name,
                          kiln_tensor *out);
/* Writes the STATE and SCALAR arguments as safetensors (atomically: a
 * temporary file renamed over `state_path`). */
kiln_status kiln_step_save(const kiln_step *step, const char *state_path);
void kiln_step_destroy(kiln_step *step);

/* Reads the tensor `name` of a safetensors file into `out`, which must
 * have its shape and dtype (for inputs and expected values). */
kiln_status kiln_safetensors_read(const char *path, const char *name,
                                  kiln_tensor *out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_AOT_H */
