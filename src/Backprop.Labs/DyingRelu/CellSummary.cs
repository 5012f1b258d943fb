namespace Backprop.Labs.DyingRelu;

/// <summary>The runs of one setting, counted: collapse by both criteria, born dead, inactive units, test error.</summary>
internal sealed record CellSummary(
    CollapseSetup Setup,
    BinomialInterval Collapsed,
    BinomialInterval CollapsedTolerance,
    BinomialInterval BornDead,
    BinomialInterval BornDeadTolerance,
    double InactiveUnitFraction,
    double MedianTestMse)
{
    public int Runs => Collapsed.Trials;

    /// <summary>Counts the outcomes of one setting's runs.</summary>
    public static CellSummary Of(CollapseSetup setup, IReadOnlyList<RunOutcome> runs)
    {
        int n = runs.Count;
        var mse = runs.Select(r => r.TestMse).Where(double.IsFinite).Order().ToArray();
        return new CellSummary(
            setup,
            BinomialInterval.Wilson(runs.Count(r => r.Collapsed), n),
            BinomialInterval.Wilson(runs.Count(r => r.CollapsedTolerance), n),
            BinomialInterval.Wilson(runs.Count(r => r.BornDead), n),
            BinomialInterval.Wilson(runs.Count(r => r.BornDeadTolerance), n),
            runs.Average(r => (double)r.InactiveUnits) / (setup.Width * setup.Depth),
            mse.Length == 0 ? double.NaN : mse[mse.Length / 2]);
    }

    /// <summary>Records every count under <paramref name="key"/> in results.json.</summary>
    public void Record(LabContext context, string key)
    {
        context.Record($"{key}.runs", Runs);
        Put("collapsed", Collapsed);
        Put("collapsed_tolerance", CollapsedTolerance);
        Put("born_dead", BornDead);
        Put("born_dead_tolerance", BornDeadTolerance);
        context.Record($"{key}.inactive_unit_fraction", InactiveUnitFraction);
        context.Record($"{key}.median_test_mse", MedianTestMse);

        void Put(string name, BinomialInterval interval)
        {
            context.Record($"{key}.{name}_fraction", interval.Fraction);
            context.Record($"{key}.{name}_ci95", new[] { interval.Low, interval.High });
        }
    }
}
