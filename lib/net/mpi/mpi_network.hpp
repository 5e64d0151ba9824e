// MpiNetwork: the n workers of a run spread over the P ranks of an MPI communicator in contiguous
// blocks (rank r holds workers [r·n/P, (r+1)·n/P)); rank 0 also runs the server. One round:
//   down: MPI_Bcast of the broadcast's header (24 bytes: bits; sent flag, index coding and sender;
//         shared key), then of its ceil(bits/8) payload bytes;
//   up:   MPI_Gatherv of one 32-byte header per worker (the same fields, plus the worker's
//         cumulative sample gradients) and one 32-byte frame per rank (its workers' compute seconds
//         in the round, its CPU and MPI time so far: the overhead figures below), then one message
//         per sent upload, from the worker's bytes into rank 0's Message, ceil(bits/8) bytes
//         (no packing); rank 0's own uploads stay in place.
// Every wait is asleep between polls (net/mpi/mpi_wait.hpp).
// The header carries Message's transport metadata (never counted in bits; see message.hpp).
// The payload bytes are the encoder's bytes, so the bit counters are the simulator's; the headers
// are counted separately (transport_stats()). evaluate() broadcasts x^t, every rank measures its
// workers' shares (f_i, ∇f_i, potential term), and one EvaluationSum (net/evaluate.hpp) passes from
// rank to rank (0 → 1 → … → P−1 → 0), each adding its block: the shares go in in worker order
// through the code SimNetwork::evaluate uses, so traces are bit-identical by construction. The
// problem must hold the rows of this rank's workers (rank 0: all rows, for the accuracy).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include <mpi.h>
#include <nlohmann/json.hpp>

#include "net/network.hpp"

namespace commopt {

// First worker of `rank`'s block among `ranks` (block r is [block_begin(r), block_begin(r+1))).
int block_begin(int workers, int ranks, int rank);

class MpiNetwork final : public Network {
 public:
  // `method` holds the logic of this rank's workers (others may be null); the server on rank 0.
  // This rank's workers run on one thread, or on requested_threads() (--threads) when set.
  MpiNetwork(const Objective& problem, MethodInstance& method, std::uint64_t seed, MPI_Comm comm);
  ~MpiNetwork() override;
  void run_round(int t) override;
  const Counters& counters() const override { return counters_; }
  const Vec& model() const override;
  Evaluation evaluate() override;
  bool agree(bool flag) override;
  bool root() const { return rank_ == 0; }
  // Bytes handed to MPI for the method's messages (payload) and for the headers (framing), and
  // for evaluation (model broadcast and the reduction), all ranks together, and where the rounds'
  // time went (round_time below); meaningful on rank 0.
  nlohmann::json transport_stats() const;

 private:
  struct Header {  // one uploaded message's framing
    std::uint64_t bits;
    std::uint64_t flags;  // bit 0: sent; bits 8..15: index coding; bits 32..63: sender
    std::uint64_t shared_key;
    double grad_evals;
  };
  static_assert(sizeof(Header) == 32);
  struct Clocks {  // since the network was built, evaluations excluded:
    double cpu = 0;       // the process's CPU time (all threads)
    double mpi_cpu = 0;   // the CPU time and wall time of its main thread inside MPI calls
    double mpi_wall = 0;  // (net/mpi/mpi_wait.hpp: mpi_time())
    static Clocks now();
    Clocks operator-(const Clocks& o) const { return {cpu - o.cpu, mpi_cpu - o.mpi_cpu, mpi_wall - o.mpi_wall}; }
    Clocks operator+(const Clocks& o) const { return {cpu + o.cpu, mpi_cpu + o.mpi_cpu, mpi_wall + o.mpi_wall}; }
  };
  struct RankFrame {  // one rank's timing, after its workers' headers
    double compute_seconds;  // its workers' apply + upload in this round (wall)
    Clocks clocks;           // its Clocks so far (clocks() below)
  };
  static_assert(sizeof(RankFrame) == 32);
  Clocks clocks() const { return Clocks::now() - start_ - in_evaluations_; }
  void broadcast_down(int t);
  void gather_up();

  const Objective& problem_;
  MethodInstance& method_;
  std::uint64_t seed_;
  SharedGradients shared_;  // what this rank's workers see as their problem (WorkerEnv::problem)
  MPI_Comm comm_;
  int rank_ = 0, ranks_ = 1, n_ = 0, begin_ = 0, end_ = 0;
  std::vector<int> first_;  // first worker of each rank, plus n
  std::vector<WorkerEnv> envs_;
  std::vector<Message> ups_;  // rank 0: all n; elsewhere: this rank's workers at their indices
  Message down_;
  Counters counters_;
  // Scratch reused every round (no allocation once grown).
  std::vector<Header> all_headers_;             // rank 0: every worker's, unpacked
  std::vector<std::uint8_t> frame_, all_frames_;  // this rank's headers + RankFrame; rank 0: all ranks'
  std::vector<int> counts_, displs_;
  std::vector<MPI_Request> requests_;
  Vec x_;
  std::vector<WorkerShare> own_;  // this rank's workers' shares of an evaluation (scratch)
  std::vector<const WorkerShare*> own_shares_;  // each one's share: kept by shared_ or in own_
  EvaluationSum sum_;
  // Transport accounting (rank 0).
  std::uint64_t payload_up_ = 0, payload_in_place_ = 0, payload_down_ = 0, framing_up_ = 0, framing_down_ = 0, eval_bytes_ = 0;
  // Where rank 0's round time goes: its workers, the server, the broadcast, the gather (the
  // latter two include waiting for the other ranks). The overhead of a round is its wall time
  // on rank 0 less the server's time and the slowest rank's compute (the round's critical path
  // without MPI): time_round_ − time_server_ − time_slowest_.
  double time_workers_ = 0, time_server_ = 0, time_down_ = 0, time_up_ = 0;
  double time_round_ = 0, time_slowest_ = 0, compute_this_round_ = 0;
  long long rounds_ = 0;
  Clocks start_, in_evaluations_;
  std::vector<Clocks> rank_clocks_;  // rank 0: each rank's, as last received
  int threads_ = 1;
  std::unique_ptr<WorkerPool> pool_;  // null when threads_ == 1
};

}  // namespace commopt
