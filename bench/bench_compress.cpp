// Throughput of the compressors (dasha-family.md §2): compress and add_decoded at d = 10^6 for
// identity, randk 1%, topk 1% and scaled_sign, value width 32. Bytes processed = 8·d per call
// (the dense double input of compress, the dense accumulator of add_decoded).
// No main here: bench_gradient.cpp holds BENCHMARK_MAIN().
#include <benchmark/benchmark.h>

#include <string>

#include "compress/compressor.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"

namespace {

using commopt::CompressorPtr;
using commopt::Message;
using commopt::Rng;
using commopt::Vec;

constexpr int kDim = 1'000'000;

const char* const kSpecs[] = {"identity", "randk[ratio=0.01]", "topk[ratio=0.01]", "scaled_sign"};

Vec bench_vector() {
  Rng rng(7, 0, 0, commopt::Purpose::data);
  Vec x(kDim);
  for (auto& v : x) v = rng.normal();
  return x;
}

CompressorPtr bench_compressor(int which) {
  return commopt::make_compressor(commopt::Spec::parse(kSpecs[which], "bench"), kDim, 32);
}

void BM_Compress(benchmark::State& state) {
  const auto which = static_cast<int>(state.range(0));
  const CompressorPtr c = bench_compressor(which);
  const Vec x = bench_vector();
  Message msg;
  std::int64_t round = 0;
  for (auto _ : state) {
    Rng rng(1, 0, round++, commopt::Purpose::compress);
    c->compress(x, rng, msg);
    benchmark::DoNotOptimize(msg.bytes.data());
  }
  state.SetLabel(kSpecs[which]);
  state.SetBytesProcessed(state.iterations() * kDim * static_cast<std::int64_t>(sizeof(double)));
  state.counters["msg_bits"] = static_cast<double>(msg.bits);
}

void BM_CompressAddDecoded(benchmark::State& state) {
  const auto which = static_cast<int>(state.range(0));
  const CompressorPtr c = bench_compressor(which);
  const Vec x = bench_vector();
  Message msg;
  Rng rng(1, 0, 0, commopt::Purpose::compress);
  c->compress(x, rng, msg);
  Vec acc = Vec::Zero(kDim);
  for (auto _ : state) {
    c->add_decoded(msg, 0.5, acc);
    benchmark::DoNotOptimize(acc.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(kSpecs[which]);
  state.SetBytesProcessed(state.iterations() * kDim * static_cast<std::int64_t>(sizeof(double)));
  state.counters["msg_bits"] = static_cast<double>(msg.bits);
}

}  // namespace

BENCHMARK(BM_Compress)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CompressAddDecoded)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);
