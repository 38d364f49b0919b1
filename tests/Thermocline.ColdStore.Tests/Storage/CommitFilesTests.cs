using System.Globalization;
using System.Text;
using Thermocline.ColdStore.Git;
using Thermocline.ColdStore.Tests.Support;
using Thermocline.Domain.States;

namespace Thermocline.ColdStore.Tests.Storage;

/// <summary>
/// The files a commit writes itself rather than through libgit2: the task-list blob (a loose object git must read as
/// its own), the index lock made by a hard link, the old copies kept alive while new ones are renamed over them — and
/// that none of it is left behind.
/// </summary>
public sealed class CommitFilesTests
{
    // PR-002 back and forth between blocked and ready: step 0 starts from the test list's blocked.
    private static ColdTransition Step(int i) => i % 2 == 0
        ? new("PR-002", ColdState.Blocked, ColdState.Ready, "agent-1")
        : new("PR-002", ColdState.Ready, ColdState.Blocked, "agent-1");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1 << 20)]
    public async Task StageAndPublish_AnyContent_IsTheBlobGitComputesAndReads(int size)
    {
        await using var r = await ColdRepo.CreateAsync();
        var content = new byte[size];
        new Random(size).NextBytes(content);
        var text = Convert.ToBase64String(content); // git's stdin round trip is text; the bytes are arbitrary enough
        var bytes = Encoding.ASCII.GetBytes(text);
        var objects = Path.Combine(r.Repo.GitDir, "objects");
        var writer = new LooseObjectWriter(objects, durable: true);

        var id = LooseObjectWriter.HashBlob(bytes);
        using (var staged = writer.Stage("blob", bytes))
        {
            writer.PublishAll([(staged, id)]);
        }

        Assert.Equal(r.Repo.TryGitWithInput(text, "hash-object", "--stdin").Stdout.Trim(), id.Sha);
        Assert.Equal(text, r.Repo.Git("cat-file", "blob", id.Sha));
        var file = Path.Combine(objects, id.Sha[..2], id.Sha[2..]);
        var header = File.ReadAllBytes(file)[..2];
        Assert.Equal(new byte[] { 0x78, 0x01 }, header); // zlib, level 1: git's core.looseCompression default
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(file) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }

        Assert.Empty(TempObjects(objects));
        Assert.Equal(0, r.Repo.TryGit("fsck", "--strict", "--no-dangling").ExitCode);
    }

    [Fact]
    public async Task Publish_ObjectGitAlreadyHas_KeepsItAndLeavesNoTempFile()
    {
        await using var r = await ColdRepo.CreateAsync();
        var objects = Path.Combine(r.Repo.GitDir, "objects");
        var bytes = Encoding.UTF8.GetBytes("already there\n");
        var existing = r.Repo.TryGitWithInput("already there\n", "hash-object", "-w", "--stdin").Stdout.Trim();
        var file = Path.Combine(objects, existing[..2], existing[2..]);
        var before = File.ReadAllBytes(file);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-30));
        var writer = new LooseObjectWriter(objects, durable: false);

        var id = LooseObjectWriter.HashBlob(bytes);
        using (var staged = writer.Stage("blob", bytes))
        {
            writer.PublishAll([(staged, id)]);
        }

        Assert.Equal(existing, id.Sha);
        Assert.Equal(before, File.ReadAllBytes(file));
        Assert.True(File.GetLastWriteTimeUtc(file) > DateTime.UtcNow.AddDays(-1), "freshened, as git does, so a prune cannot take it");
        Assert.Empty(TempObjects(objects));
    }

    [Fact]
    public async Task Stage_NotPublished_DisposeRemovesTheTempFile()
    {
        await using var r = await ColdRepo.CreateAsync();
        var objects = Path.Combine(r.Repo.GitDir, "objects");
        var writer = new LooseObjectWriter(objects, durable: false);

        var staged = writer.Stage("blob", Encoding.UTF8.GetBytes("never committed\n"));
        Assert.Single(TempObjects(objects));
        staged.Dispose();

        Assert.Empty(TempObjects(objects));
    }

    [Theory]
    [InlineData("docs/task-list.md")]
    [InlineData("task-list.md")]
    [InlineData("a/b/c/tasks.md")]
    public async Task TreesAndCommit_AsBytes_AreWhatLibgit2WouldWrite(string path)
    {
        // The same commit built by LibGit2Sharp (TreeDefinition, CreateCommit) and by CommitObjects must have the same ids.
        await using var r = await ColdRepo.CreateAsync();
        r.Repo.WriteFile(path, "v1\n");
        r.Repo.WriteFile("zz/other.txt", "other\n");
        r.Repo.WriteFile("a.txt", "a\n");
        r.Repo.CommitFiles("layout", path, "zz/other.txt", "a.txt");
        using var repo = new LibGit2Sharp.Repository(r.Repo.WorkDir);
        var native = Native.LibGit2Native.OpenRepository(r.Repo.GitDir);
        try
        {
            var head = repo.Head.Tip;
            var blob = repo.ObjectDatabase.CreateBlob(new MemoryStream(Encoding.UTF8.GetBytes("v2\n")));
            var when = new DateTimeOffset(2026, 11, 30, 12, 34, 56, TimeSpan.Zero);
            var message = "PR-001: ready → planned\n\nBody with ünïcödé.\n";
            var expectedTree = repo.ObjectDatabase.CreateTree(LibGit2Sharp.TreeDefinition.From(head.Tree).Add(path, blob, LibGit2Sharp.Mode.NonExecutableFile));
            var signature = new LibGit2Sharp.Signature("Thermocline Hub", "thermocline@localhost", when);
            var expectedCommit = repo.ObjectDatabase.CreateCommit(signature, signature, message, expectedTree, [head], prettifyMessage: false);

            var trees = CommitObjects.Trees(native, head.Tree.Id, path, blob.Id);
            var commit = CommitObjects.Commit(trees[^1].Id, head.Id, "Thermocline Hub", "thermocline@localhost", when, message);

            Assert.Equal(path.Count(c => c == '/') + 1, trees.Count);
            Assert.Equal(expectedTree.Id, trees[^1].Id);
            Assert.Equal(expectedCommit.Id, commit.Id);
        }
        finally
        {
            Native.LibGit2Native.FreeRepository(native);
        }
    }

    [Fact]
    public async Task Commit_HoldsIndexLockNamingThisProcess_GitWaitsForIt()
    {
        await using var r = await ColdRepo.CreateAsync();
        string? lockText = null;
        (int ExitCode, string Stdout, string Stderr) add = default;
        r.Repo.WriteFile("notes.txt", "a person's file\n");
        r.Store.BeforeRefUpdate = () =>
        {
            lockText = File.ReadAllText(Path.Combine(r.Repo.GitDir, "index.lock"));
            add = r.Repo.TryGit("add", "notes.txt");
        };

        var result = await r.Store.CommitTransitionAsync(Step(0));

        Assert.True(result.Committed);
        Assert.StartsWith($"thermocline-lock pid={Environment.ProcessId.ToString(CultureInfo.InvariantCulture)} ", lockText, StringComparison.Ordinal);
        Assert.NotEqual(0, add.ExitCode);
        Assert.Contains("index.lock", add.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(r.Repo.GitDir, "index.lock")));
        Assert.Equal(0, r.Repo.TryGit("add", "notes.txt").ExitCode); // free again
    }

    [Fact]
    public async Task Commits_LeaveNoTempRetiredLockOrIntentionFilesBehind()
    {
        await using var r = await ColdRepo.CreateAsync();
        for (var i = 0; i < 6; i++)
        {
            var result = await r.Store.CommitTransitionAsync(Step(i));
            Assert.Equal(WorkingTreeUpdate.Replaced, result.WorkingTree);
            Assert.Equal(IndexUpdate.Updated, result.Index);
        }

        await r.Store.DisposeAsync();

        Assert.Equal("", r.Repo.Git("status", "--porcelain", "--untracked-files=all", "--ignored").Trim());
        Assert.Empty(TempObjects(Path.Combine(r.Repo.GitDir, "objects")));
        Assert.Empty(Directory.EnumerateFiles(r.Repo.GitDir, "*.tmp"));
        Assert.Empty(Directory.EnumerateFiles(r.Repo.GitDir, "*.lock", SearchOption.AllDirectories));
        var retired = Path.Combine(r.Repo.GitDir, "thermocline", "retired");
        Assert.True(!Directory.Exists(retired) || !Directory.EnumerateFileSystemEntries(retired).Any());
        var locks = Path.Combine(r.Repo.GitDir, "thermocline", "locks");
        Assert.DoesNotContain(Directory.EnumerateFiles(locks), f => f.EndsWith(".owner", StringComparison.Ordinal));
        Assert.Equal(0, r.Repo.TryGit("fsck", "--strict", "--no-dangling").ExitCode);
    }

    [Fact]
    public async Task Commit_ReaderOfTheOldWorkingTreeFile_KeepsReadingTheOldContent()
    {
        // The copy is replaced by rename: whoever has the old file open reads it whole, never a mix.
        await using var r = await ColdRepo.CreateAsync();
        var path = r.Repo.PathOf(ColdRepo.Path);
        await using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var head = new byte[10];
        reader.ReadExactly(head);

        await r.Store.CommitTransitionAsync(Step(0));
        using var rest = new MemoryStream();
        await reader.CopyToAsync(rest);

        Assert.Equal(TestTaskList.Text, Encoding.UTF8.GetString([.. head, .. rest.ToArray()]));
        Assert.NotEqual(TestTaskList.Text, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Open_RemovesOwnerFilesOfProcessesThatAreGone()
    {
        await using var r = await ColdRepo.CreateAsync();
        await r.Store.CommitTransitionAsync(Step(0));
        var locks = Path.Combine(r.Repo.GitDir, "thermocline", "locks");
        var ours = Assert.Single(Directory.EnumerateFiles(locks, "process-*"));
        var dead = Path.Combine(locks, "process-999999999-638000000000000000");
        await File.WriteAllTextAsync(dead, "thermocline-lock pid=999999999 638000000000000000\n");

        await using var again = await GitColdStore.OpenAsync(new ColdStoreOptions { RepositoryPath = r.Repo.WorkDir });

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(ours));
    }

    private static IEnumerable<string> TempObjects(string objects) =>
        Directory.EnumerateFiles(objects, "tmp_*", SearchOption.AllDirectories);
}
