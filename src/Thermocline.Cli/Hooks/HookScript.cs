using System.Text;

namespace Thermocline.Cli.Hooks;

/// <summary>
/// The three git hooks <c>thermo setup --hooks</c> writes, as POSIX sh scripts: <c>pre-commit</c> runs
/// <c>thermo check-paths --hook</c> (no commit touches paths another PR's lease reserves), <c>prepare-commit-msg</c> runs
/// <c>thermo hook prepare-commit-msg</c> (the lease trailers, only when <c>THERMO_LEASE</c> is set) and <c>pre-push</c>
/// runs <c>thermo verify-push --hook</c> (no commit of a superseded or ended lease leaves). A hook that was there before
/// and is not ours is kept beside ours as <c>NAME.thermocline-chained</c> and run first, with the same arguments and
/// input; when it fails, so does ours, with its exit code. The second line marks the script as ours.
/// </summary>
internal static class HookScript
{
    /// <summary>What the marker line of every hook script starts with.</summary>
    public const string MarkerPrefix = "# thermocline-hook:";

    /// <summary>The hooks, in the order git runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["pre-commit", "prepare-commit-msg", "pre-push"];

    /// <summary>Where a chained hook of <paramref name="hook"/> is kept, beside it in the hooks folder.</summary>
    public static string ChainedName(string hook) => hook + ".thermocline-chained";

    /// <summary>The thermo command each hook runs, after the program.</summary>
    public static string Command(string hook) => hook switch
    {
        "pre-commit" => "check-paths --hook",
        "prepare-commit-msg" => "hook prepare-commit-msg \"$@\"",
        "pre-push" => "verify-push --hook \"$@\"",
        _ => throw new ArgumentOutOfRangeException(nameof(hook), hook, "not a hook thermo writes"),
    };

    /// <summary>True when <paramref name="content"/> is a hook script thermo wrote (any version).</summary>
    public static bool IsOurs(byte[] content)
    {
        var head = Encoding.UTF8.GetString(content.AsSpan(0, Math.Min(content.Length, 512)));
        return head.Split('\n').Take(3).Any(l => l.StartsWith(MarkerPrefix, StringComparison.Ordinal));
    }

    /// <summary>The script for <paramref name="hook"/>, starting <paramref name="program"/>; with the call of a chained hook when there is one.</summary>
    public static byte[] Render(string hook, IReadOnlyList<string> program, bool chained)
    {
        var text = new StringBuilder();
        text.Append("#!/bin/sh\n");
        text.Append($"{MarkerPrefix} {hook}, written by 'thermo setup --hooks' (run it again to update this file;\n");
        text.Append("# 'thermo setup --hooks --remove' puts back what was here).\n");
        text.Append(hook switch
        {
            "pre-commit" => "# Refuses a commit that touches paths another PR's lease reserves.\n",
            "prepare-commit-msg" => "# With THERMO_LEASE=PR-005:17 set, adds the trailers Thermocline-PR and Thermocline-Lease.\n",
            _ => "# Refuses to push commits whose lease (Thermocline-Lease) was superseded or had ended.\n",
        });
        var stdin = hook == "pre-push";
        if (chained)
        {
            text.Append($"chained=\"$(dirname \"$0\")/{ChainedName(hook)}\"\n");
            if (stdin)
            {
                // git writes the refs being pushed on stdin once; both hooks read them.
                text.Append("input=$(cat)\n");
            }

            text.Append("if [ -x \"$chained\" ]; then\n");
            text.Append(stdin ? "\tprintf '%s\\n' \"$input\" | \"$chained\" \"$@\" || exit $?\n" : "\t\"$chained\" \"$@\" || exit $?\n");
            text.Append("fi\n");
        }

        if (hook == "prepare-commit-msg")
        {
            // A commit made by no lease (a person's) costs no process start.
            text.Append("[ -n \"$THERMO_LEASE\" ] || exit 0\n");
        }

        var missing = $"echo \"thermocline {hook} hook: cannot run {Escape(string.Join(' ', program))}; run 'thermo setup --hooks' again" +
            " (or 'thermo setup --hooks --remove').\" >&2; exit 1; }\n";
        foreach (var word in program)
        {
            if (Path.IsPathRooted(word))
            {
                text.Append($"[ -e {ThermoProgram.Quote(word)} ] || {{ {missing}");
            }
        }

        if (!Path.IsPathRooted(program[0]))
        {
            text.Append($"command -v {ThermoProgram.Quote(program[0])} >/dev/null 2>&1 || {{ {missing}");
        }

        var run = string.Join(' ', program.Select(ThermoProgram.Quote)) + " " + Command(hook);
        text.Append(chained && stdin ? $"printf '%s\\n' \"$input\" | {run}\n" : $"exec {run}\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    // For inside sh double quotes.
    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("$", "\\$", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal);
}
