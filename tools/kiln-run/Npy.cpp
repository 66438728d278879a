//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
//
// The reader is strict on purpose: it is fed hand-made and foreign files,
// and a file it cannot read exactly (an unsupported dtype, a shape that is
// not a tuple of integers, missing or extra data) is an error naming the
// file, never a guess. The header is the repr of a Python dict,
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// parsed here as the literal it is, not searched for substrings.
//
//===----------------------------------------------------------------------===//
#include "Npy.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <new>
#include <sstream>
#include <sys/stat.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .npy reader and writer assume a little-endian host"
#endif

namespace kiln::tools {

namespace {

/// kiln's dtypes and their .npy descr strings.
constexpr struct {
  ScalarType type;
  const char *descr;
} kDescrs[] = {
    {kFloat, "<f4"}, {kDouble, "<f8"}, {kLong, "<i8"}, {kBool, "|b1"}};

/// More dimensions than any kiln program uses; bounds what a header costs.
constexpr size_t kMaxRank = 32;

const char *descrOf(ScalarType t) {
  for (const auto &d : kDescrs)
    if (d.type == t)
      return d.descr;
  throw Error("cannot write dtype " + std::string(toString(t)) + " as .npy");
}

/// `s` with non-printable bytes escaped, cut at 40 characters, for messages.
std::string printable(const std::string &s) {
  std::string out;
  for (unsigned char c : s.substr(0, 40)) {
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
      continue;
    }
    const char *hex = "0123456789abcdef";
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return s.size() > 40 ? out + "..." : out;
}

/// The header dict of a .npy file: exactly the keys 'descr' (a string),
/// 'fortran_order' (True/False) and 'shape' (a tuple of non-negative
/// integers), in any order, as Python would parse the literal.
class HeaderParser {
public:
  HeaderParser(const std::string &text, const std::string &name)
      : text(text), name(name) {}

  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;

  void parse() {
    bool seenDescr = false, seenOrder = false, seenShape = false;
    skipSpace();
    expect('{', "the header is not a Python dict");
    for (;;) {
      skipSpace();
      if (accept('}'))
        break;
      std::string key = string("a header key");
      skipSpace();
      expect(':', "expected ':' after '" + key + "'");
      skipSpace();
      if (key == "descr") {
        fail(seenDescr, "'descr' appears twice");
        seenDescr = true;
        if (peek() != '\'' && peek() != '"')
          error("descr is not a simple dtype string (structured or "
                "sub-array dtypes are not supported)");
        descr = string("descr");
      } else if (key == "fortran_order") {
        fail(seenOrder, "'fortran_order' appears twice");
        seenOrder = true;
        fortranOrder = boolean();
      } else if (key == "shape") {
        fail(seenShape, "'shape' appears twice");
        seenShape = true;
        tuple();
      } else {
        error("unexpected header key '" + printable(key) + "'");
      }
      skipSpace();
      if (accept('}'))
        break;
      expect(',', "expected ',' or '}' after the value of '" + key + "'");
    }
    // numpy pads the header with spaces and ends it with '\n'.
    skipSpace();
    if (pos != text.size())
      error("unexpected text after the header dict: '" +
            printable(text.substr(pos)) + "'");
    fail(!seenDescr, "the header has no 'descr'");
    fail(!seenOrder, "the header has no 'fortran_order'");
    fail(!seenShape, "the header has no 'shape'");
  }

private:
  const std::string &text;
  const std::string &name;
  size_t pos = 0;

