using System.Text;
using Backprop.Labs;

namespace Backprop.Cli;

/// <summary>Stands in for <see cref="Console.Out"/> while labs run: a line a lab writes directly (Fit's or Evaluate's
/// Keras log, a stray <c>Console.WriteLine</c>) goes through the lab console, which ends any progress bar's line
/// first and keeps within the terminal's width, instead of being glued onto the bar.</summary>
internal sealed class LabConsoleWriter(ILabConsole console) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
            {
                string text = _line.ToString().TrimEnd('\r');
                _line.Clear();
                console.WriteLine(text);
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    public override void Flush()
    {
        lock (_lock)
        {
            if (_line.Length > 0)
            {
                console.WriteLine(_line.ToString());
                _line.Clear();
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }
}
