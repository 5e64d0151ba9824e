// On-disk cache of computed problem constants (JSON, one file per key) in
// $XDG_CACHE_HOME/commopt or ~/.cache/commopt. Entries are validated and their stored key compared
// before use, so a stale or corrupt file is recomputed, never trusted. Writes are atomic
// (temporary file + rename); failure to write is silent. Format version 2 (new fields: per-sample,
// Hessian-variance and noise constants with their kinds); version-1 files are recomputed.
// The same store holds other cached results (theory/fstar: f*), each under its own key.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/objective.hpp"

namespace commopt {

// Sets L_hat = sqrt(mean L_i^2) and L_max = max L_i from c.L_i (one formula for fresh and cached
// constants, so both give bit-identical values).
void summarize_L_i(ProblemConstants& c);

// The cache directory, or an empty path when neither $XDG_CACHE_HOME nor $HOME is set.
std::filesystem::path constants_cache_dir();

// The file that holds `key`.
std::filesystem::path constants_cache_file(const std::string& key);

// Cached constants for `key` with `workers` entries in L_i, or nullopt (missing, unreadable,
// corrupt, other key, wrong sizes, non-finite values). The result has source = "cache".
std::optional<ProblemConstants> load_cached_constants(const std::string& key, int workers);

// Stores `c` under `key`; returns false (and does nothing else) when that fails.
bool store_cached_constants(const std::string& key, const ProblemConstants& c);

// Generic entries: the JSON object stored under `key`, or nullopt when the file is missing,
// unreadable, not JSON, of another format version or holds another key. The caller validates
// the fields it reads (and treats any exception from nlohmann::json as a corrupt entry).
std::optional<nlohmann::json> load_cache_entry(const std::string& key);
// Stores the object `j` (fields "version" and "key" are added) atomically; false on failure.
bool store_cache_entry(const std::string& key, const nlohmann::json& j);

// Current format version of every entry.
int constants_cache_version();

}  // namespace commopt
