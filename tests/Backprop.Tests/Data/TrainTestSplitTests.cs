using Backprop.Data;

namespace Backprop.Tests.Data;

public class TrainTestSplitTests
{
    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, DataTestFiles.Json("sklearn_train_test_split.json").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Indices_equal_scikit_learn_train_test_split(int index)
    {
        var c = DataTestFiles.Json("sklearn_train_test_split.json")[index];
        int n = c.GetProperty("n").GetInt32();
        double testSize = c.GetProperty("test_size").GetDouble();
        int? seed = c.GetProperty("seed").ValueKind == System.Text.Json.JsonValueKind.Null ? null : c.GetProperty("seed").GetInt32();
        bool shuffle = c.GetProperty("shuffle").GetBoolean();
        int[]? stratify = c.GetProperty("stratify").ValueKind == System.Text.Json.JsonValueKind.Null
            ? null
            : [.. c.GetProperty("stratify").EnumerateArray().Select(e => e.GetInt32())];

        var (train, test) = TrainTestSplit.Indices(n, testSize, seed, shuffle, stratify);

        Assert.Equal(c.GetProperty("train").EnumerateArray().Select(e => e.GetInt32()).ToArray(), train);
        Assert.Equal(c.GetProperty("test").EnumerateArray().Select(e => e.GetInt32()).ToArray(), test);
    }

    [Fact]
    public void Split_returns_rows_in_scikit_learn_order()
    {
        var x = Tensor.From([.. Enumerable.Range(0, 20).Select(i => (double)i)], 10, 2);
        var y = Tensor.From([.. Enumerable.Range(0, 10).Select(i => (float)(i * 10))], 10);
        var (xTrain, xTest, yTrain, yTest) = TrainTestSplit.Split(x, y, 0.25, randomState: 0);
        var (train, test) = TrainTestSplit.Indices(10, 0.25, 0);

        Assert.Equal(new Shape(7, 2), xTrain.Shape);
        Assert.Equal(new Shape(3, 2), xTest.Shape);
        for (int i = 0; i < train.Length; i++)
        {
            Assert.Equal(2.0 * train[i] + 1, xTrain[i, 1]);
            Assert.Equal(train[i] * 10f, yTrain[i]);
        }

        for (int i = 0; i < test.Length; i++)
        {
            Assert.Equal(2.0 * test[i], xTest[i, 0]);
            Assert.Equal(test[i] * 10f, yTest[i]);
        }
    }

    [Fact]
    public void Sizes_follow_validate_shuffle_split()
    {
        Assert.Equal((7, 3), TrainTestSplit.Sizes(10, 0.25));
        Assert.Equal((404, 102), TrainTestSplit.Sizes(506, 0.2));
        Assert.Equal((28, 5), TrainTestSplit.Sizes(33, 5));
        Assert.Equal((5, 3), TrainTestSplit.Sizes(10, 0.25, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Sizes(10, 0));
        Assert.Throws<ArgumentException>(() => TrainTestSplit.Sizes(10, 0.5, 0.8));
        Assert.Throws<ArgumentException>(() => TrainTestSplit.Indices(10, 0.3, 1, stratify: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
    }
}
