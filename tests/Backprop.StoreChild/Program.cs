using System.Globalization;
using Backprop.Labs.Store;

// Usage: Backprop.StoreChild <store> <runs> <tag>. Writes <runs> trials "<tag>/<i>" (begin, five epochs, finish),
// each in its own transactions, as fast as it can, and prints "done".
string path = args[0];
int count = int.Parse(args[1], CultureInfo.InvariantCulture);
string tag = args[2];
using var store = RunStore.Open(path);
for (int i = 0; i < count; i++)
{
    long id = store.Begin(new RunStart("writers", "trial", $"{tag}/{i}", $"{{\"tag\":\"{tag}\",\"i\":{i}}}", i));
    var epochs = new EpochSeries();
    for (int epoch = 0; epoch < 5; epoch++)
    {
        epochs.Add("", epoch, new Dictionary<string, double> { ["loss"] = i + (epoch / 10.0), ["accuracy"] = epoch / 5.0 });
    }

    store.Finish(id, new Dictionary<string, double> { ["i"] = i, ["third"] = i / 3.0 }, epochs, [$"{tag}-{i}.txt"]);
}

Console.WriteLine("done");
