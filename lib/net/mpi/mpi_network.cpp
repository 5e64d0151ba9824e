// MpiNetwork (see mpi_network.hpp). MPI calls happen on the main thread only, outside the loop
// over this rank's workers (one thread per rank unless --threads asks for more: the ranks already
// fill the cores, and a second thread per rank would steal its neighbour's).
#include "net/mpi/mpi_network.hpp"

#include "net/mpi/mpi_wait.hpp"
#include "net/worker_pool.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>
#include <omp.h>

namespace commopt {

namespace {
std::uint64_t payload_bytes(const Message& m) { return (m.bits + 7) / 8; }
std::uint64_t flags_of(const Message& m) {
  return (m.sent ? 1u : 0u) | (static_cast<std::uint64_t>(m.index_coding) << 8) |
         (static_cast<std::uint64_t>(static_cast<std::uint32_t>(m.sender)) << 32);
}
void set_flags(Message& m, std::uint64_t flags) {
  m.sent = (flags & 1u) != 0;
  m.index_coding = static_cast<IndexCoding>((flags >> 8) & 0xffu);
  m.sender = static_cast<std::int32_t>(static_cast<std::uint32_t>(flags >> 32));
}
// The bytes of an outgoing message: exactly ceil(bits/8), as the encoder wrote them.
const std::uint8_t* checked_bytes(const Message& m, const char* what) {
  if (m.bytes.size() != payload_bytes(m))
    throw std::logic_error(fmt::format("{}: encoder wrote {} bytes for {} bits", what, m.bytes.size(), m.bits));
  return m.bytes.data();
}
}  // namespace

MpiNetwork::Clocks MpiNetwork::Clocks::now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return {static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec), mpi_time().cpu, mpi_time().wall};
}

int block_begin(int workers, int ranks, int rank) {
  return static_cast<int>(static_cast<long long>(rank) * workers / ranks);
}

MpiNetwork::MpiNetwork(const Objective& problem, MethodInstance& method, std::uint64_t seed, MPI_Comm comm)
    : problem_(problem), method_(method), seed_(seed), shared_(problem), comm_(comm) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &ranks_);
  n_ = problem.workers();
  for (int r = 0; r <= ranks_; ++r) first_.push_back(block_begin(n_, ranks_, r));
  begin_ = first_[static_cast<std::size_t>(rank_)];
  end_ = first_[static_cast<std::size_t>(rank_) + 1];
  envs_.resize(static_cast<std::size_t>(n_));
  for (int i = 0; i < n_; ++i) {
    envs_[static_cast<std::size_t>(i)].problem = &shared_;
    envs_[static_cast<std::size_t>(i)].worker = i;
    envs_[static_cast<std::size_t>(i)].seed = seed;
  }
  ups_.resize(static_cast<std::size_t>(n_));
  counters_.bits_up.assign(static_cast<std::size_t>(n_), 0);
  counters_.grad_evals.assign(static_cast<std::size_t>(n_), 0.0);
  frame_.resize(static_cast<std::size_t>(end_ - begin_) * sizeof(Header) + sizeof(RankFrame));
  if (root()) {
    all_headers_.resize(static_cast<std::size_t>(n_));
    all_frames_.resize(static_cast<std::size_t>(n_) * sizeof(Header) + static_cast<std::size_t>(ranks_) * sizeof(RankFrame));
    rank_clocks_.assign(static_cast<std::size_t>(ranks_), Clocks{});
  }
  counts_.resize(static_cast<std::size_t>(ranks_));
  displs_.resize(static_cast<std::size_t>(ranks_));
  own_.resize(static_cast<std::size_t>(end_ - begin_));
  own_shares_.resize(static_cast<std::size_t>(end_ - begin_));
  const int requested = requested_threads();
  threads_ = requested > 0 ? std::max(1, std::min(requested, end_ - begin_)) : 1;
  note_chosen_threads(threads_);
  if (threads_ > 1) pool_ = std::make_unique<WorkerPool>(threads_);
  start_ = Clocks::now();
}

