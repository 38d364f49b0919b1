using Thermocline.Cli;
using Thermocline.Cli.Output;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await ThermoApp.RunAsync(args, CliStreams.Console, cancellation.Token);
