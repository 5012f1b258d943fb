using Backprop.Losses;

namespace Backprop.Tests.Losses;

/// <summary>Hand-derived values on small examples (cross-checked with torch's functional losses where they agree with
/// Keras), Keras's clipping and label conversion, and bad input.</summary>
public class LossValueTests
{
    private static Tensor<double> T2(int rows, int cols, params double[] values) => Tensor<double>.Wrap(values, new Shape(rows, cols));

    [Fact]
    public void Mean_absolute_error_and_huber_by_hand()
    {
        Assert.Equal(1.0, Loss.Get("mae").Forward(T2(2, 2, 1, 2, 3, 4), T2(2, 2, 2, 2, 1, 5)), 15);
        // e = (0.5, −2, 3), δ = 1: 0.125, 2 − 0.5, 3 − 0.5 → 4.125/3
        Assert.Equal(1.375, Loss.Get("huber").Forward(T2(1, 3, 0, 0, 0), T2(1, 3, 0.5, -2, 3)), 15);
        // δ = 2: ½·0.25, ½·4, 2·3 − 2 → (0.125 + 2 + 4)/3
        Assert.Equal(6.125 / 3, new Huber(2).Forward(T2(1, 3, 0, 0, 0), T2(1, 3, 0.5, -2, 3)), 15);
    }

    [Fact]
    public void Binary_crossentropy_by_hand_with_Keras_clipping()
    {
        Assert.Equal(0.2899092476264711, Loss.Get("binary_crossentropy").Forward(T2(1, 2, 1, 0), T2(1, 2, 0.8, 0.3)), 14);
        // p = 0 with label 1 is clipped to 1e-7: −log(1e-7); p = 0 with label 0: −log(1 − 1e-7)
        Assert.Equal(16.11809565095832, new BinaryCrossentropy().Forward(T2(1, 1, 1), T2(1, 1, 0)), 12);
        Assert.Equal(1.0000000494736474e-07, new BinaryCrossentropy().Forward(T2(1, 1, 0), T2(1, 1, 0)), 1e-20);
        // from logits: torch binary_cross_entropy_with_logits([2, −1], [1, 0]) = 0.22009484928059775
        Assert.Equal(0.22009484928059775, new BinaryCrossentropy(fromLogits: true).Forward(T2(1, 2, 1, 0), T2(1, 2, 2, -1)), 14);
        // clipped entries pass no gradient
        var gradient = new Tensor<double>(1, 1);
        new BinaryCrossentropy().Backward(T2(1, 1, 1), T2(1, 1, 0), gradient);
        Assert.Equal(0, gradient[0, 0]);
    }

