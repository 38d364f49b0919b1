using System.Globalization;

namespace Thermocline.Domain.TaskLists;

/// <summary>One problem found in a task list, at a line of the file.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Line">1-based line in the file.</param>
/// <param name="PrId">The PR concerned, when known.</param>
/// <param name="Code">A stable code for scripts, e.g. <c>yaml-syntax</c>.</param>
/// <param name="Message">What is wrong and, where it helps, what to do.</param>
public sealed record TaskListDiagnostic(DiagnosticSeverity Severity, int Line, string? PrId, string Code, string Message)
{
    /// <summary>Formats as <c>file:line: severity: PR-xxx: message</c>.</summary>
    public string Format(string path) => string.Create(
        CultureInfo.InvariantCulture,
        $"{path}:{Line}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {(PrId is null ? "" : PrId + ": ")}{Message}");
}
