using Backprop.Losses;
using Backprop.Metrics;

namespace Backprop.Tests.Metrics;

public class MetricTests
{
    private static Tensor<double> T2(int rows, int cols, params double[] values) => Tensor<double>.Wrap(values, new Shape(rows, cols));

    private static double Evaluate(Metric metric, Tensor<double> yTrue, Tensor<double> yPred)
    {
        metric.Reset();
        metric.Update(yTrue, yPred);
        return metric.Result();
    }

    [Fact]
    public void Regression_metrics_by_hand()
    {
        var yTrue = T2(2, 2, 1, 2, 3, 4);
        var yPred = T2(2, 2, 2, 2, 1, 5);   // errors 1, 0, −2, 1
        Assert.Equal(1.0, Evaluate(Metric.Get("mae"), yTrue, yPred), 15);
        Assert.Equal(1.5, Evaluate(Metric.Get("mse"), yTrue, yPred), 15);
        Assert.Equal(Math.Sqrt(1.5), Evaluate(Metric.Get("rmse"), yTrue, yPred), 15);
        Assert.Equal("rmse", Metric.Get("rmse").Name);
        Assert.Equal("root_mean_squared_error", Metric.Get("root_mean_squared_error").Name);
    }

    [Fact]
    public void Classification_metrics_by_hand()
    {
        Assert.Equal(0.75, Evaluate(new BinaryAccuracy(), T2(4, 1, 1, 0, 1, 0), T2(4, 1, 0.9, 0.2, 0.5, 0.4)), 15); // 0.5 is not > 0.5
        Assert.Equal(1.0, Evaluate(new BinaryAccuracy(threshold: 0.45), T2(4, 1, 1, 0, 1, 0), T2(4, 1, 0.9, 0.2, 0.5, 0.4)), 15);
        Assert.Equal(0.5, Evaluate(new Accuracy(), T2(2, 2, 1, 2, 3, 4), T2(2, 2, 1, 0, 3, 0)), 15);
        var oneHot = T2(3, 3, 0, 1, 0, 1, 0, 0, 0, 0, 1);
        var scores = T2(3, 3, 0.1, 0.7, 0.2, 0.3, 0.4, 0.3, 0.5, 0.3, 0.2);
        Assert.Equal(1.0 / 3, Evaluate(new CategoricalAccuracy(), oneHot, scores), 15);
        Assert.Equal(1.0 / 3, Evaluate(new SparseCategoricalAccuracy(), Tensor<double>.Wrap([1, 0, 2], new Shape(3)), scores), 15);
        Assert.Equal(1.0 / 3, Evaluate(new SparseCategoricalAccuracy(), T2(3, 1, 1, 0, 2), scores), 15);
        // top-2: row 0 true 1 (best) ✓; row 1 true 0 (0.3 ties for second) ✓ as in Keras's in_top_k; row 2 true 2 (last) ✗
        Assert.Equal(2.0 / 3, Evaluate(new TopKCategoricalAccuracy(k: 2), oneHot, scores), 15);
        Assert.Equal(2.0 / 3, Evaluate(new SparseTopKCategoricalAccuracy(k: 2), Tensor<double>.Wrap([1, 0, 2], new Shape(3)), scores), 15);
        Assert.Equal(1.0, Evaluate(Metric.Get("top_k_categorical_accuracy"), oneHot, scores), 15); // k = 5 ≥ 3 classes
    }

    [Fact]
    public void Streaming_over_uneven_batches_equals_the_value_at_once()
    {
        var random = new System.Random(3);
        int n = 103;
        int classes = 4;
        var yPred = Tensor<double>.Wrap(Enumerable.Range(0, n * classes).Select(_ => random.NextDouble()).ToArray(), new Shape(n, classes));
        var labels = Tensor<double>.Wrap(Enumerable.Range(0, n).Select(_ => (double)random.Next(classes)).ToArray(), new Shape(n));
        var oneHot = new Tensor<double>(n, classes);
        for (int i = 0; i < n; i++)
        {
            oneHot[i, (int)labels[i]] = 1;
        }

        var cases = new (Metric Metric, Tensor<double> Labels)[]
        {
            (Metric.Get("mae"), oneHot), (Metric.Get("mse"), oneHot), (Metric.Get("rmse"), oneHot),
            (new CategoricalAccuracy(), oneHot), (new SparseCategoricalAccuracy(), labels), (new BinaryAccuracy(), oneHot),
            (new TopKCategoricalAccuracy(k: 2), oneHot), (new SparseTopKCategoricalAccuracy(k: 2), labels),
        };
        foreach (var (metric, yTrue) in cases)
        {
            double atOnce = Evaluate(metric, yTrue, yPred);
            metric.Reset();
            int start = 0;
            foreach (int size in new[] { 1, 32, 7, 50, 13 })
            {
                metric.Update(yTrue.SliceRows(start, size), yPred.SliceRows(start, size));
                start += size;
            }

            Assert.Equal(n, start);
            Assert.Equal(atOnce, metric.Result(), 14);
            metric.Reset();
            Assert.Equal(0, metric.Result());
        }
    }

