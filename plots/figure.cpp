// render(): the .dat and .gp written atomically beside the image, then gnuplot (through
// gnuplot-iostream) renders the script into a temporary image that is renamed into place once
// gnuplot has exited 0 and the image is non-empty.
#include "figure.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>
#include <gnuplot-iostream.h>

#include "atomic_file.hpp"
#include "core/error.hpp"
#include "gnuplot_text.hpp"
#include "trace/result_file.hpp"

namespace commopt::plots {

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

bool executable(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// $COMMOPT_GNUPLOT if set, else `gnuplot`; a name without '/' is looked up on PATH.
std::optional<std::filesystem::path> find_gnuplot(std::string& wanted) {
  const char* env = std::getenv("COMMOPT_GNUPLOT");
  wanted = env && *env ? env : "gnuplot";
  if (wanted.find('/') != std::string::npos) {
    if (executable(wanted)) return std::filesystem::path(wanted);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const auto p = std::filesystem::path(dir.empty() ? "." : dir) / wanted;
    if (executable(p)) return p;
  }
  return std::nullopt;
}

void check_curves(const Figure& fig) {
  if (fig.width < 16 || fig.height < 16 || fig.width > 20000 || fig.height > 20000)
    throw UsageError(fmt::format("figure size {}x{}: use 16 to 20000 pixels per side", fig.width, fig.height));
  bool any = false;
  for (const auto& c : fig.curves) {
    if (c.y.size() != c.x.size() || (!c.y_low.empty() && c.y_low.size() != c.x.size()) ||
        c.y_high.size() != c.y_low.size())
      throw std::invalid_argument("plots::render: curve '" + c.label + "' has columns of different lengths");
    any = any || !c.x.empty();
  }
  if (!any) throw UsageError(fmt::format("figure '{}': no curve has a point to plot", fig.title));
}

// Runs `gnuplot` in `dir` on `gp_name` with out_file = `image_name`; returns "" on exit 0, else
// gnuplot's stderr and exit status.
std::string run_gnuplot(const std::filesystem::path& exe, const std::filesystem::path& dir, const std::string& gp_name,
                        const std::string& image_name) {
  const auto err_file = std::filesystem::absolute(unique_temp(dir, gp_name, ".err"));
  const std::string cmd = fmt::format("cd {} && {} 2>{}; echo \"exit $?\" >>{}", shell_quote(std::filesystem::absolute(dir).string()),
                                      shell_quote(exe.string()), shell_quote(err_file.string()),
                                      shell_quote(err_file.string()));
  // gnuplot may stop reading early (an error); the write must then fail, not kill this process.
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  {
    gnuplotio::Gnuplot gp(cmd);
    gp << "out_file = " << gnuplot_quote(image_name) << "\n"
       << "load " << gnuplot_quote(gp_name) << "\n"
       << "exit\n";
  }  // the destructor closes the pipe and waits for gnuplot
  sigaction(SIGPIPE, &old, nullptr);
  std::ifstream in(err_file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::error_code ec;
  std::filesystem::remove(err_file, ec);
  const auto at = text.rfind("exit ");
  const std::string status = at == std::string::npos ? "?" : text.substr(at + 5, text.find('\n', at) - at - 5);
  if (status == "0") return "";
  std::string why = at == std::string::npos ? text : text.substr(0, at);
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  return fmt::format("gnuplot exited with status {}: {}", status, why.empty() ? "(no message)" : why);
}

}  // namespace

RenderResult render(const Figure& fig, const std::filesystem::path& out) {
  const std::string ext = out.extension().string();
  if (ext != ".png" && ext != ".svg")
    throw UsageError(fmt::format("--out {}: the figure's name must end in .png or .svg", out.string()));
  if (out.stem().empty() || out.stem() == ".")
    throw UsageError(fmt::format("--out {}: name the figure, e.g. fig.png", out.string()));
  check_curves(fig);
  const Terminal term = ext == ".png" ? Terminal::png : Terminal::svg;
  const auto dir = out.parent_path().empty() ? std::filesystem::path(".") : out.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError(fmt::format("cannot create the directory '{}': {}; choose another --out", dir.string(), ec.message()));
  const std::string stem = out.stem().string();
  RenderResult r;
  r.dat = dir / (stem + ".dat");
  r.gp = dir / (stem + ".gp");
  // The figure's files replace an older figure's (overwrite = true); see trace/result_file.hpp.
  write_result_file(r.dat, data_text(fig), /*overwrite=*/true, "--out");
  write_result_file(r.gp, script_text(fig, term, r.dat.filename().string(), out.filename().string()), true, "--out");

  std::string wanted;
  const auto exe = find_gnuplot(wanted);
  if (!exe) {
    r.message = fmt::format("gnuplot not found ({}): render with `cd {} && gnuplot {}` once gnuplot is installed "
                            "(apt install gnuplot-nox), or set COMMOPT_GNUPLOT to its path",
                            wanted, dir.string(), r.gp.filename().string());
    return r;
  }
  const auto tmp_image = unique_temp(dir, stem, ext);
  const std::string failure = run_gnuplot(*exe, dir, r.gp.filename().string(), tmp_image.filename().string());
  const auto size = std::filesystem::file_size(tmp_image, ec);
  if (!failure.empty() || ec || size == 0) {
    std::filesystem::remove(tmp_image, ec);
    r.message = failure.empty() ? "gnuplot wrote an empty image" : failure;
    return r;
  }
  rename_into_place(tmp_image, out);
  r.image = out;
  r.rendered = true;
  return r;
}

}  // namespace commopt::plots
