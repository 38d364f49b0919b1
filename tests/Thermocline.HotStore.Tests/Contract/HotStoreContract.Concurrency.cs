using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;
using Thermocline.Domain.States;

namespace Thermocline.HotStore.Tests.Contract;

/// <summary>
/// Many agents at once: every concurrent call is answered exactly as if it had run alone, and a race for one PR has
/// exactly one winner.
/// </summary>
public abstract partial class HotStoreContract
{
    [Fact]
    public async Task ConcurrentHotOperations_EachAnsweredAsAlone()
    {
        var store = await NewStoreAsync();
        var prs = Enumerable.Range(0, 96).Select(i => $"PR-B{i:000}").ToArray();

        var leases = await Task.WhenAll(prs.Select(pr => store.ClaimAsync(pr, "agent-" + pr[3..], HotState.Investigating, ColdState.Ready, Ct)));
        await Task.WhenAll(prs.Select(async (pr, i) =>
        {
            await store.TransitionHotAsync(pr, leases[i], HotState.Planning, Ct);
            if (i % 2 == 0)
            {
                await store.TransitionHotAsync(pr, leases[i], HotState.InProgress, Ct);
            }

            if (i % 3 == 0)
            {
                await store.ReleaseAsync(pr, leases[i], Ct);
            }
        }));
        var stale = await Task.WhenAll(prs.Select(async (pr, i) =>
        {
            try
            {
                await store.HeartbeatAsync(pr, new Lease(leases[i].Fence, new string('0', 32)), Ct);
                return false;
            }
            catch (ThermoclineException e) when (e.Kind == ErrorKind.LeaseConflict)
            {
                return true;
            }
        }));

        Assert.All(stale, Assert.True);
        Assert.All(leases, l => Assert.Equal(1, l.Fence));
        for (var i = 0; i < prs.Length; i++)
        {
            var state = await store.GetAsync(prs[i], Ct);
            var expected = i % 3 == 0 ? (HotState?)null : i % 2 == 0 ? HotState.InProgress : HotState.Planning;
            Assert.Equal(expected, state.HotState);
            Assert.Equal(i % 3 == 0 ? null : "agent-" + prs[i][3..], state.Agent);
        }
    }

    [Fact]
    public async Task ConcurrentClaimsOfOnePrInOneWave_ExactlyOneWinner()
    {
        var store = await NewStoreAsync();
        for (var round = 0; round < 20; round++)
        {
            var pr = $"PR-W{round:000}";
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 48).Select(async a =>
            {
                try
                {
                    return await store.ClaimAsync(pr, $"agent-{a}", HotState.InProgress, ColdState.Ready, Ct);
                }
                catch (ThermoclineException e) when (e.Kind == ErrorKind.LeaseConflict)
                {
                    return null;
                }
            }));

            var winner = Assert.Single(outcomes, o => o is not null)!;
            Assert.Equal((await store.GetAsync(pr, Ct)).Fence, winner.Fence);
        }
    }
}
