// The method registry: the spec parser, `commopt list methods`, `commopt theory`, `commopt check`
// and the docs read this one table. Each entry is defined in its method's file (entries.hpp).
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/entries.hpp"

namespace commopt {

namespace {
std::vector<MethodEntry> make_entries() {
  std::vector<MethodEntry> entries = {
      gd_entry(),        ef21_entry(),          dasha_entry(),           dasha_page_entry(),
      dasha_mvr_entry(), dasha_sync_mvr_entry(), dasha_pp_entry(),       dasha_pp_page_entry(),
      dasha_pp_mvr_entry(), lag_entry(),        local_sgd_entry(),       dist_ef_sgd_entry(),
      marina_entry(),    vr_marina_entry(),     pp_marina_entry(),       page_entry(),
      diana_entry(),     ef21_pp_entry(),       ef21_bc_entry(),         frecon_entry(),
      qsparse_local_sgd_entry(),
      dist_ef_sgdm_entry(), dist_ef_blocksgd_entry(), dist_ef_blocksgdm_entry(), signsgd_mv_entry(), signum_mv_entry(),
      cser_entry(),      csea_entry(),          cser_pl_entry(),
      ef_sgd_entry(), ef_signsgd_entry(), topk_sgd_entry(), mem_sgd_entry(), sgd_entry(), qsgd_sgd_entry(),
      laq_method_entry(), qgd_entry(), slaq_entry(), iag_entry(),
  };
  for (auto& e : entries) {
    if (!e.build) throw std::logic_error("method " + e.name + " has no builder");
    e.card.method = e.name;
  }
  return entries;
}
}  // namespace

const std::vector<MethodEntry>& method_registry() {
  static const std::vector<MethodEntry> entries = make_entries();
  return entries;
}

const MethodEntry& find_method(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : method_registry()) {
    if (e.name == name) return e;
    names.push_back(e.name);
  }
  throw UsageError("--method: " + unknown_name_message("method", name, names));
}

MethodInstance make_method(const MethodSetup& setup) {
  const MethodEntry& entry = find_method(setup.method.name());
  setup.method.check_keys(entry.params);
  MethodInstance inst = entry.build(setup);
  if (!inst.info.contains(kInfoStochastic) || !inst.info[kInfoStochastic].is_boolean())
    throw std::logic_error("method " + entry.name + ": the builder must write info[\"" + kInfoStochastic + "\"]");
  const int end = setup.worker_end < 0 ? static_cast<int>(inst.workers.size()) : setup.worker_end;
  for (int i = 0; i < static_cast<int>(inst.workers.size()); ++i)
    if (i < setup.worker_begin || i >= end) inst.workers[static_cast<std::size_t>(i)].reset();
  inst.info["method"] = setup.method.str();
  inst.info["paper"] = entry.paper;
  return inst;
}

}  // namespace commopt
