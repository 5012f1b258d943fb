using System.Globalization;
using System.Text;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Inspection;

/// <summary>One checked tensor: how far the analytic gradient is from central differences.</summary>
/// <param name="Name">"input", or "layer/parameter".</param>
/// <param name="Count">Elements compared.</param>
/// <param name="MaxAbsoluteError">max |analytic − numeric|.</param>
/// <param name="MaxRelativeError">max |analytic − numeric| / max(|numeric|, 1e-12).</param>
/// <param name="Passed">Every element within atol + rtol·|numeric|.</param>
public sealed record GradientCheckEntry(string Name, int Count, double MaxAbsoluteError, double MaxRelativeError, bool Passed);

/// <summary>The result of a <see cref="GradientCheck"/>: one entry per input and parameter.</summary>
public sealed class GradientCheckReport(IReadOnlyList<GradientCheckEntry> entries)
{
    /// <summary>One entry per checked tensor: the input first, then every trainable parameter as "layer/parameter".</summary>
    public IReadOnlyList<GradientCheckEntry> Entries { get; } = entries;

    /// <summary>True when every entry passed.</summary>
    public bool Passed => Entries.All(e => e.Passed);

    /// <summary>The entry for "input" or "layer/parameter"; throws listing the names when absent.</summary>
    public GradientCheckEntry this[string name] =>
        Entries.FirstOrDefault(e => e.Name == name)
        ?? throw new KeyNotFoundException($"No entry '{name}'. Entries: {string.Join(", ", Entries.Select(e => e.Name))}.");

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var e in Entries)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{e.Name,-28} n={e.Count,-6} max abs {e.MaxAbsoluteError:E2}  max rel {e.MaxRelativeError:E2}  {(e.Passed ? "ok" : "FAILED")}\n");
        }

        return sb.ToString();
    }
}

/// <summary>Checks hand-written backward passes against float64 central differences, as
/// <c>torch.autograd.gradcheck</c> (ε = 1e-6, atol = 1e-5, rtol = 1e-3): for a layer, the objective is
/// <c>L = Σ output ⊙ R + penalties</c> with a fixed random R and the layer's regularisation penalties, checked with respect to the input and every trainable parameter;
/// for a model, the compiled loss (with penalties) with respect to every trainable parameter. Layers and models must
/// be float64; the forward pass must be deterministic (fix a Dropout's mask).</summary>
public static class GradientCheck
{
    /// <summary>Checks <paramref name="layer"/> at <paramref name="input"/> (built as float64 on first use).</summary>
    public static GradientCheckReport CheckLayer(Layer layer, Tensor<double> input, bool training = true,
        double epsilon = 1e-6, double absoluteTolerance = 1e-5, double relativeTolerance = 1e-3, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        CheckSettings(epsilon, absoluteTolerance, relativeTolerance);
        var x = input.Clone();
        var probe = layer.Forward(x, training);
        var r = new Tensor<double>(probe.Shape);
        ulong state = seed;
        foreach (ref double v in r.AsSpan())
        {
            v = SplitMix64.NextDouble(ref state) * 2 - 1;
        }

        double Objective()
        {
            var y = layer.Forward(x, training);
            double sum = 0;
            var ys = y.AsSpan();
            var rs = r.AsSpan();
            for (int i = 0; i < ys.Length; i++)
            {
                sum += ys[i] * rs[i];
            }

            return sum + layer.RegularizationPenalty();
        }

        var parameters = layer.TrainableParameters.ToArray();
        foreach (var p in parameters)
        {
            p.ZeroGradient();
        }

        layer.Forward(x, training);
        var dx = layer.Backward(r).Clone();
        layer.AddRegularizationGradients();
        var entries = new List<GradientCheckEntry>
        {
            Compare("input", x, dx, Objective, epsilon, absoluteTolerance, relativeTolerance),
        };
        foreach (var p in parameters)
        {
            entries.Add(Compare($"{layer.Name}/{p.Name}", p.ValueAs<double>(), p.GradientAs<double>().Clone(), Objective, epsilon, absoluteTolerance, relativeTolerance));
        }

        return new GradientCheckReport(entries);
    }

    /// <summary>Checks every trainable parameter of a compiled float64 <paramref name="model"/> on (x, y).</summary>
    public static GradientCheckReport CheckModel(Sequential model, Tensor<double> x, Tensor<double> y,
        double epsilon = 1e-6, double absoluteTolerance = 1e-5, double relativeTolerance = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckSettings(epsilon, absoluteTolerance, relativeTolerance);
        var trainer = model.Trainer ?? throw new InvalidOperationException($"Model '{model.Name}' needs a loss: call Compile first.");
        var analytic = trainer.ComputeGradients(x, y);
        var entries = new List<GradientCheckEntry>();
        int index = 0;
        foreach (var layer in model.Layers)
        {
            foreach (var p in layer.TrainableParameters)
            {
                var item = analytic.Items[index++];
                entries.Add(Compare(item.Key, p.ValueAs<double>(), (Tensor<double>)item.Gradient, () => trainer.LossOn(x, y, training: true), epsilon, absoluteTolerance, relativeTolerance));
            }
        }

        return new GradientCheckReport(entries);
    }

    private static GradientCheckEntry Compare(string name, Tensor<double> variable, Tensor<double> analytic, Func<double> objective,
        double epsilon, double atol, double rtol)
    {
        var values = variable.AsSpan();
        var a = analytic.AsSpan();
        double maxAbs = 0, maxRel = 0;
        bool passed = true;
        for (int i = 0; i < values.Length; i++)
        {
            double saved = values[i];
            values[i] = saved + epsilon;
            double plus = objective();
            values = variable.AsSpan();
            values[i] = saved - epsilon;
            double minus = objective();
            values = variable.AsSpan();
            values[i] = saved;
            double numeric = (plus - minus) / (2 * epsilon);
            double error = Math.Abs(a[i] - numeric);
            if (double.IsNaN(error))
            {
                error = double.PositiveInfinity;
            }

            maxAbs = Math.Max(maxAbs, error);
            maxRel = Math.Max(maxRel, error / Math.Max(Math.Abs(numeric), 1e-12));
            if (!(error <= atol + rtol * Math.Abs(numeric)))
            {
                passed = false;
            }
        }

        objective();
        return new GradientCheckEntry(name, values.Length, maxAbs, maxRel, passed);
    }

    private static void CheckSettings(double epsilon, double atol, double rtol)
    {
        if (!(epsilon > 0) || !(atol >= 0) || !(rtol >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"GradientCheck needs ε > 0 and tolerances ≥ 0; got ε={epsilon}, atol={atol}, rtol={rtol}.");
        }
    }
}
