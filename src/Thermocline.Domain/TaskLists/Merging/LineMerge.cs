namespace Thermocline.Domain.TaskLists.Merging;

/// <summary>What a <see cref="LineMerge"/> hunk holds.</summary>
internal enum HunkKind
{
    /// <summary>The same lines on all three sides.</summary>
    Stable,

    /// <summary>Only ours changed these lines: take ours.</summary>
    Ours,

    /// <summary>Only theirs changed these lines: take theirs.</summary>
    Theirs,

    /// <summary>Both changed them the same way: take either.</summary>
    Same,

    /// <summary>Both changed them, differently.</summary>
    Conflict,
}

/// <summary>One run of a three-way merge: lines [start, end) of the ancestor, ours and theirs.</summary>
internal readonly record struct Hunk(HunkKind Kind, int BaseStart, int BaseEnd, int OursStart, int OursEnd, int TheirsStart, int TheirsEnd);

/// <summary>
/// A line-based three-way merge (diff3): each side is matched to the ancestor (longest common subsequence, anchored on
/// lines unique to both sides as patience diff does, which a task list's skeleton of PR ids is full of), and the runs
/// between lines all three share are taken from the side that changed them, or are a conflict when both did. Lines
/// are compared as whole strings, line terminators included, so every byte is kept.
/// </summary>
internal static class LineMerge
{
    // Past this many cells a gap without anchors is not searched further: its lines count as replaced (a coarser
    // merge, never a wrong one).
    private const long MaxTableCells = 4_000_000;

    /// <summary>The hunks of merging <paramref name="ours"/> and <paramref name="theirs"/> from <paramref name="ancestor"/>, in order.</summary>
    public static List<Hunk> Merge(IReadOnlyList<string> ancestor, IReadOnlyList<string> ours, IReadOnlyList<string> theirs)
    {
        var toOurs = Match(ancestor, ours);
        var toTheirs = Match(ancestor, theirs);
        var hunks = new List<Hunk>();
        int a = 0, o = 0, t = 0;
        while (a < ancestor.Count || o < ours.Count || t < theirs.Count)
        {
            var k = 0;
            while (a + k < ancestor.Count && toOurs[a + k] == o + k && toTheirs[a + k] == t + k)
            {
                k++;
            }

            if (k > 0)
            {
                hunks.Add(new Hunk(HunkKind.Stable, a, a + k, o, o + k, t, t + k));
                (a, o, t) = (a + k, o + k, t + k);
                continue;
            }

            var i = a;
            while (i < ancestor.Count && (toOurs[i] < 0 || toTheirs[i] < 0))
            {
                i++;
            }

            var (oEnd, tEnd) = i < ancestor.Count ? (toOurs[i], toTheirs[i]) : (ours.Count, theirs.Count);
            hunks.Add(Classify(ancestor, ours, theirs, new Hunk(HunkKind.Conflict, a, i, o, oEnd, t, tEnd)));
            (a, o, t) = (i, oEnd, tEnd);
        }

        return hunks;
    }

