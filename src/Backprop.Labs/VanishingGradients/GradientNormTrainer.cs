using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Metrics;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.VanishingGradients;

/// <summary>Fit's train step with one addition: after the backward pass and before the regularisation gradients
/// are added, it measures ‖∂L/∂W‖ of every Dense kernel, so the norms are those of the data loss alone. Call
/// <see cref="EndEpoch"/> at each epoch's end to keep the epoch's mean norm per layer.</summary>
public sealed class GradientNormTrainer(Optimizer optimizer, Loss loss, IReadOnlyList<Metric>? metrics = null) : Trainer(optimizer, loss, metrics)
{
    private readonly List<double[]> _perEpoch = [];
    private readonly BatchBuffer _lossGradient = new();
    private double[]? _sums;
    private int _steps;

    /// <summary>Mean ‖∂L/∂W‖ per Dense kernel (input to output) over each finished epoch's steps.</summary>
    public IReadOnlyList<double[]> PerEpoch => _perEpoch;

    /// <inheritdoc/>
    protected override double TrainStep<T>(Tensor<T> x, Tensor<T> y)
    {
        Tensor<T>? output = null;
        double value = Optimizer.Step(() =>
        {
            Model.ZeroGradients();
            output = Model.Forward(x, training: true);
            double lossValue = ComputeLoss(y, output);
            var gradient = _lossGradient.Rows<T>(output.Shape[0], Model.Layers[^1].OutputShape);
            Loss.Backward(y, output, gradient);
            Model.Backward(gradient);
            AddNorms<T>();
            Model.AddRegularizationGradients();
            return lossValue;
        }, TrainableParameters);
        UpdateMetrics(y, output!);
        return value;
    }

    /// <summary>Closes an epoch: stores the mean of its steps' norms and starts the next.</summary>
    public void EndEpoch()
    {
        if (_sums is not null && _steps > 0)
        {
            _perEpoch.Add(_sums.Select(s => s / _steps).ToArray());
        }

        _sums = null;
        _steps = 0;
    }

    private void AddNorms<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernels = Model.Layers.OfType<Dense>().ToArray();
        _sums ??= new double[kernels.Length];
        for (int i = 0; i < kernels.Length; i++)
        {
            var g = kernels[i].Kernel.GradientAs<T>().AsSpan();
            _sums[i] += Math.Sqrt(double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(g)));
        }

        _steps++;
    }
}
