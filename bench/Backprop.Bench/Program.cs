Console.WriteLine("Backprop benchmarks: see docs/performance.md");
