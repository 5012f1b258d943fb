namespace Backprop.Labs.BatchNormStudy;

/// <summary>Course 002 §4–5 asks questions and publishes no numbers: its table of configurations is lost, and its
/// one claim is the premise of §5(c), that batch normalisation keeps ReLU units from dying.</summary>
public static class BatchNormStudyPublished
{
    /// <summary>§5(c): "How does batch normalization prevent neurons from dying?"</summary>
    public static PublishedFigure BatchNormPreventsDeadUnits { get; } = new(
        "with batch normalisation: dead ReLU units (0 for every validation image) as a share of all hidden units, every size, mean over seeds",
        "batch normalization prevents neurons from dying (the premise of \"How does batch normalization prevent neurons from dying?\")",
        "course 002, §5(c) (lines 73–79)",
        Tolerance.AtMost(0.01, "at most 1% of the units dead"));

    /// <summary>§4: "report your findings … related to the hyperparameter configurations found in the Table of this question".</summary>
    public static PublishedFigure ConfigurationTable { get; } = new(
        "the course's own table of network sizes and hyperparameters (Question 2.2)",
        "the Table of this question (not in the course material)",
        "course 002, §4 (lines 63–71)",
        Tolerance.Exact);

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } = [BatchNormPreventsDeadUnits, ConfigurationTable];
}
