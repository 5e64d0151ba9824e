// WorkerPool and the automatic thread choice (worker_pool.hpp).
#include "net/worker_pool.hpp"

#include <algorithm>
#include <exception>
#include <utility>

namespace commopt {

WorkerPool::WorkerPool(int threads) {
  for (int t = 1; t < threads; ++t) pool_.emplace_back([this] { loop(); });
}

WorkerPool::~WorkerPool() {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : pool_) t.join();
}

// Takes task indices until none are left; `lock` (on mu_) is held on entry and on return and
// released while a task runs.
void WorkerPool::take_tasks(std::unique_lock<std::mutex>& lock) {
  while (next_ < n_) {
    const int i = next_++;
    ++running_;
    lock.unlock();
    std::exception_ptr err;
    try {
      (*body_)(i);
    } catch (...) {
      err = std::current_exception();
    }
    lock.lock();
    if (err && !error_) error_ = err;
    --running_;
  }
  if (running_ == 0) done_.notify_all();
}

void WorkerPool::loop() {
  std::uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    take_tasks(lock);
  }
}

void WorkerPool::run(int n, const std::function<void(int)>& body) {
  if (pool_.empty()) {
    for (int i = 0; i < n; ++i) body(i);
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  body_ = &body, n_ = n, next_ = 0, running_ = 0, error_ = nullptr;
  ++generation_;
  wake_.notify_all();
  take_tasks(lock);
  done_.wait(lock, [&] { return next_ >= n_ && running_ == 0; });
  body_ = nullptr, n_ = 0;
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

int choose_threads(int requested, int n, double work_per_round) {
  if (requested > 0) return std::max(1, std::min(requested, n));
  if (n < 2 || work_per_round < kParallelWorkThreshold) return 1;
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, std::min(hw, n));
}

namespace {
thread_local int requested_threads_ = 0;
thread_local int chosen_threads_ = 0;
}  // namespace

void set_requested_threads(int threads) { requested_threads_ = threads; }
int requested_threads() { return requested_threads_; }
int last_chosen_threads() { return chosen_threads_; }
void note_chosen_threads(int threads) { chosen_threads_ = threads; }

}  // namespace commopt
