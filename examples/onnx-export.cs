#:project ../src/Backprop.Onnx/Backprop.Onnx.csproj
#:package Microsoft.ML.OnnxRuntime
// expect: ^ONNX Runtime [0-9.]+: input \(batch, 4\) → output \(batch, 3\)$
// expect: same class for 150 of 150 flowers$
// Train in Backprop, export to ONNX, predict with ONNX Runtime — `dotnet run examples/onnx-export.cs`. The iris
// classifier keeps its standardisation inside the model (a Normalization layer), so the .onnx file takes raw
// measurements. (The version of Microsoft.ML.OnnxRuntime comes from the repository's Directory.Packages.props; outside
// it write `#:package Microsoft.ML.OnnxRuntime@1.32.0`.)
using Backprop;
using Backprop.Data;
using Backprop.Data.Datasets;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Onnx;
using Backprop.Optimizers;
using Backprop.Random;
using Backprop.Training;
using Microsoft.ML.OnnxRuntime;

var iris = Iris.Load();
var x = iris.DataAsFloat32();                                          // (150, 4)
var y = OneHot.ToCategorical<double, float>(iris.Target, numClasses: 3);

var normalization = new Normalization(inputShape: [4]);
normalization.Adapt(x);                                                // per-feature mean and variance
RandomSeed.Set(3);
var model = new Sequential(normalization, new Dense(16, activation: "relu"), new Dense(3, activation: "softmax"));
model.Compile(new Adam(learningRate: 0.01), "categorical_crossentropy", ["accuracy"]);
model.Fit(x, y, epochs: 50, batchSize: 16, verbose: 0, seed: 5);

string path = Path.Combine(Path.GetTempPath(), $"iris-{Environment.ProcessId}.onnx");
model.ExportOnnx(path);                                                // input "input" (batch, 4), output "output" (batch, 3)

using var session = new InferenceSession(path);
using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray(), [150, 4]);
using var runOptions = new RunOptions();
using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { ["input"] = input }, ["output"]);
float[] onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();
float[] own = model.Predict(x).ToArray();
File.Delete(path);

double largest = own.Zip(onnx, (a, b) => Math.Abs(a - b)).Max();
int agree = Enumerable.Range(0, 150).Count(i => ArgMax(onnx, i) == ArgMax(own, i));
Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}: {session.InputMetadata.Keys.Single()} {Dims(session.InputMetadata.Values.Single())} → {session.OutputMetadata.Keys.Single()} {Dims(session.OutputMetadata.Values.Single())}");
Console.WriteLine($"ONNX Runtime and Predict differ by at most {largest:E1} over {own.Length} probabilities; same class for {agree} of 150 flowers");
return largest <= 1e-5 ? 0 : 1;

static int ArgMax(float[] p, int row) => p[row * 3] >= p[row * 3 + 1] ? (p[row * 3] >= p[row * 3 + 2] ? 0 : 2) : (p[row * 3 + 1] >= p[row * 3 + 2] ? 1 : 2);

static string Dims(NodeMetadata m) => $"({string.Join(", ", m.Dimensions.Select((d, i) => d < 0 ? m.SymbolicDimensions[i] : d.ToString()))})";
