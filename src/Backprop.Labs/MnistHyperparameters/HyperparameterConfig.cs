using System.Globalization;

namespace Backprop.Labs.MnistHyperparameters;

/// <summary>One network and training setting of the study: hidden widths, optimiser, activation, dropout after each
/// hidden layer, batch size, an exponential-decay schedule, batch normalisation after each hidden layer.</summary>
/// <param name="Name">"A" … "U", or "50" / "100" for the stage-1 baselines.</param>
/// <param name="Hidden">Hidden widths, input side first.</param>
/// <param name="Optimizer">sgd, adam, adagrad, adadelta or rmsprop.</param>
/// <param name="Activation">relu or sigmoid.</param>
/// <param name="Dropout">Dropout rate after each hidden layer (0: none).</param>
/// <param name="BatchSize">1 or 8.</param>
/// <param name="Schedule">Exponential learning-rate decay (configuration S).</param>
/// <param name="BatchNorm">BatchNormalization after each hidden layer (configuration U).</param>
/// <param name="LearningRate">The (initial) learning rate.</param>
internal sealed record HyperparameterConfig(
    string Name, int[] Hidden, string Optimizer = "sgd", string Activation = "relu", double Dropout = 0, int BatchSize = 1,
    bool Schedule = false, bool BatchNorm = false, double LearningRate = 0.01)
{
    /// <summary>The course's description: "[100, 100], SGD, ReLU", "…, dropout 0.2".</summary>
    public string Description
    {
        get
        {
            string text = $"[{string.Join(", ", Hidden)}], {OptimizerLabel}, {(Activation == "relu" ? "ReLU" : "sigmoid")}";
            if (Dropout > 0)
            {
                text += $", dropout {Dropout.ToString(CultureInfo.InvariantCulture)}";
            }

            if (BatchSize != 1)
            {
                text += $", batch size {BatchSize}";
            }

            if (Schedule)
            {
                text += ", exponential decay";
            }

            if (BatchNorm)
            {
                text += ", batch normalisation";
            }

            return text;
        }
    }

    /// <summary>SGD, Adam, AdaGrad, AdaDelta, RMSProp (the course's spelling).</summary>
    public string OptimizerLabel => Optimizer switch
    {
        "sgd" => "SGD",
        "adam" => "Adam",
        "adagrad" => "AdaGrad",
        "adadelta" => "AdaDelta",
        "rmsprop" => "RMSProp",
        _ => Optimizer,
    };

    /// <summary>Trainable and non-trainable parameters: Dense kernels and biases, BN's γ, β (trainable) and moving
    /// mean and variance (not).</summary>
    public long Parameters
    {
        get
        {
            long total = 0;
            int input = 784;
            foreach (int width in Hidden)
            {
                total += ((long)input * width) + width + (BatchNorm ? 4L * width : 0);
                input = width;
            }

            return total + (input * 10L) + 10;
        }
    }

    /// <summary>Multiply-adds of one forward pass of one sample.</summary>
    public double MultiplyAdds
    {
        get
        {
            double total = 0;
            int input = 784;
            foreach (int width in Hidden)
            {
                total += (double)input * width;
                input = width;
            }

            return total + (input * 10.0);
        }
    }

    /// <summary>The settings as the run store and results.json keep them.</summary>
    public SortedDictionary<string, object?> ToSettings() => new(StringComparer.Ordinal)
    {
        ["hidden"] = Hidden,
        ["optimizer"] = Optimizer,
        ["activation"] = Activation,
        ["dropout"] = Dropout,
        ["batch_size"] = BatchSize,
        ["schedule"] = Schedule ? HyperparameterTraining.ScheduleDescription : "constant",
        ["batch_norm"] = BatchNorm,
        ["learning_rate"] = LearningRate,
    };

    /// <summary>Configurations A–U exactly as course 001, Exercise 3 lists them (stages 2–4).</summary>
    public static IReadOnlyList<HyperparameterConfig> Lettered { get; } =
    [
        new("A", [50]),
        new("B", [100]),
        new("C", [200]),
        new("D", [100, 100]),
        new("E", [100, 100, 100]),
        new("F", [100, 100, 100, 100]),
        new("G", [100], Optimizer: "adam"),
        new("H", [100], Optimizer: "adagrad"),
        new("I", [100], Optimizer: "adadelta"),
        new("J", [100], Optimizer: "rmsprop"),
        new("K", [300]),
        new("L", [500]),
        new("M", [750]),
        new("N", [1000]),
        new("O", [1500]),
        new("P", [1000], Dropout: 0.2),
        new("Q", [1000], BatchSize: 8),
        new("R", [1000], Dropout: 0.2, BatchSize: 8),
        new("S", [1000], BatchSize: 8, Schedule: true),
        new("T", [1000], Activation: "sigmoid", BatchSize: 8),
        new("U", [1000], BatchSize: 8, BatchNorm: true),
    ];
}
