using System.Globalization;
using System.Text;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;

namespace Thermocline.Domain.Tests.TaskLists;

/// <summary>
/// The fast reader recycles its nodes (scalars, mappings, lists) from one block to the next. Every PR must still hold
/// its own values: none may keep a node that a later block overwrote.
/// </summary>
public sealed class RecycledNodeTests
{
    [Theory]
    [InlineData(40)] // one reader
    [InlineData(2_400)] // several readers in parallel
    public void Parse_EveryPrKeepsItsOwnValues(int count)
    {
        var text = new StringBuilder("# Task List\n\n");
        for (var i = 1; i <= count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"""
                ### PR-{n}: Item {n}

                ---
                pr_id: PR-{n}
                title: "Title {n}"
                cold_state: {(i % 2 == 0 ? "ready" : "planned")}
                priority: {(i % 3 == 0 ? "high" : "low")}
                complexity:
                  score: {(i % 10) + 1}
                  estimated_minutes: {i}
                  suggested_model: model-{n}
                  rationale: reason {n}
                dependencies: {(i > 1 ? $"[PR-{i - 1}]" : "[]")}
                estimated_files:
                  - path: src/m{n}.ts
                    action: {(i % 2 == 0 ? "create" : "modify")}
                    description: file of {n}
                ---


                """);
        }

        var list = TaskList.Parse(text.ToString());

        Assert.False(list.HasErrors, string.Join("; ", list.Diagnostics.Select(d => d.Message)));
        Assert.Equal(count, list.Prs.Count);
        for (var i = 1; i <= count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            var pr = list.Prs[i - 1];
            Assert.Equal(("PR-" + n, "Title " + n), (pr.Id, pr.Title));
            Assert.Equal(i % 2 == 0 ? ColdState.Ready : ColdState.Planned, pr.ColdState);
            Assert.Equal(new Complexity((i % 10) + 1, i, "model-" + n, "reason " + n), pr.Complexity);
            Assert.Equal(i > 1 ? ["PR-" + (i - 1).ToString(CultureInfo.InvariantCulture)] : [], pr.Dependencies);
            Assert.Equal(new EstimatedFile("src/m" + n + ".ts", i % 2 == 0 ? "create" : "modify", "file of " + n), Assert.Single(pr.EstimatedFiles));
        }
    }
}
