using System.Globalization;
using System.Text;
using LibGit2Sharp;
using Thermocline.ColdStore.Native;

namespace Thermocline.ColdStore.Git;

/// <summary>
/// The tree and commit objects of a commit that changes one file of its parent, built as bytes: each tree on the
/// file's path is the parent's own tree object, byte for byte, with one entry's id replaced (so entry order, modes
/// and names that are not UTF-8 stay exactly as they were), and the commit is git's text format as libgit2 writes it.
/// Ids are libgit2's collision-detecting SHA-1. Written with <see cref="LooseObjectWriter"/>, so all of a commit's
/// objects can be made durable together.
/// </summary>
internal static class CommitObjects
{
    /// <summary>A git object ready to write: its id, type name and content.</summary>
    internal sealed record GitObject(ObjectId Id, string Type, byte[] Content);

    /// <summary>
    /// The trees from <paramref name="rootTree"/> down to <paramref name="path"/> with the file there pointing at
    /// <paramref name="blob"/>; the root tree last.
    /// </summary>
    /// <exception cref="InvalidOperationException">The path is not a file of that tree (callers check it is).</exception>
    public static List<GitObject> Trees(IntPtr repo, ObjectId rootTree, string path, ObjectId blob)
    {
        var names = path.Split('/').Select(Encoding.UTF8.GetBytes).ToArray();
        var trees = new byte[names.Length][];
        var id = rootTree;
        for (var depth = 0; depth < names.Length; depth++)
        {
            trees[depth] = LibGit2Native.ReadObject(repo, id, out var type);
            if (type != LibGit2Native.ObjectTypeTree)
            {
                throw new InvalidOperationException($"{id.Sha} on the way to {path} is not a tree.");
            }

            if (depth < names.Length - 1)
            {
                id = EntryId(trees[depth], names[depth], wantTree: true, path);
            }
        }

        var written = new List<GitObject>(names.Length);
        var child = blob;
        for (var depth = names.Length - 1; depth >= 0; depth--)
        {
            var content = WithEntryId(trees[depth], names[depth], child, wantTree: depth < names.Length - 1, path);
            child = LibGit2Native.HashObject(content, LibGit2Native.ObjectTypeTree);
            written.Add(new GitObject(child, "tree", content));
        }

        return written;
    }

    /// <summary>A commit object as libgit2 writes it: one parent, author = committer, the message verbatim.</summary>
    public static GitObject Commit(ObjectId tree, ObjectId parent, string name, string email, DateTimeOffset when, string message)
    {
        var offset = when.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        var signature = string.Create(CultureInfo.InvariantCulture,
            $"{name.Trim()} <{email.Trim()}> {when.ToUnixTimeSeconds()} {sign}{abs.Hours:00}{abs.Minutes:00}");
        var text = $"tree {tree.Sha}\nparent {parent.Sha}\nauthor {signature}\ncommitter {signature}\n\n{message}";
        var content = Encoding.UTF8.GetBytes(text);
        return new GitObject(LibGit2Native.HashObject(content, LibGit2Native.ObjectTypeCommit), "commit", content);
    }

    private static ObjectId EntryId(byte[] tree, byte[] name, bool wantTree, string path)
    {
        var at = FindEntry(tree, name, wantTree, path);
        return new ObjectId(tree.AsSpan(at, LibGit2Native.OidSize).ToArray());
    }

    private static byte[] WithEntryId(byte[] tree, byte[] name, ObjectId id, bool wantTree, string path)
    {
        var at = FindEntry(tree, name, wantTree, path);
        var copy = (byte[])tree.Clone();
        id.RawId.AsSpan().CopyTo(copy.AsSpan(at, LibGit2Native.OidSize));
        return copy;
    }

    // Entries are "<octal mode> <name>\0<20-byte id>"; returns where the id of the entry called name starts.
    private static int FindEntry(byte[] tree, byte[] name, bool wantTree, string path)
    {
        var pos = 0;
        while (pos < tree.Length)
        {
            var space = Array.IndexOf(tree, (byte)' ', pos);
            var nul = space < 0 ? -1 : Array.IndexOf(tree, (byte)0, space + 1);
            if (space < 0 || nul < 0 || nul + 1 + LibGit2Native.OidSize > tree.Length)
            {
                break;
            }

            var isTree = tree.AsSpan(pos, space - pos).SequenceEqual("40000"u8);
            if (tree.AsSpan(space + 1, nul - space - 1).SequenceEqual(name))
            {
                return isTree == wantTree ? nul + 1 : throw new InvalidOperationException($"{Encoding.UTF8.GetString(name)} on the way to {path} is not a {(wantTree ? "directory" : "file")}.");
            }

            pos = nul + 1 + LibGit2Native.OidSize;
        }

        throw new InvalidOperationException($"{Encoding.UTF8.GetString(name)} (on the way to {path}) is not in its tree.");
    }
}
