// `commopt run --backend mpi`: one run over the ranks of MPI_COMM_WORLD (see net/mpi/mpi_network.hpp for
// the wire protocol). This header does not include mpi.h.
#pragma once
#include <functional>
#include <memory>
#include <optional>

#include "run/job.hpp"

namespace commopt {

// Builds this rank's view of the problem: workers [worker_begin, worker_end) (worker_end = -1:
// all, on rank 0), with `constants` given on the other ranks (received from rank 0).
using ObjectiveFactory = std::function<std::unique_ptr<Objective>(
    int worker_begin, int worker_end, const std::optional<ProblemConstants>& constants)>;

struct MpiRun {
  std::optional<JobResult> result;  // on rank 0 after a successful run
  int exit_code = 0;                // 2: a rank failed (rank 0 printed which and why)
};

// Initializes MPI, runs `job` and finalizes MPI. Rank 0 builds the whole problem (its constants
// need all the rows: power iteration, or the disk cache) and sends the constants to the others;
// rank r ≥ 1 reads only its workers' rows. Every set-up step ends at an agreement point, so a
// failure on any rank (bad data, bad parameter) ends every rank with one message from rank 0
// naming the failing rank; a failure during the rounds aborts the job (MPI_Abort).
MpiRun run_job_mpi(const ObjectiveFactory& make_objective, int workers, const JobSpec& job);

}  // namespace commopt
