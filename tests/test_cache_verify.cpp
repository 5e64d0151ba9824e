// Issue 16 item 5: cached constants and f* are verified on load, and an entry that fails is recomputed,
// overwritten, and reported in one line on stderr. Each corruption below is plausible (a number of
// the right type and sign), so only the checks of constants_verify.cpp / fstar_cache.cpp catch it.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "problems/constants_cache.hpp"
#include "problems/logistic.hpp"
#include "problems/registry.hpp"
#include "test_problem_helpers.hpp"
#include "theory/fstar.hpp"

using namespace commopt;
using commopt::testing::ScopedEnv;
using commopt::testing::TempDir;
using commopt::testing::write_file;

namespace {

std::unique_ptr<Objective> make_logreg() {
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  return make_problem(Spec::parse("logreg[data=a1a,lambda=0.01]", "--problem"), 3, o);
}

// Everything written to stderr (fd 2) while `f` runs.
template <class F>
std::string capture_stderr(F&& f) {
  std::fflush(stderr);
  std::FILE* tmp = std::tmpfile();
  REQUIRE(tmp != nullptr);
  const int saved = ::dup(2);
  ::dup2(::fileno(tmp), 2);
  f();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::rewind(tmp);
  std::string out;
  for (int c; (c = std::fgetc(tmp)) != EOF;) out.push_back(static_cast<char>(c));
  std::fclose(tmp);
  return out;
}

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("cache: corrupted constants are detected, recomputed and overwritten", "[cache_verify]") {
  TempDir dir;
  ScopedEnv env("XDG_CACHE_HOME", dir.path().string());
  const ProblemConstants fresh = make_logreg()->constants();
  REQUIRE(fresh.source != "cache");
  const std::string key = dynamic_cast<const LogisticProblem&>(*make_logreg()).constants_key();
  const auto file = constants_cache_file(key);
  REQUIRE(std::filesystem::exists(file));
  const nlohmann::json good = read_json(file);
  CHECK(make_logreg()->constants().source == "cache");  // a good entry is used

  struct Corruption {
    const char* name;
    void (*apply)(nlohmann::json&);
    const char* reason;
  };
  const Corruption cases[] = {
      // Every L divided by 100: ordered and plausible, only the Hessian spot check sees it.
      {"all L / 100",
       [](nlohmann::json& j) {
         j["L"] = j["L"].get<double>() / 100;
         for (auto& l : j["L_i"]) l = l.get<double>() / 100;
       },
       "power-iteration estimate"},
      {"L / 100", [](nlohmann::json& j) { j["L"] = j["L"].get<double>() / 100; }, "power-iteration estimate"},
      {"mu > L", [](nlohmann::json& j) { j["mu"] = j["L"].get<double>() * 2; }, "mu = "},
      {"L = 1e300", [](nlohmann::json& j) { j["L"] = 1e300; }, "> L_hat"},
      {"L_i = -1", [](nlohmann::json& j) { j["L_i"][0] = -1.0; }, "not finite"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    nlohmann::json bad = good;
    c.apply(bad);
    write_file(file, bad.dump());
    ProblemConstants got;
    const std::string err = capture_stderr([&] { got = make_logreg()->constants(); });
    CHECK(got.source != "cache");
    CHECK(got.L == fresh.L);
    CHECK(got.mu == fresh.mu);
    CHECK(err.find("cache entry " + file.string() + " failed verification (") != std::string::npos);
    CHECK(err.find(c.reason) != std::string::npos);
    CHECK(err.find("); recomputed\n") != std::string::npos);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    // Overwritten with the good values: the next load uses the cache again, silently.
    CHECK(read_json(file)["L"].get<double>() == good["L"].get<double>());
    std::string again;
    CHECK(capture_stderr([&] { again = make_logreg()->constants().source; }).empty());
    CHECK(again == "cache");
  }
}

TEST_CASE("cache: a corrupted f* entry is recomputed with a warning", "[cache_verify]") {
  TempDir dir;
  ScopedEnv env("XDG_CACHE_HOME", dir.path().string());
  auto p = make_logreg();
  const auto first = ensure_f_star(*p);
  REQUIRE(first.has_value());
  REQUIRE(first->method == "newton-cg");
  const std::string key = f_star_cache_key(dynamic_cast<const LogisticProblem&>(*p));
  const auto file = constants_cache_file(key);
  const nlohmann::json good = read_json(file);
  REQUIRE(good.contains("x_star"));  // d = 124 <= 100000: x* is stored and re-verified

  struct Corruption {
    const char* name;
    void (*apply)(nlohmann::json&);
    const char* reason;
  };
  const Corruption cases[] = {
      {"f* shifted", [](nlohmann::json& j) { j["f_star"] = j["f_star"].get<double>() * 0.9; }, "but the entry says"},
      {"x_star removed", [](nlohmann::json& j) { j.erase("x_star"); }, "x* is missing"},
      {"x_star moved", [](nlohmann::json& j) { j["x_star"][0] = j["x_star"][0].get<double>() + 0.1; }, "||grad f(x*)||"},
      {"f* > log 2", [](nlohmann::json& j) { j["f_star"] = 0.9; }, "outside [0, log 2]"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    nlohmann::json bad = good;
    c.apply(bad);
    write_file(file, bad.dump());
    std::optional<FStarResult> r;
    double installed = 0;
    const std::string err = capture_stderr([&] {
      auto q = make_logreg();
      r = ensure_f_star(*q);
      installed = q->constants().f_star.value_or(-1);
    });
    REQUIRE(r.has_value());
    CHECK(r->method == "newton-cg");
    CHECK(installed == first->f_star);
    CHECK(err.find("failed verification (") != std::string::npos);
    CHECK(err.find(c.reason) != std::string::npos);
    CHECK(err.find("recomputed") != std::string::npos);
    CHECK(read_json(file).contains("x_star"));
    auto q = make_logreg();
    CHECK(ensure_f_star(*q)->method == "cache");
  }
}
