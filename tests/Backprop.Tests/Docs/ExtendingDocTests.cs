using System.Text.RegularExpressions;
using Backprop.Examples;
using Backprop.Layers;
using Backprop.Models;

namespace Backprop.Tests.Docs;

/// <summary>docs/extending.md's three examples are compiled into this project from docs/examples/ and run here;
/// the page must show each file exactly as it is.</summary>
public sealed partial class ExtendingDocTests
{
    private static readonly string s_docs = Path.Combine(AppContext.BaseDirectory, "Docs");

    [Fact]
    public void Custom_layer_example_passes_its_gradient_check_trains_and_round_trips()
    {
        var (check, history, config) = CustomLayerExample.Run();
        Assert.True(check.Passed, check.ToString());
        Assert.Equal(["input", $"{check.Entries[1].Name.Split('/')[0]}/kernel", $"{check.Entries[1].Name.Split('/')[0]}/bias"], check.Entries.Select(e => e.Name));
        Assert.True(history["loss"][^1] < history["loss"][0] / 20, history.ToString());
        Assert.Contains("\"class_name\": \"SimpleDense\"", config);
        var copy = Sequential.FromConfig(config);
        Assert.Equal(config, copy.GetConfig());
        Assert.Contains("(SimpleDense)", copy.Summary());
    }

    [Fact]
    public void PyTorch_style_loop_example_learns_the_sine()
    {
        var losses = PyTorchStyleLoop.Run();
        Assert.True(losses[^1] < losses[0] / 10, $"{losses[0]} → {losses[^1]}");
    }

    [Fact]
    public void Custom_train_step_example_clips_and_learns_iris()
    {
        var (history, trainer) = CustomTrainStepExample.Run();
        Assert.True(history["accuracy"][^1] > 0.9, history.ToString());
        Assert.Equal(60, history.Epoch.Count);
        Assert.True(trainer.LastLargestNorm > 0);
    }

    [Theory]
    [InlineData("CustomLayer.cs")]
    [InlineData("PyTorchStyleLoop.cs")]
    [InlineData("CustomTrainStep.cs")]
    public void The_page_shows_each_example_file_as_it_is(string file)
    {
        string page = File.ReadAllText(Path.Combine(s_docs, "extending.md")).ReplaceLineEndings("\n");
        string source = File.ReadAllText(Path.Combine(s_docs, "examples", file)).ReplaceLineEndings("\n").TrimEnd();
        var blocks = CodeBlock().Matches(page).Select(m => m.Groups["code"].Value.TrimEnd()).ToList();
        Assert.Contains(source, blocks);
        Assert.Contains($"docs/examples/{file}", page);
    }

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
