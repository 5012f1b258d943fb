using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Random;
using Backprop.Serialization;
using Backprop.Training;

namespace Backprop.Tests.Serialization;

/// <summary>Save → Load round trips for every layer type and optimiser, in float32 and float64: identical
/// predictions, and 20 more training steps on both give bit-identical weights. Also weights-only files, the
/// checks LoadWeights makes, and what Load leaves alone.</summary>
[Collection(nameof(Backprop.Tests.Training.GlobalRandomSeedCollection))]
public sealed class ModelFileTests
{
    public static TheoryData<string, string, DType> Cases()
    {
        var data = new TheoryData<string, string, DType>();
        foreach (string optimizer in SaveLoadKit.Optimizers)
        {
            foreach (string kind in new[] { "dense", "conv" })
            {
                foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                {
                    data.Add(kind, optimizer, dtype);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Save_then_Load_predicts_identically_and_trains_on_to_the_same_bits(string kind, string optimizer, DType dtype)
    {
        var model = SaveLoadKit.Model(kind, dtype, seed: 3);
        model.Compile(SaveLoadKit.Optimizer(optimizer), "mse", ["mae"]);
        var (x, y) = SaveLoadKit.Data(kind, dtype, rows: 12, seed: 5);
        for (int step = 0; step < 5; step++)
        {
            SaveLoadKit.TrainOnBatch(model, x, y);
        }

        string path = SaveLoadKit.TempPath("model.keras");
        try
        {
            model.Save(path);
            var loaded = Sequential.Load(path);
            loaded.Output = TextWriter.Null;
            Assert.Equal(model.GetConfig().Replace(model.Name, "M", StringComparison.Ordinal), loaded.GetConfig().Replace(loaded.Name, "M", StringComparison.Ordinal));
            Assert.True(SaveLoadKit.SameBits(model.GetWeights(), loaded.GetWeights()));
            Assert.True(SaveLoadKit.SameBits(SaveLoadKit.Predict(model, x), SaveLoadKit.Predict(loaded, x)));
            Assert.Equal(model.Optimizer!.Iterations, loaded.Optimizer!.Iterations);
            Assert.Equal(model.Optimizer!.GetType(), loaded.Optimizer!.GetType());
            Assert.Equal(["mae"], loaded.Metrics.Select(m => m.Name));

            var before = model.GetWeights();
            for (int step = 0; step < 20; step++)
            {
                SaveLoadKit.TrainOnBatch(model, x, y);
                SaveLoadKit.TrainOnBatch(loaded, x, y);
            }

            Assert.True(SaveLoadKit.SameBits(model.GetWeights(), loaded.GetWeights()), $"{kind}/{optimizer}/{dtype.Name()}: continued training diverged");
            Assert.False(SaveLoadKit.SameBits(before, model.GetWeights()), "the 20 steps changed nothing, so the test proves nothing");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_fresh_optimizer_given_the_state_continues_like_the_original_and_a_stateless_one_does_not()
    {
        var (x, y) = SaveLoadKit.Data("dense", DType.Float64, 12, 5);
        var a = SaveLoadKit.Model("dense", DType.Float64, 3);
        a.Compile(new Adam(0.01), "mse");
        for (int i = 0; i < 4; i++)
        {
            SaveLoadKit.TrainOnBatch(a, x, y);
        }

        var state = a.Optimizer!.GetState(a.TrainableParameters);
        Assert.Equal(4, state.GetInt64("iterations"));
        Assert.True(state.Contains("0/momentum") && state.Contains("0/velocity"));

        Sequential Copy(bool withState)
        {
            var b = SaveLoadKit.Model("dense", DType.Float64, 99);
            b.SetWeights(a.GetWeights());
            foreach (var (la, lb) in a.Layers.Zip(b.Layers))
            {
                if (la is Backprop.Layers.Dropout da)
                {
                    ((Backprop.Layers.Dropout)lb).RandomState = da.RandomState;
                }
            }

            b.Compile(new Adam(0.01), "mse");
            if (withState)
            {
                b.Optimizer!.SetState(state, b.TrainableParameters);
            }

            return b;
        }

        var resumed = Copy(withState: true);
        var fresh = Copy(withState: false);
        for (int i = 0; i < 3; i++)
        {
            SaveLoadKit.TrainOnBatch(a, x, y);
            SaveLoadKit.TrainOnBatch(resumed, x, y);
            SaveLoadKit.TrainOnBatch(fresh, x, y);
        }

        Assert.True(SaveLoadKit.SameBits(a.GetWeights(), resumed.GetWeights()));
        Assert.False(SaveLoadKit.SameBits(a.GetWeights(), fresh.GetWeights()));

        // A state from another optimiser or for other parameters is refused, and nothing changes.
        var sgd = new SGD(0.1, momentum: 0.9);
        var error = Assert.Throws<ArgumentException>(() => sgd.SetState(state, a.TrainableParameters));
        Assert.Contains("velocity", error.Message);
        Assert.Equal(0, sgd.Iterations);
        Assert.Throws<ArgumentException>(() => new Adam(0.01).SetState(state, a.TrainableParameters.Reverse().ToArray()));
    }

    [Fact]
    public void Weights_file_uses_keras_names_and_loads_into_a_model_built_again()
    {
        var model = SaveLoadKit.Model("dense", DType.Float32, 4);
        string path = SaveLoadKit.TempPath("model.safetensors");
        try
        {
            model.SaveWeights(path);
            var (tensors, metadata) = SafeTensors.ReadFile(path);
            Assert.Equal(
                ["normalization/mean", "normalization/variance", "dense/kernel", "dense/bias", "batch_normalization/gamma", "batch_normalization/beta",
                 "batch_normalization/moving_mean", "batch_normalization/moving_variance", "dense_1/kernel", "dense_1/bias", "p_re_lu/alpha",
                 "dropout/seed_generator_state", "dense_2/kernel", "dense_2/bias", "dense_3/kernel", "dense_3/bias"],
                tensors.Keys);
            Assert.Equal(new Shape(6, 8), tensors["dense/kernel"].Shape); // Keras layout: (in, out)
            Assert.Equal("float32", metadata["dtype"]);

            // Built again in this process, the layers' own names are dense_12 … but the file still fits.
            var again = SaveLoadKit.Model("dense", DType.Float32, 77);
            Assert.NotEqual(model.Layers[1].Name, again.Layers[1].Name);
            again.LoadWeights(path);
            Assert.True(SaveLoadKit.SameBits(model.GetWeights(), again.GetWeights()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Conv_kernels_are_saved_in_keras_layout()
    {
        var model = SaveLoadKit.ConvModel(DType.Float64, 2);
        var state = SafeTensors.Read(new MemoryStream(SafeTensors.ToBytes(ModelWeightsAccess(model))), "mem").Tensors;
        Assert.Equal(new Shape(3, 3, 1, 3), state["conv2d/kernel"].Shape);   // (height, width, in, out)
        Assert.Equal(new Shape(2, 2, 3, 4), state["conv2d_1/kernel"].Shape);
        Assert.True(SaveLoadKit.SameBits(model.Layers[2].Parameters[0].Value, state["conv2d/kernel"]));
    }

    [Fact]
    public void LoadWeights_names_every_difference_and_changes_nothing()
    {
        var model = SaveLoadKit.Model("dense", DType.Float32, 4);
        string path = SaveLoadKit.TempPath("w.safetensors");
        try
        {
            model.SaveWeights(path);
            var wrongDType = SaveLoadKit.Model("dense", DType.Float64, 4);
            var before = wrongDType.GetWeights();
            var e = Assert.Throws<ModelFormatException>(() => wrongDType.LoadWeights(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("'dense/kernel' is float32 (6, 8) in the file but float64 (6, 8) in the model", e.Message);
            Assert.True(SaveLoadKit.SameBits(before, wrongDType.GetWeights()));

            var other = new Sequential(new Backprop.Layers.Dense(3, inputShape: [6]), new Backprop.Layers.Dense(2));
            e = Assert.Throws<ModelFormatException>(() => other.LoadWeights(path));
            Assert.Contains("'dense/kernel' is float32 (6, 8) in the file but float32 (6, 3) in the model", e.Message);
            Assert.Contains("'batch_normalization/gamma' (float32 (8,)) is in the file but not in the model", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_leaves_the_library_random_streams_alone_and_uncompiled_models_round_trip()
    {
        var model = SaveLoadKit.Model("conv", DType.Float32, 6);
        string path = SaveLoadKit.TempPath("m.keras");
        try
        {
            model.Save(path);
            RandomSeed.Set(5);
            var before = RandomSeed.GetState();
            var loaded = Sequential.Load(path);
            Assert.Equal(before, RandomSeed.GetState());
            Assert.Null(loaded.Optimizer);
            Assert.True(SaveLoadKit.SameBits(model.GetWeights(), loaded.GetWeights()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Compile_settings_round_trip_and_compile_false_skips_them()
    {
        var model = SaveLoadKit.Model("dense", DType.Float64, 6);
        model.Compile(new RMSprop(0.002, rho: 0.8), new Backprop.Losses.CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1),
            ["accuracy", new Backprop.Metrics.TopKCategoricalAccuracy(k: 1, name: "top1")]);
        string path = SaveLoadKit.TempPath("m.keras");
        try
        {
            model.Save(path);
            var loaded = Sequential.Load(path);
            var rms = Assert.IsType<RMSprop>(loaded.Optimizer);
            Assert.Equal(0.002, rms.LearningRate);
            Assert.Equal(0.8, rms.Rho);
            var loss = Assert.IsType<Backprop.Losses.CategoricalCrossentropy>(loaded.Loss);
            Assert.True(loss.FromLogits);
            Assert.Equal(0.1, loss.LabelSmoothing);
            Assert.Equal(["accuracy", "top1"], loaded.Metrics.Select(m => m.Name));
            Assert.Equal(1, Assert.IsType<Backprop.Metrics.TopKCategoricalAccuracy>(loaded.Metrics[1]).K);
            Assert.Null(Sequential.Load(path, compile: false).Optimizer);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static StateDictEntries ModelWeightsAccess(Sequential model) => new(model);

    /// <summary>The weights as SafeTensors.Write takes them (through the public SaveWeights path's collector).</summary>
    private sealed class StateDictEntries(Sequential model) : IEnumerable<KeyValuePair<string, Tensor>>
    {
        public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => ModelWeights.Collect(model).Entries.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
