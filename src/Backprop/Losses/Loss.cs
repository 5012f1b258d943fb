using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Losses;

/// <summary>A loss: the mean over the batch of a per-sample loss (Keras's <c>sum_over_batch_size</c> reduction),
/// and its gradient with respect to the predictions. A string converts to a loss by its Keras name or alias:
/// <c>loss: "mse"</c>. When y_true has one rank fewer than y_pred (labels (n,) against predictions (n, 1)), it
/// is read with a trailing axis of 1, as Keras does.</summary>
public abstract class Loss
{
    /// <summary>The Keras name ("mean_squared_error", …).</summary>
    public abstract string Name { get; }

    /// <summary>The mean loss over the batch, accumulated in double.</summary>
    public abstract double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Writes ∂(mean loss)/∂y_pred into <paramref name="gradient"/> (y_pred's shape).</summary>
    public abstract void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Arguments that recreate this loss (for configs).</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    /// <summary>The loss with this Keras name or alias; an unknown name throws, listing the valid ones.</summary>
    public static Loss Get(string name) => LossRegistry.Create(name);

    /// <summary>A loss by its Keras name or alias, so <c>loss: "mse"</c> works (see <see cref="Get"/>).</summary>
    public static implicit operator Loss(string name) => Get(name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Checks that y_true fits y_pred (same length, rank equal or one less) and returns the batch size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected int CheckShapes<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        bool rankOk = yTrue.Rank == yPred.Rank || yTrue.Rank == yPred.Rank - 1;
        if (!rankOk || yTrue.Length != yPred.Length || yPred.Rank == 0)
        {
            throw ShapeMismatchException.For($"{Name} (y_true vs y_pred)", yTrue.Shape, yPred.Shape);
        }

        return yPred.Shape[0];
    }

    /// <summary>Keras's clipping bound for probabilities (<c>keras.backend.epsilon()</c>).</summary>
    protected const double Epsilon = 1e-7;

    /// <summary>Checks shapes as <see cref="CheckShapes{T}"/> and returns the number of per-sample losses: the
    /// element count over the size of the last axis, over which Keras's loss functions reduce.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected int CheckShapesAndCountRows<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(yTrue, yPred);
        int last = yPred.Shape[-1];
        return last == 0 ? 0 : yPred.Length / last;
    }

    /// <summary>Checks that <paramref name="gradient"/> has y_pred's shape.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void CheckGradientShape<T>(Tensor<T> yPred, Tensor<T> gradient, string role = "gradient") where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (gradient.Shape != yPred.Shape)
        {
            throw ShapeMismatchException.For($"{Name} (y_pred vs {role})", yPred.Shape, gradient.Shape);
        }
    }
}
