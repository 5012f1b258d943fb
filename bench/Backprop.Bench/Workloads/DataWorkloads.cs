using System.Diagnostics;
using Backprop.Data;
using Backprop.Data.Formats;

namespace Backprop.Bench.Workloads;

/// <summary>Data loading: seconds to read the 60,000 Fashion-MNIST training images and labels (gzip IDX) into
/// tensors, from BACKPROP_DATA or the repository's sibling ../shared/data.</summary>
public sealed class DataWorkloads : IWorkloadGroup
{
    public IEnumerable<Workload> Workloads(bool quick)
    {
        string? folder = FindData();
        if (folder is null)
        {
            yield break;
        }

        yield return new Workload("load fashion-mnist train", _ =>
        {
            string images = Path.Combine(folder, "fashion-mnist", "train-images-idx3-ubyte.gz");
            string labels = Path.Combine(folder, "fashion-mnist", "train-labels-idx1-ubyte.gz");
            double best = double.MaxValue;
            for (int r = 0; r < (quick ? 2 : 5); r++)
            {
                var watch = Stopwatch.StartNew();
                var x = IdxFile.Read(images);
                var y = IdxFile.Read(labels);
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
                GC.KeepAlive(x);
                GC.KeepAlive(y);
            }

            return new Measurement(best, "s", HigherIsBetter: false);
        });
    }

    private static string? FindData()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(DataCache.EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(Path.Combine(fromEnvironment, "fashion-mnist")))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(Path.Combine(candidate, "fashion-mnist")))
            {
                return candidate;
            }
        }

        return null;
    }
}
