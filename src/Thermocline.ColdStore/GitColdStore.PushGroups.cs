using System.Collections.Concurrent;
using System.Diagnostics;
using LibGit2Sharp;
using Thermocline.ColdStore.Git;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;

namespace Thermocline.ColdStore;

/// <summary>
/// With a remote, commits go in groups: every commit asked for while a push is under way waits for the next one, and
/// that push carries them all (a chain of commits, each with its own message, acknowledged together once the remote
/// has the last). A remote that takes 20–500 ms per push then takes as many milestones per second as agents make.
/// <para>
/// People push to the same branch. A hub that pushed back to back would never leave them a moment between its
/// pushes, and their <c>git pull --rebase &amp;&amp; git push</c> would lose every race. So the hub holds the remote for
/// at most <see cref="BusyStreak"/> (or four of its pushes, when pushes are slow) before it leaves a gap of
/// <see cref="Courtesy"/> (or two pushes' time) with no push; what is asked for meanwhile goes in the next group.
/// An idle hub pushes at once.
/// </para>
/// </summary>
public sealed partial class GitColdStore
{
    /// <summary>The longest the hub pushes back to back before it leaves the remote to others for a moment.</summary>
    internal static readonly TimeSpan BusyStreak = TimeSpan.FromSeconds(1);

    /// <summary>The shortest moment left to others after a busy streak.</summary>
    internal static readonly TimeSpan Courtesy = TimeSpan.FromMilliseconds(300);

    // The longest gap, whatever a push took.
    private static readonly TimeSpan MaxCourtesy = TimeSpan.FromSeconds(3);

    // A push that starts less than a courtesy gap after the last one ended continues its streak: a shorter pause is no
    // room for a person's fetch, rebase and push.
    private static readonly TimeSpan BackToBack = Courtesy;

    private readonly ConcurrentQueue<Waiting> _toPush = new();
    private long _streakStarted;
    private long _lastPushEnded;
    private long _quietUntil;
    private TimeSpan _lastPushTook;

    /// <summary>How many pushes carried more than one commit (a measure of grouping, for tests and logs).</summary>
    internal int GroupedPushes { get; private set; }

    /// <summary>How many gaps the hub left to others on the remote.</summary>
    internal int CourtesyGaps { get; private set; }

    private sealed class Waiting(Plan plan)
    {
        private int _state; // 0 queued, 1 taken into a group, 2 cancelled

        public Plan Plan { get; } = plan;

        /// <summary>Takes it into a group, unless its caller gave up first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        /// <summary>Gives it up, unless a group took it first.</summary>
        public bool TryCancel() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;

        public TaskCompletionSource<ColdCommit> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public PlannedEdit? Edit { get; set; }

        public Commit? Commit { get; set; }

        /// <summary>The commit it was planned on: the remote's tip, or the commit of the group before it.</summary>
        public Commit? Base { get; set; }
    }

