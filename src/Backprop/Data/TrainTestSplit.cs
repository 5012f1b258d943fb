using System.Numerics;

namespace Backprop.Data;

/// <summary>scikit-learn's <c>train_test_split</c> with an integer <c>random_state</c>, index for index.
/// Sizes: a fractional test size gives n_test = ⌈test_size·n⌉, a fractional train size n_train = ⌊train_size·n⌋,
/// otherwise n_train = n − n_test (<c>_validate_shuffle_split</c>). Shuffled: <c>ShuffleSplit</c>, whose test part is
/// the first n_test entries of <c>RandomState(seed).permutation(n)</c> and train the next n_train. With
/// <c>shuffle: false</c> train is 0 … n_train−1 and test follows. With <c>stratify</c>: <c>StratifiedShuffleSplit</c>
/// (per-class counts by <c>_approximate_mode</c>, per-class permutations, then both parts permuted).</summary>
public static class TrainTestSplit
{
    /// <summary>Train and test row indices, as <c>train_test_split(np.arange(n), test_size=testSize,
    /// random_state=randomState, shuffle=shuffle, stratify=stratify)</c> returns them. A size above or equal to 1
    /// is a row count; below 1 a fraction. <paramref name="trainSize"/> null means "the rest".
    /// <paramref name="randomState"/> null draws a seed from the system (not reproducible).</summary>
    public static (int[] Train, int[] Test) Indices(int n, double testSize = 0.25, int? randomState = null, bool shuffle = true, int[]? stratify = null, double? trainSize = null)
    {
        (int nTrain, int nTest) = Sizes(n, testSize, trainSize);
        if (!shuffle)
        {
            if (stratify is not null)
            {
                throw new ArgumentException("Stratified train/test split is not implemented for shuffle=false (as in scikit-learn).", nameof(stratify));
            }

            return (Enumerable.Range(0, nTrain).ToArray(), Enumerable.Range(nTrain, nTest).ToArray());
        }

        // Unseeded splits draw their seed from RandomSeed, as numpy's global state serves random_state=None.
        var rng = new NumPyRandomState(randomState ?? (long)(Backprop.Random.RandomSeed.NextSeed() & uint.MaxValue));
        if (stratify is null)
        {
            int[] permutation = rng.Permutation(n);
            return (permutation[nTest..(nTest + nTrain)], permutation[..nTest]);
        }

        if (stratify.Length != n)
        {
            throw new ArgumentException($"stratify has {stratify.Length} labels for {n} rows.", nameof(stratify));
        }

        return Stratified(stratify, nTrain, nTest, rng);
    }

