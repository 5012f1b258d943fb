using Backprop.Data;
using Backprop.Data.Datasets;

namespace Backprop.Labs;

/// <summary>MNIST as a lab found it.</summary>
/// <param name="Split">60,000/10,000 digits, or the shipped subset's 8,000/2,000.</param>
/// <param name="IsFull">True for the full MNIST.</param>
/// <param name="Description">Where the digits came from, for the report.</param>
internal sealed record MnistSource(DataSplit<byte, byte> Split, bool IsFull, string Description);

/// <summary>Fashion-MNIST as a lab finds it.</summary>
/// <param name="Split">60,000/10,000 images, or the MNIST subset that stands in for it.</param>
/// <param name="IsFashion">True for the real Fashion-MNIST.</param>
/// <param name="Description">Where the images came from, for the report.</param>
internal sealed record FashionSource(DataSplit<byte, byte> Split, bool IsFashion, string Description);

/// <summary>Data sets the labs share, found truthfully: full MNIST from the data folder (its root or MNIST's own
/// folder), else downloaded with a progress bar, else a one-line error saying which files to put where. The
/// 10,000-digit subset shipped with the library is used only when asked for (<c>--subset</c>) or in a
/// <c>--quick</c> run without full MNIST, and then a notice at the top of the report and on the console says so.</summary>
internal static class LabData
{
    /// <summary>The file names of full MNIST, in the data root's <c>mnist/</c> folder or in a folder of their own.</summary>
    public static readonly string[] MnistFiles =
        ["mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"];

    // The first training labels identify the set: Fashion-MNIST's files have MNIST's names and shapes.
    private static readonly byte[] s_fashionFirstLabels = [9, 0, 0, 3, 0, 2, 7, 2, 5, 5];

    /// <summary>What a lab downloads when full MNIST is missing: Keras's <c>mnist.npz</c> (SHA-256 checked) into the
    /// data folder. Tests point this at a loopback server.</summary>
    internal static IReadOnlyList<RemoteFile> MnistDownloads { get; set; } = [Backprop.Data.Datasets.Mnist.KerasFile];

