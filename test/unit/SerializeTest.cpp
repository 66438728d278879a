//===- SerializeTest.cpp - safetensors files: round trips, bad files ------===//
//
// Every malformed file must be a kiln::Error naming the file and the fault,
// and a failed kiln::load must leave the module untouched.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <unistd.h>

using namespace kiln;

namespace {

struct StateNetImpl : nn::Module {
  StateNetImpl() {
    weight = register_parameter("weight", randn({3, 2}));
    scale = register_parameter("scale", randn({2}, kDouble));
    steps = register_buffer("steps", tensor({int64_t(7), int64_t(-3)}));
    mask = register_buffer("mask", tensor({true, false, true}));
  }
  Tensor weight, scale, steps, mask;
};
KILN_MODULE(StateNet);

/// A file of this test's own: ctest runs tests in parallel processes.
std::string tempPath(const std::string &name) {
  const auto *test = ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "kiln_serialize_" + test->name() + "_" +
         std::to_string(::getpid()) + "_" + name + ".safetensors";
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

/// A safetensors file as Python's safetensors lays it out: the header's
/// length as 8 little-endian bytes, the JSON header, the data.
std::string fileBytes(const std::string &header, const std::string &data = "",
                      uint64_t headerLength = UINT64_MAX) {
  uint64_t n = headerLength == UINT64_MAX ? header.size() : headerLength;
  std::string out;
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>(n >> (8 * i));
  return out + header + data;
}

std::string floatBytes(std::initializer_list<float> values) {
  std::string out;
  for (float v : values)
    out.append(reinterpret_cast<const char *>(&v), sizeof v);
  return out;
}

/// The message of the kiln::Error that loading `bytes` from a file throws,
/// checked to name the file. Any other exception fails the test.
std::string loadError(const std::string &bytes) {
  std::string path = tempPath("bad");
  writeFile(path, bytes);
  std::string message = "<no error>";
  try {
    load_safetensors(path);
  } catch (const Error &e) {
    message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
  }
  // The in-memory parser must agree.
  EXPECT_THROW(parse_safetensors(bytes.data(), bytes.size(), "mem"), Error);
  std::remove(path.c_str());
  return message;
}

#define EXPECT_LOAD_ERROR(bytes, text)                                         \
  do {                                                                         \
    std::string msg_ = loadError(bytes);                                       \
    EXPECT_NE(msg_.find(text), std::string::npos)                              \
        << "expected \"" << (text) << "\" in: " << msg_;                       \
  } while (0)

/// One F32 tensor "x" of shape [2] over data [0, 8) with `fields` changed.
std::string oneTensor(const std::string &fields,
                      const std::string &data = floatBytes({1, 2})) {
  return fileBytes("{\"x\":{" + fields + "}}", data);
}

TEST(Safetensors, RoundTripOfEveryDtype) {
  manual_seed(3);
  OrderedDict<std::string, Tensor> in;
  in.insert("f32", randn({2, 3}));
  in.insert("f64", randn({4}, kDouble));
  in.insert("i64", tensor({int64_t(-5), INT64_MAX, INT64_MIN}));
  in.insert("bool", tensor({true, false, false, true}).reshape({2, 2}));
  in.insert("scalar", tensor(2.5));
  in.insert("empty", zeros({0, 3}));
  in.insert("strided", randn({3, 4}).t());  // Saved as its contiguous copy.
  in.insert("odd \"name\"\n\\", ones({1})); // Needs JSON escapes.
  std::string path = tempPath("dtypes");
  save_safetensors(in, path);
  auto out = load_safetensors(path);
  ASSERT_EQ(out.size(), in.size());
  size_t i = 0;
  for (auto &item : in) {
    const auto &loaded = out.items()[i++];
    EXPECT_EQ(loaded.key(), item.key()); // Header order is kept.
    EXPECT_EQ(loaded.value().dtype(), item.value().dtype()) << item.key();
    EXPECT_EQ(loaded.value().sizes(), item.value().sizes()) << item.key();
    EXPECT_TRUE(loaded.value().equal(item.value())) << item.key();
  }
  // The same bytes as serialize_safetensors, which the parser reads back.
  std::string bytes = serialize_safetensors(in);
  EXPECT_EQ(parse_safetensors(bytes.data(), bytes.size()).size(), in.size());
  std::remove(path.c_str());
}

TEST(Safetensors, ModuleRoundTripWithBuffers) {
  manual_seed(4);
  StateNet a, b;
  b->steps.fill_(0);
  b->mask.fill_(false);
  std::string path = tempPath("module");
  save(a, path);
  load(b, path);
  for (auto &item : a->named_parameters())
    EXPECT_TRUE(item.value().equal(b->named_parameters()[item.key()]));
  for (auto &item : a->named_buffers())
    EXPECT_TRUE(item.value().equal(b->named_buffers()[item.key()]));
  EXPECT_TRUE(b->weight.requires_grad());
  EXPECT_TRUE(b->weight.is_leaf());
  std::remove(path.c_str());
}

TEST(Safetensors, UndefinedTensorsAreLeftOut) {
  // As in PyTorch's state_dict, a None buffer is neither saved nor expected.
  struct Impl : nn::Module {
    Impl() {
      w = register_parameter("w", randn({2}));
      register_buffer("unset", Tensor());
    }
    Tensor w;
  };
  manual_seed(6);
  Impl a, b;
  std::string path = tempPath("unset");
  save(a, path);
  EXPECT_EQ(load_safetensors(path).size(), 1u);
  load(b, path);
  EXPECT_TRUE(b.w.equal(a.w));
  std::remove(path.c_str());
}

TEST(Safetensors, FileInPythonLayoutLoads) {
  // As Python's safetensors writes: __metadata__ first, header entries in
  // name order rather than offset order, spaces, and space padding.
  std::string header =
      "{\"__metadata__\": {\"format\": \"pt\"}, "
      "\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 16]},"
      " \"b\": {\"dtype\": \"I64\", \"shape\": [], \"data_offsets\": [0, 8]}, "
      "\"c\": {\"dtype\": \"BOOL\", \"shape\": [0, 4], "
      "\"data_offsets\": [16, 16]}}";
  header.append((8 - header.size() % 8) % 8, ' ');
  int64_t b = -42;
  std::string data(reinterpret_cast<const char *>(&b), 8);
  data += floatBytes({1.5f, -2.0f});
  auto t = parse_safetensors(fileBytes(header, data).data(),
                             fileBytes(header, data).size());
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.items()[0].key(), "a");
  EXPECT_TRUE(t["a"].equal(tensor({1.5f, -2.0f})));
  EXPECT_EQ(t["b"].dim(), 0);
  EXPECT_EQ(t["b"].item<int64_t>(), -42);
  EXPECT_EQ(t["c"].dtype(), kBool);
  EXPECT_EQ(t["c"].sizes(), (std::vector<int64_t>{0, 4}));
  // The empty header, and unknown fields of an entry (the crate ignores
  // them).
  EXPECT_EQ(parse_safetensors(fileBytes("{}").data(), 10).size(), 0u);
  std::string extra = oneTensor(
      "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],"
      "\"note\":[{\"k\":null},true,-1.5e3,\"\\u00e9\\ud83d\\ude00\"]");
  EXPECT_EQ(parse_safetensors(extra.data(), extra.size()).size(), 1u);
}

TEST(Safetensors, FramingErrors) {
  EXPECT_LOAD_ERROR(std::string(), "header too small");
  EXPECT_LOAD_ERROR(std::string("\x02\x00\x00", 3), "header too small");
  EXPECT_LOAD_ERROR(fileBytes("{}", "", 200), "invalid header length");
  EXPECT_LOAD_ERROR(fileBytes("{}", "", UINT64_MAX - 1), "header too large");
  EXPECT_LOAD_ERROR(fileBytes("{}", "", uint64_t(1) << 63), "header too large");
  // A truncated file: the data ends before the last tensor does.
  std::string whole =
      oneTensor("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]");
  EXPECT_LOAD_ERROR(whole.substr(0, whole.size() - 3), "truncated");
  EXPECT_LOAD_ERROR(whole.substr(0, 20), "invalid header length");
  EXPECT_LOAD_ERROR(whole + "xx", "not fully covered");
}

TEST(Safetensors, HeaderMustBeAJsonObject) {
  EXPECT_LOAD_ERROR(fileBytes(""), "not a JSON object");
  EXPECT_LOAD_ERROR(fileBytes("hello"), "not a JSON object");
  EXPECT_LOAD_ERROR(fileBytes("[1, 2]"), "not a JSON object");
  EXPECT_LOAD_ERROR(fileBytes("\"x\""), "not a JSON object");
  EXPECT_LOAD_ERROR(fileBytes("{\"x\":"), "found the end of the header");
  EXPECT_LOAD_ERROR(fileBytes("{\"x\"}"), "invalid JSON in header");
  EXPECT_LOAD_ERROR(fileBytes("{\"x\" 1}"), "expected ':'");
  EXPECT_LOAD_ERROR(fileBytes("{,}"), "expected a string");
  EXPECT_LOAD_ERROR(fileBytes("{} {}"), "after the header object");
  EXPECT_LOAD_ERROR(fileBytes(std::string("{}\0", 3)), "byte 0x00");
  EXPECT_LOAD_ERROR(fileBytes("{\"a\nb\":{}}"), "control character");
  EXPECT_LOAD_ERROR(fileBytes("{\"\\q\":{}}"), "invalid escape");
  EXPECT_LOAD_ERROR(fileBytes("{\"\\ud800\":{}}"), "unpaired surrogate");
  EXPECT_LOAD_ERROR(fileBytes("{\"\\u12\"}"), "invalid hex digit");
  EXPECT_LOAD_ERROR(fileBytes("{\"\xff\":{}}"), "invalid UTF-8");
  EXPECT_LOAD_ERROR(fileBytes("{\"\xc0\xaf\":{}}"), "invalid UTF-8");
  EXPECT_LOAD_ERROR(fileBytes("{\"x\":5}"), "not a JSON object");
  EXPECT_LOAD_ERROR(fileBytes("{\"__metadata__\":{\"a\":1}}"),
                    "__metadata__ value of `a` must be a string");
  EXPECT_LOAD_ERROR(fileBytes("{\"__metadata__\":[]}"), "__metadata__");
  std::string deep(200, '[');
  EXPECT_LOAD_ERROR(oneTensor("\"z\":" + deep), "nested too deeply");
}

TEST(Safetensors, DuplicateKeysAndFields) {
  std::string entry = "{\"dtype\":\"F32\",\"shape\":[1],"
                      "\"data_offsets\":[0,4]}";
  EXPECT_LOAD_ERROR(
      fileBytes("{\"x\":" + entry + ",\"x\":" + entry + "}", floatBytes({1})),
      "duplicate key `x`");
  EXPECT_LOAD_ERROR(fileBytes("{\"__metadata__\":{},\"__metadata__\":{}}"),
                    "duplicate key `__metadata__`");
  EXPECT_LOAD_ERROR(fileBytes("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}"),
                    "duplicate key `k` in __metadata__");
  EXPECT_LOAD_ERROR(
      oneTensor("\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],"
                "\"data_offsets\":[0,8]"),
      "duplicate field dtype");
  EXPECT_LOAD_ERROR(oneTensor("\"shape\":[2],\"data_offsets\":[0,8]"),
                    "tensor `x` has no dtype");
  EXPECT_LOAD_ERROR(oneTensor("\"dtype\":\"F32\",\"data_offsets\":[0,8]"),
                    "has no shape");
  EXPECT_LOAD_ERROR(oneTensor("\"dtype\":\"F32\",\"shape\":[2]"),
                    "has no data_offsets");
}

TEST(Safetensors, DtypeErrors) {
  EXPECT_LOAD_ERROR(
      oneTensor("\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]"),
      "unknown dtype `F33`");
  EXPECT_LOAD_ERROR(
      oneTensor("\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]"),
      "dtype F16, which kiln does not support");
  EXPECT_LOAD_ERROR(
      oneTensor("\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]"),
      "dtype of tensor `x` must be a string");
  // A BOOL byte other than 0 or 1.
  EXPECT_LOAD_ERROR(
      oneTensor("\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]",
                std::string("\x01\x02", 2)),
      "only 0 and 1");
}

TEST(Safetensors, ShapeErrors) {
  auto shaped = [](const std::string &shape) {
    return oneTensor("\"dtype\":\"F32\",\"shape\":" + shape +
                     ",\"data_offsets\":[0,8]");
  };
  EXPECT_LOAD_ERROR(shaped("[-2]"), "negative value -2");
  EXPECT_LOAD_ERROR(shaped("[2.0]"), "not an integer");
  EXPECT_LOAD_ERROR(shaped("[2e0]"), "not an integer");
  EXPECT_LOAD_ERROR(shaped("[02]"), "leading zero");
  EXPECT_LOAD_ERROR(shaped("[\"2\"]"), "must be a list of integers");
  EXPECT_LOAD_ERROR(shaped("2"), "must be a list of integers");
  EXPECT_LOAD_ERROR(shaped("[2,]"), "must be a list of integers");
  EXPECT_LOAD_ERROR(shaped("[99999999999999999999]"), "does not fit in int64");
  EXPECT_LOAD_ERROR(shaped("[9223372036854775808]"), "does not fit in int64");
  // Element count, byte count and stride overflows.
  EXPECT_LOAD_ERROR(shaped("[4294967296, 4294967296]"),
                    "overflow computing buffer size");
  EXPECT_LOAD_ERROR(shaped("[2305843009213693952]"),
                    "overflow computing buffer size");
  EXPECT_LOAD_ERROR(shaped("[0, 4294967296, 4294967296]"),
                    "overflow computing buffer size");
  EXPECT_LOAD_ERROR(shaped("[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2]"),
                    "at most 16 dimensions");
  // A shape that needs other bytes than its data_offsets hold.
  EXPECT_LOAD_ERROR(shaped("[3]"),
                    "invalid shape, data type, or offset for tensor `x`");
}

TEST(Safetensors, OffsetErrors) {
  auto two = [](const std::string &a, const std::string &b,
                const std::string &data) {
    return fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                     "\"data_offsets\":" +
                         a +
                         "},\"b\":{\"dtype\":\"F32\",\"shape\":[2],"
                         "\"data_offsets\":" +
                         b + "}}",
                     data);
  };
  std::string data = floatBytes({1, 2, 3, 4});
  EXPECT_TRUE(two("[0,8]", "[8,16]", data).size() > 0);
  EXPECT_EQ(parse_safetensors(two("[8,16]", "[0,8]", data).data(),
                              two("[8,16]", "[0,8]", data).size())
                .size(),
            2u); // Header order need not follow offsets.
  EXPECT_LOAD_ERROR(two("[0,8]", "[4,12]", data), "overlap");
  EXPECT_LOAD_ERROR(two("[0,8]", "[0,8]", data), "overlap");
  EXPECT_LOAD_ERROR(two("[0,8]", "[12,20]", data + "1234"), "gap");
  EXPECT_LOAD_ERROR(two("[8,0]", "[8,16]", data), "end before they begin");
  EXPECT_LOAD_ERROR(two("[0,8]", "[8,1000]", data),
                    "invalid shape, data type, or offset");
  EXPECT_LOAD_ERROR(two("[0,8]", "[-8,0]", data), "negative value -8");
  EXPECT_LOAD_ERROR(two("[0,8]", "[8]", data), "must be two numbers");
  EXPECT_LOAD_ERROR(two("[0,8]", "[8,16,24]", data), "more than 2 entries");
  EXPECT_LOAD_ERROR(two("[0,8]", "[8,16]", data.substr(0, 12)),
                    "ends at byte 16 of the data, which has only 12 bytes");
  EXPECT_LOAD_ERROR(two("[0,8]", "[9223372036854775807,16]", data),
                    "end before they begin");
}

