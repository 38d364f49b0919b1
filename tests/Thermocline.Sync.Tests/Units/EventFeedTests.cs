using Thermocline.Sync.Events;

namespace Thermocline.Sync.Tests.Units;

public sealed class EventFeedTests
{
    private static SyncEvent Event(string message) => new(SyncEventKind.Claimed, DateTimeOffset.UnixEpoch, "PR-001", message);

    [Fact]
    public void Append_NumbersEventsInOrder_AndAReaderResumesAfterTheLastItSaw()
    {
        var feed = new EventFeed();
        var numbers = Enumerable.Range(1, 5).Select(i => feed.Append(Event($"e{i}")).Id).ToList();

        using var reader = feed.Subscribe(after: 3);

        Assert.Equal([1L, 2, 3, 4, 5], numbers);
        Assert.False(reader.Missed);
        Assert.Equal(["e4", "e5"], reader.Replay.Select(e => e.Message));
        feed.Append(Event("e6"));
        Assert.True(reader.Queue.TryRead(out var live));
        Assert.Equal((6L, "e6"), (live!.Id, live.Message));
    }

    [Fact]
    public void Subscribe_TooFarBehindOrAnotherRun_SaysEventsWereMissed()
    {
        var feed = new EventFeed();
        for (var i = 0; i < EventFeed.Capacity + 10; i++)
        {
            feed.Append(Event($"e{i}"));
        }

        using var behind = feed.Subscribe(after: 5);
        using var edge = feed.Subscribe(after: 10);
        using var future = feed.Subscribe(after: feed.Last + 1);

        Assert.True(behind.Missed);
        Assert.Empty(behind.Replay);
        Assert.False(edge.Missed);
        Assert.Equal(EventFeed.Capacity, edge.Replay.Count);
        Assert.True(future.Missed);
        Assert.Equal(feed.Last, feed.ParseId(feed.IdOf(feed.Recent(feed.Last - 1).Single())));
        Assert.Null(feed.ParseId("0badc0de-12"));
        Assert.Null(feed.ParseId($"{feed.Run}-x"));
        Assert.Null(new EventFeed().ParseId(feed.IdOf(feed.Recent(feed.Last - 1).Single())));
    }

    [Fact]
    public void Append_AReaderThatDoesNotKeepUp_IsCutOffAndTheOthersGoOn()
    {
        var feed = new EventFeed();
        using var slow = feed.Subscribe();
        using var quick = feed.Subscribe();

        for (var i = 0; i <= EventFeed.ReaderQueue; i++)
        {
            feed.Append(Event($"e{i}"));
            Assert.True(quick.Queue.TryRead(out _));
        }

        Assert.True(slow.Overflowed);
        Assert.False(quick.Overflowed);
        Assert.True(slow.Queue.Completion.IsCompleted || slow.Queue.Count == EventFeed.ReaderQueue);
        feed.Append(Event("after"));
        Assert.True(quick.Queue.TryRead(out var after));
        Assert.Equal("after", after!.Message);
    }

    [Fact]
    public async Task WaitAsync_WakesOnlyForAnAcceptedEvent()
    {
        var feed = new EventFeed();
        var from = feed.Last;
        var waiting = feed.WaitAsync(from, e => e.Message == "wanted", CancellationToken.None);
        feed.Append(Event("other"));
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        feed.Append(Event("wanted"));

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await feed.WaitAsync(from, e => e.Message == "wanted", CancellationToken.None)); // already happened: at once
    }
}
