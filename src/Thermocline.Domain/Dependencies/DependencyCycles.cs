namespace Thermocline.Domain.Dependencies;

/// <summary>
/// Finds dependency cycles: Tarjan's strongly connected components, iterative so that a 10,000-PR chain
/// cannot overflow the stack, then one concrete cycle per component to name in the error.
/// </summary>
internal static class DependencyCycles
{
    /// <summary>One cycle per cyclic component, as node indices starting at its lowest index.</summary>
    public static List<int[]> Find(int[][] edges)
    {
        var n = edges.Length;
        var index = new int[n];
        var low = new int[n];
        var onStack = new bool[n];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        var next = 0;
        var cycles = new List<int[]>();

        for (var root = 0; root < n; root++)
        {
            if (index[root] >= 0)
            {
                continue;
            }

            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (v, e) = work.Pop();
                if (e == 0)
                {
                    index[v] = low[v] = next++;
                    stack.Push(v);
                    onStack[v] = true;
                }

                if (e < edges[v].Length)
                {
                    work.Push((v, e + 1));
                    var w = edges[v][e];
                    if (index[w] < 0)
                    {
                        work.Push((w, 0));
                    }
                    else if (onStack[w])
                    {
                        low[v] = Math.Min(low[v], index[w]);
                    }

                    continue;
                }

                if (low[v] == index[v])
                {
                    var component = new List<int>();
                    int w;
                    do
                    {
                        w = stack.Pop();
                        onStack[w] = false;
                        component.Add(w);
                    }
                    while (w != v);

                    if (component.Count > 1 || edges[v].Contains(v))
                    {
                        cycles.Add(CycleWithin(component, edges));
                    }
                }

                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[v]);
                }
            }
        }

        cycles.Sort((a, b) => a[0].CompareTo(b[0]));
        return cycles;
    }

    // Shortest path from the component's lowest node back to itself, staying inside the component.
    private static int[] CycleWithin(List<int> component, int[][] edges)
    {
        var members = component.ToHashSet();
        var start = component.Min();
        var parent = new Dictionary<int, int>();
        var queue = new Queue<int>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var w in edges[v])
            {
                if (w == start)
                {
                    var path = new List<int> { v };
                    while (path[^1] != start)
                    {
                        path.Add(parent[path[^1]]);
                    }

                    path.Reverse();
                    return path.ToArray();
                }

                if (members.Contains(w) && parent.TryAdd(w, v))
                {
                    queue.Enqueue(w);
                }
            }
        }

        return [start];
    }
}
