using System.Globalization;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Training;
using Microsoft.ML.OnnxRuntime;

namespace Backprop.Onnx.Tests;

/// <summary>The acceptance check of an export: the model's ONNX file, run by ONNX Runtime on random float32 batches of
/// 1, 7 and 64 samples, gives <c>Predict</c>'s output within <see cref="Tolerance"/>.
/// <para>The error of a batch is <c>max_i |onnx_i − predict_i| / max_i |predict_i|</c> over all its outputs: the
/// relative error in the maximum norm. Element by element relative errors measure the two engines' arithmetic rather
/// than the export: a sum that cancels (a Dense unit, a convolution, a
/// normalised feature) carries rounding errors on the scale of its terms whichever engine adds them, and the engines'
/// transcendental functions are accurate to an absolute, not a relative, error in places (ONNX Runtime's sigmoid in
/// its far tail, Backprop's float32 tanh next to zero and its float32 elu/selu, whose eˣ − 1 cancels). A wrong
/// translation — a pad on the wrong side, padded cells counted in an average, Keras 2's hard sigmoid, gelu's tanh
/// form for the exact one — moves outputs by far more than 1e-5 of the largest (gelu's two forms differ by 5e-5 of
/// it on this test's inputs).</para>
/// <para>With <c>BACKPROP_ONNX_EXPORT_DIR</c> set every exported model is also written there (for
/// <c>scripts/check-onnx.sh</c>, which runs onnx.checker on them), and with <c>BACKPROP_ONNX_REPORT</c> every
/// measurement is appended to that file as a tab-separated line.</para></summary>
internal static class OnnxAgreement
{
    public const double Tolerance = 1e-5;

    public static readonly int[] BatchSizes = [1, 7, 64];

    private static readonly Lock s_reportLock = new();

    /// <summary>Exports <paramref name="model"/>, runs it in ONNX Runtime on batches of 1, 7 and 64 samples drawn from
    /// N(0, <paramref name="spread"/>²) (plus <paramref name="offset"/>), asserts every output agrees with Predict and
    /// returns the worst error.</summary>
    public static double Check(Sequential model, string name, double spread = 2.0, double offset = 0.0, int seed = 1)
    {
        byte[] bytes = model.ToOnnx();
        Save(name, bytes);
        using var session = new InferenceSession(bytes);
        double worst = 0;
        var random = new System.Random(seed);
        foreach (int batch in BatchSizes)
        {
            var sample = model.InputShape!.Value;
            var x = new float[batch * sample.Length];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (float)(offset + spread * Normal(random));
            }

            long[] inputDims = [batch, .. sample.ToArray().Select(d => (long)d)];
            float[] expected = Predict(model, x, inputDims);
            var (actual, outputDims) = Run(session, x, inputDims);
            long[] expectedDims = [batch, .. model.Layers[^1].OutputShape.ToArray().Select(d => (long)d)];
            Assert.Equal(expectedDims, outputDims);
            double error = Error(actual, expected);
            Report(name, batch, error);
            Assert.True(error <= Tolerance,
                $"{name}, batch {batch}: ONNX Runtime differs from Predict by {error:E2} (relative), above {Tolerance:E0}.");
            worst = Math.Max(worst, error);
        }

