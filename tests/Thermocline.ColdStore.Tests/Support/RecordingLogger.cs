using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Thermocline.ColdStore.Tests.Support;

/// <summary>Keeps every log entry and lets a test wait for an event id instead of sleeping.</summary>
internal sealed class RecordingLogger : ILogger<GitColdStore>
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _waiters = new();

    public ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public Task WhenLogged(int eventId) => Waiter(eventId).Task;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Entries.Enqueue((eventId, logLevel, formatter(state, exception)));
        Waiter(eventId.Id).TrySetResult();
    }

    private TaskCompletionSource Waiter(int id) => _waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
