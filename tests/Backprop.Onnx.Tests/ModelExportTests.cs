using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using static Backprop.Onnx.Tests.OnnxAgreement;
using ActivationLayer = Backprop.Layers.Activation;

namespace Backprop.Onnx.Tests;

/// <summary>The labs' models (as each lab in src/Backprop.Labs builds them) and the classic small CNNs, exported and
/// run by ONNX Runtime against Predict on batches of 1, 7 and 64, in float32.</summary>
public sealed class ModelExportTests
{
    /// <summary>BostonHousingTraining.BuildModel: 13 → Dense(32, swish) → Dense(16, swish) → Dense(1), with the
    /// batch-normalisation variant's BatchNormalization first; and the same with the standardisation inside the model
    /// as a Normalization layer (Keras's idiom for the lab's StandardScaler).</summary>
    [Fact]
    public void Boston_housing_models()
    {
        Sequential Boston(Layer? first)
        {
            var model = new Sequential(new Input([13]));
            if (first is not null)
            {
                model.Add(first);
            }

            model.Add(new Dense(32, "swish", kernelInitializer: new GlorotUniform(1)));
            model.Add(new Dense(16, "swish", kernelInitializer: new GlorotUniform(2)));
            model.Add(new Dense(1, kernelInitializer: new GlorotUniform(3)));
            RandomizeParameters(model, kernels: false);
            return model;
        }

        Check(Boston(null), "lab-boston-housing");
        Check(Boston(new BatchNormalization()), "lab-boston-housing-batchnorm");

        var scaler = new Normalization(inputShape: [13]);
        var random = new System.Random(5);
        var raw = new float[404 * 13];
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = (float)(100 * (i % 13) + 10 * Normal(random));
        }

