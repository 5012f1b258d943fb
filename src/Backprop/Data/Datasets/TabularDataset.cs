namespace Backprop.Data.Datasets;

/// <summary>A small table in the shape of scikit-learn's <c>Bunch</c>: <see cref="Data"/> (n_samples,
/// n_features) and <see cref="Target"/> (n_samples,), both float64 like sklearn's <c>load_*</c> functions (class
/// labels are whole numbers 0, 1, …; <see cref="Labels"/> gives them as ints).</summary>
public sealed record TabularDataset(Tensor<double> Data, Tensor<double> Target, IReadOnlyList<string> FeatureNames, IReadOnlyList<string> ClassNames)
{
    /// <summary>The targets as integer class labels.</summary>
    public int[] Labels() => Array.ConvertAll(Target.ToArray(), t => (int)t);

    /// <summary>The features as float32, for float32 models.</summary>
    public Tensor<float> DataAsFloat32() => Tensor.Cast<double, float>(Data);
}
