using Backprop;

RandomSeed.Set(42);                                                  // Keras's keras.utils.set_random_seed(42)
var (x, y, xTest, yTest) = BostonHousing.Load();                     // Keras's split: 404 / 102 rows, float64
var (xTrain, xVal, yTrain, yVal) = TrainTestSplit.Split(x, y, testSize: 0.25, randomState: 42);
var scaler = new StandardScaler().Fit(xTrain);                       // training statistics only
(xTrain, xVal, xTest) = (scaler.Transform(xTrain), scaler.Transform(xVal), scaler.Transform(xTest));

var model = new Sequential(DType.Float64,
    new Dense(32, activation: "swish", inputShape: [13]),
    new Dense(16, activation: "swish"),
    new Dense(1));
model.Compile(optimizer: new SGD(learningRate: 1e-3, momentum: 0.9, nesterov: true), loss: "mse", metrics: ["mae"]);
History history = model.Fit(xTrain, yTrain, epochs: 300, batchSize: 32, validationData: (xVal, yVal), verbose: 2,
                            callbacks: [new EarlyStopping(monitor: "val_mae", patience: 30, restoreBestWeights: true)]);
Console.WriteLine(model.Summary());
Console.WriteLine($"epochs trained: {history.Epoch.Count}, test MAE: {model.Evaluate(xTest, yTest)["mae"]:F2}");
