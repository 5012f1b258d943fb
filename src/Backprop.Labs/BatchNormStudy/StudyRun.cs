namespace Backprop.Labs.BatchNormStudy;

/// <summary>One trained network of the study: its curves, test accuracy and dead units per hidden layer.</summary>
internal sealed record StudyRun(double[] TrainAccuracy, double[] ValidationAccuracy, double[] TrainLoss, double[] ValidationLoss, double TestAccuracy, double[] DeadFraction);
