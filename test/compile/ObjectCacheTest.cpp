//===- ObjectCacheTest.cpp - Compiled objects kept between processes ------===//
//
// The persistent cache behind kiln::compile: a hit runs the same code as a
// compile, and every fault (truncated, corrupt, foreign or old entries,
// concurrent writers, an unwritable directory) is a miss, never a crash.
//
//===----------------------------------------------------------------------===//
#include "codegen/driver/ObjectCache.h"
#include "tools/Registration.h"

#include <kiln/kiln.h>

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace kiln;
using codegen::JitFunction;
using codegen::PersistentObjectCache;
namespace fs = std::filesystem;

namespace {

constexpr const char *kIr = R"mlir(
func.func @f(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.mul %x, %y : tensor<4xf32>
  %1 = kiln.tanh %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}
)mlir";

class ObjectCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("kiln-cache-test-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    mlir::DialectRegistry registry;
    registerKilnDialects(registry);
    context.appendDialectRegistry(registry);
    module = mlir::parseSourceString<mlir::ModuleOp>(kIr, &context);
    ASSERT_TRUE(module);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::unique_ptr<JitFunction> compile(PersistentObjectCache &cache) {
    return std::make_unique<JitFunction>(
        *module, "f", std::vector<JitFunction::Tie>(), &cache);
  }
  /// The function's results on fixed inputs against their definition.
  void expectRight(const JitFunction &f) {
    Tensor x = tensor({0.5f, -1.f, 2.f, 0.f}), y = tensor({1.f, 2.f, 3.f, 4.f});
    Tensor got = f({x, y})[0];
    EXPECT_TRUE(allclose(got, (x * y).tanh())) << got;
  }
  /// The single entry's file.
  fs::path entry() {
    for (auto &e : fs::directory_iterator(dir))
      if (e.path().extension() == ".kobj")
        return e.path();
    return {};
  }

  fs::path dir;
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<std::string> log;
};

TEST_F(ObjectCacheTest, SecondCompileLoadsTheObject) {
  PersistentObjectCache cache(dir.string());
  auto cold = compile(cache);
  EXPECT_FALSE(cold->fromCache());
  expectRight(*cold);
  ASSERT_FALSE(entry().empty());
  auto warm = compile(cache);
  EXPECT_TRUE(warm->fromCache());
  EXPECT_EQ(warm->pipelineSeconds(), 0);
  expectRight(*warm);
}

TEST_F(ObjectCacheTest, TruncatedCorruptOrForeignEntriesAreRecompiled) {
  PersistentObjectCache cache(
      dir.string(), [&](const std::string &line) { log.push_back(line); });
  compile(cache);
  fs::path path = entry();
  std::string good;
  {
    std::ifstream in(path, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto damaged = [&](std::string bytes, const char *why) {
    std::ofstream(path, std::ios::binary) << bytes;
    log.clear();
    auto f = compile(cache);
    EXPECT_FALSE(f->fromCache()) << why;
    expectRight(*f);
    ASSERT_EQ(log.size(), 1u) << why;
    EXPECT_NE(log[0].find(why), std::string::npos) << log[0];
    // The recompiled object replaced the bad entry.
    EXPECT_TRUE(compile(cache)->fromCache()) << why;
  };
  damaged(good.substr(0, good.size() / 2), "truncated");
  damaged(good.substr(0, 10), "truncated");
  damaged("", "truncated");
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x40;
  damaged(flipped, "corrupt");
  std::string oldFormat = good;
  oldFormat[7] = '0'; // "KILNOBJ0": another format version
  damaged(oldFormat, "format version");
  std::string otherKey = good;
  otherKey[8] ^= 1; // the key hash: an entry written for another key
  damaged(otherKey, "another key");
}

TEST_F(ObjectCacheTest, ConcurrentWritersAndReadersSeeWholeEntries) {
  PersistentObjectCache cache(dir.string());
  std::string key = "a key", object(200000, 'o');
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        if (t % 2)
          cache.store(key, object);
        else if (auto got = cache.load(key); got && *got != object)
          ++bad;
      }
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(cache.load(key), object);
  // No temporary files left behind.
  auto files =
      std::distance(fs::directory_iterator(dir), fs::directory_iterator());
  EXPECT_EQ(files, 1);
}

TEST_F(ObjectCacheTest, AnUnwritableDirectoryOnlySkipsStoring) {
  fs::create_directories(dir);
  std::ofstream(dir / "file") << "not a directory";
  PersistentObjectCache cache(
      (dir / "file").string(),
      [&](const std::string &line) { log.push_back(line); });
  auto f = compile(cache);
  EXPECT_FALSE(f->fromCache());
  expectRight(*f);
  EXPECT_FALSE(compile(cache)->fromCache());
  ASSERT_EQ(log.size(), 1u); // reported once
  EXPECT_NE(log[0].find("cannot write"), std::string::npos);
}

TEST_F(ObjectCacheTest, ABoundedCacheDropsTheLeastRecentlyUsedEntries) {
  std::string object(1000, 'x');
  {
    PersistentObjectCache fill(dir.string());
    for (int i = 0; i < 6; ++i)
      fill.store("key " + std::to_string(i), object);
    // Key 0 is used last: the oldest entries are 1, 2, 3.
    std::error_code e;
    auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (int i = 0; i < 6; ++i)
      fs::last_write_time(fill.entryPath("key " + std::to_string(i)),
                          old + std::chrono::minutes(i), e);
    EXPECT_TRUE(fill.load("key 0"));
  }
  // A new process (a new cache object) with room for about 5 entries
  // prunes to half of that on its first store.
  PersistentObjectCache bounded(
      dir.string(), [&](const std::string &line) { log.push_back(line); },
      5 * 1100);
  bounded.store("key 6", object);
  for (int i : {1, 2, 3, 4})
    EXPECT_FALSE(fs::exists(bounded.entryPath("key " + std::to_string(i))))
        << i;
  for (int i : {0, 5, 6})
    EXPECT_TRUE(bounded.load("key " + std::to_string(i))) << i;
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("removed 4 least recently used"), std::string::npos)
      << log[0];
}

