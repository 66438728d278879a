//===- Device.cpp - Device strings and names, as libtorch parses them ----===//
#include "kiln/Error.h"
#include "kiln/TensorOptions.h"

#include <cctype>

namespace kiln {

namespace {
struct DeviceTypeEntry {
  const char *name;
  DeviceType type;
};
constexpr DeviceTypeEntry kDeviceTypes[] = {
    {"cpu", DeviceType::CPU},       {"cuda", DeviceType::CUDA},
    {"mkldnn", DeviceType::MKLDNN}, {"opengl", DeviceType::OPENGL},
    {"opencl", DeviceType::OPENCL}, {"ideep", DeviceType::IDEEP},
    {"hip", DeviceType::HIP},       {"fpga", DeviceType::FPGA},
    {"maia", DeviceType::MAIA},     {"xla", DeviceType::XLA},
    {"vulkan", DeviceType::Vulkan}, {"metal", DeviceType::Metal},
    {"xpu", DeviceType::XPU},       {"mps", DeviceType::MPS},
    {"meta", DeviceType::Meta},
};
} // namespace

std::string DeviceTypeName(DeviceType d, bool lower_case) {
  for (const auto &e : kDeviceTypes)
    if (e.type == d) {
      std::string name = e.name;
      if (!lower_case)
        for (char &c : name)
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return name;
    }
  return "UNKNOWN";
}

std::ostream &operator<<(std::ostream &os, DeviceType d) {
  return os << DeviceTypeName(d, /*lower_case=*/true);
}

Device::Device(const std::string &s) : type_(kCPU), index_(-1) {
  KILN_CHECK(!s.empty(), "Device string must not be empty");
  // "<type>" or "<type>:<index>", the index a non-negative decimal number
  // without leading zeros.
  size_t colon = s.find(':');
  std::string name = s.substr(0, colon);
  bool found = false;
  for (const auto &e : kDeviceTypes)
    if (name == e.name) {
      type_ = e.type;
      found = true;
    }
  bool ok = found;
  if (ok && colon != std::string::npos) {
    std::string digits = s.substr(colon + 1);
    ok = !digits.empty() && digits.size() <= 9 &&
         (digits.size() == 1 || digits[0] != '0');
    for (char c : digits)
      ok = ok && std::isdigit(static_cast<unsigned char>(c));
    if (ok)
      index_ = std::stoi(digits);
  }
  KILN_CHECK(ok, "Invalid device string: '", s, "'");
  KILN_CHECK(!(type_ == kCPU && index_ > 0),
             "CPU device index must be -1 or zero, got ", index_);
}

std::string Device::str() const {
  std::string r = DeviceTypeName(type_, /*lower_case=*/true);
  if (has_index())
    r += ":" + std::to_string(index_);
  return r;
}

std::ostream &operator<<(std::ostream &os, const Device &d) {
  return os << d.str();
}

std::ostream &operator<<(std::ostream &os, Layout l) {
  switch (l) {
  case Layout::Strided:
    return os << "Strided";
  case Layout::Sparse:
    return os << "Sparse";
  case Layout::SparseCsr:
    return os << "SparseCsr";
  case Layout::Mkldnn:
    return os << "Mkldnn";
  }
  return os;
}

} // namespace kiln
