using System.Globalization;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.BackpropStep;

/// <summary>Course 001, Exercise 2a: one step of backpropagation on the course's 2-4-1 ReLU network, computed by the
/// library's own layers, loss and optimiser — pre-activations, activations and outputs per sample, output and hidden
/// deltas, the gradients and the weights after one plain SGD step with η = 0.5 — and every number set against the
/// course's solution.</summary>
public sealed class BackpropStepLab : ILab
{
    /// <summary>The exercise's η.</summary>
    public const double LearningRate = 0.5;

    private const int Hidden = 4;

    /// <summary>The name typed on the command line: <c>backprop-step</c>.</summary>
    public string Name => "backprop-step";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "One SGD step of a 2-4-1 ReLU network worked through by the library, checked number by number against the course's solution.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => BackpropStepPublished.All;

    /// <summary>W¹ as the course writes it: row j holds the weights into hidden unit j.</summary>
    public static double[][] InitialW1() => [[1, 2], [0, -1], [-1, -3], [-2, 2]];

    /// <summary>b¹.</summary>
    public static double[] InitialB1() => [-2, 2, 0, -2];

    /// <summary>W², one weight per hidden unit.</summary>
    public static double[] InitialW2() => [1, 0, -1, 2];

    /// <summary>b².</summary>
    public static double InitialB2() => -2;

    /// <summary>The mini-batch: x⁽¹⁾ = (−1, 1), x⁽²⁾ = (2, −1).</summary>
    public static double[][] Inputs() => [[-1, 1], [2, -1]];

    /// <summary>The targets: 1 and −1.</summary>
    public static double[] Targets() => [1, -1];

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Setting("learning_rate", LearningRate);
        context.Setting("loss", "0.5 * sum_k (y_hat - y)^2, averaged over the batch");
        context.Setting("dtype", "float64");

        var step = Compute(LearningRate);
        double[][] x = Inputs();

        context.Section("The network and the mini-batch");
        context.Paragraph(
            "Two inputs, four ReLU hidden units, one linear output, built from the library's layers in float64: Dense(4) → Activation(relu) → Dense(1). " +
            "The hidden layer's activation is a separate layer so that both its input z¹ and its output a¹ can be read; a run with the fused Dense(4, activation: relu) is checked below to give the same step. " +
            "Keras stores a Dense kernel as (inputs, units), so the hidden kernel holds W¹ᵀ and the output kernel W²ᵀ. " +
            "The loss L = (1/n) Σᵢ ½(ŷᵢ − yᵢ)² is a small Loss subclass written for this lab (HalfSquaredError); the optimiser is the library's SGD with η = 0.5 and no momentum.");
        context.Code(
            $"W¹ = {Matrix(InitialW1())}    b¹ = {Vector(InitialB1())}\n" +
            $"W² = {Vector(InitialW2())}    b² = {Exact(InitialB2())}\n" +
            $"x⁽¹⁾ = {Vector(x[0])}, y⁽¹⁾ = {Exact(Targets()[0])};    x⁽²⁾ = {Vector(x[1])}, y⁽²⁾ = {Exact(Targets()[1])}");

        context.Section("Forward pass");
        var forwardRows = new List<IReadOnlyList<object?>>();
        for (int j = 0; j < Hidden; j++)
        {
            forwardRows.Add([$"z¹{Sub(j + 1)}", Exact(step.PreActivations[0][j]), Exact(step.PreActivations[1][j])]);
        }

        for (int j = 0; j < Hidden; j++)
        {
            forwardRows.Add([$"a¹{Sub(j + 1)} = relu(z¹{Sub(j + 1)})", Exact(step.Activations[0][j]), Exact(step.Activations[1][j])]);
        }

