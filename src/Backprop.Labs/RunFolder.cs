using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Labs;

/// <summary>
/// A run folder written atomically. Everything goes into a sibling <c>&lt;name&gt;.incomplete-&lt;pid&gt;</c> that
/// holds an <c>INCOMPLETE.txt</c> marker; only when the run is complete is the marker removed and the folder renamed
/// into place. A run that is killed therefore never leaves a folder that looks complete: either the target is
/// absent (or still the previous run, untouched), or a folder named <c>….incomplete-&lt;pid&gt;</c> says so. The next
/// run into the same parent removes such leftovers once their process has ended.
/// <para>A target that exists and is not empty is refused unless <c>force</c> is set; with force it is replaced, but
/// only when everything in it was written by a Backprop run (reports, results, figures, index, lab folders), so
/// --force never deletes a user's own files.</para>
/// </summary>
public sealed partial class RunFolder
{
    /// <summary>The marker file in a folder still being written.</summary>
    public const string IncompleteMarker = "INCOMPLETE.txt";

    private static readonly List<RunFolder> s_active = [];
    private bool _committed;

    private RunFolder(string target, string staging)
    {
        Target = target;
        Staging = staging;
    }

    /// <summary>The folder the run ends up in (full path).</summary>
    public string Target { get; }

    /// <summary>The sibling folder the run writes into until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    /// <summary>Checks that a run may write to <paramref name="target"/> without mixing with another run: absent, an
    /// empty folder, or (with <paramref name="force"/>) a folder holding only what Backprop runs write.</summary>
    /// <exception cref="RunFolderException">The target is a file, is not empty (without force), or holds files a run did
    /// not write (with force).</exception>
    public static void Check(string target, bool force)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        string full = Path.GetFullPath(target);
        if (File.Exists(full))
        {
            throw new RunFolderException(full, "it is a file, not a folder");
        }

