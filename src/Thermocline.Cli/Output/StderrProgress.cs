using System.Globalization;

namespace Thermocline.Cli.Output;

/// <summary>
/// Reports how many commits a long walk has read, on stderr only (stdout stays the result, JSON included). Written on the
/// walking thread as it goes: <see cref="Progress{T}"/> would post reports out of order.
/// </summary>
internal sealed class StderrProgress(TextWriter error, string what) : IProgress<int>
{
    public void Report(int value) => error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {value:N0} commits read…"));
}
