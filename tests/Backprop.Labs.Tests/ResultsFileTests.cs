using System.Text.Json.Nodes;
using Backprop.Plots;

namespace Backprop.Labs.Tests;

public sealed class ResultsFileTests
{
    [Fact]
    public void Record_RoundTripsIncludingNonFiniteDoubles()
    {
        var results = new RunResults(
            "lab2", 7, [0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-300],
            new Dictionary<string, double> { ["mae"] = 0.25, ["diverged"] = double.NaN }, float.NaN);
        string folder = Directory.CreateTempSubdirectory("results-test").FullName;
        try
        {
            string path = Path.Combine(folder, "runs", "results.json");
            ResultsFile.Write(path, results);

            RunResults? back = ResultsFile.Read<RunResults>(path);

            Assert.NotNull(back);
            Assert.Equal(results.Name, back.Name);
            Assert.Equal(results.Seed, back.Seed);
            Assert.Equal(results.Losses, back.Losses);
            Assert.Equal(results.Metrics, back.Metrics);
            Assert.True(float.IsNaN(back.LastGradientNorm));
            Assert.Contains("\n  \"Seed\": 7", File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void NonFiniteValues_InObjectTrees_AreWrittenAsNamedStrings()
    {
        var tree = new Dictionary<string, object?>
        {
            ["loss"] = new[] { 1.0, double.NaN },
            ["best"] = double.PositiveInfinity,
            ["worst"] = double.NegativeInfinity,
            ["config"] = new Dictionary<string, object?> { ["lr"] = 0.01, ["optimizer"] = "adam", ["scale"] = WeightScale.PerTile },
            ["nothing"] = null,
        };

        JsonNode? node = JsonNode.Parse(ResultsFile.Serialize(tree));

        Assert.NotNull(node);
        Assert.Equal("NaN", node["loss"]![1]!.GetValue<string>());
        Assert.Equal(1.0, node["loss"]![0]!.GetValue<double>());
        Assert.Equal("Infinity", node["best"]!.GetValue<string>());
        Assert.Equal("-Infinity", node["worst"]!.GetValue<string>());
        Assert.Equal(0.01, node["config"]!["lr"]!.GetValue<double>());
        Assert.Equal("PerTile", node["config"]!["scale"]!.GetValue<string>());
        Assert.Null(node["nothing"]);
    }

    [Fact]
    public void MachineInfo_IsRecorded()
    {
        MachineInfo machine = MachineInfo.Current;
        JsonNode? node = JsonNode.Parse(ResultsFile.Serialize(new { machine }));

        Assert.Equal(Environment.ProcessorCount, machine.ProcessorCount);
        Assert.Equal(Environment.ProcessorCount, node!["machine"]!["ProcessorCount"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(machine.Framework));
        Assert.False(string.IsNullOrWhiteSpace(machine.OperatingSystem));
        if (File.Exists("/proc/cpuinfo"))
        {
            Assert.False(string.IsNullOrWhiteSpace(machine.CpuModel));
        }
    }

    [Fact]
    public void CpuModel_IsParsedFromCpuinfoText()
    {
        const string cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel\t\t: 17\nmodel name\t: AMD EPYC 9R14 96-Core Processor\nflags\t: fpu\n";

        Assert.Equal("AMD EPYC 9R14 96-Core Processor", MachineInfo.ParseCpuModel(cpuinfo));
        Assert.Null(MachineInfo.ParseCpuModel("processor : 0\n"));
    }

    [Fact]
    public void SaveFigure_WritesPngAndSvgNextToResults()
    {
        string folder = Directory.CreateTempSubdirectory("figure-test").FullName;
        try
        {
            string name = ResultsFile.SaveFigure(Charts.BarChart(["a", "b"], [1.0, 2.0], null, "Accuracy", "accuracy"), folder, "accuracy");

            Assert.Equal("accuracy.png", name);
            Assert.Equal((800, 500), PngInfo.Size(File.ReadAllBytes(Path.Combine(folder, "accuracy.png"))));
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder, "accuracy.svg")), StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => ResultsFile.SaveFigure(Charts.BarChart(["a"], [1.0], null, "Accuracy", "accuracy"), folder, "../escape"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Versions_NameTheLibrariesOfARun()
    {
        var versions = ResultsFile.Versions();

        Assert.Equal("5.1.59", versions["ScottPlot"]);
        foreach (string assembly in new[] { "Backprop", "Backprop.Plots", "Backprop.Labs", "SkiaSharp", ".NET" })
        {
            Assert.False(string.IsNullOrWhiteSpace(versions[assembly]), assembly);
            Assert.DoesNotContain("+", versions[assembly], StringComparison.Ordinal);
        }
    }

    public sealed record RunResults(string Name, int Seed, double[] Losses, Dictionary<string, double> Metrics, float LastGradientNorm);
}
