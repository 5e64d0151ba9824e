// Throughput of every compressor (issue 3 "Speed"; dasha-family.md §2, ef-local-lazy.md §1–2):
// compress and decode+accumulate (add_decoded) at d ∈ {10^4, 10^6, 10^7} with K = 1% of d where it
// applies, value width 32, next to a plain copy of the same vector in the same run. Reports
// items/s = coordinates/s (d per call) and the counter bits_per_coord = message bits / d.
// BM_FixedK runs RandK and sparse decoding at a fixed K = 1000 for every d (the O(K) targets).
// No main here: bench_gradient.cpp holds BENCHMARK_MAIN().
#include <benchmark/benchmark.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "compress/compressor.hpp"
#include "compress/select.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"

namespace {

using commopt::CompressorPtr;
using commopt::Message;
using commopt::Rng;
using commopt::Vec;

const std::vector<std::string> kSpecs = {
    "identity", "randk[ratio=0.01]", "randk[ratio=0.01,shared_seed=true]", "randk_biased[ratio=0.01]",
    "permk", "topk[ratio=0.01]", "qsgd[s=16]", "qsgd[s=16,code=elias]", "natural", "natural_dithering[s=8]",
    "sign", "scaled_sign", "block_sign[blocks=100]", "qtopk[ratio=0.01,s=16]", "qrandk[ratio=0.01,s=16]",
    "signtopk[ratio=0.01]", "signrandk[ratio=0.01]", "grbs[ratio=0.01]", "laq[bits=4]", "bernoulli[p=0.5]",
    "powersgd[rank=2]"};

const Vec& bench_vector(int d) {
  static std::map<int, Vec> cache;
  auto it = cache.find(d);
  if (it != cache.end()) return it->second;
  Rng rng(7, 0, d, commopt::Purpose::data);
  Vec x(d);
  for (auto& v : x) v = rng.normal();
  return cache.emplace(d, std::move(x)).first->second;
}

std::string spec_text(std::size_t which, int d) {
  std::string s = kSpecs[which];
  if (s == "powersgd[rank=2]") s = d == 10'000 ? "powersgd[rank=2,shape=100x100]"
                                  : d == 1'000'000 ? "powersgd[rank=2,shape=1000x1000]"
                                                   : "powersgd[rank=2,shape=1000x10000]";
  return s;
}

CompressorPtr bench_compressor(const std::string& text, int d) {
  // permk: 100 workers, so each keeps 1% of the coordinates like the K = 1% compressors.
  return commopt::make_compressor(commopt::Spec::parse(text, "bench"), d, 32, {0, 100});
}

Rng round_rng(const commopt::Compressor& c, std::int64_t round) {
  return c.needs_shared_randomness() ? Rng(1, commopt::kServer, round, commopt::Purpose::shared)
                                     : Rng(1, 0, round, commopt::Purpose::compress);
}

void BM_Copy(benchmark::State& state) {
  const auto d = static_cast<int>(state.range(0));
  const Vec& x = bench_vector(d);
  Vec y(d);
  for (auto _ : state) {
    y = x;
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel("copy");
  state.counters["bits_per_coord"] = 64;  // the dense double vector
  state.SetItemsProcessed(state.iterations() * d);
}

// memcpy of d * range(1) bytes: the yardstick of the dense codecs (4 bytes per coordinate = the
// float32 message, 8 = the double input).
void BM_Memcpy(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0));
  const auto bytes = d * static_cast<std::size_t>(state.range(1));
  std::vector<char> src(bytes, 1), dst(bytes);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), bytes);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel("memcpy " + std::to_string(state.range(1)) + " B/coord");
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d));
}

// TopK selection on a sparse input (issue 13): d = 10^6 with range(1) nonzeros at spread positions,
// K = 1% of d; range(2) = 0 the dense path (select_topk_dense), 1 select_topk (sparse path).
void BM_TopKSelect(benchmark::State& state) {
  const auto d = static_cast<int>(state.range(0));
  const auto nnz = static_cast<int>(state.range(1));
  const bool sparse = state.range(2) != 0;
  Vec x = Vec::Zero(d);
  const Vec& dense = bench_vector(d);
  for (int j = 0; j < nnz; ++j) {
    const auto i = static_cast<int>((static_cast<std::int64_t>(j) * 7919 * 104729) % d);
    x[i] = dense[i];
  }
  std::vector<double> keys(static_cast<std::size_t>(d));
  std::vector<int> idx(static_cast<std::size_t>(d / 100));
  for (auto _ : state) {
    if (sparse) commopt::select_topk(x, keys, idx); else commopt::select_topk_dense(x, keys, idx);
    benchmark::DoNotOptimize(idx.data());
  }
  state.SetLabel(sparse ? "select_topk" : "select_topk_dense");
  state.SetItemsProcessed(state.iterations() * d);
}

