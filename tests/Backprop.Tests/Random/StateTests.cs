using Backprop.Random;

namespace Backprop.Tests.Random;

public class StateTests
{
    [Fact]
    public void SameSeedSameBitsDifferentSeedOrStreamDifferentBits()
    {
        var a = new RandomGenerator(99);
        var b = new RandomGenerator(99);
        var c = new RandomGenerator(100);
        var d = new RandomGenerator(99, 1);
        ulong[] x = Enumerable.Range(0, 64).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(x, Enumerable.Range(0, 64).Select(_ => b.NextUInt64()));
        Assert.NotEqual(x, Enumerable.Range(0, 64).Select(_ => c.NextUInt64()));
        Assert.NotEqual(x, Enumerable.Range(0, 64).Select(_ => d.NextUInt64()));
    }

    [Fact]
    public void SkipAndStateJumpInConstantTime()
    {
        var walker = new RandomGenerator(8, 2);
        var values = new uint[1003];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = walker.NextUInt32();
        }

        var jumper = new RandomGenerator(8, 2);
        jumper.Skip(997);
        Assert.Equal(values[997], jumper.NextUInt32());
        jumper.Skip(-500);
        Assert.Equal(values[498], jumper.NextUInt32());

        var saved = jumper.State;
        uint next = jumper.NextUInt32();
        var resumed = new RandomGenerator(saved);
        Assert.Equal(next, resumed.NextUInt32());
        jumper.State = saved;
        Assert.Equal(next, jumper.NextUInt32());
        Assert.Equal(new RandomState(8, 2, 499), saved);

        // Far positions are as cheap as near ones: word 2⁴⁰ is block 2³⁸.
        var far = new RandomGenerator(new RandomState(8, 2, 1UL << 40));
        Assert.Equal(Philox.Block(8, 2, 1UL << 38).X0, far.NextUInt32());
    }

    [Fact]
    public void SplitIsDeterministicAndForkAdvancesTheParent()
    {
        var parent = new RandomGenerator(31);
        var first = parent.Split(1);
        var again = parent.Split(1);
        var other = parent.Split(2);
        Assert.Equal(0UL, parent.Position);
        Assert.Equal(first.NextUInt64(), again.NextUInt64());
        Assert.NotEqual(new RandomGenerator(31, 1).NextUInt64(), parent.Split(1).NextUInt64());
        Assert.NotEqual(parent.Split(1).NextUInt64(), other.NextUInt64());
        Assert.Equal(31UL, first.Seed);

        var forked = parent.Fork();
        Assert.Equal(2UL, parent.Position);
        var parentAgain = new RandomGenerator(31);
        Assert.Equal(parentAgain.Fork().NextUInt64(), forked.NextUInt64());
        Assert.NotEqual(parent.Fork().Stream, forked.Stream);
    }
}
