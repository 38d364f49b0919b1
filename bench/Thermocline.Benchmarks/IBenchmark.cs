namespace Thermocline.Benchmarks;

/// <summary>
/// One benchmark, run by name: <c>dotnet run -c Release --project bench/Thermocline.Benchmarks -- NAME</c>.
/// Each prints absolute figures and ratios against a baseline it measures in the same run.
/// </summary>
internal interface IBenchmark
{
    /// <summary>The name it is run by.</summary>
    string Name { get; }

    /// <summary>One line saying what it measures.</summary>
    string Description { get; }

    /// <summary>Runs and prints results to stdout.</summary>
    Task RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken);
}
