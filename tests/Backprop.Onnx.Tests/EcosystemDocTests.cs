using System.Text.RegularExpressions;
using Backprop.Examples;

namespace Backprop.Onnx.Tests;

/// <summary>docs/ecosystem.md's ONNX example is compiled into this project from docs/examples/onnx/ and run here; the
/// page must show the file exactly as it is.</summary>
public sealed partial class EcosystemDocTests
{
    private static readonly string s_docs = Path.Combine(AppContext.BaseDirectory, "Docs");

    [Fact]
    public void The_ONNX_example_trains_exports_and_agrees_with_ONNX_Runtime()
    {
        string directory = Directory.CreateTempSubdirectory("backprop-onnx-example-").FullName;
        try
        {
            var (own, onnx) = OnnxExportExample.Run(Path.Combine(directory, "iris.onnx"));
            Assert.Equal(150 * 3, own.Length);
            Assert.True(OnnxAgreement.Error(onnx, own) <= OnnxAgreement.Tolerance);

            // The model learned something: the most probable class is right for most flowers.
            var labels = Backprop.Data.Datasets.Iris.Load().Labels();
            int correct = Enumerable.Range(0, 150).Count(i => ArgMax(onnx.AsSpan(i * 3, 3)) == labels[i]);
            Assert.True(correct > 135, $"{correct}/150 correct");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_page_shows_the_example_file_as_it_is()
    {
        string page = File.ReadAllText(Path.Combine(s_docs, "ecosystem.md")).ReplaceLineEndings("\n");
        string source = File.ReadAllText(Path.Combine(s_docs, "examples", "onnx", "OnnxExportExample.cs")).ReplaceLineEndings("\n").TrimEnd();
        var blocks = CodeBlock().Matches(page).Select(m => m.Groups["code"].Value.TrimEnd()).ToList();
        Assert.Contains(source, blocks);
        Assert.Contains("docs/examples/onnx/OnnxExportExample.cs", page);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
