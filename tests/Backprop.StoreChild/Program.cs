using System.Globalization;
using Backprop.Labs.Store;

// Usage: Backprop.StoreChild <store> <runs> <tag> <go file>. Opens the store, says it is ready (<go file>.<tag>), waits
// for <go file> so that both writers start together, then writes <runs> trials "<tag>/<i>" (begin, five epochs,
// finish), each in its own transactions, as fast as it can, and prints "done". Halfway it says so (<go file>.half.<tag>)
// and waits until both writers are halfway: on a fast machine one writer could otherwise finish before the other
// begins, and the two must really interleave.
string path = args[0];
int count = int.Parse(args[1], CultureInfo.InvariantCulture);
string tag = args[2];
string go = args[3];
using var store = RunStore.Open(path);
File.WriteAllText(go + "." + tag, "ready");
var waited = System.Diagnostics.Stopwatch.StartNew();
while (!File.Exists(go) && waited.Elapsed < TimeSpan.FromMinutes(2))
{
    Thread.Sleep(1);
}

for (int i = 0; i < count; i++)
{
    if (i == count / 2)
    {
        File.WriteAllText(go + ".half." + tag, "half");
        string folder = Path.GetDirectoryName(Path.GetFullPath(go))!;
        var halfway = System.Diagnostics.Stopwatch.StartNew();
        while (Directory.GetFiles(folder, Path.GetFileName(go) + ".half.*").Length < 2 && halfway.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(1);
        }
    }

    long id = store.Begin(new RunStart("writers", "trial", $"{tag}/{i}", $"{{\"tag\":\"{tag}\",\"i\":{i}}}", i));
    var epochs = new EpochSeries();
    for (int epoch = 0; epoch < 5; epoch++)
    {
        epochs.Add("", epoch, new Dictionary<string, double> { ["loss"] = i + (epoch / 10.0), ["accuracy"] = epoch / 5.0 });
    }

    store.Finish(id, new Dictionary<string, double> { ["i"] = i, ["third"] = i / 3.0 }, epochs, [$"{tag}-{i}.txt"]);
}

Console.WriteLine("done");
