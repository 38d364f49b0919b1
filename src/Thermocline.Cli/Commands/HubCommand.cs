using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Spectre.Console.Cli;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Hub.Configuration;
using Thermocline.Hub.Hosting;

namespace Thermocline.Cli.Commands;

/// <summary><c>thermo hub</c>: run the hub in the foreground until Ctrl-C or SIGTERM.</summary>
internal sealed class HubCommand : AsyncCommand<HubCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--repo <DIR>")]
        [Description("The git repository whose docs/task-list.md the hub owns. Default: THERMO_REPO, else the current directory.")]
        public string? Repo { get; init; }

        [CommandOption("--redis <CONN>")]
        [Description("A Redis connection string (host:port,password=…,ssl=true,defaultDatabase=N); a Redis Cluster: its masters' host:port as a comma list (seed nodes); Sentinel: the sentinels' host:port list and serviceName=NAME. Default: THERMO_REDIS, else an embedded store in this process (no setup).")]
        public string? Redis { get; init; }

        [CommandOption("--port <N>")]
        [Description("The port to listen on. Default: THERMO_PORT, else 7420; 0 picks a free port.")]
        public int? Port { get; init; }

        [CommandOption("--bind <ADDRESS>")]
        [Description("The address to listen on. Default: THERMO_BIND, else 127.0.0.1. Off loopback a bearer token is required.")]
        public string? Bind { get; init; }

        [CommandOption("--token <TOKEN>")]
        [Description("Bearer token agents must present. Default: THERMO_TOKEN. Required off loopback; never logged.")]
        public string? Token { get; init; }

        [CommandOption("--branch <NAME>")]
        [Description("The branch the hub commits to. Default: THERMO_BRANCH, else the branch checked out now. While a person has HEAD elsewhere the hub moves only this branch; while a merge or rebase of it is in progress, milestones wait (exit 69).")]
        public string? Branch { get; init; }

        [CommandOption("--remote <NAME>")]
        [Description("A git remote (e.g. origin) whose copy of the branch is the branch of record: every milestone is pushed there (compare-and-swap) before it is acknowledged, and others' pushes are fetched every 10 s (fetchIntervalSeconds). While the remote does not answer, milestones are refused (exit 69) and hot work goes on. Default: THERMO_REMOTE, else none (commits stay in this clone).")]
        public string? Remote { get; init; }

        [CommandOption("--advertise <URL>")]
        [Description("The URL clients reach this hub at, e.g. http://10.0.0.5:7420. Makes the hub one of a group on one shared Redis (--redis) and remote (--remote): one hub is active, the others stand by (they serve reads and answer writes with 503 naming the active hub) and take over within a few seconds when it dies (leaderTtlSeconds, default 5). Default: THERMO_ADVERTISE, else none (a hub on its own).")]
        public string? Advertise { get; init; }

        [CommandOption("--key-prefix <PREFIX>")]
        [Description("Prefix of every Redis key, to share one Redis between hubs. Default: THERMO_KEY_PREFIX, else none.")]
        public string? KeyPrefix { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON line with the hub's address when it serves (for scripts).")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        var options = HubOptionsLoader.Load(
            new HubOptionsLoader.Flags(settings.Repo, settings.Redis, settings.Port, settings.Bind, settings.Token, settings.KeyPrefix, settings.Branch, settings.Remote, settings.Advertise),
            Environment.GetEnvironmentVariable);
        using var loggerFactory = LoggerFactory.Create(b => b
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            })
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("StackExchange", LogLevel.Warning)
            .SetMinimumLevel(LogLevel.Information));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });

        HubHost host;
        try
        {
            host = await HubHost.StartAsync(options, loggerFactory, TimeProvider.System, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 130;
        }
        catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw ThermoclineException.Unavailable($"port {options.Port} is in use by another program; pick another with --port.", ex);
        }

        if (settings.Json)
        {
            Json.WriteLine(streams.Out, new { address = host.Address.ToString().TrimEnd('/'), pid = Environment.ProcessId });
        }
        else
        {
            await streams.Out.WriteLineAsync($"Thermocline hub serving {Path.GetFullPath(options.Repository)} at {host.Address.ToString().TrimEnd('/')} — Ctrl-C to stop.");
        }

        await streams.Out.FlushAsync(cancellationToken);
        await host.RunAsync(stop.Token);
        await streams.Error.WriteLineAsync("hub stopped cleanly.");
        return ExitCodes.Ok;
    }
}
