/*===- TrainStep.c - The seed model trained from an object file ----------===*
 *
 * C99, linked with mlp_step.o (kiln-compile) and kiln_runtime: no compiler,
 * no LLVM. Loads the step's state (saved after `start` calls), trains the
 * remaining steps up to 500 on the saved x and y, and checks each loss
 * against eager kiln's. Then saves the state, reloads it and checks one more
 *step, and sets the learning rate (a runtime scalar).
 *
 *===----------------------------------------------------------------------===*/
#include "mlp_step.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kSteps = 500, N = 64, DIn = 1000, DOut = 10 };

static int failed(kiln_status status, const char *what) {
  if (!status)
    return 0;
  fprintf(stderr, "%s: %s\n", what, kiln_status_message(status));
  kiln_status_free(status);
  return 1;
}

int main(int argc, char **argv) {
  static float x[N * DIn], y[N * DOut], eager[kSteps];
  int64_t start = 0;
  const int64_t xShape[] = {N, DIn}, yShape[] = {N, DOut},
                lossShape[] = {kSteps};
  char path[4096];
  const char *dir = argc > 1 ? argv[1] : ".";
  kiln_tensor inputs[2] = {{x, KILN_FLOAT32, 2, xShape, NULL},
                           {y, KILN_FLOAT32, 2, yShape, NULL}};
  kiln_tensor eagerLosses = {eager, KILN_FLOAT32, 1, lossShape, NULL};
  kiln_tensor startTensor = {&start, KILN_INT64, 0, NULL, NULL};
  float loss = 0;
  kiln_tensor output = {&loss, KILN_FLOAT32, 0, NULL, NULL};
  mlp_step *step = NULL;
  double worst = 0;
  int i;

  snprintf(path, sizeof path, "%s/data.safetensors", dir);
  if (failed(kiln_safetensors_read(path, "x", &inputs[0]), "reading x") ||
      failed(kiln_safetensors_read(path, "y", &inputs[1]), "reading y") ||
      failed(kiln_safetensors_read(path, "eager_losses", &eagerLosses),
             "reading eager's losses") ||
      failed(kiln_safetensors_read(path, "start", &startTensor),
             "reading the number of calls made"))
    return 1;
  if (start < 1 || start >= kSteps) {
    fprintf(stderr, "the step was saved after %ld calls\n", (long)start);
    return 1;
  }
  snprintf(path, sizeof path, "%s/mlp_step.safetensors", dir);
  if (failed(mlp_step_create(path, &step), "loading the step"))
    return 1;

  printf("step   AOT loss        eager loss\n");
  for (i = (int)start; i < kSteps; ++i) {
    double relative;
    if (failed(mlp_step_run(step, inputs, 2, &output, 1), "running the step"))
      return 1;
    /* Relative to the loss, absolute once it is below 0.1 (it goes to ~0). */
    relative = fabs(loss - eager[i]) / fmax(fabs(eager[i]), 0.1);
    if (relative > worst)
      worst = relative;
    if ((i + 1) % 100 == 0 || i == start)
      printf("%4d   %-14.6f  %-14.6f\n", i + 1, loss, eager[i]);
  }
  printf("largest relative difference from eager: %.3g\n", worst);

  /* The state round-trips through a file: one more step from the reloaded
   * copy equals one more step of the original. */
  snprintf(path, sizeof path, "%s/mlp_step.trained.safetensors", dir);
  if (failed(mlp_step_save(step, path), "saving the state")) {
    mlp_step_destroy(step);
    return 1;
  }
  {
    mlp_step *reloaded = NULL;
    float again = 0;
    kiln_tensor output2 = {&again, KILN_FLOAT32, 0, NULL, NULL};
    if (failed(mlp_step_create(path, &reloaded), "reloading the state") ||
        failed(mlp_step_run(step, inputs, 2, &output, 1), "running") ||
        failed(mlp_step_run(reloaded, inputs, 2, &output2, 1), "running")) {
      mlp_step_destroy(step);
      return 1;
    }
    mlp_step_destroy(reloaded);
    if (again != loss) {
      fprintf(stderr, "reloaded state gives %g, the original %g\n", again,
              loss);
      worst = 1;
    }
  }
  /* The learning rate is a runtime scalar: at 0 a step changes nothing,
   * so the next loss repeats. Bad calls are statuses, not crashes. */
  {
    float before, after;
    kiln_status status;
    if (failed(mlp_step_set_scalar(step, "lr", 0.0), "setting lr") ||
        failed(mlp_step_run(step, inputs, 2, &output, 1), "running"))
      worst = 1;
    before = loss;
    if (failed(mlp_step_run(step, inputs, 2, &output, 1), "running"))
      worst = 1;
    after = loss;
    if (before != after) {
      fprintf(stderr, "with lr 0 the loss moved: %g, %g\n", before, after);
      worst = 1;
    }
    status = mlp_step_run(step, inputs, 1, &output, 1);
    printf("one input instead of two: %s\n", kiln_status_message(status));
    if (kiln_status_get_code(status) != KILN_STATUS_INVALID_ARGUMENT)
      worst = 1;
    kiln_status_free(status);
  }
  mlp_step_destroy(step);
  /* float32 sums in another order than eager's: relative 1e-3 at most. */
  if (worst > 1e-3) {
    fprintf(stderr, "the AOT losses differ from eager's\n");
    return 1;
  }
  return 0;
}