        forwardRows.Add(["ŷ", Exact(step.Outputs[0]), Exact(step.Outputs[1])]);
        forwardRows.Add(["y", Exact(step.Targets[0]), Exact(step.Targets[1])]);
        forwardRows.Add(["½(ŷ − y)²", Exact(HalfSquare(step.Outputs[0] - step.Targets[0])), Exact(HalfSquare(step.Outputs[1] - step.Targets[1]))]);
        context.Table("Pre-activations, activations and outputs per sample", ["quantity", $"sample 1, x = {Vector(x[0])}", $"sample 2, x = {Vector(x[1])}"], forwardRows);

        context.Section("Backward pass");
        context.Paragraph(
            "The deltas are what the library's own backward passes return: the loss's Backward gives ∂L/∂ŷ = ∂L/∂z² (the output is linear), " +
            "the output Dense layer's Backward turns it into ∂L/∂a¹ = δ²W², and the ReLU layer's Backward into δ¹ = ∂L/∂z¹ = ∂L/∂a¹ ⊙ relu′(z¹). " +
            "Because L averages over the batch, each sample's delta carries a factor 1/n = 1/2: the per-sample textbook delta ∂ℓᵢ/∂z is twice the value shown.");
        var backwardRows = new List<IReadOnlyList<object?>>
        {
            new object?[] { "δ² = ∂L/∂z² = (ŷ − y)/n", Exact(step.OutputDeltas[0]), Exact(step.OutputDeltas[1]) },
        };
        for (int j = 0; j < Hidden; j++)
        {
            backwardRows.Add([$"∂L/∂a¹{Sub(j + 1)} = δ²·W²{Sub(j + 1)}", Exact(step.HiddenActivationGradients[0][j]), Exact(step.HiddenActivationGradients[1][j])]);
        }

        for (int j = 0; j < Hidden; j++)
        {
            backwardRows.Add([$"δ¹{Sub(j + 1)} = ∂L/∂z¹{Sub(j + 1)}", Exact(step.HiddenDeltas[0][j]), Exact(step.HiddenDeltas[1][j])]);
        }

        context.Table("Output and hidden deltas per sample", ["quantity", "sample 1", "sample 2"], backwardRows);
        ReportActiveUnits(context, step);

        context.Section("Gradients and the SGD step");
        context.Paragraph(
            "∂L/∂θ from the model's ComputeGradients; the new values from one TrainOnBatch, which applies θ ← θ − η·∂L/∂θ. " +
            "The gradients are sums over the batch of delta × input: ∂L/∂W¹ = Σᵢ δ¹⁽ⁱ⁾ x⁽ⁱ⁾ᵀ, ∂L/∂b¹ = Σᵢ δ¹⁽ⁱ⁾, ∂L/∂W² = Σᵢ δ²⁽ⁱ⁾ a¹⁽ⁱ⁾ᵀ, ∂L/∂b² = Σᵢ δ²⁽ⁱ⁾.");
        context.Table("Every parameter before and after the step", ["parameter", "before", "∂L/∂θ", "after"], ParameterRows(step));
        context.Code(
            $"W¹ ← {Matrix(step.UpdatedW1)}\n" +
            $"b¹ ← {Vector(step.UpdatedB1)}\n" +
            $"W² ← {Vector(step.UpdatedW2)}\n" +
            $"b² ← {Exact(step.UpdatedB2)}");
        string update = step.UpdateRuleMaxDifference == 0
            ? "TrainOnBatch moved every parameter by exactly −η·∂L/∂θ"
            : $"TrainOnBatch moved every parameter by −η·∂L/∂θ up to {step.UpdateRuleMaxDifference.ToString("G3", CultureInfo.InvariantCulture)}";
        string fused = step.FusedActivationMaxDifference == 0
            ? "gives exactly the same weights"
            : $"gives weights that differ by at most {step.FusedActivationMaxDifference.ToString("G3", CultureInfo.InvariantCulture)}";
        context.Finding($"{update}, and the same step with the fused Dense(4, activation: relu) hidden layer {fused}.");
        context.Record("forward.z1", step.PreActivations);
        context.Record("forward.a1", step.Activations);
        context.Record("forward.y_hat", step.Outputs);
        context.Record("backward.delta2", step.OutputDeltas);
        context.Record("backward.dL_da1", step.HiddenActivationGradients);
        context.Record("backward.delta1", step.HiddenDeltas);
        context.Record("gradients.W1", step.HiddenKernelGradient);
        context.Record("gradients.b1", step.HiddenBiasGradient);
        context.Record("gradients.W2", step.OutputKernelGradient);
        context.Record("gradients.b2", step.OutputBiasGradient);
        context.Record("updated.W1", step.UpdatedW1);
        context.Record("updated.b1", step.UpdatedB1);
        context.Record("updated.W2", step.UpdatedW2);
        context.Record("updated.b2", step.UpdatedB2);
        context.Record("check.update_rule_max_difference", step.UpdateRuleMaxDifference);
        context.Record("check.fused_activation_max_difference", step.FusedActivationMaxDifference);

