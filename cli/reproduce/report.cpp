#include "trace/result_file.hpp"
#include "cli/reproduce/report.hpp"

#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace commopt::reproduce {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::agrees: return "agrees";
    case Verdict::partly: return "partly";
    case Verdict::disagrees: return "disagrees";
  }
  return "?";
}

void Report::section(const std::string& heading) { body_ += fmt::format("\n## {}\n\n", heading); }

void Report::text(const std::string& markdown) { body_ += markdown + "\n\n"; }

void Report::table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  body_ += fmt::format("| {} |\n|", fmt::join(header, " | "));
  for (std::size_t i = 0; i < header.size(); ++i) body_ += "---|";
  body_ += "\n";
  for (const auto& r : rows) body_ += fmt::format("| {} |\n", fmt::join(r, " | "));
  body_ += "\n";
}

void Report::figure(const plots::Figure& fig, const std::filesystem::path& dir, const std::string& stem,
                    const std::string& caption) {
  const auto r = plots::render(fig, dir / (stem + ".png"));
  if (r.rendered)
    body_ += fmt::format("![{}]({}.png)\n\n*{}* (data: `{}.dat`, script: `{}.gp`)\n\n", caption, stem, caption, stem, stem);
  else
    body_ += fmt::format("*{}*: figure `{}.png` not rendered ({}).\n\n", caption, stem, r.message);
}

void Report::verdict(Verdict v, const std::string& why) {
  if (verdict_) throw std::logic_error("a report has one verdict");
  verdict_ = v;
  why_ = why;
}

std::string Report::markdown() const {
  std::string s = fmt::format("# {}\n", title_);
  if (verdict_) s += fmt::format("\n**Verdict: {}.** {}\n\n", to_string(*verdict_), why_);
  s += body_;
  return s;
}

void Report::write(const std::filesystem::path& file) const {
  write_result_file(file, markdown(), /*overwrite=*/true, "reproduce --out");
}

std::string num(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return "—";
  return fmt::format("{:.4g}", *v);
}

std::string median_range(double median, double lo, double hi, int present, int total) {
  if (present == 0) return fmt::format("not reached (0/{})", total);
  if (total == 1) return fmt::format("{:.4g}", median);
  return fmt::format("{:.4g} [{:.4g}, {:.4g}] ({}/{})", median, lo, hi, present, total);
}

}  // namespace commopt::reproduce
