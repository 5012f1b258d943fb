namespace Backprop.Labs.MnistGradients;

/// <summary>What course 000, Question 3 printed: "Gradients for W2" (a 64 × 64 matrix, of which numpy printed the
/// first and last three rows and columns) and "Gradients for b2" (all 64 values), from its own <c>grads</c> —
/// which returns the second hidden layer's gradients, applies σ′ to the activation and sums over the batch — on an
/// unseeded initialisation. Shapes are compared exactly; magnitudes against the spread of many initialisations;
/// the individual entries cannot be reproduced.</summary>
public static class MnistGradientsPublished
{
    private const string Printout = "course 000, Q3 printout of grads(model, inputs, y_true)";

    /// <summary>The printed corners of "Gradients for W2": rows 1–3 and 62–64, columns 1–3 and 62–64.</summary>
    public static double[][] PrintedW2Corners { get; } =
    [
        [-0.03997655, 0.06855111, 0.08018887, -0.08764415, 0.06124438, -0.0786681],
        [-0.04901352, 0.07633971, 0.07925843, -0.05175467, 0.05521819, -0.07210048],
        [-0.04261466, 0.07003886, 0.0452992, -0.06722275, 0.05921125, -0.05055618],
        [-0.03967883, 0.0722633, 0.06367961, -0.0702318, 0.04746909, -0.06778625],
        [-0.05155624, 0.05681654, 0.0507666, -0.03401186, 0.06772331, -0.06008317],
        [-0.0574522, 0.07758602, 0.05426082, -0.05802669, 0.05728375, -0.06177486],
    ];

    /// <summary>The row and column indices (0-based) of <see cref="PrintedW2Corners"/> in the 64 × 64 matrix.</summary>
    public static int[] PrintedCornerIndices { get; } = [0, 1, 2, 61, 62, 63];

    /// <summary>All 64 printed values of "Gradients for b2" (the export splits 0.19409227 as "0.1940 9227").</summary>
    public static double[] PrintedB2 { get; } =
    [
        -0.08885777, 0.1260652, 0.1129758, 0.2651664, 0.19409227, 0.17376179, -0.01702755, 0.1432856,
        0.02384075, 0.2103756, 0.12458619, -0.19874191, 0.22584315, 0.07535319, -0.12854847, 0.26006553,
        0.37511325, 0.20856908, -0.09503839, 0.02526949, 0.35817498, 0.4308593, -0.2043211, -0.02023893,
        -0.12408859, -0.16939805, -0.01014456, 0.22140816, -0.08950338, -0.28567982, 0.27508277, 0.11728595,
        -0.15683298, 0.09725709, 0.21944207, 0.32100767, -0.01917941, 0.1336952, 0.34436905, -0.2148203,
        0.10168401, -0.28686517, 0.18715425, 0.07563334, -0.08925435, -0.05720618, -0.20244798, 0.15666181,
        -0.03661485, 0.22500765, -0.3522644, -0.41559598, 0.14476262, -0.23561275, -0.06381403, 0.10388725,
        -0.24265626, 0.21741259, 0.22456451, 0.04712104, -0.09577113, -0.15474646, 0.107711, -0.12868969,
    ];

    /// <summary>Rows of the printed "Gradients for W2": 64.</summary>
    public static PublishedFigure W2Rows { get; } = new("rows of the printed 'Gradients for W2'", 64, Printout + " (a 64 × 64 array)", Tolerance.Exact);

    /// <summary>Columns of the printed "Gradients for W2": 64 (the output layer's kernel the question asks for has 10).</summary>
    public static PublishedFigure W2Columns { get; } = new("columns of the printed 'Gradients for W2'", 64, Printout + " (a 64 × 64 array)", Tolerance.Exact);

    /// <summary>Length of the printed "Gradients for b2": 64 (the output layer's bias has 10).</summary>
    public static PublishedFigure B2Length { get; } = new("length of the printed 'Gradients for b2'", 64, Printout + " (64 values)", Tolerance.Exact);

    /// <summary>max |b2ₖ| over the 64 printed values: 0.4308593.</summary>
    public static PublishedFigure B2MaxAbs { get; } = new(
        "largest |entry| of 'Gradients for b2'", PrintedB2.Max(Math.Abs), Printout + ": the largest of the 64 printed b2 values",
        Tolerance.WithinSpread(2));

    /// <summary>Root mean square of the 64 printed b2 values: 0.19753.</summary>
    public static PublishedFigure B2Rms { get; } = new(
        "root mean square of 'Gradients for b2'", Rms(PrintedB2), Printout + ": computed from the 64 printed b2 values",
        Tolerance.WithinSpread(2));

    /// <summary>Root mean square of the 36 printed corner entries of W2: 0.061985.</summary>
    public static PublishedFigure W2CornerRms { get; } = new(
        "root mean square of the 36 printed entries of 'Gradients for W2'", Rms(PrintedW2Corners.SelectMany(r => r)),
        Printout + ": computed from the printed corners (rows and columns 1–3 and 62–64)",
        Tolerance.WithinSpread(2));

    /// <summary>The printed entries themselves, starting with W2[1,1] = −0.03997655.</summary>
    public static PublishedFigure Entries { get; } = new(
        "the individual printed entries ('Gradients for W2'[1,1], …)", PrintedW2Corners[0][0], Printout, Tolerance.PublishedDecimals(8));

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } = [W2Rows, W2Columns, B2Length, B2MaxAbs, B2Rms, W2CornerRms, Entries];

    private static double Rms(IEnumerable<double> values)
    {
        double[] all = values.ToArray();
        return Math.Sqrt(all.Sum(v => v * v) / all.Length);
    }
}
