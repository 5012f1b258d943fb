namespace Backprop.Optimizers;

/// <summary>The Moré–Thuente line search (MINPACK-2 <c>dcsrch</c>/<c>dcstep</c>, as in scipy's L-BFGS-B) on
/// φ(α) = f(x + α·d): finds α with the strong Wolfe conditions φ(α) ≤ φ(0) + ftol·α·φ'(0) and
/// |φ'(α)| ≤ gtol·|φ'(0)|. Reverse communication: <see cref="Start"/> and every <see cref="Next"/> either ask
/// for φ and φ' at <see cref="Step"/> or end the search.</summary>
internal sealed class MoreThuenteLineSearch(double ftol, double gtol, double xtol, double stepMin, double stepMax)
{
    private const double Half = 0.5;
    private const double P66 = 0.66;
    private const double ExtrapolateLower = 1.1;
    private const double ExtrapolateUpper = 4.0;

    private bool _bracketed;
    private int _stage;
    private double _finit, _ginit, _gtest, _width, _width1;
    private double _stx, _fx, _gx, _sty, _fy, _gy, _stmin, _stmax;

    public enum Status
    {
        /// <summary>Evaluate φ and φ' at <see cref="Step"/> and call <see cref="Next"/>.</summary>
        Evaluate,

        /// <summary>Both Wolfe conditions hold at <see cref="Step"/>.</summary>
        Converged,

        /// <summary>No further progress is possible (rounding, xtol, stepMax or stepMin); <see cref="Step"/> is the
        /// last evaluated point, which L-BFGS-B accepts.</summary>
        Warning,

        /// <summary>Invalid input (φ'(0) ≥ 0, step outside the bounds) or a non-finite trial step.</summary>
        Error,
    }

    /// <summary>The current trial step.</summary>
    public double Step { get; private set; }

    /// <summary>A short description of the last non-Evaluate outcome.</summary>
    public string Message { get; private set; } = "";

    public Status Start(double step, double f0, double g0)
    {
        Step = step;
        if (step < stepMin || step > stepMax || g0 >= 0 || !double.IsFinite(f0) || !double.IsFinite(g0))
        {
            Message = g0 >= 0 ? "the search direction is not a descent direction" : "invalid line-search input";
            return Status.Error;
        }

        _bracketed = false;
        _stage = 1;
        _finit = f0;
        _ginit = g0;
        _gtest = ftol * g0;
        _width = stepMax - stepMin;
        _width1 = _width / Half;
        _stx = 0;
        _fx = f0;
        _gx = g0;
        _sty = 0;
        _fy = f0;
        _gy = g0;
        _stmin = 0;
        _stmax = step + ExtrapolateUpper * step;
        return Status.Evaluate;
    }

    /// <summary>Takes φ(<see cref="Step"/>) and φ'(<see cref="Step"/>) and decides what comes next.</summary>
    public Status Next(double f, double g)
    {
        double stp = Step;
        double ftest = _finit + stp * _gtest;
        if (_stage == 1 && f <= ftest && g >= 0)
        {
            _stage = 2;
        }

        Message = "";
        if (_bracketed && (stp <= _stmin || stp >= _stmax))
        {
            Message = "rounding errors prevent progress";
        }

        if (_bracketed && _stmax - _stmin <= xtol * _stmax)
        {
            Message = "xtol test satisfied";
        }

        if (stp == stepMax && f <= ftest && g <= _gtest)
        {
            Message = "step = stepMax";
        }

        if (stp == stepMin && (f > ftest || g >= _gtest))
        {
            Message = "step = stepMin";
        }

        if (f <= ftest && Math.Abs(g) <= gtol * -_ginit)
        {
            Message = "convergence";
            return Status.Converged;
        }

        if (Message.Length > 0)
        {
            return Status.Warning;
        }

        if (_stage == 1 && f <= _fx && f > ftest)
        {
            // A lower value without sufficient decrease: step on the modified function ψ(α) = φ(α) − φ(0) − ftol·α·φ'(0).
            double fm = f - stp * _gtest;
            double fxm = _fx - _stx * _gtest;
            double fym = _fy - _sty * _gtest;
            double gm = g - _gtest;
            double gxm = _gx - _gtest;
            double gym = _gy - _gtest;
            TakeStep(ref _stx, ref fxm, ref gxm, ref _sty, ref fym, ref gym, ref stp, fm, gm, ref _bracketed, _stmin, _stmax);
            _fx = fxm + _stx * _gtest;
            _fy = fym + _sty * _gtest;
            _gx = gxm + _gtest;
            _gy = gym + _gtest;
        }
        else
        {
            TakeStep(ref _stx, ref _fx, ref _gx, ref _sty, ref _fy, ref _gy, ref stp, f, g, ref _bracketed, _stmin, _stmax);
        }

        if (_bracketed)
        {
            if (Math.Abs(_sty - _stx) >= P66 * _width1)
            {
                stp = _stx + Half * (_sty - _stx);
            }

            _width1 = _width;
            _width = Math.Abs(_sty - _stx);
            _stmin = Math.Min(_stx, _sty);
            _stmax = Math.Max(_stx, _sty);
        }
        else
        {
            _stmin = stp + ExtrapolateLower * (stp - _stx);
            _stmax = stp + ExtrapolateUpper * (stp - _stx);
        }

        stp = Math.Min(Math.Max(stp, stepMin), stepMax);
        if ((_bracketed && (stp <= _stmin || stp >= _stmax)) || (_bracketed && _stmax - _stmin <= xtol * _stmax))
        {
            stp = _stx;
        }

        Step = stp;
        if (!double.IsFinite(stp))
        {
            Message = "the trial step is not finite";
            return Status.Error;
        }

        return Status.Evaluate;
    }

