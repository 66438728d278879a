//===- AotAbiTest.cpp - The C ABI of ahead-of-time compiled steps ---------===//
//
// A step written by hand in place of kiln-compile's output: its description
// and an entry function that reads the memref descriptors as compiled code
// does. It computes, from x [2, 3] f32, w [3] f32 (state) and lr (scalar):
//   z = x * w             (output 1)
//   y = sum(x * w)        (output 0)
//   w' = w - lr * g       (a STATE result, tied or not)
//   g = sum over rows of x (a BUFFER result, "state.0.grad")
//   x[0][0]               (optionally a HOST_READ result)
// Every failure must be a status with its code and a message naming the
// fault, and a failed call must change nothing.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/runtime/Safetensors.h>
#include <kiln/runtime/aot.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

using namespace kiln::runtime;

namespace {

//===--- The step ---------------------------------------------------------===//

const int64_t kXShape[] = {2, 3};
const int64_t kWShape[] = {3};

/// Parameter `i`'s data, from its descriptor {allocated, aligned, offset,
/// sizes..., strides...}.
template <class T> T *param(void **p, size_t i) {
  int64_t *d = *static_cast<int64_t **>(p[i]);
  return reinterpret_cast<T *>(d[1]) + d[2];
}

template <bool Tied, bool HostRead> void entry(void **p) {
  const int64_t *xDescriptor = *static_cast<int64_t **>(p[0]);
  EXPECT_EQ(xDescriptor[3], 2); // sizes
  EXPECT_EQ(xDescriptor[4], 3);
  EXPECT_EQ(xDescriptor[5], 3); // strides
  EXPECT_EQ(xDescriptor[6], 1);
  const float *x = param<float>(p, 0);
  float *w = param<float>(p, 1);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w) % 64, 0u);
  double lr = *param<double>(p, 2);
  size_t next = 5; // After the five arguments, the untied results.
  float *z = param<float>(p, next++);
  float *y = param<float>(p, next++);
  float *newW = Tied ? w : param<float>(p, next++);
  float *grad = param<float>(p, next++);
  float total = 0, columns[3] = {};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      z[i * 3 + j] = x[i * 3 + j] * w[j];
      total += z[i * 3 + j];
      columns[j] += x[i * 3 + j];
    }
  *y = total;
  for (int j = 0; j < 3; ++j) {
    grad[j] = columns[j];
    newW[j] = static_cast<float>(w[j] - lr * columns[j]);
  }
  if (HostRead)
    *param<double>(p, next++) = x[0];
}

/// The step's description; the tests break copies of it.
struct TestStep {
  std::vector<kiln_arg_desc> args;
  std::vector<kiln_result_desc> results;
  kiln_step_desc desc;

  explicit TestStep(bool tied = false, bool hostRead = false,
                    double traced = 1.0) {
    args = {
        {KILN_ARG_INPUT, "input.0", "", KILN_FLOAT32, 2, kXShape},
        {KILN_ARG_STATE, "state.0", "weight of parameter 0", KILN_FLOAT32, 1,
         kWShape},
        {KILN_ARG_SCALAR, "state.1", "lr of parameter group 0", KILN_FLOAT64, 0,
         nullptr},
        {KILN_ARG_SCALAR, "state.2", "lr of parameter group 1", KILN_FLOAT64, 0,
         nullptr},
        {KILN_ARG_SCALAR, "state.3", "momentum of parameter group 0",
         KILN_FLOAT64, 0, nullptr},
    };
    results = {
        {KILN_RESULT_OUTPUT, 1, 0, nullptr, nullptr, 0, KILN_FLOAT32, 2,
         kXShape},
        {KILN_RESULT_OUTPUT, 0, 0, nullptr, nullptr, 0, KILN_FLOAT32, 0,
         nullptr},
        {KILN_RESULT_STATE, 1, tied, nullptr, nullptr, 0, KILN_FLOAT32, 1,
         kWShape},
        {KILN_RESULT_BUFFER, 0, 0, "state.0.grad", nullptr, 0, KILN_FLOAT32, 1,
         kWShape},
    };
    if (hostRead)
      results.push_back({KILN_RESULT_HOST_READ, 0, 0, nullptr,
                         "x[0][0] as a number", traced, KILN_FLOAT64, 0,
                         nullptr});
    void (*fn)(void **) =
        tied ? (hostRead ? entry<true, true> : entry<true, false>)
             : (hostRead ? entry<false, true> : entry<false, false>);
    desc = {KILN_AOT_ABI_VERSION, "mlp_step", 0, nullptr, 0, nullptr, fn};
    sync();
  }
  /// Points desc at the (possibly edited) vectors.
  kiln_step_desc *operator->() {
    sync();
    return &desc;
  }
  const kiln_step_desc *get() {
    sync();
    return &desc;
  }

private:
  void sync() {
    desc.num_args = args.size();
    desc.args = args.data();
    desc.num_results = results.size();
    desc.results = results.data();
  }
};

