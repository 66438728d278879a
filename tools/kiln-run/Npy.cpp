//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
#include "Npy.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace kiln::tools {

namespace {
const char *descr(ScalarType t) {
  switch (t) {
  case kFloat:
    return "<f4";
  case kDouble:
    return "<f8";
  case kLong:
    return "<i8";
  default:
    return "|b1";
  }
}
} // namespace

Tensor readNpy(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  KILN_CHECK(in.good(), "cannot open '", path, "'");
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  KILN_CHECK(bytes.size() >= 10 && bytes.compare(0, 6, "\x93NUMPY") == 0, "'",
             path, "' is not a .npy file");
  size_t headerLen, start;
  if (bytes[6] == 1) {
    headerLen = uint8_t(bytes[8]) | (size_t(uint8_t(bytes[9])) << 8);
    start = 10;
  } else {
    KILN_CHECK(bytes.size() >= 12, "'", path, "' is truncated");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(uint8_t(bytes[8 + i])) << (8 * i);
    start = 12;
  }
  KILN_CHECK(bytes.size() >= start + headerLen, "'", path, "' is truncated");
  std::string header = bytes.substr(start, headerLen);
  auto field = [&](const std::string &key) {
    size_t k = header.find("'" + key + "'");
    KILN_CHECK(k != std::string::npos, "'", path, "': no ", key, " in header");
    return header.substr(header.find(':', k) + 1);
  };
  std::string d = field("descr");
  ScalarType type;
  if (d.find("<f4") != std::string::npos)
    type = kFloat;
  else if (d.find("<f8") != std::string::npos)
    type = kDouble;
  else if (d.find("<i8") != std::string::npos)
    type = kLong;
  else if (d.find("|b1") != std::string::npos)
    type = kBool;
  else
    throw Error("'" + path + "': unsupported dtype " + d.substr(0, 8));
  KILN_CHECK(field("fortran_order").find("False") < 3, "'", path,
             "': Fortran order is not supported");
  std::string shapeText = field("shape");
  shapeText = shapeText.substr(shapeText.find('(') + 1);
  shapeText = shapeText.substr(0, shapeText.find(')'));
  std::vector<int64_t> shape;
  std::stringstream ss(shapeText);
  std::string item;
  while (std::getline(ss, item, ','))
    if (item.find_first_not_of(' ') != std::string::npos)
      shape.push_back(std::stoll(item));
  Tensor t = empty(shape, type);
  size_t nbytes = t.numel() * elementSize(type);
  KILN_CHECK(bytes.size() >= start + headerLen + nbytes, "'", path,
             "' has fewer elements than its shape says");
  std::memcpy(t.data_ptr(), bytes.data() + start + headerLen, nbytes);
  return t;
}

void writeNpy(const Tensor &value, const std::string &path) {
  Tensor t = value.contiguous();
  std::ostringstream header;
  header << "{'descr': '" << descr(t.dtype())
         << "', 'fortran_order': False, 'shape': (";
  for (int64_t d = 0; d < t.dim(); ++d)
    header << t.size(d) << (t.dim() == 1 || d + 1 < t.dim() ? ", " : "");
  header << "), }";
  std::string h = header.str();
  size_t total = 10 + h.size() + 1;
  h.append((64 - total % 64) % 64, ' ');
  h += '\n';
  std::ofstream out(path, std::ios::binary);
  KILN_CHECK(out.good(), "cannot write '", path, "'");
  out.write("\x93NUMPY\x01\x00", 8);
  uint16_t len = static_cast<uint16_t>(h.size());
  char lenBytes[2] = {char(len & 0xff), char(len >> 8)};
  out.write(lenBytes, 2);
  out.write(h.data(), h.size());
  out.write(static_cast<const char *>(t.data_ptr()),
            t.numel() * elementSize(t.dtype()));
}

} // namespace kiln::tools
