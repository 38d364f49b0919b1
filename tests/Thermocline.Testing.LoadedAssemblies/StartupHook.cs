/// <summary>
/// The startup hook (the runtime looks for this exact name, outside any namespace): at process exit, the assemblies the
/// process loaded, so a test can tell what a real <c>thermo</c> command pulled in.
/// </summary>
internal static class StartupHook
{
    /// <summary>The variable naming the file to write.</summary>
    public const string Variable = "THERMO_TEST_LOADED_ASSEMBLIES";

    /// <summary>Called by the runtime before <c>Main</c>.</summary>
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } path)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            File.WriteAllLines(path, AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "?").Order(StringComparer.Ordinal));
    }
}
