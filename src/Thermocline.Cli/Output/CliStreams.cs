namespace Thermocline.Cli.Output;

/// <summary>Where a command writes: results to <see cref="Out"/>, problems and progress to <see cref="Error"/>.</summary>
/// <param name="Out">Standard output: results, JSON.</param>
/// <param name="Error">Standard error: diagnostics, errors, progress.</param>
public sealed record CliStreams(TextWriter Out, TextWriter Error)
{
    /// <summary>The process's own standard output and error.</summary>
    public static CliStreams Console => new(System.Console.Out, System.Console.Error) { In = System.Console.In };

    /// <summary>Standard input, for the commands git feeds (the pre-push hook); empty unless set.</summary>
    public TextReader In { get; init; } = TextReader.Null;
}
