// The LIBSVM catalogue (see dataset_catalogue.hpp). File names follow the LIBSVM pages; they could
// not be checked against the server when the table was written (no network), so a name the server
// no longer has fails with HTTP 404 and the URL tried. Checksums: only the nine xz copies of
// shared/datasets (sizes and sha256 of the .xz bytes, and of the decompressed text, measured with
// `stat -c %s`, `sha256sum` and `xz -dc | sha256sum` on those files); every upstream file says
// "checksum not recorded".
#include "problems/dataset_catalogue.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace commopt {

namespace {

CatalogueEntry up(const char* name, const char* page, const char* file) {
  CatalogueEntry e;
  e.name = name;
  e.page = page;
  e.upstream.file = file;
  return e;
}

// An upstream entry that also has an xz copy in shared/datasets.
CatalogueEntry shipped(const char* name, const char* page, const char* file, const char* xz_sha, std::uint64_t xz_bytes,
                       const char* content_sha) {
  CatalogueEntry e = up(name, page, file);
  e.mirror = {std::string(name) + ".xz", xz_sha, xz_bytes};
  e.content_sha256 = content_sha;
  return e;
}

std::vector<CatalogueEntry> builtin() {
  std::vector<CatalogueEntry> t = {
      shipped("a1a", "binary", "a1a", "140200caa534369ef5ea13d00230bec9cb960a83cc0e90b3ce663b2037b6f8c9", 8840,
              "eb54c45f1bdb51286f803dd092eb8202b44637a858fc6c4e533a2d64a0d94b4e"),
      shipped("a9a", "binary", "a9a", "cea7c541c650d123ac692cb8e2244d1c2e82f67c75cbfeccdb25a4b6fc88ef72", 138928,
              "f5d5ffd8d865ff41328e7ee043e4b020816914ff6843ff15b98905ddbedce906"),
      shipped("a9a.t", "binary", "a9a.t", "11dcdf09d2c3502c1e972986b8d8022b5adf895311e41e37e06e26ebc1ef45f3", 72448,
              "1f448a153f0320399a7e40836eb207655b0bde0f21fc941cc472193daa9f5de9"),
      shipped("ijcnn1", "binary", "ijcnn1.bz2", "5408441148980a04dd8e3c41a7cef1b33d31efc2a41175fdcf1b66ad167ea5a3",
              792616, "7fe291672c3fefe6a7e3c51529becd23f0e985ba05ffb8d53c9c648c1e91cc19"),
      shipped("ijcnn1.t", "binary", "ijcnn1.t.bz2", "bec1482a234c07ece9d196815eb0815e945e341c5dfc3eda050c0689df59003b",
              1459584, "e7b0bbd518641980dc322746c6bc59d019d3153934e6258e48f9d8cfae2c4bb8"),
      shipped("mushrooms", "binary", "mushrooms", "4472a93babfbb449c117b08107a66d8ce91cc34327b3f067e2bcd231818d7387",
              26512, "f39a4eb628dc61a7d43760815b061c9e497aa728ce1ad8bde57a09ef6043b538"),
      shipped("phishing", "binary", "phishing", "15fb576f15eedadffda6934403402f1b39219749f2a8df288b1efd5ebe44b7b0",
              63060, "0b0ca40e17bc95e909bfa587c408bf69904571ace01dea26e34cafc464f2da93"),
      shipped("w8a", "binary", "w8a", "2394c71a5273b93d8e1d189beb106039beb7e28f82c5f11805ed1966335be58c", 353084,
              "6a9fa8fd5f524303240a5db07d4b3d4a51e8b7b4b20a914105d8e3e8c81640f2"),
      shipped("news20", "multiclass", "news20.bz2", "f7f30d13ea4f2403037e8f098641a4edbbccf07d4539f175afe8dfff57f3b980",
              2105576, "1d6eb77c42e1c78e86f36af834268de933da3607f38e3703aef15f7a9f11e506"),
  };
  // Binary page, checksum not recorded.
  for (int i = 2; i <= 8; ++i) {  // a1a and a9a are above
    const std::string a = fmt::format("a{}a", i);
    t.push_back(up(a.c_str(), "binary", a.c_str()));
  }
  for (int i = 1; i <= 9; ++i) {
    const std::string at = fmt::format("a{}a.t", i);
    if (i != 9) t.push_back(up(at.c_str(), "binary", at.c_str()));
  }
  for (int i = 1; i <= 8; ++i) {
    const std::string w = fmt::format("w{}a", i), wt = w + ".t";
    if (i != 8) t.push_back(up(w.c_str(), "binary", w.c_str()));
    t.push_back(up(wt.c_str(), "binary", wt.c_str()));
  }
  for (const auto& [name, file] : std::vector<std::pair<const char*, const char*>>{
           {"australian", "australian_scale"}, {"breast-cancer", "breast-cancer_scale"}, {"cod-rna", "cod-rna"},
           {"colon-cancer", "colon-cancer.bz2"}, {"covtype", "covtype.libsvm.binary.bz2"},
           {"covtype.scale", "covtype.libsvm.binary.scale.bz2"}, {"diabetes", "diabetes_scale"}, {"duke", "duke.bz2"},
           {"epsilon", "epsilon_normalized.bz2"}, {"epsilon.t", "epsilon_normalized.t.bz2"},
           {"fourclass", "fourclass_scale"}, {"german.numer", "german.numer_scale"}, {"gisette", "gisette_scale.bz2"},
           {"gisette.t", "gisette_scale.t.bz2"}, {"heart", "heart_scale"}, {"HIGGS", "HIGGS.xz"},
           {"ionosphere", "ionosphere_scale"}, {"kdda", "kdda.bz2"}, {"kddb", "kddb.bz2"}, {"leu", "leu.bz2"},
           {"liver-disorders", "liver-disorders"}, {"madelon", "madelon"}, {"madelon.t", "madelon.t"},
           {"news20.binary", "news20.binary.bz2"}, {"rcv1", "rcv1_train.binary.bz2"}, {"rcv1.t", "rcv1_test.binary.bz2"},
           {"real-sim", "real-sim.bz2"}, {"skin_nonskin", "skin_nonskin"}, {"sonar", "sonar_scale"},
           {"splice", "splice"}, {"splice.t", "splice.t"}, {"SUSY", "SUSY.xz"}, {"svmguide1", "svmguide1"},
           {"svmguide1.t", "svmguide1.t"}})
    t.push_back(up(name, "binary", file));
  for (const auto& [name, file] : std::vector<std::pair<const char*, const char*>>{
           {"news20.t", "news20.t.bz2"}, {"mnist", "mnist.bz2"}, {"mnist.t", "mnist.t.bz2"},
           {"mnist.scale", "mnist.scale.bz2"}, {"mnist.scale.t", "mnist.scale.t.bz2"},
           {"covtype.multiclass", "covtype.bz2"}, {"letter", "letter.scale"}, {"letter.t", "letter.scale.t"},
           {"pendigits", "pendigits"}, {"pendigits.t", "pendigits.t"}, {"satimage", "satimage.scale"},
           {"dna", "dna.scale"}, {"dna.t", "dna.scale.t"}, {"iris", "iris.scale"}, {"glass", "glass.scale"},
           {"usps", "usps.bz2"}, {"usps.t", "usps.t.bz2"}, {"sector", "sector.bz2"}, {"sector.t", "sector.t.bz2"},
           {"connect-4", "connect-4"}, {"shuttle", "shuttle.scale"}, {"vowel", "vowel.scale"}, {"wine", "wine.scale"},
           {"segment", "segment.scale"}, {"vehicle", "vehicle.scale"}, {"poker", "poker.bz2"},
           {"protein", "protein.bz2"}, {"aloi", "aloi.bz2"}, {"cifar10", "cifar10.bz2"},
           {"rcv1.multiclass", "rcv1_train.multiclass.bz2"}})
    t.push_back(up(name, "multiclass", file));
  return t;
}

CatalogueFile file_from(const std::vector<std::string>& w, std::size_t at) {
  CatalogueFile f;
  f.file = w[at];
  if (w[at + 1] != "-") f.sha256 = w[at + 1];
  if (w[at + 2] != "-") f.bytes = std::stoull(w[at + 2]);
  return f;
}

std::vector<CatalogueEntry> from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("COMMOPT_DATA_CATALOGUE={}: cannot read it; unset it or fix the path", path));
  std::vector<CatalogueEntry> t;
  std::string line;
  for (int no = 1; std::getline(in, line); ++no) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream ls(line);
    std::vector<std::string> w;
    for (std::string word; ls >> word;) w.push_back(word);
    if (w.empty()) continue;
    if (w.size() != 5 && w.size() != 8 && w.size() != 9)
      throw UsageError(fmt::format("{}, line {}: expected `name page file sha256|- bytes|- [mirror_file sha256 bytes "
                                   "[content_sha256]]`",
                                   path, no));
    CatalogueEntry e;
    e.name = w[0];
    e.page = w[1];
    e.upstream = file_from(w, 2);
    if (w.size() >= 8) e.mirror = file_from(w, 5);
    if (w.size() == 9) e.content_sha256 = w[8];
    t.push_back(std::move(e));
  }
  return t;
}

}  // namespace

const std::vector<CatalogueEntry>& dataset_catalogue() {
  static const std::vector<CatalogueEntry> table = [] {
    const char* file = std::getenv("COMMOPT_DATA_CATALOGUE");
    return file && *file ? from_file(file) : builtin();
  }();
  return table;
}

const CatalogueEntry* find_catalogue_entry(const std::string& name) {
  for (const auto& e : dataset_catalogue())
    if (e.name == name) return &e;
  return nullptr;
}

std::string libsvm_url(const CatalogueEntry& e) {
  return fmt::format("https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/{}/{}", e.page, e.upstream.file);
}

}  // namespace commopt
