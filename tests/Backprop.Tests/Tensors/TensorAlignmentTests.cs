using System.Runtime;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Tests.Tensors;

/// <summary>Large tensors and a model's own state start on a cache line (64 bytes) and stay there: an array's address
/// is otherwise a multiple of 8 only, and which multiple a model got decided how fast it trained.</summary>
public class TensorAlignmentTests
{
    private static unsafe long Misalignment<T>(Tensor<T> tensor)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        fixed (T* first = tensor.AsSpan())
        {
            return (long)first % LargeBuffers.Alignment;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1000)]
    [InlineData(21_250)] // 85,000 bytes of float: the first size on the large-object heap
    [InlineData(1_048_577)] // above the huge-page threshold
    public void LongLivedTensorsOfAnySizeStartOnACacheLineAsZeros(int length)
    {
        for (int round = 0; round < 3; round++)
        {
            var single = Tensor<float>.LongLived(new Shape(length));
            var dbl = Tensor<double>.LongLived(new Shape(length));
            Assert.Equal(0, Misalignment(single));
            Assert.Equal(0, Misalignment(dbl));
            Assert.Equal(length, single.AsSpan().Length);
            Assert.Equal(length, dbl.AsSpan().Length);
            Assert.Equal(-1, single.AsSpan().IndexOfAnyExcept(0f));
            Assert.Equal(-1, dbl.AsSpan().IndexOfAnyExcept(0.0));

            // Filled, then dropped: the next round's tensors may reuse this memory and must still read as zeros.
            single.Fill(float.NaN);
            dbl.Fill(double.NaN);
        }
    }

    [Theory]
    [InlineData(21_250, true)]
    [InlineData(3_000_007, true)]
    [InlineData(21_249, false)]
    public void OrdinaryTensorsAreAlignedFromTheLargeObjectSizeOn(int length, bool aligned)
    {
        // Several of each size: an unaligned array sits at a multiple of 64 only one time in eight.
        var misalignments = Enumerable.Range(0, 16).Select(_ =>
        {
            var filler = new byte[8 * System.Random.Shared.Next(1, 8)];
            GC.KeepAlive(filler);
            return Misalignment(new Tensor<float>(length));
        }).ToList();
        if (aligned)
        {
            Assert.All(misalignments, m => Assert.Equal(0, m));
        }

        Assert.All(misalignments, m => Assert.Equal(0, m % sizeof(float)));
    }

    [Fact]
    public void LongLivedTensorsStayAlignedThroughACompactingCollection()
    {
        var garbage = new List<object>();
        var kept = new List<Tensor<float>>();
        for (int i = 0; i < 200; i++)
        {
            // Garbage in between, so that a compaction would have reason to move what survives.
            garbage.Add(new byte[24 + (8 * (i % 5))]);
            kept.Add(Tensor<float>.LongLived(new Shape(13 + i)));
            kept[^1].Fill(i);
        }

        garbage.Clear();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        for (int i = 0; i < kept.Count; i++)
        {
            Assert.Equal(0, Misalignment(kept[i]));
            Assert.Equal(-1, kept[i].AsSpan().IndexOfAnyExcept((float)i));
        }
    }

    [Fact]
    public void AModelsWeightsGradientsAndBatchBuffersStartOnACacheLine()
    {
        var random = new System.Random(3);
        var x = Tensor<float>.Wrap(Enumerable.Range(0, 70 * 13).Select(_ => (float)random.NextDouble()).ToArray(), new Shape(70, 13));
        var y = Tensor<float>.Wrap(Enumerable.Range(0, 70 * 3).Select(_ => (float)random.NextDouble()).ToArray(), new Shape(70, 3));
        var model = new Sequential(new Dense(33, activation: "relu", inputShape: [13]), new Dense(7, activation: "tanh"), new Dense(3));
        model.Compile(new Adam(), "mse");
        model.Fit(x, y, epochs: 2, batchSize: 9, verbose: 0, seed: 1);

        int checkedTensors = 0;
        foreach (var parameter in model.Layers.SelectMany(layer => layer.Parameters))
        {
            Assert.Equal(0, Misalignment(parameter.ValueAs<float>()));
            Assert.Equal(0, Misalignment(parameter.GradientAs<float>()));
            checkedTensors += 2;
        }

        Assert.Equal(12, checkedTensors);
        var buffer = new BatchBuffer();
        Assert.Equal(0, Misalignment(buffer.Rows<float>(9, new Shape(13))));
        Assert.Equal(0, Misalignment(buffer.Rows<double>(5, new Shape(7))));
    }
}