MpiNetwork::~MpiNetwork() = default;

const Vec& MpiNetwork::model() const { return root() ? method_.server->model() : x_; }

bool MpiNetwork::agree(bool flag) {
  unsigned char v = flag ? 1 : 0;
  bcast(&v, 1, MPI_UNSIGNED_CHAR, 0, comm_);
  return v != 0;
}

void MpiNetwork::run_round(int t) {
  ServerEnv server_env{t, seed_};
  const auto round_start = std::chrono::steady_clock::now();
  auto tick = round_start;
  auto lap = [&tick](double& into) {
    const auto now = std::chrono::steady_clock::now();
    into += std::chrono::duration<double>(now - tick).count();
    tick = now;
  };
  if (t > 0) {
    std::uint64_t header[3] = {0, 0, 0};
    if (root()) {
      down_.clear();
      method_.server->broadcast(server_env, down_);
      lap(time_server_);
      header[0] = down_.bits;
      header[1] = flags_of(down_);
      header[2] = down_.shared_key;
    }
    bcast(header, 3, MPI_UINT64_T, 0, comm_);
    framing_down_ += sizeof header;
    if (!root()) {
      down_.bits = header[0];
      set_flags(down_, header[1]);
      down_.shared_key = header[2];
      down_.bytes.resize(payload_bytes(down_));
    }
    if (down_.sent) {
      const auto nb = payload_bytes(down_);
      if (root()) (void)checked_bytes(down_, "broadcast");
      bcast(down_.bytes.data(), static_cast<int>(nb), MPI_BYTE, 0, comm_);
      payload_down_ += nb;
      counters_.bits_down += down_.bits;
    }
    lap(time_down_);
  }
  // x^t: the server's model on rank 0; elsewhere the replica, i.e. the x of the first gradient
  shared_.start_round(take_evaluation_expected(), root() ? &method_.server->model() : nullptr);
  // The workers share this rank's model replica: the first apply() of the round decodes the
  // broadcast once (methods/replica.hpp).
  const auto step = [&](int k) {
    const int i = begin_ + k;
    WorkerEnv& env = envs_[static_cast<std::size_t>(i)];
    env.round = t;
    auto& worker = *method_.workers[static_cast<std::size_t>(i)];
    if (t > 0 && down_.sent) worker.apply(down_, env);
    Message& up = ups_[static_cast<std::size_t>(i)];
    up.clear();
    worker.upload(env, up);
  };
  if (pool_) pool_->run(end_ - begin_, step);
  else for (int k = 0; k < end_ - begin_; ++k) step(k);
  compute_this_round_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - tick).count();
  lap(time_workers_);
  gather_up();
  lap(time_up_);
  if (root()) method_.server->absorb(ups_, server_env);
  lap(time_server_);
  time_round_ += std::chrono::duration<double>(tick - round_start).count();
  ++rounds_;
}

