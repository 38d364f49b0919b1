using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Thermocline.Cli.Commands;

/// <summary>What every agent command shares: where the hub is, its token, and JSON output.</summary>
internal class HubSettings : CommandSettings
{
    [CommandOption("--hub <URL>")]
    [Description("The hub's URL, or the URLs of a hub group separated by commas (writes follow the active hub). Default: THERMO_HUB, else http://127.0.0.1:7420.")]
    public string? Hub { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("Bearer token of a hub that listens off loopback. Default: THERMO_TOKEN.")]
    public string? Token { get; init; }

    [CommandOption("--json")]
    [Description("Print machine-readable JSON on stdout instead of text.")]
    public bool Json { get; init; }
}

/// <summary>Settings of commands that act as an agent.</summary>
internal class AgentNameSettings : HubSettings
{
    [CommandOption("--agent <NAME>")]
    [Description("Your agent name (letters, digits, '.', '_', '-', '@'). Default: THERMO_AGENT.")]
    public string? Agent { get; init; }

    /// <summary>The agent name from the flag or THERMO_AGENT.</summary>
    public string ResolveAgent() =>
        Agent is { Length: > 0 } agent ? agent
        : Environment.GetEnvironmentVariable("THERMO_AGENT") is { Length: > 0 } env ? env
        : throw Domain.Errors.ThermoclineException.Usage("say who you are: --agent NAME (or set THERMO_AGENT).");
}

/// <summary>Settings of commands that act on one PR as an agent.</summary>
internal class AgentSettings : AgentNameSettings
{
    [CommandArgument(0, "<PR>")]
    [Description("The PR id, e.g. PR-005.")]
    public string Pr { get; init; } = "";

    /// <summary>Refuses a malformed PR id here, so the message shows it as typed.</summary>
    public override ValidationResult Validate() => Domain.Identity.PrId.IsValid(Pr)
        ? ValidationResult.Success()
        : ValidationResult.Error($"'{Pr}' is not a valid PR id; expected {Domain.Identity.PrId.FormatDescription}.");
}
