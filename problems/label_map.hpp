// `labels=` of the LIBSVM problems: how the raw labels of a file become the two classes ±1, so that
// multiclass data can be posed as a binary problem without rewriting the file (issue 13: news20 as
// a binary problem is `logreg[data=news20,labels=upto:10]`).
//   keep         the file's own labels (the default): two distinct labels become −1 (the smaller)
//                and +1; softmax and mlp keep K classes
//   upto:T       +1 for every label <= T, −1 for the others (a threshold on ordered classes)
//   onevsrest:C  +1 for the label C, −1 for the others
// A map is applied to the raw labels as written in the file, before the ±1 mapping and before the
// split sees them (so `--split label-sorted` sorts by the two classes). A map leaving every row in
// one class is an error naming the file's labels.
#pragma once
#include <string>
#include <vector>

namespace commopt {

struct LabelMap {
  enum class Kind { keep, upto, onevsrest };
  Kind kind = Kind::keep;
  double value = 0;  // T or C
  bool keeps() const { return kind == Kind::keep; }
  // Canonical text: "keep", "upto:10", "onevsrest:3" (the number in its shortest round-trip form).
  std::string str() const;
  // +1 or −1 for a raw label (not for `keep`).
  double operator()(double raw) const;
};

// The grammar in one line, for the parameter's documentation and error messages.
inline constexpr const char* kLabelMapGrammar =
    "keep (the file's labels), upto:T (labels <= T become +1, the others -1) or onevsrest:C (label C becomes +1, "
    "the others -1)";

// Parses `text`. Throws UsageError naming the input, "WHAT: labels=TEXT in 'SPEC': ..." (no "in"
// part when `spec` is empty), and the grammar.
LabelMap parse_label_map(const std::string& text, const std::string& what, const std::string& spec = "");

// Replaces every raw label by map(raw) ∈ {−1, +1}. Throws UsageError naming `source` (the file) and
// its distinct labels when every row lands in one class. Does nothing for `keep`.
void apply_label_map(const LabelMap& map, std::vector<double>& labels, const std::string& source);

}  // namespace commopt
