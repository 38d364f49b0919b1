using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.TaskLists;

/// <summary>
/// A flow collection left open at the end of a block can make YamlDotNet's scanner throw InvalidOperationException
/// instead of a YamlException; it must still be a yaml-syntax error naming a line, never a crash.
/// </summary>
public sealed class UnclosedFlowCollectionTests
{
    [Fact]
    public void Parse_UnclosedFlowSequenceOfAPlainScalar_IsAYamlSyntaxErrorOnItsLine()
    {
        var list = TaskList.Parse("### PR-001: A\n---\npr_id: PR-001\ntitle: [Documentation\ncold_state: ready\n---\n");

        var error = Assert.Single(list.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("yaml-syntax", error.Code);
        Assert.Equal(4, error.Line);
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
        Assert.Contains("title: [Documentation", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("title: [Documentation\ncold_state: ready\n")]
    [InlineData("cold_state: ready\ntitle: {Documentation\n")]
    [InlineData("cold_state: ready\ndependencies: [PR-002\n")]
    [InlineData("cold_state: ready\ndependencies: [PR-002,\n")]
    [InlineData("title: {a: [b\n")]
    public void Parse_UnclosedFlowCollection_IsAYamlSyntaxErrorWithinTheBlock(string fields)
    {
        var list = TaskList.Parse($"### PR-001: A\n---\npr_id: PR-001\n{fields}---\n");

        var error = Assert.Single(list.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("yaml-syntax", error.Code);
        Assert.InRange(error.Line, 3, 6);
    }
}