  [[noreturn]] void error(const std::string &what) const {
    throw Error("'" + name + "': " + what);
  }
  void fail(bool cond, const std::string &what) const {
    if (cond)
      error(what);
  }
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  bool accept(char c) {
    if (pos >= text.size() || text[pos] != c)
      return false;
    ++pos;
    return true;
  }
  void expect(char c, const std::string &what) {
    if (!accept(c))
      error(what + " (at header byte " + std::to_string(pos) + ")");
  }
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }
  /// A quoted string without escapes (no .npy header needs one).
  std::string string(const std::string &what) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      error("expected " + what + " as a quoted string (at header byte " +
            std::to_string(pos) + ")");
    size_t begin = ++pos;
    while (pos < text.size() && text[pos] != quote) {
      unsigned char c = text[pos];
      if (c == '\\' || c < 0x20 || c >= 0x7f)
        error(what + " has no closing quote or an unsupported character");
      ++pos;
    }
    if (pos >= text.size())
      error(what + " has no closing quote");
    return text.substr(begin, pos++ - begin);
  }
  bool boolean() {
    if (text.compare(pos, 4, "True") == 0) {
      pos += 4;
      return true;
    }
    if (text.compare(pos, 5, "False") == 0) {
      pos += 5;
      return false;
    }
    error("fortran_order is not True or False");
  }
  /// A tuple of decimal integers: (), (n,) or (n, m, ...) with an optional
  /// trailing comma. (n) is the integer n in Python, not a tuple.
  void tuple() {
    size_t begin = pos;
    auto bad = [&](const std::string &why) {
      // The shape's text up to its ')', or to the dict's end.
      size_t end = std::min(text.find_first_of(")}", begin), text.size());
      std::string shown = text.substr(
          begin, end - begin + (end < text.size() && text[end] == ')'));
      shown.erase(shown.find_last_not_of(" \t\r\n,") + 1);
      error("bad shape '" + printable(shown) + "': " + why);
    };
    if (!accept('('))
      bad("not a tuple");
    bool trailingComma = false;
    for (;;) {
      skipSpace();
      if (accept(')'))
        break;
      if (shape.size() == kMaxRank)
        bad("more than " + std::to_string(kMaxRank) + " dimensions");
      if (!std::isdigit(static_cast<unsigned char>(peek())))
        bad("a dimension is not a non-negative integer");
      int64_t dim = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (__builtin_mul_overflow(dim, int64_t(10), &dim) ||
            __builtin_add_overflow(dim, int64_t(text[pos] - '0'), &dim))
          bad("a dimension overflows int64");
        ++pos;
      }
      accept('L'); // Python 2's long integers, in files numpy wrote then.
      shape.push_back(dim);
      skipSpace();
      trailingComma = accept(',');
      if (!trailingComma) {
        skipSpace();
        if (!accept(')'))
          bad("a dimension is not a non-negative integer");
        break;
      }
    }
    if (shape.size() == 1 && !trailingComma)
      bad("(n) is an integer, not a tuple; write (n,)");
  }
};

uint64_t littleEndian(const unsigned char *p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += std::to_string(shape[i]) + (i + 1 < shape.size() ? ", " : "");
  return s + (shape.size() == 1 ? ",)" : ")");
}

} // namespace

