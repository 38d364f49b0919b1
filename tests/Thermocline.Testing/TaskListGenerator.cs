using System.Globalization;
using System.Text;

namespace Thermocline.Testing;

/// <summary>How a generated task list is written.</summary>
public sealed record TaskListStyle
{
    /// <summary>Write CRLF line endings.</summary>
    public bool Crlf { get; init; }

    /// <summary>End the file with a line break.</summary>
    public bool FinalNewline { get; init; } = true;

    /// <summary>Vary the shape of blocks: quoting, comments, block lists, missing cold_state, extra fields.</summary>
    public bool Varied { get; init; }

    /// <summary>Add an (old) hot-state display section in the middle.</summary>
    public bool DisplaySection { get; init; }
}

/// <summary>
/// Generates task lists in the format of the shared Lemegeton fixture (phase headings, markdown rules,
/// one YAML block per PR, descriptions), acyclic dependencies on earlier PRs, deterministic per seed.
/// </summary>
public static class TaskListGenerator
{
    private static readonly string[] ColdStates = ["new", "ready", "blocked", "planned", "completed", "approved", "broken"];
    private static readonly string[] Priorities = ["critical", "high", "medium", "low"];
    private static readonly string[] Models = ["haiku", "sonnet", "opus"];
    private static readonly string[] Actions = ["create", "modify", "delete"];

    /// <summary>The id of the <paramref name="i"/>-th generated PR (1-based): PR-001, PR-002, …</summary>
    public static string Id(int i) => string.Create(CultureInfo.InvariantCulture, $"PR-{i:D3}");

    /// <summary>
    /// A task list of <paramref name="count"/> PRs written alike (every field, a description and acceptance criteria),
    /// the cold state and the dependencies (1-based PR numbers) of each chosen by the caller: for benchmarks and tests
    /// that need a list they know rather than a random one.
    /// </summary>
    public static string Uniform(int count, Func<int, string> coldState, Func<int, IEnumerable<int>> dependencies)
    {
        var sb = new StringBuilder(count * 400);
        sb.Append("# Task List for Generated Project\n\n");
        for (var i = 1; i <= count; i++)
        {
            if (i % 25 == 1)
            {
                sb.Append(CultureInfo.InvariantCulture, $"## Block {(i / 25) + 1}: Generated work\n\n");
            }

            var id = Id(i);
            var title = $"Generated work item {i}";
            sb.Append(CultureInfo.InvariantCulture, $"### {id}: {title}\n\n---\npr_id: {id}\ntitle: {title}\ncold_state: {coldState(i)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"priority: {Priorities[i % Priorities.Length]}\n");
            AppendBody(sb, i, (i % 10) + 1, ((i % 6) + 1) * 15, Models[i % Models.Length], dependencies(i).Select(Id).ToList(), 2, _ => "create", block: false);
        }

        return sb.ToString();
    }

    /// <summary>A task list of <paramref name="count"/> PRs.</summary>
    public static string Generate(int count, int seed = 1, TaskListStyle? style = null)
    {
        style ??= new TaskListStyle();
        var random = new Random(seed);
        var sb = new StringBuilder(count * 400);
        sb.Append("# Task List for Generated Project\n\n## Orchestration Metadata\n**Generated for:** Thermocline tests\n\n---\n\n");
        for (var i = 1; i <= count; i++)
        {
            if (i % 25 == 1)
            {
                sb.Append(CultureInfo.InvariantCulture, $"## Block {(i / 25) + 1}: Generated work\n\n");
            }

            if (style.DisplaySection && i == (count / 2) + 1)
            {
                sb.Append("<!-- HOT STATE DISPLAY -->\n## Active work\n\n_Updated 2025-01-01T00:00:00Z by the Thermocline hub; shown for people, never read back as state._\n\n| PR | State | Agent | Since |\n|---|---|---|---|\n| PR-001 | in-progress | agent-1 | 2025-01-01T00:00:00Z |\n<!-- END HOT STATE DISPLAY -->\n\n");
            }

            AppendPr(sb, i, random, style.Varied);
            if (i % 10 == 0)
            {
                sb.Append("---\n\n");
            }
        }

        var text = sb.ToString().TrimEnd('\n');
        if (style.FinalNewline)
        {
            text += "\n";
        }

        return style.Crlf ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text;
    }

    private static void AppendPr(StringBuilder sb, int i, Random random, bool varied)
    {
        var id = Id(i);
        var title = $"Generated work item {i} for the {Pick(random, ["parser", "hub", "store", "cli"])} ({Pick(random, ["api", "tests", "docs"])})";
        var state = Pick(random, ColdStates);
        var shape = varied ? random.Next(8) : 0;
        sb.Append(CultureInfo.InvariantCulture, $"### {id}: {title}\n\n---\n");
        sb.Append(CultureInfo.InvariantCulture, $"pr_id: {id}\n");
        sb.Append(shape == 1 ? $"title: \"{title}\"\n" : shape == 2 ? $"title: '{title}'  # quoted\n" : $"title: {title}\n");
        switch (shape)
        {
            case 3:
                break; // no cold_state line: it is new
            case 4:
                sb.Append(CultureInfo.InvariantCulture, $"cold_state: '{state}'\n");
                break;
            case 5:
                sb.Append(CultureInfo.InvariantCulture, $"cold_state: \"{state}\"   # milestone\n");
                break;
            default:
                sb.Append(CultureInfo.InvariantCulture, $"cold_state: {state}\n");
                break;
        }

        sb.Append(CultureInfo.InvariantCulture, $"priority: {Pick(random, Priorities)}\n");
        if (shape == 6)
        {
            sb.Append("# complexity is estimated by the planner\n");
        }

        var (score, minutes, model) = (random.Next(1, 11), random.Next(1, 25) * 10, Pick(random, Models));
        var deps = Enumerable.Range(0, i == 1 ? 0 : random.Next(0, 4)).Select(_ => Id(random.Next(1, i))).Distinct().ToList();
        AppendBody(sb, i, score, minutes, model, deps, random.Next(1, 5), _ => Pick(random, Actions), block: shape == 7, unknownField: shape == 6);
    }

    // The block from complexity on, and the markdown under it.
    private static void AppendBody(StringBuilder sb, int i, int score, int minutes, string model, List<string> deps, int files, Func<int, string> action, bool block, bool unknownField = false)
    {
        sb.Append(CultureInfo.InvariantCulture,
            $"complexity:\n  score: {score}\n  estimated_minutes: {minutes}\n  suggested_model: {model}\n  rationale: Generated rationale number {i}, with commas, and more words\n");
        if (block && deps.Count > 0)
        {
            sb.Append("dependencies:\n");
            foreach (var d in deps)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  - {d}\n");
            }
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"dependencies: [{string.Join(", ", deps)}]\n");
        }

        sb.Append("estimated_files:\n");
        for (var f = files; f > 0; f--)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"  - path: src/module{i}/file{f}.cs\n    action: {action(f)}\n    description: implementation part {f} of item {i}\n");
        }

        if (unknownField)
        {
            sb.Append("owner_notes: kept as an unknown field\n");
        }

        sb.Append("---\n\n**Description:**\n");
        sb.Append(CultureInfo.InvariantCulture, $"Work item {i}. Key: value pairs in prose are not YAML.\n\n**Acceptance Criteria:**\n- [ ] It works\n- [ ] It is tested\n\n");
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
