using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backprop.Data;
using Backprop.Labs.Tests.Support;

namespace Backprop.Labs.Tests;

/// <summary>How the labs find MNIST, told truthfully: the data root or MNIST's own folder, a download (from a loopback
/// server here, never the network) with progress, a one-line error saying which files to put where, and the shipped
/// subset only on request or in --quick, with a notice on the console and at the top of the report.</summary>
public sealed class LabDataTests
{
    private static string SharedData =>
        Environment.GetEnvironmentVariable(DataCache.EnvironmentVariable) is { Length: > 0 } folder && Directory.Exists(Path.Combine(folder, "mnist"))
            ? folder
            : throw new InvalidOperationException("these tests read full MNIST from BACKPROP_DATA (e.g. ../shared/data)");

    [Fact]
    public void TheDataSetsOwnFolderIsAcceptedAsWellAsTheRoot()
    {
        foreach (string data in new[] { SharedData, Path.Combine(SharedData, "mnist") })
        {
            var root = RunQuick("mnist-gradients", "--data", data);
            string source = root["results"]!["data.source"]!.GetValue<string>();
            Assert.StartsWith("full MNIST (60,000 training and 10,000 test digits) from ", source);
            Assert.Equal([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], root["results"]!["batch.labels"]!.AsArray().Take(10).Select(n => n!.GetValue<int>()));
        }
    }

    [Fact]
    public void FashionMnistInMnistsPlaceIsRefusedByName()
    {
        string folder = Path.Combine(SharedData, "fashion-mnist");
        var (code, output, error) = CliTests.Run("lab", "run", "mnist-gradients", "--quick", "--data", folder, "--out", CliProcess.TempFolder("never"));
        Assert.Equal(BackpropCommandExit.LabFailed, code);
        Assert.Equal($"backprop: lab 'mnist-gradients' failed: {folder} holds Fashion-MNIST, not MNIST (its first training labels are 9 0 0 3 0 2 7 2 5 5; MNIST's are 5 0 4 1 9 …)\n", error);
        Assert.DoesNotContain("report written", output);
    }

