using LibGit2Sharp;
using Thermocline.Domain.TaskLists;

namespace Thermocline.ColdStore.Git;

/// <summary>The task list of one commit: its blob, file mode, bytes and parsed form (cached by blob id).</summary>
internal sealed record TaskListSnapshot(ObjectId BlobId, Mode Mode, byte[] Bytes, TaskList List);