Tensor parseNpy(const void *data, size_t size, const std::string &name) {
  auto bytes = static_cast<const unsigned char *>(data);
  auto error = [&](const std::string &what) -> Error {
    return Error("'" + name + "': " + what);
  };
  if (size < 6 || std::memcmp(bytes, "\x93NUMPY", 6) != 0)
    throw error("not a .npy file (no \\x93NUMPY magic)");
  if (size < 8)
    throw error("truncated before its format version");
  int major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    throw error("unsupported .npy format version " + std::to_string(major) +
                "." + std::to_string(minor) + " (1.0, 2.0 and 3.0 are read)");
  // 1.0 has a 2-byte header length, 2.0 and 3.0 (UTF-8 header) 4 bytes.
  size_t lengthBytes = major == 1 ? 2 : 4, start = 8 + lengthBytes;
  if (size < start)
    throw error("truncated in the header length");
  uint64_t headerLen = littleEndian(bytes + 8, int(lengthBytes));
  if (headerLen > size - start)
    throw error("header length " + std::to_string(headerLen) +
                " runs past the end of the file (" + std::to_string(size) +
                " bytes)");
  std::string header(reinterpret_cast<const char *>(bytes + start), headerLen);
  HeaderParser h(header, name);
  h.parse();

  ScalarType type = kFloat;
  bool known = false;
  for (const auto &d : kDescrs)
    if (h.descr == d.descr) {
      type = d.type;
      known = true;
    }
  if (!known)
    throw error("unsupported dtype '" + printable(h.descr) +
                "' (kiln-run reads <f4, <f8, <i8 and |b1; convert the array "
                "with numpy's astype first)");

  // The product of the non-zero dimensions bounds the strides too, which
  // must fit even when a zero dimension leaves no elements.
  int64_t numel = 1, nonZero = 1, nbytes;
  for (int64_t d : h.shape)
    if (__builtin_mul_overflow(nonZero, d ? d : 1, &nonZero))
      throw error("shape " + shapeText(h.shape) +
                  " has more elements than int64 counts");
  for (int64_t d : h.shape)
    numel *= d;
  if (__builtin_mul_overflow(numel, int64_t(elementSize(type)), &nbytes))
    throw error("shape " + shapeText(h.shape) + " of " + h.descr +
                " has more bytes than int64 counts");
  size_t available = size - start - headerLen;
  if (uint64_t(nbytes) != available)
    throw error(std::string(uint64_t(nbytes) > available ? "truncated: " : "") +
                "shape " + shapeText(h.shape) + " of " + h.descr + " needs " +
                std::to_string(nbytes) + " bytes of data, the file holds " +
                std::to_string(available));
  const unsigned char *payload = bytes + start + headerLen;
  if (type == kBool)
    for (int64_t i = 0; i < numel; ++i)
      if (payload[i] > 1)
        throw error("bool element " + std::to_string(i) + " is byte " +
                    std::to_string(payload[i]) + ", not 0 or 1");

  // Fortran order is C order of the reversed shape, transposed back.
  std::vector<int64_t> stored(h.shape);
  if (h.fortranOrder)
    std::reverse(stored.begin(), stored.end());
  try {
    Tensor t = empty(stored, type);
    if (nbytes)
      std::memcpy(t.data_ptr(), payload, size_t(nbytes));
    if (!h.fortranOrder || t.dim() < 2)
      return t;
    std::vector<int64_t> reversed;
    for (int64_t d = t.dim() - 1; d >= 0; --d)
      reversed.push_back(d);
    return t.permute(reversed).contiguous();
  } catch (const std::bad_alloc &) {
    throw error("out of memory for " + std::to_string(nbytes) + " bytes");
  }
}

Tensor readNpy(const std::string &path) {
  // A directory opens as a stream on Linux and a device may never end: only
  // regular files and pipes are read.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw Error("cannot open '" + path + "': " + std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    throw Error("'" + path + "' is a directory, not a .npy file");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
    throw Error("'" + path + "' is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open())
    throw Error("cannot open '" + path + "': " + std::strerror(errno));
  std::string bytes;
  try {
    std::ostringstream buffer;
    buffer << in.rdbuf();
    bytes = std::move(buffer).str();
  } catch (const std::bad_alloc &) {
    throw Error("'" + path + "': out of memory reading the file");
  }
  if (in.bad())
    throw Error("cannot read '" + path + "'");
  return parseNpy(bytes.data(), bytes.size(), path);
}

std::string encodeNpy(const Tensor &value) {
  Tensor t = value.contiguous();
  std::string h =
      "{'descr': '" + std::string(descrOf(t.dtype())) +
      "', 'fortran_order': False, 'shape': " + shapeText(t.sizes().vec()) +
      ", }";
  // numpy aligns the data to 64 bytes; the header ends with '\n'. A header
  // too long for format 1.0's 2-byte length takes 2.0's 4 bytes.
  bool v2 = 10 + h.size() + 64 > 0xffff;
  size_t prefix = v2 ? 12 : 10;
  h.append((64 - (prefix + h.size() + 1) % 64) % 64, ' ');
  h += '\n';
  std::string out("\x93NUMPY", 6);
  out += char(v2 ? 2 : 1);
  out += char(0);
  for (size_t i = 0; i < prefix - 8; ++i)
    out += char((h.size() >> (8 * i)) & 0xff);
  out += h;
  out.append(static_cast<const char *>(t.data_ptr()),
             size_t(t.numel()) * elementSize(t.dtype()));
  return out;
}

void writeNpy(const Tensor &t, const std::string &path) {
  std::string bytes = encodeNpy(t);
  std::ofstream out(path, std::ios::binary);
  KILN_CHECK(out.is_open(), "cannot write '", path,
             "': ", std::strerror(errno));
  out.write(bytes.data(), std::streamsize(bytes.size()));
  out.close();
  KILN_CHECK(!out.fail(), "cannot write '", path, "'");
}

} // namespace kiln::tools
