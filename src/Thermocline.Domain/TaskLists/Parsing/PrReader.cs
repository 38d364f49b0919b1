using System.Globalization;
using Thermocline.Domain.Identity;
using Thermocline.Domain.States;

namespace Thermocline.Domain.TaskLists.Parsing;

/// <summary>Turns one parsed PR block into a <see cref="PrEntry"/> and the problems found in it.</summary>
internal sealed class PrReader
{
    private static readonly string[] KnownActions = ["create", "modify", "delete"];

    private readonly string _text;
    private readonly TextLines _lines;
    private readonly List<TaskListDiagnostic> _diagnostics;
    private readonly NodePool _nodes = new();
    private string? _prId;

    public PrReader(string text, TextLines lines, List<TaskListDiagnostic> diagnostics)
    {
        _text = text;
        _lines = lines;
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// A PR and the file lines of its dependencies, or null when the block cannot be read at all. A PR read
    /// with errors in its fields (<c>Usable</c> false) still takes part in the checks across PRs, so that every
    /// problem is reported, but is left out of the list.
    /// </summary>
    public (PrEntry Pr, int[] DependencyLines, bool Usable)? Read(RawBlock block)
    {
        _prId = PrId.IsValid(block.HeadingId) ? block.HeadingId : null;
        var root = ParseBlock(block, out var failed);
        if (failed)
        {
            return null;
        }

        if (root is not YamlMapping map)
        {
            Error(block.OpenLine + 1, "not-a-mapping", root is null
                ? "the PR block is empty; it needs at least 'pr_id:'"
                : "the PR block must be a YAML mapping of fields ('key: value' lines)");
            return null;
        }

        ReportDuplicateKeys(map);
        var idNode = map.Get("pr_id");
        if (idNode is not YamlScalar { IsNull: false } idScalar)
        {
            Error(idNode?.Line ?? block.OpenLine + 1, "missing-pr-id", idNode is null
                ? $"the PR block has no 'pr_id' field; add 'pr_id: {block.HeadingId}'"
                : "'pr_id' must be a single id such as PR-005");
            return null;
        }

        if (!PrId.IsValid(idScalar.Value))
        {
            _prId = null;
            Error(idScalar.Line, "invalid-pr-id", $"'{Clip(idScalar.Value)}' is not a valid pr_id; expected {PrId.FormatDescription}");
            return null;
        }

        _prId = idScalar.Value;
        if (idScalar.Value != block.HeadingId)
        {
            Warning(block.HeadingLine + 1, "heading-mismatch", $"the heading names {block.HeadingId} but pr_id is {idScalar.Value}; pr_id is what counts");
        }

        var coldStateOk = ReadColdState(map, out var coldState, out var coldNode);
        var (dependencies, dependencyLines) = ReadDependencies(map);
        var (insertAt, insertLine) = InsertionPoint(block, map);
        var entry = new PrEntry
        {
            Id = idScalar.Value,
            Title = map.Get("title") is YamlScalar { IsNull: false } t ? t.Value : block.HeadingTitle,
            ColdState = coldState,
            Priority = ReadPriority(map, block),
            Complexity = ReadComplexity(map),
            Dependencies = dependencies,
            EstimatedFiles = ReadEstimatedFiles(map),
            FieldNames = FieldNames(map),
            Location = new PrLocation(
                block.HeadingLine + 1,
                block.OpenLine + 1,
                block.CloseLine + 1,
                idScalar.Line,
                coldNode?.Line ?? 0,
                coldNode?.Start ?? -1,
                coldNode?.End ?? -1,
                insertAt,
                insertLine,
                map.Entries[0].Key.Start - _lines.Start(map.Entries[0].Key.Line - 1),
                _lines.Terminator(block.OpenLine) is { Length: > 0 } nl ? nl : "\n"),
        };
        return (entry, dependencyLines, coldStateOk);
    }

    private YamlNode? ParseBlock(RawBlock block, out bool failed)
    {
        failed = false;
        _nodes.Reset(); // the last block's nodes are done with: Read keeps none of them
        var fast = FastBlockParser.TryParse(_text, _lines, block.OpenLine + 1, block.CloseLine, _nodes);
        if (fast is not null)
        {
            return fast;
        }

        var start = _lines.Start(block.OpenLine + 1);
        var end = _lines.Start(block.CloseLine);
        var result = EventBlockParser.Parse(_text, start, end, block.OpenLine + 2);
        if (result.Error is not null)
        {
            Error(result.ErrorLine, "yaml-syntax", result.Error);
            failed = true;
        }

        return result.Root;
    }

    private bool ReadColdState(YamlMapping map, out ColdState state, out YamlScalar? node)
    {
        state = ColdState.New;
        node = null;
        var value = map.Get("cold_state");
        if (value is null)
        {
            return true;
        }

        if (value is not YamlScalar { IsNull: false } scalar || scalar.Style is YamlScalarStyle.Literal or YamlScalarStyle.Folded)
        {
            Error(value.Line, "invalid-cold-state", $"'cold_state' must be one of: {string.Join(", ", StateNames.AllCold)}");
            return false;
        }

        node = scalar;
        if (StateNames.TryParseCold(scalar.Span, out state))
        {
            return true;
        }

        Error(scalar.Line, "unknown-cold-state", StateNames.TryParseHot(scalar.Value, out _)
            ? $"'{scalar.Value}' is a hot state; hot states live in Redis, never in the task list. Use one of: {string.Join(", ", StateNames.AllCold)}"
            : $"unknown cold state '{Clip(scalar.Value)}'; expected one of: {string.Join(", ", StateNames.AllCold)}");
        return false;
    }

    private (string[] Ids, int[] Lines) ReadDependencies(YamlMapping map)
    {
        var value = map.Get("dependencies");
        if (value is null || value is YamlScalar { IsNull: true })
        {
            return ([], []);
        }

        if (value is not YamlSequence seq)
        {
            Error(value.Line, "invalid-dependencies", "'dependencies' must be a list of PR ids, e.g. [PR-001, PR-002]");
            return ([], []);
        }

        var ids = new List<string>(seq.Items.Count);
        var lines = new List<int>(seq.Items.Count);
        foreach (var item in seq.Items)
        {
            if (item is not YamlScalar { IsNull: false } s || !PrId.IsValid(s.Value))
            {
                Error(item.Line, "invalid-dependency", $"dependency {(item is YamlScalar sc ? $"'{Clip(sc.Value)}'" : "entry")} is not a PR id; expected {PrId.FormatDescription}");
                continue;
            }

            if (ids.Contains(s.Value))
            {
                Warning(s.Line, "duplicate-dependency", $"{s.Value} is listed twice in dependencies");
                continue;
            }

            ids.Add(s.Value);
            lines.Add(s.Line);
        }

        return (ids.ToArray(), lines.ToArray());
    }

    private Priority? ReadPriority(YamlMapping map, RawBlock block)
    {
        var value = map.Get("priority");
        if (value is null)
        {
            Warning(block.OpenLine + 1, "missing-priority", "no 'priority'; it is ranked as medium. Add one of: critical, high, medium, low");
            return null;
        }

        Priority? known = value is YamlScalar s
            ? s.Span switch
            {
                "critical" => TaskLists.Priority.Critical,
                "high" => TaskLists.Priority.High,
                "medium" => TaskLists.Priority.Medium,
                "low" => TaskLists.Priority.Low,
                _ => null,
            }
            : null;
        if (known is not null)
        {
            return known;
        }

        Warning(value.Line, "unknown-priority", $"unknown priority {(value is YamlScalar sc ? $"'{Clip(sc.Value)}'" : "(not text)")}; it is ranked as medium. Use one of: critical, high, medium, low");
        return null;
    }

    private Complexity? ReadComplexity(YamlMapping map)
    {
        var value = map.Get("complexity");
        if (value is null or YamlScalar { IsNull: true })
        {
            return null;
        }

        if (value is not YamlMapping m)
        {
            Warning(value.Line, "invalid-complexity", "'complexity' should be a mapping with score, estimated_minutes, suggested_model and rationale");
            return null;
        }

        ReportDuplicateKeys(m);
        var score = ReadInt(m, "score");
        if (score is < 1 or > 10)
        {
            Warning(m.Get("score")!.Line, "complexity-range", $"complexity score {score} is outside 1-10");
        }

        return new Complexity(score, ReadInt(m, "estimated_minutes"), Text(m.Get("suggested_model")), Text(m.Get("rationale")));
    }

    private int? ReadInt(YamlMapping map, string key)
    {
        var value = map.Get(key);
        if (value is null or YamlScalar { IsNull: true })
        {
            return null;
        }

        if (value is YamlScalar s && int.TryParse(s.Span, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        Warning(value.Line, "not-a-number", $"'{key}' should be a whole number, not {(value is YamlScalar sc ? $"'{Clip(sc.Value)}'" : "a list or mapping")}");
        return null;
    }

    private EstimatedFile[] ReadEstimatedFiles(YamlMapping map)
    {
        var value = map.Get("estimated_files");
        if (value is null or YamlScalar { IsNull: true })
        {
            return [];
        }

        if (value is not YamlSequence seq)
        {
            Warning(value.Line, "invalid-estimated-files", "'estimated_files' should be a list of {path, action, description}");
            return [];
        }

        var files = new List<EstimatedFile>(seq.Items.Count);
        foreach (var item in seq.Items)
        {
            if (item is not YamlMapping m)
            {
                Warning(item.Line, "invalid-estimated-file", "each estimated_files entry should be a mapping with path, action and description");
                continue;
            }

            ReportDuplicateKeys(m);
            var action = Action(m.Get("action"));
            if (action is not null && !KnownActions.Contains(action))
            {
                Warning(m.Get("action")!.Line, "unknown-action", $"unknown action '{Clip(action)}'; expected create, modify or delete");
            }

            files.Add(new EstimatedFile(Text(m.Get("path")), action, Text(m.Get("description"))));
        }

        return files.ToArray();
    }

    // Where a missing cold_state line goes: after the title (or pr_id) entry, before the next key or the closing '---'.
    private (int Offset, int Line) InsertionPoint(RawBlock block, YamlMapping map)
    {
        var after = map.IndexOf("title");
        if (after < 0)
        {
            after = map.IndexOf("pr_id");
        }

        var nextLine = after + 1 < map.Entries.Count ? map.Entries[after + 1].Key.Line - 1 : block.CloseLine;
        if (_text[map.Start] == '{')
        {
            return (-1, 0); // a flow-style block: no line to add
        }

        return (_lines.Start(nextLine), nextLine + 1);
    }

    private void ReportDuplicateKeys(YamlMapping map)
    {
        if (map.Duplicates is not { } duplicates)
        {
            return;
        }

        foreach (var (key, firstLine) in duplicates)
        {
            Error(key.Line, "duplicate-key", $"'{Clip(key.Value)}' appears twice in this mapping (first at line {firstLine}); YAML keys must be unique");
        }
    }

    private static string? Text(YamlNode? node) => node is YamlScalar { IsNull: false } s ? s.Value : null;

    // The common field names as shared constants, so 10,000 PRs do not hold 80,000 copies of them.
    private static string[] FieldNames(YamlMapping map)
    {
        var names = new string[map.Entries.Count];
        for (var i = 0; i < names.Length; i++)
        {
            var key = map.Entries[i].Key;
            names[i] = key.Span switch
            {
                "pr_id" => "pr_id",
                "title" => "title",
                "cold_state" => "cold_state",
                "priority" => "priority",
                "complexity" => "complexity",
                "dependencies" => "dependencies",
                "estimated_files" => "estimated_files",
                _ => key.Value,
            };
        }

        return names;
    }

    private static string? Action(YamlNode? node) => node is YamlScalar { IsNull: false } s
        ? s.Span switch
        {
            "create" => "create",
            "modify" => "modify",
            "delete" => "delete",
            _ => s.Value,
        }
        : null;

    private static string Clip(string value) => value.Length > 60 ? value[..60] + "…" : value.ReplaceLineEndings(" ");

    private void Error(int line, string code, string message) =>
        _diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Error, line, _prId, code, message));

    private void Warning(int line, string code, string message) =>
        _diagnostics.Add(new TaskListDiagnostic(DiagnosticSeverity.Warning, line, _prId, code, message));
}