        return worst;
    }

    /// <summary>The model's own output for float32 inputs (a float64 model computes on them converted).</summary>
    public static float[] Predict(Sequential model, float[] x, long[] dims)
    {
        int[] shape = dims.Select(d => (int)d).ToArray();
        if (model.DType == DType.Float64)
        {
            var y = model.Predict(Tensor.From(x.Select(v => (double)v).ToArray(), shape));
            return y.ToSingleArray();
        }

        return model.Predict(Tensor.From((float[])x.Clone(), shape)).ToArray();
    }

    /// <summary>ONNX Runtime's output for the input x of shape dims.</summary>
    public static (float[] Values, long[] Dims) Run(InferenceSession session, float[] x, long[] dims)
    {
        string input = session.InputMetadata.Keys.Single();
        string output = session.OutputMetadata.Keys.Single();
        using var value = OrtValue.CreateTensorValueFromMemory(x, dims);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new Dictionary<string, OrtValue> { [input] = value }, [output]);
        var result = results[0];
        return (result.GetTensorDataAsSpan<float>().ToArray(), result.GetTensorTypeAndShape().Shape);
    }

    /// <summary>max_i |a_i − b_i| / max_i |b_i| (see the class remarks); NaN or ±∞ anywhere only matches the same
    /// value.</summary>
    public static double Error(float[] actual, float[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double largest = 0, difference = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (!float.IsFinite(expected[i]) || !float.IsFinite(actual[i]))
            {
                if (!expected[i].Equals(actual[i]))
                {
                    return double.PositiveInfinity;
                }

                continue;
            }

            largest = Math.Max(largest, Math.Abs((double)expected[i]));
            difference = Math.Max(difference, Math.Abs((double)actual[i] - expected[i]));
        }

        return difference == 0 ? 0 : difference / Math.Max(largest, double.Epsilon);
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Normal(System.Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Draws every parameter from a generator seeded with <paramref name="seed"/>, so each test sees the same
    /// weights whichever order the tests run in: kernels Glorot-uniform (unless <paramref name="kernels"/> is false,
    /// for models whose kernels come from seeded initialisers), and the parameters that start at a constant (biases,
    /// γ, β, moving statistics, PReLU's α) random values, so their export is tested on something other than zeros and
    /// ones.</summary>
    public static void RandomizeParameters(Sequential model, int seed = 7, bool kernels = true)
    {
        var random = new System.Random(seed);
        foreach (var layer in model.Layers)
        {
            foreach (var parameter in layer.Parameters)
            {
                Func<double>? draw = parameter.Name switch
                {
                    "kernel" when kernels => GlorotUniform(parameter.Shape, random),
                    "bias" or "beta" => () => 0.5 * Normal(random),
                    "gamma" => () => 0.5 + random.NextDouble(),
                    "moving_mean" => () => Normal(random),
                    "moving_variance" => () => 0.25 + 2 * random.NextDouble(),
                    "alpha" => () => 0.5 * random.NextDouble(),
                    _ => null,
                };
                if (draw is null)
                {
                    continue;
                }

                for (int i = 0; i < parameter.Value.Length; i++)
                {
                    switch (parameter.Value)
                    {
                        case Tensor<float> f: f.AsSpan()[i] = (float)draw(); break;
                        case Tensor<double> d: d.AsSpan()[i] = draw(); break;
                    }
                }
            }
        }
    }

    /// <summary>U(−l, l) with l = √(6/(fan in + fan out)) for a Dense (in, out) or Conv2D (kh, kw, in, out) kernel.</summary>
    private static Func<double> GlorotUniform(Shape shape, System.Random random)
    {
        int receptive = shape.Rank == 4 ? shape[0] * shape[1] : 1;
        double limit = Math.Sqrt(6.0 / (receptive * (shape[-2] + shape[-1])));
        return () => limit * (2 * random.NextDouble() - 1);
    }

    private static void Save(string name, byte[] bytes)
    {
        string? directory = Environment.GetEnvironmentVariable("BACKPROP_ONNX_EXPORT_DIR");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        string file = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        File.WriteAllBytes(Path.Combine(directory, file + ".onnx"), bytes);
    }

    private static void Report(string name, int batch, double error)
    {
        string? path = Environment.GetEnvironmentVariable("BACKPROP_ONNX_REPORT");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        lock (s_reportLock)
        {
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{name}\t{batch}\t{error:E3}\n"));
        }
    }

    /// <summary>Builds a model from layers with a declared input shape.</summary>
    public static Sequential Model(int[] inputShape, params Layer[] layers) =>
        new([new Input(inputShape), .. layers]);
}