    [Fact]
    public void Categorical_crossentropy_normalises_then_clips_like_Keras()
    {
        Assert.Equal(0.5108256237659907, Loss.Get("categorical_crossentropy").Forward(T2(1, 3, 0, 1, 0), T2(1, 3, 0.2, 0.6, 0.2)), 14);
        // unnormalised (1, 3, 1) is divided by its sum 5 first: the same 0.6
        Assert.Equal(0.5108256237659907, new CategoricalCrossentropy().Forward(T2(1, 3, 0, 1, 0), T2(1, 3, 1, 3, 1)), 14);
        // smoothing 0.3 over 3 classes: t = (0.1, 0.8, 0.1)
        Assert.Equal(0.7305480814996126, new CategoricalCrossentropy(labelSmoothing: 0.3).Forward(T2(1, 3, 0, 1, 0), T2(1, 3, 0.2, 0.6, 0.2)), 14);
        // probability 0 of the true class is clipped to 1e-7
        Assert.Equal(16.11809565095832, new CategoricalCrossentropy().Forward(T2(1, 2, 1, 0), T2(1, 2, 0, 1)), 12);
        // torch cross_entropy on logits, targets (1, 2)
        var logits = T2(2, 3, 1, 2, 0.5, 0, -1, 3);
        Assert.Equal(0.265126343932687, new CategoricalCrossentropy(fromLogits: true).Forward(T2(2, 3, 0, 1, 0, 0, 0, 1), logits), 14);
        Assert.Equal(0.265126343932687, new SparseCategoricalCrossentropy(fromLogits: true).Forward(Tensor<double>.Wrap([1, 2], new Shape(2)), logits), 14);
        // torch cross_entropy(label_smoothing=0.3) uses the same t = y(1 − s) + s/C
        Assert.Equal(0.7143687841079448, new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.3).Forward(T2(1, 3, 0, 1, 0), T2(1, 3, 1, 2, 0.5)), 14);
    }

    [Fact]
    public void Sparse_categorical_crossentropy_accepts_n_and_n_by_1_labels()
    {
        var probabilities = T2(2, 3, 0.2, 0.6, 0.2, 0.1, 0.1, 0.8);
        double expected = -(Math.Log(0.6) + Math.Log(0.8)) / 2;
        Assert.Equal(expected, Loss.Get("sparse_categorical_crossentropy").Forward(Tensor<double>.Wrap([1, 2], new Shape(2)), probabilities), 14);
        Assert.Equal(expected, new SparseCategoricalCrossentropy().Forward(T2(2, 1, 1, 2), probabilities), 14);
        Assert.Equal((float)expected, (float)new SparseCategoricalCrossentropy().Forward(
            Tensor<float>.Wrap([1, 2], new Shape(2)), Tensor<float>.Wrap([0.2f, 0.6f, 0.2f, 0.1f, 0.1f, 0.8f], new Shape(2, 3))), 5);
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(-1.0)]
    [InlineData(1.5)]
    public void Sparse_labels_outside_the_classes_are_named(double label)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SparseCategoricalCrossentropy().Forward(Tensor<double>.Wrap([0, label], new Shape(2)), T2(2, 3, 0.2, 0.6, 0.2, 0.1, 0.1, 0.8)));
        Assert.Contains(label.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Contains("row 1", error.Message);
        Assert.Contains("[0, 3)", error.Message);
    }

    [Fact]
    public void Hinge_family_by_hand_with_binary_label_conversion()
    {
        // labels {1, 0} → {1, −1}; ŷ = (0.3, 0.4): margins 1 − 0.3 = 0.7 and 1 + 0.4 = 1.4
        Assert.Equal(1.05, Loss.Get("hinge").Forward(T2(1, 2, 1, 0), T2(1, 2, 0.3, 0.4)), 14);
        Assert.Equal(1.225, Loss.Get("squared_hinge").Forward(T2(1, 2, 1, 0), T2(1, 2, 0.3, 0.4)), 14);
        Assert.Equal(1.05, new Hinge().Forward(T2(1, 2, 1, -1), T2(1, 2, 0.3, 0.4)), 14);
        // perceptron: max(0, −y·ŷ) = (0, 0.4)
        Assert.Equal(0.2, Loss.Get("perceptron").Forward(T2(1, 2, 1, 0), T2(1, 2, 0.3, 0.4)), 14);
        Assert.Equal(0.0, new Perceptron().Forward(T2(1, 2, 1, -1), T2(1, 2, 0.3, -0.4)), 14);
        // labels not all in {0, 1} are used as given (Keras's convert_binary_labels_to_hinge)
        Assert.Equal((0.7 + 0.0) / 2, new Hinge().Forward(T2(1, 2, 1, 2), T2(1, 2, 0.3, 0.5)), 14);
    }

    [Fact]
    public void Kl_divergence_by_hand_and_with_clipping()
    {
        Assert.Equal(0.14384103622589042, Loss.Get("kld").Forward(T2(1, 2, 0.5, 0.5), T2(1, 2, 0.25, 0.75)), 14);
        // y = 0 is clipped to 1e-7: 1e-7·log(1e-7/0.5) ≈ −1.55e-6 instead of 0
        double expected = 1e-7 * Math.Log(1e-7 / 0.5) + 1 * Math.Log(1 / 0.5);
        Assert.Equal(expected, new KLDivergence().Forward(T2(1, 2, 0, 1), T2(1, 2, 0.5, 0.5)), 14);
    }

    [Fact]
    public void Names_aliases_and_unknown_names()
    {
        Assert.IsType<MeanAbsoluteError>(Loss.Get("mean_absolute_error"));
        Assert.IsType<KLDivergence>(Loss.Get("kl_divergence"));
        Assert.IsType<Huber>(Loss.Get("huber"));
        Assert.IsType<MeanSquaredError>(Loss.Get("MSE"));
        Loss fromString = "sparse_categorical_crossentropy";
        Assert.Equal("sparse_categorical_crossentropy", fromString.Name);
        var error = Assert.Throws<ArgumentException>(() => Loss.Get("cross_entropy"));
        Assert.Contains("cross_entropy", error.Message);
        Assert.Contains("binary_crossentropy", error.Message);
        Assert.Contains("mse", error.Message);
        Assert.Contains("perceptron", error.Message);
    }

    [Fact]
    public void Mismatched_shapes_name_both_and_bad_hyper_parameters_name_the_value()
    {
        var error = Assert.Throws<ShapeMismatchException>(() => new CategoricalCrossentropy().Forward(new Tensor<double>(4, 3), new Tensor<double>(4, 2)));
        Assert.Contains("(4, 3)", error.Message);
        Assert.Contains("(4, 2)", error.Message);
        var sparse = Assert.Throws<ShapeMismatchException>(() => new SparseCategoricalCrossentropy().Forward(new Tensor<double>(5), new Tensor<double>(4, 2)));
        Assert.Contains("(5)", sparse.Message.Replace(",)", ")", StringComparison.Ordinal));
        var gradient = Assert.Throws<ShapeMismatchException>(() => new Hinge().Backward(new Tensor<double>(2, 2), new Tensor<double>(2, 2), new Tensor<double>(4)));
        Assert.Contains("(2, 2)", gradient.Message);
        Assert.Contains("-0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new Huber(-0.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Huber(0));
        Assert.Contains("1.5", Assert.Throws<ArgumentOutOfRangeException>(() => new CategoricalCrossentropy(labelSmoothing: 1.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryCrossentropy(labelSmoothing: -0.1));
    }
}
