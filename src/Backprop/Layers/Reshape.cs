using System.Runtime.CompilerServices;
namespace Backprop.Layers;

/// <summary>Gives each sample a new shape with the same number of elements (one dimension may be −1, inferred);
/// a zero-copy view. Keras <c>layers.Reshape(target_shape)</c>.</summary>
public sealed class Reshape : Layer
{
    private readonly int[] _targetShape;
    private readonly ViewCache _forward = new();
    private readonly ViewCache _backward = new();

    /// <param name="targetShape">Per-sample output shape, e.g. <c>[4, 8]</c> or <c>[-1, 2]</c>.</param>
    /// <param name="inputShape">Per-sample input shape when this is the first layer.</param>
    /// <param name="name">Unique layer name; default "reshape", "reshape_1", ….</param>
    public Reshape(int[] targetShape, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Length is 0 or >= Shape.MaxRank)
        {
            throw new ArgumentException($"Reshape '{Name}': the target shape needs 1 to {Shape.MaxRank - 1} dimensions; got {targetShape.Length}.", nameof(targetShape));
        }

        if (targetShape.Count(d => d == -1) > 1 || targetShape.Any(d => d == 0 || d < -1))
        {
            throw new ArgumentException($"Reshape '{Name}': invalid target shape ({string.Join(", ", targetShape)}); use positive sizes and at most one -1.", nameof(targetShape));
        }

        _targetShape = (int[])targetShape.Clone();
    }

    /// <summary>The requested per-sample shape (may contain −1).</summary>
    public IReadOnlyList<int> TargetShape => _targetShape;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        int known = 1;
        int inferred = -1;
        for (int i = 0; i < _targetShape.Length; i++)
        {
            if (_targetShape[i] == -1)
            {
                inferred = i;
            }
            else
            {
                known *= _targetShape[i];
            }
        }

        int[] dims = (int[])_targetShape.Clone();
        if (inferred >= 0)
        {
            if (inputShape.Length % known != 0)
            {
                throw new ShapeMismatchException($"Reshape '{Name}': cannot reshape per-sample input {inputShape} ({inputShape.Length} elements) to ({string.Join(", ", _targetShape)}).");
            }

            dims[inferred] = inputShape.Length / known;
        }
        else if (known != inputShape.Length)
        {
            throw new ShapeMismatchException($"Reshape '{Name}': cannot reshape per-sample input {inputShape} ({inputShape.Length} elements) to ({string.Join(", ", _targetShape)}) ({known} elements).");
        }

        return new Shape(dims);
    }

    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training) =>
        _forward.View(input, BatchBuffer.WithBatch(input.Shape[0], OutputShape));

    // dx = dy viewed with the input's shape
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient) =>
        needInputGradient ? _backward.View(outputGradient, BatchBuffer.WithBatch(outputGradient.Shape[0], InputShape)) : null;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["target_shape"] = _targetShape.ToArray(),
    };
}
