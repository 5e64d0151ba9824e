// The datasets `commopt data fetch NAME` knows: the LIBSVM collection's binary and multiclass pages
// (https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/{binary,multiclass}/FILE), with the sizes
// and SHA-256 of the files whose real bytes we had when the table was written.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace commopt {

// One downloadable file. `sha256` empty (and `bytes` 0) = checksum not recorded: nobody who wrote
// the table had these bytes, so a fetch can only check that the file parses as LIBSVM.
struct CatalogueFile {
  std::string file;       // file name, e.g. "real-sim.bz2"
  std::string sha256;     // of the file's bytes as served (compressed if the file is)
  std::uint64_t bytes = 0;
};

struct CatalogueEntry {
  std::string name;        // what data=NAME and `data fetch NAME` say
  std::string page;        // "binary" or "multiclass": the LIBSVM page holding `upstream`
  CatalogueFile upstream;  // the file on the LIBSVM page
  // The xz copy shipped in shared/datasets (file empty: none); a mirror (`--from DIR|URL`) holding
  // it is checked against these exact bytes.
  CatalogueFile mirror;
  // SHA-256 of the decompressed text of the shared/datasets copy (empty: none). That copy came from
  // GitHub (shared/datasets/MANIFEST.md), not from the LIBSVM server, so a download whose content
  // differs is reported, not refused.
  std::string content_sha256;
};

// The table: the built-in one, or, when $COMMOPT_DATA_CATALOGUE names a file, that file instead
// (tests: a small file served by a local server). Its lines: `name page file sha256|- bytes|-
// [mirror_file mirror_sha256 mirror_bytes [content_sha256]]`; '#' starts a comment.
const std::vector<CatalogueEntry>& dataset_catalogue();

// The entry for `name`, or nullptr.
const CatalogueEntry* find_catalogue_entry(const std::string& name);

// https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/<page>/<upstream file>
std::string libsvm_url(const CatalogueEntry& e);

}  // namespace commopt
