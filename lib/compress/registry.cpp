// The compressor registry (DESIGN.md "Core interfaces"; constants and bits from dasha-family.md §2
// and ef-local-lazy.md §1–2): one table read by the spec parser (factory.cpp) and
// `commopt list compressors`. Every entry lists its parameters, its theory constant and its flags.
#include "compress/compressor.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

namespace {
std::vector<ParamDoc> with(std::vector<ParamDoc> a, const std::vector<ParamDoc>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
const ParamDoc kLevels{"s", "", "number of quantization levels, 1 <= s <= 2^30"};
const ParamDoc kNorm{"norm", "l2", "norm of the quantizer: l2 or linf"};
const ParamDoc kZero{"zero", "plus", "sign(0): plus (+1, as Qsparse, dist-EF, BytePS) or minus (-1)"};
}  // namespace

const std::vector<CompressorEntry>& compressor_registry() {
  static const std::vector<CompressorEntry> entries = {
      {"identity", "dense vector, d values", {}, "unbiased, omega = 0", "deterministic"},
      {"randk", "K uniformly random coordinates scaled by d/K; indices sent, or drawn from the shared seed",
       with(sparse_params(), {{"shared_seed", "false", "true: subset from the shared stream, no index bits"}}),
       "unbiased, omega = d/K - 1", "random; shared_seed=true: shared stream, independent subsets per worker"},
      {"randk_biased", "K uniformly random coordinates, unscaled; indices sent", sparse_params(),
       "contractive, alpha = K/d (in expectation)", "random"},
      {"permk", "PermK: a shared random permutation split into n parts, worker i keeps its part scaled by n",
       {}, "unbiased, omega = n - 1 (d >= n) or n/floor(n/d) - 1 (d < n); collectively A = B = 1",
       "random; shared stream; correlated across the n workers; no index bits"},
      {"topk", "K largest |x_i|, lower index wins ties, indices sent", sparse_params(),
       "contractive, alpha = K/d", "deterministic"},
      {"qsgd", "QSGD random dithering with s levels; fixed-length codes or Elias-gamma",
       {kLevels, kNorm, {"code", "fixed", "fixed (sign + ceil(log2(s+1)) bits per coordinate) or elias"}},
       "unbiased, omega = min(d/s^2, sqrt(d)/s)", "random"},
      {"natural", "natural compression: random rounding to powers of two (sign + exponent bits)", {},
       "unbiased, omega = 1/8", "random"},
      {"natural_dithering", "random dithering on the power-of-two grid {0, 2^(1-s), ..., 1/2, 1}",
       {{"s", "", "number of levels, 1 <= s <= 64"}, kNorm},
       "unbiased, omega = 1/8 + (sqrt(d)/2^(s-1)) min(1, sqrt(d)/2^(s-1))", "random"},
      {"sign", "sign(x), one bit per coordinate, decoded as +-1 (signSGD)", {kZero},
       "none (not unbiased, not a contraction)", "deterministic"},
      {"scaled_sign", "(||x||_1/d) sign(x), sign(0) = +1: one scale + d sign bits", {},
       "contractive, alpha = 1/d (delta(x) = ||x||_1^2/(d ||x||^2))", "deterministic"},
      {"block_sign", "blockwise scaled sign (dist-EF-BlockSGD): one scale per block + d sign bits",
       {{"blocks", "(or block_size)", "B equal blocks, 1 <= B <= d (default: the problem's parameter blocks)"},
        {"block_size", "(or blocks)", "blocks of this size, the last one shorter"},
        kZero},
       "contractive, alpha = 1/max_b d_b", "deterministic"},
      {"qtopk", "QSGD on the TopK values, scaled 1/(1+beta) (Qsparse Lemma 1)", with(sparse_params(), {kLevels}),
       "contractive, alpha = K/(d(1+beta)), beta = min(K/s^2, sqrt(K)/s)", "random"},
      {"qrandk", "QSGD on K random (unscaled) values, scaled 1/(1+beta) (Qsparse Lemma 1)",
       with(sparse_params(), {kLevels}),
       "contractive, alpha = K/(d(1+beta)) in expectation, beta = min(K/s^2, sqrt(K)/s)", "random"},
      {"signtopk", "(||y||_1/K) sign(y), y = TopK(x) (Qsparse Lemma 2)", with(sparse_params(), {kZero}),
       "contractive, alpha = 1/d (gamma(x) = ||y||_1^2/(K ||x||^2))", "deterministic"},
      {"signrandk", "(||y||_1/K) sign(y), y = RandK(x) unscaled (Qsparse Lemma 2)", with(sparse_params(), {kZero}),
       "contractive, alpha = 1/d in expectation", "random"},
      {"grbs", "globally random block sparsification (CSER): the same contiguous block of K on every worker",
       {{"k", "(or ratio)", "block length, 1 <= k <= d"},
        {"ratio", "(or k)", "kept fraction in (0,1] (= 1/compression ratio): K = max(1, round(ratio*d))"}},
       "contractive, alpha = 1/N_blocks, N_blocks = ceil(d/K) (in expectation)",
       "random; shared stream (same block on every worker); no index bits"},
      {"laq", "LAQ innovation quantizer: R = ||v||_inf, 2^b levels spaced 2 tau R, tau = 1/(2^b - 1)",
       {{"bits", "4", "bits per coordinate, 1 <= bits <= 16"}},
       "|C(v)_i - v_i| <= tau R; contractive, alpha = 1 - d tau^2 when that is > 0, else none",
       "deterministic; the method keeps the reference (pass v = g - Q_hat)"},
      {"bernoulli", "send the whole vector scaled 1/p with probability p, else nothing (lazy)",
       {{"p", "", "probability of sending, 0 < p <= 1"}}, "unbiased, omega = 1/p - 1",
       "random; sent = false with probability 1 - p"},
      {"powersgd", "rank-r PowerSGD of the RxC matrix in the first R*C coordinates, warm-started; rest dense",
       {{"rank", "1", "rank r, 1 <= r <= min(R, C)"},
        {"shape", "(none: dense)", "RxC, R*C <= d (e.g. 784x10 for softmax weights + biases)"}},
       "none (heuristic)", "encoder state (warm-start Q); shared stream for the initial Q"},
  };
  return entries;
}

}  // namespace commopt
