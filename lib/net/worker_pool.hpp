// A persistent pool of threads that runs `body(i)` for i = 0..n-1 and returns when all are done.
// Idle threads sleep on a condition variable (no spin-waiting at the per-round barrier, unlike
// libgomp's default), and the calling thread takes tasks too. Which thread runs which i is not
// fixed; callers make each task touch only its own state, so results do not depend on it.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace commopt {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);  // threads >= 1 in total, the caller included
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  int threads() const { return static_cast<int>(pool_.size()) + 1; }
  // Runs body(0..n-1); rethrows the first exception a task threw (after all tasks ended).
  void run(int n, const std::function<void(int)>& body);

 private:
  void loop();
  void take_tasks(std::unique_lock<std::mutex>& lock);

  std::vector<std::thread> pool_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* body_ = nullptr;
  int n_ = 0, next_ = 0, running_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

// Threads for one run's rounds. requested > 0: that many (at most n). 0 (auto): 1 unless the
// work per round, n·d + rows (the per-worker dense vector work plus the data rows; Objective does
// not expose nnz), reaches kParallelWorkThreshold, then min(hardware threads, n).
// Measured with bench/threads_crossover.sh (gd, 2 cores, --threads 2 vs 1, medians): with this
// pool 2 threads cut the wall time at every size tried (0.72x at a9a n=10, 0.92x at mushrooms
// n=5) but cost CPU: +5..19% below ~5e5 (a9a n=10/1000, w8a n=1000), +2..6% above (softmax w8a
// n=1000 at 6.5e5, mlp w8a n=100 at 1e6). Below the threshold the second core is worth more to
// another run (check/sweep -j, ctest -j), so one thread.
inline constexpr double kParallelWorkThreshold = 5e5;
int choose_threads(int requested, int n, double work_per_round);

// The --threads request for the runs started on the calling thread (0: auto). Thread-local, so
// `check -j` and `sweep -j` set 1 on their own run threads without affecting each other.
void set_requested_threads(int threads);
int requested_threads();
// The thread count the last SimNetwork built on this thread chose (0: none built yet).
int last_chosen_threads();
void note_chosen_threads(int threads);

}  // namespace commopt
