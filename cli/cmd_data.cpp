// `commopt data info NAME` (sizes, sparsity, labels, checksum of a LIBSVM dataset) and
// `commopt data constants --problem SPEC --workers N` (every constant of dasha-family.md §1/§4 for
// the problem and its split, with its kind, and f* where it is defined), optionally as JSON.
#include <chrono>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command_output.hpp"
#include "cli/commands.hpp"
#include "cli/data_fetch.hpp"
#include "cli/seed_option.hpp"
#include "cli/vocabulary.hpp"
#include "core/error.hpp"
#include "core/spec.hpp"
#include "problems/datasets.hpp"
#include "problems/registry.hpp"
#include "theory/fstar.hpp"

namespace po = boost::program_options;

namespace commopt::cli {

namespace {

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const std::string& command, const po::positional_options_description* pos = nullptr) {
  po::variables_map vm;
  auto parser = po::command_line_parser(canonical_flags(args, desc, command)).options(desc);
  if (pos) parser.positional(*pos);
  po::store(parser.run(), vm);
  return vm;
}

int data_info(const std::vector<std::string>& args) {
  std::string name, data_dir;
  OutputFlags out_flags;
  int features = 0;
  po::options_description desc("commopt data info options");
  desc.add_options()("help,h", "this help")("name", po::value(&name), "dataset name or file (required; also the first argument)")(
      "data-dir", po::value(&data_dir), "first directory to search for datasets (default: only the search path, see README)")(
      "features", po::value(&features), "feature count override (default: the largest index in the file)");
  add_output_options(desc, out_flags);
  po::positional_options_description pos;
  pos.add("name", 1);
  auto vm = parse(args, desc, "data info", &pos);
  if (vm.count("help")) {
    std::cout << "usage: commopt data info NAME [--data-dir DIR] [--features N] [--json FILE]\n\n" << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (name.empty()) throw UsageError("data info: name a dataset, e.g. `commopt data info a9a` (see commopt list datasets)");
  if (vm.count("features") && features < 1) throw UsageError(fmt::format("data info: --features {} must be >= 1", features));
  CommandOutput output(out_flags);
  const auto data = load_dataset(name, data_dir, vm.count("features") ? std::optional<int>(features) : std::nullopt);
  const DatasetInfo& d = data->info;
  const double density = d.rows > 0 && d.features > 0 ? static_cast<double>(d.nnz) / (static_cast<double>(d.rows) * d.features) : 0;
  fmt::print("{:<12} {}\n", "dataset", d.name);
  fmt::print("{:<12} {}\n", "file", d.path.string());
  fmt::print("{:<12} {} ({} bytes on disk)\n", "compression", d.compression, d.file_bytes);
  fmt::print("{:<12} {}\n{:<12} {}\n{:<12} {}\n", "rows", d.rows, "features", d.features, "nnz", d.nnz);
  fmt::print("{:<12} {:.4f} % ({:.1f} stored entries per row)\n", "density", 100 * density,
             d.rows ? static_cast<double>(d.nnz) / static_cast<double>(d.rows) : 0.0);
  std::string labels;
  nlohmann::json jl = nlohmann::json::array();
  for (const auto& l : d.labels) {
    labels += fmt::format("{}{:g}: {} ({:.1f} %)", labels.empty() ? "" : ", ", l.label, l.count,
                          d.rows ? 100.0 * static_cast<double>(l.count) / static_cast<double>(d.rows) : 0.0);
    jl.push_back({{"label", l.label}, {"count", l.count}});
  }
  fmt::print("{:<12} {}{}\n", "labels", labels, d.binary ? "  (binary: mapped to -1 < +1)" : "");
  fmt::print("{:<12} fnv1a64:{} (of the decompressed text)\n", "checksum", d.checksum);
  output.write({{"name", d.name}, {"file", d.path.string()}, {"compression", d.compression},
                      {"file_bytes", d.file_bytes}, {"rows", d.rows}, {"features", d.features}, {"nnz", d.nnz},
                      {"density", density}, {"labels", jl}, {"binary", d.binary}, {"checksum", d.checksum}});
  return 0;
}

int data_constants(const std::vector<std::string>& args) {
  std::string problem, split, data_dir;
  OutputFlags out_flags;
  int workers = 10;
  std::string seed_text;
  bool no_f_star = false;
  po::options_description desc("commopt data constants options");
  desc.add_options()("help,h", "this help")(
      "problem", po::value(&problem)->required(), "problem spec (required), e.g. logreg[data=a9a,lambda=0.001]")(
      "workers,n", po::value(&workers)->default_value(10), "number of workers n")(
      "split", po::value(&split)->default_value("contiguous"), "contiguous, shuffled or label-sorted")(
      "seed", po::value(&seed_text)->default_value("0"), "seed of the shuffled split (0 to 2^64-1)")(
      "data-dir", po::value(&data_dir), "first directory to search for datasets (default: only the search path, see README)")(
      "no-f-star", po::bool_switch(&no_f_star), "skip f* (no solve)");
  add_output_options(desc, out_flags);
  auto vm = parse(args, desc, "data constants");
  if (vm.count("help")) {
    std::cout << "usage: commopt data constants --problem SPEC [--workers N] [--split S] [--json FILE]\n\n" << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (workers < 1) throw UsageError(fmt::format("data constants: --workers {}: need at least 1 worker", workers));
  CommandOutput output(out_flags);
  ProblemOptions popts;
  popts.split = split;
  popts.seed = parse_seed(seed_text);
  popts.data_dir = data_dir;
  auto p = make_problem(Spec::parse(problem, "--problem"), workers, popts);
  const auto t0 = std::chrono::steady_clock::now();
  (void)p->constants();  // timed alone: from the cache or computed
  const double t_const = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::optional<FStarResult> fs;
  if (!no_f_star) fs = ensure_f_star(*p);
  const ProblemConstants& c = p->constants();
  double li_min = c.L_i.empty() ? 0 : c.L_i.front(), li_sum = 0;
  for (double l : c.L_i) {
    li_min = std::min(li_min, l);
    li_sum += l;
  }
  fmt::print("{}  on n = {} workers (split {}), d = {}; constants: {} in {:.2f} s\n", p->name(), workers, split,
             p->dim(), c.source, t_const);
  const auto row = [](const char* name, double v, const char* kind, const char* meaning) {
    fmt::print("  {:<18} {:>14.8g}  {:<12} {}\n", name, v, kind, meaning);
  };
  const char* ks = constant_kind_name(c.smoothness_kind);
  row("L", c.L, ks, "smoothness of f");
  row("L_i min", li_min, ks, "smoothness of the f_i: smallest");
  row("L_i mean", c.L_i.empty() ? 0 : li_sum / static_cast<double>(c.L_i.size()), ks, "                   mean");
  row("L_i max = L_max", c.L_max, ks, "                   largest (max_i L_i)");
  row("L_hat", c.L_hat, ks, "sqrt(mean L_i^2)  (EF21's L~, PermK's L_+)");
  row("L_max_sample_rms", c.L_max_sample_rms, ks, "sqrt(max_i (1/m_i) sum_j L_ij^2)  ([CERT] convention)");
  row("L_max_sample", c.L_max_sample, ks, "max_{i,j} L_ij  (papers' convention)");
  row("L_pm", c.L_pm, constant_kind_name(c.L_pm_kind), "Hessian variance L_+-");
  row("L_pm_local", c.L_pm_local, c.L_pm_kind == ConstantKind::exact ? "exact" : "lower bound",
      "Hessian variance at x = x^0 (estimate of L_+- from below)");
  row("mu", c.mu, "exact", c.mu > 0 ? "strong convexity of f" : "not strongly convex");
  row("sigma^2", c.sigma_sq, constant_kind_name(c.noise_kind), "oracle variance, one uniform sample per node");
  row("L_sigma", c.L_sigma, constant_kind_name(c.noise_kind), "mean-squared smoothness of the one-sample noise");
  fmt::print("  {}\n", describe_f_star(*p, fs));
  if (fs && fs->method != "exact") fmt::print("  f* time: {:.2f} s ({})\n", fs->seconds, fs->method);
  {
    nlohmann::json j = {{"problem", p->name()},   {"workers", workers},         {"split", split},
                        {"dim", p->dim()},        {"L", c.L},                   {"L_i", c.L_i},
                        {"L_hat", c.L_hat},       {"L_max", c.L_max},           {"L_max_sample_rms", c.L_max_sample_rms},
                        {"L_max_sample", c.L_max_sample}, {"L_pm", c.L_pm},     {"L_pm_local", c.L_pm_local},
                        {"mu", c.mu},             {"sigma_sq", c.sigma_sq},     {"L_sigma", c.L_sigma},
                        {"smoothness_kind", constant_kind_name(c.smoothness_kind)},
                        {"L_pm_kind", constant_kind_name(c.L_pm_kind)},
                        {"noise_kind", constant_kind_name(c.noise_kind)},
                        {"f_lower", c.f_lower},   {"source", c.source},         {"seconds_constants", t_const}};
    j["f_star"] = c.f_star ? nlohmann::json(*c.f_star) : nlohmann::json(nullptr);
    if (fs) j["f_star_info"] = {{"method", fs->method}, {"grad_norm", fs->grad_norm}, {"converged", fs->converged},
                                {"iterations", fs->iterations}, {"seconds", fs->seconds}};
    j["f_star_note"] = describe_f_star(*p, fs);
    output.write(j);
  }
  return 0;
}

}  // namespace

int cmd_data(const std::vector<std::string>& args) {
  const std::string usage =
      "usage: commopt data info NAME | commopt data constants --problem SPEC --workers N | commopt data fetch NAME...";
  if (args.empty()) throw UsageError("data: " + usage);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "--help" || args[0] == "-h") {
    fmt::print("{}\n  info       rows, features, nnz, density, labels, checksum of a dataset\n"
               "  constants  L, L_i, L_hat, L_max (both conventions), L_pm, mu, sigma^2, L_sigma and f*\n"
               "  fetch      download LIBSVM datasets (checked, resumable; --from DIR|URL for a mirror)\n",
               usage);
    return 0;
  }
  if (args[0] == "info") return data_info(rest);
  if (args[0] == "constants") return data_constants(rest);
  if (args[0] == "fetch") return data_fetch(rest);
  throw UsageError("data: " + unknown_name_message("data subcommand", args[0], {"info", "constants", "fetch"}));
}

}  // namespace commopt::cli
