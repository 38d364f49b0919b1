using Microsoft.Extensions.Logging.Abstractions;
using Thermocline.Hub.Configuration;
using Thermocline.Hub.Hosting;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.Support;

/// <summary>A <see cref="HubHost"/> in the test process (real Kestrel, real git, embedded Garnet or a given Redis) on a fresh repository.</summary>
internal sealed class InProcessHub : IAsyncDisposable
{
    private InProcessHub(TempGitRepository repo, HubHost host)
    {
        Repo = repo;
        Host = host;
        Http = new HttpClient { BaseAddress = host.Address };
    }

    public TempGitRepository Repo { get; }

    public HubHost Host { get; }

    public HttpClient Http { get; }

    public static async Task<InProcessHub> StartAsync(string taskList, Action<HubOptions>? configure = null)
    {
        var repo = TempGitRepository.CreateWith(ContractTaskList.Path, taskList);
        try
        {
            var options = new HubOptions { Repository = repo.WorkDir, Port = 0, DisplayIntervalSeconds = 3600 };
            configure?.Invoke(options);
            var host = await HubHost.StartAsync(options, NullLoggerFactory.Instance);
            return new InProcessHub(repo, host);
        }
        catch
        {
            repo.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        Repo.Dispose();
    }
}
