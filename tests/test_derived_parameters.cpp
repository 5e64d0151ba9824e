// Derived parameters pinned (issue 15 item 2): each method's momenta a and b, probabilities p,
// omega / alpha, batch sizes and step size gamma at two settings, against numbers computed BY HAND
// from the papers' formulas (specs in ../shared/methods/, dasha-family.md §3) and written here as
// literals, never by calling the code's formulas. Problem: quadratic with workers-heterogeneity=0,
// so L = L_hat = 1 (checked first); d = 20.
//   setting A: n = 4, randk[k=4] (omega = d/K - 1 = 4), topk[k=4] (alpha = K/d = 0.2), s = 2, B' = 100
//   setting B: n = 5, randk[k=10] (omega = 1), topk[k=10] (alpha = 0.5), s = 3, B' = 16
#include <catch2/catch.hpp>

#include <string>

#include "methods/method.hpp"
#include "test_method_helpers.hpp"

using namespace commopt;

namespace {

nlohmann::json info_of(const Objective& p, const std::string& method, const std::string& comp) {
  MethodSetup s;
  s.problem = &p;
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse(comp, "--compressor");
  s.value_bits = 64;
  MethodInstance inst = make_method(s);
  nlohmann::json info = inst.info;
  info["gamma"] = inst.stepsize;
  return info;
}

double num(const nlohmann::json& j, const char* key) {
  INFO(key << " in " << j.dump());
  REQUIRE(j.contains(key));
  return j[key].get<double>();
}

void pin(const nlohmann::json& j, const char* key, double expected) {
  INFO(key);
  CHECK(num(j, key) == Approx(expected).epsilon(1e-9));
}

}  // namespace

TEST_CASE("derived parameters, setting A (n=4, omega=4, alpha=0.2, s=2, B'=100): hand-computed", "[derived]") {
  const auto p = testing::problem("quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0,seed=1]", 4);
  REQUIRE(p->constants().L == Approx(1).epsilon(1e-12));
  REQUIRE(p->constants().L_hat == Approx(1).epsilon(1e-12));
  // DASHA: a = 1/(2w+1) = 1/9; gamma = 1/(1 + sqrt(2*4*17/4)) = 1/(1 + sqrt 34).
  auto j = info_of(*p, "dasha", "randk[k=4]");
  pin(j, "omega", 4), pin(j, "momentum", 0.1111111111), pin(j, "gamma", 0.1463924817);
  // DASHA-PP s=2: p_a = 1/2, p_aa = 2*1/(4*3) = 1/6, a = p_a/9 = 1/18, b = p_a/(2-p_a) = 1/3;
  // Q = 136 + 9.5*(2/3) = 142.333..., A = 4*2.5/1.5*Q/(4*0.25) = 948.888..., gamma = 1/(1 + sqrt A).
  j = info_of(*p, "dasha_pp[participation=snice[s=2]]", "randk[k=4]");
  pin(j, "p_a", 0.5), pin(j, "p_aa", 0.1666666667), pin(j, "momentum", 0.05555555556), pin(j, "b", 0.3333333333);
  pin(j, "gamma", 0.03144254616);
  // DASHA-MVR: b = min(1/100, 1/(4*10)) = 0.01; B_init = floor(max(100, 40)) = 100.
  j = info_of(*p, "dasha_mvr", "randk[k=4]");
  pin(j, "b", 0.01), pin(j, "batch_init", 100), pin(j, "momentum", 0.1111111111);
  // DASHA-SYNC-MVR: p = min(1/100, 1/5) = 0.01; B_init = max(100, 4) = 100.
  j = info_of(*p, "dasha_sync_mvr", "randk[k=4]");
  pin(j, "prob", 0.01), pin(j, "batch_init", 100), pin(j, "momentum", 0.1111111111);
  // MARINA: p = 1/(1+w) = 0.2; gamma = 1/(1 + sqrt(0.8*4/(0.2*4))) = 1/3.
  j = info_of(*p, "marina", "randk[k=4]");
  pin(j, "p", 0.2), pin(j, "gamma", 0.3333333333);
  // PP-MARINA s=2: p = s/(n(1+w)) = 0.1; gamma = 1/(1 + sqrt(9*(2 + 2/6))) = 1/(1 + sqrt 21).
  j = info_of(*p, "pp_marina[s=2]", "randk[k=4]");
  pin(j, "p", 0.1), pin(j, "gamma", 0.1791287847);
  // DIANA: alpha = 1/(1+w) = 0.2; gamma = 1/(10 sqrt(1 + 4/4) (2 + 4)) = 1/(60 sqrt 2).
  j = info_of(*p, "diana", "randk[k=4]");
  pin(j, "alpha", 0.2), pin(j, "gamma", 0.01178511302);
  // EF21: theta = 1 - sqrt(0.8) = 0.1055728090, beta = 0.8/theta = 7.577708764, gamma = 1/(1 + sqrt(beta/theta)).
  j = info_of(*p, "ef21", "topk[k=4]");
  pin(j, "alpha", 0.2), pin(j, "theta", 0.1055728090), pin(j, "beta", 7.577708764), pin(j, "gamma", 0.1055728090);
  // FRECON s=2: alpha_u = 1/(1+w) = 0.2, lambda = s/(2(1+w)n) = 0.05; gamma = 1/(1 + sqrt(0.8*4/(0.2*2))) = 1/(1 + sqrt 8).
  j = info_of(*p, "frecon", "randk[k=4]");
  pin(j, "alpha_u", 0.2), pin(j, "lambda", 0.05), pin(j, "gamma", 0.2612038750);
}

