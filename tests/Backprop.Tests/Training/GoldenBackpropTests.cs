using System.Numerics;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>One SGD step of a 2-4-1 ReLU network worked out by hand.
/// <para>W¹ (PyTorch (out, in) layout) = [[1,2],[0,−1],[−1,−3],[−2,2]], b¹ = (−2,2,0,−2); W² = (1,0,−1,2), b² = −2.
/// Keras kernels are the transposes: kernel¹ (2, 4), kernel² (4, 1).</para>
/// <para>Forward, sample 1, x = (−1, 1), target 1:
///   z¹ = W¹x + b¹ = (1−2, −1+2, 1−3+0, 2+2−2) = (−1, 1, −2, 2); a¹ = relu(z¹) = (0, 1, 0, 2);
///   ŷ = W²·a¹ + b² = 0 + 0 − 0 + 4 − 2 = 2; error ŷ − y = 1.
/// Sample 2, x = (2, −1), target −1:
///   z¹ = (2−2−2, 0+1+2, −2+3+0, −4−2−2) = (−2, 3, 1, −8); a¹ = (0, 3, 1, 0);
///   ŷ = 0 + 0 − 1 + 0 − 2 = −3; error = −2.</para>
/// <para>Loss ½·Σ(ŷ−y)² averaged over the batch = (½·1 + ½·4)/2 = 1.25 (MSE = 2.5, exactly twice).
/// Output deltas δ² = ∂L/∂ŷ = (ŷ − y)/n = (0.5, −1).
///   dW² = Σ δ²·a¹ = 0.5·(0,1,0,2) − (0,3,1,0) = (0, −2.5, −1, 1); db² = 0.5 − 1 = −0.5.
/// Hidden deltas δ¹ = (W²ᵀδ²) ⊙ [z¹ &gt; 0]:
///   sample 1: 0.5·(1,0,−1,2) = (0.5,0,−0.5,1) ⊙ (0,1,0,1) = (0,0,0,1);
///   sample 2: −1·(1,0,−1,2) = (−1,0,1,−2) ⊙ (0,1,1,0) = (0,0,1,0).
///   dW¹ = Σ δ¹xᵀ: row 4 += (−1, 1) from sample 1, row 3 += (2, −1) from sample 2 → [[0,0],[0,0],[2,−1],[−1,1]];
///   db¹ = (0, 0, 1, 1).</para>
/// <para>SGD η = 0.5: W¹ ← [[1,2],[0,−1],[−2,−2.5],[−1.5,1.5]]; b¹ ← (−2, 2, −0.5, −2.5);
/// W² ← (1, 1.25, −0.5, 1.5); b² ← −2 + 0.25 = −1.75.
/// With Backprop's MSE (twice the half-loss, so twice the gradient) η = 0.25 gives the same update.</para></summary>
public sealed class GoldenBackpropTests
{
    private static readonly double[] s_kernel1 = [1, 0, -1, -2, 2, -1, -3, 2]; // W¹ᵀ, (2, 4)
    private static readonly double[] s_bias1 = [-2, 2, 0, -2];
    private static readonly double[] s_kernel2 = [1, 0, -1, 2]; // W²ᵀ, (4, 1)

    private static readonly double[] s_expectedKernel1 = [1, 0, -2, -1.5, 2, -1, -2.5, 1.5]; // updated W¹ transposed
    private static readonly double[] s_expectedBias1 = [-2, 2, -0.5, -2.5];
    private static readonly double[] s_expectedKernel2 = [1, 1.25, -0.5, 1.5];

    [Fact]
    public void Forward_pass_matches_the_hand_derivation()
    {
        var model = Build(DType.Float64);
        var hidden = model.Layers[0].Forward(X(), training: false);
        Assert.Equal([0, 1, 0, 2, 0, 3, 1, 0], hidden.ToArray());
        Assert.Equal([2.0, -3.0], model.Predict(X()).ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_sgd_step_with_half_mse_and_eta_half_matches_the_hand_derivation(bool float64)
    {
        var model = Build(float64 ? DType.Float64 : DType.Float32);
        model.Compile(new SGD(learningRate: 0.5), new HalfSquaredError());
        double loss = float64 ? model.TrainOnBatch(X(), Y()) : model.TrainOnBatch(Tensor.Cast<double, float>(X()), Tensor.Cast<double, float>(Y()));
        Assert.Equal(1.25, loss, 12);
        AssertUpdated(model);
    }

    [Fact]
    public void One_sgd_step_with_mse_and_eta_quarter_gives_the_same_weights()
    {
        var model = Build(DType.Float64);
        model.Compile(new SGD(learningRate: 0.25), "mse");
        Assert.Equal(2.5, model.TrainOnBatch(X(), Y()), 12);
        AssertUpdated(model);
    }

    [Fact]
    public void ComputeGradients_returns_the_hand_derived_gradients_without_applying_them()
    {
        var model = Build(DType.Float64);
        model.Compile(new SGD(learningRate: 0.5), new HalfSquaredError());
        var g = model.ComputeGradients(X(), Y());
        Assert.Equal(1.25, g.Loss, 12);
        Assert.Equal([0, 0, 2, -1, 0, 0, -1, 1], g[$"{model.Layers[0].Name}/kernel"].ToArray()); // dW¹ᵀ
        Assert.Equal([0, 0, 1, 1], g[$"{model.Layers[0].Name}/bias"].ToArray());
        Assert.Equal([0, -2.5, -1, 1], g[$"{model.Layers[1].Name}/kernel"].ToArray());
        Assert.Equal([-0.5], g[$"{model.Layers[1].Name}/bias"].ToArray());
        Assert.Equal(s_kernel1, model.Layers[0].GetWeights()[0].ToArray());
    }

    private static void AssertUpdated(Sequential model)
    {
        var w = model.GetWeights();
        Assert.Equal(s_expectedKernel1, w[0].ToArray());
        Assert.Equal(s_expectedBias1, w[1].ToArray());
        Assert.Equal(s_expectedKernel2, w[2].ToArray());
        Assert.Equal([-1.75], w[3].ToArray());
    }

    private static Sequential Build(DType dtype)
    {
        var model = new Sequential(dtype,
            new Dense(4, activation: "relu", kernelInitializer: "zeros", inputShape: [2]),
            new Dense(1, kernelInitializer: "zeros"));
        model.SetWeights(Tensor.From(s_kernel1, 2, 4), Tensor.From(s_bias1, 4), Tensor.From(s_kernel2, 4, 1), Tensor.From([-2.0], 1));
        return model;
    }

    private static Tensor<double> X() => Tensor.From([-1.0, 1, 2, -1], 2, 2);

    private static Tensor<double> Y() => Tensor.From([1.0, -1], 2, 1);

    /// <summary>L = ½·Σ_outputs (ŷ − y)², averaged over the batch.</summary>
    private sealed class HalfSquaredError : Loss
    {
        public override string Name => "half_squared_error";

        public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
        {
            int n = CheckShapes(yTrue, yPred);
            double sum = 0;
            for (int i = 0; i < yPred.Length; i++)
            {
                double d = double.CreateTruncating(yPred.AsSpan()[i] - yTrue.AsSpan()[i]);
                sum += 0.5 * d * d;
            }

            return sum / n;
        }

        public override void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient)
        {
            int n = CheckShapes(yTrue, yPred);
            for (int i = 0; i < yPred.Length; i++)
            {
                gradient.AsSpan()[i] = (yPred.AsSpan()[i] - yTrue.AsSpan()[i]) / T.CreateChecked(n);
            }
        }
    }
}