    [Fact]
    public void SubsetIsUsedOnlyWhenAskedAndSaidOnTheConsoleAndAtTheTopOfTheReport()
    {
        string folder = CliProcess.TempFolder("subset");
        try
        {
            var (code, output, error) = CliTests.Run("lab", "run", "mnist-gradients", "--quick", "--subset", "--data", SharedData, "--out", folder);
            Assert.True(code == 0, error);
            Assert.Contains("NOTE: This run uses the 10,000-digit MNIST subset shipped with Backprop (8,000 training and 2,000 test digits), not full MNIST (60,000 and 10,000) as the course did, because --subset was given.", output);
            string html = File.ReadAllText(Path.Combine(folder, "report.html"));
            int notice = html.IndexOf("<div class=\"notice\"", StringComparison.Ordinal);
            Assert.True(notice > 0 && notice < html.IndexOf("<nav class=\"toc\"", StringComparison.Ordinal), "the notice must come before the contents");
            Assert.Contains("because --subset was given", html);
            var root = ResultsFile.Read(Path.Combine(folder, "results.json"))!.AsObject();
            Assert.True(root["subset"]!.GetValue<bool>());
            Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], root["results"]!["batch.labels"]!.AsArray().Take(10).Select(n => n!.GetValue<int>()));
        }
        finally
        {
            CliProcess.Delete(folder);
        }
    }

    [Fact]
    public void MissingFullMnistIsDownloadedWithProgressIntoTheDataFolder()
    {
        string data = CliProcess.TempFolder("download-data");
        string folder = CliProcess.TempFolder("download-run");
        Directory.CreateDirectory(data);
        var files = LabData.MnistFiles.ToDictionary(f => "/" + f, f => Path.Combine(SharedData, f));
        using var server = new LoopbackServer(files);
        var saved = LabData.MnistDownloads;
        try
        {
            LabData.MnistDownloads = [.. LabData.MnistFiles.Select(f => new RemoteFile(f, new Uri(server.BaseUri, f), Sha256(files["/" + f])))];
            var (code, output, error) = CliTests.Run("lab", "run", "mnist-gradients", "--data", data, "--out", folder);
            Assert.True(code == 0, error + output);
            Assert.Equal(4, server.Requests);
            Assert.Contains($"Full MNIST is not in {data} (--data); downloading it.", output);
            Assert.Contains("downloading mnist/train-images-idx3-ubyte.gz: ", output);
            Assert.Contains(" of 9.7 MB", output);
            foreach (string f in LabData.MnistFiles)
            {
                Assert.Equal(new FileInfo(Path.Combine(SharedData, f)).Length, new FileInfo(Path.Combine(data, f)).Length);
            }

            var root = ResultsFile.Read(Path.Combine(folder, "results.json"))!.AsObject();
            Assert.StartsWith("full MNIST", root["results"]!["data.source"]!.GetValue<string>());
            Assert.DoesNotContain("class=\"notice\"", File.ReadAllText(Path.Combine(folder, "report.html")));
        }
        finally
        {
            LabData.MnistDownloads = saved;
            CliProcess.Delete(data);
            CliProcess.Delete(folder);
        }
    }

    [Fact]
    public void AFailedDownloadStopsWithOneLineSayingWhichFilesToPutWhere()
    {
        string data = CliProcess.TempFolder("nodata");
        string folder = CliProcess.TempFolder("never");
        Directory.CreateDirectory(data);
        using var server = new LoopbackServer(new Dictionary<string, string>());
        var saved = LabData.MnistDownloads;
        try
        {
            LabData.MnistDownloads = [new RemoteFile("mnist.npz", new Uri(server.BaseUri, "mnist.npz"), new string('0', 64))];
            var (code, output, error) = CliTests.Run("lab", "run", "mnist-gradients", "--data", data, "--out", folder);
            Assert.Equal(BackpropCommandExit.LabFailed, code);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
            Assert.Equal(
                $"backprop: lab 'mnist-gradients' failed: full MNIST is not in {data} (--data) and could not be downloaded " +
                $"(Downloading {server.BaseUri}mnist.npz failed: the server answered 404 Not Found): put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, " +
                $"t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz in {Path.Combine(data, "mnist")} (or Keras's mnist.npz in {data}), " +
                "or pass --subset to use the 10,000 digits shipped with Backprop\n", error);
            Assert.Contains("downloading mnist.npz: stopped at 0/1: failed: ", output);
            Assert.False(Directory.Exists(folder));
            Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!, Path.GetFileName(folder) + ".*"));
            Assert.Empty(Directory.GetFileSystemEntries(data));
        }
        finally
        {
            LabData.MnistDownloads = saved;
            CliProcess.Delete(data);
        }
    }

    [Fact]
    public void WithoutAnyDataFolderAQuickRunUsesTheSubsetAndSaysWhy()
    {
        string home = CliProcess.TempFolder("home");
        string folder = CliProcess.TempFolder("nodata-run");
        Directory.CreateDirectory(home);
        try
        {
            var environment = new Dictionary<string, string?> { [DataCache.EnvironmentVariable] = null, ["HOME"] = home };
            var (code, output, error) = CliProcess.Run(environment, "lab", "run", "mnist-gradients", "--quick", "--out", folder);
            Assert.True(code == 0, error);
            string cache = Path.Combine(home, ".backprop", "datasets");
            Assert.Contains($"because this is a --quick run and {cache} (the default data folder) holds no full MNIST.", output);
            Assert.Contains("because this is a --quick run", File.ReadAllText(Path.Combine(folder, "report.html")));
        }
        finally
        {
            CliProcess.Delete(home);
            CliProcess.Delete(folder);
        }
    }

    [Fact]
    public void AMissingBackpropDataFolderIsAnErrorLikeAMissingDataOption()
    {
        string missing = CliProcess.TempFolder("missing");
        var (code, output, error) = CliProcess.Run(new Dictionary<string, string?> { [DataCache.EnvironmentVariable] = missing }, "lab", "run", "boston-housing", "--quick");
        CliTests.AssertUsageError(code, output, error, $"backprop: data folder '{missing}' (from BACKPROP_DATA) does not exist");
    }

    [Fact]
    public void ALibraryErrorIsOneLineNamingTheLabAndTheFileWithTheTraceOnlyWhenVerbose()
    {
        string data = CliProcess.TempFolder("corrupt");
        string folder = CliProcess.TempFolder("never");
        Directory.CreateDirectory(Path.Combine(data, "mnist"));
        try
        {
            foreach (string f in LabData.MnistFiles)
            {
                File.WriteAllBytes(Path.Combine(data, f), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]);
            }

            var (code, output, error) = CliProcess.Run(null, "lab", "run", "mnist-gradients", "--data", data, "--out", folder);
            Assert.Equal(1, code);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
            Assert.StartsWith($"backprop: lab 'mnist-gradients' failed: ", error);
            Assert.Contains(Path.Combine(data, "mnist", "train-images-idx3-ubyte.gz"), error);
            Assert.DoesNotContain("   at ", error);
            Assert.DoesNotContain("Unhandled", error);
            Assert.False(Directory.Exists(folder));

            (code, _, error) = CliProcess.Run(null, "lab", "run", "mnist-gradients", "--data", data, "--out", folder, "--verbose");
            Assert.Equal(1, code);
            Assert.Contains("   at ", error);
        }
        finally
        {
            CliProcess.Delete(data);
        }
    }

    private static JsonObject RunQuick(string lab, params string[] args)
    {
        string folder = CliProcess.TempFolder(lab);
        try
        {
            var (code, _, error) = CliTests.Run(["lab", "run", lab, "--quick", "--out", folder, .. args]);
            Assert.True(code == 0, error);
            return ResultsFile.Read(Path.Combine(folder, "results.json"))!.AsObject();
        }
        finally
        {
            CliProcess.Delete(folder);
        }
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>The CLI's exit codes, as the tests expect them.</summary>
internal static class BackpropCommandExit
{
    public const int LabFailed = Backprop.Cli.BackpropCommand.LabFailed;
}
