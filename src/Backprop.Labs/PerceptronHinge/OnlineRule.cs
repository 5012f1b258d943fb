namespace Backprop.Labs.PerceptronHinge;

/// <summary>What the course's <c>percept_train</c> returns, with its bookkeeping.</summary>
/// <param name="W">The learned weights (w₁, w₂).</param>
/// <param name="Updates">Weight updates in all epochs.</param>
/// <param name="UpdatesPerEpoch">Updates in each epoch.</param>
internal sealed record OnlineResult(double[] W, int Updates, int[] UpdatesPerEpoch)
{
    /// <summary>The last epoch (1-based) with an update, 0 when none.</summary>
    public int LastEpochWithUpdate => Array.FindLastIndex(UpdatesPerEpoch, u => u > 0) + 1;
}

/// <summary>The course's training loop, written out: a linear model without bias from w = 0, samples in fixed
/// order, and for each sample <c>if y·(w·x) ≤ a: w += η·y·x</c>. a = 0 is the perceptron criterion, a = 1 the
/// hinge loss (both as sub-gradient steps of max(0, a − y·w·x)).</summary>
internal static class OnlineRule
{
    public static OnlineResult Train(double[,] x, double[] y, double margin, double learningRate, int epochs)
    {
        var w = new double[2];
        var perEpoch = new int[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            for (int i = 0; i < y.Length; i++)
            {
                if (y[i] * ((w[0] * x[i, 0]) + (w[1] * x[i, 1])) <= margin)
                {
                    w[0] += learningRate * y[i] * x[i, 0];
                    w[1] += learningRate * y[i] * x[i, 1];
                    perEpoch[epoch]++;
                }
            }
        }

        return new OnlineResult(w, perEpoch.Sum(), perEpoch);
    }

    /// <summary>The course's <c>predict</c>: 1.0 if w·x ≥ 0 else −1.0.</summary>
    public static double Predict(double[] w, double x1, double x2) => (w[0] * x1) + (w[1] * x2) >= 0 ? 1.0 : -1.0;

    /// <summary>The share of points the weights classify as labelled.</summary>
    public static double Accuracy(double[] w, double[,] x, double[] y)
    {
        int correct = 0;
        for (int i = 0; i < y.Length; i++)
        {
            correct += Predict(w, x[i, 0], x[i, 1]) == y[i] ? 1 : 0;
        }

        return (double)correct / y.Length;
    }
}
