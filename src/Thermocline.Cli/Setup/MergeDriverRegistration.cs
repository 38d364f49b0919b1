using System.Diagnostics;
using System.Text;
using LibGit2Sharp;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Cli.Setup;

/// <summary>
/// What <c>thermo setup --merge-driver</c> keeps in a repository so that git merges the task list with
/// <c>thermo merge-driver</c>: the driver in <c>.git/config</c> (<c>[merge "thermocline"]</c> with a <c>name</c> and a
/// <c>driver</c>, local to the clone: git never shares config) and, in <c>.gitattributes</c> at the top level (committed,
/// so every clone asks for the driver), the line <c>docs/task-list.md merge=thermocline</c> under a comment line that marks
/// it as ours. Nothing else in either file is touched; <c>--remove</c> takes out exactly those (and the file, when nothing
/// else was in it). A clone whose config lacks the driver merges the file with git's own text merge.
/// </summary>
internal static class MergeDriverRegistration
{
    /// <summary>The driver's name in <c>.git/config</c> and <c>.gitattributes</c>.</summary>
    public const string Name = "thermocline";

    /// <summary>The comment line that marks the attribute line setup wrote.</summary>
    public const string Marker = "# thermocline: merge the task list by PR block (thermo setup --merge-driver; --remove takes it out)";

    /// <summary>The <c>name</c> value in <c>.git/config</c> (git shows it in messages).</summary>
    public const string Description = "Thermocline task list, merged by PR block";

    /// <summary>The attribute line for the task list.</summary>
    public static string AttributeLine => $"{TaskList.DefaultPath} merge={Name}";

    /// <summary>
    /// The driver command for <em>this</em> thermo: <c>thermo</c> when the running binary is the one PATH finds, else its
    /// absolute path (an apphost in a folder not on PATH), else <c>dotnet /abs/path/thermo.dll</c> (run through
    /// <c>dotnet run</c> or <c>dotnet thermo.dll</c>). Git runs it with <c>sh</c> in the working tree's top level.
    /// </summary>
    public static string DriverCommand()
    {
        // The thermo on PATH, when that is this one, keeps the config readable and valid after an upgrade in place.
        var words = ThermoProgram.Self();
        var program = words is [var only] && (only == "thermo" || SameFile(ThermoProgram.FindOnPath("thermo"), only))
            ? "thermo"
            : string.Join(' ', words.Select(ThermoProgram.Quote));
        return $"{program} merge-driver %O %A %B %P";
    }

    /// <summary>The driver's config as it is now in the repository's own (local) config: name and driver, each null when absent.</summary>
    public static (string? Name, string? Driver) ReadConfig(string repository)
    {
        using var repo = new Repository(repository);
        return (repo.Config.Get<string>($"merge.{Name}.name", ConfigurationLevel.Local)?.Value,
            repo.Config.Get<string>($"merge.{Name}.driver", ConfigurationLevel.Local)?.Value);
    }

    /// <summary>Sets the driver in the local config; what that did.</summary>
    public static SetupAction WriteConfig(string repository, string driver)
    {
        var (name, current) = ReadConfig(repository);
        if (name == Description && current == driver)
        {
            return SetupAction.Unchanged;
        }

        using var repo = new Repository(repository);
        repo.Config.Set($"merge.{Name}.name", Description, ConfigurationLevel.Local);
        repo.Config.Set($"merge.{Name}.driver", driver, ConfigurationLevel.Local);
        return current is null && name is null ? SetupAction.Written : SetupAction.Updated;
    }

