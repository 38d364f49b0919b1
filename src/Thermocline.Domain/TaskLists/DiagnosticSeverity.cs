namespace Thermocline.Domain.TaskLists;

/// <summary>How bad a problem in a task list is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Something a user can live with; the list is still usable.</summary>
    Warning,
    /// <summary>The list cannot be used until this is fixed; nothing is written while it stands.</summary>
    Error,
}
