using System.Runtime.CompilerServices;
using Thermocline.Testing;

namespace Thermocline.Sync.Tests.Support;

/// <summary>Points libgit2's global, XDG, system and program-data config search paths at an empty directory, once per test process.</summary>
internal static class GitIsolation
{
    [ModuleInitializer]
    internal static void Isolate() => GitConfigIsolation.Apply();
}
