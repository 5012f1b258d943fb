using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>A (semi-)orthogonal matrix times gain, as Keras <c>Orthogonal(gain=1.0, seed=None)</c>
/// (<c>"orthogonal"</c>): the shape is flattened to (rows = product of all but the last axis, cols = last axis); a
/// standard normal (max(rows, cols), min(rows, cols)) matrix A is factored A = QR; Q's columns are multiplied by
/// sign(diag R) (so the distribution is uniform over orthogonal matrices); Q is transposed when rows &lt; cols.
/// So WᵀW = gain²·I when rows ≥ cols and WWᵀ = gain²·I otherwise. PyTorch <c>nn.init.orthogonal_</c> does the same
/// on the (out, in) layout.</summary>
public sealed class Orthogonal : Initializer
{
    /// <summary>A random (semi-)orthogonal matrix times <paramref name="gain"/>.</summary>
    /// <param name="gain">The scale of the orthogonal matrix (Keras default 1).</param>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    public Orthogonal(double gain = 1.0, int? seed = null)
    {
        Gain = InitializerChecks.Finite(gain, nameof(gain));
        Seed = seed;
    }

    /// <summary>The scale: WᵀW = gain²·I (or WWᵀ for wide matrices).</summary>
    public double Gain { get; }

    /// <summary>The seed that fixes the draw, or null for the library-wide stream.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override string Name => "orthogonal";

    /// <inheritdoc/>
    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
        {
            throw new ArgumentException($"The orthogonal initializer needs a tensor of rank 2 or more, got shape {tensor.Shape}.", nameof(tensor));
        }

        int cols = tensor.Shape[-1];
        int rows = tensor.Length / Math.Max(cols, 1);
        int tall = Math.Max(rows, cols);
        int wide = Math.Min(rows, cols);
        if (wide == 0)
        {
            return;
        }

        double[] q = InitializerRandom.NormalMatrix(tall * wide, Seed);
        OrthonormaliseColumns(q, tall, wide);

        var destination = tensor.AsSpan();
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                // Q is tall × wide row-major; when rows < cols the result is Qᵀ.
                double value = rows >= cols ? q[i * wide + j] : q[j * wide + i];
                destination[i * cols + j] = T.CreateTruncating(Gain * value);
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["gain"] = Gain, ["seed"] = Seed };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Orthogonal(gain={Gain}, seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    // Gram–Schmidt with a second orthogonalisation pass ("twice is enough", Giraud et al. 2005), in place on the
    // columns of the row-major m × n matrix a. It yields the Q of the QR factorisation whose R has a positive
    // diagonal — exactly Householder's Q after Keras's sign(diag R) correction.
    private static void OrthonormaliseColumns(double[] a, int m, int n)
    {
        for (int j = 0; j < n; j++)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                for (int k = 0; k < j; k++)
                {
                    double dot = 0;
                    for (int i = 0; i < m; i++)
                    {
                        dot += a[i * n + k] * a[i * n + j];
                    }

                    for (int i = 0; i < m; i++)
                    {
                        a[i * n + j] -= dot * a[i * n + k];
                    }
                }
            }

            double norm = 0;
            for (int i = 0; i < m; i++)
            {
                norm += a[i * n + j] * a[i * n + j];
            }

            norm = Math.Sqrt(norm);
            for (int i = 0; i < m; i++)
            {
                a[i * n + j] /= norm;
            }
        }
    }

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static Orthogonal FromConfig(ConfigReader config) => new(config.Double("gain", 1.0), config.NullableInt("seed"));
}
