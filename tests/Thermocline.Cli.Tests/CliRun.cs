using Thermocline.Cli.Output;

namespace Thermocline.Cli.Tests;

/// <summary>Runs <c>thermo</c> in-process and captures its exit code, stdout and stderr.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ThermoApp.RunAsync(args, new CliStreams(stdout, stderr), CancellationToken.None);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