//===--- Files and tensors ------------------------------------------------===//

/// A file of this test's own: ctest runs tests in parallel processes.
std::string tempPath(const std::string &name) {
  const auto *test = ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "kiln_aot_" + test->name() + "_" +
         std::to_string(::getpid()) + "_" + name + ".safetensors";
}

const float kW[] = {1, 2, 3};
const double kLr = 0.5, kLr1 = 0.25, kMomentum = 0.9;

SafetensorsEntry entryOf(const char *name, kiln::ScalarType dtype,
                         std::vector<int64_t> shape, const void *data,
                         size_t bytes) {
  return {name, dtype, std::move(shape), data, bytes};
}

std::vector<SafetensorsEntry> stateEntries() {
  return {entryOf("state.0", kiln::kFloat, {3}, kW, sizeof kW),
          entryOf("state.1", kiln::kDouble, {}, &kLr, 8),
          entryOf("state.2", kiln::kDouble, {}, &kLr1, 8),
          entryOf("state.3", kiln::kDouble, {}, &kMomentum, 8)};
}

std::string writeState(const std::vector<SafetensorsEntry> &entries,
                       const std::string &name = "state") {
  std::string path = tempPath(name);
  writeFileBytes(path, serializeSafetensors(entries));
  return path;
}

/// Caller memory and its kiln_tensor view.
template <class T> struct Host {
  std::vector<T> data;
  std::vector<int64_t> shape;
  std::vector<int64_t> strides; // Empty: contiguous.
  kiln_dtype dtype;

  kiln_tensor view() {
    return {data.data(), dtype, static_cast<int32_t>(shape.size()),
            shape.data(), strides.empty() ? nullptr : strides.data()};
  }
};

Host<float> xTensor(std::vector<float> v = {1, 2, 3, 4, 5, 6}) {
  return {std::move(v), {2, 3}, {}, KILN_FLOAT32};
}
Host<float> yTensor() { return {{-7}, {}, {}, KILN_FLOAT32}; }
Host<float> zTensor() {
  return {std::vector<float>(6, -7), {2, 3}, {}, KILN_FLOAT32};
}
Host<float> wTensor() {
  return {std::vector<float>(3, -7), {3}, {}, KILN_FLOAT32};
}
Host<double> scalarTensor() { return {{-7}, {}, {}, KILN_FLOAT64}; }

void setDtype(kiln_tensor &t, int value) {
  // A C caller may store any int; C++ must not form the enum.
  std::memcpy(&t.dtype, &value, sizeof value);
}

//===--- Statuses ---------------------------------------------------------===//

/// Checks a status's code and that its message contains `text`; frees it.
::testing::AssertionResult isStatus(kiln_status s, kiln_status_code code,
                                    const std::string &text) {
  std::string message = kiln_status_message(s);
  kiln_status_code got = kiln_status_get_code(s);
  kiln_status_free(s);
  if (got != code)
    return ::testing::AssertionFailure()
           << "code " << got << ", expected " << code << ": " << message;
  if (message.find(text) == std::string::npos)
    return ::testing::AssertionFailure()
           << "expected \"" << text << "\" in: " << message;
  return ::testing::AssertionSuccess();
}

