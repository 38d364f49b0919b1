using CsCheck;
using Thermocline.Domain.Commits;

namespace Thermocline.Domain.Tests.Commits;

public sealed class CommitTextTests
{
    [Fact]
    public void SingleLine_AnyInput_HasNoLineBreaksControlsOrFormatCharactersAndIsCapped()
    {
        Gen.String.Sample(s =>
        {
            var line = CommitText.SingleLine(s, 40);
            return line is null || (line.Length <= 41
                && !line.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
                && line == line.Trim());
        });
        Gen.Char.Array.Select(a => new string(a)).Sample(s => CommitText.SingleLine(s, 40) is not { } l || !l.Contains('\n', StringComparison.Ordinal));
    }
}
