using System.Globalization;
using System.Text;

namespace Thermocline.Benchmarks;

/// <summary>Generated task lists in the format of shared/fixtures/lemegeton-task-list.md, for the hydration benchmark.</summary>
internal static class HotTaskListText
{
    private static readonly string[] ColdStates = ["new", "ready", "blocked", "planned", "completed", "approved", "broken"];

    public static string Generate(int count)
    {
        var sb = new StringBuilder("# Task List for Bench\n\n## Block 1\n\n");
        for (var i = 1; i <= count; i++)
        {
            var id = "PR-" + i.ToString("D3", CultureInfo.InvariantCulture);
            var deps = i > 2 ? $"[PR-{(i - 1).ToString("D3", CultureInfo.InvariantCulture)}, PR-{(i - 2).ToString("D3", CultureInfo.InvariantCulture)}]" : "[]";
            sb.Append(CultureInfo.InvariantCulture, $"""
                ### {id}: Work item number {i}

                ---
                pr_id: {id}
                title: Work item number {i}
                cold_state: {ColdStates[i % ColdStates.Length]}
                priority: high
                complexity:
                  score: {(i % 10) + 1}
                  estimated_minutes: {30 + (i % 90)}
                  suggested_model: sonnet
                  rationale: Generated to size the hydration benchmark like a real task list
                dependencies: {deps}
                estimated_files:
                  - path: src/module{i}/index.ts
                    action: create
                    description: entry point of module {i}
                  - path: tests/module{i}.test.ts
                    action: create
                    description: tests of module {i}
                ---

                **Description:**
                Generated work item {i}.

                **Acceptance Criteria:**
                - [ ] It works


                """);
        }

        return sb.ToString();
    }
}
