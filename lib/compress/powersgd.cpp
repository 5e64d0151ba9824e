// PowerSGD rank r with warm start (Vogels et al. 2019, ef-local-lazy.md §2.7); format in powersgd.hpp.
#include "compress/powersgd.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

PowerSgdCompressor::PowerSgdCompressor(int d, int rows, int cols, int rank, ValueCodec codec)
    : Compressor(d, codec), rows_(rows), cols_(cols), rank_(rows * cols == 0 ? 0 : rank),
      p_(static_cast<std::size_t>(rows) * rank_), q_(static_cast<std::size_t>(cols) * rank_),
      dp_(p_.size()), dq_(q_.size()) {
  if (rows < 0 || cols < 0 || static_cast<long long>(rows) * cols > d)
    throw std::logic_error(fmt::format("powersgd: shape {}x{} does not fit d={}", rows, cols, d));
  if (rank_ != 0 && (rank_ < 1 || rank_ > std::min(rows, cols)))
    throw std::logic_error(fmt::format("powersgd: rank {} outside [1, min({}, {})]", rank, rows, cols));
}

std::string PowerSgdCompressor::name() const {
  if (rank_ == 0) return "powersgd[dense]";
  return fmt::format("powersgd[rank={},shape={}x{}]", rank_, rows_, cols_);
}

void PowerSgdCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "powersgd");
  const int R = rows_, C = cols_, r = rank_;
  const auto at = [r](int i, int l) { return static_cast<std::size_t>(i) * r + static_cast<std::size_t>(l); };
  if (!started_) {
    for (double& v : q_) v = rng.normal();
    started_ = true;
  }
  std::fill(p_.begin(), p_.end(), 0.0);  // P = M Q
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      const double m = x[static_cast<Index>(i) * C + j];
      for (int l = 0; l < r; ++l) p_[at(i, l)] += m * q_[at(j, l)];
    }
  for (int l = 0; l < r; ++l) {  // modified Gram–Schmidt on the columns of P
    for (int k = 0; k < l; ++k) {
      double dot = 0;
      for (int i = 0; i < R; ++i) dot += p_[at(i, k)] * p_[at(i, l)];
      for (int i = 0; i < R; ++i) p_[at(i, l)] -= dot * p_[at(i, k)];
    }
    double norm = 0;
    for (int i = 0; i < R; ++i) norm += p_[at(i, l)] * p_[at(i, l)];
    norm = std::sqrt(norm);
    const double inv = norm > 1e-300 ? 1.0 / norm : 0.0;
    for (int i = 0; i < R; ++i) p_[at(i, l)] = codec_.round(p_[at(i, l)] * inv);
  }
  std::fill(q_.begin(), q_.end(), 0.0);  // Q = Mᵀ P̂
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      const double m = x[static_cast<Index>(i) * C + j];
      for (int l = 0; l < r; ++l) q_[at(j, l)] += m * p_[at(i, l)];
    }
  for (double& v : q_) v = codec_.round(v);
  BitWriter w(out.bytes);
  const double* p = p_.data();
  const double* q = q_.data();
  const double* tail = x.data() + static_cast<std::ptrdiff_t>(R) * C;
  w.put_values(codec_.bits, p_.size(), [p](std::size_t i) { return p[i]; });
  w.put_values(codec_.bits, q_.size(), [q](std::size_t i) { return q[i]; });
  w.put_values(codec_.bits, static_cast<std::size_t>(d_ - static_cast<Index>(R) * C), [tail](std::size_t i) { return tail[i]; });
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void PowerSgdCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  const int R = rows_, C = cols_, r = rank_;
  const auto values = static_cast<std::uint64_t>(r) * (R + C) + static_cast<std::uint64_t>(d_) -
                      static_cast<std::uint64_t>(R) * C;
  check_message_bits(m, values * codec_.bits, "powersgd");
  check_input_size(acc, d_, "powersgd");
  BitReader rd = m.reader();
  for (double& v : dp_) v = codec_.get(rd);
  for (double& v : dq_) v = codec_.get(rd);
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      double s = 0;
      for (int l = 0; l < r; ++l) s += dp_[static_cast<std::size_t>(i) * r + l] * dq_[static_cast<std::size_t>(j) * r + l];
      acc[static_cast<Index>(i) * C + j] += scale * s;
    }
  for (Index i = static_cast<Index>(R) * C; i < d_; ++i) acc[i] += scale * codec_.get(rd);
}

CompressorConstants PowerSgdCompressor::constants() const {
  CompressorConstants c;  // kind none: no worst-case δ (ef-local-lazy.md §2.7)
  c.random = true;         // through the initial Q
  return c;
}

// powersgd[rank, shape]; ef-local-lazy.md §1 "PowerSGD rank r, n×m matrix": 32 r(n + m), the
// coordinates outside the matrix dense: w(r(R + C) + d − RC); w·d without a shape.
namespace {
PowerSgdOptions parse_powersgd(const Spec& spec, int d, const CompressorContext&) {
  PowerSgdOptions o;
  if (!spec.has("shape")) return o;  // dense: the rank is not used
  const std::string text = spec.get_string("shape", "");
  const auto x = text.find('x');
  long long r = 0, c = 0;
  try {
    std::size_t e1 = 0, e2 = 0;
    r = std::stoll(text.substr(0, x), &e1);
    c = x == std::string::npos ? 0 : std::stoll(text.substr(x + 1), &e2);
    if (e1 != x || e2 != text.size() - x - 1) r = 0;
  } catch (const std::exception&) {
    r = 0;
  }
  if (r < 1 || c < 1 || r * c > d)
    throw UsageError(fmt::format("{}: shape={} is not RxC with R, C >= 1 and R*C <= d={}; use e.g. shape=784x10",
                                 compressor_where(spec), text, d));
  o.rows = static_cast<int>(r);
  o.cols = static_cast<int>(c);
  o.rank = resolve_int(spec, "rank", o.rank, 1, std::min(o.rows, o.cols), "powersgd[rank=1,shape=784x10]");
  return o;
}
}  // namespace

CompressorEntry powersgd_entry() {
  return make_entry<PowerSgdOptions>({
      .name = "powersgd",
      .doc = "rank-r PowerSGD of the RxC matrix in the first R*C coordinates, warm-started; rest dense",
      .params = {param("rank", &PowerSgdOptions::rank, "rank r, 1 <= r <= min(R, C)"),
                 alternative_param("shape", "(none: dense)", "RxC, R*C <= d (e.g. 784x10 for softmax weights + biases)")},
      .constant = "none (heuristic)",
      .flags = "encoder state (warm-start Q); shared stream for the initial Q",
      .examples = {"powersgd[rank=2,shape=3x4]", "powersgd"},
      .parse = parse_powersgd,
      .build = [](const PowerSgdOptions& o, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<PowerSgdCompressor>(d, o.rows, o.cols, o.rank, codec);
      },
      .expected_bits = [](const PowerSgdOptions& o, int d, int w, const CompressorContext&) {
        using namespace closed_form;
        const std::int64_t rc = std::int64_t{o.rows} * o.cols;
        return exactly(u(w) * (u(o.rank) * u(o.rows + o.cols) + u(d - rc)));
      },
  });
}

}  // namespace commopt
