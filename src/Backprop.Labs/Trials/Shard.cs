using System.Globalization;

namespace Backprop.Labs.Trials;

/// <summary>One part of a study split over <see cref="Count"/> processes (<c>--shard i/n</c>, i from 0): a job array
/// runs shard <c>$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT</c> in each task.</summary>
/// <param name="Index">This shard, 0 … Count − 1.</param>
/// <param name="Count">How many shards.</param>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>Reads "i/n" (0 ≤ i &lt; n, 1 ≤ n ≤ 10,000).</summary>
    /// <exception cref="FormatException">Not of that form, with a message saying what was expected.</exception>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            throw new FormatException($"--shard expects i/n, e.g. 0/4 (shard i of n, counted from 0); got '{text}'.");
        }

        if (count < 1 || count > 10_000 || index >= count)
        {
            throw new FormatException($"--shard expects i/n with 0 ≤ i < n and 1 ≤ n ≤ 10000; got '{text}'.");
        }

        return new Shard(index, count);
    }

    /// <summary>The keys of the trials this shard runs. The assignment is a function of the plan alone (keys and
    /// cost estimates), so every shard process computes the same one: trials sorted by cost (largest first, then by
    /// key) go one by one to the shard with the least cost so far (the lowest index on a tie), which keeps the
    /// shards' wall times close.</summary>
    public IReadOnlySet<string> Select(IReadOnlyList<TrialSpec> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var load = new double[Count];
        var mine = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trial in plan.OrderByDescending(t => t.Cost).ThenBy(t => t.Key, StringComparer.Ordinal))
        {
            int least = 0;
            for (int s = 1; s < Count; s++)
            {
                if (load[s] < load[least])
                {
                    least = s;
                }
            }

            load[least] += trial.Cost;
            if (least == Index)
            {
                mine.Add(trial.Key);
            }
        }

        return mine;
    }

    /// <summary>"i/n".</summary>
    public override string ToString() => $"{Index.ToString(CultureInfo.InvariantCulture)}/{Count.ToString(CultureInfo.InvariantCulture)}";
}
