using System.Globalization;
using Backprop.Data;
using Backprop.Data.Datasets;
using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Optimizers;
using Backprop.Plots;
using Backprop.Training;

namespace Backprop.Labs.MnistGradients;

/// <summary>Issue item 3: backpropagation written by hand with tensor operations for the last two layers of a
/// sigmoid MLP on MNIST, compared with the engine's own gradients.</summary>
public sealed class MnistGradientsLab : ILab
{
    /// <summary>The exercise's batch: the first 16 training examples.</summary>
    public const int BatchSize = 16;

    /// <summary>The exercise's bound on max |hand − engine| in float64.</summary>
    public const double Tolerance = 1e-6;

    private const int Classes = 10;

    // What Mnist.Load reads from a cache folder: Keras's mnist.npz, or the four IDX files.
    private static readonly string[] s_fullMnistFiles =
        ["mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"];

    public string Name => "mnist-gradients";

    public string Summary => "Backpropagation by hand (tensor operations only) for the last two layers of an MNIST sigmoid MLP, checked against the engine's ComputeGradients.";

    /// <summary>∂L/∂W and ∂L/∂b of the output layer (W³, b³) and of the second hidden layer (W², b²), kernels in
    /// Keras's (inputs, units) layout, and the loss L they belong to.</summary>
    public sealed record HandGradients(Tensor<double> OutputKernel, Tensor<double> OutputBias, Tensor<double> HiddenKernel, Tensor<double> HiddenBias, double Loss);

    /// <summary>The exercise's model in float64: Flatten(28, 28) → Dense(64) → sigmoid → Dense(64) → sigmoid →
    /// Dense(10) → softmax, Glorot-uniform kernels seeded from <paramref name="seed"/>, zero biases, compiled with
    /// categorical cross-entropy and SGD.</summary>
    public static Sequential CreateModel(int seed)
    {
        var model = new Sequential(
            DType.Float64,
            new Flatten(inputShape: [28, 28]),
            new Dense(64, kernelInitializer: new GlorotUniform(seed)),
            new Activation("sigmoid"),
            new Dense(64, kernelInitializer: new GlorotUniform(seed + 1)),
            new Activation("sigmoid"),
            new Dense(Classes, kernelInitializer: new GlorotUniform(seed + 2)),
            new Activation("softmax"));
        model.Compile(new SGD(), new CategoricalCrossentropy());
        return model;
    }

    /// <summary>The gradients of L = −(1/n) Σᵢ Σₖ yᵢₖ log pᵢₖ (mean categorical cross-entropy) with respect to the
    /// last two Dense layers, by hand with tensor operations only (no engine backward pass), from the weights of
    /// <paramref name="model"/> (read with GetWeights):
    /// <code>
    /// a¹ = σ(x W¹ + b¹),  a² = σ(a¹ W² + b²),  p = softmax(a² W³ + b³)
    /// δ³ = (p − y)/n;                   ∂L/∂W³ = a²ᵀ δ³;  ∂L/∂b³ = Σᵢ δ³
    /// δ² = (δ³ W³ᵀ) ⊙ a² ⊙ (1 − a²);     ∂L/∂W² = a¹ᵀ δ²;  ∂L/∂b² = Σᵢ δ²
    /// </code>
    /// Rows of x and y are samples; x is (n, 28, 28) or (n, 784), y one-hot (n, 10).</summary>
    /// <exception cref="ArgumentException">The model is not Flatten → Dense → sigmoid → Dense → sigmoid → Dense → softmax with biases and linear Dense layers.</exception>
    /// <exception cref="ShapeMismatchException">x or y does not fit the model.</exception>
    public static HandGradients Grads(Sequential model, Tensor<double> inputs, Tensor<double> yTrue)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(yTrue);
        CheckArchitecture(model);
        int n = inputs.Shape[0];
        if (yTrue.Shape != new Shape(n, Classes))
        {
            throw new ShapeMismatchException($"Grads: y must be one-hot of shape ({n}, {Classes}) for {n} inputs; got {yTrue.Shape}.");
        }

        var weights = model.GetWeights().Cast<Tensor<double>>().ToArray();
        var (w1, b1, w2, b2, w3, b3) = (weights[0], weights[1], weights[2], weights[3], weights[4], weights[5]);
        var x = inputs.Reshape(n, -1);

