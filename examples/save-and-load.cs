#:project ../src/Backprop/Backprop.csproj
// expect: loaded model predicts the same bits: True$
// expect: still the same bits: True$
// expect: same bits: True$
// Saving and loading: the whole model (config, weights, optimiser state) in one file, and the weights alone as
// safetensors — `dotnet run examples/save-and-load.cs`. A loaded model predicts the same bits and trains on exactly as
// the original would have.
using Backprop;
using Backprop.Data;
using Backprop.Data.Datasets;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Random;
using Backprop.Serialization;
using Backprop.Training;

var iris = Iris.Load();
var x = iris.DataAsFloat32();                                          // (150, 4)
var y = OneHot.ToCategorical<double, float>(iris.Target, numClasses: 3);

RandomSeed.Set(1);
var normalization = new Normalization(inputShape: [4]);
normalization.Adapt(x);
var model = new Sequential(normalization, new Dense(16, activation: "relu"), new Dense(3, activation: "softmax"));
model.Compile(new Adam(learningRate: 0.01), "categorical_crossentropy", ["accuracy"]);
model.Fit(x, y, epochs: 20, batchSize: 16, verbose: 0, seed: 2);

string folder = Directory.CreateTempSubdirectory("backprop-example-").FullName;
string modelFile = Path.Combine(folder, "iris.keras");
model.Save(modelFile);                                                 // keras: model.save("iris.keras")
var loaded = Sequential.Load(modelFile);                               // keras.models.load_model("iris.keras")
bool samePredictions = model.Predict(x).ToArray().SequenceEqual(loaded.Predict(x).ToArray());
Console.WriteLine($"saved {new FileInfo(modelFile).Length:N0} bytes; loaded model predicts the same bits: {samePredictions}");

// Both train on for 10 more epochs with the same seed: the saved optimiser state makes them agree exactly.
model.Fit(x, y, epochs: 10, batchSize: 16, verbose: 0, seed: 3);
loaded.Fit(x, y, epochs: 10, batchSize: 16, verbose: 0, seed: 3);
bool sameAfterTraining = model.Predict(x).ToArray().SequenceEqual(loaded.Predict(x).ToArray());
Console.WriteLine($"after 10 more epochs each, still the same bits: {sameAfterTraining}");

string weightsFile = Path.Combine(folder, "iris.safetensors");
model.SaveWeights(weightsFile);                                        // keras: model.save_weights(...)
var twin = new Sequential(new Normalization(inputShape: [4]), new Dense(16, activation: "relu"), new Dense(3, activation: "softmax"));
twin.LoadWeights(weightsFile);
bool sameFromWeights = model.Predict(x).ToArray().SequenceEqual(twin.Predict(x).ToArray());
Console.WriteLine($"weights alone into a fresh model of the same shape: same bits: {sameFromWeights}");
Console.WriteLine($"accuracy {model.Evaluate(x, y, verbose: 0)["accuracy"]:F3}");
Directory.Delete(folder, recursive: true);
return samePredictions && sameAfterTraining && sameFromWeights ? 0 : 1;
