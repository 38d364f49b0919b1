using LibGit2Sharp;
using Thermocline.ColdStore.Git;
using Thermocline.ColdStore.Native;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore;

/// <summary>
/// With <see cref="ColdStoreOptions.Remote"/>, the branch of record is the remote's: every commit is built on the
/// remote-tracking ref (<c>refs/remotes/origin/main</c>), pushed as a compare-and-swap on the remote branch, and only
/// then is the tracking ref moved and the commit acknowledged. A push that lost a race (someone pushed) fetches,
/// re-plans on the new tip with the same rules as for a local commit (git wins) and pushes again. The local branch
/// follows the remote one by fast-forward when it can; a person's unpushed commits on it are theirs until pushed.
/// </summary>
public sealed partial class GitColdStore
{
    private readonly GitRemote? _remote;
    private string? _remoteProblem;
    private string? _localBranchLag;
    private int _followScheduled;
    private volatile bool _talkingToRemote;
    private Task _following = Task.CompletedTask;
    private volatile Lead? _lead;
    private volatile LeaderMark? _leaderMark;
    private string? _deposed;

    /// <summary>The remote branch commits go to, e.g. <c>origin/main</c>; null when the hub commits locally only.</summary>
    public string? Remote => _remote?.Display;

    /// <summary>Why the last push or fetch failed, until one succeeds again; null while the remote answers (or there is none).</summary>
    public string? RemoteProblem => Volatile.Read(ref _remoteProblem);

