using Thermocline.Cli.Output;

namespace Thermocline.Cli.Tests;

/// <summary>Runs <c>thermo</c> in-process and captures its exit code, stdout and stderr.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static Task<CliRun> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>Runs it with <paramref name="stdin"/> as its standard input (what git gives a pre-push hook).</summary>
    public static async Task<CliRun> RunWithInputAsync(string stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin);
        var code = await ThermoApp.RunAsync(args, new CliStreams(stdout, stderr) { In = input }, CancellationToken.None);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
