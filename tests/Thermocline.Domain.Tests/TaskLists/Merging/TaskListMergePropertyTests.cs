using System.Text;
using CsCheck;
using Thermocline.Domain.States;
using Thermocline.Domain.TaskLists;
using Thermocline.Domain.TaskLists.Merging;
using Thermocline.Testing;

namespace Thermocline.Domain.Tests.TaskLists.Merging;

/// <summary>
/// Random pairs of divergent edits — the hub's own (cold states, edits, additions) and deletions — to generated lists:
/// the merged file parses, every change only one side made is in it exactly once, nothing is duplicated, and a
/// conflict always leaves markers that resolve to one block per id.
/// </summary>
public sealed class TaskListMergePropertyTests
{
    private static readonly Priority[] Priorities = [Priority.Critical, Priority.High, Priority.Medium, Priority.Low];

    [Fact]
    public void Merge_RandomDivergentEdits_KeepsEveryOneSidedChangeOnceAndDuplicatesNothing()
    {
        var (clean, conflicted) = (0, 0);
        Gen.Int[1, 1_000_000].Sample(seed =>
        {
            var random = new Random(seed);
            var style = new TaskListStyle { Varied = true, Crlf = random.Next(4) == 0, DisplaySection = random.Next(3) == 0 };
            var ancestor = TaskList.Parse(TaskListGenerator.Generate(random.Next(3, 16), seed, style));
            var ours = Edit(ancestor, random, 500, parity: 0);
            var theirs = Edit(ancestor, random, 700, parity: 1);

            var result = TaskListMerge.Prepare(ancestor.ToBytes(), ours.ToBytes(), theirs.ToBytes()).Complete();
            var merged = TaskList.Parse(result.Content);

            Interlocked.Increment(ref result.HasConflicts ? ref conflicted : ref clean);
            if (result.HasConflicts)
            {
                if (!Encoding.UTF8.GetString(result.Content).Contains(ConflictMarkers.Ours, StringComparison.Ordinal))
                {
                    // Each side's change merged, but together they break a rule (a new dependency on a PR the other
                    // side deleted): said so, and left for a person.
                    var note = Assert.Single(result.Notes, n => n.IsConflict);
                    Assert.Contains("does not validate", note.Message, StringComparison.Ordinal);
                    Assert.True(merged.HasErrors);
                    return;
                }

                foreach (var pick in new[] { MergeSide.Ours, MergeSide.Theirs })
                {
                    var resolved = TaskList.Parse(Resolve(Encoding.UTF8.GetString(result.Content), pick));
                    Assert.DoesNotContain(resolved.Diagnostics, d => d.Code is "duplicate-id" or "merge-conflict");
                    Assert.Equal(resolved.Prs.Count, resolved.Prs.Select(p => p.Id).Distinct().Count());
                }

                return;
            }

            Assert.False(merged.HasErrors, string.Join("\n", merged.Diagnostics.Select(d => d.Format("merged"))));
            Assert.Equal(merged.Prs.Count, merged.Prs.Select(p => p.Id).Distinct().Count());
            foreach (var id in ours.Prs.Select(p => p.Id).Union(theirs.Prs.Select(p => p.Id)))
            {
                var (b, o, t, m) = (ancestor.Find(id), ours.Find(id), theirs.Find(id), merged.Find(id));
                if (b is not null && (o is null || t is null))
                {
                    Assert.Null(m); // deleted on one side, unchanged on the other (else it would be a conflict)
                    continue;
                }

                Assert.NotNull(m);
                var side = o is null ? t! : t is null ? o : null;
                if (side is not null)
                {
                    Assert.Equal(Fields(side, side == o ? ours : theirs), Fields(m, merged));
                    continue;
                }

                foreach (var (bf, of, tf, mf) in Fields(b!, ancestor).Zip(Fields(o!, ours), Fields(t!, theirs)).Zip(Fields(m, merged)).Select(x => (x.First.First, x.First.Second, x.First.Third, x.Second)))
                {
                    Assert.Equal(of == bf ? tf : of, mf);
                }
            }
        }, iter: 300);

        // Both kinds of outcome were exercised, the clean merges most.
        Assert.True(clean > conflicted && conflicted > 0, $"{clean} clean, {conflicted} with conflicts");
    }

    // A handful of edits through the task list's own API, mostly to PRs of one parity (so that some, not all, collide).
    private static TaskList Edit(TaskList list, Random random, int firstNewId, int parity)
    {
        var ids = list.Prs.Select(p => p.Id).ToList();
        for (var n = random.Next(1, 6); n > 0; n--)
        {
            var candidates = ids.Where((_, i) => random.Next(5) == 0 || i % 2 == parity).ToList();
            if (candidates.Count == 0 || list.Find(candidates[random.Next(candidates.Count)]) is not { } pr)
            {
                continue;
            }

            try
            {
                list = random.Next(5) switch
                {
                    0 => list.WithColdState(pr.Id, (ColdState)random.Next(7)),
                    1 => list.WithEditedPr(new PrEdit(pr.Id) { Priority = Priorities[random.Next(4)] }).List,
                    2 => list.WithEditedPr(new PrEdit(pr.Id) { Description = $"Rewritten {random.Next(1000)}." }).List,
                    3 => list.WithAddedPr(new NewPr($"PR-{firstNewId + random.Next(100)}", $"Added {random.Next(1000)}", Priority.Low, [pr.Id])).List,
                    _ => Delete(list, pr.Id),
                };
            }
            catch (Exception ex) when (ex is Errors.ThermoclineException or ArgumentException)
            {
                // An edit the list refuses (a taken id, a flow block): the side simply did not make it.
            }
        }

        return list;
    }

    // A PR nobody depends on, taken out with the markdown under it.
    private static TaskList Delete(TaskList list, string id)
    {
        if (list.Prs.Any(p => p.Dependencies.Contains(id)))
        {
            return list;
        }

        var unit = MergeDocument.Cut(list).Prs[id].Text;
        var at = list.Text.IndexOf(unit, StringComparison.Ordinal);
        return TaskList.Parse(list.Text.Remove(at, unit.Length), list.HasBom);
    }

    private static List<string?> Fields(PrEntry pr, TaskList list) =>
    [
        pr.Title, StateNames.Of(pr.ColdState), pr.Priority?.ToString(), string.Join(",", pr.Dependencies), list.BodyOf(pr.Id),
    ];

    // Every conflict resolved to one side's version.
    private static string Resolve(string text, MergeSide pick)
    {
        var result = new StringBuilder();
        var part = 0; // 0 outside, 1 ours, 2 theirs
        foreach (var line in MergeDocument.SplitLines(text))
        {
            var content = line.TrimEnd('\r', '\n');
            if (ConflictMarkers.IsStart(content))
            {
                part = 1;
            }
            else if (part == 1 && ConflictMarkers.IsSeparator(content))
            {
                part = 2;
            }
            else if (part == 2 && ConflictMarkers.IsEnd(content))
            {
                part = 0;
            }
            else if (part == 0 || (part == 1 && pick == MergeSide.Ours) || (part == 2 && pick == MergeSide.Theirs))
            {
                result.Append(line);
            }
        }

        return result.ToString();
    }
}