TEST_F(ObjectCacheTest, KeysDependOnTheIrAndTheTarget) {
  PersistentObjectCache cache(dir.string());
  auto prepare = [&](const std::string &symbol) {
    return codegen::prepareEntry(*module, "f", symbol);
  };
  codegen::PreparedEntry a = prepare("s"), b = prepare("s");
  codegen::TargetOptions host, v2;
  v2.cpu = "x86-64-v2";
  EXPECT_EQ(codegen::nativeCodeKey(a, host), codegen::nativeCodeKey(b, host));
  EXPECT_NE(codegen::nativeCodeKey(a, host), codegen::nativeCodeKey(a, v2));
  EXPECT_NE(codegen::nativeCodeKey(a, host),
            codegen::nativeCodeKey(prepare("t"), host));
  EXPECT_NE(cache.entryPath(codegen::nativeCodeKey(a, host)),
            cache.entryPath(codegen::nativeCodeKey(a, v2)));
}

} // namespace

namespace {

/// The seed MLP step, compiled, for a few calls against eager; returns
/// (compilations, objects from the cache).
std::pair<size_t, size_t> trainSeedStep() {
  auto model = nn::Sequential(nn::Linear(20, 8), nn::ReLU(), nn::Linear(8, 3));
  auto eager = nn::Sequential(nn::Linear(20, 8), nn::ReLU(), nn::Linear(8, 3));
  for (size_t i = 0; i < model->parameters().size(); ++i)
    eager->parameters()[i].detach().copy_(model->parameters()[i]);
  optim::SGD opt(model->parameters(), optim::SGDOptions(0.01));
  optim::SGD eagerOpt(eager->parameters(), optim::SGDOptions(0.01));
  auto body = [](nn::Sequential &m, optim::SGD &o, Tensor x, Tensor y) {
    Tensor loss = nn::functional::mse_loss(m->forward(x), y);
    o.zero_grad();
    loss.backward();
    o.step();
    return loss;
  };
  auto step =
      kiln::compile([&](Tensor x, Tensor y) { return body(model, opt, x, y); });
  Tensor x = randn({16, 20}), y = randn({16, 3});
  for (int i = 0; i < 4; ++i) {
    Tensor a = step(x, y), b = body(eager, eagerOpt, x, y);
    EXPECT_TRUE(allclose(a, b, 1e-4, 1e-5)) << a << b;
  }
  return {step.stats().compilations, step.stats().cachedObjects};
}

// A second process traces again but compiles nothing: the object comes
// from $KILN_CACHE_DIR. Each process is this test binary (this test, with
// KILN_CACHE_CHILD naming where it reports).
TEST(CompileCache, ASecondProcessLoadsTheObjectInsteadOfCompiling) {
  if (const char *report = std::getenv("KILN_CACHE_CHILD")) {
    auto [compilations, cached] = trainSeedStep();
    std::ofstream(report) << compilations << " " << cached;
    return;
  }
  fs::path dir = fs::temp_directory_path() /
                 ("kiln-cache-process-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::path report = dir / "report";
  fs::create_directories(dir);
  for (int process = 0; process < 2; ++process) {
    std::string command = "KILN_CACHE_CHILD=" + report.string() +
                          " KILN_CACHE_DIR=" + (dir / "cache").string() +
                          " /proc/" + std::to_string(::getpid()) +
                          "/exe --gtest_filter=" +
                          "CompileCache.ASecondProcessLoadsTheObjectInstead"
                          "OfCompiling >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    size_t compilations = 0, cached = 99;
    std::ifstream(report) >> compilations >> cached;
    EXPECT_EQ(compilations, 1u);
    EXPECT_EQ(cached, process == 0 ? 0u : 1u) << "process " << process;
  }
  fs::remove_all(dir);
}

} // namespace