    /// <summary>
    /// Takes the driver's section out of the local config; what that did. Through <c>git config --remove-section</c>:
    /// libgit2's unset leaves an empty <c>[merge "thermocline"]</c> header behind, and the config should be as it was.
    /// </summary>
    public static async Task<SetupAction> RemoveConfigAsync(string repository, CancellationToken cancellationToken)
    {
        var (name, driver) = ReadConfig(repository);
        if (name is null && driver is null)
        {
            return SetupAction.Absent;
        }

        var start = new ProcessStartInfo("git") { UseShellExecute = false, RedirectStandardError = true, WorkingDirectory = repository };
        foreach (var argument in new[] { "config", "--local", "--remove-section", $"merge.{Name}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start) ?? throw ThermoclineException.Failure("could not start git to edit .git/config.");
        var error = await git.StandardError.ReadToEndAsync(cancellationToken);
        await git.WaitForExitAsync(cancellationToken);
        return git.ExitCode == 0
            ? SetupAction.Removed
            : throw ThermoclineException.Failure($"git config --remove-section merge.{Name} failed (exit {git.ExitCode}: {error.Trim()}); .gitattributes was not changed.");
    }

    /// <summary>
    /// <c>.gitattributes</c> (null: no file) with the marked line added or brought up to date: appended at the end, in the
    /// file's line endings, when it is not there; unchanged when it is, or when a line of the person's own already asks for
    /// the driver.
    /// </summary>
    public static AgentsFileEdit.Result WriteAttributes(byte[]? existing)
    {
        var text = Decode(existing);
        var nl = NewLine(text);
        var lines = Lines(text);
        var section = Find(lines);
        var wanted = Marker + nl + AttributeLine + nl;
        if (section is { } s)
        {
            var current = string.Concat(lines.Skip(s.Start).Take(s.Count));
            return current.TrimEnd('\r', '\n') == wanted.TrimEnd('\r', '\n')
                ? new(SetupAction.Unchanged, null)
                : new(SetupAction.Updated, Encode(existing, string.Concat(lines.Take(s.Start)) + wanted + string.Concat(lines.Skip(s.Start + s.Count))));
        }

        if (lines.Any(l => l.TrimEnd('\r', '\n').Trim() == AttributeLine))
        {
            return new(SetupAction.Unchanged, null);
        }

        var separator = text.Length == 0 || text.EndsWith('\n') ? "" : nl;
        return new(SetupAction.Written, Encode(existing, text + separator + wanted));
    }

    /// <summary>Whether <c>.gitattributes</c> asks for the driver for the task list.</summary>
    public static SectionStatus CheckAttributes(byte[]? existing)
    {
        var lines = Lines(Decode(existing));
        return lines.Any(l => l.TrimEnd('\r', '\n').Trim() == AttributeLine) ? SectionStatus.Current
            : Find(lines) is not null ? SectionStatus.Outdated
            : SectionStatus.Missing;
    }

    /// <summary><c>.gitattributes</c> without the marked lines; <see cref="SetupAction.Absent"/> when it has none.</summary>
    public static AgentsFileEdit.Result RemoveAttributes(byte[]? existing)
    {
        var text = Decode(existing);
        var lines = Lines(text);
        return Find(lines) is not { } s
            ? new(SetupAction.Absent, null)
            : new(SetupAction.Removed, Encode(existing, string.Concat(lines.Take(s.Start)) + string.Concat(lines.Skip(s.Start + s.Count))));
    }

    // The marker line and, when it asks for this driver, the line after it.
    private static (int Start, int Count)? Find(List<string> lines)
    {
        var at = lines.FindIndex(l => l.TrimEnd('\r', '\n') == Marker);
        if (at < 0)
        {
            return null;
        }

        var next = at + 1 < lines.Count ? lines[at + 1].TrimEnd('\r', '\n') : "";
        return (at, next.Contains($"merge={Name}", StringComparison.Ordinal) ? 2 : 1);
    }

    private static List<string> Lines(string text)
    {
        var lines = new List<string>();
        for (var start = 0; start < text.Length;)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl + 1;
            lines.Add(text[start..end]);
            start = end;
        }

        return lines;
    }

    private static string Decode(byte[]? bytes) =>
        bytes is null ? "" : Encoding.UTF8.GetString(bytes.AsSpan(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? 3 : 0));

    private static byte[] Encode(byte[]? original, string text) =>
        original is not null && original.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);

    private static string NewLine(string text)
    {
        var first = text.IndexOf('\n', StringComparison.Ordinal);
        return first > 0 && text[first - 1] == '\r' ? "\r\n" : "\n";
    }

    private static bool SameFile(string? a, string b) =>
        a is not null && string.Equals(Resolve(a), Resolve(b), StringComparison.Ordinal);

    private static string Resolve(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is null ? info.FullName : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
    }
}
