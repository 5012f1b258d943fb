using System.Text.RegularExpressions;
using Backprop.Layers;

namespace Backprop.Tests.Layers;

/// <summary>Automatic layer names follow Keras's <c>to_snake_case</c>, which is two regular-expression substitutions;
/// <see cref="Layer.ToSnakeCase"/> writes them out as scans, checked here against the expressions themselves.</summary>
public partial class LayerNameTests
{
    [Theory]
    [InlineData("Dense", "dense")]
    [InlineData("BatchNormalization", "batch_normalization")]
    [InlineData("LeakyReLU", "leaky_re_lu")]
    [InlineData("Conv2D", "conv2d")]
    [InlineData("GlobalAveragePooling2D", "global_average_pooling2d")]
    [InlineData("HTTPServerError", "http_server_error")]
    [InlineData("ABCDef", "abc_def")]
    [InlineData("getHTTPResponse", "get_http_response")]
    [InlineData("My_Layer", "my__layer")]
    [InlineData("", "")]
    [InlineData("A", "a")]
    [InlineData("aB", "a_b")]
    public void Known_names(string typeName, string expected)
    {
        Assert.Equal(expected, Keras(typeName));
        Assert.Equal(expected, Layer.ToSnakeCase(typeName));
    }

    /// <summary>20,000 random names over letters, digits, '_', '\n' and a non-ASCII capital, lengths 0–14.</summary>
    [Fact]
    public void Random_names_match_the_regular_expressions()
    {
        const string alphabet = "aAbBzZqQ09_\nÄé";
        var random = new System.Random(17);
        for (int trial = 0; trial < 20_000; trial++)
        {
            var name = new string(Enumerable.Range(0, random.Next(15)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            Assert.True(Keras(name) == Layer.ToSnakeCase(name), $"'{Regex.Escape(name)}': Keras gives '{Keras(name)}', ToSnakeCase '{Layer.ToSnakeCase(name)}'");
        }
    }

    [Fact]
    public void Automatic_names_are_snake_case_with_a_counter()
    {
        var first = new BatchNormalization();
        var second = new BatchNormalization();
        Assert.StartsWith("batch_normalization", first.Name);
        Assert.NotEqual(first.Name, second.Name);
    }

    /// <summary>Keras: <c>re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)</c>, then <c>re.sub("([a-z])([A-Z])", r"\1_\2", …).lower()</c>.</summary>
    private static string Keras(string name) => LowerUpper().Replace(CamelWord().Replace(name, "$1_$2"), "$1_$2").ToLowerInvariant();

    [GeneratedRegex("(.)([A-Z][a-z]+)")]
    private static partial Regex CamelWord();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex LowerUpper();
}