    /// <summary>True when two runs of lines are equal.</summary>
    public static bool SameLines(IReadOnlyList<string> x, int xStart, int xEnd, IReadOnlyList<string> y, int yStart, int yEnd)
    {
        if (xEnd - xStart != yEnd - yStart)
        {
            return false;
        }

        for (var i = 0; i < xEnd - xStart; i++)
        {
            if (!string.Equals(x[xStart + i], y[yStart + i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static Hunk Classify(IReadOnlyList<string> b, IReadOnlyList<string> o, IReadOnlyList<string> t, Hunk h)
    {
        var oursSame = SameLines(o, h.OursStart, h.OursEnd, b, h.BaseStart, h.BaseEnd);
        var theirsSame = SameLines(t, h.TheirsStart, h.TheirsEnd, b, h.BaseStart, h.BaseEnd);
        var kind = oursSame && theirsSame ? HunkKind.Stable
            : oursSame ? HunkKind.Theirs
            : theirsSame ? HunkKind.Ours
            : SameLines(o, h.OursStart, h.OursEnd, t, h.TheirsStart, h.TheirsEnd) ? HunkKind.Same
            : HunkKind.Conflict;
        return h with { Kind = kind };
    }

    /// <summary>For each line of <paramref name="a"/>, the line of <paramref name="b"/> it is matched to, or -1; matches only increase.</summary>
    internal static int[] Match(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var matched = new int[a.Count];
        Array.Fill(matched, -1);
        MatchRange(a, 0, a.Count, b, 0, b.Count, matched, depth: 0);
        return matched;
    }

    private static void MatchRange(IReadOnlyList<string> a, int aLo, int aHi, IReadOnlyList<string> b, int bLo, int bHi, int[] matched, int depth)
    {
        while (aLo < aHi && bLo < bHi && string.Equals(a[aLo], b[bLo], StringComparison.Ordinal))
        {
            matched[aLo++] = bLo++;
        }

        while (aLo < aHi && bLo < bHi && string.Equals(a[aHi - 1], b[bHi - 1], StringComparison.Ordinal))
        {
            matched[--aHi] = --bHi;
        }

        if (aLo == aHi || bLo == bHi)
        {
            return;
        }

        var anchors = depth < 64 ? UniqueAnchors(a, aLo, aHi, b, bLo, bHi) : [];
        if (anchors.Count == 0)
        {
            LongestCommon(a, aLo, aHi, b, bLo, bHi, matched);
            return;
        }

        var (pa, pb) = (aLo, bLo);
        foreach (var (ia, ib) in anchors)
        {
            MatchRange(a, pa, ia, b, pb, ib, matched, depth + 1);
            matched[ia] = ib;
            (pa, pb) = (ia + 1, ib + 1);
        }

        MatchRange(a, pa, aHi, b, pb, bHi, matched, depth + 1);
    }

    // Lines that occur once in each range, paired, and of those the longest run in order on both sides (patience sorting).
    private static List<(int A, int B)> UniqueAnchors(IReadOnlyList<string> a, int aLo, int aHi, IReadOnlyList<string> b, int bLo, int bHi)
    {
        var counts = new Dictionary<string, (int InA, int InB, int AtA, int AtB)>(StringComparer.Ordinal);
        for (var i = aLo; i < aHi; i++)
        {
            counts[a[i]] = counts.TryGetValue(a[i], out var c) ? c with { InA = c.InA + 1 } : (1, 0, i, -1);
        }

        for (var j = bLo; j < bHi; j++)
        {
            if (counts.TryGetValue(b[j], out var c))
            {
                counts[b[j]] = c with { InB = c.InB + 1, AtB = j };
            }
        }

        var pairs = counts.Values.Where(c => c.InA == 1 && c.InB == 1).Select(c => (c.AtA, c.AtB)).OrderBy(p => p.AtA).ToList();
        if (pairs.Count == 0)
        {
            return [];
        }

        // Longest increasing subsequence of the B positions, in O(n log n).
        var tails = new List<int>();
        var previous = new int[pairs.Count];
        for (var i = 0; i < pairs.Count; i++)
        {
            int lo = 0, hi = tails.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (pairs[tails[mid]].AtB < pairs[i].AtB)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            previous[i] = lo > 0 ? tails[lo - 1] : -1;
            if (lo == tails.Count)
            {
                tails.Add(i);
            }
            else
            {
                tails[lo] = i;
            }
        }

        var result = new List<(int, int)>(tails.Count);
        for (var i = tails[^1]; i >= 0; i = previous[i])
        {
            result.Add(pairs[i]);
        }

        result.Reverse();
        return result;
    }

    // The classic dynamic programme, for the small gaps left between anchors.
    private static void LongestCommon(IReadOnlyList<string> a, int aLo, int aHi, IReadOnlyList<string> b, int bLo, int bHi, int[] matched)
    {
        int n = aHi - aLo, m = bHi - bLo;
        if ((long)n * m > MaxTableCells)
        {
            return;
        }

        var table = new int[(n + 1) * (m + 1)];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                table[(i * (m + 1)) + j] = string.Equals(a[aLo + i], b[bLo + j], StringComparison.Ordinal)
                    ? table[((i + 1) * (m + 1)) + j + 1] + 1
                    : Math.Max(table[((i + 1) * (m + 1)) + j], table[(i * (m + 1)) + j + 1]);
            }
        }

        int x = 0, y = 0;
        while (x < n && y < m)
        {
            if (string.Equals(a[aLo + x], b[bLo + y], StringComparison.Ordinal))
            {
                matched[aLo + x++] = bLo + y++;
            }
            else if (table[((x + 1) * (m + 1)) + y] >= table[(x * (m + 1)) + y + 1])
            {
                x++;
            }
            else
            {
                y++;
            }
        }
    }
}
