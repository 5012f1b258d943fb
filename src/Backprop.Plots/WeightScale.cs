namespace Backprop.Plots;

/// <summary>How <see cref="Charts.WeightImageGrid(float[], int, int, int, int, int, int, string?, WeightScale, string?)"/> maps weights to colours.</summary>
public enum WeightScale
{
    /// <summary>One symmetric range ±max|w| for all tiles, so tiles compare by magnitude (e.g. L1 vs L2 sparsity).</summary>
    Global,

    /// <summary>Each tile scaled by its own max|w|, so weak units still show their pattern.</summary>
    PerTile,
}
