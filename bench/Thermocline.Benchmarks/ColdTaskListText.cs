using System.Globalization;
using System.Text;

namespace Thermocline.Benchmarks;

/// <summary>A task list of N PRs in the shared Lemegeton fixture's format (every PR <c>ready</c>), for the cold benchmark.</summary>
internal static class ColdTaskListText
{
    public static string Id(int i) => string.Create(CultureInfo.InvariantCulture, $"PR-{i:D4}");

    public static string Generate(int count)
    {
        var sb = new StringBuilder(count * 360);
        sb.Append("# Task List for Benchmark Project\n\n## Orchestration Metadata\n**Generated for:** Thermocline cold benchmark\n\n---\n\n");
        for (var i = 1; i <= count; i++)
        {
            if (i % 25 == 1)
            {
                sb.Append(CultureInfo.InvariantCulture, $"## Block {(i / 25) + 1}: Core work\n\n");
            }

            var id = Id(i);
            var deps = i > 1 ? $"[{Id(i - 1)}]" : "[]";
            sb.Append(CultureInfo.InvariantCulture, $"""
                ### {id}: Benchmark work item {i}

                ---
                pr_id: {id}
                title: Benchmark work item {i}
                cold_state: ready
                priority: {(i % 3 == 0 ? "high" : "medium")}
                complexity:
                  score: {(i % 10) + 1}
                  estimated_minutes: {((i % 6) + 1) * 15}
                  suggested_model: sonnet
                  rationale: Generated item with a realistic amount of YAML and prose around it
                dependencies: {deps}
                estimated_files:
                  - path: src/module{i}/service.ts
                    action: create
                    description: the service for item {i}
                  - path: tests/module{i}/service.test.ts
                    action: create
                    description: its tests
                ---

                **Description:**
                Work item {i} of the cold benchmark.

                **Acceptance Criteria:**
                - [ ] It works
                - [ ] It is tested


                """);
        }

        return sb.ToString();
    }
}