        // Forward pass.
        var a1 = Ops.Sigmoid(Ops.MatMul(x, w1) + b1);
        var a2 = Ops.Sigmoid(Ops.MatMul(a1, w2) + b2);
        var p = Ops.Softmax(Ops.MatMul(a2, w3) + b3);
        double loss = -Ops.Sum(yTrue * Ops.Log(p)) / n;

        // Output layer: softmax and cross-entropy together give ∂L/∂z³ = (p − y)/n.
        var delta3 = (p - yTrue) / n;
        var dW3 = Ops.MatMul(a2, delta3, transposeA: true);
        var db3 = Ops.Sum(delta3, axis: 0);

        // Second hidden layer: back through W³, then through the sigmoid, σ′(z²) = a²(1 − a²).
        var delta2 = Ops.MatMul(delta3, w3, transposeB: true) * a2 * (-a2 + 1.0);
        var dW2 = Ops.MatMul(a1, delta2, transposeA: true);
        var db2 = Ops.Sum(delta2, axis: 0);
        return new HandGradients(dW3, db3, dW2, db2, loss);
    }

    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (split, source) = LoadMnist(context.DataDirectory);
        var images = split.XTrain.SliceRows(0, BatchSize);
        var labels = split.YTrain.SliceRows(0, BatchSize);
        var x = Images.ScalePixels<double>(images);
        var y = OneHot.ToCategorical<byte, double>(labels, Classes);
        context.Setting("batch", $"first {BatchSize} training examples, no shuffling");
        context.Setting("data", source);
        context.Setting("dtype", "float64");
        context.Setting("kernel_initializer", $"glorot_uniform, seeds {context.Seed}, {context.Seed + 1}, {context.Seed + 2}");

        context.Section("Model and data");
        var model = CreateModel(context.Seed);
        context.Paragraph(
            $"Data: {source}. Pixels scaled to [0, 1] (x / 255), labels one-hot; the batch is the first {BatchSize} training examples in file order, " +
            $"labels {string.Join(" ", labels.ToArray().Select(l => l.ToString(CultureInfo.InvariantCulture)))}. " +
            "The model computes in float64 with seeded Glorot-uniform kernels and zero biases; L is the mean categorical cross-entropy over the batch.");
        context.Code(model.Summary());

        context.Section("Gradients by hand");
        context.Paragraph(
            "Grads(model, inputs, yTrue) reads the weights with GetWeights and uses only tensor operations (Ops.MatMul, Ops.Sigmoid, Ops.Softmax, Ops.Sum, element-wise arithmetic): " +
            "a forward pass, then δ³ = (p − y)/n, ∂L/∂W³ = a²ᵀδ³, ∂L/∂b³ = Σ δ³, δ² = (δ³W³ᵀ) ⊙ a²(1 − a²), ∂L/∂W² = a¹ᵀδ², ∂L/∂b² = Σ δ². " +
            "The engine's gradients come from model.ComputeGradients, the same backward passes Fit uses.");
        var hand = Grads(model, x, y);
        var engine = model.ComputeGradients(x, y);
        var dense = model.Layers.OfType<Dense>().ToArray();
        var pairs = new (string Name, Tensor<double> Hand, Tensor<double> Engine)[]
        {
            ("∂L/∂W³ (output kernel)", hand.OutputKernel, (Tensor<double>)engine[$"{dense[2].Name}/kernel"]),
            ("∂L/∂b³ (output bias)", hand.OutputBias, (Tensor<double>)engine[$"{dense[2].Name}/bias"]),
            ("∂L/∂W² (hidden kernel)", hand.HiddenKernel, (Tensor<double>)engine[$"{dense[1].Name}/kernel"]),
            ("∂L/∂b² (hidden bias)", hand.HiddenBias, (Tensor<double>)engine[$"{dense[1].Name}/bias"]),
        };
        string[] keys = ["W3", "b3", "W2", "b2"];
        var rows = new List<IReadOnlyList<object?>>();
        double overall = 0;
        for (int i = 0; i < pairs.Length; i++)
        {
            var (name, h, e) = pairs[i];
            double difference = MaxAbsoluteDifference(h, e);
            overall = Math.Max(overall, difference);
            rows.Add([name, h.Shape.ToString(), Norm(h), Norm(e), Scientific(difference), FirstEntries(h, 3)]);
            context.Record($"hand.{keys[i]}.norm", Norm(h));
            context.Record($"engine.{keys[i]}.norm", Norm(e));
            context.Record($"max_abs_difference.{keys[i]}", difference);
        }

        context.Table("Hand-written against engine gradients", ["gradient", "shape", "‖hand‖", "‖engine‖", "max |hand − engine|", "first entries (hand)"], rows);
        var engineOutputBias = pairs[1].Engine;
        context.Table("∂L/∂b³ entry by entry: Σ over the batch of (p − y)/n for each digit", ["digit k", "∂L/∂b³ₖ by hand", "∂L/∂b³ₖ engine", "hand − engine"],
            Enumerable.Range(0, Classes).Select(k => (IReadOnlyList<object?>)
            [
                k,
                hand.OutputBias[k].ToString("G10", CultureInfo.InvariantCulture),
                engineOutputBias[k].ToString("G10", CultureInfo.InvariantCulture),
                Scientific(hand.OutputBias[k] - engineOutputBias[k]),
            ]));
        context.Record("max_abs_difference", overall);
        context.Record("loss.hand", hand.Loss);
        context.Record("loss.engine", engine.Loss);
        context.Record("data.source", source);
        context.Record("batch.labels", labels.ToArray().Select(l => (int)l).ToArray());
        double largestEntry = pairs.Max(pair => Ops.Max(Ops.Abs(pair.Engine)));
        context.Record("max_relative_difference", overall / largestEntry);
        context.Finding(
            $"The largest difference over the four tensors is {Scientific(overall)}, {(overall < Tolerance ? "below" : "ABOVE")} the exercise's bound {Scientific(Tolerance)}; " +
            $"relative to the largest gradient entry ({largestEntry.ToString("G3", CultureInfo.InvariantCulture)}) it is {Scientific(overall / largestEntry)}, " +
            $"{(overall / largestEntry < 1e-13 ? "the size of float64 rounding: the engine's backward passes and the hand derivation compute the same numbers" : "larger than float64 rounding alone would explain")}. " +
            $"The losses agree too: {hand.Loss.ToString("R", CultureInfo.InvariantCulture)} by hand, {engine.Loss.ToString("R", CultureInfo.InvariantCulture)} from the engine.");

        // A comparison that would pass anything proves nothing: a plausible slip, transposing ∂L/∂W², must show up.
        double transposedDifference = MaxAbsoluteDifference(Transpose(hand.HiddenKernel), pairs[2].Engine);
        context.Record("mutant.transposed_W2_difference", transposedDifference);
        context.Finding(
            $"The check can fail: ∂L/∂W² with its indices swapped (a transposition slip) differs from the engine by {Scientific(transposedDifference)}, " +
            $"{(transposedDifference / Tolerance).ToString("G2", CultureInfo.InvariantCulture)} times the bound.");

        context.Section("How large are the gradients per layer?");
        double firstLayer = Norm((Tensor<double>)engine[$"{dense[0].Name}/kernel"]);
        double second = Norm(hand.HiddenKernel);
        double third = Norm(hand.OutputKernel);
        context.Table("Kernel gradient norms (first layer from the engine, the others by hand)", ["layer", "kernel shape", "‖∂L/∂W‖", "per weight (RMS)"],
        [
            ["Dense 1", dense[0].Kernel.Shape.ToString(), firstLayer, firstLayer / Math.Sqrt(dense[0].Kernel.Value.Length)],
            ["Dense 2", dense[1].Kernel.Shape.ToString(), second, second / Math.Sqrt(dense[1].Kernel.Value.Length)],
            ["Dense 3", dense[2].Kernel.Shape.ToString(), third, third / Math.Sqrt(dense[2].Kernel.Value.Length)],
        ]);
        context.Record("engine.W1.norm", firstLayer);
        double rms1 = firstLayer / Math.Sqrt(dense[0].Kernel.Value.Length);
        double rms2 = second / Math.Sqrt(dense[1].Kernel.Value.Length);
        double rms3 = third / Math.Sqrt(dense[2].Kernel.Value.Length);
        context.Finding(
            $"Per weight (RMS), the kernel gradient shrinks going backwards: the second layer's is {(rms2 / rms3).ToString("G3", CultureInfo.InvariantCulture)} times the output layer's, " +
            $"the first layer's {(rms1 / rms2).ToString("G3", CultureInfo.InvariantCulture)} times the second's. Each step back through a sigmoid multiplies δ by σ′ = a(1 − a) ≤ ¼, " +
            "which is how gradients vanish in deep sigmoid networks (the first layer's inputs, pixels that are mostly 0, shrink its gradient further).");

        context.Figure(Charts.Heatmap(hand.HiddenKernel, "∂L/∂W² (64 × 64)", "∂L/∂w"), "dW2",
            "∂L/∂W² by hand, one cell per weight (the colour bar gives the gradient value): row i is hidden unit i of the first layer, column j unit j of the second. The matrix is the sum over the 16 samples of the outer products a¹⁽ˢ⁾δ²⁽ˢ⁾ᵀ.");
        context.Figure(Charts.Heatmap(hand.OutputKernel, "∂L/∂W³ (64 × 10)", "∂L/∂w"), "dW3",
            "∂L/∂W³ by hand: row i is hidden unit i of the second layer, column k the output for digit k. Column k is Σₛ (pₖ⁽ˢ⁾ − yₖ⁽ˢ⁾)·a²⁽ˢ⁾ / n.");
    }

    private static void CheckArchitecture(Sequential model)
    {
        var layers = model.Layers;
        bool matches = layers.Count == 7
            && layers[0] is Flatten
            && layers[1] is Dense { UseBias: true, Activation: Activations.Linear }
            && layers[2] is Activation { Function: Activations.Sigmoid }
            && layers[3] is Dense { UseBias: true, Activation: Activations.Linear }
            && layers[4] is Activation { Function: Activations.Sigmoid }
            && layers[5] is Dense { UseBias: true, Activation: Activations.Linear, Units: Classes }
            && layers[6] is Activation { Function: Activations.Softmax }
            && model.DType == DType.Float64
            && model.IsBuilt;
        if (!matches)
        {
            throw new ArgumentException(
                $"Grads is written for a built float64 Flatten → Dense → sigmoid → Dense → sigmoid → Dense({Classes}) → softmax model; '{model.Name}' has " +
                $"{string.Join(" → ", layers.Select(l => l is Activation a ? a.Function.Name : l.GetType().Name))} ({model.DType.Name()}{(model.IsBuilt ? "" : ", not built")}).",
                nameof(model));
        }
    }

    private static (DataSplit<byte, byte> Split, string Source) LoadMnist(string? dataDirectory)
    {
        var cache = new DataCache(dataDirectory);
        if (cache.Contains(Mnist.KerasFile.RelativePath) || s_fullMnistFiles.All(cache.Contains))
        {
            return (Mnist.Load(cache), $"full MNIST (60,000 training images) from {cache.Folder}");
        }

        return (Mnist.LoadSubset(), $"the 10,000-digit MNIST subset shipped with the library (full MNIST is not in {cache.Folder})");
    }

    private static double MaxAbsoluteDifference(Tensor<double> a, Tensor<double> b)
    {
        if (a.Shape != b.Shape)
        {
            throw ShapeMismatchException.For("MaxAbsoluteDifference", a.Shape, b.Shape);
        }

        return Ops.Max(Ops.Abs(a - b));
    }

    private static double Norm(Tensor<double> t) => Math.Sqrt(Ops.Sum(Ops.Square(t)));

    internal static Tensor<double> Transpose(Tensor<double> matrix)
    {
        var result = new Tensor<double>(matrix.Shape[1], matrix.Shape[0]);
        for (int i = 0; i < matrix.Shape[0]; i++)
        {
            for (int j = 0; j < matrix.Shape[1]; j++)
            {
                result[j, i] = matrix[i, j];
            }
        }

        return result;
    }

    private static string FirstEntries(Tensor<double> t, int count) =>
        string.Join(", ", t.AsSpan()[..Math.Min(count, t.Length)].ToArray().Select(v => v.ToString("G4", CultureInfo.InvariantCulture)));

    private static string Scientific(double value) => value == 0 ? "0" : value.ToString("0.##E+0", CultureInfo.InvariantCulture);
}