#define EXPECT_STATUS(call, code, text)                                        \
  EXPECT_TRUE(isStatus((call), KILN_STATUS_##code, text))
#define EXPECT_OK(call) EXPECT_STATUS(call, OK, "OK")

/// A created step, destroyed at the end of the test.
struct Step {
  kiln_step *step = nullptr;
  Step(const kiln_step_desc *desc, const std::string &path) {
    EXPECT_OK(kiln_step_create(desc, path.c_str(), &step));
  }
  ~Step() { kiln_step_destroy(step); }
  operator kiln_step *() const { return step; }
};

/// The create status of `desc` on the usual state file.
::testing::AssertionResult createFails(const kiln_step_desc *desc,
                                       kiln_status_code code,
                                       const std::string &text,
                                       const char *path) {
  kiln_step *step = reinterpret_cast<kiln_step *>(1);
  ::testing::AssertionResult r =
      isStatus(kiln_step_create(desc, path, &step), code, text);
  if (r && step != nullptr)
    return ::testing::AssertionFailure() << "out was not cleared";
  return r;
}

#define EXPECT_CREATE_FAILS(desc, path, code, text)                            \
  EXPECT_TRUE(createFails(desc, KILN_STATUS_##code, text, path))

/// Runs the step on x, returning y, z and the statuses' checks.
kiln_status runStep(kiln_step *step, Host<float> &x, Host<float> &y,
                    Host<float> &z) {
  kiln_tensor in = x.view();
  kiln_tensor out[2] = {y.view(), z.view()};
  return kiln_step_run(step, &in, 1, out, 2);
}

std::vector<float> getFloats(kiln_step *step, const char *name) {
  Host<float> w = wTensor();
  kiln_tensor t = w.view();
  EXPECT_OK(kiln_step_get(step, name, &t));
  return w.data;
}

double getScalar(kiln_step *step, const char *name) {
  Host<double> s = scalarTensor();
  kiln_tensor t = s.view();
  EXPECT_OK(kiln_step_get(step, name, &t));
  return s.data[0];
}

//===--- Runs -------------------------------------------------------------===//

void checkOneRun(bool tied) {
  TestStep desc(tied);
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  Host<float> x = xTensor(), y = yTensor(), z = zTensor();
  EXPECT_OK(runStep(step, x, y, z));
  EXPECT_EQ(y.data, std::vector<float>({46}));
  EXPECT_EQ(z.data, std::vector<float>({1, 4, 9, 4, 10, 18}));
  EXPECT_EQ(getFloats(step, "state.0"), std::vector<float>(3, -1.5f));
  EXPECT_EQ(getFloats(step, "state.0.grad"), std::vector<float>({5, 7, 9}));
  // The next run starts from the new state.
  EXPECT_OK(runStep(step, x, y, z));
  EXPECT_EQ(y.data, std::vector<float>({-31.5f}));
  EXPECT_EQ(getFloats(step, "state.0"), std::vector<float>({-4, -5, -6}));
  std::remove(path.c_str());
}

TEST(AotAbi, RunWritesOutputsStateAndBuffers) { checkOneRun(false); }

TEST(AotAbi, RunWithATiedStateResult) { checkOneRun(true); }

TEST(AotAbi, BuffersStartAtZero) {
  TestStep desc;
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  EXPECT_EQ(getFloats(step, "state.0.grad"), std::vector<float>(3, 0));
  EXPECT_EQ(getFloats(step, "state.0"), std::vector<float>({1, 2, 3}));
  EXPECT_EQ(getScalar(step, "state.1"), kLr);
  std::remove(path.c_str());
}

TEST(AotAbi, StridedInputsAndOutputs) {
  TestStep desc;
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  // x stored column-major, z written column-major with a gap.
  Host<float> x = {{1, 4, 2, 5, 3, 6}, {2, 3}, {1, 2}, KILN_FLOAT32};
  Host<float> y = yTensor();
  Host<float> z = {std::vector<float>(12, -7), {2, 3}, {1, 4}, KILN_FLOAT32};
  EXPECT_OK(runStep(step, x, y, z));
  EXPECT_EQ(y.data, std::vector<float>({46}));
  EXPECT_EQ(z.data,
            std::vector<float>({1, 4, -7, -7, 4, 10, -7, -7, 9, 18, -7, -7}));
  // get honours strides too: every other element.
  Host<float> w = {std::vector<float>(6, -7), {3}, {2}, KILN_FLOAT32};
  kiln_tensor t = w.view();
  EXPECT_OK(kiln_step_get(step, "state.0", &t));
  EXPECT_EQ(w.data, std::vector<float>({-1.5f, -7, -1.5f, -7, -1.5f, -7}));
  std::remove(path.c_str());
}

TEST(AotAbi, ChecksEveryTensorOfRun) {
  TestStep desc;
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  Host<float> x = xTensor(), y = yTensor(), z = zTensor();
  kiln_tensor in = x.view();
  kiln_tensor out[2] = {y.view(), z.view()};
  EXPECT_STATUS(kiln_step_run(step, &in, 2, out, 2), INVALID_ARGUMENT,
                "mlp_step: run takes 1 inputs, got 2");
  EXPECT_STATUS(kiln_step_run(step, &in, 1, out, 1), INVALID_ARGUMENT,
                "run takes 2 outputs, got 1");
  EXPECT_STATUS(kiln_step_run(step, nullptr, 1, out, 2), INVALID_ARGUMENT,
                "inputs is NULL");
  EXPECT_STATUS(kiln_step_run(step, &in, 1, nullptr, 2), INVALID_ARGUMENT,
                "outputs is NULL");

  Host<float> wide = {std::vector<float>(8), {2, 4}, {}, KILN_FLOAT32};
  kiln_tensor bad = wide.view();
  EXPECT_STATUS(kiln_step_run(step, &bad, 1, out, 2), INVALID_ARGUMENT,
                "mlp_step: input 0 has shape [2, 4], the step expects [2, 3]");
  bad = x.view();
  bad.rank = 1;
  EXPECT_STATUS(kiln_step_run(step, &bad, 1, out, 2), INVALID_ARGUMENT,
                "input 0 has rank 1, the step expects rank 2 (shape [2, 3])");
  bad = x.view();
  bad.dtype = KILN_FLOAT64;
  EXPECT_STATUS(kiln_step_run(step, &bad, 1, out, 2), INVALID_ARGUMENT,
                "input 0 has dtype float64, the step expects float32");
  setDtype(bad, 7);
  EXPECT_STATUS(kiln_step_run(step, &bad, 1, out, 2), INVALID_ARGUMENT,
                "input 0 has an invalid dtype 7");
  bad = x.view();
  bad.data = nullptr;
  EXPECT_STATUS(kiln_step_run(step, &bad, 1, out, 2), INVALID_ARGUMENT,
                "input 0 has NULL data");
  bad = x.view();
  bad.shape = nullptr;
  EXPECT_STATUS(kiln_step_run(step, &bad, 1, out, 2), INVALID_ARGUMENT,
                "input 0 has a NULL shape");

  kiln_tensor outs[2] = {z.view(), y.view()}; // Swapped.
  EXPECT_STATUS(kiln_step_run(step, &in, 1, outs, 2), INVALID_ARGUMENT,
                "output 0 has rank 2, the step expects rank 0");
  outs[0] = y.view();
  outs[1] = z.view();
  outs[1].dtype = KILN_INT64;
  EXPECT_STATUS(kiln_step_run(step, &in, 1, outs, 2), INVALID_ARGUMENT,
                "output 1 has dtype int64, the step expects float32");
  outs[1] = z.view();
  outs[1].data = nullptr;
  EXPECT_STATUS(kiln_step_run(step, &in, 1, outs, 2), INVALID_ARGUMENT,
                "output 1 has NULL data");
  outs[1] = wide.view();
  EXPECT_STATUS(kiln_step_run(step, &in, 1, outs, 2), INVALID_ARGUMENT,
                "output 1 has shape [2, 4], the step expects [2, 3]");

  // None of these ran the step.
  EXPECT_EQ(y.data, std::vector<float>({-7}));
  EXPECT_EQ(getFloats(step, "state.0"), std::vector<float>({1, 2, 3}));
  std::remove(path.c_str());
}

//===--- Host reads -------------------------------------------------------===//

TEST(AotAbi, FailedHostReadCommitsNothing) {
  TestStep desc(/*tied=*/false, /*hostRead=*/true, /*traced=*/1.0);
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  Host<float> x = xTensor({2, 2, 3, 4, 5, 6}), y = yTensor(), z = zTensor();
  EXPECT_STATUS(runStep(step, x, y, z), FAILED_PRECONDITION,
                "mlp_step: guard failed: x[0][0] as a number was 1, now 2");
  EXPECT_EQ(y.data, std::vector<float>({-7}));
  EXPECT_EQ(z.data, std::vector<float>(6, -7));
  EXPECT_EQ(getFloats(step, "state.0"), std::vector<float>({1, 2, 3}));
  EXPECT_EQ(getFloats(step, "state.0.grad"), std::vector<float>(3, 0));
  // The traced value passes and commits.
  x = xTensor();
  EXPECT_OK(runStep(step, x, y, z));
  EXPECT_EQ(y.data, std::vector<float>({46}));
  EXPECT_EQ(getFloats(step, "state.0"), std::vector<float>(3, -1.5f));
  std::remove(path.c_str());
}

TEST(AotAbi, NanHostReadMatchesNan) {
  TestStep desc(false, true, std::nan(""));
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  Host<float> x = xTensor({std::nanf(""), 2, 3, 4, 5, 6}), y = yTensor(),
              z = zTensor();
  EXPECT_OK(runStep(step, x, y, z));
  x = xTensor({0.5f, 2, 3, 4, 5, 6});
  EXPECT_STATUS(runStep(step, x, y, z), FAILED_PRECONDITION,
                "was nan, now 0.5");
  std::remove(path.c_str());
}

//===--- Scalars ----------------------------------------------------------===//

TEST(AotAbi, SetScalarByNameDescriptionOrFirstWord) {
  TestStep desc;
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  EXPECT_OK(kiln_step_set_scalar(step, "state.1", 0.125));
  EXPECT_EQ(getScalar(step, "state.1"), 0.125);
  EXPECT_OK(kiln_step_set_scalar(step, "lr of parameter group 1", 2));
  EXPECT_EQ(getScalar(step, "state.2"), 2);
  EXPECT_OK(kiln_step_set_scalar(step, "momentum", 0.5));
  EXPECT_EQ(getScalar(step, "state.3"), 0.5);
  // The new lr drives the next run.
  Host<float> x = xTensor(), y = yTensor(), z = zTensor();
  EXPECT_OK(runStep(step, x, y, z));
  EXPECT_EQ(getFloats(step, "state.0"),
            std::vector<float>({1 - 0.625f, 2 - 0.875f, 3 - 1.125f}));
  std::remove(path.c_str());
}

TEST(AotAbi, SetScalarRefusesOtherNames) {
  TestStep desc;
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  EXPECT_STATUS(kiln_step_set_scalar(step, "lr", 1), INVALID_ARGUMENT,
                "`lr` names 2 runtime scalars: `state.1` (lr of parameter "
                "group 0), `state.2` (lr of parameter group 1)");
  EXPECT_STATUS(kiln_step_set_scalar(step, "beta", 1), INVALID_ARGUMENT,
                "no runtime scalar `beta`; the scalars are: `state.1` (lr of "
                "parameter group 0), `state.2`");
  EXPECT_STATUS(kiln_step_set_scalar(step, "state.0", 1), INVALID_ARGUMENT,
                "`state.0` (weight of parameter 0) is a state tensor, not a "
                "runtime scalar");
  EXPECT_STATUS(kiln_step_set_scalar(step, "weight of parameter 0", 1),
                INVALID_ARGUMENT, "is a state tensor, not a runtime scalar");
  EXPECT_STATUS(kiln_step_set_scalar(step, "input.0", 1), INVALID_ARGUMENT,
                "is an input of run, not a runtime scalar");
  EXPECT_STATUS(kiln_step_set_scalar(step, nullptr, 1), INVALID_ARGUMENT,
                "name is NULL");
  EXPECT_STATUS(kiln_step_set_scalar(nullptr, "lr", 1), INVALID_ARGUMENT,
                "step is NULL");
  EXPECT_EQ(getScalar(step, "state.1"), kLr);
  std::remove(path.c_str());
}

TEST(AotAbi, IntegerAndBoolScalarsConvert) {
  TestStep desc;
  desc.args[3].dtype = KILN_INT64;
  desc.args[4].dtype = KILN_BOOL;
  int64_t steps = 4;
  bool flag = false;
  std::vector<SafetensorsEntry> entries = stateEntries();
  entries[2] = entryOf("state.2", kiln::kLong, {}, &steps, 8);
  entries[3] = entryOf("state.3", kiln::kBool, {}, &flag, 1);
  std::string path = writeState(entries);
  Step step(desc.get(), path);
  EXPECT_OK(kiln_step_set_scalar(step, "state.2", -3.75));
  EXPECT_OK(kiln_step_set_scalar(step, "state.3", 0.5));
  Host<int64_t> i = {{0}, {}, {}, KILN_INT64};
  kiln_tensor t = i.view();
  EXPECT_OK(kiln_step_get(step, "state.2", &t));
  EXPECT_EQ(i.data[0], -3);
  Host<unsigned char> b = {{7}, {}, {}, KILN_BOOL};
  t = b.view();
  EXPECT_OK(kiln_step_get(step, "state.3", &t));
  EXPECT_EQ(b.data[0], 1);
  std::remove(path.c_str());
}

//===--- get, save --------------------------------------------------------===//

TEST(AotAbi, GetChecksNameAndTensor) {
  TestStep desc;
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  Host<float> w = wTensor();
  kiln_tensor t = w.view();
  EXPECT_STATUS(kiln_step_get(step, "state.9", &t), INVALID_ARGUMENT,
                "no state tensor, scalar or buffer named `state.9`");
  EXPECT_STATUS(kiln_step_get(step, "input.0", &t), INVALID_ARGUMENT,
                "`input.0` is an input of run");
  EXPECT_STATUS(kiln_step_get(step, "state.1", &t), INVALID_ARGUMENT,
                "get: out has dtype float32, `state.1` is float64");
  Host<float> x = xTensor();
  t = x.view();
  EXPECT_STATUS(kiln_step_get(step, "state.0", &t), INVALID_ARGUMENT,
                "get: out has rank 2, `state.0` is rank 1");
  EXPECT_STATUS(kiln_step_get(step, "state.0", nullptr), INVALID_ARGUMENT,
                "out is NULL");
  EXPECT_STATUS(kiln_step_get(step, nullptr, &t), INVALID_ARGUMENT,
                "name is NULL");
  EXPECT_STATUS(kiln_step_get(nullptr, "state.0", &t), INVALID_ARGUMENT,
                "step is NULL");
  std::remove(path.c_str());
}

TEST(AotAbi, SaveThenCreateRoundTrips) {
  TestStep desc;
  std::string path = writeState(stateEntries());
  std::string saved = tempPath("saved");
  {
    Step step(desc.get(), path);
    Host<float> x = xTensor(), y = yTensor(), z = zTensor();
    EXPECT_OK(runStep(step, x, y, z));
    EXPECT_OK(kiln_step_set_scalar(step, "momentum", 0.75));
    EXPECT_OK(kiln_step_save(step, saved.c_str()));
    // Saving again replaces the file.
    EXPECT_OK(kiln_step_save(step, saved.c_str()));
  }
  Step again(desc.get(), saved);
  EXPECT_EQ(getFloats(again, "state.0"), std::vector<float>(3, -1.5f));
  EXPECT_EQ(getScalar(again, "state.1"), kLr);
  EXPECT_EQ(getScalar(again, "state.3"), 0.75);
  // Buffers are not state.
  EXPECT_EQ(getFloats(again, "state.0.grad"), std::vector<float>(3, 0));
  // No temporary is left behind.
  std::string temporary = saved + ".tmp." + std::to_string(::getpid());
  EXPECT_NE(::access(temporary.c_str(), F_OK), 0);
  // The file reads back tensor by tensor too.
  Host<double> lr = scalarTensor();
  kiln_tensor t = lr.view();
  EXPECT_OK(kiln_safetensors_read(saved.c_str(), "state.1", &t));
  EXPECT_EQ(lr.data[0], kLr);
  std::remove(path.c_str());
  std::remove(saved.c_str());
}

TEST(AotAbi, SaveFailureIsAnIoError) {
  TestStep desc;
  std::string path = writeState(stateEntries());
  Step step(desc.get(), path);
  EXPECT_STATUS(kiln_step_save(step, "/nonexistent-kiln-dir/state"), IO_ERROR,
                "mlp_step: cannot save the state to "
                "'/nonexistent-kiln-dir/state': cannot open");
  EXPECT_STATUS(kiln_step_save(step, nullptr), INVALID_ARGUMENT,
                "state_path is NULL");
  EXPECT_STATUS(kiln_step_save(nullptr, path.c_str()), INVALID_ARGUMENT,
                "step is NULL");
  std::remove(path.c_str());
}

TEST(AotAbi, SafetensorsRead) {
  std::string path = writeState(stateEntries());
  Host<float> w = wTensor();
  w.strides = {-1}; // Reversed: data points at the last element.
  kiln_tensor t = w.view();
  t.data = w.data.data() + 2;
  EXPECT_OK(kiln_safetensors_read(path.c_str(), "state.0", &t));
  EXPECT_EQ(w.data, std::vector<float>({3, 2, 1}));
  EXPECT_STATUS(kiln_safetensors_read(path.c_str(), "state.7", &t), NOT_FOUND,
                "has no tensor `state.7`");
  EXPECT_STATUS(
      kiln_safetensors_read(path.c_str(), "state.1", &t), INVALID_ARGUMENT,
      "out has dtype float32, tensor `state.1` of '" + path + "' has float64");
  EXPECT_STATUS(kiln_safetensors_read("/nonexistent-kiln-file", "x", &t),
                NOT_FOUND, "cannot open '/nonexistent-kiln-file'");
  EXPECT_STATUS(kiln_safetensors_read(path.c_str(), nullptr, &t),
                INVALID_ARGUMENT, "name is NULL");
  std::remove(path.c_str());
}

//===--- create -----------------------------------------------------------===//

TEST(AotAbi, StatusBasics) {
  EXPECT_STREQ(kiln_status_message(nullptr), "OK");
  EXPECT_EQ(kiln_status_get_code(nullptr), KILN_STATUS_OK);
  kiln_status_free(nullptr);
  kiln_step_destroy(nullptr);
}

TEST(AotAbi, CreateChecksPointersAndVersion) {
  TestStep desc;
  std::string path = writeState(stateEntries());
  EXPECT_STATUS(kiln_step_create(desc.get(), path.c_str(), nullptr),
                INVALID_ARGUMENT, "out is NULL");
  EXPECT_CREATE_FAILS(nullptr, path.c_str(), INVALID_ARGUMENT, "desc is NULL");
  desc->abi_version = 2;
  EXPECT_CREATE_FAILS(desc.get(), path.c_str(), UNIMPLEMENTED,
                      "compiled for version 2 of the AOT ABI; this runtime "
                      "implements version 1");
  desc->abi_version = KILN_AOT_ABI_VERSION;
  desc->entry = nullptr;
  EXPECT_CREATE_FAILS(desc.get(), path.c_str(), INVALID_ARGUMENT,
                      "mlp_step: desc->entry is NULL");
  EXPECT_CREATE_FAILS(TestStep().get(), nullptr, INVALID_ARGUMENT,
                      "state_path is NULL, but the step holds state "
                      "(`state.0` (weight of parameter 0))");
  std::remove(path.c_str());
}

TEST(AotAbi, CreateWithoutStateNeedsNoFile) {
  TestStep desc;
  desc.args.resize(1);
  desc.results = {desc.results[0]};
  desc.results[0].target = 0;
  desc->entry = [](void **p) {
    const float *x = param<float>(p, 0);
    float *z = param<float>(p, 1);
    for (int i = 0; i < 6; ++i)
      z[i] = 2 * x[i];
  };
  kiln_step *step = nullptr;
  EXPECT_OK(kiln_step_create(desc.get(), nullptr, &step));
  Host<float> x = xTensor(), z = zTensor();
  kiln_tensor in = x.view(), out = z.view();
  EXPECT_OK(kiln_step_run(step, &in, 1, &out, 1));
  EXPECT_EQ(z.data, std::vector<float>({2, 4, 6, 8, 10, 12}));
  EXPECT_STATUS(kiln_step_set_scalar(step, "lr", 1), INVALID_ARGUMENT,
                "the step has no runtime scalars");
  kiln_step_destroy(step);
}

TEST(AotAbi, CreateChecksTheDescription) {
  std::string path = writeState(stateEntries());
  const char *p = path.c_str();
  const int64_t big[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  const int64_t negative[] = {-1};
  const int64_t two[] = {2};
  {
    TestStep d;
    d.args[0].rank = 17;
    d.args[0].shape = big;
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "mlp_step: argument 0 (`input.0`) has rank 17; kiln "
                        "tensors have 0 to 16 dimensions");
  }
  {
    TestStep d;
    d.args[0].rank = 1;
    d.args[0].shape = negative;
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "has the negative dimension -1");
  }
  {
    TestStep d;
    d.args[1].name = "state.1";
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "argument 2 is named `state.1` like an earlier");
  }
  {
    TestStep d;
    d.args[2].rank = 1;
    d.args[2].shape = two;
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "is a SCALAR of shape [2]; a scalar has one element");
  }
  {
    TestStep d;
    d.results[2].target = 9;
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "result 2 (STATE) targets argument 9, but the step "
                        "has 5 arguments");
  }
  {
    TestStep d;
    d.results[2].target = 0;
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT, "an INPUT");
  }
  {
    TestStep d;
    d.results[2].target = 2;
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "result 2 (STATE) is float32 [3], but its target "
                        "`state.1` is float64 []");
  }
  {
    TestStep d;
    d.results[0].target = 0;
    d.results[0].rank = 0;
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "result 1 (OUTPUT) is output 0, like result 0");
  }
  {
    TestStep d;
    d.results[1].target = 2;
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "result 1 (OUTPUT) is output 2, but the step has 2 "
                        "outputs");
  }
  {
    TestStep d(/*tied=*/true, /*hostRead=*/true);
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "has host reads and ties a result to `state.0`");
  }
  {
    TestStep d;
    d.results[3].name = "state.0";
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "result 3 (BUFFER) is named `state.0` like an "
                        "argument");
  }
  {
    TestStep d;
    d.results[0].tied = 1;
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "result 0 (OUTPUT) is tied");
  }
  {
    TestStep d;
    kiln_step_desc noArgs = *d.get();
    noArgs.args = nullptr;
    EXPECT_CREATE_FAILS(&noArgs, p, INVALID_ARGUMENT, "desc->args is NULL");
  }
  {
    TestStep d;
    int kind = 9;
    std::memcpy(&d.args[1].kind, &kind, sizeof kind);
    EXPECT_CREATE_FAILS(d.get(), p, INVALID_ARGUMENT,
                        "argument 1 has an invalid kind 9");
  }
  std::remove(path.c_str());
}

