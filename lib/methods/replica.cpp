// ModelReplica (see replica.hpp).
#include "methods/replica.hpp"

#include <stdexcept>
#include <string>

#include "methods/common.hpp"

namespace commopt {

ModelReplica::ModelReplica(const Vec& x0, CompressorPtr down_codec, double step, Options options)
    : x_(x0), codec_(std::move(down_codec)), step_(step), options_(options) {
  if (options_.keep_previous) previous_ = x0;
  if (options_.move_history > 0) {
    if (!options_.keep_previous) throw std::logic_error("ModelReplica: move_history needs keep_previous");
    moves_.assign(static_cast<std::size_t>(options_.move_history), 0.0);
  }
  if (!options_.potential_weights.empty() && options_.potential_weights.size() != moves_.size())
    throw std::logic_error("ModelReplica: potential_weights needs one weight per move of the history");
  if (options_.update == Update::accumulate) g_ = Vec::Zero(x0.size());
}

const Vec& ModelReplica::previous() const {
  if (!options_.keep_previous) throw std::logic_error("ModelReplica::previous: built without keep_previous");
  return previous_;
}

void ModelReplica::advance(int round, const Message& down) {
  // Fast path: another worker of this process already applied round t (acquire: its x is visible).
  if (round_.load(std::memory_order_acquire) == round) return;
  const std::lock_guard<std::mutex> lock(mu_);
  const int done = round_.load(std::memory_order_relaxed);
  if (done == round) return;
  if (round < done)
    throw std::logic_error("ModelReplica: round " + std::to_string(round) + "'s broadcast arrived after round " +
                           std::to_string(done) + "'s");
  decode(round, down);
  ++decodes_;
  round_.store(round, std::memory_order_release);
}

void ModelReplica::decode(int round, const Message& down) {
  if (options_.keep_previous) previous_ = x_;
  if (options_.update == Update::step) {
    const double step = options_.step_at ? options_.step_at(round) : step_;
    codec_->add_decoded(down, -step, x_);  // x^t = x^{t−1} − γ_t·decode(down^t)
  } else if (options_.update == Update::custom) {
    options_.rule(round, down, x_);
  } else {
    codec_->add_decoded(down, 1.0, g_);  // g^t = g^{t−1} + b^t
    x_ -= step_ * g_;                    // x^t = x^{t−1} − γ g^t
  }
  if (options_.keep_previous) move_sq_ = (x_ - previous_).squaredNorm();
  if (!moves_.empty()) {
    moves_[next_move_] = move_sq_;
    next_move_ = (next_move_ + 1) % moves_.size();
    // The sums each worker formed over its own ring, in the same order of additions (bit-identical):
    // slot order for the trigger, age order (k = 0: the latest move) for the potential.
    double trigger = 0;
    for (double m : moves_) trigger += options_.trigger_weight * m;
    trigger_history_ = trigger;
    double potential = 0;
    for (std::size_t k = 0; k < options_.potential_weights.size(); ++k)
      potential += options_.potential_weights[k] * move(static_cast<int>(k));
    potential_history_ = potential;
  }
}

ReplicaPtr dense_replica(const Vec& x0, int value_bits, double step, bool keep_previous) {
  ModelReplica::Options o;
  o.keep_previous = keep_previous;
  return std::make_shared<ModelReplica>(x0, dense_codec(static_cast<int>(x0.size()), value_bits), step, o);
}

ReplicaPtr dense_replica(const Vec& x0, int value_bits, std::function<double(int round)> step_at, bool keep_previous) {
  ModelReplica::Options o;
  o.keep_previous = keep_previous;
  o.step_at = std::move(step_at);
  return std::make_shared<ModelReplica>(x0, dense_codec(static_cast<int>(x0.size()), value_bits), 0.0, o);
}

ReplicaPtr custom_replica(const Vec& x0, ModelReplica::Rule rule, bool keep_previous) {
  ModelReplica::Options o;
  o.update = ModelReplica::Update::custom;
  o.keep_previous = keep_previous;
  o.rule = std::move(rule);
  return std::make_shared<ModelReplica>(x0, nullptr, 0.0, o);
}

}  // namespace commopt