    // The remote's write path: queued, then committed and pushed by whichever caller holds the gate, in a group with every
    // commit asked for up to then. A caller's cancellation counts only while its request is not taken into a group; once
    // taken, it is answered as the group is (its commit may be on the remote by then). The courtesy gap is waited out
    // without the gate, so reads and fetches go on meanwhile.
    private async Task<ColdCommit> CommitToRemoteAsync(Plan plan, CancellationToken cancellationToken)
    {
        var mine = new Waiting(plan);
        _toPush.Enqueue(mine);
        using var cancelled = cancellationToken.Register(() =>
        {
            if (mine.TryCancel())
            {
                mine.Done.TrySetCanceled(cancellationToken);
            }
        });
        while (!mine.Done.Task.IsCompleted)
        {
            if (CourtesyDue() is { } gap)
            {
                await Task.WhenAny(mine.Done.Task, Task.Delay(gap, _time, CancellationToken.None));
                continue;
            }

            var gate = _gate.WaitAsync(CancellationToken.None);
            if (await Task.WhenAny(mine.Done.Task, gate) != gate)
            {
                // Answered (or cancelled) while waiting: the gate, once had, goes straight back.
                _ = gate.ContinueWith(ReleaseGate, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                break;
            }

            try
            {
                if (mine.Done.Task.IsCompleted || CourtesyDue() is not null)
                {
                    continue; // the group before took it; or a push just ended a busy streak: the gap first
                }

                if (_disposed && mine.TryCancel())
                {
                    mine.Done.TrySetException(new ObjectDisposedException(nameof(GitColdStore)));
                    break;
                }

                var group = new List<Waiting>();
                while (_toPush.TryDequeue(out var waiting))
                {
                    if (waiting.TryTake())
                    {
                        group.Add(waiting);
                    }
                }

                await Task.Run(() => CommitGroupAsync(group), CancellationToken.None);
            }
            finally
            {
                _gate.Release();
            }
        }

        return await mine.Done.Task;
    }

    private void ReleaseGate(Task acquired)
    {
        if (acquired.IsCompletedSuccessfully && !_disposed)
        {
            _gate.Release();
        }
    }

    // After a busy streak (pushes back to back for a second, or four pushes' time), how long to leave the remote alone
    // — a person's fetch, rebase and push fit in it; null when the hub may push now.
    private TimeSpan? CourtesyDue()
    {
        var now = _time.GetTimestamp();
        var quietUntil = Interlocked.Read(ref _quietUntil);
        if (now < quietUntil)
        {
            return _time.GetElapsedTime(now, quietUntil);
        }

        var ended = Interlocked.Read(ref _lastPushEnded);
        if (ended == 0 || _time.GetElapsedTime(ended, now) > BackToBack)
        {
            return null;
        }

        var took = _lastPushTook;
        if (_time.GetElapsedTime(Interlocked.Read(ref _streakStarted), now) < Max(BusyStreak, 4 * took))
        {
            return null;
        }

        // The gap ends the streak (the next push starts a new one); every waiter keeps it until it is over.
        var gap = Max(Courtesy, 2 * took);
        gap = gap < MaxCourtesy ? gap : MaxCourtesy;
        if (Interlocked.CompareExchange(ref _lastPushEnded, 0, ended) == ended)
        {
            CourtesyGaps++;
            Interlocked.Exchange(ref _quietUntil, now + (long)(gap.TotalSeconds * _time.TimestampFrequency));
        }

        return gap;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    // Plans each commit of the group on the one before (on the remote branch's tip for the first), pushes the last, and
    // answers every caller once the remote has it. Someone pushed meanwhile: fetched, the whole group is planned again on
    // the new tip. A plan that refuses (a conflict, an unknown PR) answers its caller alone; a failure of the push or of
    // git answers every caller of the group, and nothing of it is acknowledged.
    private async Task CommitGroupAsync(List<Waiting> group)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var moved = 0; ; moved++)
            {
                var tip = ReadTip();
                var snapshot = Load(tip);
                var now = CommitText.WholeSeconds(_time.GetUtcNow());
                var parent = tip;
                foreach (var waiting in group.Where(w => !w.Done.Task.IsCompleted))
                {
                    (waiting.Edit, waiting.Commit, waiting.Base) = (null, null, parent);
                    try
                    {
                        waiting.Edit = waiting.Plan(snapshot, parent, now);
                    }
                    catch (Exception e) when (e is ThermoclineException or ArgumentException)
                    {
                        waiting.Done.TrySetException(e);
                        continue;
                    }

                    if (waiting.Edit is { } edit)
                    {
                        var (blob, updated) = WriteBlob(edit, snapshot);
                        waiting.Commit = WriteCommitOn(parent, blob, snapshot.Mode, edit.Message, now);
                        (parent, snapshot) = (waiting.Commit, updated);
                    }
                }

                var pending = group.Where(w => !w.Done.Task.IsCompleted).ToList();
                if (parent == tip)
                {
                    pending.ForEach(w => w.Done.TrySetResult(new ColdCommit(tip.Sha, false, now, moved, WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged)));
                    return;
                }

                BeforeRefUpdate?.Invoke();
                var pushStarted = _time.GetTimestamp();
                var landed = await PushAsync(parent, tip, moved, CancellationToken.None);
                NotePush(pushStarted);
                if (!landed)
                {
                    continue;
                }

                var last = MilestoneParser.Title(pending.Last(w => w.Commit is not null).Edit!.Message);
                if (!await MoveBranchAsync(parent.Id, tip.Id, last, CancellationToken.None))
                {
                    throw ThermoclineException.Unavailable(
                        $"the tracking ref of {_remote!.Display} moved while the hub pushed; the commits reached the remote but were not acknowledged. A retry is answered from git.");
                }

                AfterRefUpdate?.Invoke();
                _cache = snapshot;
                if (_knownTip is null || _knownTip == tip.Sha)
                {
                    RememberTip(parent.Sha);
                }

                if (pending.Any(w => w.Edit?.IsColdChange == true))
                {
                    _lastColdCommitAt = _time.GetUtcNow();
                }

                if (pending.Count(w => w.Commit is not null) > 1)
                {
                    GroupedPushes++;
                }

                ScheduleFollow();
                SchedulePackCheck();
                var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                foreach (var waiting in pending)
                {
                    // A no-op planned on a commit of the group stands on that commit, now on the remote too.
                    var sha = (waiting.Commit ?? waiting.Base!).Sha;
                    if (waiting.Commit is not null)
                    {
                        var title = MilestoneParser.Title(waiting.Edit!.Message);
                        ColdStoreLog.Committed(_logger, title, sha, elapsedMs);
                    }

                    waiting.Done.TrySetResult(new ColdCommit(sha, waiting.Commit is not null, now, moved, WorkingTreeUpdate.Unchanged, IndexUpdate.Unchanged) { PushedTo = _remote!.Display });
                }

                return;
            }
        }
        catch (Exception e)
        {
            var failure = NothingCommitted(e) ?? e;
            foreach (var waiting in group)
            {
                waiting.Done.TrySetException(failure);
            }
        }
    }

    private void NotePush(long started)
    {
        var ended = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastPushEnded);
        if (last == 0 || _time.GetElapsedTime(last, started) > BackToBack)
        {
            Interlocked.Exchange(ref _streakStarted, started);
        }

        _lastPushTook = _time.GetElapsedTime(started, ended);
        Interlocked.Exchange(ref _lastPushEnded, ended);
    }
}
