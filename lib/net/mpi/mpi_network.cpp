// MpiNetwork (see mpi_network.hpp). MPI calls happen on the main thread only, outside the loop
// over this rank's workers (one thread per rank unless --threads asks for more: the ranks already
// fill the cores, and a second thread per rank would steal its neighbour's).
#include "net/mpi/mpi_network.hpp"

#include "net/worker_pool.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

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
  headers_.resize(static_cast<std::size_t>(end_ - begin_));
  if (root()) all_headers_.resize(static_cast<std::size_t>(n_));
  counts_.resize(static_cast<std::size_t>(ranks_));
  displs_.resize(static_cast<std::size_t>(ranks_));
  own_.resize(headers_.size());
  own_shares_.resize(headers_.size());
  const int requested = requested_threads();
  threads_ = requested > 0 ? std::max(1, std::min(requested, end_ - begin_)) : 1;
  note_chosen_threads(threads_);
  if (threads_ > 1) pool_ = std::make_unique<WorkerPool>(threads_);
}

MpiNetwork::~MpiNetwork() = default;

const Vec& MpiNetwork::model() const { return root() ? method_.server->model() : x_; }

bool MpiNetwork::agree(bool flag) {
  unsigned char v = flag ? 1 : 0;
  MPI_Bcast(&v, 1, MPI_UNSIGNED_CHAR, 0, comm_);
  return v != 0;
}

void MpiNetwork::run_round(int t) {
  ServerEnv server_env{t, seed_};
  auto tick = std::chrono::steady_clock::now();
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
    MPI_Bcast(header, 3, MPI_UINT64_T, 0, comm_);
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
      MPI_Bcast(down_.bytes.data(), static_cast<int>(nb), MPI_BYTE, 0, comm_);
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
  lap(time_workers_);
  gather_up();
  lap(time_up_);
  if (root()) method_.server->absorb(ups_, server_env);
  lap(time_server_);
}

void MpiNetwork::gather_up() {
  send_bytes_.clear();
  for (int i = begin_; i < end_; ++i) {
    const Message& up = ups_[static_cast<std::size_t>(i)];
    headers_[static_cast<std::size_t>(i - begin_)] = {up.bits, flags_of(up), up.shared_key,
                                                      envs_[static_cast<std::size_t>(i)].grad_evals};
    if (up.sent) {
      const std::uint8_t* p = checked_bytes(up, "upload");
      send_bytes_.insert(send_bytes_.end(), p, p + payload_bytes(up));
    }
  }
  constexpr int kHeader = static_cast<int>(sizeof(Header));
  for (int r = 0; r < ranks_; ++r) {
    counts_[static_cast<std::size_t>(r)] = (first_[static_cast<std::size_t>(r) + 1] - first_[static_cast<std::size_t>(r)]) * kHeader;
    displs_[static_cast<std::size_t>(r)] = first_[static_cast<std::size_t>(r)] * kHeader;
  }
  MPI_Gatherv(headers_.data(), (end_ - begin_) * kHeader, MPI_BYTE, root() ? all_headers_.data() : nullptr,
              counts_.data(), displs_.data(), MPI_BYTE, 0, comm_);
  int total = 0;
  if (root()) {
    framing_up_ += static_cast<std::uint64_t>(n_) * sizeof(Header);
    for (int r = 0; r < ranks_; ++r) {
      int bytes = 0;
      for (int i = first_[static_cast<std::size_t>(r)]; i < first_[static_cast<std::size_t>(r) + 1]; ++i) {
        const Header& h = all_headers_[static_cast<std::size_t>(i)];
        if (h.flags & 1u) bytes += static_cast<int>((h.bits + 7) / 8);
      }
      counts_[static_cast<std::size_t>(r)] = bytes;
      displs_[static_cast<std::size_t>(r)] = total;
      total += bytes;
    }
    recv_bytes_.resize(static_cast<std::size_t>(total));
  }
  MPI_Gatherv(send_bytes_.data(), static_cast<int>(send_bytes_.size()), MPI_BYTE, root() ? recv_bytes_.data() : nullptr,
              counts_.data(), displs_.data(), MPI_BYTE, 0, comm_);
  if (!root()) return;
  payload_up_ += static_cast<std::uint64_t>(total);
  counters_.participants = 0;
  std::size_t offset = 0;
  for (int i = 0; i < n_; ++i) {
    const Header& h = all_headers_[static_cast<std::size_t>(i)];
    Message& up = ups_[static_cast<std::size_t>(i)];
    const bool sent = (h.flags & 1u) != 0;
    const std::size_t nb = sent ? static_cast<std::size_t>((h.bits + 7) / 8) : 0;
    if (i >= end_) {  // another rank's worker (rank 0's own messages are already in place)
      up.bits = h.bits;
      set_flags(up, h.flags);
      up.shared_key = h.shared_key;
      up.bytes.assign(recv_bytes_.begin() + static_cast<std::ptrdiff_t>(offset),
                      recv_bytes_.begin() + static_cast<std::ptrdiff_t>(offset + nb));
    }
    offset += nb;
    if (sent) {
      counters_.bits_up[static_cast<std::size_t>(i)] += h.bits;
      ++counters_.participants;
      ++counters_.messages_up;
    }
    counters_.grad_evals[static_cast<std::size_t>(i)] = h.grad_evals;
  }
}

Evaluation MpiNetwork::evaluate() {
  const int d = problem_.dim();
  if (root()) x_ = method_.server->model();
  x_.resize(d);
  MPI_Bcast(x_.data(), d, MPI_DOUBLE, 0, comm_);
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
  if (!root()) MPI_Recv(acc.data(), len, MPI_DOUBLE, rank_ - 1, 0, comm_, MPI_STATUS_IGNORE);
  for (const WorkerShare* s : own_shares_) sum_.add(*s);
  if (ranks_ > 1) MPI_Send(acc.data(), len, MPI_DOUBLE, (rank_ + 1) % ranks_, 0, comm_);
  if (!root()) return {};
  if (ranks_ > 1) {
    MPI_Recv(acc.data(), len, MPI_DOUBLE, ranks_ - 1, 0, comm_, MPI_STATUS_IGNORE);
    eval_bytes_ += sizeof(double) * static_cast<std::uint64_t>(len) * static_cast<std::uint64_t>(ranks_);
  }
  return sum_.finish(problem_, *method_.server, x_);
}

nlohmann::json MpiNetwork::transport_stats() const {
  return {{"ranks", ranks_},
          {"payload_bytes_up", payload_up_},
          {"payload_bytes_down", payload_down_},
          {"framing_bytes_up", framing_up_},
          {"framing_bytes_down", framing_down_},
          {"framing_bytes_per_upload", sizeof(Header)},
          {"framing_bytes_per_broadcast", 3 * sizeof(std::uint64_t)},
          {"evaluation_bytes", eval_bytes_},
          {"rank0_seconds", {{"workers", time_workers_}, {"server", time_server_},
                             {"broadcast", time_down_}, {"gather", time_up_}}},
          {"payload_note", "bytes handed to MPI: ceil(bits/8) per message; a broadcast is counted once"}};
}

}  // namespace commopt
