//===- Safetensors.cpp - The safetensors format on raw memory -------------===//
//
// The reader trusts nothing in the file: every length, count and offset is
// checked before it is used, and every malformed input is a kiln::Error that
// names the file. It follows the reference implementation (huggingface's
// safetensors crate): a header of at most 100 MB, tensors that tile the data
// buffer exactly (in any header order, no gaps, no overlaps), unknown fields
// of a tensor ignored, and its error wording where it has one.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Safetensors.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <numeric>
#include <tuple>
#include <unordered_set>

// Tensor data is copied as is: safetensors is little-endian.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the safetensors reader assumes a little-endian host");

namespace kiln::runtime {

namespace {

constexpr uint64_t kMaxHeaderSize = 100'000'000; // The crate's MAX_HEADER_SIZE.
constexpr int kMaxJsonDepth = 64; // Bounds the recursion of skipValue.

/// Quotes a name from the file for an error message: control characters
/// escaped, very long names shortened.
std::string quoted(const std::string &name) {
  std::string out = "`";
  for (size_t i = 0; i < name.size() && i < 120; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (name.size() > 120)
    out += "...";
  return out + "`";
}

std::string listString(const std::vector<int64_t> &v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "]";
}

/// The offset of the first byte that is not valid UTF-8 (overlong forms,
/// surrogates and code points past U+10FFFF included), or npos.
size_t invalidUtf8At(const unsigned char *s, size_t n) {
  static const uint32_t minCodePoint[5] = {0, 0, 0x80, 0x800, 0x10000};
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (n - i < len)
      return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < minCodePoint[len] || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::string::npos;
}

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// A JSON number as written, and its value when it is an integer.
struct JsonNumber {
  std::string text;
  bool negative = false;
  bool integral = true;  // No fraction and no exponent.
  bool tooLarge = false; // Magnitude past INT64_MAX.
  int64_t value = 0;     // The magnitude when integral and not tooLarge.
};

/// A strict reader of RFC 8259 JSON text: only what the safetensors header
/// needs is turned into values, the rest is checked and skipped.
class JsonReader {
public:
  JsonReader(const char *text, size_t size, const std::string &source)
      : s_(text), n_(size), source_(source) {}

  [[noreturn]] void fail(const std::string &what) const {
    throw Error("cannot load safetensors file '" + source_ +
                "': invalid JSON in header at byte " + std::to_string(pos_) +
                ": " + what);
  }

  void skipSpace() {
    while (pos_ < n_ && (s_[pos_] == ' ' || s_[pos_] == '\t' ||
                         s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool atEnd() {
    skipSpace();
    return pos_ == n_;
  }
  /// The next non-space character; only meaningful when !atEnd().
  char peek() {
    skipSpace();
    return pos_ < n_ ? s_[pos_] : '\0';
  }
  /// What comes next, for error messages.
  std::string next() {
    if (atEnd())
      return "the end of the header";
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c < 0x20 || c >= 0x7f) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
      return buf;
    }
    return std::string("'") + static_cast<char>(c) + "'";
  }
  bool accept(char c) {
    if (atEnd() || s_[pos_] != c)
      return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!accept(c))
      fail(std::string("expected '") + c + "', found " + next());
  }

  std::string string() {
    if (peek() != '"' || atEnd())
      fail("expected a string, found " + next());
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= n_)
        fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"')
        return out;
      if (c < 0x20)
        fail("control character in a string");
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (pos_ >= n_)
        fail("unterminated string");
      char esc = s_[pos_++];
      static const char kFrom[] = "\"\\/bfnrt", kTo[] = "\"\\/\b\f\n\r\t";
      if (const char *hit = esc ? std::strchr(kFrom, esc) : nullptr) {
        out += kTo[hit - kFrom];
        continue;
      }
      if (esc != 'u') {
        --pos_;
        fail("invalid escape in a string");
      }
      uint32_t cp = hex4();
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        // A high surrogate must be followed by an escaped low one.
        if (n_ - pos_ < 2 || s_[pos_] != '\\' || s_[pos_ + 1] != 'u')
          fail("unpaired surrogate in a \\u escape");
        pos_ += 2;
        uint32_t low = hex4();
        if (low < 0xDC00 || low > 0xDFFF)
          fail("unpaired surrogate in a \\u escape");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        fail("unpaired surrogate in a \\u escape");
      }
      appendUtf8(out, cp);
    }
  }

