// run_job_mpi (see mpi_run.hpp): set-up phases separated by agreement points, then run_job with
// an MpiNetwork.
#include "run/mpi/mpi_run.hpp"

#include <climits>
#include <cstdlib>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <mpi.h>
#include <omp.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "net/mpi/mpi_network.hpp"
#include "net/mpi/mpi_wait.hpp"

namespace commopt {

namespace {

// MPI_Init_thread / MPI_Finalize around the run (MPI calls come from the main thread only).
// Unless the user chose otherwise: Open MPI yields the core while a rank waits in a collective
// (OMPI_MCA_mpi_yield_when_idle=1, read at MPI_Init; busy polling made a rank steal its
// neighbour's core: issue 13), and one OpenMP thread per rank (the ranks already fill the cores).
struct MpiSession {
  MpiSession() {
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", /*overwrite=*/0);
    if (!std::getenv("OMP_NUM_THREADS")) omp_set_num_threads(1);
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  }
  ~MpiSession() {
    barrier(MPI_COMM_WORLD);  // the ranks wait for rank 0's output here, asleep (MPI_Finalize polls)
    MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

struct RankFailure {
  int rank;
  std::string what;
  int exit_code;
};

// Runs `step` on every rank, then agrees: if it threw anywhere, every rank throws RankFailure with
// the lowest failing rank's message (the others would otherwise wait in the next collective).
void agree_on(const std::function<void()>& step, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string error;
  int code = 0;
  try {
    step();
  } catch (const UsageError& e) {
    error = e.what();
    code = 2;
  } catch (const std::exception& e) {
    error = fmt::format("internal error: {}", e.what());
    code = 3;
  }
  const int mine = error.empty() ? INT_MAX : rank;
  int first = INT_MAX;
  allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == INT_MAX) return;
  int header[2] = {static_cast<int>(error.size()), code};
  bcast(header, 2, MPI_INT, first, comm);
  error.resize(static_cast<std::size_t>(header[0]));
  bcast(error.data(), header[0], MPI_CHAR, first, comm);
  throw RankFailure{first, error, header[1]};
}

// ProblemConstants as CBOR (doubles travel exactly).
std::vector<std::uint8_t> pack(const ProblemConstants& c) {
  nlohmann::json j;
  j["L"] = c.L;
  j["L_i"] = c.L_i;
  j["L_hat"] = c.L_hat;
  j["L_max"] = c.L_max;
  j["mu"] = c.mu;
  j["f_star"] = c.f_star ? nlohmann::json(*c.f_star) : nlohmann::json(nullptr);
  j["source"] = c.source;
  j["L_max_sample_rms"] = c.L_max_sample_rms;
  j["L_max_sample"] = c.L_max_sample;
  j["L_pm"] = c.L_pm;
  j["L_pm_local"] = c.L_pm_local;
  j["sigma_sq"] = c.sigma_sq;
  j["L_sigma"] = c.L_sigma;
  j["kinds"] = {static_cast<int>(c.smoothness_kind), static_cast<int>(c.L_pm_kind), static_cast<int>(c.noise_kind)};
  j["f_lower"] = c.f_lower;
  return nlohmann::json::to_cbor(j);
}

ProblemConstants unpack(const std::vector<std::uint8_t>& bytes) {
  const nlohmann::json j = nlohmann::json::from_cbor(bytes);
  ProblemConstants c;
  c.L = j.at("L").get<double>();
  c.L_i = j.at("L_i").get<std::vector<double>>();
  c.L_hat = j.at("L_hat").get<double>();
  c.L_max = j.at("L_max").get<double>();
  c.mu = j.at("mu").get<double>();
  if (!j.at("f_star").is_null()) c.f_star = j.at("f_star").get<double>();
  c.source = j.at("source").get<std::string>();
  c.L_max_sample_rms = j.at("L_max_sample_rms").get<double>();
  c.L_max_sample = j.at("L_max_sample").get<double>();
  c.L_pm = j.at("L_pm").get<double>();
  c.L_pm_local = j.at("L_pm_local").get<double>();
  c.sigma_sq = j.at("sigma_sq").get<double>();
  c.L_sigma = j.at("L_sigma").get<double>();
  c.smoothness_kind = static_cast<ConstantKind>(j.at("kinds").at(0).get<int>());
  c.L_pm_kind = static_cast<ConstantKind>(j.at("kinds").at(1).get<int>());
  c.noise_kind = static_cast<ConstantKind>(j.at("kinds").at(2).get<int>());
  c.f_lower = j.at("f_lower").get<double>();
  return c;
}

// Rank 0's constants on every rank.
std::optional<ProblemConstants> share_constants(const Objective* root_problem, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::vector<std::uint8_t> bytes;
  agree_on(
      [&] {
        if (rank != 0) return;
        bytes = pack(root_problem->constants());
        if (!(unpack(bytes) == root_problem->constants()))
          throw std::logic_error("ProblemConstants has a field that lib/run/mpi/mpi_run.cpp does not send; add it there");
      },
      comm);
  unsigned long long size = bytes.size();
  bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  bytes.resize(size);
  bcast(bytes.data(), static_cast<int>(size), MPI_BYTE, 0, comm);
  if (rank == 0) return std::nullopt;
  return unpack(bytes);
}

}  // namespace

MpiRun run_job_mpi(const ObjectiveFactory& make_objective, int workers, const JobSpec& job) {
  MpiSession session;
  MPI_Comm comm = MPI_COMM_WORLD;
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  try {
    std::unique_ptr<Objective> problem;
    agree_on(
        [&] {
          if (workers < ranks)
            throw UsageError(fmt::format("--workers {} is less than the {} MPI ranks; every rank needs a worker "
                                         "(use mpirun -np {} or more workers)",
                                         workers, ranks, workers));
          if (rank == 0) {
            problem = make_objective(0, -1, std::nullopt);
            (void)problem->constants();
          }
        },
        comm);
    const std::optional<ProblemConstants> constants = share_constants(problem.get(), comm);
    const int begin = block_begin(workers, ranks, rank), end = block_begin(workers, ranks, rank + 1);
    agree_on([&] { if (rank != 0) problem = make_objective(begin, end, constants); }, comm);

    JobBackend backend;
    backend.name = "mpi";
    backend.meta["mpi_ranks"] = ranks;
    backend.worker_begin = begin;
    backend.worker_end = end;
    backend.root = rank == 0;
    MpiNetwork* net = nullptr;
    backend.make_network = [&](const Objective& p, MethodInstance& m, std::uint64_t seed) {
      auto made = std::make_unique<MpiNetwork>(p, m, seed, comm);
      net = made.get();
      return std::unique_ptr<Network>(std::move(made));
    };
    backend.setup_guard = [&](const std::function<void()>& step) { agree_on(step, comm); };
    backend.finish_meta = [&](nlohmann::json& meta) { meta["mpi"] = net->transport_stats(); };
    JobResult result = run_job(*problem, job, backend);
    MpiRun out;
    if (rank == 0) out.result = std::move(result);
    return out;
  } catch (const RankFailure& f) {
    if (rank == 0) fmt::print(stderr, "commopt: error: rank {}: {}\n", f.rank, f.what);
    return {std::nullopt, f.exit_code};
  } catch (const std::exception& e) {
    // Outside an agreement point the other ranks may be waiting in a collective: end them all.
    const bool usage = dynamic_cast<const UsageError*>(&e) != nullptr;
    fmt::print(stderr, "commopt: {}error: rank {}: {}\n", usage ? "" : "internal ", rank, e.what());
    std::fflush(stderr);
    MPI_Abort(comm, usage ? 2 : 3);
    return {std::nullopt, usage ? 2 : 3};
  }
}

}  // namespace commopt
