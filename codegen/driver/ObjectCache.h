//===- ObjectCache.h - Compiled objects kept between processes --*- C++ -*-===//
#ifndef KILN_CODEGEN_DRIVER_OBJECTCACHE_H
#define KILN_CODEGEN_DRIVER_OBJECTCACHE_H

#include "codegen/Jit.h"

#include <atomic>
#include <functional>
#include <string>

namespace kiln::codegen {

/// Objects in files under a directory, one per key: `<sha256>.kobj`, named
/// by the hash of kiln's build and the key. A file holds a magic word, the
/// hash of its key, the object's length, the object and the object's hash,
/// so a truncated, corrupt or foreign entry is a miss (and is removed),
/// never a crash. Stores write a private temporary file and rename it over
/// the entry: concurrent writers and readers see whole files only. Any I/O
/// failure is a miss or a skipped store.
///
/// The directory is bounded: a hit refreshes its entry's time, and the
/// first store of a process that finds more than `limitBytes` of entries
/// deletes the least recently used ones until half the limit remains.
class PersistentObjectCache : public ObjectCache {
public:
  static constexpr uint64_t kDefaultLimitBytes = uint64_t(512) << 20;

  /// `log` receives one line per fault (a bad entry, a failed store).
  PersistentObjectCache(std::string directory,
                        std::function<void(const std::string &)> log = {},
                        uint64_t limitBytes = kDefaultLimitBytes);
  std::optional<std::string> load(const std::string &key) override;
  void store(const std::string &key, const std::string &object) override;

  const std::string &directory() const { return directory_; }
  /// The file that holds (or would hold) `key`'s object.
  std::string entryPath(const std::string &key) const;

  /// The cache kiln::compile uses, or null when KILN_CACHE=0: the
  /// directory $KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln, else
  /// $HOME/.cache/kiln. Read once per process.
  static PersistentObjectCache *fromEnvironment();

private:
  std::string directory_;
  std::function<void(const std::string &)> log_;
  uint64_t limitBytes_;
  std::atomic<bool> reportedWriteFailure_{false};
  std::atomic<bool> pruned_{false};

  /// Deletes the least recently used entries when the directory holds
  /// more than limitBytes_.
  void prune();
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_DRIVER_OBJECTCACHE_H