  JsonNumber number() {
    skipSpace();
    JsonNumber num;
    size_t start = pos_;
    if (pos_ < n_ && s_[pos_] == '-') {
      num.negative = true;
      ++pos_;
    }
    size_t digits = pos_;
    uint64_t value = 0;
    while (pos_ < n_ && isDigit(s_[pos_])) {
      uint64_t d = static_cast<uint64_t>(s_[pos_++] - '0');
      if (value > (uint64_t(INT64_MAX) - d) / 10)
        num.tooLarge = true;
      else
        value = value * 10 + d;
    }
    if (pos_ == digits)
      fail("expected a number, found " + next());
    if (s_[digits] == '0' && pos_ - digits > 1)
      fail("a number has a leading zero");
    if (pos_ < n_ && s_[pos_] == '.') {
      num.integral = false;
      ++pos_;
      if (!skipDigits())
        fail("expected a digit after the decimal point");
    }
    if (pos_ < n_ && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      num.integral = false;
      ++pos_;
      if (pos_ < n_ && (s_[pos_] == '+' || s_[pos_] == '-'))
        ++pos_;
      if (!skipDigits())
        fail("expected a digit in the exponent");
    }
    num.text.assign(s_ + start, std::min<size_t>(pos_ - start, 40));
    if (pos_ - start > 40)
      num.text += "...";
    num.value = static_cast<int64_t>(value);
    return num;
  }

  /// Checks and skips any value (fields the reader does not use).
  void skipValue(int depth = 0) {
    if (depth > kMaxJsonDepth)
      fail("values nested too deeply");
    char c = peek();
    if (atEnd())
      fail("expected a value, found the end of the header");
    if (c == '"') {
      string();
    } else if (c == '{') {
      ++pos_;
      if (accept('}'))
        return;
      do {
        string();
        expect(':');
        skipValue(depth + 1);
      } while (accept(','));
      expect('}');
    } else if (c == '[') {
      ++pos_;
      if (accept(']'))
        return;
      do
        skipValue(depth + 1);
      while (accept(','));
      expect(']');
    } else if (c == '-' || isDigit(c)) {
      number();
    } else if (!literal("true") && !literal("false") && !literal("null")) {
      fail("expected a value, found " + next());
    }
  }

  bool literal(const char *word) {
    size_t len = std::strlen(word);
    if (peek() != word[0] || n_ - pos_ < len ||
        std::memcmp(s_ + pos_, word, len) != 0)
      return false;
    pos_ += len;
    return true;
  }

private:
  static bool isDigit(char c) { return c >= '0' && c <= '9'; }
  bool skipDigits() {
    size_t start = pos_;
    while (pos_ < n_ && isDigit(s_[pos_]))
      ++pos_;
    return pos_ > start;
  }
  uint32_t hex4() {
    if (n_ - pos_ < 4)
      fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        fail("invalid hex digit in a \\u escape");
    }
    return v;
  }

  const char *s_;
  size_t n_;
  size_t pos_ = 0;
  const std::string &source_;
};

/// One tensor of the header, checked against the schema.
struct HeaderEntry {
  std::string name;
  ScalarType dtype = kFloat;
  std::vector<int64_t> shape;
  int64_t begin = 0, end = 0;
  int64_t bytes = 0; // What shape and dtype need.
};

const char *safetensorsType(ScalarType t) {
  switch (t) {
  case kFloat:
    return "F32";
  case kDouble:
    return "F64";
  case kLong:
    return "I64";
  case kBool:
    return "BOOL";
  default:
    throw Error(std::string("safetensors: cannot save a tensor of dtype ") +
                toString(t));
  }
}

/// Reads the header's tensor entries (in header order) and checks them
/// against each other and the `dataSize` bytes that follow the header.
class HeaderParser {
public:
  HeaderParser(const char *text, size_t size, const std::string &source)
      : json_(text, size, source), source_(source) {}

