using System.Globalization;
using Backprop.Data.Datasets;
using Backprop.Data;
using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Plots;
using Backprop.Training;

namespace Backprop.Labs.MnistGradients;

/// <summary>Course 000, Question 3: backpropagation written by hand with tensor operations for the last two layers
/// of a sigmoid MLP on the first 16 MNIST training digits, compared with the engine's own gradients in float64; then
/// the course's own <c>grads</c> rebuilt with its three slips, what each slip costs against the engine, and its
/// printout's shapes and magnitudes against this run's.</summary>
public sealed class MnistGradientsLab : ILab
{
    /// <summary>The exercise's batch: the first 16 training examples.</summary>
    public const int BatchSize = 16;

    /// <summary>Random initialisations over which the magnitudes of the course's printout are judged (its own
    /// initialisation was unseeded: one draw from the same distribution).</summary>
    public const int Initialisations = 20;

    private const int Classes = 10;

    /// <summary>The name typed on the command line: <c>mnist-gradients</c>.</summary>
    public string Name => "mnist-gradients";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "A hand-written backward pass for an MNIST sigmoid network checked against the engine, and what each slip in the course's gradient code costs.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => MnistGradientsPublished.All;

    /// <summary>∂L/∂W and ∂L/∂b of the output layer (W³, b³) and of the second hidden layer (W², b²), kernels in
    /// Keras's (inputs, units) layout, and the loss L they belong to.</summary>
    public sealed record HandGradients(Tensor<double> OutputKernel, Tensor<double> OutputBias, Tensor<double> HiddenKernel, Tensor<double> HiddenBias, double Loss);

    /// <summary>The exercise's model in float64: Flatten(28, 28) → Dense(64) → sigmoid → Dense(64) → sigmoid →
    /// Dense(10) → softmax, Glorot-uniform kernels seeded from <paramref name="seed"/> (seed, seed + 1, seed + 2),
    /// zero biases, compiled with categorical cross-entropy and SGD.</summary>
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
        var f = ForwardByHand(model, inputs, yTrue);
        int n = f.A1.Shape[0];
        double loss = -Ops.Sum(yTrue * Ops.Log(f.P)) / n;

        // Output layer: softmax and cross-entropy together give ∂L/∂z³ = (p − y)/n.
        var delta3 = (f.P - yTrue) / n;
        var dW3 = Ops.MatMul(f.A2, delta3, transposeA: true);
        var db3 = Ops.Sum(delta3, axis: 0);

