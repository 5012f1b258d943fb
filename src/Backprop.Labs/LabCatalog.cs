using Backprop.Labs.ActivationStatistics;
using Backprop.Labs.BackpropStep;
using Backprop.Labs.BatchNormStudy;
using Backprop.Labs.BostonHousing;
using Backprop.Labs.DyingRelu;
using Backprop.Labs.Eckerle4Regression;
using Backprop.Labs.EggholderCapacity;
using Backprop.Labs.GradientDerivations;
using Backprop.Labs.KaimingLeakyRelu;
using Backprop.Labs.LeNetBatchNormDropout;
using Backprop.Labs.LogisticRegression;
using Backprop.Labs.MnistGradients;
using Backprop.Labs.MnistHyperparameters;
using Backprop.Labs.PerceptronHinge;
using Backprop.Labs.SineCapacity;
using Backprop.Labs.VanishingGradients;

namespace Backprop.Labs;

/// <summary>Every lab, in the order <c>backprop lab list</c> shows them. A closed list: a lab joins by being
/// added here.</summary>
public static class LabCatalog
{
    /// <summary>Every lab, in the order <c>backprop lab list</c> shows them.</summary>
    public static IReadOnlyList<ILab> All { get; } =
    [
        new GradientDerivationsLab(),
        new BostonHousingLab(),
        new BackpropStepLab(),
        new MnistGradientsLab(),
        new ActivationStatisticsLab(),
        new VanishingGradientsLab(),
        new DyingReluLab(),
        new KaimingLeakyReluLab(),
        new BatchNormStudyLab(),
        new Eckerle4RegressionLab(),
        new PerceptronHingeLab(),
        new LogisticRegressionLab(),
        new EggholderCapacityLab(),
        new SineCapacityLab(),
        new LeNetBatchNormDropoutLab(),
        new MnistHyperparametersLab(),
    ];

    /// <summary>The lab with this name (case-insensitive), or null.</summary>
    public static ILab? Find(string name) => All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase));
}
