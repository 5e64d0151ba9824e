// A bounded fuzzer without libFuzzer: a deterministic mutation loop over the seed corpus
// (tests/fuzz/corpus/*.libsvm for the LIBSVM reader, *.spec for the spec parser). Each iteration
// picks a corpus entry, applies 1-4 random edits (flip, insert, delete, duplicate a chunk, splice in
// a token that parsers find hard) and checks it with check_one(). Exit 0 when every input behaved;
// exit 1 with the offending input (escaped) otherwise. An input that takes more than 2 s is a hang.
//   commopt_fuzz CORPUS_DIR [ITERATIONS] [SECONDS] [SEED]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/excerpt.hpp"
#include "fuzz_targets.hpp"

namespace fs = std::filesystem;
using commopt::fuzz::Target;

namespace {

struct Seed {
  Target target;
  std::string text;
};

const char* const kTokens[] = {":", " ", "\n", "\t", "#", "-", "+", "0", "1e308", "1e-320", "nan", "inf",
                               "2147483648", "2000000000", "99999999", "-1", "[", "]", "=", ",", "[[", "]]",
                               "\0", "\xFF", "\r\n", "1:1", "0:1", "3:2 2:1", "k=v", "data=a1a"};

std::string mutate(std::string s, std::mt19937_64& rng) {
  const auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    switch (rng() % 6) {
      case 0:  // flip a byte
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng() & 0xFF);
        break;
      case 1:  // insert a random byte
        s.insert(s.begin() + static_cast<long>(pick(s.size() + 1)), static_cast<char>(rng() & 0xFF));
        break;
      case 2: {  // delete a range
        if (s.empty()) break;
        const std::size_t at = pick(s.size());
        s.erase(at, 1 + pick(std::min<std::size_t>(16, s.size() - at)));
        break;
      }
      case 3: {  // duplicate a chunk (grows lines and brackets)
        if (s.empty()) break;
        const std::size_t at = pick(s.size());
        const std::string chunk = s.substr(at, 1 + pick(64));
        s.insert(pick(s.size() + 1), chunk);
        break;
      }
      case 4: {  // splice in a token
        const std::string_view tok = kTokens[pick(std::size(kTokens))];
        s.insert(pick(s.size() + 1), tok.empty() ? std::string(1, '\0') : std::string(tok));
        break;
      }
      default:  // truncate
        s.resize(pick(s.size() + 1));
    }
  }
  if (s.size() > (1u << 16)) s.resize(1u << 16);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: commopt_fuzz CORPUS_DIR [ITERATIONS] [SECONDS] [SEED]\n");
    return 2;
  }
  const long iterations = argc > 2 ? std::stol(argv[2]) : 20000;
  const double seconds = argc > 3 ? std::stod(argv[3]) : 15;
  std::mt19937_64 rng(argc > 4 ? std::stoull(argv[4]) : 16);
  std::vector<Seed> corpus;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(argv[1])) files.push_back(e.path());
  std::sort(files.begin(), files.end());  // the same order on every machine
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (f.extension() == ".libsvm") corpus.push_back({Target::libsvm, text});
    if (f.extension() == ".spec") corpus.push_back({Target::spec, text});
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "commopt_fuzz: no *.libsvm or *.spec files in %s\n", argv[1]);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  long done = 0;
  for (; done < iterations && elapsed() < seconds; ++done) {
    const Seed& seed = corpus[static_cast<std::size_t>(rng() % corpus.size())];
    // The seeds themselves first, then mutants.
    const std::string input = done < static_cast<long>(corpus.size()) ? corpus[static_cast<std::size_t>(done)].text
                                                                       : mutate(seed.text, rng);
    const Target target = done < static_cast<long>(corpus.size()) ? corpus[static_cast<std::size_t>(done)].target
                                                                   : seed.target;
    const double t0 = elapsed();
    const std::string fault = commopt::fuzz::check_one(target, input);
    const double took = elapsed() - t0;
    if (!fault.empty() || took > 2.0) {
      fmt::print(stderr, "commopt_fuzz: iteration {} ({}): {} ({:.2f} s) on input '{}'\n", done,
                 target == Target::libsvm ? "libsvm" : "spec", fault.empty() ? "hang" : fault, took,
                 commopt::excerpt(input, 2000));
      return 1;
    }
  }
  fmt::print("commopt_fuzz: {} inputs from {} seeds in {:.1f} s, no crash, no hang, every refusal a short UsageError\n",
             done, corpus.size(), elapsed());
  return 0;
}
