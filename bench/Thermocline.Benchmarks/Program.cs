using Thermocline.Benchmarks;

// The hello-world baseline of the process benchmark: this same assembly, returning before it does anything else.
if (args is ["hello"])
{
    Console.WriteLine("hello");
    return 0;
}

// Every IBenchmark in this assembly, found by reflection so adding one touches only its own file.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t, nonPublic: true)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: dotnet run -c Release --project bench/Thermocline.Benchmarks -- NAME [ARGS] | all");
    Console.WriteLine();
    foreach (var b in benchmarks)
    {
        Console.WriteLine($"  {b.Name,-14} {b.Description}");
    }

    return args.Length == 0 ? 2 : 0;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var selected = args[0] == "all" ? benchmarks : benchmarks.Where(b => b.Name == args[0]).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; run with --help to list them.");
    return 2;
}

#if DEBUG
Console.WriteLine("warning: Debug build; run with -c Release for meaningful figures.");
#endif
foreach (var b in selected)
{
    Console.WriteLine($"== {b.Name}: {b.Description}");
    await b.RunAsync(args.Skip(1).ToList(), cts.Token);
    Console.WriteLine();
}

return 0;
