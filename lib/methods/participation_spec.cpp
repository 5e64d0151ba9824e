#include "methods/participation_spec.hpp"

#include <fmt/format.h>

#include "core/deprecation.hpp"
#include "core/error.hpp"

namespace commopt {

std::string participation_text(const Spec& method, const std::string& name) {
  if (method.has("s")) {
    if (method.has("participation"))
      throw UsageError(fmt::format("--method: {} has both s= and participation=; keep participation=snice[s=K]", name));
    warn_deprecated(fmt::format("{}[s=K]", name), fmt::format("{}[participation=snice[s=K]]", name));
    return fmt::format("snice[s={}]", method.get_int("s", 1));
  }
  return method.get_string("participation", "full");
}

long long snice_count(const Spec& method, int n, long long fallback, const std::string& name) {
  long long s = fallback;
  if (method.has("s") || method.has("participation")) {
    const Spec p = Spec::parse(participation_text(method, name), "--method participation");
    if (p.name() == "full") {
      p.check_keys({});
      s = n;
    } else if (p.name() == "snice") {
      p.check_keys({{"s", "", "workers per round"}});
      if (!p.has("s")) throw UsageError(fmt::format("--method: {} participation=snice needs s, e.g. snice[s=2]", name));
      s = p.get_int("s", fallback);
    } else {
      throw UsageError(fmt::format("--method: {} participation={} is not known; use snice[s=K] or full", name, p.str()));
    }
  }
  if (s < 1 || s > n)
    throw UsageError(fmt::format("--method: {} participation=snice[s={}] needs 1 <= s <= n = {}", name, s, n));
  return s;
}

}  // namespace commopt
