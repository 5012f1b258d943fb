namespace Backprop.Labs.VanishingGradients;

/// <summary>One trained network of the lab.</summary>
/// <param name="History">Loss and accuracy per epoch (training: running over the epoch; validation: after it).</param>
/// <param name="Final">Loss and accuracy of the trained network on train, val and test ("train_loss", …), in inference mode, penalties included.</param>
/// <param name="GradientNorms">Mean ‖∂L/∂W‖ per Dense kernel (input to output) for each epoch.</param>
/// <param name="KernelBefore">The first layer's kernel at initialisation, (784, 100) row-major.</param>
/// <param name="KernelAfter">The first layer's kernel after training.</param>
/// <param name="BiasBefore">The first layer's biases at initialisation.</param>
/// <param name="BiasAfter">The first layer's biases after training.</param>
/// <param name="MeanAbsKernel">Mean |w| over every kernel of the trained network.</param>
internal sealed record VanishingRun(
    IReadOnlyDictionary<string, IReadOnlyList<double>> History,
    IReadOnlyDictionary<string, double> Final,
    IReadOnlyList<double[]> GradientNorms,
    float[] KernelBefore,
    float[] KernelAfter,
    float[] BiasBefore,
    float[] BiasAfter,
    double MeanAbsKernel)
{
    /// <summary>‖W₁ after − W₁ before‖ / ‖W₁ before‖.</summary>
    public double KernelChange => Norm(KernelAfter.Zip(KernelBefore, (a, b) => (double)a - b)) / Norm(KernelBefore.Select(v => (double)v));

    /// <summary>Mean |b₁ after − b₁ before|.</summary>
    public double MeanBiasChange => BiasAfter.Zip(BiasBefore, (a, b) => Math.Abs((double)a - b)).Average();

    private static double Norm(IEnumerable<double> values) => Math.Sqrt(values.Sum(v => v * v));
}