    [Fact]
    public void Accuracy_is_resolved_by_the_loss_and_keeps_the_written_name()
    {
        Assert.IsType<BinaryAccuracy>(MetricRegistry.Resolve("accuracy", "binary_crossentropy"));
        Assert.IsType<BinaryAccuracy>(MetricRegistry.Resolve("acc", "hinge"));
        Assert.IsType<SparseCategoricalAccuracy>(MetricRegistry.Resolve("accuracy", "sparse_categorical_crossentropy"));
        var categorical = MetricRegistry.Resolve("acc", "categorical_crossentropy");
        Assert.IsType<CategoricalAccuracy>(categorical);
        Assert.Equal("acc", categorical.Name);
        Assert.Equal("accuracy", MetricRegistry.Resolve("accuracy", "binary_crossentropy").Name);
        // other losses leave the decision to the first batch's shapes
        Assert.IsType<AutoAccuracy>(MetricRegistry.Resolve("accuracy", "mse"));
        // other metrics pass through untouched, including the explicit exact-equality Accuracy
        var mae = Metric.Get("mae");
        Assert.Same(mae, MetricRegistry.Resolve(mae, "categorical_crossentropy"));
        var exact = new Accuracy();
        Assert.Same(exact, MetricRegistry.Resolve(exact, "binary_crossentropy"));
    }

    [Fact]
    public void Accuracy_is_resolved_by_shape_as_in_Keras_3()
    {
        Loss mse = "mse";
        Assert.IsType<BinaryAccuracy>(MetricRegistry.Resolve("accuracy", mse, new Shape(8, 1), new Shape(8, 1)));
        Assert.IsType<BinaryAccuracy>(MetricRegistry.Resolve("accuracy", mse, new Shape(8), new Shape(8, 1)));
        Assert.IsType<SparseCategoricalAccuracy>(MetricRegistry.Resolve("accuracy", mse, new Shape(8), new Shape(8, 5)));
        Assert.IsType<SparseCategoricalAccuracy>(MetricRegistry.Resolve("accuracy", mse, new Shape(8, 1), new Shape(8, 5)));
        Assert.IsType<CategoricalAccuracy>(MetricRegistry.Resolve("accuracy", mse, new Shape(8, 5), new Shape(8, 5)));
        Assert.Equal("acc", MetricRegistry.Resolve("acc", mse, new Shape(8, 5), new Shape(8, 5)).Name);

        var auto = new AutoAccuracy();
        auto.Update(Tensor<double>.Wrap([2, 0], new Shape(2)), T2(2, 3, 0, 0, 1, 1, 0, 0));
        Assert.IsType<SparseCategoricalAccuracy>(auto.Resolved);
        Assert.Equal(1.0, auto.Result());
    }

    [Fact]
    public void Unknown_names_list_valid_ones_and_shapes_are_checked()
    {
        var error = Assert.Throws<ArgumentException>(() => Metric.Get("f1"));
        Assert.Contains("f1", error.Message);
        Assert.Contains("accuracy", error.Message);
        Assert.Contains("mae", error.Message);
        Assert.Contains("rmse", error.Message);
        var shapes = Assert.Throws<ShapeMismatchException>(() => new CategoricalAccuracy().Update(new Tensor<double>(4, 3), new Tensor<double>(4, 2)));
        Assert.Contains("(4, 3)", shapes.Message);
        Assert.Contains("(4, 2)", shapes.Message);
        Assert.Throws<ShapeMismatchException>(() => Metric.Get("mse").Update(new Tensor<double>(4, 3), new Tensor<double>(4, 2)));
        Assert.Contains("0", Assert.Throws<ArgumentOutOfRangeException>(() => new TopKCategoricalAccuracy(k: 0)).Message);
    }
}
