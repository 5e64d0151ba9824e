// The reproductions, one per paper claim; each is defined in its own file of this folder, in the
// order of `reproduce --list` (by paper: the DASHA family, then LAG/LAQ, Qsparse, dist-EF, EF, CSER).
#include "cli/reproduce/entries.hpp"

namespace commopt::reproduce {

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      dasha_vs_marina_entry(), dasha_pp_participation_entry(), ef21_vs_diana_entry(),
      lag_uploads_entry(),     laq_entry(),                    qsparse_bits_entry(),
      dist_ef_two_way_entry(), ef_sgd_entry(),                 cser_entry(),
  };
  return all;
}

}  // namespace commopt::reproduce
