using System.Net;
using System.Net.Sockets;
using Thermocline.Hub.Tests.Support;
using Thermocline.Testing;

namespace Thermocline.Hub.Tests.EndToEnd;

/// <summary>
/// An agent command with bad options, run as the real binary: exit 2 with a message that says what to pass instead, and
/// the hub is never called. The "hub" is a listening socket that counts connections, so a command that called it before
/// refusing its options would be seen.
/// </summary>
public sealed class AgentCommandUsageTests
{
    public static TheoryData<string[], string> Refusals => new()
    {
        { ["claim", "PR-001", "--agent", "a1", "--keep-alive"], "--keep-alive runs a command: put it after '--', e.g. thermo claim PR-005 --agent a1 --keep-alive -- ./work.sh" },
        { ["claim", "PR-001", "--agent", "a1", "--keep-alive", "--every", "soon", "--", "true"], "--every 'soon' is not a duration; use e.g. 30s, 2m or 500ms." },
        { ["claim", "PR-001", "--agent", "a1", "--ttl", "0s"], "--ttl '0s' is not a duration; use e.g. 90s, 20m or 1h." },
        { ["claim", "PR-001", "--agent", "a1", "--ttl", "forever"], "--ttl 'forever' is not a duration; use e.g. 90s, 20m or 1h." },
        { ["claim", "--next", "--agent", "a1", "--wait", "2h"], "--wait '2h' is not a duration of at most 1h; use e.g. 30s, 10m or 1h." },
        { ["claim", "PR-001"], "say who you are: --agent NAME (or set THERMO_AGENT)." },
        { ["claim", "PR-001", "--next", "--agent", "a1"], "claim either PR-001 or --next, not both." },
        { ["claim", "--next", "--paths", "src/**", "--agent", "a1"], "--paths names what one PR reserves; with --next, use --reserve" },
        { ["claim", "PR-001", "--only", "PR-002", "--agent", "a1"], "--only and --priority choose among PRs for --next; add --next, or name the PR." },
        { ["claim", "--agent", "a1"], "say which PR to claim (e.g. thermo claim PR-005), or claim the best one with --next." },
        { ["heartbeat", "PR-001", "--agent", "a1"], "pass the lease your claim printed: --lease FENCE:ID (or set THERMO_LEASE)." },
        { ["release", "PR-001", "--agent", "a1"], "pass the lease your claim printed: --lease FENCE:ID (or set THERMO_LEASE)." },
        { ["release", "PR-001", "--agent", "a1", "--stuck", "7", "--lease", "7:abc"], "--stuck ends someone else's lease by its fence; --lease releases your own. Pass one of them." },
        { ["release", "PR-001", "--agent", "a1", "--stuck", "7"], "--stuck needs --reason TEXT: why the lease is stuck (it is logged with your name)." },
        { ["status", "--repo", "."], "--repo and --task-list go with --at REV; without it, status asks the hub." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AgentCommand_BadOptions_ExitsTwoSayingWhatToPassWithoutCallingTheHub(string[] args, string message)
    {
        using var home = new TempDirectory("thermo-usage");
        using var hub = new ListeningSocket();

        var run = await Thermo.RunAsync(home.Path, home.Path, [.. args, "--hub", hub.Url]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
        Assert.Equal(0, hub.Connections());
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:7420")]
    [InlineData("127.0.0.1:7420")]
    [InlineData("not a url")]
    public async Task AgentCommand_HubThatIsNotAnHttpUrl_ExitsTwoNamingIt(string url)
    {
        using var home = new TempDirectory("thermo-usage");

        var run = await Thermo.RunAsync(home.Path, home.Path, ["status", "--hub", url]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"'{url}' is not a hub URL; expected e.g. http://127.0.0.1:7420.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentCommand_HubFromThermoHub_IsTheOneCalledAndItsUrlChecked()
    {
        using var home = new TempDirectory("thermo-usage");

        var run = await Thermo.RunAsync(home.Path, home.Path, ["status"], new Dictionary<string, string> { ["THERMO_HUB"] = "gopher://hub" });

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("'gopher://hub' is not a hub URL", run.Error, StringComparison.Ordinal);
    }

    /// <summary>A loopback port that accepts connections and counts them; nothing is ever answered.</summary>
    private sealed class ListeningSocket : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public ListeningSocket() => _listener.Start();

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Connections()
        {
            var count = 0;
            while (_listener.Pending())
            {
                using var client = _listener.AcceptTcpClient();
                count++;
            }

            return count;
        }

        public void Dispose() => _listener.Stop();
    }
}
