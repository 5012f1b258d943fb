using Backprop.Data;
using Backprop.Data.Datasets;

namespace Backprop.Tests.Data;

public class DatasetTests
{
    [Fact]
    public void Boston_split_is_exactly_keras_load_data()
    {
        var fixture = DataTestFiles.Json("keras_boston_split.json");
        var (xTrain, yTrain, xTest, yTest) = BostonHousing.Load();
        Assert.Equal(new Shape(404, 13), xTrain.Shape);
        Assert.Equal(new Shape(102, 13), xTest.Shape);
        Assert.Equal(new Shape(404), yTrain.Shape);
        Assert.Equal(new[] { 15.2, 42.3, 50.0, 21.1, 17.7 }, yTrain.ToArray()[..5]);
        Assert.Equal(fixture.GetProperty("y_test_last").GetDouble(), yTest[101]);

        // Every row sits where numpy's RandomState(113).shuffle put it.
        var all = BostonHousing.LoadAll();
        int[] order = [.. fixture.GetProperty("order").EnumerateArray().Select(e => e.GetInt32())];
        for (int i = 0; i < 506; i++)
        {
            var (x, y, row) = i < 404 ? (xTrain, yTrain, i) : (xTest, yTest, i - 404);
            Assert.Equal(all.Target[order[i]], y[row]);
            Assert.Equal(all.Data[order[i], 12], x[row, 12]);
        }

        Assert.Equal(0.00632, all.Data[0, 0]);
        Assert.Equal(24.0, all.Target[0]);
    }

    public static TheoryData<string> SklearnSets() => ["iris", "wine", "breast_cancer", "digits", "diabetes", "diabetes_raw"];

    [Theory]
    [MemberData(nameof(SklearnSets))]
    public void Small_sets_equal_scikit_learn_loaders(string name)
    {
        var expected = DataTestFiles.Json("sklearn_datasets.json").GetProperty(name);
        TabularDataset set = name switch
        {
            "iris" => Iris.Load(),
            "wine" => Wine.Load(),
            "breast_cancer" => BreastCancer.Load(),
            "digits" => Digits.Load(),
            "diabetes" => Diabetes.Load(),
            _ => Diabetes.Load(scaled: false),
        };

        int[] shape = [.. expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())];
        Assert.Equal(shape, set.Data.Shape.ToArray());
        Assert.Equal(set.FeatureNames.Count, shape[1]);
        double[] first = [.. expected.GetProperty("first").EnumerateArray().Select(e => e.GetDouble())];
        double[] last = [.. expected.GetProperty("last").EnumerateArray().Select(e => e.GetDouble())];
        for (int j = 0; j < shape[1]; j++)
        {
            Assert.Equal(first[j], set.Data[0, j], 1e-15);
            Assert.Equal(last[j], set.Data[shape[0] - 1, j], 1e-15);
        }

        Assert.Equal(expected.GetProperty("target_first").GetDouble(), set.Target[0]);
        Assert.Equal(expected.GetProperty("target_last").GetDouble(), set.Target[shape[0] - 1]);
        if (expected.GetProperty("class_counts").ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            int[] counts = [.. expected.GetProperty("class_counts").EnumerateArray().Select(e => e.GetInt32())];
            Assert.Equal(counts, set.Labels().GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()).ToArray());
        }
    }

    [Fact]
    public void Eckerle4_has_the_35_NIST_observations()
    {
        var (x, y) = Eckerle4.Load();
        Assert.Equal(35, x.Length);
        Assert.Equal(35, y.Length);
        Assert.Equal(400.0, x[0]);
        Assert.Equal(0.0001575, y[0]);
        Assert.Equal(405.0, x[1]);
    }

    [Fact]
    public void Mnist_subset_is_ten_thousand_digits_interleaved_by_class()
    {
        int[] classCounts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
        var (images, labels) = Mnist.LoadSubsetAll();
        Assert.Equal(new Shape(10000, 28, 28), images.Shape);
        Assert.Equal(new Shape(10000), labels.Shape);
        for (int i = 0; i < 8635; i++)
        {
            Assert.Equal(i % 10, labels[i]);
        }

        Assert.Equal(classCounts, labels.ToArray().GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()).ToArray());

        Assert.InRange(images.AsSpan().ToArray().Select(b => (int)b).Average(), 20, 50);
        Assert.Equal(0, images[0, 0, 0]);
        Assert.Equal(255, images.AsSpan()[..784].ToArray().Max());

        var (xTrain, yTrain, xTest, yTest) = Mnist.LoadSubset();
        Assert.Equal(new Shape(8000, 28, 28), xTrain.Shape);
        Assert.Equal(new Shape(2000, 28, 28), xTest.Shape);
        Assert.All(yTrain.ToArray().GroupBy(l => l), g => Assert.Equal(800, g.Count()));
        Assert.Equal(classCounts.Select(c => c - 800).ToArray(), yTest.ToArray().GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()).ToArray());
    }

    [Fact]
    public void Fashion_mnist_loads_from_the_shared_folder_without_network()
    {
        string? shared = DataTestFiles.SharedData();
        if (shared is null)
        {
            // Neither BACKPROP_DATA nor ../shared/data holds fashion-mnist (CI sets BACKPROP_DATA).
            return;
        }

        var cache = new DataCache(shared, new HttpClient(new RefusingHandler()));
        var (xTrain, yTrain, xTest, yTest) = FashionMnist.Load(cache);
        Assert.Equal(new Shape(60000, 28, 28), xTrain.Shape);
        Assert.Equal(new Shape(10000, 28, 28), xTest.Shape);
        Assert.All(yTrain.ToArray().GroupBy(l => l), g => Assert.Equal(6000, g.Count()));
        Assert.All(yTest.ToArray().GroupBy(l => l), g => Assert.Equal(1000, g.Count()));
        Assert.Equal(9, yTrain[0]);
        Assert.Equal(0, yTrain[1]);
        Assert.Equal(9, yTest[0]);
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException($"The test tried the network: {request.RequestUri}");

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException($"The test tried the network: {request.RequestUri}");
    }
}
