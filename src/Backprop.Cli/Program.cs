using Backprop.Cli;

return BackpropCommand.Create(Console.Out, Console.Error).Parse(args).Invoke();
