//===- ObjectCache.cpp - Compiled objects kept between processes ----------===//
#include "ObjectCache.h"
#include "KilnBuildId.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

namespace kiln::codegen {
namespace {

constexpr char kMagic[8] = {'K', 'I', 'L', 'N', 'O', 'B', 'J', '1'};
constexpr size_t kHash = 32;

std::array<uint8_t, 32> sha256(const std::string &bytes) {
  return llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
}

std::string raw(const std::array<uint8_t, 32> &hash) {
  return std::string(reinterpret_cast<const char *>(hash.data()), kHash);
}

/// What an entry is for: this build of kiln's code generator, and the key.
std::string fullKey(const std::string &key) {
  return std::string("kiln-object-cache 1\nbuild: ") + KILN_BUILD_ID + "\n" +
         key;
}

bool readWhole(const std::string &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream os;
  os << in.rdbuf();
  if (in.bad())
    return false;
  out = os.str();
  return true;
}

} // namespace

PersistentObjectCache::PersistentObjectCache(
    std::string directory, std::function<void(const std::string &)> log,
    uint64_t limitBytes)
    : directory_(std::move(directory)), log_(std::move(log)),
      limitBytes_(limitBytes) {}

std::string PersistentObjectCache::entryPath(const std::string &key) const {
  return directory_ + "/" + llvm::toHex(sha256(fullKey(key)), true) + ".kobj";
}

std::optional<std::string> PersistentObjectCache::load(const std::string &key) {
  std::string path = entryPath(key), bytes;
  if (!readWhole(path, bytes))
    return std::nullopt; // Not there (or unreadable): a plain miss.
  auto reject = [&](const char *why) -> std::optional<std::string> {
    if (log_)
      log_("object cache: ignoring " + path + " (" + why + "); recompiling");
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return std::nullopt;
  };
  size_t head = sizeof kMagic + kHash + 8;
  if (bytes.size() < head + kHash)
    return reject("truncated");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return reject("not a kiln object, or another format version");
  if (bytes.compare(sizeof kMagic, kHash, raw(sha256(fullKey(key)))) != 0)
    return reject("written for another key");
  uint64_t length = 0;
  for (int i = 0; i < 8; ++i)
    length |= uint64_t(uint8_t(bytes[sizeof kMagic + kHash + i])) << (8 * i);
  if (length != bytes.size() - head - kHash)
    return reject("truncated");
  std::string object = bytes.substr(head, length);
  if (bytes.compare(head + length, kHash, raw(sha256(object))) != 0)
    return reject("corrupt");
  // Recently used: pruning keeps it.
  std::error_code ignored;
  std::filesystem::last_write_time(
      path, std::filesystem::file_time_type::clock::now(), ignored);
  return object;
}

void PersistentObjectCache::prune() {
  namespace fs = std::filesystem;
  struct Entry {
    fs::file_time_type time;
    uintmax_t size;
    fs::path path;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code error;
  for (fs::directory_iterator it(directory_, error), end; !error && it != end;
       it.increment(error)) {
    if (it->path().extension() != ".kobj")
      continue;
    std::error_code e;
    uintmax_t size = it->file_size(e);
    fs::file_time_type time = it->last_write_time(e);
    if (e)
      continue;
    entries.push_back({time, size, it->path()});
    total += size;
  }
  if (total <= limitBytes_)
    return;
  std::sort(entries.begin(), entries.end(),
            [](const Entry &a, const Entry &b) { return a.time < b.time; });
  size_t removed = 0;
  for (const Entry &e : entries) {
    if (total <= limitBytes_ / 2)
      break;
    std::error_code ignored;
    if (fs::remove(e.path, ignored)) {
      total -= e.size;
      ++removed;
    }
  }
  if (log_ && removed)
    log_("object cache: removed " + std::to_string(removed) +
         " least recently used entries from " + directory_);
}

void PersistentObjectCache::store(const std::string &key,
                                  const std::string &object) {
  if (!pruned_.exchange(true))
    prune();
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  std::string path = entryPath(key);
  static std::atomic<unsigned> counter{0};
  std::string temporary = path + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(counter++);
  std::string bytes(kMagic, sizeof kMagic);
  bytes += raw(sha256(fullKey(key)));
  for (int i = 0; i < 8; ++i)
    bytes += char(uint64_t(object.size()) >> (8 * i));
  bytes += object;
  bytes += raw(sha256(object));
  bool written = false;
  {
    std::ofstream out(temporary, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.close();
    written = out.good();
  }
  if (written)
    std::filesystem::rename(temporary, path, error);
  if (!written || error) {
    std::filesystem::remove(temporary, error);
    // Once per cache: an unwritable directory stays unwritable.
    if (log_ && !reportedWriteFailure_.exchange(true))
      log_("object cache: cannot write " + path +
           "; compiled code is not cached (reported once)");
  }
}

PersistentObjectCache *PersistentObjectCache::fromEnvironment() {
  static PersistentObjectCache *cache = []() -> PersistentObjectCache * {
    const char *off = std::getenv("KILN_CACHE");
    if (off && std::string(off) == "0")
      return nullptr;
    std::string directory;
    if (const char *d = std::getenv("KILN_CACHE_DIR"); d && *d)
      directory = d;
    else if (const char *x = std::getenv("XDG_CACHE_HOME"); x && *x)
      directory = std::string(x) + "/kiln";
    else if (const char *h = std::getenv("HOME"); h && *h)
      directory = std::string(h) + "/.cache/kiln";
    else
      return nullptr;
    return new PersistentObjectCache(directory, [](const std::string &line) {
      std::fprintf(stderr, "[kiln] %s\n", line.c_str());
    });
  }();
  return cache;
}

} // namespace kiln::codegen