        scaler.Adapt(Tensor.From(raw, 404, 13));
        var standardised = new Sequential(scaler, new Dense(32, "swish"), new Dense(16, "swish"), new Dense(1));
        RandomizeParameters(standardised);
        Check(standardised, "lab-boston-housing-normalization", spread: 10, offset: 600);
    }

    /// <summary>MnistGradientsLab.CreateModel: Flatten(28, 28) → Dense(64) → sigmoid → Dense(64) → sigmoid →
    /// Dense(10) → softmax (float64 in the lab, float32 here, and the float64 model exported too).</summary>
    [Fact]
    public void Mnist_gradients_model()
    {
        Sequential Mnist(DType dtype)
        {
            var model = new Sequential(dtype,
                new Flatten(inputShape: [28, 28]),
                new Dense(64, kernelInitializer: new GlorotUniform(42)),
                new ActivationLayer("sigmoid"),
                new Dense(64, kernelInitializer: new GlorotUniform(43)),
                new ActivationLayer("sigmoid"),
                new Dense(10, kernelInitializer: new GlorotUniform(44)),
                new ActivationLayer("softmax"));
            RandomizeParameters(model, kernels: false);
            return model;
        }

        Check(Mnist(DType.Float32), "lab-mnist-gradients", spread: 1, offset: 0.5);
        Check(Mnist(DType.Float64), "lab-mnist-gradients-float64", spread: 1, offset: 0.5);
    }

    /// <summary>ActivationStatisticsLab: course 003's <c>create_mlp_model</c> (BuildCourseMlp: a linear Dense(100) on
    /// 784 inputs, five Dense(100) of tanh, sigmoid or ReLU and a Dense(10, softmax)), and course 000's tanh MLP
    /// 1024 → 8192 → 8192 → 8192 → 4096 → 4096 scaled down by 16 in width (the full one holds 190 million weights, too
    /// many for a unit test; the layers are the same).</summary>
    [Fact]
    public void Activation_statistics_models()
    {
        foreach (string activation in new[] { "tanh", "sigmoid", "relu" })
        {
            var initializer = new GlorotNormal(1);
            var model = new Sequential(new Dense(100, kernelInitializer: initializer, inputShape: [784]));
            for (int i = 0; i < 5; i++)
            {
                model.Add(new Dense(100, activation: activation, kernelInitializer: initializer));
            }

            model.Add(new Dense(10, activation: "softmax", kernelInitializer: initializer));
            Check(model, $"lab-activation-statistics-{activation}", spread: 1);
        }

        int[] widths = [1024, 512, 512, 512, 256, 256];
        var mlp = new Sequential(new Dense(widths[1], activation: "tanh", kernelInitializer: new GlorotUniform(1), inputShape: [widths[0]]));
        for (int i = 2; i < widths.Length; i++)
        {
            mlp.Add(new Dense(widths[i], activation: "tanh", kernelInitializer: new GlorotUniform(i)));
        }

        Check(mlp, "lab-activation-statistics-tanh-mlp", spread: 1);
    }

    /// <summary>BackpropStepLab: the course's 2 → Dense(4) → relu → Dense(1) (and its fused Dense(4, "relu") twin)
    /// with the course's weights; GradientDerivations: the linear–activation–linear block and PReLU with one α.</summary>
    [Fact]
    public void Backprop_step_and_gradient_derivations_models()
    {
        var step = new Sequential(new Dense(4, inputShape: [2], name: "hidden"), new ActivationLayer("relu", name: "relu"), new Dense(1, name: "output"));
        step.SetWeights(
            Tensor.From(new float[] { 0.5f, -1, 1, 0.5f, -0.5f, 1, 1, -1 }, 2, 4), Tensor.From(new float[] { 0, 0.5f, -0.5f, 1 }, 4),
            Tensor.From(new float[] { 1, -1, 0.5f, 2 }, 4, 1), Tensor.From(new float[] { 0.25f }, 1));
        Check(step, "lab-backprop-step");
        var fused = new Sequential(new Dense(4, "relu", inputShape: [2]), new Dense(1));
        fused.SetWeights(step.GetWeights());
        Check(fused, "lab-backprop-step-fused");

        foreach (string activation in new[] { "sigmoid", "tanh", "relu" })
        {
            var block = new Sequential(new Dense(7, activation, inputShape: [5]), new Dense(3));
            RandomizeParameters(block);
            Check(block, $"lab-gradient-derivations-block-{activation}");
        }

        Check(Model([6], new PReLU(alphaInitializer: new Constant(0.3), sharedAxes: [1])), "lab-gradient-derivations-prelu");
    }

    /// <summary>LeNet-5 as Keras examples write it for 28 × 28 digits: Conv2D(6, 5, same, tanh) → AveragePooling2D →
    /// Conv2D(16, 5, tanh) → AveragePooling2D → Flatten → Dense(120, tanh) → Dense(84, tanh) → Dense(10, softmax).</summary>
    [Fact]
    public void LeNet5()
    {
        var model = Model([28, 28, 1],
            new Conv2D(6, [5, 5], padding: "same", activation: "tanh"),
            new AveragePooling2D(),
            new Conv2D(16, [5, 5], activation: "tanh"),
            new AveragePooling2D(),
            new Flatten(),
            new Dense(120, "tanh"),
            new Dense(84, "tanh"),
            new Dense(10, "softmax"));
        RandomizeParameters(model);
        Check(model, "cnn-lenet5", spread: 1, offset: 0.5);
    }

    /// <summary>Keras's "simple MNIST convnet": Conv2D(32, 3, relu) → MaxPooling2D → Conv2D(64, 3, relu) →
    /// MaxPooling2D → Flatten → Dropout(0.5) → Dense(10, softmax).</summary>
    [Fact]
    public void Keras_mnist_convnet()
    {
        var model = Model([28, 28, 1],
            new Conv2D(32, [3, 3], activation: "relu"),
            new MaxPooling2D(),
            new Conv2D(64, [3, 3], activation: "relu"),
            new MaxPooling2D(),
            new Flatten(),
            new Dropout(0.5),
            new Dense(10, "softmax"));
        RandomizeParameters(model);
        Check(model, "cnn-keras-mnist-convnet", spread: 1, offset: 0.5);
    }

    /// <summary>Every image layer in one network, from flat inputs: Reshape → ZeroPadding2D → strided Conv2D →
    /// BatchNormalization → relu → dilated "same" Conv2D → BatchNormalization → LeakyReLU → PReLU → "same" max and
    /// average pooling → GlobalAveragePooling2D → Dense → softmax.</summary>
    [Fact]
    public void All_image_layers_in_one_network()
    {
        var model = Model([300],
            new Reshape([10, 10, 3]),
            new ZeroPadding2D([1]),
            new Conv2D(8, [3, 3], strides: [2, 2]),
            new BatchNormalization(),
            new ActivationLayer("relu"),
            new Conv2D(16, [3, 3], padding: "same", dilationRate: [2, 2], activation: "gelu"),
            new BatchNormalization(),
            new LeakyReLU(0.1),
            new PReLU(sharedAxes: [1, 2]),
            new MaxPooling2D([3, 3], [2, 2], "same"),
            new AveragePooling2D([2, 2], padding: "same"),
            new GlobalAveragePooling2D(),
            new Dense(10),
            new ActivationLayer("softmax"));
        RandomizeParameters(model);
        Check(model, "cnn-all-image-layers");
    }
}
