// How a rank waits for MPI (issue 13: "the polling policy chosen so ranks don't steal each other's
// core"). Open MPI's blocking calls poll its progress engine on the caller's core until the
// operation completes (mpi_yield_when_idle only adds sched_yield() between polls): a rank waiting
// for the server, or for a slower rank, holds a whole core for nothing, which on a machine whose
// cores are shared (P ranks on P cores, other jobs) is taken from the rank that does the work.
// So every wait of the backend is a nonblocking call completed by wait_for(): it polls MPI_Test
// for a short while (a message that is nearly there costs no sleep), then sleeps between polls,
// each sleep an eighth of the time waited so far, between kMinSleep and kMaxSleep: a wait costs
// a few polls, and ends at most max(kMinSleep, 1/8 of its length, kMaxSleep) late.
// COMMOPT_MPI_WAIT=poll in the environment makes the calls below Open MPI's blocking ones (its own
// polling, as before; for comparisons).
#pragma once
#include <vector>

#include <mpi.h>

namespace commopt {

enum class MpiWait { sleep, poll };

// The policy of this process: COMMOPT_MPI_WAIT=poll|sleep, default sleep (read once).
MpiWait mpi_wait_policy();

// Time this process's main thread spent in the calls below (polls and sleeps included).
struct MpiTime {
  double wall = 0, cpu = 0;
  long long calls = 0;
};
const MpiTime& mpi_time();

// Completes `request` under mpi_wait_policy().
void wait_for(MPI_Request& request);

// Blocking collectives and point-to-point calls (tag 0): nonblocking ones completed by wait_for().
// Completes every request (MPI_Waitall under poll).
void wait_all(std::vector<MPI_Request>& requests);

void barrier(MPI_Comm comm);
void bcast(void* data, int count, MPI_Datatype type, int root, MPI_Comm comm);
void gatherv(const void* send, int send_count, void* recv, const int* counts, const int* displs, int root,
             MPI_Comm comm);  // MPI_BYTE
void allreduce(const void* send, void* recv, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm);
void send_to(const void* data, int count, MPI_Datatype type, int to, MPI_Comm comm);
void receive_from(void* data, int count, MPI_Datatype type, int from, MPI_Comm comm);

}  // namespace commopt