void MpiNetwork::gather_up() {
  // Every rank's frame (its workers' headers, then its RankFrame) to rank 0 in one MPI_Gatherv.
  std::uint8_t* frame = frame_.data();
  for (int i = begin_; i < end_; ++i) {
    const Message& up = ups_[static_cast<std::size_t>(i)];
    if (up.sent) (void)checked_bytes(up, "upload");
    const Header h{up.bits, flags_of(up), up.shared_key, envs_[static_cast<std::size_t>(i)].grad_evals};
    std::memcpy(frame, &h, sizeof h);
    frame += sizeof h;
  }
  const RankFrame mine{compute_this_round_, clocks()};
  std::memcpy(frame, &mine, sizeof mine);
  constexpr int kHeader = static_cast<int>(sizeof(Header)), kRank = static_cast<int>(sizeof(RankFrame));
  for (int r = 0; r < ranks_; ++r) {
    const auto ur = static_cast<std::size_t>(r);
    counts_[ur] = (first_[ur + 1] - first_[ur]) * kHeader + kRank;
    displs_[ur] = first_[ur] * kHeader + r * kRank;
  }
  gatherv(frame_.data(), static_cast<int>(frame_.size()), root() ? all_frames_.data() : nullptr, counts_.data(),
          displs_.data(), 0, comm_);
  // The payloads: one message per sent upload, from the worker's bytes straight into rank 0's
  // Message (no packing; messages from one rank match in the order posted). Rank 0's stay in place.
  requests_.clear();
  constexpr int kPayloadTag = 1;
  if (!root()) {
    for (int i = begin_; i < end_; ++i) {
      Message& up = ups_[static_cast<std::size_t>(i)];
      if (!up.sent) continue;
      requests_.emplace_back();
      MPI_Isend(up.bytes.data(), static_cast<int>(up.bytes.size()), MPI_BYTE, 0, kPayloadTag, comm_, &requests_.back());
    }
    wait_all(requests_);
    return;
  }
  framing_up_ += all_frames_.size();
  double slowest = 0;
  for (int r = 0; r < ranks_; ++r) {
    const auto ur = static_cast<std::size_t>(r);
    const std::uint8_t* block = all_frames_.data() + displs_[ur];
    for (int i = first_[ur]; i < first_[ur + 1]; ++i) {
      Header& h = all_headers_[static_cast<std::size_t>(i)];
      std::memcpy(&h, block + static_cast<std::size_t>(i - first_[ur]) * sizeof(Header), sizeof h);
      Message& up = ups_[static_cast<std::size_t>(i)];
      if (r == 0) {  // rank 0's own worker: its message is already in place
        if (up.sent) payload_in_place_ += payload_bytes(up);
        continue;
      }
      up.bits = h.bits;
      set_flags(up, h.flags);
      up.shared_key = h.shared_key;
      up.bytes.resize(up.sent ? payload_bytes(up) : 0);
      if (!up.sent) continue;
      payload_up_ += up.bytes.size();
      requests_.emplace_back();
      MPI_Irecv(up.bytes.data(), static_cast<int>(up.bytes.size()), MPI_BYTE, r, kPayloadTag, comm_, &requests_.back());
    }
    RankFrame rf{};
    std::memcpy(&rf, block + static_cast<std::size_t>(first_[ur + 1] - first_[ur]) * sizeof(Header), sizeof rf);
    slowest = std::max(slowest, rf.compute_seconds);
    rank_clocks_[ur] = rf.clocks;
  }
  time_slowest_ += slowest;
  counters_.participants = 0;
  for (int i = 0; i < n_; ++i) {
    const Header& h = all_headers_[static_cast<std::size_t>(i)];
    if (h.flags & 1u) {
      counters_.bits_up[static_cast<std::size_t>(i)] += h.bits;
      ++counters_.participants;
      ++counters_.messages_up;
    }
    counters_.grad_evals[static_cast<std::size_t>(i)] = h.grad_evals;
  }
  wait_all(requests_);
}

