namespace Backprop.Labs.PerceptronHinge;

/// <summary>The exact accuracy of a linear classifier without bias, sign(w·x) with w·x = 0 counted as +1, on points
/// uniform in the unit square labelled by x₁ &gt; x₂: the area of the square where the two agree. Both boundaries
/// are lines through the origin, so agreement depends only on the angle θ of x; the area of the square below angle φ
/// is F(φ) = ½·tan φ for φ ≤ 45° and 1 − ½·cot φ above. For 0 &lt; w₁ &lt; |w₂|, w₂ &lt; 0 this is
/// 1 − (1 − w₁/|w₂|)/2.</summary>
internal static class SquareAccuracy
{
    public static double Of(double w1, double w2)
    {
        // Where the prediction can change inside the square: the corners of the angle range, the true boundary
        // (45°) and the learned one (w₁cos θ + w₂sin θ = 0).
        var cuts = new List<double> { 0, Math.PI / 4, Math.PI / 2 };
        if (w2 != 0)
        {
            double theta = Math.Atan(-w1 / w2);
            if (theta > 0 && theta < Math.PI / 2)
            {
                cuts.Add(theta);
            }
        }

        cuts.Sort();
        double agree = 0;
        for (int i = 0; i + 1 < cuts.Count; i++)
        {
            double mid = 0.5 * (cuts[i] + cuts[i + 1]);
            bool predicted = (w1 * Math.Cos(mid)) + (w2 * Math.Sin(mid)) >= 0;
            bool truth = mid < Math.PI / 4;
            if (predicted == truth)
            {
                agree += AreaBelow(cuts[i + 1]) - AreaBelow(cuts[i]);
            }
        }

        return agree;
    }

    /// <summary>F(φ): the area of the unit square whose points lie at an angle ≤ φ from the x₁ axis.</summary>
    public static double AreaBelow(double phi)
    {
        if (phi <= 0)
        {
            return 0;
        }

        if (phi >= Math.PI / 2)
        {
            return 1;
        }

        return phi <= Math.PI / 4 ? 0.5 * Math.Tan(phi) : 1 - (0.5 / Math.Tan(phi));
    }
}