    /// <summary>Splits features and targets by <see cref="Indices"/> along axis 0 and returns them in
    /// scikit-learn's order: (x_train, x_test, y_train, y_test).</summary>
    public static (Tensor<T> XTrain, Tensor<T> XTest, Tensor<TY> YTrain, Tensor<TY> YTest) Split<T, TY>(Tensor<T> x, Tensor<TY> y, double testSize = 0.25, int? randomState = null, bool shuffle = true, int[]? stratify = null)
        where T : unmanaged, INumber<T>
        where TY : unmanaged, INumber<TY>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank == 0 || y.Rank == 0 || x.Shape[0] != y.Shape[0])
        {
            throw ShapeMismatchException.For("TrainTestSplit.Split", x.Shape, y.Shape, "x and y need the same number of rows");
        }

        var (train, test) = Indices(x.Shape[0], testSize, randomState, shuffle, stratify);
        return (Take(x, train), Take(x, test), Take(y, train), Take(y, test));
    }

    /// <summary>Rows <paramref name="rows"/> of <paramref name="source"/> (axis 0), copied in that order.</summary>
    public static Tensor<T> Take<T>(Tensor<T> source, int[] rows)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rows);
        if (source.Rank == 0)
        {
            throw new ArgumentException("Take needs a tensor with rows (rank at least 1); got a scalar.", nameof(source));
        }

        int available = source.Shape[0];
        for (int i = 0; i < rows.Length; i++)
        {
            if ((uint)rows[i] >= (uint)available)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), rows[i], $"rows[{i}] is {rows[i]}; the tensor has {available} rows (0 to {available - 1}).");
            }
        }

        var result = new Tensor<T>(source.Shape.WithDimension(0, rows.Length));
        int stride = source.RowStride;
        ReadOnlySpan<T> from = source.AsSpan();
        Span<T> to = result.AsSpan();
        for (int i = 0; i < rows.Length; i++)
        {
            from.Slice(rows[i] * stride, stride).CopyTo(to.Slice(i * stride, stride));
        }

        return result;
    }

    /// <summary>scikit-learn's <c>_validate_shuffle_split</c>: (n_train, n_test).</summary>
    public static (int Train, int Test) Sizes(int n, double testSize, double? trainSize = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (n == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "There are no rows to split (n_samples = 0); at least 2 are needed, as in scikit-learn.");
        }

        bool testIsFraction = testSize < 1;
        if (testSize <= 0 || (!testIsFraction && (testSize != Math.Floor(testSize) || testSize >= n)))
        {
            throw new ArgumentOutOfRangeException(nameof(testSize), testSize, $"test_size must be a fraction in (0, 1) or a count in [1, {n}).");
        }

        int nTest = testIsFraction ? (int)Math.Ceiling(testSize * n) : (int)testSize;
        int nTrain;
        if (trainSize is double ts)
        {
            bool trainIsFraction = ts < 1;
            if (ts <= 0 || (!trainIsFraction && ts != Math.Floor(ts)))
            {
                throw new ArgumentOutOfRangeException(nameof(trainSize), ts, "train_size must be a fraction in (0, 1) or a positive count.");
            }

            nTrain = trainIsFraction ? (int)Math.Floor(ts * n) : (int)ts;
        }
        else
        {
            nTrain = n - nTest;
        }

        if (nTrain + nTest > n)
        {
            throw new ArgumentException($"The sum of train and test sizes ({nTrain + nTest}) exceeds the {n} samples.");
        }

        if (nTrain == 0)
        {
            throw new ArgumentException($"With n_samples={n} and test_size={testSize} the training set would be empty.");
        }

        return (nTrain, nTest);
    }

    private static (int[] Train, int[] Test) Stratified(int[] labels, int nTrain, int nTest, NumPyRandomState rng)
    {
        int[] classes = labels.Distinct().Order().ToArray();
        int nClasses = classes.Length;
        int[] counts = new int[nClasses];
        var classIndices = new List<int>[nClasses];
        for (int c = 0; c < nClasses; c++)
        {
            classIndices[c] = [];
        }

        for (int i = 0; i < labels.Length; i++)
        {
            int c = Array.BinarySearch(classes, labels[i]);
            counts[c]++;
            classIndices[c].Add(i);
        }

        if (counts.Min() < 2)
        {
            throw new ArgumentException("The least populated class in stratify has only 1 member, which is too few (scikit-learn needs at least 2).");
        }

        if (nTrain < nClasses || nTest < nClasses)
        {
            throw new ArgumentException($"Train ({nTrain}) and test ({nTest}) sizes must be at least the number of classes ({nClasses}).");
        }

        int[] trainCounts = ApproximateMode(counts, nTrain, rng);
        int[] remaining = new int[nClasses];
        for (int c = 0; c < nClasses; c++)
        {
            remaining[c] = counts[c] - trainCounts[c];
        }

        int[] testCounts = ApproximateMode(remaining, nTest, rng);
        var train = new List<int>(nTrain);
        var test = new List<int>(nTest);
        for (int c = 0; c < nClasses; c++)
        {
            int[] permutation = rng.Permutation(counts[c]);
            for (int k = 0; k < trainCounts[c]; k++)
            {
                train.Add(classIndices[c][permutation[k]]);
            }

            for (int k = trainCounts[c]; k < trainCounts[c] + testCounts[c]; k++)
            {
                test.Add(classIndices[c][permutation[k]]);
            }
        }

        int[] trainArray = [.. train];
        int[] testArray = [.. test];
        rng.Shuffle<int>(trainArray);
        rng.Shuffle<int>(testArray);
        return (trainArray, testArray);
    }

    /// <summary>scikit-learn's <c>_approximate_mode</c>: floor of the proportional allocation, then one more for the
    /// classes with the largest remainders, ties broken by <c>rng.choice(inds, add_now, replace=False)</c>, which
    /// for a legacy RandomState is <c>permutation(len(inds))[:add_now]</c>.</summary>
    internal static int[] ApproximateMode(int[] classCounts, int draws, NumPyRandomState rng)
    {
        long total = classCounts.Sum(c => (long)c);
        int n = classCounts.Length;
        double[] continuous = new double[n];
        double[] floored = new double[n];
        double flooredSum = 0;
        for (int i = 0; i < n; i++)
        {
            continuous[i] = (double)classCounts[i] / total * draws;
            floored[i] = Math.Floor(continuous[i]);
            flooredSum += floored[i];
        }

        int needToAdd = (int)(draws - flooredSum);
        if (needToAdd > 0)
        {
            double[] remainder = new double[n];
            for (int i = 0; i < n; i++)
            {
                remainder[i] = continuous[i] - floored[i];
            }

            foreach (double value in remainder.Distinct().OrderByDescending(v => v))
            {
                int[] inds = Enumerable.Range(0, n).Where(i => remainder[i] == value).ToArray();
                int addNow = Math.Min(inds.Length, needToAdd);
                int[] chosen = rng.Permutation(inds.Length);
                for (int k = 0; k < addNow; k++)
                {
                    floored[inds[chosen[k]]] += 1;
                }

                needToAdd -= addNow;
                if (needToAdd == 0)
                {
                    break;
                }
            }
        }

        return Array.ConvertAll(floored, f => (int)f);
    }
}
