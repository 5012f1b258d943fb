using System.Numerics;

namespace Backprop.Data.Datasets;

/// <summary>Training and test data, as Keras's <c>(x_train, y_train), (x_test, y_test) = load_data()</c>.
/// Deconstructs in that order: <c>var (xTrain, yTrain, xTest, yTest) = Mnist.Load();</c></summary>
public sealed record DataSplit<TX, TY>(Tensor<TX> XTrain, Tensor<TY> YTrain, Tensor<TX> XTest, Tensor<TY> YTest)
    where TX : unmanaged, INumber<TX>
    where TY : unmanaged, INumber<TY>;
