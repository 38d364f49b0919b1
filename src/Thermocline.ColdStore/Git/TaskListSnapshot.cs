using LibGit2Sharp;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>The task list of one commit: its blob, file mode, bytes and parsed form (cached by blob id).</summary>
internal sealed record TaskListSnapshot(ObjectId BlobId, Mode Mode, byte[] Bytes, TaskList List)
{
    /// <summary>Reads and parses the task list stored in <paramref name="blob"/>.</summary>
    public static TaskListSnapshot Read(Blob blob, Mode mode)
    {
        using var stream = blob.GetContentStream();
        var bytes = new byte[blob.Size];
        stream.ReadExactly(bytes);
        return new TaskListSnapshot(blob.Id, mode, bytes, TaskList.Parse(bytes));
    }
}
