// The registry's entries: one function per method, defined in the method's own file next to the
// code and the theorem it implements (name, doc, paper, parameters, builder, theorem card, check
// plan). lib/methods/registry.cpp lists them; nothing else names a method.
#pragma once
#include "methods/method.hpp"

namespace commopt {
MethodEntry gd_entry();              // gd.cpp
MethodEntry ef21_entry();            // ef21.cpp
MethodEntry dasha_entry();           // dasha.cpp
MethodEntry dasha_page_entry();      // dasha_vr.cpp
MethodEntry dasha_mvr_entry();
MethodEntry dasha_sync_mvr_entry();
MethodEntry dasha_pp_entry();        // dasha_pp.cpp
MethodEntry dasha_pp_page_entry();
MethodEntry dasha_pp_mvr_entry();
MethodEntry lag_entry();             // lag.cpp
MethodEntry local_sgd_entry();       // local_sgd.cpp
MethodEntry qsparse_local_sgd_entry();  // qsparse_local_sgd.cpp
MethodEntry dist_ef_sgd_entry();     // dist_ef_sgd.cpp
MethodEntry dist_ef_sgdm_entry();
MethodEntry dist_ef_blocksgd_entry();
MethodEntry dist_ef_blocksgdm_entry();
MethodEntry signsgd_mv_entry();      // signsgd_mv.cpp
MethodEntry signum_mv_entry();
MethodEntry marina_entry();          // marina.cpp
MethodEntry pp_marina_entry();
MethodEntry vr_marina_entry();       // vr_marina.cpp
MethodEntry page_entry();
MethodEntry diana_entry();           // diana.cpp
MethodEntry ef21_pp_entry();         // ef21_variants.cpp
MethodEntry ef21_bc_entry();
MethodEntry frecon_entry();          // frecon.cpp
MethodEntry cser_entry();            // cser.cpp
MethodEntry csea_entry();
MethodEntry cser_pl_entry();
MethodEntry ef_sgd_entry(); MethodEntry ef_signsgd_entry(); MethodEntry topk_sgd_entry();  // ef_sgd.cpp
MethodEntry mem_sgd_entry(); MethodEntry sgd_entry(); MethodEntry qsgd_sgd_entry();  // mem_sgd.cpp, sgd.cpp
MethodEntry laq_method_entry();      // laq.cpp (laq_entry is the compressor)
MethodEntry qgd_entry();
MethodEntry slaq_entry();
MethodEntry iag_entry();             // iag.cpp
}  // namespace commopt
