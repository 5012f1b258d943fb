namespace Backprop.Random;

/// <summary>Everything that determines a <see cref="RandomGenerator"/>'s future output: the Philox key
/// (<paramref name="Seed"/>), the stream id, and the position in 32-bit words from the start of the stream.
/// Save it to resume a run exactly (like <c>torch.Generator.get_state()</c>).</summary>
public readonly record struct RandomState(ulong Seed, ulong Stream, ulong Position);
