using System.ComponentModel;
using System.Text;
using Spectre.Console.Cli;
using Thermocline.ColdStore.Git;
using Thermocline.Domain.Commits;
using Thermocline.Domain.Errors;
using Thermocline.Domain.Leases;

namespace Thermocline.Cli.Commands;

/// <summary>
/// <c>thermo hook prepare-commit-msg FILE [SOURCE [SHA]]</c>, which the hook <c>thermo setup --hooks</c> writes runs: when
/// <c>THERMO_LEASE</c> names a lease (<see cref="PrLease"/>), the commit message gets the trailers
/// <c>Thermocline-PR</c> and <c>Thermocline-Lease</c> (replacing any it had, so an amend under a new lease names the new
/// one), and later <c>thermo verify-push</c> can tell whose lease the commit was made under. Never the lease id: that is
/// the holder's secret. Unset: nothing happens. Malformed: the commit fails (exit 2), saying the accepted forms.
/// </summary>
internal sealed class PrepareCommitMsgCommand : AsyncCommand<PrepareCommitMsgCommand.Settings>
{
    // Byte for byte: Latin-1 maps every byte to one char and back, so a message in any encoding git allows survives,
    // and the trailers and the characters the rules look at are ASCII.
    private static readonly Encoding Bytes = Encoding.Latin1;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The file holding the commit message (git's first argument).")]
        public string File { get; init; } = "";

        [CommandArgument(1, "[SOURCE]")]
        [Description("Where the message came from: message, template, merge, squash or commit (git's second argument).")]
        public string? Source { get; init; }

        [CommandArgument(2, "[SHA]")]
        [Description("The commit whose message is reused, for SOURCE commit (git's third argument).")]
        public string? Sha { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("THERMO_LEASE") is not { Length: > 0 } value)
        {
            return ExitCodes.Ok;
        }

        if (!PrLease.TryParse(value, Environment.GetEnvironmentVariable("THERMO_PR"), out var lease, out var problem))
        {
            throw ThermoclineException.Usage(
                $"THERMO_LEASE is not a lease the commit can name: {problem}. Accepted: {PrLease.AcceptedForms}. " +
                "Fix it, or unset THERMO_LEASE to commit without lease trailers; the commit was not made.");
        }

        var message = Bytes.GetString(await System.IO.File.ReadAllBytesAsync(settings.File, cancellationToken));
        var comment = await CommentCharAsync(cancellationToken);

        // 'git commit -m ""' is about to be refused as empty; trailers would turn it into a commit titled by a trailer.
        // Every other source — merge and squash messages, a reused or amended commit's, a template — is this agent's
        // commit under its lease, so it is stamped; an amend under a new lease replaces the old trailers.
        if (settings.Source == "message" && CommitTrailers.IsEmpty(message, comment))
        {
            return ExitCodes.Ok;
        }

        var stamped = CommitTrailers.Set(message, LeaseTrailers.For(lease), comment);
        if (stamped != message)
        {
            await System.IO.File.WriteAllBytesAsync(settings.File, Bytes.GetBytes(stamped), cancellationToken);
        }

        return ExitCodes.Ok;
    }

    // git's core.commentChar: '#' unless set to one other character ("auto" picks one only when git writes the message).
    private static async Task<char> CommentCharAsync(CancellationToken cancellationToken)
    {
        var result = await GitProcess.RunAsync(Directory.GetCurrentDirectory(), ["config", "--get", "core.commentChar"], cancellationToken);
        var value = result.Out.TrimEnd('\r', '\n');
        return result.ExitCode == 0 && value.Length == 1 && char.IsAscii(value[0]) ? value[0] : '#';
    }
}
