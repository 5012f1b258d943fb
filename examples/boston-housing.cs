#:project ../src/Backprop/Backprop.csproj
// expect: ^epochs trained: 37, best val_mae: 2\.19, test MAE: 3\.21$
// The Boston-housing regression (the boston-housing lab's variant b) as one file: `dotnet run examples/boston-housing.cs`.
// Keras's split, standardisation from the training rows only, 13 → 32 swish → 16 swish → 1, SGD with Nesterov momentum
// and early stopping on the validation MAE. Seeded, so it prints the same numbers every run.
using Backprop;
using Backprop.Data;
using Backprop.Data.Datasets;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Random;
using Backprop.Training;
using Backprop.Training.Callbacks;

RandomSeed.Set(42);                                                  // keras.utils.set_random_seed(42)
var (x, y, xTest, yTest) = BostonHousing.Load();                     // Keras's split: 404 / 102 rows, float64
var (xTrain, xVal, yTrain, yVal) = TrainTestSplit.Split(x, y, testSize: 0.25, randomState: 42);
var scaler = new StandardScaler().Fit(xTrain);                       // training statistics only
(xTrain, xVal, xTest) = (scaler.Transform(xTrain), scaler.Transform(xVal), scaler.Transform(xTest));

var model = new Sequential(DType.Float64,
    new Dense(32, activation: "swish", inputShape: [13]),
    new Dense(16, activation: "swish"),
    new Dense(1));
model.Compile(optimizer: new SGD(learningRate: 1e-3, momentum: 0.9, nesterov: true), loss: "mse", metrics: ["mae"]);
History history = model.Fit(xTrain, yTrain, epochs: 300, batchSize: 32, validationData: (xVal, yVal), verbose: 0,
                            callbacks: [new EarlyStopping(monitor: "val_mae", patience: 30, restoreBestWeights: true)]);
Console.WriteLine(model.Summary());
var test = model.Evaluate(xTest, yTest, verbose: 0);
Console.WriteLine($"epochs trained: {history.Epoch.Count}, best val_mae: {history["val_mae"].Min():F2}, test MAE: {test["mae"]:F2}");
