// The regression catalogue of issue 16 ("Nothing lost, nothing trusted blindly"): every case of
// items 1-6 that a command line reproduces, as {command, expected exit code, fragment of the expected
// message}. Items 3 (resume keys), 5 (caches) and 8 (signals) need several steps each and live in
// test_sweep.cpp, test_cache_verify.cpp and test_interrupt.cpp; the full-disk case of item 1 is the
// fault-injection test in test_result_file.cpp.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <vector>

#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"

namespace fs = std::filesystem;
using commopt::testing::TempDir;
using commopt::testing::write_file;
using commopt::testing::Outcome;

namespace {

// `commopt ARGS` run by the shell in `cwd` with `env` (VAR=value ...) prepended; no --data-dir is added.
Outcome sh(const std::string& cwd, const std::string& env, const std::string& args) {
  return commopt::testing::run_shell("cd '" + cwd + "' && " + env + " " + COMMOPT_BINARY + " " + args);
}

struct Case {
  std::string item;      // issue 16 item
  std::string command;   // arguments of commopt
  int code;              // expected exit code
  std::string fragment;  // expected in the output
  std::string env = "";  // environment assignments
};

const std::string kData = std::string(" --data-dir ") + COMMOPT_SHARED_DATASETS;
const std::string kRun = "run --problem 'quadratic[d=5]' -n 2 --rounds 3 -q";
const std::string kGd = "[[runs]]\nmethod = \"gd\"\n";

bool has_control_bytes(const std::string& s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\n') || c == 0x7F) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("catalogue: every command-line case of issue 16 fails cleanly with its message", "[catalogue]") {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  // Inputs of the cases.
  const std::string tiny = "1 1:1\n-1 2:1\n1 1:0.5 2:0.5\n";
  write_file(tmp / "tiny.txt", tiny);
  write_file(tmp / "huge.txt", "1 2000000000:1\n-1 1:1\n");  // 22 bytes that ask for 2e9 features
  write_file(tmp / "notes", "a file, not a directory\n");
  fs::create_directory(tmp / "adir");
  std::string line = "1 ";
  for (int k = 0; k < 350000; ++k) line += "x\x01\x1b";  // a 1 MB line of junk with control bytes
  write_file(tmp / "long.txt", line + "\n");
  // A 100 KB spec (one argument may hold at most 128 KB).
  write_file(tmp / "longspec", "quadratic[d=" + line.substr(2, 100000) + "]");
  // Compression bombs: 8 MB of zeros in a few KB; the cap is lowered to 1 MB so the test stays fast.
  for (const char* zip : {"xz -0 > bomb.xz", "gzip > bomb.gz", "bzip2 > bomb.bz2"})
    REQUIRE(std::system(("cd '" + dir + "' && head -c 8000000 /dev/zero | " + zip).c_str()) == 0);
  REQUIRE(fs::file_size(tmp / "bomb.xz") < 10000);
  // An existing result, and a planted .partial symlink.
  REQUIRE(sh(dir, "", kRun + " -o done.csv").code == 0);
  fs::create_symlink(tmp / "victim", tmp / "linked.csv.partial");
  const auto toml = [&](const std::string& name, const std::string& body) {
    write_file(tmp / name, "out_dir = \"" + (tmp / "sweep").string() + "\"\n" + body);
    return "sweep " + name + kData;
  };

  const std::vector<Case> cases = {
      // 1. write errors: an unwritable or impossible --out fails before the run, exit 2, naming it.
      {"1", kRun + " -o notes/x.csv", 2, "cannot create the directory 'notes'"},
      {"1", kRun + " -o /proc/x.csv", 2, "--out /proc/x.csv: cannot create '/proc/x.csv.partial'"},
      // 2. --out cannot destroy files.
      {"2", kRun + " -o adir", 2, "--out adir: is a directory"},
      {"2", kRun + " -o /dev/null", 2, "--out /dev/null: is not a regular file"},
      {"2", kRun + " -o x.json", 2, "the metadata goes beside the trace as .json"},
      {"2", kRun + " -o done.csv", 2, "a result is already there; pass --force to replace it"},
      {"2", kRun + " -o linked.csv", 2, "'linked.csv.partial' exists"},
      {"2", "run --problem 'logreg[data=" + dir + "/tiny.txt]' -n 2 --rounds 3 -q -o tiny.txt", 2,
       "--out tiny.txt: is an input of this run"},
      // 4. the sweep file is validated before anything runs: FILE:LINE: key.
      {"4", toml("s1.toml", "problem = \"quadratic\"\n[[runs]]\nmehtod = \"gd\"\n"), 2,
       "s1.toml:4: mehtod: unknown key in [[runs]]"},
      {"4", toml("s2.toml", "problem = \"quadratic\"\nworkers = \"2\"\n" + kGd), 2, "s2.toml:3: workers: expected an integer"},
      {"4", toml("s3.toml", "problem = \"quadratic\"\nseeds = []\n" + kGd), 2, "s3.toml:3: seeds: empty list"},
      {"4", toml("s4.toml", "problem = \"quadratic\"\nseeds = [-1]\n" + kGd), 2, "s4.toml:3: seeds: seed -1 is negative"},
      {"4", toml("s5.toml", "problem = \"quadratic\"\nstepsize_powers = [-2000000000, 2000000000]\n" + kGd), 2,
       "s5.toml:3: stepsize_powers:"},
      // 6. input that exhausts resources: refused before any large allocation.
      {"6", "run --problem 'logreg[data=huge.txt]' -n 2 --rounds 3 -q -o h.csv", 2,
       "huge.txt, line 1: index 2000000000 exceeds the limit of 100000000 features"},
      {"6", "run --problem 'quadratic[d=100000]' --rounds 3 -q -o q.csv", 2,
       "n * d^2 = 10 * 100000^2 = 1e+11 matrix entries exceeds the limit of 2.5e+08"},
      {"6", "run --problem 'quadratic[d=6000]' -n 8 --rounds 3 -q -o q.csv", 2, "exceeds the limit of 2.5e+08"},
      {"6", "run --problem 'logreg[data=bomb.xz]' -n 2 --rounds 3 -q -o b.csv", 2,
       "bomb.xz: decompresses (xz) to more than 1000000 bytes", "COMMOPT_MAX_DATA_BYTES=1000000"},
      {"6", "run --problem 'logreg[data=bomb.gz]' -n 2 --rounds 3 -q -o b.csv", 2,
       "bomb.gz: decompresses (gzip) to more than 1000000 bytes", "COMMOPT_MAX_DATA_BYTES=1000000"},
      {"6", "run --problem 'logreg[data=bomb.bz2]' -n 2 --rounds 3 -q -o b.csv", 2,
       "bomb.bz2: decompresses (bzip2) to more than 1000000 bytes", "COMMOPT_MAX_DATA_BYTES=1000000"},
      {"6", "run --problem 'logreg[data=long.txt]' -n 2 --rounds 3 -q -o b.csv", 2, "holds more than 1000000 bytes",
       "COMMOPT_MAX_DATA_BYTES=1000000"},
      {"6", "run --problem 'logreg[data=tiny.txt]' -n 2 --rounds 3 -q -o b.csv", 2,
       "COMMOPT_MAX_DATA_BYTES='lots' is not a positive number", "COMMOPT_MAX_DATA_BYTES=lots"},
      {"6", kRun + " --seed -1 -o s.csv", 2, "--seed -1: give a whole number between 0 and 18446744073709551615"},
      {"6", kRun + " --seed 1e3 -o s.csv", 2, "--seed 1e3: give a whole number"},
      {"6", kRun + " --seed 18446744073709551616 -o s.csv", 2, "give a whole number"},
      {"6", "demo --seed -1", 2, "--seed -1: give a whole number"},
      {"6", kRun + " --max-bits -5 -o m.csv", 2, "--max-bits -5: give a positive number"},
      {"6", kRun + " --max-bits nan -o m.csv", 2, "--max-bits nan: give a positive number"},
      {"6", kRun + " --target nan -o m.csv", 2, "--target nan: give a finite number >= 0"},
      {"6", kRun + " --time-limit -1 -o m.csv", 2, "--time-limit -1: give a positive number of seconds"},
      {"6", "run --problem 'logreg[data=a1a]' -n 2 --rounds 3 -q -o d.csv --data-dir no/such/dir", 2,
       "--data-dir no/such/dir: no such directory"},
      {"6", "run --problem 'logreg[data=a1a]' -n 2 --rounds 3 -q -o d.csv --data-dir notes", 2,
       "--data-dir notes: not a directory"},
      {"6", "data info a1a --data-dir no/such/dir", 2, "--data-dir no/such/dir: no such directory"},
      {"6", "run --problem 'logreg[data=long.txt]' -n 2 --rounds 3 -q -o l.csv", 2,
       "long.txt, line 1: 'x\\x01\\x1Bx"},
      {"6", "run --problem \"$(cat longspec)\" -n 2 --rounds 3 -q -o l.csv", 2, "...(100000 bytes)..."},
  };
  for (const auto& c : cases) {
    const Outcome o = sh(dir, c.env, c.command);
    INFO("item " << c.item << ": " << c.env << " commopt " << c.command.substr(0, 200) << "\n--- output:\n"
                 << o.output.substr(0, 2000));
    CHECK(o.code == c.code);
    CHECK(o.output.find(c.fragment) != std::string::npos);
    // One line, short, printable: never an echo of the input.
    CHECK(std::count(o.output.begin(), o.output.end(), '\n') == 1);
    CHECK(o.output.size() < 300);
    CHECK_FALSE(has_control_bytes(o.output));
  }
  // Nothing was destroyed or published by the refused runs.
  CHECK_FALSE(fs::exists(tmp / "victim"));
  CHECK(fs::is_character_file("/dev/null"));
  CHECK(fs::file_size(tmp / "tiny.txt") == tiny.size());
  for (const char* f : {"h.csv", "q.csv", "b.csv", "s.csv", "m.csv", "d.csv", "l.csv", "x.json", "linked.csv"})
    CHECK_FALSE(fs::exists(tmp / f));
  CHECK_FALSE(fs::exists(tmp / "sweep" / "runs.csv"));
}

TEST_CASE("catalogue: item 5 from the command line: a cached L divided by 100 is caught and recomputed",
          "[catalogue]") {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  const std::string env = "XDG_CACHE_HOME='" + dir + "/cache'";
  const std::string cmd = "data constants --problem 'logreg[data=a1a,lambda=0.01]' -n 2" + kData;
  const Outcome first = sh(dir, env, cmd);
  REQUIRE(first.code == 0);
  // The constants entry (the other one holds f*).
  std::vector<fs::path> entries;
  std::string text;
  for (const auto& e : fs::directory_iterator(tmp / "cache" / "commopt")) {
    std::ifstream in(e.path());
    std::string t((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (t.find("\"L_i\"") == std::string::npos) continue;
    entries.push_back(e.path());
    text = t;
  }
  REQUIRE(entries.size() == 1);
  // "L": <value> -> "L": <value / 100>, the rest untouched.
  const auto at = text.find("\"L\": ");
  REQUIRE(at != std::string::npos);
  const auto end = text.find_first_of(",\n}", at);
  const double L = std::stod(text.substr(at + 5, end - at - 5));
  write_file(entries[0], text.substr(0, at + 5) + std::to_string(L / 100) + text.substr(end));

  const Outcome second = sh(dir, env, cmd);
  INFO(second.output);
  CHECK(second.code == 0);
  CHECK(second.output.find("commopt: cache entry " + entries[0].string() + " failed verification (L = ") !=
        std::string::npos);
  CHECK(second.output.find("power-iteration estimate") != std::string::npos);
  CHECK(second.output.find("); recomputed") != std::string::npos);
  // The entry was overwritten with the recomputed constants: the third run is silent and equal to the first.
  const Outcome third = sh(dir, env, cmd);
  CHECK(third.output.find("failed verification") == std::string::npos);
  CHECK(third.code == 0);
}
