// wait_for and the waited-for MPI calls (see mpi_wait.hpp).
#include "net/mpi/mpi_wait.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>

#include <sys/prctl.h>

namespace commopt {

namespace {
using clock = std::chrono::steady_clock;
using std::chrono::microseconds;
constexpr auto kPoll = microseconds(20);       // poll without sleeping this long first
constexpr auto kMinSleep = microseconds(5);    // then sleep between polls, at least this long
constexpr auto kMaxSleep = microseconds(100);  // and at most this long
}  // namespace

MpiWait mpi_wait_policy() {
  static const MpiWait policy = [] {
    const char* v = std::getenv("COMMOPT_MPI_WAIT");
    return v && std::string(v) == "poll" ? MpiWait::poll : MpiWait::sleep;
  }();
  return policy;
}

namespace {
// Poll: Open MPI's blocking calls themselves (its tuned collective algorithms, as before issue 13).
bool polling() { return mpi_wait_policy() == MpiWait::poll; }

MpiTime spent;
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
// Adds the wall and CPU time of its scope to `spent`.
struct Timed {
  clock::time_point wall = clock::now();
  double cpu = thread_cpu_seconds();
  ~Timed() {
    spent.wall += std::chrono::duration<double>(clock::now() - wall).count();
    spent.cpu += thread_cpu_seconds() - cpu;
    ++spent.calls;
  }
};

// Between two polls of a wait that began at `start`: nothing for kPoll, then a sleep of 1/8 of
// the time waited, within [kMinSleep, kMaxSleep].
void pause_after(clock::time_point start) {
  const auto waited = clock::now() - start;
  if (waited < kPoll) return;
  // Sleeps end within 1 µs of their time instead of Linux's default 50 µs timer slack.
  static const bool precise = prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL) == 0;
  (void)precise;
  std::this_thread::sleep_for(std::clamp(std::chrono::duration_cast<microseconds>(waited / 8), kMinSleep, kMaxSleep));
}
}  // namespace

const MpiTime& mpi_time() { return spent; }

void wait_for(MPI_Request& request) {
  if (polling()) {
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    return;
  }
  const auto start = clock::now();
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    pause_after(start);
  }
}

void wait_all(std::vector<MPI_Request>& requests) {
  const Timed timed;
  const int count = static_cast<int>(requests.size());
  if (polling()) {
    MPI_Waitall(count, requests.data(), MPI_STATUSES_IGNORE);
    return;
  }
  const auto start = clock::now();
  for (int done = 0;;) {
    MPI_Testall(count, requests.data(), &done, MPI_STATUSES_IGNORE);
    if (done) return;
    pause_after(start);
  }
}

void barrier(MPI_Comm comm) {
  const Timed timed;
  if (polling()) {
    MPI_Barrier(comm);
    return;
  }
  MPI_Request r;
  MPI_Ibarrier(comm, &r);
  wait_for(r);
}

void bcast(void* data, int count, MPI_Datatype type, int root, MPI_Comm comm) {
  const Timed timed;
  if (polling()) {
    MPI_Bcast(data, count, type, root, comm);
    return;
  }
  MPI_Request r;
  MPI_Ibcast(data, count, type, root, comm, &r);
  wait_for(r);
}

void gatherv(const void* send, int send_count, void* recv, const int* counts, const int* displs, int root,
             MPI_Comm comm) {
  const Timed timed;
  if (polling()) {
    MPI_Gatherv(send, send_count, MPI_BYTE, recv, counts, displs, MPI_BYTE, root, comm);
    return;
  }
  MPI_Request r;
  MPI_Igatherv(send, send_count, MPI_BYTE, recv, counts, displs, MPI_BYTE, root, comm, &r);
  wait_for(r);
}

void allreduce(const void* send, void* recv, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm) {
  const Timed timed;
  if (polling()) {
    MPI_Allreduce(send, recv, count, type, op, comm);
    return;
  }
  MPI_Request r;
  MPI_Iallreduce(send, recv, count, type, op, comm, &r);
  wait_for(r);
}

void send_to(const void* data, int count, MPI_Datatype type, int to, MPI_Comm comm) {
  const Timed timed;
  if (polling()) {
    MPI_Send(data, count, type, to, 0, comm);
    return;
  }
  MPI_Request r;
  MPI_Isend(data, count, type, to, 0, comm, &r);
  wait_for(r);
}

void receive_from(void* data, int count, MPI_Datatype type, int from, MPI_Comm comm) {
  const Timed timed;
  if (polling()) {
    MPI_Recv(data, count, type, from, 0, comm, MPI_STATUS_IGNORE);
    return;
  }
  MPI_Request r;
  MPI_Irecv(data, count, type, from, 0, comm, &r);
  wait_for(r);
}

}  // namespace commopt
