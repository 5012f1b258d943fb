using Backprop.Cli;

namespace Backprop.Labs.Tests;

public class CliTests
{
    [Fact]
    public void UnknownLabFailsWithOneLineListingTheKnownLabs()
    {
        var (code, output, error) = Run("lab", "run", "no-such-lab", "--quick");
        Assert.NotEqual(0, code);
        Assert.Contains("unknown lab 'no-such-lab'", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("report written", output);
    }

    [Fact]
    public void MissingDataFolderFailsWithItsName()
    {
        string missing = Path.Combine(Path.GetTempPath(), "backprop-missing-" + Guid.NewGuid().ToString("N"));
        var (code, _, error) = Run("lab", "run", "all", "--quick", "--data", missing);
        Assert.NotEqual(0, code);
        Assert.Contains(missing, error);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public void BadOptionValueIsRejected()
    {
        var (code, _, _) = Run("lab", "run", "all", "--threads", "0");
        Assert.NotEqual(0, code);
        var (code2, _, _) = Run("lab", "run", "all", "--seed", "not-a-number");
        Assert.NotEqual(0, code2);
    }

    [Fact]
    public void ListNamesEveryLabWithItsSummary()
    {
        var (code, output, _) = Run("lab", "list");
        Assert.Equal(0, code);
        foreach (var lab in LabCatalog.All)
        {
            Assert.Contains(lab.Name, output);
            Assert.Contains(lab.Summary, output);
        }
    }

    [Fact]
    public void HelpIsAvailableEverywhere()
    {
        foreach (var args in new[] { new[] { "--help" }, new[] { "lab", "--help" }, new[] { "lab", "run", "--help" } })
        {
            var (code, output, _) = Run(args);
            Assert.Equal(0, code);
            Assert.Contains("Usage", output, StringComparison.OrdinalIgnoreCase);
        }
    }

    internal static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var command = BackpropCommand.Create(output, error);
        var parse = command.Parse(args);
        int code = parse.Invoke(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
