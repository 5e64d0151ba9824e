// The reproductions, one per paper claim; each is defined in its own file of this folder.
#include "cli/reproduce/entries.hpp"

namespace commopt::reproduce {

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      dasha_vs_marina_entry(),
      dasha_pp_participation_entry(),
      ef21_vs_diana_entry(),
  };
  return all;
}

}  // namespace commopt::reproduce