        // Second hidden layer: back through W³, then through the sigmoid, σ′(z²) = a²(1 − a²).
        var delta2 = Ops.MatMul(delta3, f.W3, transposeB: true) * f.A2 * (-f.A2 + 1.0);
        var dW2 = Ops.MatMul(f.A1, delta2, transposeA: true);
        var db2 = Ops.Sum(delta2, axis: 0);
        return new HandGradients(dW3, db3, dW2, db2, loss);
    }

    /// <summary>The forward pass by hand (tensor operations on the weights GetWeights returns), after checking the
    /// model and the shapes of x and y.</summary>
    internal static MnistForward ForwardByHand(Sequential model, Tensor<double> inputs, Tensor<double> yTrue)
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
        var a1 = Ops.Sigmoid(Ops.MatMul(x, w1) + b1);
        var a2 = Ops.Sigmoid(Ops.MatMul(a1, w2) + b2);
        var p = Ops.Softmax(Ops.MatMul(a2, w3) + b3);
        return new MnistForward(a1, a2, p, w3);
    }

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var mnist = LabData.Mnist(context);
        var images = mnist.Split.XTrain.SliceRows(0, BatchSize);
        var labels = mnist.Split.YTrain.SliceRows(0, BatchSize);
        var x = Images.ScalePixels<double>(images);
        var y = OneHot.ToCategorical<byte, double>(labels, Classes);
        context.Setting("batch", $"first {BatchSize} training examples, no shuffling");
        context.Setting("data", mnist.Description);
        context.Setting("dtype", "float64");
        context.Setting("kernel_initializer", $"glorot_uniform, seeds {context.Seed}, {context.Seed + 1}, {context.Seed + 2}");
        context.Setting("initialisations_for_the_printout", Initialisations);
        context.Record("data.source", mnist.Description);
        context.Record("batch.labels", labels.ToArray().Select(l => (int)l).ToArray());
        if (context.Quick)
        {
            context.Paragraph("--quick changes nothing here: the lab computes gradients for one batch of 16 digits and needs no training.");
        }

        context.Section("Model and data");
        var model = CreateModel(context.Seed);
        context.Paragraph(
            $"Data: {mnist.Description}. Pixels scaled to [0, 1] (x / 255), labels one-hot; the batch is the first {BatchSize} training examples in file order (as the course took them), " +
            $"labels {string.Join(" ", labels.ToArray().Select(l => l.ToString(CultureInfo.InvariantCulture)))}. " +
            "The model is the course's, Flatten → Dense(64) → sigmoid → Dense(64) → sigmoid → Dense(10) → softmax, with Keras's default initialisation (Glorot-uniform kernels, here seeded; zero biases). " +
            "It computes in float64 (the course's Keras model in float32), so any difference between two correct computations is rounding; L is the mean categorical cross-entropy over the batch, as Keras defines it.");
        context.Code(model.Summary());

        var (hand, engine, dense) = CompareWithEngine(context, model, x, y);
        CourseSlips(context, model, x, y, engine, dense);
        ComparePrintout(context, x, y);
        GradientSizes(context, hand, engine, dense);
    }

    private static (HandGradients Hand, Gradients Engine, Dense[] Dense) CompareWithEngine(LabContext context, Sequential model, Tensor<double> x, Tensor<double> y)
    {
        context.Section("Gradients by hand against the engine");
        context.Paragraph(
            "Grads(model, inputs, yTrue) reads the weights with GetWeights and uses only tensor operations (Ops.MatMul, Ops.Sigmoid, Ops.Softmax, Ops.Sum, element-wise arithmetic): " +
            "a forward pass, then δ³ = (p − y)/n, ∂L/∂W³ = a²ᵀδ³, ∂L/∂b³ = Σ δ³, δ² = (δ³W³ᵀ) ⊙ a²(1 − a²), ∂L/∂W² = a¹ᵀδ², ∂L/∂b² = Σ δ². " +
            "The engine's gradients come from model.ComputeGradients, the same backward passes Fit uses.");
        var hand = Grads(model, x, y);
        var engine = model.ComputeGradients(x, y);
        var dense = model.Layers.OfType<Dense>().ToArray();
        var pairs = new (string Name, Tensor<double> Hand, Tensor<double> Engine)[]
        {
            ("∂L/∂W³ (output kernel)", hand.OutputKernel, EngineTensor(engine, dense[2], "kernel")),
            ("∂L/∂b³ (output bias)", hand.OutputBias, EngineTensor(engine, dense[2], "bias")),
            ("∂L/∂W² (hidden kernel)", hand.HiddenKernel, EngineTensor(engine, dense[1], "kernel")),
            ("∂L/∂b² (hidden bias)", hand.HiddenBias, EngineTensor(engine, dense[1], "bias")),
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
        context.Headline("hand-written − engine gradients, largest difference", overall == 0 ? "0 (identical)" : Scientific(overall));
        context.Record("loss.hand", hand.Loss);
        context.Record("loss.engine", engine.Loss);
        double largestEntry = pairs.Max(pair => Ops.Max(Ops.Abs(pair.Engine)));
        double relative = overall / largestEntry;
        context.Record("max_relative_difference", relative);
        string agreement = overall == 0
            ? "agree exactly: every entry of the four tensors is the same float64 number (the hand code and the engine's backward passes sum in the same order)"
            : $"agree to {Scientific(overall)} at most over the four tensors, {Scientific(relative)} of the largest gradient entry ({largestEntry.ToString("G3", CultureInfo.InvariantCulture)}): " +
              (relative < 1e-13 ? "the size of float64 rounding, so the two compute the same numbers" : "more than float64 rounding alone would explain");
        context.Finding(
            $"In float64 the hand-written gradients and the engine's {agreement}. " +
            $"The losses agree too: {hand.Loss.ToString("R", CultureInfo.InvariantCulture)} by hand, {engine.Loss.ToString("R", CultureInfo.InvariantCulture)} from the engine. " +
            "(The course states no bound for this comparison.)");

        // A comparison that would pass anything proves nothing: a plausible slip, transposing ∂L/∂W², must show up.
        double transposedDifference = MaxAbsoluteDifference(Transpose(hand.HiddenKernel), pairs[2].Engine);
        context.Record("mutant.transposed_W2_difference", transposedDifference);
        context.Finding(
            $"The check can fail: ∂L/∂W² with its indices swapped (a transposition slip) differs from the engine by {Scientific(transposedDifference)}" +
            (overall == 0 ? "." : $", {(transposedDifference / overall).ToString("G2", CultureInfo.InvariantCulture)} times the largest difference of the correct gradients."));
        return (hand, engine, dense);
    }

    /// <summary>The course's three slips, each alone and all together, against the engine.</summary>
    private static void CourseSlips(LabContext context, Sequential model, Tensor<double> x, Tensor<double> y, Gradients engine, Dense[] dense)
    {
        context.Section("The course's grads and its three slips");
        context.Paragraph(
            "The question asks for the gradients of the output layer, W⁽²⁾ and b⁽²⁾ (64 × 10 and 10). The course's published grads differs from the correct computation in three ways: " +
            "(1) it returns the second hidden layer's gradients, h1ᵀδ2 and Σδ2 (64 × 64 and 64), under the output layer's name; " +
            "(2) it applies σ′ to the activation, sigmoid_derivative(h2) = σ(a²)(1 − σ(a²)), where σ′(z²) = a²(1 − a²); " +
            $"(3) it sums over the {BatchSize} samples (δ3 = p − y) where Keras's loss is the batch mean ((p − y)/n). " +
            "Each slip is applied alone below, then all three together (what the course printed), and measured against the engine's gradient of the same tensor.");

        var engineOutput = new LayerGradients(EngineTensor(engine, dense[2], "kernel"), EngineTensor(engine, dense[2], "bias"));
        var engineHidden = new LayerGradients(EngineTensor(engine, dense[1], "kernel"), EngineTensor(engine, dense[1], "bias"));
        var layerMixUp = CourseGrads.HiddenLayer(model, x, y, sigmoidOfActivation: false, sumOverBatch: false);
        var sigmoidSlip = CourseGrads.HiddenLayer(model, x, y, sigmoidOfActivation: true, sumOverBatch: false);
        var sumSlip = CourseGrads.OutputLayer(model, x, y, sumOverBatch: true);
        var published = CourseGrads.AsPublished(model, x, y);

        var rows = new List<IReadOnlyList<object?>>
        {
            SlipRow("(1) the second hidden layer's gradients returned for the output layer's", "output layer", layerMixUp, engineOutput, context, "layer"),
            SlipRow("(2) σ′ applied to the activation", "second hidden layer", sigmoidSlip, engineHidden, context, "sigmoid"),
            SlipRow($"(3) sum over the batch instead of the mean", "output layer", sumSlip, engineOutput, context, "sum"),
            SlipRow("all three: the course's grads as published", "output layer (asked)", published, engineOutput, context, "published_vs_output"),
            SlipRow("all three, against the layer it did compute", "second hidden layer", published, engineHidden, context, "published_vs_hidden"),
        };
        context.Table("What each slip costs against the engine (relative error ‖course − engine‖ / ‖engine‖)",
            ["slip", "engine tensor compared", "kernel: shapes", "kernel: max |course − engine|", "kernel: relative error", "bias: max |course − engine|", "bias: relative error"], rows);

        double sigmoidError = RelativeError(sigmoidSlip.Kernel, engineHidden.Kernel);
        double sumError = RelativeError(sumSlip.Kernel, engineOutput.Kernel);
        double publishedError = RelativeError(published.Kernel, engineHidden.Kernel);
        context.Finding(
            $"Slip (1) alone makes the answer the wrong tensor: shapes {layerMixUp.Kernel.Shape} and {layerMixUp.Bias.Shape} where the output layer's gradients are {engineOutput.Kernel.Shape} and {engineOutput.Bias.Shape}, " +
            "so it cannot be compared entry by entry with the gradient asked for; against the second hidden layer's gradient, which it is, its largest difference is " +
            $"{Scientific(MaxAbsoluteDifference(layerMixUp.Kernel, engineHidden.Kernel))}. " +
            $"Slip (2) alone is a relative error of {Percent(sigmoidError)} in ∂L/∂W², small because σ(a)(1 − σ(a)) and a(1 − a) are both close to ¼ for activations near ½. " +
            $"Slip (3) alone scales every gradient by n = {BatchSize}, a relative error of {Percent(sumError)}. " +
            $"Together, against the layer the course did compute, the printed gradients are off by {Percent(publishedError)}.");
    }

    private static IReadOnlyList<object?> SlipRow(string slip, string compared, LayerGradients course, LayerGradients engine, LabContext context, string key)
    {
        string shapes = $"{course.Kernel.Shape} vs {engine.Kernel.Shape}";
        if (course.Kernel.Shape != engine.Kernel.Shape)
        {
            context.Record($"slips.{key}.kernel_shape", course.Kernel.Shape.ToString());
            context.Record($"slips.{key}.engine_kernel_shape", engine.Kernel.Shape.ToString());
            return [slip, compared, shapes, "shapes differ", "not comparable", "shapes differ", "not comparable"];
        }

        double kernelMax = MaxAbsoluteDifference(course.Kernel, engine.Kernel);
        double kernelRelative = RelativeError(course.Kernel, engine.Kernel);
        double biasMax = MaxAbsoluteDifference(course.Bias, engine.Bias);
        double biasRelative = RelativeError(course.Bias, engine.Bias);
        context.Record($"slips.{key}.kernel_max_abs_difference", kernelMax);
        context.Record($"slips.{key}.kernel_relative_error", kernelRelative);
        context.Record($"slips.{key}.bias_max_abs_difference", biasMax);
        context.Record($"slips.{key}.bias_relative_error", biasRelative);
        return [slip, compared, shapes, Scientific(kernelMax), kernelRelative, Scientific(biasMax), biasRelative];
    }

    /// <summary>The course's printout against this run's course-style gradients: shapes exactly, magnitudes against
    /// the spread of <see cref="Initialisations"/> seeded initialisations.</summary>
    private static void ComparePrintout(LabContext context, Tensor<double> x, Tensor<double> y)
    {
        context.Section("The course's printout");
        int[] seeds = [.. Enumerable.Range(0, Initialisations).Select(i => context.Seed + 3 * i)];
        var maxAbs = new double[seeds.Length];
        var rms = new double[seeds.Length];
        var cornerRms = new double[seeds.Length];
        LayerGradients? first = null;
        for (int i = 0; i < seeds.Length; i++)
        {
            var g = CourseGrads.AsPublished(CreateModel(seeds[i]), x, y);
            first ??= g;
            var b = g.Bias.ToArray();
            maxAbs[i] = b.Max(Math.Abs);
            rms[i] = Math.Sqrt(b.Average(v => v * v));
            int[] corner = MnistGradientsPublished.PrintedCornerIndices;
            cornerRms[i] = Math.Sqrt(corner.SelectMany(r => corner.Select(c => g.Kernel[r, c])).Average(v => v * v));
        }

        context.Paragraph(
            $"The course printed its grads for one random initialisation it did not seed. This run evaluates the same course-style grads for {Initialisations} Glorot-uniform initialisations " +
            $"(kernel seeds {seeds[0]}, {seeds[0] + 1}, {seeds[0] + 2}; {seeds[1]}, …; the first is the model above) on the same {BatchSize} digits, and compares the printout's shapes exactly and its magnitudes with the spread over these initialisations.");
        context.Table("Course-style grads: this run's magnitudes per initialisation", ["initialisation (first kernel seed)", "max |b2|", "RMS of b2", "RMS of the printed W2 corners"],
            seeds.Select((s, i) => (IReadOnlyList<object?>)[s, maxAbs[i], rms[i], cornerRms[i]]));
        context.Record("printout.seeds", seeds);
        context.Record("printout.b2_max_abs", maxAbs);
        context.Record("printout.b2_rms", rms);
        context.Record("printout.w2_corner_rms", cornerRms);

        context.Compare(MnistGradientsPublished.W2Rows, first!.Kernel.Shape[0]);
        context.Compare(MnistGradientsPublished.W2Columns, first.Kernel.Shape[1],
            note: "The course's 64 columns are the second hidden layer's units: the output layer's gradient the question asks for has 10 (slip 1).");
        context.Compare(MnistGradientsPublished.B2Length, first.Bias.Shape[0]);
        string spreadNote = $"Mean ± std over {Initialisations} seeded initialisations; the course's value comes from one unseeded initialisation.";
        var overInitialisations = Tolerance.WithinSpread(2, spreadOf: $"std of this run's {Initialisations} initialisations");
        var maxRow = context.Compare(MnistGradientsPublished.B2MaxAbs, Measurement.OfRepetitions(maxAbs), $"over {Initialisations} initialisations", overInitialisations, spreadNote);
        var rmsRow = context.Compare(MnistGradientsPublished.B2Rms, Measurement.OfRepetitions(rms), $"over {Initialisations} initialisations", overInitialisations);
        var cornerRow = context.Compare(MnistGradientsPublished.W2CornerRms, Measurement.OfRepetitions(cornerRms), $"over {Initialisations} initialisations", overInitialisations);
        context.NotMeasured(MnistGradientsPublished.Entries,
            "The course's initial weights were random and unseeded and it printed neither a seed nor the weights, so no run can reproduce its entries; this run compares their shapes and magnitudes.");

        double publishedRms = MnistGradientsPublished.B2Rms.Value.Number!.Value;
        int within = rms.Count(v => Math.Abs(v - publishedRms) <= 0.1 * publishedRms);
        context.Finding(
            $"The printout has the shapes of the second hidden layer's gradient (64 × 64 and 64), which this run's rebuilt grads reproduce. Its magnitudes — largest |b2| {MnistGradientsPublished.B2MaxAbs.Value}, " +
            $"RMS of b2 {Format(publishedRms)}, RMS of the printed W2 entries {Format(MnistGradientsPublished.W2CornerRms.Value.Number!.Value)} — are {maxRow.Verdict.ToText()}, {rmsRow.Verdict.ToText()} and {cornerRow.Verdict.ToText()} " +
            $"against this run's {maxRow.Measured}, {rmsRow.Measured} and {cornerRow.Measured}; {within} of the {Initialisations} initialisations come within 10% of the printed RMS of b2.");
    }

    private static void GradientSizes(LabContext context, HandGradients hand, Gradients engine, Dense[] dense)
    {
        context.Section("How large are the gradients per layer?");
        double firstLayer = Norm(EngineTensor(engine, dense[0], "kernel"));
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

    private static Tensor<double> EngineTensor(Gradients engine, Dense layer, string parameter) => (Tensor<double>)engine[$"{layer.Name}/{parameter}"];

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

    private static double MaxAbsoluteDifference(Tensor<double> a, Tensor<double> b)
    {
        if (a.Shape != b.Shape)
        {
            throw ShapeMismatchException.For("MaxAbsoluteDifference", a.Shape, b.Shape);
        }

        return Ops.Max(Ops.Abs(a - b));
    }

    private static double Norm(Tensor<double> t) => Math.Sqrt(Ops.Sum(Ops.Square(t)));

    /// <summary>‖a − b‖ / ‖b‖ (Frobenius).</summary>
    private static double RelativeError(Tensor<double> a, Tensor<double> b) => Norm(a - b) / Norm(b);

    private static string Percent(double fraction) => (100 * fraction).ToString(fraction < 0.1 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + "%";

    private static string Format(double value) => LabContext.Format(value, 5);

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

/// <summary>The forward pass of the course's network by hand: both sigmoid activations, the softmax output and the
/// output kernel (needed to send δ³ back).</summary>
internal sealed record MnistForward(Tensor<double> A1, Tensor<double> A2, Tensor<double> P, Tensor<double> W3);
