// Verdict rules shared by reproductions, as pure functions of measured numbers (header-only, so the
// tests check them on made-up numbers):
//  * duels: "method A needs less of a resource than method B" at several targets/settings;
//  * participation scaling: "rounds grow like 1/p_a, bits per worker grow much less".
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/reproduce/report.hpp"

namespace commopt::reproduce {

// One comparison where less is better (bits to a target); +inf or NaN: not reached.
struct Duel {
  std::string at;  // e.g. "tuned, ||grad f||^2 <= 1e-3"
  double claimed = INFINITY, rival = INFINITY;
};

inline bool reached(double v) { return std::isfinite(v); }

// The claimed side wins a duel when it reached the target and needed strictly less than the rival
// (a rival that never reached loses to any reach). Duels neither side reached are no evidence.
// agrees: every duel with evidence won; disagrees: none won (or no evidence at all); partly otherwise.
inline Verdict duel_verdict(const std::vector<Duel>& duels) {
  int evidence = 0, wins = 0;
  for (const auto& d : duels) {
    if (!reached(d.claimed) && !reached(d.rival)) continue;
    ++evidence;
    wins += reached(d.claimed) && (!reached(d.rival) || d.claimed < d.rival);
  }
  if (evidence == 0 || wins == 0) return Verdict::disagrees;
  return wins == evidence ? Verdict::agrees : Verdict::partly;
}

inline std::string duel_number(double v) { return reached(v) ? fmt::format("{:.3g}", v) : std::string("not reached"); }

// "A 8.3e+03 vs B 1.87e+04 (tuned, ...)" for each duel with evidence, joined by "; ".
inline std::string duel_summary(const std::vector<Duel>& duels, const std::string& a, const std::string& b) {
  std::string s;
  for (const auto& d : duels) {
    if (!reached(d.claimed) && !reached(d.rival)) continue;
    if (!s.empty()) s += "; ";
    s += fmt::format("{} {} vs {} {} ({})", a, duel_number(d.claimed), b, duel_number(d.rival), d.at);
  }
  return s.empty() ? std::string("no target reached by either side") : s;
}

// One participation level against full participation, at one target.
struct ParticipationPoint {
  double inv_pa = 1;        // 1/p_a
  double rounds_ratio = 0;  // rounds to the target at p_a over rounds at p_a = 1 (inf: not reached)
  double bits_ratio = 0;    // bits per worker to the target, same ratio
  double target = 0;        // the target (for the text only)
};

// The DASHA-PP claim at one point: rounds grow about like 1/p_a (within a factor 2 either way) and
// bits per worker grow much less than rounds (bits ratio <= rounds ratio / 1.5).
inline bool rounds_scale_like_inverse_pa(const ParticipationPoint& p) {
  return std::isfinite(p.rounds_ratio) && p.rounds_ratio >= p.inv_pa / 2 && p.rounds_ratio <= 2 * p.inv_pa;
}
inline bool bits_grow_much_less(const ParticipationPoint& p) {
  return std::isfinite(p.bits_ratio) && std::isfinite(p.rounds_ratio) && p.bits_ratio <= p.rounds_ratio / 1.5;
}

// agrees: both parts hold at every point; disagrees: bits never grow much less than rounds (the
// central claim fails everywhere) or there are no points; partly otherwise.
inline Verdict participation_verdict(const std::vector<ParticipationPoint>& points) {
  int both = 0, bits = 0;
  for (const auto& p : points) {
    bits += bits_grow_much_less(p);
    both += bits_grow_much_less(p) && rounds_scale_like_inverse_pa(p);
  }
  if (points.empty() || bits == 0) return Verdict::disagrees;
  return both == static_cast<int>(points.size()) ? Verdict::agrees : Verdict::partly;
}

}  // namespace commopt::reproduce