TEST_CASE("derived parameters, setting B (n=5, omega=1, alpha=0.5, s=3, B'=16): hand-computed", "[derived]") {
  const auto p = testing::problem("quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0,seed=1]", 5);
  REQUIRE(p->constants().L == Approx(1).epsilon(1e-12));
  REQUIRE(p->constants().L_hat == Approx(1).epsilon(1e-12));
  // DASHA: a = 1/3; gamma = 1/(1 + sqrt(2*1*5/5)) = 1/(1 + sqrt 2).
  auto j = info_of(*p, "dasha", "randk[k=10]");
  pin(j, "omega", 1), pin(j, "momentum", 0.3333333333), pin(j, "gamma", 0.4142135624);
  // DASHA-PP s=3: p_a = 0.6, p_aa = 3*2/(5*4) = 0.3, a = 0.6/3 = 0.2, b = 0.6/1.4 = 0.4285714286;
  // Q = 10 + 3.4*0.5 = 11.7, A = 4*2.2/1.4*11.7/(5*0.36) = 40.857142857, gamma = 1/(1 + sqrt A).
  j = info_of(*p, "dasha_pp[participation=snice[s=3]]", "randk[k=10]");
  pin(j, "p_a", 0.6), pin(j, "p_aa", 0.3), pin(j, "momentum", 0.2), pin(j, "b", 0.4285714286);
  pin(j, "gamma", 0.1352821313);
  // DASHA-MVR B'=16: b = min(1/16, 1/(1*4)) = 0.0625; B_init = floor(max(16, 4)) = 16.
  j = info_of(*p, "dasha_mvr[mega_batch=16]", "randk[k=10]");
  pin(j, "b", 0.0625), pin(j, "batch_init", 16);
  // DASHA-SYNC-MVR B'=16: p = min(1/16, 1/2) = 0.0625; B_init = max(16, 1) = 16.
  j = info_of(*p, "dasha_sync_mvr[mega_batch=16]", "randk[k=10]");
  pin(j, "prob", 0.0625), pin(j, "batch_init", 16);
  // MARINA: p = 0.5; gamma = 1/(1 + sqrt(0.5*1/(0.5*5))) = 1/(1 + sqrt 0.2).
  j = info_of(*p, "marina", "randk[k=10]");
  pin(j, "p", 0.5), pin(j, "gamma", 0.6909830056);
  // PP-MARINA s=3: p = 3/10 = 0.3; gamma = 1/(1 + sqrt((0.7/0.3)(1/3 + 2/12))).
  j = info_of(*p, "pp_marina[s=3]", "randk[k=10]");
  pin(j, "p", 0.3), pin(j, "gamma", 0.4807406984);
  // DIANA: alpha = 0.5; gamma = 1/(10 sqrt(1 + 1/5) (2 + 1)).
  j = info_of(*p, "diana", "randk[k=10]");
  pin(j, "alpha", 0.5), pin(j, "gamma", 0.03042903097);
  // EF21: theta = 1 - sqrt(0.5) = 0.2928932188, beta = 0.5/theta = 1.707106781, gamma = 1/(1 + sqrt(beta/theta)).
  j = info_of(*p, "ef21", "topk[k=10]");
  pin(j, "alpha", 0.5), pin(j, "theta", 0.2928932188), pin(j, "beta", 1.707106781), pin(j, "gamma", 0.2928932188);
  // FRECON s=3: alpha_u = 0.5, lambda = 3/(2*2*5) = 0.15.
  j = info_of(*p, "frecon[s=3]", "randk[k=10]");
  pin(j, "alpha_u", 0.5), pin(j, "lambda", 0.15);
}
