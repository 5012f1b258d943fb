namespace Backprop.Tests.Data;

/// <summary>The seeded mutation run of <see cref="FormatFuzzer"/> per format: only the typed data-format exception
/// escapes, and no single read allocates more than twice the cap plus a constant (allocation, unlike time, is
/// deterministic; the process's peak resident memory for the same run is recorded by bench/data-memory.sh).</summary>
public class FormatFuzzTests
{
    public static TheoryData<string> Formats() => [.. FormatFuzzer.Formats];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Mutated_files_only_ever_throw_DataFormatException(string format)
    {
        var run = FormatFuzzer.Run(format);
        Assert.True(run.Failures.Count == 0, run.Failures.FirstOrDefault());
        Assert.True(run.Refused > run.Mutations / 10, $"only {run.Refused} of {run.Mutations} mutations were refused; the mutator is too gentle");
        // No wall-clock bound (a loaded machine makes any bound flaky); a read that hangs fails the run by its timeout.
    }
}
