using System.Globalization;
using System.Reflection;
using Backprop.Bench;
using Backprop.Kernels;

// Backprop's side-by-side benchmarks. Each workload prints one JSON line
// {"suite":"backprop","workload":…,"threads":…,"value":…,"unit":…,"higher_is_better":…}
// that bench/peers/compare.py joins with the peers' lines into one table of ratios.
// Usage: Backprop.Bench [--threads 1,2] [--filter text] [--quick] [--list]
//        Backprop.Bench data-memory make DIR | read FORMAT FILE | fuzz FORMAT   (see bench/data-memory.sh)
if (args.Length > 0 && args[0] == "data-memory")
{
    return DataMemory.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "cold-boston")
{
    return Backprop.Bench.Workloads.ColdWorkloads.Child(args[1..]);
}

var threads = new List<int> { 1, 2 };
string? filter = null;
bool quick = false, list = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads": threads = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(); break;
        case "--filter": filter = args[++i]; break;
        case "--quick" or "quick": quick = true; break;
        case "--list": list = true; break;
        default: Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [--threads 1,2] [--filter text] [--quick] [--list]"); return 2;
    }
}

var workloads = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IWorkloadGroup).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
    .Select(t => (IWorkloadGroup)Activator.CreateInstance(t)!)
    .SelectMany(g => g.Workloads(quick))
    // The FMA ceiling always runs, so every table can state it next to the figures.
    .Where(w => filter is null || w.Name.Contains(filter, StringComparison.OrdinalIgnoreCase) || (w.Name == "ceiling fma" && !list))
    .ToList();

if (list)
{
    workloads.ForEach(w => Console.WriteLine(w.Name));
    return 0;
}

foreach (int t in threads)
{
    Parallelism.ThreadCount = t;
    foreach (var w in workloads)
    {
        // The workload before this one left its data and model behind: collect them now, so that a collection of
        // them does not run (on the other core, or on this one) while this workload is timed.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Measurement m;
        try
        {
            m = w.Run(t);
        }
        catch (Exception e)
        {
            // One failing workload is reported (compare.py marks the cell) and does not stop the others.
            Console.Error.WriteLine($"backprop '{w.Name}' at {t} thread(s) failed: {e}");
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["suite"] = "backprop", ["workload"] = w.Name, ["threads"] = t, ["failed"] = $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" "),
            }));
            continue;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"suite\":\"backprop\",\"workload\":\"{w.Name}\",\"threads\":{t},\"value\":{m.Value:G6},\"unit\":\"{m.Unit}\",\"higher_is_better\":{(m.HigherIsBetter ? "true" : "false")}}}"));
    }
}

return 0;
