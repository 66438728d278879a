//===- Serialize.cpp - Tensors and modules in safetensors files -----------===//
#include "kiln/Serialize.h"
#include "kiln/autograd/GradMode.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace kiln {

namespace {

const char *safetensorsType(ScalarType t) {
  switch (t) {
  case kFloat:
    return "F32";
  case kDouble:
    return "F64";
  case kLong:
    return "I64";
  default:
    return "BOOL";
  }
}

ScalarType fromSafetensorsType(const std::string &s) {
  if (s == "F32")
    return kFloat;
  if (s == "F64")
    return kDouble;
  if (s == "I64")
    return kLong;
  if (s == "BOOL")
    return kBool;
  throw Error("safetensors: unsupported dtype '" + s + "'");
}

/// A minimal reader for the flat JSON of a safetensors header.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : s_(text) {}

  struct Entry {
    std::string name, dtype;
    std::vector<int64_t> shape;
    int64_t begin = 0, end = 0;
  };

  std::vector<Entry> parse() {
    std::vector<Entry> entries;
    expect('{');
    if (peek() == '}')
      return entries;
    do {
      std::string key = string();
      expect(':');
      if (key == "__metadata__") {
        skipObject();
        continue;
      }
      Entry e;
      e.name = key;
      expect('{');
      do {
        std::string field = string();
        expect(':');
        if (field == "dtype")
          e.dtype = string();
        else if (field == "shape")
          e.shape = intList();
        else if (field == "data_offsets") {
          auto offsets = intList();
          check(offsets.size() == 2, "data_offsets needs two numbers");
          e.begin = offsets[0];
          e.end = offsets[1];
        } else
          fail("unknown field '" + field + "'");
      } while (accept(','));
      expect('}');
      entries.push_back(e);
    } while (accept(','));
    expect('}');
    return entries;
  }

private:
  void check(bool ok, const std::string &what) {
    if (!ok)
      fail(what);
  }
  [[noreturn]] void fail(const std::string &what) {
    throw Error("safetensors: malformed header at byte " +
                std::to_string(pos_) + ": " + what);
  }
  void skipSpace() {
    while (pos_ < s_.size() &&
           std::isspace(static_cast<unsigned char>(s_[pos_])))
      ++pos_;
  }
  char peek() {
    skipSpace();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  bool accept(char c) {
    if (peek() != c)
      return false;
    ++pos_;
    return true;
  }
  void expect(char c) { check(accept(c), std::string("expected '") + c + "'"); }
  std::string string() {
    expect('"');
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size())
        ++pos_;
      out += s_[pos_++];
    }
    expect('"');
    return out;
  }
  int64_t integer() {
    skipSpace();
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-')
      ++pos_;
    while (pos_ < s_.size() &&
           std::isdigit(static_cast<unsigned char>(s_[pos_])))
      ++pos_;
    check(pos_ > start, "expected a number");
    return std::stoll(s_.substr(start, pos_ - start));
  }
  std::vector<int64_t> intList() {
    std::vector<int64_t> out;
    expect('[');
    if (accept(']'))
      return out;
    do
      out.push_back(integer());
    while (accept(','));
    expect(']');
    return out;
  }
  void skipObject() {
    expect('{');
    int depth = 1;
    while (pos_ < s_.size() && depth > 0) {
      char c = s_[pos_++];
      if (c == '"') {
        --pos_;
        string();
      } else if (c == '{')
        ++depth;
      else if (c == '}')
        --depth;
    }
  }

  const std::string &s_;
  size_t pos_ = 0;
};

} // namespace

