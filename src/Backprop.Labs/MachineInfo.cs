using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Labs;

/// <summary>Where a result was computed, for results.json and report footers.</summary>
/// <param name="ProcessorCount">Logical processors visible to the process (<see cref="Environment.ProcessorCount"/>).</param>
/// <param name="OperatingSystem">OS description, e.g. "Debian GNU/Linux 12 (bookworm)" or the kernel string.</param>
/// <param name="Architecture">Process architecture, e.g. "X64".</param>
/// <param name="Framework">.NET runtime description, e.g. ".NET 10.0.0".</param>
/// <param name="CpuModel">The first "model name" line of /proc/cpuinfo, or null where that file does not exist.</param>
/// <param name="VectorFeatures">Hardware intrinsics the JIT will use, e.g. "AVX-512F, AVX2, FMA".</param>
/// <param name="MemoryGiB">Memory available to the GC, in GiB.</param>
public sealed record MachineInfo(
    int ProcessorCount,
    string OperatingSystem,
    string Architecture,
    string Framework,
    string? CpuModel,
    string VectorFeatures,
    double MemoryGiB)
{
    /// <summary>The machine this process runs on.</summary>
    public static MachineInfo Current { get; } = Detect();

    /// <summary>Reads the CPU model from a /proc/cpuinfo-style text ("model name : …"), or null when absent.</summary>
    public static string? ParseCpuModel(string cpuinfo)
    {
        ArgumentNullException.ThrowIfNull(cpuinfo);
        foreach (string line in cpuinfo.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() is "model name" or "Model" or "cpu model")
            {
                string model = line[(colon + 1)..].Trim();
                if (model.Length > 0)
                {
                    return model;
                }
            }
        }

        return null;
    }

    private static MachineInfo Detect()
    {
        string? cpuModel = null;
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                cpuModel = ParseCpuModel(File.ReadAllText("/proc/cpuinfo"));
            }
        }
        catch (IOException)
        {
            // An unreadable /proc only loses the model name, which is optional.
        }
        catch (UnauthorizedAccessException)
        {
        }

        var features = new List<string>();
        if (Avx512F.IsSupported)
        {
            features.Add("AVX-512F");
        }

        if (Avx2.IsSupported)
        {
            features.Add("AVX2");
        }

        if (Fma.IsSupported)
        {
            features.Add("FMA");
        }

        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)
        {
            features.Add("AdvSIMD");
        }

        return new MachineInfo(
            Environment.ProcessorCount,
            RuntimeInformation.OSDescription,
            RuntimeInformation.ProcessArchitecture.ToString(),
            RuntimeInformation.FrameworkDescription,
            cpuModel,
            features.Count > 0 ? string.Join(", ", features) : "none",
            Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1));
    }
}
