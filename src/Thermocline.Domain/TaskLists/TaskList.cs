using System.Collections.Frozen;
using System.Text;
using Thermocline.Domain.Errors;
using Thermocline.Domain.TaskLists.Parsing;

namespace Thermocline.Domain.TaskLists;

/// <summary>
/// A parsed <c>docs/task-list.md</c> that keeps the file's exact text. Reading never changes a byte;
/// edits are surgical (<see cref="WithColdStates"/> rewrites values, <see cref="WithHotStateDisplay"/>
/// only the display section) and return a new document.
/// </summary>
public sealed partial class TaskList
{
    /// <summary>The conventional path of the task list inside a repository.</summary>
    public const string DefaultPath = "docs/task-list.md";

    /// <summary>The largest task list accepted, in bytes (a 10,000-PR list is about 3 MiB).</summary>
    public const int MaxBytes = 32 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly FrozenDictionary<string, int> _index;

    // A list parsed (or flattened) holds its text and layout. One made by cold-state edits holds the list they apply to
    // and the edits instead, and makes its text and its layout (shifted locations) only when asked: an edit is then
    // O(number of edits), not O(size of the file) (see TaskList.Edits.cs).
    private readonly TaskList? _root;
    private readonly ColdEdit[] _edits = [];
    private string? _text;
    private Layout? _layout;

    // An edit keeps every id at its position, so it passes the index on rather than building it again.
    private TaskList(string text, bool hasBom, IReadOnlyList<PrEntry> prs, IReadOnlyList<TaskListDiagnostic> diagnostics, DisplayRange? display, FrozenDictionary<string, int>? index = null)
    {
        _text = text;
        HasBom = hasBom;
        _layout = new Layout(prs, diagnostics, display);
        _index = index ?? BuildIndex(prs);
        HasErrors = diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
    }

    // Cold-state edits of root, a list with no errors; ascending by PR.
    private TaskList(TaskList root, ColdEdit[] edits)
    {
        _root = root;
        _edits = edits;
        HasBom = root.HasBom;
        _index = root._index;
    }

    /// <summary>The file's text (without the byte-order mark, which <see cref="HasBom"/> records).</summary>
    public string Text => _text ?? Made(ref _text, EditedText());

    /// <summary>True when the file started with a UTF-8 byte-order mark.</summary>
    public bool HasBom { get; }

    /// <summary>Every PR whose block could be read, in file order.</summary>
    public IReadOnlyList<PrEntry> Prs => CurrentLayout.Prs;

    /// <summary>Every problem found, errors and warnings, in file order.</summary>
    public IReadOnlyList<TaskListDiagnostic> Diagnostics => CurrentLayout.Diagnostics;

    /// <summary>True when any diagnostic is an error: such a list is never written to.</summary>
    public bool HasErrors { get; }

    /// <summary>Where the hot-state display section is, when the file has one.</summary>
    internal DisplayRange? Display => CurrentLayout.Display;

    private Layout CurrentLayout => _layout ?? Made(ref _layout, EditedLayout());

    // Made once, by whichever thread gets there first; another one's equal result is dropped.
    private static T Made<T>(ref T? field, T value)
        where T : class => Interlocked.CompareExchange(ref field, value, null) ?? value;

    /// <summary>Parses a task list from the file's bytes. Never throws for bad content: problems become <see cref="Diagnostics"/>.</summary>
    public static TaskList Parse(ReadOnlySpan<byte> bytes)
    {
        var hasBom = bytes.StartsWith(Encoding.UTF8.Preamble);
        var body = hasBom ? bytes[3..] : bytes;
        if (bytes.Length > MaxBytes)
        {
            return Failed(hasBom, "too-large", $"the task list is {bytes.Length:N0} bytes; the limit is {MaxBytes:N0}. Split it or archive finished PRs.");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException ex)
        {
            return Failed(hasBom, "encoding", $"the task list is not valid UTF-8 (bad byte at offset {ex.Index + (hasBom ? 3 : 0)}); save it as UTF-8.");
        }

        return Parse(text, hasBom);
    }

    /// <summary>Parses a task list from text (without a byte-order mark).</summary>
    public static TaskList Parse(string text, bool hasBom = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes)
        {
            return Failed(hasBom, "too-large", $"the task list is {text.Length:N0} characters; the limit is {MaxBytes:N0}.");
        }

        var result = TaskListParser.Parse(text);
        return new TaskList(text, hasBom, result.Prs, result.Diagnostics, result.Display);
    }

    /// <summary>The PR with this id, or null.</summary>
    public PrEntry? Find(string prId) => !_index.TryGetValue(prId, out var i) ? null : _layout is { } layout ? layout.Prs[i] : EditedEntry(i);

    /// <summary>The file's bytes: exactly the input when nothing was edited.</summary>
    public byte[] ToBytes()
    {
        // An edited list's bytes come from its pieces, without making its text.
        var pieces = _text is { } text ? [text.AsMemory()] : EditedPieces();
        var count = 0;
        foreach (var piece in pieces)
        {
            count += StrictUtf8.GetByteCount(piece.Span);
        }

        var bytes = new byte[count + (HasBom ? 3 : 0)];
        if (HasBom)
        {
            Encoding.UTF8.Preamble.CopyTo(bytes);
        }

        var rest = bytes.AsSpan(HasBom ? 3 : 0);
        foreach (var piece in pieces)
        {
            rest = rest[StrictUtf8.GetBytes(piece.Span, rest)..];
        }

        return bytes;
    }

    /// <summary>The errors, formatted one per line as <c>file:line: error: …</c>, for an exception message.</summary>
    public string DescribeErrors(string path) => string.Join(
        Environment.NewLine,
        Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Format(path)));

    /// <summary>Throws <see cref="ErrorKind.BadTaskList"/> when the list has errors.</summary>
    public void EnsureValid(string path = DefaultPath)
    {
        if (HasErrors)
        {
            throw ThermoclineException.BadTaskList(
                $"{path} has errors; nothing was written. Fix them (thermo validate {path}) and try again:{Environment.NewLine}{DescribeErrors(path)}");
        }
    }

    private static FrozenDictionary<string, int> BuildIndex(IReadOnlyList<PrEntry> prs)
    {
        var index = new Dictionary<string, int>(prs.Count, StringComparer.Ordinal);
        for (var i = 0; i < prs.Count; i++)
        {
            index.TryAdd(prs[i].Id, i);
        }

        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The PRs, the problems found and the display section, where the text has them.</summary>
    private sealed record Layout(IReadOnlyList<PrEntry> Prs, IReadOnlyList<TaskListDiagnostic> Diagnostics, DisplayRange? Display);

    private static TaskList Failed(bool hasBom, string code, string message) =>
        new(string.Empty, hasBom, [], [new TaskListDiagnostic(DiagnosticSeverity.Error, 1, null, code, message)], null);
}
