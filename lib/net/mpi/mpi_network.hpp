// MpiNetwork: the n workers of a run spread over the P ranks of an MPI communicator in contiguous
// blocks (rank r holds workers [r·n/P, (r+1)·n/P)); rank 0 also runs the server. One round:
//   down: MPI_Bcast of the broadcast's header (24 bytes: bits; sent flag, index coding and sender;
//         shared key), then of its ceil(bits/8) payload bytes;
//   up:   MPI_Gatherv of one 32-byte header per worker (the same fields, plus the worker's
//         cumulative sample gradients), then MPI_Gatherv of the sent messages' payloads,
//         ceil(bits/8) bytes each.
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
  // for evaluation (model broadcast and the reduction), all ranks together, and where rank 0's
  // round time went; meaningful on rank 0.
  nlohmann::json transport_stats() const;

 private:
  struct Header {  // one uploaded message's framing
    std::uint64_t bits;
    std::uint64_t flags;  // bit 0: sent; bits 8..15: index coding; bits 32..63: sender
    std::uint64_t shared_key;
    double grad_evals;
  };
  static_assert(sizeof(Header) == 32);
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
  std::vector<Header> headers_, all_headers_;
  std::vector<std::uint8_t> send_bytes_, recv_bytes_;
  std::vector<int> counts_, displs_;
  Vec x_;
  std::vector<WorkerShare> own_;  // this rank's workers' shares of an evaluation (scratch)
  std::vector<const WorkerShare*> own_shares_;  // each one's share: kept by shared_ or in own_
  EvaluationSum sum_;
  // Transport accounting (rank 0).
  std::uint64_t payload_up_ = 0, payload_down_ = 0, framing_up_ = 0, framing_down_ = 0, eval_bytes_ = 0;
  // Where rank 0's round time goes: its workers, the server, the broadcast, the gather (the
  // latter two include waiting for the other ranks).
  double time_workers_ = 0, time_server_ = 0, time_down_ = 0, time_up_ = 0;
  int threads_ = 1;
  std::unique_ptr<WorkerPool> pool_;  // null when threads_ == 1
};

}  // namespace commopt
