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

// What the lookup of `key` found: the constants, or why a present entry was rejected (`rejected` is
// empty when there is simply no usable entry: missing, another format version or another key).
struct ConstantsLookup {
  std::optional<ProblemConstants> constants;
  std::string rejected;
};
ConstantsLookup lookup_cached_constants(const std::string& key, int workers);

// The cheap checks of cached constants against the live problem (problems/constants_verify.cpp):
// finite, 0 <= mu <= L, L <= L_hat <= L_max (relative tolerance 1e-3), L > 0, and — unless L is only
// an estimate — a spot check: 4 power iterations on the Hessian at x = 0 (forward differences of full
// gradients: 5 in all) must not exceed L by more than 1%. Returns the reason of the first failure.
// spot_check = false skips the Hessian check (a process that holds only some workers cannot evaluate f).
std::optional<std::string> verify_constants(const Objective& problem, const ProblemConstants& c,
                                            bool spot_check = true);

// lookup + verify; an entry that fails either prints one line on stderr ("cache entry FILE failed
// verification (REASON); recomputed") and yields nullopt, so the caller recomputes and overwrites it.
std::optional<ProblemConstants> load_verified_constants(const Objective& problem, const std::string& key,
                                                        bool spot_check = true);

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
