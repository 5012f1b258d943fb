using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Tests.Training;

public sealed class BadInputTests
{
    [Fact]
    public void Dense_with_the_wrong_input_width_names_the_layer_and_both_shapes()
    {
        var dense = new Dense(4, kernelInitializer: "zeros", inputShape: [13], name: "hidden");
        var model = new Sequential(dense);
        var ex = Assert.Throws<ShapeMismatchException>(() => model.Predict(new Tensor<float>(32, 12)));
        Assert.Contains("'hidden'", ex.Message);
        Assert.Contains("(None, 13)", ex.Message);
        Assert.Contains("(32, 12)", ex.Message);
    }

    [Fact]
    public void Set_weights_with_a_wrong_shape_names_the_layer_and_both_shapes()
    {
        var dense = new Dense(4, kernelInitializer: "zeros", inputShape: [3], name: "d");
        dense.Build(new Shape(3));
        var ex = Assert.Throws<ShapeMismatchException>(() => dense.SetWeights(new Tensor<float>(4, 3), new Tensor<float>(4)));
        Assert.Contains("'d'", ex.Message);
        Assert.Contains("(3, 4)", ex.Message);
        Assert.Contains("(4, 3)", ex.Message);
    }

    [Fact]
    public void Unknown_names_list_the_valid_ones()
    {
        var activation = Assert.Throws<ArgumentException>(() => new Dense(3, activation: "swishy"));
        Assert.Contains("swishy", activation.Message);
        Assert.Contains("relu", activation.Message);
        var model = new Sequential(new Dense(1, kernelInitializer: "zeros", inputShape: [2]));
        var loss = Assert.Throws<ArgumentException>(() => model.Compile("sgd", "mse_typo"));
        Assert.Contains("mean_squared_error", loss.Message);
        var metric = Assert.Throws<ArgumentException>(() => model.Compile("sgd", "mse", ["maee"]));
        Assert.Contains("mae", metric.Message);
    }

    [Fact]
    public void Out_of_range_arguments_are_rejected_with_the_received_value()
    {
        Assert.Equal(-0.1, Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(learningRate: -0.1)).ActualValue);
        Assert.Equal(1.0, Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.0)).ActualValue);
        Assert.Equal(-0.5, Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(-0.5)).ActualValue);
        Assert.Contains("-0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(-0.5)).Message);
        Assert.Equal(0, Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(0)).ActualValue);
    }

    [Fact]
    public void Dtype_mismatch_is_a_clear_error()
    {
        var model = new Sequential(new Dense(1, kernelInitializer: "zeros", inputShape: [2]));
        model.Compile("sgd", "mse");
        var ex = Assert.Throws<ArgumentException>(() => model.Fit(new Tensor<double>(4, 2), new Tensor<double>(4, 1), verbose: 0));
        Assert.Contains("float32", ex.Message);
        Assert.Contains("float64", ex.Message);
    }

    [Fact]
    public void Training_before_compile_and_mismatched_rows_are_errors()
    {
        var model = new Sequential(new Dense(1, kernelInitializer: "zeros", inputShape: [2]));
        Assert.Contains("Compile", Assert.Throws<InvalidOperationException>(() => model.TrainOnBatch(new Tensor<float>(4, 2), new Tensor<float>(4, 1))).Message);
        model.Compile("sgd", "mse");
        var ex = Assert.Throws<ShapeMismatchException>(() => model.Fit(new Tensor<float>(4, 2), new Tensor<float>(3, 1), verbose: 0));
        Assert.Contains("(3, 1)", ex.Message);
    }

    [Fact]
    public void Duplicate_layer_names_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Sequential(new Dense(1, kernelInitializer: "zeros", name: "a"), new Dense(1, kernelInitializer: "zeros", name: "a")));
    }
}