        context.Section("Did the step help?");
        ReportLossChange(context, step);
        ComparePublished(context, step);
    }

    /// <summary>Every entry of the course's solution against this run. The course's deltas are per sample (the
    /// gradient of ℓᵢ = ½(ŷᵢ − yᵢ)², no 1/m), so the rows compare n·δ of the engine, whose L averages over the batch.</summary>
    private static void ComparePublished(LabContext context, BackpropStepResult step)
    {
        int n = step.Outputs.Length;
        for (int s = 0; s < n; s++)
        {
            for (int j = 0; j < Hidden; j++)
            {
                context.Compare(BackpropStepPublished.PreActivations[s][j], step.PreActivations[s][j]);
            }

            for (int j = 0; j < Hidden; j++)
            {
                context.Compare(BackpropStepPublished.Activations[s][j], step.Activations[s][j]);
            }

            context.Compare(BackpropStepPublished.Outputs[s], step.Outputs[s]);
        }

        const string PerSample = "the engine's δ carries 1/n = ½ because its L averages over the batch; the row compares n·δ with the course's per-sample Δ";
        for (int s = 0; s < n; s++)
        {
            context.Compare(BackpropStepPublished.OutputDeltas[s], n * step.OutputDeltas[s], note: s == 0 ? PerSample : null);
        }

        for (int s = 0; s < n; s++)
        {
            for (int j = 0; j < Hidden; j++)
            {
                context.Compare(BackpropStepPublished.ReluDerivatives[s][j], step.ReluDerivatives[s][j],
                    note: s == 0 && j == 0 ? "relu′(z¹) as the ReLU layer's Backward returns it for an upstream gradient of ones" : null);
            }
        }

        for (int s = 0; s < n; s++)
        {
            for (int j = 0; j < Hidden; j++)
            {
                context.Compare(BackpropStepPublished.HiddenDeltas[s][j], n * step.HiddenDeltas[s][j], note: s == 0 && j == 0 ? PerSample : null);
            }
        }

        for (int j = 0; j < Hidden; j++)
        {
            for (int i = 0; i < 2; i++)
            {
                context.Compare(BackpropStepPublished.UpdatedW1[j][i], step.UpdatedW1[j][i]);
            }
        }

        for (int j = 0; j < Hidden; j++)
        {
            context.Compare(BackpropStepPublished.UpdatedB1[j], step.UpdatedB1[j]);
        }

        for (int j = 0; j < Hidden; j++)
        {
            context.Compare(BackpropStepPublished.UpdatedW2[j], step.UpdatedW2[j]);
        }

        context.Compare(BackpropStepPublished.UpdatedB2, step.UpdatedB2);

        // The working's b¹₃ = 0 drops sample 2's contribution: b¹₃ − (η/m)·(Δ¹₃⁽¹⁾ + Δ¹₃⁽²⁾) = 0 − ¼·(0 + 2).
        double sampleTwo = n * step.HiddenDeltas[1][2];
        var working = context.Compare(BackpropStepPublished.WorkingB1Third, step.UpdatedB1[2],
            note: $"b¹[3] = {Exact(InitialB1()[2])} − (η/m)·(Δ¹[3] of sample 1 + Δ¹[3] of sample 2) = {Exact(InitialB1()[2])} − ¼·({Exact(n * step.HiddenDeltas[0][2])} + {Exact(sampleTwo)}) = {Exact(step.UpdatedB1[2])}. " +
                "The working's 0 leaves out sample 2's Δ¹[3]; the course's own result table has the right −0.5.");
        var table = context.Comparisons.Where(c => c.Figure != BackpropStepPublished.WorkingB1Third).ToList();
        int matching = table.Count(c => c.Verdict == Verdict.Matches);
        context.Headline("course's table entries equal", $"{matching} of {table.Count}");
        context.Finding(
            $"{matching} of the {table.Count} numbers of the course's forward table, delta table and result table equal this run's exactly" +
            (matching == table.Count ? "." : $"; {table.Count - matching} differ: {string.Join(", ", table.Where(c => c.Verdict != Verdict.Matches).Select(c => c.Quantity))}.") +
            (working.Verdict == Verdict.Differs
                ? $" The course's intermediate working for b¹ ends in (−2, 2, 0, −2.5): its third entry {working.Figure.Value} {working.Verdict.ToText()} from this run's {Exact(step.UpdatedB1[2])}, which its own result table confirms: a slip in the working (sample 2's Δ¹[3] = {Exact(sampleTwo)} left out), not in the result."
                : $" The course's intermediate working for b¹ gives {working.Figure.Value} for the third entry, as this run does."));
    }

    /// <summary>Runs the exercise through the library: the forward and backward pass layer by layer, the model's
    /// gradients, one <see cref="Trainer.TrainOnBatch{T}"/> with SGD(<paramref name="learningRate"/>) and the
    /// loss afterwards.</summary>
    public static BackpropStepResult Compute(double learningRate = LearningRate)
    {
        var hidden = new Dense(Hidden, inputShape: [2], name: "hidden");
        var relu = new Activation("relu", name: "relu");
        var output = new Dense(1, name: "output");
        var model = new Sequential(DType.Float64, hidden, relu, output);
        model.SetWeights(InitialWeights());
        model.Compile(new SGD(learningRate), new HalfSquaredError());
        var x = Tensor.From(To2D(Inputs()));
        var y = Tensor.From(Targets(), 2, 1);

        // The forward pass layer by layer, so z¹ and a¹ can be read (each layer's output is its own buffer: copy it).
        var z1 = hidden.Forward(x, training: true).Clone();
        var a1 = relu.Forward(z1, training: true).Clone();
        var yHat = output.Forward(a1, training: true).Clone();

        // The backward pass layer by layer: the loss gives ∂L/∂ŷ, each layer's Backward maps ∂L/∂output to ∂L/∂input.
        var outputDelta = new Tensor<double>(yHat.Shape);
        model.Loss!.Backward(y, yHat, outputDelta);
        var hiddenActivationGradient = output.Backward(outputDelta).Clone();
        var hiddenDelta = relu.Backward(hiddenActivationGradient).Clone();

        // relu′(z¹): the ReLU layer's Backward of an upstream gradient of ones.
        var ones = new Tensor<double>(z1.Shape);
        ones.AsSpan().Fill(1);
        var reluDerivative = relu.Backward(ones).Clone();

        var before = model.GetWeights();
        var gradients = model.ComputeGradients(x, y);
        double trainLoss = model.TrainOnBatch(x, y);
        double lossAfter = model.TestOnBatch(x, y);
        var after = model.GetWeights();
        var outputsAfter = model.Predict(x);

        string[] keys = ["hidden/kernel", "hidden/bias", "output/kernel", "output/bias"];
        double updateDeviation = 0;
        for (int p = 0; p < keys.Length; p++)
        {
            var g = gradients[keys[p]];
            for (int i = 0; i < g.Length; i++)
            {
                double expected = before[p].GetDouble(i) - learningRate * g.GetDouble(i);
                updateDeviation = Math.Max(updateDeviation, Math.Abs(after[p].GetDouble(i) - expected));
            }
        }

        var fused = new Sequential(DType.Float64, new Dense(Hidden, "relu", inputShape: [2]), new Dense(1));
        fused.SetWeights(InitialWeights());
        fused.Compile(new SGD(learningRate), new HalfSquaredError());
        fused.TrainOnBatch(x, y);
        var fusedAfter = fused.GetWeights();
        double fusedDeviation = 0;
        for (int p = 0; p < after.Length; p++)
        {
            for (int i = 0; i < after[p].Length; i++)
            {
                fusedDeviation = Math.Max(fusedDeviation, Math.Abs(after[p].GetDouble(i) - fusedAfter[p].GetDouble(i)));
            }
        }

        return new BackpropStepResult(
            PreActivations: Rows(z1),
            Activations: Rows(a1),
            Outputs: yHat.ToArray(),
            Targets: Targets(),
            OutputDeltas: outputDelta.ToArray(),
            HiddenActivationGradients: Rows(hiddenActivationGradient),
            HiddenDeltas: Rows(hiddenDelta),
            ReluDerivatives: Rows(reluDerivative),
            HiddenKernelGradient: Transposed(gradients["hidden/kernel"]),
            HiddenBiasGradient: gradients["hidden/bias"].ToDoubleArray(),
            OutputKernelGradient: gradients["output/kernel"].ToDoubleArray(),
            OutputBiasGradient: gradients["output/bias"].GetDouble(0),
            UpdatedW1: Transposed(after[0]),
            UpdatedB1: after[1].ToDoubleArray(),
            UpdatedW2: after[2].ToDoubleArray(),
            UpdatedB2: after[3].GetDouble(0),
            OutputsAfter: outputsAfter.ToArray(),
            LossBefore: gradients.Loss,
            TrainOnBatchLoss: trainLoss,
            LossAfter: lossAfter,
            UpdateRuleMaxDifference: updateDeviation,
            FusedActivationMaxDifference: fusedDeviation);
    }

    /// <summary>The exercise's weights in Keras order: [hidden kernel W¹ᵀ (2, 4), b¹ (4), output kernel W²ᵀ (4, 1), b² (1)].</summary>
    public static Tensor[] InitialWeights()
    {
        var w1 = InitialW1();
        var kernel1 = new Tensor<double>(2, Hidden);
        for (int j = 0; j < Hidden; j++)
        {
            for (int i = 0; i < 2; i++)
            {
                kernel1[i, j] = w1[j][i];
            }
        }

        return [kernel1, Tensor.From(InitialB1(), Hidden), Tensor.From(InitialW2(), Hidden, 1), Tensor.From([InitialB2()], 1)];
    }

    private static void ReportActiveUnits(LabContext context, BackpropStepResult step)
    {
        int samples = step.Activations.Length;
        for (int s = 0; s < samples; s++)
        {
            var active = UnitsWhere(j => step.PreActivations[s][j] > 0);
            var reached = UnitsWhere(j => step.HiddenDeltas[s][j] != 0);
            context.Finding(
                $"Sample {s + 1} switches on hidden {Units(active)} (z¹ > 0); its error reaches δ¹ only at {Units(reached)}: " +
                "an inactive unit passes no gradient back (relu′ = 0), and an active unit only through a non-zero outgoing weight.");
        }

        var neverActive = UnitsWhere(j => step.PreActivations.All(z => z[j] <= 0));
        if (neverActive.Count > 0)
        {
            double largest = neverActive.Max(j => Math.Max(Math.Abs(step.HiddenBiasGradient[j]), step.HiddenKernelGradient[j].Max(Math.Abs)));
            context.Finding(
                $"Unit{(neverActive.Count > 1 ? "s" : "")} {List(neverActive)} {(neverActive.Count > 1 ? "are" : "is")} inactive for the whole batch, so {(neverActive.Count > 1 ? "their" : "its")} incoming weights and bias get no gradient " +
                $"(largest |∂L/∂θ| = {Exact(largest)}) and do not move: a dead ReLU unit stays dead under gradient descent as long as no sample switches it on.");
        }

        var silent = UnitsWhere(j => InitialW2()[j] == 0 && step.PreActivations.Any(z => z[j] > 0));
        foreach (int j in silent)
        {
            context.Finding(
                $"Unit {j + 1} is active but its outgoing weight W²{Sub(j + 1)} is 0, so δ¹{Sub(j + 1)} = 0 and its incoming weights do not change; " +
                $"its outgoing weight does get a gradient, ∂L/∂W²{Sub(j + 1)} = {Exact(step.OutputKernelGradient[j])}, because that needs only its activation.");
        }
    }

    private static void ReportLossChange(LabContext context, BackpropStepResult step)
    {
        double squaredNorm = step.HiddenKernelGradient.Sum(r => r.Sum(g => g * g)) + step.HiddenBiasGradient.Sum(g => g * g)
            + step.OutputKernelGradient.Sum(g => g * g) + step.OutputBiasGradient * step.OutputBiasGradient;
        double predictedChange = -LearningRate * squaredNorm;
        var rows = new List<IReadOnlyList<object?>>();
        for (int s = 0; s < step.Outputs.Length; s++)
        {
            rows.Add([$"sample {s + 1}", Exact(step.Targets[s]), Exact(step.Outputs[s]), Exact(step.OutputsAfter[s])]);
        }

        context.Table("Predictions before and after the step", ["sample", "y", "ŷ before", "ŷ after"], rows);

        // The same step with smaller learning rates, each from the exercise's initial weights.
        double[] rates = [0.5, 0.2, 0.1, 0.05, 0.01];
        var sweep = rates.Select(eta => (Eta: eta, Loss: eta == LearningRate ? step.LossAfter : Compute(eta).LossAfter)).ToList();
        context.Table("Loss after one step for other learning rates", ["η", "L before", "L after", "change", "first-order change −η‖g‖²"],
            sweep.Select(r => (IReadOnlyList<object?>)[Exact(r.Eta), Exact(step.LossBefore), Exact(r.Loss), Exact(r.Loss - step.LossBefore), Exact(-r.Eta * squaredNorm)]));

        var overshot = Enumerable.Range(0, step.Outputs.Length)
            .Where(s => Math.Sign(step.OutputsAfter[s] - step.Targets[s]) == -Math.Sign(step.Outputs[s] - step.Targets[s])
                && Math.Abs(step.OutputsAfter[s] - step.Targets[s]) > Math.Abs(step.Outputs[s] - step.Targets[s]))
            .ToList();
        string verdict = step.LossAfter < step.LossBefore ? "decreased" : "increased";
        string overshootText = overshot.Count == 0
            ? ""
            : " " + string.Join(" ", overshot.Select(s => $"Sample {s + 1}'s prediction jumped from {Exact(step.Outputs[s])} past its target {Exact(step.Targets[s])} to {Exact(step.OutputsAfter[s])}."));
        context.Finding(
            $"With η = {Exact(LearningRate)} the batch loss {verdict} from {Exact(step.LossBefore)} to {Exact(step.LossAfter)}, although the gradient's first-order prediction was a change of −η‖g‖² = {Exact(predictedChange)} (‖g‖² = {Exact(squaredNorm)}).{overshootText}");
        var best = sweep.MinBy(r => r.Loss);
        var decreasing = sweep.Where(r => r.Loss < step.LossBefore).Select(r => r.Eta).ToList();
        context.Finding(
            decreasing.Count == 0
                ? $"None of the tried learning rates lowered the loss in one step; the lowest loss after the step is {Exact(best.Loss)} at η = {Exact(best.Eta)}."
                : $"Of the learning rates tried, {string.Join(", ", decreasing.Select(Exact))} lower the loss; the best, η = {Exact(best.Eta)}, reaches {Exact(best.Loss)}." +
                  (step.LossAfter >= step.LossBefore ? $" The exercise's η = {Exact(LearningRate)} overshoots: over a step that long the loss is far from its linear approximation." : ""));

        context.Headline("loss before → after the step", $"{Exact(step.LossBefore)} → {Exact(step.LossAfter)}");
        context.Record("loss.before", step.LossBefore);
        context.Record("loss.train_on_batch", step.TrainOnBatchLoss);
        context.Record("loss.after", step.LossAfter);
        context.Record("loss.first_order_change", predictedChange);
        context.Record("predictions.after", step.OutputsAfter);
        context.Record("learning_rate_sweep", sweep.ToDictionary(r => Exact(r.Eta), r => r.Loss));
    }

    private static IReadOnlyList<IReadOnlyList<object?>> ParameterRows(BackpropStepResult step)
    {
        var w1 = InitialW1();
        var b1 = InitialB1();
        var w2 = InitialW2();
        var rows = new List<IReadOnlyList<object?>>();
        for (int j = 0; j < Hidden; j++)
        {
            for (int i = 0; i < 2; i++)
            {
                rows.Add([$"W¹[{j + 1},{i + 1}]", Exact(w1[j][i]), Exact(step.HiddenKernelGradient[j][i]), Exact(step.UpdatedW1[j][i])]);
            }
        }

        for (int j = 0; j < Hidden; j++)
        {
            rows.Add([$"b¹[{j + 1}]", Exact(b1[j]), Exact(step.HiddenBiasGradient[j]), Exact(step.UpdatedB1[j])]);
        }

        for (int j = 0; j < Hidden; j++)
        {
            rows.Add([$"W²[{j + 1}]", Exact(w2[j]), Exact(step.OutputKernelGradient[j]), Exact(step.UpdatedW2[j])]);
        }

        rows.Add(["b²", Exact(InitialB2()), Exact(step.OutputBiasGradient), Exact(step.UpdatedB2)]);
        return rows;
    }

    private static List<int> UnitsWhere(Func<int, bool> predicate) => Enumerable.Range(0, Hidden).Where(predicate).ToList();

    private static string List(List<int> units) => units.Count switch
    {
        0 => "none",
        1 => (units[0] + 1).ToString(CultureInfo.InvariantCulture),
        _ => string.Join(", ", units.SkipLast(1).Select(u => (u + 1).ToString(CultureInfo.InvariantCulture))) + " and " + (units[^1] + 1).ToString(CultureInfo.InvariantCulture),
    };

    private static string Units(List<int> units) => units.Count == 0 ? "no unit" : (units.Count == 1 ? "unit " : "units ") + List(units);

    private static double HalfSquare(double e) => 0.5 * e * e;

    private static double[][] Rows(Tensor<double> matrix) =>
        Enumerable.Range(0, matrix.Shape[0]).Select(r => matrix.RowSpan(r).ToArray()).ToArray();

    /// <summary>A Keras kernel (inputs, units) in the course's layout (units, inputs).</summary>
    private static double[][] Transposed(Tensor kernel) =>
        Enumerable.Range(0, kernel.Shape[1]).Select(j => Enumerable.Range(0, kernel.Shape[0]).Select(i => kernel.GetDouble(i * kernel.Shape[1] + j)).ToArray()).ToArray();

    private static double[,] To2D(double[][] rows)
    {
        var result = new double[rows.Length, rows[0].Length];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int c = 0; c < rows[r].Length; c++)
            {
                result[r, c] = rows[r][c];
            }
        }

        return result;
    }

    /// <summary>The values here are short binary fractions; up to 10 significant digits shows them exactly.</summary>
    private static string Exact(double value) => value == 0 ? "0" : LabContext.Format(value, 10);

    private static string Vector(IEnumerable<double> values) => "(" + string.Join(", ", values.Select(Exact)) + ")";

    private static string Matrix(double[][] rows) => "[" + string.Join(", ", rows.Select(r => "[" + string.Join(", ", r.Select(Exact)) + "]")) + "]";

    private static string Sub(int index) => string.Concat(index.ToString(CultureInfo.InvariantCulture).Select(c => (char)('₀' + (c - '0'))));
}
