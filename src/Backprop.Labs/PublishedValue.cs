using System.Globalization;

namespace Backprop.Labs;

/// <summary>What a course published for one quantity: a number (<c>2.199</c>, <c>42</c>) or, where the course gave
/// no number, its words ("concentrated at a very small value (&lt;0.5)"). Converts implicitly from
/// <see cref="double"/> and <see cref="string"/>.</summary>
public readonly record struct PublishedValue
{
    private PublishedValue(double? number, string? text)
    {
        Number = number;
        Text = text;
    }

    /// <summary>The published number, or null when the course gave words.</summary>
    public double? Number { get; }

    /// <summary>The published words, or null when the course gave a number.</summary>
    public string? Text { get; }

    /// <summary>True when the course published a number.</summary>
    public bool IsNumber => Number.HasValue;

    /// <exception cref="ArgumentException">The number is not finite (a course never publishes NaN).</exception>
    public static implicit operator PublishedValue(double number) =>
        double.IsFinite(number) ? new(number, null) : throw new ArgumentException($"A published number must be finite; got {number}.", nameof(number));

    /// <exception cref="ArgumentException">The text is empty.</exception>
    public static implicit operator PublishedValue(string text) =>
        string.IsNullOrWhiteSpace(text) ? throw new ArgumentException("Published words must not be empty.", nameof(text)) : new(null, text);

    /// <summary>The value for results.json: the number, or the words.</summary>
    public object ToJson() => Number is { } number ? number : Text!;

    /// <summary>The number as the course printed it (shortest round-trip form, invariant culture), or the words.</summary>
    public override string ToString() => Number is { } number ? number.ToString("R", CultureInfo.InvariantCulture) : Text!;
}