void BM_Compress(benchmark::State& state) {
  const auto which = static_cast<std::size_t>(state.range(0));
  const auto d = static_cast<int>(state.range(1));
  const std::string text = spec_text(which, d);
  const CompressorPtr c = bench_compressor(text, d);
  const Vec& x = bench_vector(d);
  Message msg;
  std::int64_t round = 0;
  double bits = 0;
  for (auto _ : state) {
    Rng rng = round_rng(*c, round++);
    c->compress(x, rng, msg);
    bits += static_cast<double>(msg.bits);
    benchmark::DoNotOptimize(msg.bytes.data());
  }
  state.SetLabel(text);
  state.SetItemsProcessed(state.iterations() * d);
  state.counters["bits_per_coord"] = bits / static_cast<double>(state.iterations()) / d;
}

void BM_AddDecoded(benchmark::State& state) {
  const auto which = static_cast<std::size_t>(state.range(0));
  const auto d = static_cast<int>(state.range(1));
  const std::string text = spec_text(which, d);
  const CompressorPtr c = bench_compressor(text, d);
  const CompressorPtr server = bench_compressor(text, d);
  Message msg;
  for (std::int64_t r = 0; !msg.sent; ++r) {  // bernoulli: take a sent message
    Rng rng = round_rng(*c, r);
    c->compress(bench_vector(d), rng, msg);
  }
  Vec acc = Vec::Zero(d);
  for (auto _ : state) {
    server->add_decoded(msg, 0.5, acc);
    benchmark::DoNotOptimize(acc.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(text);
  state.SetItemsProcessed(state.iterations() * d);
  state.counters["bits_per_coord"] = static_cast<double>(msg.bits) / d;
}

// Fixed K = 1000 for every d: time per call should not grow with d (O(K)). Items = K per call.
void BM_FixedK(benchmark::State& state) {
  const char* const specs[] = {"randk[k=1000]", "randk[k=1000,shared_seed=true]", "topk[k=1000]"};
  const auto which = static_cast<std::size_t>(state.range(0));
  const auto d = static_cast<int>(state.range(1));
  const bool decode = state.range(2) != 0;
  const CompressorPtr c = bench_compressor(specs[which], d);
  const Vec& x = bench_vector(d);
  Message msg;
  Rng rng0 = round_rng(*c, 0);
  c->compress(x, rng0, msg);
  Vec acc = Vec::Zero(d);
  std::int64_t round = 1;
  for (auto _ : state) {
    if (decode) {
      c->add_decoded(msg, 0.5, acc);
      benchmark::DoNotOptimize(acc.data());
    } else {
      Rng rng = round_rng(*c, round++);
      c->compress(x, rng, msg);
      benchmark::DoNotOptimize(msg.bytes.data());
    }
  }
  state.SetLabel(std::string(specs[which]) + (decode ? " add_decoded" : " compress"));
  state.SetItemsProcessed(state.iterations() * 1000);
}

// Dense codecs against a copy (issue 13 "Dense codecs within 2x of a copy"): encode and decode
// (add_decoded) of every compressor that writes a value or a code per coordinate (per selected
// coordinate for the sparse+quantized ones) at d = 123 (a9a), 62061 (news20 as binary) and 10^6,
// value width 32. Counter ns_per_coord = time per call / d; compare with codec/memcpy4/<d> (a
// memcpy of the d float32s of a dense message) and codec/rng/<d> (one 64-bit draw per coordinate,
// the floor of the codecs that round at random).
const std::vector<std::string> kDenseSpecs = {
    "identity", "identity@64", "qsgd[s=16]", "qsgd[s=1]", "qsgd[s=16,norm=linf]", "qsgd[s=16,code=elias]",
    "natural", "natural@64", "natural_dithering[s=8]", "sign", "scaled_sign", "block_sign[blocks=100]",
    "laq[bits=4]", "bernoulli[p=1]", "grbs[ratio=0.5]", "qtopk[ratio=0.1,s=256]", "qrandk[ratio=0.1,s=16]",
    "signtopk[ratio=0.1]", "signrandk[ratio=0.1]", "blockwise[of=qsgd[s=16],blocks=4]"};
const std::int64_t kDenseDims[] = {123, 62'061, 1'000'000};

void set_ns_per_coord(benchmark::State& state, int d) {
  state.counters["ns_per_coord"] =
      benchmark::Counter(1e-9 * d, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// "NAME@64" is NAME at value width 64.
CompressorPtr dense_compressor(const std::string& text, int d) {
  const auto at = text.find('@');
  const int width = at == std::string::npos ? 32 : std::stoi(text.substr(at + 1));
  return commopt::make_compressor(commopt::Spec::parse(text.substr(0, at), "bench"), d, width, {0, 1});
}

void BM_CodecEncode(benchmark::State& state) {
  const std::string& text = kDenseSpecs[static_cast<std::size_t>(state.range(0))];
  const auto d = static_cast<int>(state.range(1));
  const CompressorPtr c = dense_compressor(text, d);
  const Vec& x = bench_vector(d);
  Message msg;
  std::int64_t round = 0;
  for (auto _ : state) {
    Rng rng = round_rng(*c, round++);
    c->compress(x, rng, msg);
    benchmark::DoNotOptimize(msg.bytes.data());
  }
  state.SetLabel(text);
  set_ns_per_coord(state, d);
}

void BM_CodecDecode(benchmark::State& state) {
  const std::string& text = kDenseSpecs[static_cast<std::size_t>(state.range(0))];
  const auto d = static_cast<int>(state.range(1));
  const CompressorPtr c = dense_compressor(text, d), server = dense_compressor(text, d);
  Message msg;
  Rng rng = round_rng(*c, 0);
  c->compress(bench_vector(d), rng, msg);
  Vec acc = Vec::Zero(d);
  for (auto _ : state) {
    server->add_decoded(msg, 0.5, acc);
    benchmark::DoNotOptimize(acc.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(text);
  set_ns_per_coord(state, d);
}

void BM_CodecMemcpy(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0));
  std::vector<float> src(d, 1.0f), dst(d);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), d * sizeof(float));
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  set_ns_per_coord(state, static_cast<int>(d));
}

// d raw 64-bit draws, summed so that none is optimized away.
void BM_CodecRng(benchmark::State& state) {
  const auto d = static_cast<int>(state.range(0));
  std::int64_t round = 0;
  for (auto _ : state) {
    Rng rng(1, 0, round++, commopt::Purpose::compress);
    std::uint64_t sum = 0;
    for (int i = 0; i < d; ++i) sum += rng() >> 11;
    benchmark::DoNotOptimize(sum);
  }
  set_ns_per_coord(state, d);
}

void dense_specs(benchmark::internal::Benchmark* b) {
  for (std::size_t i = 0; i < kDenseSpecs.size(); ++i)
    for (std::int64_t d : kDenseDims) b->Args({static_cast<std::int64_t>(i), d});
}

void all_specs(benchmark::internal::Benchmark* b) {
  for (std::size_t i = 0; i < kSpecs.size(); ++i)
    for (int d : {10'000, 1'000'000, 10'000'000}) b->Args({static_cast<std::int64_t>(i), d});
}

}  // namespace

BENCHMARK(BM_Copy)->Arg(10'000)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Memcpy)->ArgsProduct({{10'000, 1'000'000, 10'000'000}, {4, 8}})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TopKSelect)
    ->ArgsProduct({{1'000'000}, {0, 1'000, 10'000, 100'000, 400'000, 1'000'000}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Compress)->Apply(all_specs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AddDecoded)->Apply(all_specs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FixedK)
    ->ArgsProduct({{0, 1}, {10'000, 1'000'000, 10'000'000}, {0, 1}})
    ->Args({2, 10'000, 1})->Args({2, 1'000'000, 1})->Args({2, 10'000'000, 1})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CodecMemcpy)->Name("codec/memcpy4")->Arg(123)->Arg(62'061)->Arg(1'000'000);
BENCHMARK(BM_CodecRng)->Name("codec/rng")->Arg(123)->Arg(62'061)->Arg(1'000'000);
BENCHMARK(BM_CodecEncode)->Name("codec/encode")->Apply(dense_specs);
BENCHMARK(BM_CodecDecode)->Name("codec/decode")->Apply(dense_specs);
