using Thermocline.Domain.Errors;
using Thermocline.Sync.Status;

namespace Thermocline.Sync;

public sealed partial class StateSync
{
    private string? _gitProblem;

    /// <summary>
    /// The hub's health, read fresh: the task list on the branch (a person's broken commit, or its fix, shows at once),
    /// the person's checkout, the last git write failure, and Redis.
    /// </summary>
    public async Task<HealthReport> GetHealthAsync(CancellationToken cancellationToken)
    {
        string? problem;
        try
        {
            problem = Observe(await _cold.ReadTaskListAsync(cancellationToken)) ? null : TaskListProblem;
        }
        catch (ThermoclineException ex) when (ex.Kind is ErrorKind.BadTaskList or ErrorKind.Unavailable)
        {
            problem = ex.Message;
        }

        var checkout = await _cold.InspectCheckoutAsync(cancellationToken);
        var gitProblem = Volatile.Read(ref _gitProblem);
        var remoteProblem = _cold.RemoteProblem;
        var degraded = _hot.IsDegraded || checkout.Busy || gitProblem is not null || remoteProblem is not null;
        return new HealthReport(
            problem is not null ? "unhealthy" : degraded ? "degraded" : "ok",
            _cold.WorkingDirectory,
            _cold.Branch,
            _cold.TaskListPath,
            problem,
            checkout.InStep ? null : checkout.Why,
            checkout.Busy,
            gitProblem,
            _cold.IsDurable,
            _cold.OwesWorkingCopy,
            _hot.Endpoint,
            _hot.IsDegraded,
            _hot.QueuedUpdates)
        {
            Remote = _cold.Remote,
            RemoteProblem = remoteProblem,
            Role = Role,
            ActiveHub = ActiveHub,
        };
    }

    // Every git write goes through here: a failure to write (full disk, read-only .git) is kept for /healthz until the
    // next write succeeds. Refusals with no cause underneath (a lock held, a person's merge, a conflict) are not git failing.
    private async Task<T> WriteGitAsync<T>(Func<Task<T>> write)
    {
        try
        {
            var result = await write();
            Volatile.Write(ref _gitProblem, null);
            return result;
        }
        catch (ThermoclineException ex) when (ex.Kind == ErrorKind.Unavailable && ex.InnerException is not null)
        {
            Volatile.Write(ref _gitProblem, ex.Message);
            throw;
        }
    }
}
