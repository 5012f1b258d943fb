using System.Numerics;

namespace Backprop.Metrics;

/// <summary>Mean of |ŷ − y| over every element seen. Keras <c>MeanAbsoluteError</c> (<c>"mae"</c>).</summary>
public sealed class MeanAbsoluteError : Metric
{
    private double _sum;
    private long _count;

    public MeanAbsoluteError(string name = "mean_absolute_error")
    {
        Name = name;
    }

    public override string Name { get; }

    public override void Reset()
    {
        _sum = 0;
        _count = 0;
    }

    public override void Update<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yTrue.Length != yPred.Length)
        {
            throw ShapeMismatchException.For($"{Name} (y_true vs y_pred)", yTrue.Shape, yPred.Shape);
        }

        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        for (int i = 0; i < p.Length; i++)
        {
            _sum += Math.Abs(double.CreateTruncating(p[i] - t[i]));
        }

        _count += p.Length;
    }

    public override double Result() => _count == 0 ? 0 : _sum / _count;
}
