using Backprop.Cli;

// An exception on another thread would otherwise end the process with .NET's stack trace: say it in one line instead
// (--verbose keeps the trace).
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    Console.Out.Flush();
    Console.Error.WriteLine();
    Console.Error.WriteLine($"backprop: {(e.ExceptionObject as Exception)?.Message ?? "an unexpected error"}");
    if (args.Contains("--verbose"))
    {
        Console.Error.WriteLine(e.ExceptionObject);
    }

    Backprop.Labs.RunFolder.AbandonActive();
    Environment.Exit(BackpropCommand.LabFailed);
};

return BackpropCommand.Run(args, Console.Out, Console.Error);
