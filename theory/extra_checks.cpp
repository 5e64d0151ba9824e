#include "theory/extra_checks.hpp"

#include <stdexcept>

namespace commopt {

const std::vector<ExtraCheck>& extra_checks() {
  static const std::vector<ExtraCheck> table = {
      {"virtual-sequence", true,
       [](const Objective& p, const ExtraCheckRun& r) {
         return std::vector<CheckRow>{virtual_sequence_row(p, r.method, r.compressor, r.rounds)};
       }},
      {"gd-consistency", false,
       [](const Objective& p, const ExtraCheckRun&) { return std::vector<CheckRow>{local_sgd_consistency_row(p, 50)}; }},
      {"potential-power", true, [](const Objective& p, const ExtraCheckRun& r) { return potential_power_rows(p, r.method, r.rounds); }},
      {"potential-sharp", true, [](const Objective&, const ExtraCheckRun& r) { return potential_sharp_rows(r.method, r.rounds); }},
      {"laq-qgd-identity", false, [](const Objective& p, const ExtraCheckRun& r) { return laq_qgd_identity_rows(p, r.rounds); }},
      {"slaq-laq-identity", false, [](const Objective& p, const ExtraCheckRun& r) { return slaq_laq_identity_rows(p, r.rounds); }},
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