Evaluation MpiNetwork::evaluate() {
  struct Excluded {  // the evaluation's time is not the rounds'
    Clocks& into;
    Clocks start = Clocks::now();
    ~Excluded() { into = into + (Clocks::now() - start); }
  } excluded{in_evaluations_};
  const int d = problem_.dim();
  if (root()) x_ = method_.server->model();
  x_.resize(d);
  bcast(x_.data(), d, MPI_DOUBLE, 0, comm_);
  eval_bytes_ += sizeof(double) * static_cast<std::uint64_t>(d);
  const bool reuse = shared_.kept_at(x_);
  for (int i = begin_; i < end_; ++i) {  // this rank's workers, before the ordered sum
    const auto k = static_cast<std::size_t>(i - begin_);
    own_shares_[k] = &share_at(problem_, *method_.workers[static_cast<std::size_t>(i)], i, x_,
                               reuse ? shared_.kept(i) : nullptr, own_[k]);
  }
  // The sum travels 0 → 1 → … → P−1 → 0; each rank adds its block, so shares go in in worker order.
  sum_.start(n_, d);
  Vec& acc = sum_.state();
  const int len = static_cast<int>(acc.size());
  if (!root()) receive_from(acc.data(), len, MPI_DOUBLE, rank_ - 1, comm_);
  for (const WorkerShare* s : own_shares_) sum_.add(*s);
  if (ranks_ > 1) send_to(acc.data(), len, MPI_DOUBLE, (rank_ + 1) % ranks_, comm_);
  if (!root()) return {};
  if (ranks_ > 1) {
    receive_from(acc.data(), len, MPI_DOUBLE, ranks_ - 1, comm_);
    eval_bytes_ += sizeof(double) * static_cast<std::uint64_t>(len) * static_cast<std::uint64_t>(ranks_);
  }
  return sum_.finish(problem_, *method_.server, x_);
}

nlohmann::json MpiNetwork::transport_stats() const {
  const double overhead = time_round_ - time_server_ - time_slowest_;
  nlohmann::json cpu = nlohmann::json::array(), mpi_cpu = nlohmann::json::array(), mpi_wall = nlohmann::json::array();
  double cpu_sum = 0, mpi_cpu_sum = 0;
  for (int r = 0; r < static_cast<int>(rank_clocks_.size()); ++r) {
    const Clocks c = r == 0 ? clocks() : rank_clocks_[static_cast<std::size_t>(r)];  // rank 0: up to now
    cpu.push_back(c.cpu);
    mpi_cpu.push_back(c.mpi_cpu);
    mpi_wall.push_back(c.mpi_wall);
    cpu_sum += c.cpu;
    mpi_cpu_sum += c.mpi_cpu;
  }
  return {{"ranks", ranks_},
          {"wait", mpi_wait_policy() == MpiWait::poll ? "poll" : "sleep"},
          {"worker_threads", threads_},
          {"openmp_threads", omp_get_max_threads()},
          {"payload_bytes_up", payload_up_ + payload_in_place_},
          {"payload_bytes_up_in_place", payload_in_place_},
          {"payload_bytes_down", payload_down_},
          {"framing_bytes_up", framing_up_},
          {"framing_bytes_down", framing_down_},
          {"framing_bytes_per_upload", sizeof(Header)},
          {"framing_bytes_per_rank", sizeof(RankFrame)},
          {"framing_bytes_per_broadcast", 3 * sizeof(std::uint64_t)},
          {"evaluation_bytes", eval_bytes_},
          {"rank0_seconds", {{"workers", time_workers_}, {"server", time_server_},
                             {"broadcast", time_down_}, {"gather", time_up_}}},
          {"round_time", {{"rounds", rounds_},
                          {"seconds", time_round_},
                          {"server_seconds", time_server_},
                          {"slowest_rank_compute_seconds", time_slowest_},
                          {"overhead_seconds", overhead},
                          {"overhead_share", time_round_ > 0 ? overhead / time_round_ : 0.0},
                          {"note", "rank 0's wall time in run_round (evaluations excluded); overhead = that less the "
                                   "server's time and, per round, the slowest rank's workers"}}},
          {"cpu_time", {{"seconds_per_rank", cpu},
                        {"mpi_seconds_per_rank", mpi_cpu},
                        {"mpi_wall_seconds_per_rank", mpi_wall},
                        {"mpi_share", cpu_sum > 0 ? mpi_cpu_sum / cpu_sum : 0.0},
                        {"note", "each process since the network was built, evaluations excluded (rank 0: to the "
                                 "end, the others: to the last round's gather; all threads); mpi: its main thread "
                                 "inside MPI calls, waits included"}}},
          {"payload_note", "payload_bytes_up: ceil(bits/8) per uploaded message, rank 0's own included (they "
                           "stay in place); a broadcast is counted once"}};
}

}  // namespace commopt
