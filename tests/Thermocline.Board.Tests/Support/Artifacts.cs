namespace Thermocline.Board.Tests.Support;

/// <summary>Where the browser tests leave what a person looks at afterwards: <c>artifacts/</c> at the repository root (CI keeps it).</summary>
internal static class Artifacts
{
    /// <summary>The repository root (the folder holding Thermocline.slnx) above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>One screenshot per view: <c>artifacts/board-screenshots</c>.</summary>
    public static string Screenshots => Path.Combine(RepositoryRoot, "artifacts", "board-screenshots");

    /// <summary>Each test's last page (screenshot and DOM), to read a failure by: <c>artifacts/board-screenshots/tests</c>.</summary>
    public static string TestPages => Path.Combine(Screenshots, "tests");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Thermocline.slnx")))
            {
                return dir.FullName;
            }
        }

        return Path.GetTempPath();
    }
}
