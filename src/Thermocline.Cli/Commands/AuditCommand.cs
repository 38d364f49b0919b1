using System.ComponentModel;
using Spectre.Console.Cli;
using Thermocline.Cli.Output;
using Thermocline.Domain.Errors;
using Thermocline.Domain.History;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo audit</c>: replays the branch's milestone history from git alone and reports what breaks SPEC.md's rules
/// (violations: exit 1) and the cold-state edits that bypassed the hub (warnings: exit 0 unless <c>--strict</c>).
/// </summary>
internal sealed class AuditCommand : AsyncCommand<AuditCommand.Settings>
{
    public sealed class Settings : GitHistorySettings
    {
        [CommandOption("--strict")]
        [Description("Fail (exit 1) on warnings too: cold-state edits that bypassed the hub, task lists in history that do not parse.")]
        public bool Strict { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var streams = (CliStreams)context.Data!;
        using var history = settings.Open();
        var report = (await history.ReplayAsync(null, new StderrProgress(streams.Error, "audit"), cancellationToken)).Report;
        var failed = !report.IsClean || (settings.Strict && report.Findings.Count > 0);
        if (settings.Json)
        {
            Json.Write(streams.Out, new
            {
                branch = history.Branch,
                tip = history.TipSha,
                commits = report.CommitsExamined,
                milestones = report.Milestones,
                prs = report.Prs,
                clean = report.IsClean,
                violations = report.Violations.Count,
                warnings = report.Warnings.Count,
                strict = settings.Strict,
                findings = report.Findings.Select(f => new { f.Sha, f.Severity, f.Kind, f.PrId, f.Title, f.Problem, f.Author, f.From, f.To, f.OtherSha }),
            });
            return failed ? ExitCodes.Failure : ExitCodes.Ok;
        }

        if (report.Findings.Count > 0)
        {
            var table = new TextTable("COMMIT", "SEVERITY", "KIND", "PR", "PROBLEM");
            foreach (var f in report.Findings)
            {
                table.Add(f.Sha[..10], f.Severity == FindingSeverity.Violation ? "violation" : "warning", Kebab(f.Kind), f.PrId, f.Problem);
            }

            await streams.Out.WriteAsync(table.ToString());
        }

        await streams.Out.WriteLineAsync($"{history.Branch} at {history.TipSha[..10]}: {report.Summary}");
        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static string Kebab(AuditFindingKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