    /// <summary>
    /// Fetches the remote branch now (a timer calls this; so does a reconciliation). A person's force-push is taken as it
    /// is; <see cref="BranchMovedAsync"/> then reports the move, and the milestones it dropped are restored on top. The
    /// local branch is brought along when it can be. A failure is kept in <see cref="RemoteProblem"/>, not thrown.
    /// </summary>
    /// <returns>True when the remote branch had moved.</returns>
    public async Task<bool> FetchAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_remote is null)
        {
            return false;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var before = _repo.Refs[_branchRef]?.TargetIdentifier;
            var fetched = await TalkToRemoteAsync(() => _remote.FetchAsync(cancellationToken));
            if (!fetched.Succeeded)
            {
                RemoteFailed(fetched.Why!);
                return false;
            }

            RemoteAnswered();
            await FollowLocalBranchAsync(cancellationToken);
            return _repo.Refs[_branchRef]?.TargetIdentifier != before;
        }
        finally
        {
            _gate.Release();
        }
    }

    // At open: the remote must exist; its branch is fetched (or, when it has none yet, the local branch is published
    // there). Unreachable with a branch fetched before: the store opens degraded on that; never fetched: it cannot open.
    private async Task ConnectRemoteAsync(CancellationToken cancellationToken)
    {
        if (_remote is null)
        {
            return;
        }

        var where = _workDir ?? _gitDir;
        if (_repo.Network.Remotes[_remote.Name] is null)
        {
            throw ThermoclineException.Unavailable(
                $"there is no remote '{_remote.Name}' in {where}; add it (git remote add {_remote.Name} URL) or name another with --remote (THERMO_REMOTE).");
        }

        var fetched = await _remote.FetchAsync(cancellationToken);
        if (fetched.Verdict == RemoteVerdict.Refused)
        {
            var local = _repo.Refs[_localRef]?.TargetIdentifier
                ?? throw ThermoclineException.BadTaskList($"neither {_remote.Display} nor {Branch} has commits yet; commit a task list on {Branch} first ('thermo init' does).");
            var published = await _remote.PushAsync(local, null, null, cancellationToken);
            if (!published.Succeeded)
            {
                throw ThermoclineException.Unavailable(
                    $"{_remote.Name} has no branch {Branch}, and publishing it there failed ({published.Why}). Push it yourself (git push {_remote.Name} {Branch}), then start the hub again.");
            }

            ColdStoreLog.BranchPublished(_logger, Branch, _remote.Name);
            fetched = await _remote.FetchAsync(cancellationToken);
        }

        if (!fetched.Succeeded)
        {
            if (_repo.Refs[_branchRef] is null)
            {
                throw ThermoclineException.Unavailable(
                    $"the hub cannot reach {_remote.Name} ({fetched.Why}) and this clone has never fetched {_remote.Display}; check the remote's URL and credentials (git fetch {_remote.Name}), then start the hub again.");
            }

            RemoteFailed(fetched.Why!);
        }

        await FollowLocalBranchAsync(cancellationToken);
    }

    // In the commit path, after the commit object is written and before any ref moves: true when the remote branch is
    // at the commit now; false when someone had pushed (fetched: re-plan on the new tip). Anything else refuses the
    // commit — nothing was acknowledged, and neither the remote nor this clone shows it.
    private async Task<bool> PushAsync(Commit commit, Commit tip, int moved, CancellationToken cancellationToken)
    {
        var leader = await LeaderMarkForPushAsync(cancellationToken);
        var pushed = await TalkToRemoteAsync(() => _remote!.PushAsync(commit.Sha, tip.Sha, leader, cancellationToken));
        switch (pushed.Verdict)
        {
            case RemoteVerdict.Done:
                RemoteAnswered();
                MarkLanded(leader);
                return true;
            case RemoteVerdict.Deposed:
                throw Deposed(pushed.Why!);
            case RemoteVerdict.Stale:
                var fetched = await TalkToRemoteAsync(() => _remote!.FetchAsync(cancellationToken));
                if (!fetched.Succeeded)
                {
                    throw NotPushed(fetched.Why!);
                }

                RemoteAnswered();
                if (moved + 1 >= _options.MaxHeadMovedRetries)
                {
                    throw ThermoclineException.Unavailable($"{_remote!.Display} kept moving underneath ({moved + 1} pushes lost the race); nothing was committed. Retry when the other writers are done.");
                }

                ColdStoreLog.RemoteMoved(_logger, _remote!.Display, tip.Sha[..12], pushed.Why ?? "rejected", moved + 1);
                return false;
            default:
                throw NotPushed(pushed.Why!);
        }
    }

    /// <summary>
    /// Set when a push found that another hub of the group took over (moved the remote's leader ref): what it said. This
    /// store commits nothing more until <see cref="ClaimLeadershipAsync"/> again.
    /// </summary>
    public string? DeposedBy => Volatile.Read(ref _deposed);

    /// <summary>
    /// A hub of a group (<see cref="ColdStoreOptions.HubGroup"/>) that took the leader lease in Redis with
    /// <paramref name="fence"/>: marks the remote's leader ref as this hub's (a commit naming it, pushed as a
    /// compare-and-swap), after which every push of the hub before it is refused. From now on each push is atomic with
    /// that ref. When the remote does not answer, the mark goes with the first push. False when another hub's mark got
    /// there first (this one must not lead).
    /// </summary>
    public async Task<bool> ClaimLeadershipAsync(long fence, string hubId, string address, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            (_lead, _leaderMark, _deposed) = (new Lead(fence, hubId, address), null, null);
            var mark = await LeaderMarkForPushAsync(cancellationToken);
            if (mark is null)
            {
                return true; // the remote does not answer: the first push carries the mark
            }

            var pushed = await TalkToRemoteAsync(() => _remote!.PushAsync(null, null, mark, cancellationToken));
            switch (pushed.Verdict)
            {
                case RemoteVerdict.Done:
                    RemoteAnswered();
                    MarkLanded(mark);
                    return true;
                case RemoteVerdict.Deposed:
                    (_lead, _leaderMark) = (null, null);
                    return false;
                default:
                    RemoteFailed(pushed.Why!);
                    return true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>This hub stands by (it lost, gave up or never held the lead): it commits nothing until it leads again.</summary>
    public void StandBy() => (_lead, _leaderMark) = (null, null);

    // The mark a push must carry: none outside a group; refused while standing by or deposed; made (reading what the
    // leader ref holds now) when the lead was taken and not yet marked. Null when the remote did not answer that read.
    private async Task<LeaderMark?> LeaderMarkForPushAsync(CancellationToken cancellationToken)
    {
        if (!_options.HubGroup)
        {
            return null;
        }

        if (_lead is not { } lead)
        {
            throw ThermoclineException.Unavailable(_deposed is { } why
                ? $"this hub was taken over ({why}); nothing was committed. Send the request to the active hub."
                : "this hub stands by: another hub of the group is active; nothing was committed. Send the request to the active hub.");
        }

        if (_leaderMark is { } known)
        {
            return known;
        }

        var (read, current) = await TalkToRemoteAsync(() => _remote!.ReadRefAsync(GitRemote.LeaderRef, cancellationToken));
        if (!read.Succeeded)
        {
            RemoteFailed(read.Why!);
            return null;
        }

        var empty = _repo.ObjectDatabase.CreateTree(new TreeDefinition());
        var signature = new Signature(_options.CommitterName, _options.CommitterEmail, _time.GetUtcNow());
        var message = $"thermocline: hub {lead.HubId} leads (fence {lead.Fence})\n\nHub: {lead.HubId}\nAddress: {lead.Address}\nLeader-Fence: {lead.Fence}\n";
        var commit = _repo.ObjectDatabase.CreateCommit(signature, signature, message, empty, [], prettifyMessage: false);
        return _leaderMark = new LeaderMark(commit.Sha, current ?? "");
    }

    private void MarkLanded(LeaderMark? mark)
    {
        if (mark is not null && _lead is not null)
        {
            _leaderMark = mark with { Expected = mark.Sha };
        }
    }

    private ThermoclineException Deposed(string why)
    {
        (_lead, _leaderMark) = (null, null);
        Volatile.Write(ref _deposed, why);
        ColdStoreLog.Deposed(_logger, _remote!.Display, why);
        return ThermoclineException.Unavailable($"this hub was taken over ({why}); nothing was committed or acknowledged. Send the request to the active hub.");
    }

    // A push or fetch may take up to the remote timeout; meanwhile reads of the task list are answered from the last tip
    // read (ReadTaskListAsync), which is still the branch of record: nothing is acknowledged until the push is done.
    private async Task<T> TalkToRemoteAsync<T>(Func<Task<T>> talk)
    {
        _talkingToRemote = true;
        try
        {
            return await talk();
        }
        finally
        {
            _talkingToRemote = false;
        }
    }

    /// <summary>The task list at the last tip read, while a push or fetch holds the store; else null.</summary>
    private TaskList? ListWhileTalkingToRemote() => _talkingToRemote && _cache is { } cached ? cached.List : null;

    private ThermoclineException NotPushed(string why)
    {
        RemoteFailed(why);
        return ThermoclineException.Unavailable(
            $"the milestone was not pushed to {_remote!.Display}: {why}. Nothing was acknowledged; a commit needs {_remote.Name} to answer. " +
            $"Hot work goes on meanwhile; retry once {_remote.Name} is reachable (git fetch {_remote.Name} tells).",
            new IOException(why));
    }

    private void RemoteFailed(string why)
    {
        if (Interlocked.Exchange(ref _remoteProblem, why) is null)
        {
            ColdStoreLog.RemoteUnreachable(_logger, _remote!.Display, why);
        }
    }

    private void RemoteAnswered()
    {
        if (Interlocked.Exchange(ref _remoteProblem, null) is { } was)
        {
            ColdStoreLog.RemoteBack(_logger, _remote!.Display, was);
        }
    }

    // After a commit moved the tracking ref: the local branch is brought along off the commit's path (it takes the gate,
    // so it runs once the commit has answered).
    private void ScheduleFollow()
    {
        if (_remote is null || Interlocked.Exchange(ref _followScheduled, 1) == 1)
        {
            return;
        }

        _following = Task.Run(async () =>
        {
            await _gate.WaitAsync();
            try
            {
                Interlocked.Exchange(ref _followScheduled, 0);
                if (!_disposed)
                {
                    await FollowLocalBranchAsync(CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is LibGit2SharpException or IOException or ThermoclineException or UnauthorizedAccessException)
            {
                LocalBranchLags($"{Branch} could not be brought up to {_remote.Display}: {ex.Message}");
            }
            finally
            {
                _gate.Release();
            }
        });
    }

    // The local branch follows the remote one by fast-forward only: its ref alone where it is checked out nowhere (or the
    // clone is bare), through git's own fast-forward merge where it is checked out and idle (git updates the working tree
    // and index, and refuses when a person's edit is in the way). Diverged (a person's unpushed commits) or a person's
    // operation in progress: left alone, and said in the health report. Under the gate.
    private async Task FollowLocalBranchAsync(CancellationToken cancellationToken)
    {
        var tip = _repo.Refs[_branchRef]?.ResolveToDirectReference()?.Target as Commit;
        var local = _repo.Refs[_localRef]?.ResolveToDirectReference()?.Target as Commit;
        if (tip is null || local is null || local.Id == tip.Id)
        {
            LocalBranchLags(null);
            return;
        }

        var display = _remote!.Display;
        if (_repo.ObjectDatabase.FindMergeBase(local, tip)?.Id != local.Id)
        {
            LocalBranchLags($"{Branch} has commits that are not on {display}; the hub reads and commits {display} only. Push them (git push {_remote.Name} {Branch}) or pull (git pull {_remote.Name} {Branch}).");
            return;
        }

        var checkout = _workDir is null ? new Checkout(CopyMode.RefOnly, null) : Checkout.Inspect(_gitDir, _commonDir, _workDir, _localRef);
        switch (checkout.Mode)
        {
            case CopyMode.RefOnly:
                var rc = LibGit2Native.CompareAndSwapRef(_native, _localRef, tip.Id, local.Id, $"thermocline: fast-forward to {display}", out var error);
                LocalBranchLags(rc >= 0 ? null : $"{Branch} stays behind {display}: git could not move it ({error ?? "it moved meanwhile"}); 'git pull' brings it along.");
                break;
            case CopyMode.InStep:
                var merged = await GitProcess.RunAsync(_workDir!, ["merge", "--ff-only", "--quiet", tip.Sha], _options.RemoteTimeout, cancellationToken);
                LocalBranchLags(merged.ExitCode == 0
                    ? null
                    : $"{Branch} stays behind {display}: git merge --ff-only said: {merged.Error.Trim().ReplaceLineEndings(" ")}. Run 'git pull' when the working copy is ready.");
                break;
            default:
                LocalBranchLags($"{Branch} stays behind {display} while {checkout.Why}");
                break;
        }
    }

    private void LocalBranchLags(string? why)
    {
        if (Interlocked.Exchange(ref _localBranchLag, why) != why && why is not null)
        {
            ColdStoreLog.LocalBranchLags(_logger, why);
        }
    }

    // The lead this hub holds: its fence, id and advertised address.
    private sealed record Lead(long Fence, string HubId, string Address);
}