  std::vector<HeaderEntry> parse() {
    if (json_.atEnd() || json_.peek() != '{')
      fail("the header is not a JSON object (it starts with " + json_.next() +
           ")");
    json_.expect('{');
    std::vector<HeaderEntry> entries;
    std::unordered_set<std::string> seen;
    if (!json_.accept('}')) {
      do {
        std::string key = json_.string();
        // serde_json would keep the last of two equal keys; the format
        // forbids them, and a reader that keeps the first would disagree.
        if (!seen.insert(key).second)
          fail("duplicate key " + quoted(key) + " in the header");
        json_.expect(':');
        if (key == "__metadata__")
          metadata();
        else
          entries.push_back(entry(std::move(key)));
      } while (json_.accept(','));
      json_.expect('}');
    }
    if (!json_.atEnd())
      json_.fail("unexpected " + json_.next() + " after the header object");
    return entries;
  }

  [[noreturn]] void fail(const std::string &what) const {
    throw Error("cannot load safetensors file '" + source_ + "': " + what);
  }

private:
  /// `__metadata__` maps strings to strings (or is null).
  void metadata() {
    if (json_.literal("null"))
      return;
    if (json_.peek() != '{' || json_.atEnd())
      fail("__metadata__ must be an object of strings, found " + json_.next());
    json_.expect('{');
    if (json_.accept('}'))
      return;
    std::unordered_set<std::string> seen;
    do {
      std::string key = json_.string();
      if (!seen.insert(key).second)
        fail("duplicate key " + quoted(key) + " in __metadata__");
      json_.expect(':');
      if (json_.peek() != '"' || json_.atEnd())
        fail("__metadata__ value of " + quoted(key) +
             " must be a string, found " + json_.next());
      json_.string();
    } while (json_.accept(','));
    json_.expect('}');
  }

  HeaderEntry entry(std::string name) {
    HeaderEntry e;
    e.name = std::move(name);
    const std::string who = "tensor " + quoted(e.name);
    if (json_.peek() != '{' || json_.atEnd())
      fail("the entry of " + who + " is not a JSON object (found " +
           json_.next() + ")");
    json_.expect('{');
    bool hasDtype = false, hasShape = false, hasOffsets = false;
    if (!json_.accept('}')) {
      do {
        std::string field = json_.string();
        json_.expect(':');
        if (field == "dtype") {
          once(hasDtype, field, who);
          if (json_.peek() != '"' || json_.atEnd())
            fail("dtype of " + who + " must be a string, found " +
                 json_.next());
          e.dtype = dtype(json_.string(), who);
        } else if (field == "shape") {
          once(hasShape, field, who);
          e.shape = integers("shape", who, /*maxCount=*/kMaxTensorRank);
        } else if (field == "data_offsets") {
          once(hasOffsets, field, who);
          std::vector<int64_t> offsets = integers("data_offsets", who, 2);
          if (offsets.size() != 2)
            fail("data_offsets of " + who + " must be two numbers, got " +
                 std::to_string(offsets.size()));
          e.begin = offsets[0];
          e.end = offsets[1];
        } else {
          json_.skipValue(); // The crate ignores unknown fields too.
        }
      } while (json_.accept(','));
      json_.expect('}');
    }
    if (!hasDtype || !hasShape || !hasOffsets)
      fail(who + " has no " +
           (!hasDtype   ? "dtype"
            : !hasShape ? "shape"
                        : "data_offsets"));
    // Every count must fit in int64: the element count, the byte count,
    // and the contiguous strides (which skip zero dimensions).
    int64_t numel = 1, strideSpan = 1;
    bool overflow = false;
    for (int64_t d : e.shape) {
      overflow |= __builtin_mul_overflow(numel, d, &numel);
      overflow |= __builtin_mul_overflow(strideSpan, std::max<int64_t>(d, 1),
                                         &strideSpan);
    }
    overflow |= __builtin_mul_overflow(
        numel, static_cast<int64_t>(elementSize(e.dtype)), &e.bytes);
    if (overflow)
      fail("overflow computing buffer size from shape and/or element type: " +
           who + " has shape " + listString(e.shape));
    return e;
  }

  void once(bool &seen, const std::string &field, const std::string &who) {
    if (seen)
      fail("duplicate field " + field + " of " + who);
    seen = true;
  }

