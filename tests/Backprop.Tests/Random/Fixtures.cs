using System.Globalization;
using System.Runtime.CompilerServices;

namespace Backprop.Tests.Random;

/// <summary>Golden files under Fixtures/random. The *_reference and philox/uniform files come from
/// make_philox_reference.py; the bit-exact normal files are written by Backprop itself when the tests run with
/// BACKPROP_WRITE_RANDOM_GOLDEN=1 (only after a deliberate, documented change of the streams).</summary>
internal static class Fixtures
{
    internal const ulong Seed = 0x0123456789ABCDEF;
    internal const ulong Stream = 0xDEADBEEF;

    internal static bool Writing => Environment.GetEnvironmentVariable("BACKPROP_WRITE_RANDOM_GOLDEN") == "1";

    internal static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "random", name);

    internal static IEnumerable<string> Lines(string name) =>
        File.ReadLines(PathOf(name)).Where(line => line.Length > 0 && line[0] != '#');

    internal static ulong[] ReadHex(string name) =>
        Lines(name).Select(line => ulong.Parse(line, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    internal static double[] ReadDoubles(string name) =>
        Lines(name).Select(line => double.Parse(line, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Writes a golden file into the source tree (next to make_philox_reference.py).</summary>
    internal static void WriteHex(string name, string header, IEnumerable<ulong> values, int digits,
        [CallerFilePath] string callerPath = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "Fixtures", "random");
        using var writer = new StreamWriter(Path.Combine(folder, name)) { NewLine = "\n" };
        writer.WriteLine("# " + header);
        foreach (ulong value in values)
        {
            writer.WriteLine(value.ToString(digits == 8 ? "x8" : "x16", CultureInfo.InvariantCulture));
        }
    }
}