TEST(AotAbi, CreateChecksTheStateFile) {
  TestStep desc;
  std::string missing = tempPath("missing");
  EXPECT_CREATE_FAILS(desc.get(), missing.c_str(), NOT_FOUND,
                      "mlp_step: cannot open '" + missing + "' for reading");

  std::string corrupt = tempPath("corrupt");
  writeFileBytes(corrupt, "this is not a safetensors file");
  EXPECT_CREATE_FAILS(desc.get(), corrupt.c_str(), DATA_LOSS,
                      "mlp_step: cannot load safetensors file '" + corrupt +
                          "': header too large");

  std::string whole = serializeSafetensors(stateEntries());
  std::string truncated = tempPath("truncated");
  writeFileBytes(truncated, whole.substr(0, whole.size() - 4));
  EXPECT_CREATE_FAILS(desc.get(), truncated.c_str(), DATA_LOSS,
                      "truncated file?");

  std::vector<SafetensorsEntry> entries = stateEntries();
  entries.erase(entries.begin() + 1);
  std::string noLr = writeState(entries, "nolr");
  EXPECT_CREATE_FAILS(desc.get(), noLr.c_str(), NOT_FOUND,
                      "mlp_step: the state file '" + noLr +
                          "' has no tensor `state.1` (lr of parameter group "
                          "0)");

  const float four[] = {1, 2, 3, 4};
  entries = stateEntries();
  entries[0] = entryOf("state.0", kiln::kFloat, {4}, four, sizeof four);
  std::string wrongShape = writeState(entries, "shape");
  EXPECT_CREATE_FAILS(desc.get(), wrongShape.c_str(), DATA_LOSS,
                      "tensor `state.0` (weight of parameter 0) in '" +
                          wrongShape +
                          "' is float32 [4], the step expects float32 [3]");

  const double wide[] = {1, 2, 3};
  entries = stateEntries();
  entries[0] = entryOf("state.0", kiln::kDouble, {3}, wide, sizeof wide);
  std::string wrongDtype = writeState(entries, "dtype");
  EXPECT_CREATE_FAILS(desc.get(), wrongDtype.c_str(), DATA_LOSS,
                      "is float64 [3], the step expects float32 [3]");

  for (const std::string &f :
       {corrupt, truncated, noLr, wrongShape, wrongDtype})
    std::remove(f.c_str());
}

} // namespace
