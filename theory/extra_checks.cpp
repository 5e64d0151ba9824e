#include "theory/extra_checks.hpp"

#include "theory/cser_checks.hpp"
#include "theory/mvr_oracle.hpp"
#include "theory/pl_rate_checks.hpp"

#include <stdexcept>

namespace commopt {

const std::vector<ExtraCheck>& extra_checks() {
  static const std::vector<ExtraCheck> table = {
      {"virtual-sequence", true,
       [](const Objective& p, const ExtraCheckRun& r) {
         return virtual_sequence_rows(p, r.method, r.compressor, r.rounds);
       }},
      {"majority-vote", true,
       [](const Objective& p, const ExtraCheckRun& r) { return majority_vote_rows(p, r.method, r.rounds); }},
      {"gd-consistency", false,
       [](const Objective& p, const ExtraCheckRun&) {
         return std::vector<CheckRow>{local_sgd_consistency_row(p, 50), local_sgd_consistency_power_row(p, 50)};
       }},
      {"qsparse-virtual-sequence", true, [](const Objective& p, const ExtraCheckRun& r) { return qsparse_virtual_sequence_rows(p, r.method, r.compressor, r.rounds); }},
      {"qsparse-memory-bound", true, [](const Objective& p, const ExtraCheckRun& r) { return std::vector<CheckRow>{qsparse_memory_bound_row(p, r.method, r.compressor, r.rounds)}; }},
      {"qsparse-consistency", false, [](const Objective& p, const ExtraCheckRun&) { return qsparse_consistency_rows(p, 60); }},
      {"cser-invariants", true, [](const Objective& p, const ExtraCheckRun& r) { return cser_invariant_rows(p, r.method, r.rounds); }},
      {"cser-bits", true, [](const Objective& p, const ExtraCheckRun& r) { return cser_bits_rows(p, r.method, r.rounds); }},
      {"cser-rate", true, [](const Objective& p, const ExtraCheckRun& r) { return cser_rate_rows(p, r.method, r.rounds); }},
      {"ef-virtual-sequence", true, [](const Objective& p, const ExtraCheckRun& r) { return ef_virtual_sequence_rows(p, r.method, r.compressor, r.rounds); }},
      {"sgd-gd-consistency", true, [](const Objective& p, const ExtraCheckRun&) { return sgd_gd_consistency_rows(p, 50); }},
      {"upload-unbiased", true, [](const Objective& p, const ExtraCheckRun& r) { return upload_unbiased_rows(p, r.method, r.compressor); }},
      {"mem-sgd-rate", true, [](const Objective& p, const ExtraCheckRun& r) { return mem_sgd_rate_rows(p, r.method, r.compressor, r.rounds); }},
      {"potential-power", true, [](const Objective& p, const ExtraCheckRun& r) { return potential_power_rows(p, r.method, r.rounds); }},
      {"potential-sharp", true, [](const Objective&, const ExtraCheckRun& r) { return potential_sharp_rows(r.method, r.rounds); }},
      {"laq-qgd-identity", false, [](const Objective& p, const ExtraCheckRun& r) { return laq_qgd_identity_rows(p, r.rounds); }},
      {"slaq-laq-identity", false, [](const Objective& p, const ExtraCheckRun& r) { return slaq_laq_identity_rows(p, r.rounds); }},
      {"pl-rate", true, [](const Objective& p, const ExtraCheckRun& r) { return pl_rate_rows(p, r.method, r.compressor, r.rounds); }},
      {"mvr-oracle", false, [](const Objective& p, const ExtraCheckRun&) { return mvr_oracle_rows(p); }},
      {"laq-rate", true, [](const Objective& p, const ExtraCheckRun& r) { return laq_rate_rows(p, r.method, r.rounds); }},
  };
  return table;
}

const ExtraCheck& find_extra_check(const std::string& name) {
  for (const ExtraCheck& c : extra_checks())
    if (c.name == name) return c;
  throw std::logic_error("unknown extra check '" + name + "' (theory/extra_checks.cpp lists them)");
}

}  // namespace commopt