    /// <summary>The HTTP client downloads use (tests replace it); by default one that gives up connecting after 15 s.</summary>
    internal static HttpClient DownloadClient { get; set; } = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) })
    {
        Timeout = TimeSpan.FromMinutes(15),
    };

    /// <summary>Full MNIST for <paramref name="context"/>'s lab, or the shipped subset when the run asks for it
    /// (<c>--subset</c>) or is <c>--quick</c> and the data folder has no full MNIST (said in a notice).</summary>
    /// <exception cref="LabDataException">Full MNIST is neither in the data folder nor downloadable, or the folder
    /// holds Fashion-MNIST.</exception>
    public static MnistSource Mnist(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = context.Data;
        if (context.Subset)
        {
            return Subset(context, "because --subset was given");
        }

        var full = FindFullMnist(folder);
        if (full is not null)
        {
            return full;
        }

        if (context.Quick)
        {
            return Subset(context, $"because this is a --quick run and {folder.Describe()} holds no full MNIST");
        }

        string? failure = Download(context, folder);
        full = failure is null ? FindFullMnist(folder) : null;
        if (full is not null)
        {
            return full;
        }

        throw new LabDataException(
            $"full MNIST is not in {folder.Describe()} and {(failure is null ? "the download did not provide it" : "could not be downloaded (" + failure + ")")}: " +
            $"put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz in {Path.Combine(folder.Path, "mnist")} " +
            $"(or Keras's mnist.npz in {folder.Path}), or pass --subset to use the 10,000 digits shipped with Backprop");
    }

    private static MnistSource? FindFullMnist(DataFolder folder)
    {
        DataSplit<byte, byte> split;
        string where;
        var files = folder.Locate(MnistFiles);
        string npz = Path.Combine(folder.Path, Backprop.Data.Datasets.Mnist.KerasFile.RelativePath);
        if (files is not null)
        {
            string directory = Path.GetDirectoryName(files[0])!;
            split = Backprop.Data.Datasets.Mnist.LoadIdx(directory);
            where = directory;
        }
        else if (File.Exists(npz))
        {
            split = Backprop.Data.Datasets.Mnist.Load(new DataCache(folder.Path));
            where = npz;
        }
        else
        {
            return null;
        }

        var first = split.YTrain.AsSpan()[..Math.Min(s_fashionFirstLabels.Length, split.YTrain.Shape[0])];
        if (first.SequenceEqual(s_fashionFirstLabels))
        {
            throw new LabDataException($"{where} holds Fashion-MNIST, not MNIST (its first training labels are {string.Join(' ', s_fashionFirstLabels)}; MNIST's are 5 0 4 1 9 …)");
        }

        return new(split, true, $"full MNIST (60,000 training and 10,000 test digits) from {where}");
    }

    private static MnistSource Subset(LabContext context, string reason)
    {
        context.Notice(
            $"This run uses the 10,000-digit MNIST subset shipped with Backprop (8,000 training and 2,000 test digits), not full MNIST (60,000 and 10,000) as the course did, {reason}. " +
            "Its figures can differ from the course's for that reason alone.");
        return new(Backprop.Data.Datasets.Mnist.LoadSubset(), false, "the 10,000-digit MNIST subset shipped with Backprop");
    }

    /// <summary>Downloads <see cref="MnistDownloads"/> into the data folder with a progress bar; null on success,
    /// else why it failed.</summary>
    private static string? Download(LabContext context, DataFolder folder)
    {
        context.Console.WriteLine($"Full MNIST is not in {folder.Describe()}; downloading it.");
        foreach (var file in MnistDownloads)
        {
            using var progress = new DownloadBar(context, file.RelativePath);
            try
            {
                new DataCache(folder.Path, DownloadClient, progress).GetFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                string reason = e is UnauthorizedAccessException ? $"{folder.Path} is not writable" : RunFolder.Reason(e);
                progress.Stop("failed: " + reason);
                return reason;
            }
        }

        return null;
    }

    /// <summary>Full Fashion-MNIST (60,000/10,000) from the data folder when its four IDX files are there. Without
    /// them, a <c>--quick</c> or <c>--subset</c> run uses the MNIST subset shipped with the library (digits stand in
    /// for clothes, and a notice says so); a full run fails naming the files to put where. Never a download.</summary>
    /// <exception cref="LabDataException">A full run and no Fashion-MNIST in the data folder.</exception>
    public static FashionSource FashionMnist(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = context.Data;
        var cache = new DataCache(folder.Path);
        if (!context.Subset && Backprop.Data.Datasets.FashionMnist.Files.All(f => cache.Contains(f.RelativePath)))
        {
            return new(Backprop.Data.Datasets.FashionMnist.Load(cache), true, $"Fashion-MNIST (60,000 training and 10,000 test images) from {cache.Folder}");
        }

        if (!context.Subset && !context.Quick)
        {
            throw new LabDataException(
                $"Fashion-MNIST is not in {folder.Describe()}: put {string.Join(", ", Backprop.Data.Datasets.FashionMnist.Files.Select(f => f.RelativePath))} there, " +
                "or pass --subset to run on the 10,000 MNIST digits shipped with Backprop instead");
        }

        string reason = context.Subset ? "because --subset was given" : $"because this is a --quick run and {folder.Describe()} holds no Fashion-MNIST";
        context.Notice(
            $"This run uses the 10,000-digit MNIST subset shipped with Backprop (8,000 training and 2,000 test digits) in place of Fashion-MNIST, {reason}: " +
            "its figures are MNIST's, not Fashion-MNIST's.");
        return new(Backprop.Data.Datasets.Mnist.LoadSubset(), false, "the 10,000-digit MNIST subset shipped with Backprop, standing in for Fashion-MNIST");
    }

    /// <summary>A download's progress as a lab progress bar in KiB, started when the size is known.</summary>
    private sealed class DownloadBar(LabContext context, string name) : IProgress<DownloadProgress>, IDisposable
    {
        private ILabProgress? _bar;

        public void Report(DownloadProgress value)
        {
            long total = value.TotalBytes ?? 0;
            _bar ??= context.Progress($"downloading {name}", (int)Math.Clamp(total / 1024, 1, int.MaxValue));
            _bar.Report((int)Math.Min(value.BytesReceived / 1024, int.MaxValue),
                value.TotalBytes is long known ? $"{value.BytesReceived / 1e6:F1} of {known / 1e6:F1} MB" : $"{value.BytesReceived / 1e6:F1} MB");
        }

        public void Stop(string reason)
        {
            _bar ??= context.Progress($"downloading {name}", 1);
            _bar.Stop(reason);
        }

        public void Dispose() => _bar?.Dispose();
    }
}

/// <summary>The data a lab needs is missing or is not what it should be; the message says which files to put where.</summary>
public sealed class LabDataException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public LabDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public LabDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public LabDataException()
    {
    }
}
