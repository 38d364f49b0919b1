using System.Diagnostics;
using LibGit2Sharp;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// Packs loose objects into one new pack and removes them, in-process (libgit2's pack builder), like an
/// incremental <c>git repack -d</c>. Safe beside commits: only objects found loose before packing are
/// removed, and only after the pack and its index are written (and, with durability on, fsynced by libgit2's
/// indexer; with it off nothing is promised across a power cut anyway).
/// </summary>
internal static class LooseObjectPacker
{
    /// <summary>Counts loose objects (files under <c>objects/xx/</c>).</summary>
    public static int CountLoose(string gitDir) => LooseObjects(gitDir).Count();

    /// <summary>Packs every loose object. Returns how many were packed.</summary>
    public static int Pack(string gitDir)
    {
        var loose = LooseObjects(gitDir).ToList();
        if (loose.Count == 0)
        {
            return 0;
        }

        var packDir = Path.Combine(gitDir, "objects", "pack");
        Directory.CreateDirectory(packDir);
        var before = Directory.GetFiles(packDir, "*.pack").ToHashSet(StringComparer.Ordinal);
        using (var repo = new Repository(gitDir))
        {
            var result = repo.ObjectDatabase.Pack(new PackBuilderOptions(packDir), builder =>
            {
                foreach (var (id, _) in loose)
                {
                    builder.Add(id);
                }
            });
            if (result.WrittenObjectsCount != loose.Count)
            {
                throw new InvalidOperationException($"packed {result.WrittenObjectsCount} of {loose.Count} loose objects; none removed.");
            }
        }

        foreach (var (_, path) in loose)
        {
            File.Delete(path);
        }

        return loose.Count;
    }

    private static IEnumerable<(ObjectId Id, string Path)> LooseObjects(string gitDir)
    {
        var objects = Path.Combine(gitDir, "objects");
        foreach (var dir in Directory.EnumerateDirectories(objects))
        {
            var prefix = Path.GetFileName(dir);
            if (prefix.Length != 2 || !prefix.All(char.IsAsciiHexDigitLower))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var rest = Path.GetFileName(file);
                if (rest.Length == 38 && rest.All(char.IsAsciiHexDigitLower))
                {
                    yield return (new ObjectId(prefix + rest), file);
                }
            }
        }
    }

    /// <summary>Times a pack for logging.</summary>
    public static (int Count, TimeSpan Elapsed) PackTimed(string gitDir)
    {
        var sw = Stopwatch.StartNew();
        var count = Pack(gitDir);
        return (count, sw.Elapsed);
    }
}
