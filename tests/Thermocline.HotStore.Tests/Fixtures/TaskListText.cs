using System.Globalization;
using System.Text;

namespace Thermocline.HotStore.Tests.Fixtures;

/// <summary>Task-list text in the format of shared/fixtures/lemegeton-task-list.md.</summary>
public static class TaskListText
{
    /// <summary>A list of <paramref name="count"/> PRs, PR-001…; PR-n depends on PR-(n-1) when n is even.</summary>
    public static string Generate(int count, string coldState = "ready")
    {
        var sb = new StringBuilder("# Task List\n\n");
        for (var i = 1; i <= count; i++)
        {
            var id = Id(i);
            var deps = i % 2 == 0 ? $"[{Id(i - 1)}]" : "[]";
            sb.Append(CultureInfo.InvariantCulture, $"""
                ### {id}: Generated work item {i}

                ---
                pr_id: {id}
                title: Generated work item {i}
                cold_state: {coldState}
                priority: medium
                complexity:
                  score: 3
                  estimated_minutes: 30
                  suggested_model: haiku
                  rationale: generated
                dependencies: {deps}
                estimated_files:
                  - path: src/file{i}.ts
                    action: create
                    description: generated
                ---

                **Description:**
                Generated.


                """);
        }

        return sb.ToString();
    }

    public static string Id(int i) => "PR-" + i.ToString("D3", CultureInfo.InvariantCulture);
}
