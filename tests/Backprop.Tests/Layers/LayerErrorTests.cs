using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Tests.Layers;

/// <summary>The per-step methods build their errors in separate helpers (so that their optimised compile stays
/// small); these pin what each error says.</summary>
public sealed class LayerErrorTests
{
    [Fact]
    public void A_scalar_input_names_the_layer()
    {
        var dense = new Dense(3, inputShape: [2], name: "head");
        var e = Assert.Throws<ShapeMismatchException>(() => dense.Forward(new Tensor<float>(Shape.Scalar)));
        Assert.Equal("Layer 'head' (Dense) needs a batch axis; got a scalar.", e.Message);
    }

    [Fact]
    public void Input_of_another_dtype_names_the_layer_and_both_dtypes()
    {
        var dense = new Dense(3, inputShape: [2], name: "head");
        dense.Forward(new Tensor<double>(4, 2));
        var e = Assert.Throws<ArgumentException>(() => dense.Forward(new Tensor<float>(4, 2)));
        Assert.Equal("input", e.ParamName);
        Assert.StartsWith("Layer 'head' (Dense) was built for float64 but received float32 input.", e.Message);
    }

    [Theory]
    [InlineData(7, 3)]
    [InlineData(1, 33)]
    public void Input_of_another_width_names_the_layer_and_both_shapes(int rows, int width)
    {
        var dense = new Dense(3, inputShape: [2], name: "head");
        dense.Forward(new Tensor<float>(5, 2));
        var e = Assert.Throws<ShapeMismatchException>(() => dense.Forward(new Tensor<float>(rows, width)));
        Assert.Equal($"Layer 'head' (Dense) expects input of shape (None, 2) but received ({rows}, {width}).", e.Message);
    }

    [Fact]
    public void Backward_before_forward_says_so()
    {
        var dense = new Dense(3, inputShape: [2], name: "head");
        dense.Build(new Shape(2));
        var e = Assert.Throws<InvalidOperationException>(() => dense.Backward(new Tensor<float>(4, 3)));
        Assert.Equal("Layer 'head': Backward needs a Forward of the same dtype first.", e.Message);
    }

    [Fact]
    public void An_output_gradient_of_the_wrong_shape_names_both_shapes()
    {
        var dense = new Dense(3, inputShape: [2], name: "head");
        dense.Forward(new Tensor<float>(4, 2), training: true);
        var e = Assert.Throws<ShapeMismatchException>(() => dense.Backward(new Tensor<float>(4, 7)));
        Assert.Equal("Layer 'head' (Dense): the output gradient has shape (4, 7) but the last output had (4, 3).", e.Message);
    }

    [Fact]
    public void A_model_given_another_dtype_or_a_scalar_says_which()
    {
        var model = new Sequential(new Dense(3, inputShape: [2])) { Name = "m" };
        var dtype = Assert.Throws<ArgumentException>(() => model.Forward(new Tensor<double>(4, 2)));
        Assert.Equal("x", dtype.ParamName);
        Assert.StartsWith("Model 'm' computes in float32 but received float64 data; convert it (Tensor.Cast) or create the model with DType.Float64.", dtype.Message);
        var scalar = Assert.Throws<ShapeMismatchException>(() => model.Forward(new Tensor<float>(Shape.Scalar)));
        Assert.Equal("Model 'm': inputs need a batch axis; got a scalar.", scalar.Message);
    }

    [Theory]
    [InlineData(-1, 2)]
    [InlineData(3, 3)]
    [InlineData(0, 6)]
    public void Rows_outside_the_tensor_name_the_range_and_the_shape(int start, int count)
    {
        var x = new Tensor<float>(5, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => x.SliceRows(start, count));
        Assert.Equal("start", e.ParamName);
        Assert.StartsWith($"Rows [{start}, {start + count}) are outside axis 0 of shape (5, 3).", e.Message);
        var view = x.SliceRows(0, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => view.RebindRows(x, start, count));
        Assert.Equal(new Shape(1, 3), view.Shape);
    }

    [Fact]
    public void A_trainer_without_a_model_says_how_to_attach_it()
    {
        var trainer = new Trainer(new SGD(), new MeanSquaredError());
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Model);
        Assert.Equal("This Trainer is not attached to a model: pass it to model.Compile(trainer).", e.Message);
    }
}
