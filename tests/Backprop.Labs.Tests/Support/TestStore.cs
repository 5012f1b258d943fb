using System.Runtime.CompilerServices;

namespace Backprop.Labs.Tests.Support;

/// <summary>Keeps the tests' lab runs out of the user's run store: unless BACKPROP_STORE is set, every run of this test
/// process (and of the CLI processes it starts) records into a store in the temp folder.</summary>
internal static class TestStore
{
    [ModuleInitializer]
    internal static void UseTemporaryStore()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("BACKPROP_STORE")))
        {
            Environment.SetEnvironmentVariable("BACKPROP_STORE", Path.Combine(Path.GetTempPath(), $"backprop-tests-{Environment.ProcessId}", "runs.db"));
        }
    }
}