void save_safetensors(const OrderedDict<std::string, Tensor> &tensors,
                      const std::string &path) {
  std::ostringstream header;
  header << "{";
  int64_t offset = 0;
  std::vector<Tensor> data;
  bool first = true;
  for (auto &item : tensors) {
    Tensor t = item.value().detach().contiguous();
    int64_t bytes = t.numel() * static_cast<int64_t>(elementSize(t.dtype()));
    header << (first ? "" : ",") << "\"" << item.key() << "\":{\"dtype\":\""
           << safetensorsType(t.dtype()) << "\",\"shape\":[";
    for (int64_t d = 0; d < t.dim(); ++d)
      header << (d ? "," : "") << t.size(d);
    header << "],\"data_offsets\":[" << offset << "," << offset + bytes << "]}";
    offset += bytes;
    data.push_back(t);
    first = false;
  }
  header << "}";
  std::string h = header.str();
  h.append((8 - h.size() % 8) % 8, ' '); // Align the data to 8 bytes.
  std::ofstream out(path, std::ios::binary);
  KILN_CHECK(out.good(), "cannot open '", path, "' for writing");
  uint64_t n = h.size();
  unsigned char len[8];
  for (int i = 0; i < 8; ++i)
    len[i] = static_cast<unsigned char>(n >> (8 * i));
  out.write(reinterpret_cast<const char *>(len), 8);
  out.write(h.data(), static_cast<std::streamsize>(h.size()));
  for (const Tensor &t : data)
    out.write(static_cast<const char *>(t.data_ptr()),
              static_cast<std::streamsize>(t.numel() * elementSize(t.dtype())));
  KILN_CHECK(out.good(), "error while writing '", path, "'");
}

OrderedDict<std::string, Tensor> load_safetensors(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  KILN_CHECK(in.good(), "cannot open '", path, "' for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  KILN_CHECK(bytes.size() >= 8, "safetensors: '", path, "' is too short");
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  KILN_CHECK(n <= bytes.size() - 8, "safetensors: header length ", n,
             " exceeds the file size");
  std::string header = bytes.substr(8, n);
  const char *data = bytes.data() + 8 + n;
  uint64_t dataSize = bytes.size() - 8 - n;
  OrderedDict<std::string, Tensor> out;
  for (auto &e : HeaderParser(header).parse()) {
    ScalarType t = fromSafetensorsType(e.dtype);
    Tensor x = empty(e.shape, t);
    int64_t expected = x.numel() * static_cast<int64_t>(elementSize(t));
    KILN_CHECK(e.begin >= 0 && e.end - e.begin == expected &&
                   uint64_t(e.end) <= dataSize,
               "safetensors: data_offsets of '", e.name,
               "' do not match its shape and dtype");
    std::memcpy(x.data_ptr(), data + e.begin, expected);
    out.insert(e.name, x);
  }
  return out;
}

namespace {
OrderedDict<std::string, Tensor> moduleState(const nn::Module &module) {
  OrderedDict<std::string, Tensor> all = module.named_parameters();
  for (auto &b : module.named_buffers())
    all.insert(b.key(), b.value());
  return all;
}
} // namespace

void save(const nn::Module &module, const std::string &path) {
  save_safetensors(moduleState(module), path);
}

void load(nn::Module &module, const std::string &path) {
  OrderedDict<std::string, Tensor> loaded = load_safetensors(path);
  NoGradGuard noGrad;
  for (auto &item : moduleState(module)) {
    const Tensor *src = loaded.find(item.key());
    KILN_CHECK(src != nullptr, "Missing key(s) in state_dict: \"", item.key(),
               "\"");
    const Tensor &dst = item.value();
    KILN_CHECK(src->sizes() == dst.sizes(), "size mismatch for ", item.key(),
               ": copying a param with shape ", src->sizes(),
               " from checkpoint, the shape in current model is ", dst.sizes(),
               ".");
    KILN_CHECK(src->dtype() == dst.dtype(), "dtype mismatch for ", item.key(),
               ": checkpoint has ", toString(src->dtype()), ", model has ",
               toString(dst.dtype()));
    dst.copy_(*src);
  }
  for (auto &item : loaded)
    KILN_CHECK(moduleState(module).contains(item.key()),
               "Unexpected key(s) in state_dict: \"", item.key(), "\"");
}

} // namespace kiln