    /// <summary>MINPACK-2 <c>dcstep</c>: a safeguarded cubic/quadratic step and the update of the interval
    /// [stx, sty] known to contain a step satisfying the conditions.</summary>
    private static void TakeStep(
        ref double stx, ref double fx, ref double dx, ref double sty, ref double fy, ref double dy,
        ref double stp, double fp, double dp, ref bool bracketed, double stpmin, double stpmax)
    {
        double sgnd = Sign(dp) * Sign(dx);
        double stpf;
        if (fp > fx)
        {
            // Higher value: the minimum is bracketed; take the cubic step if closer to stx, else the average.
            double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
            double s = Max3(Math.Abs(theta), Math.Abs(dx), Math.Abs(dp));
            double gamma = s * Math.Sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
            if (stp < stx)
            {
                gamma = -gamma;
            }

            double p = (gamma - dx) + theta;
            double q = ((gamma - dx) + gamma) + dp;
            double r = p / q;
            double stpc = stx + r * (stp - stx);
            double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
            stpf = Math.Abs(stpc - stx) <= Math.Abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
            bracketed = true;
        }
        else if (sgnd < 0)
        {
            // Lower value, derivatives of opposite sign: bracketed; the cubic step if farther from stp, else secant.
            double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
            double s = Max3(Math.Abs(theta), Math.Abs(dx), Math.Abs(dp));
            double gamma = s * Math.Sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
            if (stp > stx)
            {
                gamma = -gamma;
            }

            double p = (gamma - dp) + theta;
            double q = ((gamma - dp) + gamma) + dx;
            double r = p / q;
            double stpc = stp + r * (stx - stp);
            double stpq = stp + (dp / (dp - dx)) * (stx - stp);
            stpf = Math.Abs(stpc - stp) > Math.Abs(stpq - stp) ? stpc : stpq;
            bracketed = true;
        }
        else if (Math.Abs(dp) < Math.Abs(dx))
        {
            // Lower value, same sign, shrinking derivative: the cubic step only if the cubic tends to infinity in
            // the step's direction or its minimum lies beyond stp; otherwise the secant step.
            double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
            double s = Max3(Math.Abs(theta), Math.Abs(dx), Math.Abs(dp));
            double gamma = s * Math.Sqrt(Math.Max(0.0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
            if (stp > stx)
            {
                gamma = -gamma;
            }

            double p = (gamma - dp) + theta;
            double q = (gamma + (dx - dp)) + gamma;
            double r = p / q;
            double stpc = r < 0 && gamma != 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
            double stpq = stp + (dp / (dp - dx)) * (stx - stp);
            if (bracketed)
            {
                stpf = Math.Abs(stpc - stp) < Math.Abs(stpq - stp) ? stpc : stpq;
                stpf = stp > stx ? Math.Min(stp + 0.66 * (sty - stp), stpf) : Math.Max(stp + 0.66 * (sty - stp), stpf);
            }
            else
            {
                stpf = Math.Abs(stpc - stp) > Math.Abs(stpq - stp) ? stpc : stpq;
                stpf = Math.Min(Math.Max(stpf, stpmin), stpmax);
            }
        }
        else if (bracketed)
        {
            // Lower value, same sign, derivative not shrinking, bracketed: the cubic step towards sty.
            double theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
            double s = Max3(Math.Abs(theta), Math.Abs(dy), Math.Abs(dp));
            double gamma = s * Math.Sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s));
            if (stp > sty)
            {
                gamma = -gamma;
            }

            double p = (gamma - dp) + theta;
            double q = ((gamma - dp) + gamma) + dy;
            double r = p / q;
            stpf = stp + r * (sty - stp);
        }
        else
        {
            stpf = stp > stx ? stpmax : stpmin;
        }

        if (fp > fx)
        {
            sty = stp;
            fy = fp;
            dy = dp;
        }
        else
        {
            if (sgnd < 0)
            {
                sty = stx;
                fy = fx;
                dy = dx;
            }

            stx = stp;
            fx = fp;
            dx = dp;
        }

        stp = stpf;
    }

    private static double Sign(double v) => v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0;

    private static double Max3(double a, double b, double c) => Math.Max(a, Math.Max(b, c));
}