  ScalarType dtype(const std::string &name, const std::string &who) {
    if (name == "F32")
      return kFloat;
    if (name == "F64")
      return kDouble;
    if (name == "I64")
      return kLong;
    if (name == "BOOL")
      return kBool;
    static const char *const known[] = {
        "F4",      "F6_E2M3", "F6_E3M2",     "U8",          "I8",  "F8_E5M2",
        "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16",
        "F16",     "BF16",    "I32",         "U32",         "C64", "U64"};
    for (const char *k : known)
      if (name == k)
        fail(who + " has dtype " + name +
             ", which kiln does not support (it reads F32, F64, I64 and "
             "BOOL)");
    fail(who + " has unknown dtype " + quoted(name));
  }

  /// A JSON array of at most `maxCount` non-negative int64 values.
  std::vector<int64_t> integers(const std::string &field,
                                const std::string &who, int64_t maxCount) {
    if (json_.peek() != '[' || json_.atEnd())
      fail(field + " of " + who + " must be a list of integers, found " +
           json_.next());
    json_.expect('[');
    std::vector<int64_t> out;
    if (json_.accept(']'))
      return out;
    do {
      if (static_cast<int64_t>(out.size()) == maxCount)
        fail(field + " of " + who + " has more than " +
             std::to_string(maxCount) + " entries" +
             (field == "shape"
                  ? " (kiln tensors have at most " +
                        std::to_string(kMaxTensorRank) + " dimensions)"
                  : std::string()));
      char c = json_.peek();
      if (json_.atEnd() || (c != '-' && (c < '0' || c > '9')))
        fail(field + " of " + who + " must be a list of integers, found " +
             json_.next());
      JsonNumber num = json_.number();
      if (!num.integral)
        fail(field + " of " + who + " holds " + num.text +
             ", which is not an integer");
      if (num.negative && (num.value != 0 || num.tooLarge))
        fail(field + " of " + who + " holds the negative value " + num.text);
      if (num.tooLarge)
        fail(field + " of " + who + " holds " + num.text +
             ", which does not fit in int64");
      out.push_back(num.value);
    } while (json_.accept(','));
    json_.expect(']');
    return out;
  }

  JsonReader json_;
  const std::string &source_;
};

/// Checks that the tensors tile [0, dataSize) exactly: in offset order,
/// each begins where the previous one ends and spans what it needs.
void checkLayout(const std::vector<HeaderEntry> &entries, uint64_t dataSize,
                 const HeaderParser &parser) {
  std::vector<size_t> order(entries.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::make_tuple(entries[a].begin, entries[a].end, a) <
           std::make_tuple(entries[b].begin, entries[b].end, b);
  });
  int64_t expectedBegin = 0;
  for (size_t i : order) {
    const HeaderEntry &e = entries[i];
    std::string where = "data_offsets [" + std::to_string(e.begin) + ", " +
                        std::to_string(e.end) + "]";
    if (e.end < e.begin)
      parser.fail("invalid offset for tensor " + quoted(e.name) + ": " + where +
                  " end before they begin");
    if (e.begin < expectedBegin)
      parser.fail("invalid offset for tensor " + quoted(e.name) + ": " + where +
                  " overlap the previous tensor, which ends at " +
                  std::to_string(expectedBegin));
    if (e.begin > expectedBegin)
      parser.fail("invalid offset for tensor " + quoted(e.name) + ": " + where +
                  " leave a gap after byte " + std::to_string(expectedBegin));
    if (e.end - e.begin != e.bytes)
      parser.fail("invalid shape, data type, or offset for tensor " +
                  quoted(e.name) + ": dtype " + safetensorsType(e.dtype) +
                  " and shape " + listString(e.shape) + " need " +
                  std::to_string(e.bytes) + " bytes, " + where + " hold " +
                  std::to_string(e.end - e.begin));
    if (static_cast<uint64_t>(e.end) > dataSize)
      parser.fail("tensor " + quoted(e.name) + " ends at byte " +
                  std::to_string(e.end) + " of the data, which has only " +
                  std::to_string(dataSize) + " bytes (truncated file?)");
    expectedBegin = e.end;
  }
  if (static_cast<uint64_t>(expectedBegin) != dataSize)
    parser.fail("incomplete metadata, file not fully covered: the tensors "
                "end at byte " +
                std::to_string(expectedBegin) + " of " +
                std::to_string(dataSize) + " bytes of data");
}

} // namespace

