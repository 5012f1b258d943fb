using Backprop.Random;

namespace Backprop.Tests.Random;

/// <summary>The streams are part of the library's contract: these files pin the first 1000 values bit for bit, so
/// any change of algorithm, word-to-float mapping or polynomial shows up here as a breaking change.</summary>
public class GoldenStreamTests
{
    private const int Count = 1000;

    [Fact]
    public void UniformDoublesMatchPythonBitForBit()
    {
        var values = new double[Count];
        new RandomGenerator(Fixtures.Seed, Fixtures.Stream).FillUniform<double>(values);
        Assert.Equal(Fixtures.ReadHex("uniform_double.txt"), values.Select(v => (ulong)BitConverter.DoubleToInt64Bits(v)));
    }

    [Fact]
    public void NormalDoublesArePinnedAndAgreeWithLibmBoxMuller()
    {
        var values = new double[Count];
        new RandomGenerator(Fixtures.Seed, Fixtures.Stream).FillNormal<double>(values);
        ulong[] bits = values.Select(v => (ulong)BitConverter.DoubleToInt64Bits(v)).ToArray();
        if (Fixtures.Writing)
        {
            Fixtures.WriteHex("normal_double.txt", "FillNormal<double>(0, 1), first 1000 values as IEEE bits", bits, 16);
        }

        Assert.Equal(Fixtures.Writing ? bits : Fixtures.ReadHex("normal_double.txt"), bits);
        double[] reference = Fixtures.ReadDoubles("normal_double_reference.txt");
        for (int i = 0; i < Count; i++)
        {
            Assert.True(Math.Abs(values[i] - reference[i]) <= 1e-14 * Math.Max(1, Math.Abs(reference[i])),
                $"value {i}: {values[i]:R} vs libm {reference[i]:R}");
        }
    }

    [Fact]
    public void NormalFloatsArePinnedAndAgreeWithLibmBoxMuller()
    {
        var values = new float[Count];
        new RandomGenerator(Fixtures.Seed, Fixtures.Stream).FillNormal<float>(values);
        ulong[] bits = values.Select(v => (ulong)BitConverter.SingleToUInt32Bits(v)).ToArray();
        if (Fixtures.Writing)
        {
            Fixtures.WriteHex("normal_float.txt", "FillNormal<float>(0, 1), first 1000 values as IEEE bits", bits, 8);
        }

        Assert.Equal(Fixtures.Writing ? bits : Fixtures.ReadHex("normal_float.txt"), bits);
        double[] reference = Fixtures.ReadDoubles("normal_float_reference.txt");
        for (int i = 0; i < Count; i++)
        {
            Assert.True(Math.Abs(values[i] - reference[i]) <= 1e-6 * Math.Max(1, Math.Abs(reference[i])),
                $"value {i}: {values[i]:R} vs libm {reference[i]:R}");
        }
    }

    [Fact]
    public void ScalarNormalsAndUniformsFollowTheDocumentedConsumption()
    {
        var words = new RandomGenerator(Fixtures.Seed, Fixtures.Stream);
        ulong[] expectedWords = Fixtures.ReadHex("philox_uint32.txt");
        var scalar = new RandomGenerator(Fixtures.Seed, Fixtures.Stream);
        Assert.Equal((uint)expectedWords[0], scalar.NextUInt32());
        Assert.Equal(expectedWords[1] | (expectedWords[2] << 32), scalar.NextUInt64());
        Assert.Equal((expectedWords[3] >> 8) * (1.0f / (1 << 24)), scalar.NextSingle());
        Assert.Equal(4UL, scalar.Position);

        // NextNormal consumes one block and equals the first value of a double normal fill at that block.
        double normal = scalar.NextNormal();
        var fill = new double[3];
        words.Skip(4);
        words.FillNormal<double>(fill);
        Assert.Equal(fill[0], normal);
        Assert.Equal(8UL, scalar.Position);
    }
}
