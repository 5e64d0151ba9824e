#include "theory/outcome_enumerator.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace commopt {

OutcomeEnumerator::Scope::Scope(OutcomeEnumerator& e) : e_(e), guard_(e) {
  if (e_.scoped_) e_.fail("an enumeration scope was opened twice in one run");
  e_.scoped_ = true;
  e_.pos_ = 0;
  e_.seen_.clear();
  e_.owner_ = std::this_thread::get_id();
}

OutcomeEnumerator::Scope::~Scope() {
  // The code must consume exactly the recorded path: fewer draws than last time means the run
  // does not replay (it depends on something other than the answers).
  if (e_.pos_ != e_.path_.size())
    e_.fail(fmt::format("the run made {} draws where the replayed path has {}", e_.pos_, e_.path_.size()));
}

void OutcomeEnumerator::fail(const std::string& why) {
  if (error_.empty()) error_ = why;
}

std::size_t OutcomeEnumerator::answer(std::uint64_t stream, std::uint64_t index, std::vector<double> weights) {
  if (std::this_thread::get_id() != owner_) {
    fail("a draw came from another thread (run the enumerated code on one thread)");
    return 0;
  }
  const auto key = std::make_pair(stream, index);
  if (auto it = seen_.find(key); it != seen_.end()) {  // the same draw of a shared stream: same answer
    const Slot& s = path_[it->second];
    if (s.weights.size() != weights.size()) fail("a shared draw was made with two different ranges");
    return s.choice;
  }
  if (pos_ < path_.size()) {
    Slot& s = path_[pos_];
    if (s.stream != stream || s.index != index || s.weights != weights) {
      fail("the replayed run made a different draw at the same position");
      return 0;
    }
  } else {
    Slot s{stream, index, std::move(weights), 0};
    while (s.choice + 1 < s.weights.size() && s.weights[s.choice] == 0) ++s.choice;  // first possible answer
    path_.push_back(std::move(s));
  }
  seen_[key] = pos_;
  return path_[pos_++].choice;
}

std::uint64_t OutcomeEnumerator::below(std::uint64_t stream, std::uint64_t index, std::uint64_t n) {
  if (n == 0 || n > 1'000'000) {
    fail(fmt::format("below({}) is outside what can be enumerated", n));
    return 0;
  }
  return answer(stream, index, std::vector<double>(n, 1.0 / static_cast<double>(n)));
}

bool OutcomeEnumerator::bernoulli(std::uint64_t stream, std::uint64_t index, double p) {
  // Answer 0: false (probability 1 − p); answer 1: true (p). Matches uniform() < p, clamped.
  const double q = std::clamp(p, 0.0, 1.0);
  return answer(stream, index, {1.0 - q, q}) == 1;
}

void OutcomeEnumerator::continuous(const char* what) {
  fail(fmt::format("{} is a continuous draw and cannot be enumerated (use below() or bernoulli())", what));
}

bool OutcomeEnumerator::advance() {
  while (!path_.empty()) {
    Slot& s = path_.back();
    std::size_t next = s.choice + 1;
    while (next < s.weights.size() && s.weights[next] == 0) ++next;
    if (next < s.weights.size()) {
      s.choice = next;
      return true;
    }
    path_.pop_back();
  }
  return false;
}

double OutcomeEnumerator::expectation(const std::function<double(OutcomeEnumerator&)>& value) {
  path_.clear();
  error_.clear();
  paths_ = 0;
  double sum = 0, total_probability = 0;
  do {
    scoped_ = false;
    const double v = value(*this);
    if (!scoped_) fail("the run opened no enumeration scope");
    if (!error_.empty()) throw std::logic_error("exact expectation: " + error_);
    double p = 1;
    for (const Slot& s : path_) p *= s.weights[s.choice];
    sum += p * v;
    total_probability += p;
    if (++paths_ > max_paths_)
      throw std::logic_error(fmt::format("exact expectation: more than {} outcomes; use a smaller problem", max_paths_));
  } while (advance());
  if (std::abs(total_probability - 1.0) > 1e-9)
    throw std::logic_error(fmt::format("exact expectation: the outcomes' probabilities sum to {}", total_probability));
  return sum;
}

}  // namespace commopt
