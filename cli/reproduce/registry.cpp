// The reproductions, one per paper claim; each is defined in its own file of this folder.
#include "cli/reproduce/reproduction.hpp"

namespace commopt::reproduce {

// (one declaration per entry file; keep the order of `reproduce --list`)
Entry lag_uploads_entry();
Entry laq_entry();
Entry qsparse_bits_entry();
Entry dist_ef_two_way_entry();
Entry ef_sgd_entry();
Entry cser_entry();

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      lag_uploads_entry(), laq_entry(), qsparse_bits_entry(), dist_ef_two_way_entry(),
      ef_sgd_entry(), cser_entry(),
  };
  return all;
}

}  // namespace commopt::reproduce
