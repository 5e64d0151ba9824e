// The reproductions, one per paper claim; each is defined in its own file of this folder.
#include "cli/reproduce/reproduction.hpp"

namespace commopt::reproduce {

// (one declaration per entry file; keep the order of `reproduce --list`)

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
  };
  return all;
}

}  // namespace commopt::reproduce
