using Backprop;
using Backprop.Data;
using Backprop.Data.Datasets;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Onnx;
using Backprop.Optimizers;
using Backprop.Training;
using Microsoft.ML.OnnxRuntime;

namespace Backprop.Examples;

/// <summary>Train in Backprop, export to ONNX, predict with ONNX Runtime: the iris classifier, standardisation
/// included in the model, so the .onnx file takes raw measurements.</summary>
public static class OnnxExportExample
{
    public static (float[] Backprop, float[] OnnxRuntime) Run(string path)
    {
        var iris = Iris.Load();
        var x = iris.DataAsFloat32();                                    // (150, 4)
        var y = OneHot.ToCategorical<double, float>(iris.Target, numClasses: 3);

        var scaler = new Normalization(inputShape: [4]);
        scaler.Adapt(x);                                                 // per-feature mean and variance
        Backprop.Random.RandomSeed.Set(3);
        var model = new Sequential(scaler, new Dense(16, activation: "relu"), new Dense(3, activation: "softmax"));
        model.Compile(new Adam(learningRate: 0.01), "categorical_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 50, batchSize: 16, verbose: 0, seed: 5);

        model.ExportOnnx(path);                                          // input "input" (batch, 4), output "output" (batch, 3)

        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray(), [150, 4]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { ["input"] = input }, ["output"]);
        float[] onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        float[] own = model.Predict(x).ToArray();

        double largest = own.Zip(onnx, (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"ONNX Runtime and Predict differ by at most {largest:E1} over {own.Length} probabilities");
        return (own, onnx);
    }
}
