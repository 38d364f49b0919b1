using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Thermocline.Cli.Client;
using Thermocline.Cli.Output;

namespace Thermocline.Cli.Commands;

/// <summary><c>thermo log [PR]</c>: milestone history from git, newest first.</summary>
internal sealed class LogCommand : AsyncCommand<LogCommand.Settings>
{
    public sealed class Settings : HubSettings
    {
        [CommandArgument(0, "[PR]")]
        [Description("Only this PR's milestones.")]
        public string? Pr { get; init; }

        [CommandOption("--limit <N>")]
        [Description("At most this many milestones. Default: 100.")]
        public int Limit { get; init; } = 100;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        using var hub = new HubClient(settings.Hub, settings.Token);
        var history = await hub.LogAsync(settings.Pr, settings.Limit, cancellationToken);
        if (settings.Json)
        {
            Json.Write(streams.Out, history);
            return 0;
        }

        var table = new TextTable("COMMIT", "WHEN (UTC)", "PR", "TRANSITION", "AGENT", "LEASE");
        foreach (var m in history)
        {
            table.Add(m.Sha[..10], m.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), m.PrId, $"{m.From} → {m.To}", m.Agent,
                m.Lease?.ToString(CultureInfo.InvariantCulture));
        }

        await streams.Out.WriteAsync(table.ToString());
        await streams.Out.WriteLineAsync($"{history.Count} milestone(s)");
        return 0;
    }
}