void appendJsonString(std::string &out, const std::string &s) {
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

std::vector<SafetensorsEntry> parseSafetensors(const void *data, size_t size,
                                               const std::string &source) {
  const auto *bytes = static_cast<const unsigned char *>(data);
  auto fail = [&](const std::string &what) {
    throw Error("cannot load safetensors file '" + source + "': " + what);
  };
  if (size < 8)
    fail("header too small: the file has " + std::to_string(size) +
         " bytes, fewer than the 8 of the header length");
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= uint64_t(bytes[i]) << (8 * i);
  if (n > kMaxHeaderSize)
    fail("header too large: its length is " + std::to_string(n) +
         " bytes, the limit is " + std::to_string(kMaxHeaderSize));
  if (n > size - 8)
    fail("invalid header length: " + std::to_string(n) + " bytes, but only " +
         std::to_string(size - 8) + " follow the length (truncated file?)");
  const char *header = reinterpret_cast<const char *>(bytes + 8);
  size_t bad = invalidUtf8At(bytes + 8, n);
  if (bad != std::string::npos)
    fail("invalid UTF-8 in header at byte " + std::to_string(bad));

  HeaderParser parser(header, n, source);
  std::vector<HeaderEntry> entries = parser.parse();
  const unsigned char *dataStart = bytes + 8 + n;
  uint64_t dataSize = size - 8 - n;
  checkLayout(entries, dataSize, parser);

  std::vector<SafetensorsEntry> out;
  out.reserve(entries.size());
  for (HeaderEntry &e : entries) {
    const unsigned char *src = dataStart + e.begin;
    // A bool byte other than 0 or 1 is undefined behaviour once read.
    if (e.dtype == kBool)
      for (int64_t i = 0; i < e.bytes; ++i)
        if (src[i] > 1)
          parser.fail("BOOL tensor " + quoted(e.name) + " holds the byte " +
                      std::to_string(src[i]) + " at element " +
                      std::to_string(i) + " (only 0 and 1 are booleans)");
    out.push_back({std::move(e.name), e.dtype, std::move(e.shape), src,
                   static_cast<size_t>(e.bytes)});
  }
  return out;
}

std::string serializeSafetensors(const std::vector<SafetensorsEntry> &entries) {
  std::string header = "{";
  int64_t offset = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const SafetensorsEntry &e = entries[i];
    KILN_CHECK(
        invalidUtf8At(reinterpret_cast<const unsigned char *>(e.name.data()),
                      e.name.size()) == std::string::npos,
        "safetensors: tensor name ", quoted(e.name), " is not valid UTF-8");
    KILN_CHECK(e.name != "__metadata__",
               "safetensors: a tensor cannot be named __metadata__");
    const char *dtype = safetensorsType(e.dtype);
    int64_t bytes = static_cast<int64_t>(e.bytes);
    if (i)
      header += ',';
    appendJsonString(header, e.name);
    header += ":{\"dtype\":\"";
    header += dtype;
    header += "\",\"shape\":[";
    for (size_t d = 0; d < e.shape.size(); ++d)
      header += (d ? "," : "") + std::to_string(e.shape[d]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' '); // Align the data to 8.
  std::string out;
  out.reserve(8 + header.size() + static_cast<size_t>(offset));
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>(n >> (8 * i));
  out += header;
  for (const SafetensorsEntry &e : entries)
    if (e.bytes)
      out.append(static_cast<const char *>(e.data), e.bytes);
  return out;
}

std::string readFileBytes(const std::string &path) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    int err = errno;
    throw FileError(
        "cannot open '" + path + "' for reading: " + std::strerror(err), err);
  }
  std::string bytes;
  try {
    char buf[1 << 16];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0)
      bytes.append(buf, got);
  } catch (const std::bad_alloc &) {
    std::fclose(f);
    throw FileError("cannot load safetensors file '" + path +
                        "': out of memory while reading it",
                    ENOMEM);
  }
  int readError = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (readError != 0)
    throw FileError("error while reading '" + path +
                        "': " + std::strerror(readError),
                    readError);
  return bytes;
}

void writeFileBytes(const std::string &path, const std::string &bytes) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    int err = errno;
    throw FileError(
        "cannot open '" + path + "' for writing: " + std::strerror(err), err);
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  int err = ok ? 0 : errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok)
    throw FileError("error while writing '" + path + "': " + std::strerror(err),
                    err);
}

} // namespace kiln::runtime