        if (!Directory.Exists(full))
        {
            return;
        }

        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException(full, "it cannot be read: " + Reason(e), e);
        }

        if (entries.Length == 0)
        {
            return;
        }

        if (!force)
        {
            throw new RunFolderException(full,
                $"it is not empty ({Describe(entries)}); pass --force to replace an earlier run there, or choose another --out");
        }

        var foreign = entries.Where(e => !IsOwned(e)).Select(Path.GetFileName).ToList();
        if (foreign.Count > 0)
        {
            throw new RunFolderException(full,
                $"it holds files no Backprop run wrote ({string.Join(", ", foreign.Take(3))}{(foreign.Count > 3 ? $" and {foreign.Count - 3} more" : "")}), " +
                "so --force will not replace it; choose another --out");
        }
    }

    /// <summary>Checks <paramref name="target"/> (<see cref="Check"/>), removes leftovers of killed runs beside it, and
    /// creates the staging folder with its marker, which also proves the location writable.</summary>
    /// <param name="target">The run folder.</param>
    /// <param name="force">Replace an earlier run in <paramref name="target"/>.</param>
    /// <param name="description">What is being run, for the marker ("lab boston-housing, seed 42").</param>
    /// <exception cref="RunFolderException">The target cannot be used or the location is not writable.</exception>
    public static RunFolder Begin(string target, bool force, string description)
    {
        Check(target, force);
        string full = Path.GetFullPath(target);
        string parent = Path.GetDirectoryName(full) ?? throw new RunFolderException(full, "it is the root of the file system");
        string name = Path.GetFileName(full);
        string staging = Path.Combine(parent, $"{name}.incomplete-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        try
        {
            Directory.CreateDirectory(parent);
            RemoveLeftovers(parent, name);
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            Directory.CreateDirectory(staging);
            File.WriteAllText(Path.Combine(staging, IncompleteMarker),
                $"This run ({description}, process {Environment.ProcessId}, started {DateTime.Now:yyyy-MM-dd HH:mm:ss}) has not finished.\n" +
                $"Backprop renames this folder to '{name}' when the run is complete; if the run was stopped, the folder stays\n" +
                "incomplete and the next run into the same parent folder removes it.\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            string reason = e is FileNotFoundException or DirectoryNotFoundException ? $"no folder can be created in {parent}" : Reason(e);
            throw new RunFolderException(full, "it cannot be written: " + reason, e);
        }

        var folder = new RunFolder(full, staging);
        lock (s_active)
        {
            s_active.Add(folder);
        }

        return folder;
    }

    /// <summary>Abandons every run folder of this process not yet committed (for an interrupted run) and returns
    /// their staging paths, comma-separated ("" when there were none).</summary>
    public static string AbandonActive()
    {
        RunFolder[] active;
        lock (s_active)
        {
            active = [.. s_active];
        }

        foreach (var folder in active)
        {
            folder.Abandon();
        }

        return string.Join(", ", active.Select(f => f.Staging));
    }

    /// <summary>Moves the finished run into place: the marker goes, an earlier run in the target (allowed by
    /// <see cref="Check"/>) is replaced, and the staging folder is renamed to the target.</summary>
    /// <exception cref="RunFolderException">The rename failed (the staging folder is left as it is).</exception>
    public void Commit()
    {
        if (_committed)
        {
            return;
        }

        try
        {
            File.Delete(Path.Combine(Staging, IncompleteMarker));
            if (Directory.Exists(Target))
            {
                // An earlier run (checked) or an empty folder: move it aside, move the new run in, then delete it.
                string replaced = $"{Target}.replaced-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
                TryDelete(replaced);
                Directory.Move(Target, replaced);
                Directory.Move(Staging, Target);
                TryDelete(replaced);
            }
            else
            {
                Directory.Move(Staging, Target);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException(Target, "the finished run could not be moved into place: " + Reason(e), e);
        }

        _committed = true;
        Forget();
    }

    /// <summary>Deletes the staging folder of a run that failed (nothing of it is worth keeping).</summary>
    public void Abandon()
    {
        if (!_committed)
        {
            TryDelete(Staging);
        }

        Forget();
    }

    private void Forget()
    {
        lock (s_active)
        {
            s_active.Remove(this);
        }
    }

    /// <summary>A short reason for a file-system error: "permission denied", "read-only file system", or the
    /// system's message.</summary>
    internal static string Reason(Exception e)
    {
        string message = e.Message;
        if (e is UnauthorizedAccessException || message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
        {
            return "permission denied";
        }

        foreach (string known in new[] { "Read-only file system", "No space left on device", "Disk quota exceeded", "Not a directory", "No such file or directory" })
        {
            if (message.Contains(known, StringComparison.OrdinalIgnoreCase))
            {
                return known.ToLowerInvariant();
            }
        }

        return message.TrimEnd('.');
    }

    /// <summary>True for what a Backprop run writes: reports, results, numbered figures, the index, the marker, and
    /// folders holding only such files (the labs of a multi-lab run, leftovers of killed runs).</summary>
    internal static bool IsOwned(string path)
    {
        string name = Path.GetFileName(path);
        if (File.Exists(path))
        {
            return name is "report.html" or "results.json" or "index.html" or IncompleteMarker || FigureFile().IsMatch(name);
        }

        if (!Directory.Exists(path))
        {
            return true;
        }

        var entries = Directory.GetFileSystemEntries(path);
        return entries.Length > 0 && entries.All(IsOwned);
    }

    private static string Describe(string[] entries)
    {
        var names = entries.Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        string shown = string.Join(", ", names.Take(3));
        return names.Count > 3 ? $"{shown} and {names.Count - 3} more" : shown;
    }

    /// <summary>Removes <c>name.incomplete-pid</c> and <c>name.replaced-pid</c> folders whose process has ended.</summary>
    private static void RemoveLeftovers(string parent, string name)
    {
        foreach (string folder in Directory.EnumerateDirectories(parent, name + ".*"))
        {
            var match = Leftover().Match(Path.GetFileName(folder)[name.Length..]);
            if (!match.Success || !int.TryParse(match.Groups["pid"].Value, CultureInfo.InvariantCulture, out int pid) || IsRunning(pid))
            {
                continue;
            }

            bool incomplete = match.Groups["kind"].Value == "incomplete";
            if (!incomplete || File.Exists(Path.Combine(folder, IncompleteMarker)) || IsOwned(folder))
            {
                TryDelete(folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover is marked incomplete by its name; it is removed by a later run.
        }
    }

    [GeneratedRegex(@"^\d{2,}-[^/\\]+\.(png|svg)$")]
    private static partial Regex FigureFile();

    [GeneratedRegex(@"^\.(?<kind>incomplete|replaced)-(?<pid>\d+)$")]
    private static partial Regex Leftover();
}

/// <summary>A run folder cannot be used: it is a file, holds another run (without --force) or other files, or cannot
/// be written. The message names the folder and the reason.</summary>
public sealed class RunFolderException : IOException
{
    /// <summary>Creates the exception for <paramref name="folder"/> with the reason it cannot be used.</summary>
    public RunFolderException(string folder, string reason, Exception? innerException = null)
        : base($"output folder '{folder}': {reason}", innerException)
    {
        Folder = folder;
        Reason = reason;
    }

    /// <summary>The folder (full path).</summary>
    public string Folder { get; }

    /// <summary>Why it cannot be used.</summary>
    public string Reason { get; }
}
