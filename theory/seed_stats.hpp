// Statistics of the over-seeds checks (issue 15 item 6). With R seeds the standardized mean
// (mean − μ0)/SE of R normal values follows a Student-t with R − 1 degrees of freedom, not a
// normal: at 8 seeds a 4-SE excursion has one-sided probability 2.6e-3, not 3.2e-5. A row that
// takes the maximum over m horizons T tests m hypotheses at once; Bonferroni (per-T level α/m)
// keeps the family-wise false-alarm rate ≤ α under any dependence between the T (Holm's step-down
// procedure rejects "some T" exactly when Bonferroni does, so for a pass/FAIL verdict they agree).
#pragma once
#include <cstddef>
#include <vector>

namespace commopt {

// P(T > t) for a Student-t with `dof` degrees of freedom (dof >= 1).
double student_t_upper_tail(double t, double dof);
// The t with P(T > t) = alpha (0 < alpha < 1).
double student_t_upper_quantile(double alpha, double dof);

// Mean and standard error (sample sd/√R) of per-seed values.
struct MeanSe {
  double mean = 0, se = 0;
};
MeanSe mean_se(const std::vector<double>& v);

// The one-sided test "E[X] ≤ μ0" at horizons T = 1..m, each from R per-seed values, with a
// family-wise false-alarm rate ≤ alpha over the m tested horizons (Bonferroni). A horizon whose
// seeds all agree (SE below `se_floor`) is deterministic: it fails only when its excess exceeds
// `det_tol`.
struct SupermartingaleTest {
  double alpha = 1e-3;      // family-wise false-alarm rate of the row
  std::size_t tested = 0;   // horizons tested (m)
  double critical_t = 0;    // the t quantile at alpha/m with R − 1 dof
  double worst_t = 0;       // max over horizons of (mean − μ0)/SE
  double worst_excess = 0;  // mean − μ0 at the worst horizon
  double min_adjusted_p = 1;  // min over horizons of m · P(T > t_T), clipped to 1
  std::size_t worst_index = 0;
  bool deterministic_violation = false;  // a zero-variance horizon with excess above det_tol
  std::size_t deterministic_horizons = 0;  // horizons where every seed agreed
  double worst_deterministic_excess = -1e300;  // max excess over those
  bool all_deterministic() const { return deterministic_horizons == tested; }
  bool rejects() const { return deterministic_violation || worst_t > critical_t; }
};
// `values[h]` holds the R per-seed values at horizon h; μ0 is the same for every horizon.
SupermartingaleTest supermartingale_test(const std::vector<std::vector<double>>& values, double mu0, double alpha,
                                         double se_floor, double det_tol);

// Horizons 1..T−1 thinned to about `count` log-spaced values (always 1 and T−1): fewer tested
// horizons make the Bonferroni correction cheaper while keeping every scale of T.
std::vector<std::size_t> log_spaced_horizons(std::size_t T, std::size_t count);

}  // namespace commopt
