using Backprop.Data;

namespace Backprop.Tests.Data;

public class NumPyRandomStateTests
{
    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, DataTestFiles.Json("numpy_random_state.json").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Streams_equal_numpy_RandomState_bit_for_bit(int index)
    {
        var c = DataTestFiles.Json("numpy_random_state.json")[index];
        long seed = c.GetProperty("seed").GetInt64();

        var rs = new NumPyRandomState(seed);
        long[] expectedBits = [.. c.GetProperty("rand_bits").EnumerateArray().Select(e => e.GetInt64())];
        long[] actualBits = [.. rs.Rand(expectedBits.Length).Select(BitConverter.DoubleToInt64Bits)];
        Assert.Equal(expectedBits, actualBits);

        rs = new NumPyRandomState(seed);
        Assert.Equal(Longs(c, "randint_0_10"), rs.RandInt(0, 10, 30));
        Assert.Equal(Longs(c, "randint_neg5_1000003"), rs.RandInt(-5, 1000003, 10));
        Assert.Equal(Longs(c, "randint_0_2pow40"), rs.RandInt(0, 1L << 40, 6));
        Assert.Equal(Longs(c, "randint_wide"), rs.RandInt(-(1L << 62), 1L << 62, 6));
        Assert.Equal(c.GetProperty("randint_scalar_after").GetInt64(), rs.RandInt(7, 8));
        Assert.Equal(c.GetProperty("rand_after_bits").GetInt64(), BitConverter.DoubleToInt64Bits(rs.RandomSample()));

        rs = new NumPyRandomState(seed);
        foreach (var permutation in c.GetProperty("permutations").EnumerateObject())
        {
            int n = int.Parse(permutation.Name, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(permutation.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray(), rs.Permutation(n));
        }

        rs = new NumPyRandomState(seed);
        int[] values = [.. Enumerable.Range(0, 100).Select(i => i * 3)];
        rs.Shuffle<int>(values);
        Assert.Equal(c.GetProperty("shuffle_100_times3").EnumerateArray().Select(e => e.GetInt32()).ToArray(), values);
    }

    [Fact]
    public void Seeds_outside_uint32_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumPyRandomState(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumPyRandomState(1L << 32));
        Assert.Throws<ArgumentException>(() => new NumPyRandomState(0).RandInt(5, 5));
    }

    private static long[] Longs(System.Text.Json.JsonElement c, string name) => [.. c.GetProperty(name).EnumerateArray().Select(e => e.GetInt64())];
}
