using System.Numerics;
using Backprop.Inspection;
using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Inspection;

/// <summary>Proof the gradient check can fail: a dense layer with deliberately broken backward passes
/// (sign flip, dropped bias gradient, wrong transpose) must be caught, and the unbroken one must pass.</summary>
public sealed class GradientCheckMutantTests
{
    public enum Mutation
    {
        None,
        SignFlip,
        DroppedBiasGradient,
        WrongTranspose,
    }

    [Theory]
    [InlineData(Mutation.None, true, null)]
    [InlineData(Mutation.SignFlip, false, "input")]
    [InlineData(Mutation.DroppedBiasGradient, false, "bias")]
    [InlineData(Mutation.WrongTranspose, false, "input")]
    public void Mutants_are_caught(Mutation mutation, bool expectedPass, string? failingEntry)
    {
        var layer = new MutantDense(5, mutation);
        layer.Build(new Shape(5), DType.Float64);
        LayerTestKit.Randomize(layer, 3);
        var report = GradientCheck.CheckLayer(layer, TestData.Tensor(4, 7, 5));
        Assert.Equal(expectedPass, report.Passed);
        if (failingEntry is not null)
        {
            Assert.Contains(report.Entries, e => !e.Passed && e.Name.EndsWith(failingEntry, StringComparison.Ordinal));
        }
    }

    /// <summary>y = x·W + b (square W) with a selectable bug in the backward pass.</summary>
    private sealed class MutantDense(int units, Mutation mutation) : Layer
    {
        private Tensor? _x;
        private Tensor? _y;
        private Tensor? _dx;

        public override Shape ComputeOutputShape(Shape inputShape) => new(units);

        protected override void BuildCore(Shape inputShape)
        {
            AddParameter("kernel", new Shape(inputShape[0], units), new Backprop.Initializers.Zeros());
            AddParameter("bias", new Shape(units), new Backprop.Initializers.Zeros());
        }

        protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
        {
            _x = input;
            var y = new Tensor<T>(input.Shape[0], units);
            Ops.MatMul(input, Parameters[0].ValueAs<T>(), destination: y);
            Ops.Add(y, Parameters[1].ValueAs<T>(), y);
            _y = y;
            return y;
        }

        protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
        {
            var x = (Tensor<T>)_x!;
            var w = Parameters[0].ValueAs<T>();
            var dy = outputGradient;
            Ops.MatMul(x, dy, transposeA: true, destination: Parameters[0].GradientAs<T>(), beta: T.One);
            if (mutation != Mutation.DroppedBiasGradient)
            {
                Ops.Add(Parameters[1].GradientAs<T>(), Ops.Sum(dy, 0), Parameters[1].GradientAs<T>());
            }

            var dx = new Tensor<T>(x.Shape);
            Ops.MatMul(dy, w, transposeB: mutation != Mutation.WrongTranspose, destination: dx);
            if (mutation == Mutation.SignFlip)
            {
                Ops.Negate(dx, dx);
            }

            _dx = dx;
            return dx;
        }
    }
}