TEST(Safetensors, FileSystemErrors) {
  std::string missing = tempPath("does_not_exist");
  try {
    load_safetensors(missing);
    ADD_FAILURE() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("cannot open '" + missing),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(load_safetensors(::testing::TempDir()), Error); // A folder.
  EXPECT_THROW(save_safetensors(OrderedDict<std::string, Tensor>(),
                                ::testing::TempDir() + "no/such/dir/x"),
               Error);
}

TEST(Safetensors, SaveRejectsWhatItCannotWrite) {
  OrderedDict<std::string, Tensor> bad;
  bad.insert(std::string("\xff"), ones({1}));
  EXPECT_THROW(serialize_safetensors(bad), Error);
  OrderedDict<std::string, Tensor> undefined;
  undefined.insert("x", Tensor());
  EXPECT_THROW(serialize_safetensors(undefined), Error);
}

/// The message of kiln::load's error, and that `net` did not change.
std::string failedLoad(StateNet &net, const std::string &bytes) {
  std::string path = tempPath("module_bad");
  writeFile(path, bytes);
  OrderedDict<std::string, Tensor> before;
  for (auto &item : net->named_parameters())
    before.insert(item.key(), item.value().clone());
  for (auto &item : net->named_buffers())
    before.insert(item.key(), item.value().clone());
  std::string message = "<no error>";
  try {
    load(net, path);
  } catch (const Error &e) {
    message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
  }
  for (auto &item : net->named_parameters())
    EXPECT_TRUE(item.value().equal(before[item.key()])) << item.key();
  for (auto &item : net->named_buffers())
    EXPECT_TRUE(item.value().equal(before[item.key()])) << item.key();
  std::remove(path.c_str());
  return message;
}

TEST(Safetensors, LoadIsAllOrNothing) {
  manual_seed(5);
  StateNet source, net;
  auto state =
      [&](const std::function<void(OrderedDict<std::string, Tensor> &)> &edit) {
        OrderedDict<std::string, Tensor> s = source->named_parameters();
        for (auto &b : source->named_buffers())
          s.insert(b.key(), b.value());
        edit(s);
        return serialize_safetensors(s);
      };
  // A bad last tensor: the earlier good ones are not copied either.
  std::string msg = failedLoad(net, state([](auto &s) {
                                 s["mask"] = tensor({true, false});
                               }));
  EXPECT_NE(msg.find("Error(s) in loading state_dict for "), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("size mismatch for mask: copying a param with shape "
                     "torch.Size([2]) from checkpoint, the shape in current "
                     "model is torch.Size([3])."),
            std::string::npos)
      << msg;

  msg = failedLoad(net,
                   state([](auto &s) { s["steps"] = s["steps"].to(kDouble); }));
  EXPECT_NE(msg.find("dtype mismatch for steps: copying a param with dtype "
                     "torch.float64 from checkpoint, the dtype in current "
                     "model is torch.int64."),
            std::string::npos)
      << msg;

  msg = failedLoad(net, state([](auto &s) {
                     s.erase("scale");
                     s.insert("extra", ones({1}));
                   }));
  EXPECT_NE(msg.find("Missing key(s) in state_dict: \"scale\". "),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("Unexpected key(s) in state_dict: \"extra\". "),
            std::string::npos)
      << msg;

  // A malformed file (truncated) changes nothing either.
  std::string good = state([](auto &) {});
  msg = failedLoad(net, good.substr(0, good.size() - 1));
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;

  // And the good file loads.
  std::string path = tempPath("module_good");
  writeFile(path, good);
  load(net, path);
  EXPECT_TRUE(net->weight.equal(source->weight));
  EXPECT_TRUE(net->mask.equal(source->mask));
  std::remove(path.c_str());
}

} // namespace
