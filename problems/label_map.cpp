// The labels= maps of the LIBSVM problems (see label_map.hpp).
#include "problems/label_map.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/excerpt.hpp"

namespace commopt {

namespace {

// "the file's labels: 1, 2, 5", or with many "the file's 20 labels: 1, 2, 3, ..., 19, 20".
std::string describe_labels(std::vector<double> distinct) {
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() <= 8) return fmt::format("the file's labels: {}", fmt::join(distinct, ", "));
  return fmt::format("the file's {} labels: {}, {}, {}, ..., {}, {}", distinct.size(), distinct[0], distinct[1],
                     distinct[2], distinct[distinct.size() - 2], distinct.back());
}

}  // namespace

std::string LabelMap::str() const {
  switch (kind) {
    case Kind::keep: return "keep";
    case Kind::upto: return fmt::format("upto:{}", value);
    case Kind::onevsrest: return fmt::format("onevsrest:{}", value);
  }
  return "?";
}

double LabelMap::operator()(double raw) const {
  const bool positive = kind == Kind::upto ? raw <= value : raw == value;
  return positive ? 1.0 : -1.0;
}

LabelMap parse_label_map(const std::string& text, const std::string& what, const std::string& spec) {
  if (text == "keep") return {};
  const std::string where =
      fmt::format("{}: labels={}{}", what, excerpt(text), spec.empty() ? "" : fmt::format(" in '{}'", excerpt(spec, 200)));
  const std::size_t colon = text.find(':');
  const std::string form = text.substr(0, colon);
  LabelMap map;
  if (form == "upto") {
    map.kind = LabelMap::Kind::upto;
  } else if (form == "onevsrest") {
    map.kind = LabelMap::Kind::onevsrest;
  } else {
    throw UsageError(fmt::format("{} is not a label map; write labels={}", where, kLabelMapGrammar));
  }
  const char* b = text.data() + (colon == std::string::npos ? text.size() : colon + 1);
  const char* e = text.data() + text.size();
  if (b != e && *b == '+') ++b;
  const auto r = std::from_chars(b, e, map.value);
  if (colon == std::string::npos || b == e || r.ec != std::errc() || r.ptr != e || !std::isfinite(map.value))
    throw UsageError(fmt::format("{} needs a number after '{}:' (e.g. labels={}:{}); the forms are {}", where, form,
                                 form, form == "upto" ? "10" : "3", kLabelMapGrammar));
  return map;
}

void apply_label_map(const LabelMap& map, std::vector<double>& labels, const std::string& source) {
  if (map.keeps() || labels.empty()) return;
  std::size_t positive = 0;
  for (const double l : labels) positive += map(l) > 0;
  if (positive == 0 || positive == labels.size()) {
    const auto [lo, hi] = std::minmax_element(labels.begin(), labels.end());
    const std::string fix =
        map.kind == LabelMap::Kind::upto
            ? (*lo == *hi ? std::string("the file has one label, so no threshold splits it")
                          : fmt::format("choose T with {} <= T < {}", *lo, *hi))
            : fmt::format("choose C among them{}", *lo == *hi ? " (there is only one, so no C splits the rows)" : "");
    throw UsageError(fmt::format("{}: labels={} puts all {} rows in class {} ({}); {}", source,
                                 map.str(), labels.size(), positive == 0 ? "-1" : "+1", describe_labels(labels), fix));
  }
  for (double& l : labels) l = map(l);
}

}  // namespace commopt
