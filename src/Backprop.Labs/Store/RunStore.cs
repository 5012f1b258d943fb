using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Backprop.Labs.Store;

/// <summary>What a run records when it starts.</summary>
/// <param name="Lab">The lab.</param>
/// <param name="Kind">"lab" for a <c>lab run</c>, "trial" for one trial of a study.</param>
/// <param name="TrialKey">The trial's key, or null for a lab run.</param>
/// <param name="Config">The full configuration, as JSON (<see cref="RunStore.ConfigJson"/>).</param>
/// <param name="Seed">The seed.</param>
/// <param name="Shard">"i/n" for a sharded run, else null.</param>
public sealed record RunStart(string Lab, string Kind, string? TrialKey, string Config, long? Seed, string? Shard = null);

/// <summary>What <see cref="RunStore.Merge"/> did.</summary>
/// <param name="Added">Runs copied into the target.</param>
/// <param name="Duplicates">Finished trials the target already held with identical results (not copied again).</param>
/// <param name="AlreadyPresent">Runs the target already held (the same uid: merged before).</param>
public sealed record MergeResult(int Added, int Duplicates, int AlreadyPresent);

/// <summary>
/// The run store: one SQLite file (Microsoft.Data.Sqlite, WAL journal, a 60 s busy timeout, so several processes can
/// write one store at once) recording every <c>lab run</c> and every trial of a study: lab, trial key, full config and
/// its hash, seed, status (running / finished / failed with the error), start and end, machine, versions, per-epoch
/// metrics, final metrics and artefact paths. The schema is versioned and migrated forward on open
/// (<see cref="RunStoreSchema"/>); a store from a newer Backprop is refused with a clear message.
/// </summary>
public sealed class RunStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    private RunStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>The store's file.</summary>
    public string Path { get; }

    /// <summary>The default store: <c>BACKPROP_STORE</c> when set, else <c>~/.backprop/runs.db</c>.</summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable("BACKPROP_STORE") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".backprop", "runs.db");

    /// <summary>Opens (creating it and its folder if needed) and migrates a store.</summary>
    /// <exception cref="RunStoreException">The file is not a run store, cannot be written, or is from a newer Backprop.</exception>
    public static RunStore Open(string path) => Open(path, schemaVersion: null);

    /// <summary>Opens a store, migrating it only up to <paramref name="schemaVersion"/> (tests build old stores this way).</summary>
    internal static RunStore Open(string path, int? schemaVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        SqliteConnection? connection = null;
        try
        {
            if (Directory.Exists(full))
            {
                throw new RunStoreException($"{path}: is a folder; a run store is a file (e.g. {System.IO.Path.Combine(path, "runs.db")}).");
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = full,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = 60,
            };
            connection = new SqliteConnection(builder.ConnectionString);
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 60000");
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, "PRAGMA synchronous = NORMAL");
            Execute(connection, "PRAGMA foreign_keys = ON");
            RunStoreSchema.Migrate(connection, path, schemaVersion);
            return new RunStore(path, connection);
        }
        catch (SqliteException e)
        {
            connection?.Dispose();
            string reason = e.SqliteErrorCode == 26 ? "not a run store (not an SQLite database)" : e.Message.Replace("SQLite Error " + e.SqliteErrorCode + ": ", "", StringComparison.Ordinal);
            throw new RunStoreException($"{path}: {reason}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            throw new RunStoreException($"{path}: the run store cannot be created there: {e.Message}", e);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    /// <summary>The schema version of the open store.</summary>
    public int SchemaVersion
    {
        get
        {
            lock (_lock)
            {
                return RunStoreSchema.VersionOf(_connection);
            }
        }
    }

    /// <summary>A configuration as the store keeps it: JSON with keys in order, so equal configs have equal text.</summary>
    public static string ConfigJson(IReadOnlyDictionary<string, object?> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ResultsFile.Serialize(new SortedDictionary<string, object?>(config.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal));
    }

    /// <summary>SHA-256 (hex) of a config's JSON text.</summary>
    public static string Hash(string configJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configJson)));

    /// <summary>Records that a run started; returns its id.</summary>
    public long Begin(RunStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO runs(uid, lab, kind, trial_key, config, config_hash, seed, status, started_at, host, pid, machine, versions, shard)
                VALUES ($uid, $lab, $kind, $key, $config, $hash, $seed, 'running', $started, $host, $pid, $machine, $versions, $shard)
                RETURNING id
                """;
            command.Parameters.AddWithValue("$uid", Guid.NewGuid().ToString("N"));
            command.Parameters.AddWithValue("$lab", start.Lab);
            command.Parameters.AddWithValue("$kind", start.Kind);
            command.Parameters.AddWithValue("$key", (object?)start.TrialKey ?? DBNull.Value);
            command.Parameters.AddWithValue("$config", start.Config);
            command.Parameters.AddWithValue("$hash", Hash(start.Config));
            command.Parameters.AddWithValue("$seed", (object?)start.Seed ?? DBNull.Value);
            command.Parameters.AddWithValue("$started", Now());
            command.Parameters.AddWithValue("$host", Environment.MachineName);
            command.Parameters.AddWithValue("$pid", Environment.ProcessId);
            command.Parameters.AddWithValue("$machine", ResultsFile.Serialize(MachineInfo.Current));
            command.Parameters.AddWithValue("$versions", ResultsFile.Serialize(ResultsFile.Versions()));
            command.Parameters.AddWithValue("$shard", (object?)start.Shard ?? DBNull.Value);
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>Records that a run finished: its final metrics, per-epoch metrics, artefacts and timing, in one
    /// transaction (a run killed before this stays "running" and has no figures).</summary>
    public void Finish(long id, IReadOnlyDictionary<string, double> finalMetrics, EpochSeries? epochs = null, IReadOnlyList<string>? artefacts = null, object? timing = null, string? config = null)
    {
        ArgumentNullException.ThrowIfNull(finalMetrics);
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            WriteEpochs(transaction, id, epochs);
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE runs SET status = 'finished', ended_at = $ended, final_metrics = $metrics, artefacts = $artefacts, timing = $timing,
                                config = coalesce($config, config), config_hash = coalesce($hash, config_hash)
                WHERE id = $id
                """;
            command.Parameters.AddWithValue("$config", (object?)config ?? DBNull.Value);
            command.Parameters.AddWithValue("$hash", config is null ? DBNull.Value : Hash(config));
            command.Parameters.AddWithValue("$ended", Now());
            command.Parameters.AddWithValue("$metrics", MetricsJson(finalMetrics));
            command.Parameters.AddWithValue("$artefacts", ResultsFile.Serialize(artefacts ?? []));
            command.Parameters.AddWithValue("$timing", timing is null ? DBNull.Value : ResultsFile.Serialize(timing));
            command.Parameters.AddWithValue("$id", id);
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>Records that a run failed, with the error (and the epochs it got through).</summary>
    public void Fail(long id, string error, EpochSeries? epochs = null)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            WriteEpochs(transaction, id, epochs);
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE runs SET status = 'failed', ended_at = $ended, error = $error WHERE id = $id";
            command.Parameters.AddWithValue("$ended", Now());
            command.Parameters.AddWithValue("$error", error);
            command.Parameters.AddWithValue("$id", id);
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>The finished trial with this lab, key and config, or null: what a resumed study skips.</summary>
    public StoredRun? FindFinishedTrial(string lab, string trialKey, string configJson)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"{SelectRuns} WHERE lab = $lab AND trial_key = $key AND config_hash = $hash AND status = 'finished' AND kind = 'trial' ORDER BY id LIMIT 1";
            command.Parameters.AddWithValue("$lab", lab);
            command.Parameters.AddWithValue("$key", trialKey);
            command.Parameters.AddWithValue("$hash", Hash(configJson));
            return ReadRuns(command).FirstOrDefault();
        }
    }

    /// <summary>Runs, newest first, optionally of one lab, one status and one kind.</summary>
    public IReadOnlyList<StoredRun> List(string? lab = null, string? status = null, string? kind = null)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"{SelectRuns} WHERE ($lab IS NULL OR lab = $lab) AND ($status IS NULL OR status = $status) AND ($kind IS NULL OR kind = $kind) ORDER BY id DESC";
            command.Parameters.AddWithValue("$lab", (object?)lab ?? DBNull.Value);
            // "interrupted" is a running run whose process is gone: filter it after reading.
            command.Parameters.AddWithValue("$status", status is null || status == RunStatus.Interrupted ? DBNull.Value : status);
            command.Parameters.AddWithValue("$kind", (object?)kind ?? DBNull.Value);
            var runs = ReadRuns(command);
            return status is null ? runs : runs.Where(r => r.DisplayStatus == status).ToList();
        }
    }

    /// <summary>The run with this id (or uid, or a unique uid prefix of at least 6 characters), or null.</summary>
    public StoredRun? Get(string idOrUid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrUid);
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            if (long.TryParse(idOrUid, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                command.CommandText = $"{SelectRuns} WHERE id = $id";
                command.Parameters.AddWithValue("$id", id);
                if (ReadRuns(command).FirstOrDefault() is { } byId)
                {
                    return byId;
                }

                // Not an id: a uid prefix can be all digits too (one uid in 40 starts with 8 of them).
                command.Parameters.Clear();
            }

            command.CommandText = $"{SelectRuns} WHERE uid LIKE $prefix ORDER BY id LIMIT 2";
            command.Parameters.AddWithValue("$prefix", idOrUid.Length >= 6 ? idOrUid.ToLowerInvariant() + "%" : idOrUid);
            var found = ReadRuns(command);
            return found.Count == 1 ? found[0] : null;
        }
    }

    /// <summary>The per-epoch metrics of a run.</summary>
    public EpochSeries Epochs(long id)
    {
        lock (_lock)
        {
            return ReadEpochs(_connection, null, id);
        }
    }

    /// <summary>Merges <paramref name="sources"/> into the store at <paramref name="into"/> (created if needed), in one
    /// transaction: every run not already there is copied with its epochs. The same finished trial (lab, key and
    /// config) twice is kept once when its figures are identical and refused otherwise, naming the trial and both
    /// files; then nothing is merged.</summary>
    /// <exception cref="RunStoreException">A conflicting trial, or a store that cannot be read.</exception>
    public static MergeResult Merge(IReadOnlyList<string> sources, string into)
    {
        ArgumentNullException.ThrowIfNull(sources);
        using var target = Open(into);
        int added = 0, duplicates = 0, present = 0;
        lock (target._lock)
        {
            using var transaction = target._connection.BeginTransaction(deferred: false);
            foreach (string source in sources)
            {
                if (string.Equals(System.IO.Path.GetFullPath(source), System.IO.Path.GetFullPath(into), StringComparison.Ordinal))
                {
                    continue;
                }

                if (!File.Exists(source))
                {
                    throw new RunStoreException($"{source}: no such run store.");
                }

                using var from = Open(source);
                foreach (var run in from.List().OrderBy(r => r.Id))
                {
                    if (target.UidExists(transaction, run.Uid))
                    {
                        present++;
                        continue;
                    }

                    var epochs = from.Epochs(run.Id);
                    if (run.Kind == "trial" && run.Status == RunStatus.Finished && run.TrialKey is not null)
                    {
                        var existing = target.FindFinishedTrial(transaction, run.Lab, run.TrialKey, run.ConfigHash);
                        if (existing is not null)
                        {
                            string? difference = Difference(existing, ReadEpochs(target._connection, transaction, existing.Id), run, epochs);
                            if (difference is not null)
                            {
                                throw new RunStoreException(
                                    $"trial '{run.TrialKey}' of lab '{run.Lab}' is in {source} (run {run.Id}) and in {into} (run {existing.Id}, {existing.Host}) with the same config but different results: {difference}. " +
                                    "Nothing was merged; keep one of the two (delete the other store's file or merge the stores without it).");
                            }

                            duplicates++;
                            continue;
                        }
                    }

                    target.Insert(transaction, run, epochs);
                    added++;
                }
            }

            transaction.Commit();
        }

        return new MergeResult(added, duplicates, present);
    }

    /// <summary>Closes the store.</summary>
    public void Dispose() => _connection.Dispose();

    // ---- internals ------------------------------------------------------------------------------------------

    private const string SelectRuns = """
        SELECT id, uid, lab, kind, trial_key, config, config_hash, seed, status, error, started_at, ended_at, host, pid, machine, versions,
               final_metrics, artefacts, shard, timing
        FROM runs
        """;

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant pragmas only.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }

    private static string MetricsJson(IReadOnlyDictionary<string, double> metrics) =>
        ResultsFile.Serialize(new SortedDictionary<string, double>(metrics.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal));

    private static IReadOnlyDictionary<string, double> ParseMetrics(string? json) =>
        json is null ? new Dictionary<string, double>() : JsonSerializer.Deserialize<SortedDictionary<string, double>>(json, ResultsFile.Options) ?? [];

    private static List<StoredRun> ReadRuns(SqliteCommand command)
    {
        var runs = new List<StoredRun>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            runs.Add(new StoredRun(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Text(4), reader.GetString(5), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.GetString(8), Text(9),
                DateTimeOffset.Parse(reader.GetString(10), CultureInfo.InvariantCulture),
                Text(11) is { } ended ? DateTimeOffset.Parse(ended, CultureInfo.InvariantCulture) : null,
                Text(12), reader.IsDBNull(13) ? null : reader.GetInt32(13), Text(14), Text(15),
                ParseMetrics(Text(16)),
                Text(17) is { } artefacts ? JsonSerializer.Deserialize<List<string>>(artefacts, ResultsFile.Options) ?? [] : [],
                Text(18), Text(19)));
        }

        return runs;
    }

    private void WriteEpochs(SqliteTransaction transaction, long id, EpochSeries? epochs)
    {
        if (epochs is null)
        {
            return;
        }

        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR REPLACE INTO epoch_metrics(run_id, series, epoch, name, value) VALUES ($id, $series, $epoch, $name, $value)";
        var pId = command.Parameters.Add("$id", SqliteType.Integer);
        var pSeries = command.Parameters.Add("$series", SqliteType.Text);
        var pEpoch = command.Parameters.Add("$epoch", SqliteType.Integer);
        var pName = command.Parameters.Add("$name", SqliteType.Text);
        var pValue = command.Parameters.Add("$value", SqliteType.Real);
        foreach (var (series, byName) in epochs)
        {
            foreach (var (name, values) in byName)
            {
                for (int epoch = 0; epoch < values.Count; epoch++)
                {
                    pId.Value = id;
                    pSeries.Value = series;
                    pEpoch.Value = epoch;
                    pName.Value = name;
                    // SQLite stores NaN as NULL; it reads back as NaN.
                    pValue.Value = double.IsNaN(values[epoch]) ? DBNull.Value : values[epoch];
                    command.ExecuteNonQuery();
                }
            }
        }
    }

    private static EpochSeries ReadEpochs(SqliteConnection connection, SqliteTransaction? transaction, long id)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT series, epoch, name, value FROM epoch_metrics WHERE run_id = $id ORDER BY series, name, epoch";
        command.Parameters.AddWithValue("$id", id);
        var series = new EpochSeries();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            double value = reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3);
            series.Add(reader.GetString(0), reader.GetInt32(1), new Dictionary<string, double> { [reader.GetString(2)] = value });
        }

        return series;
    }

    private bool UidExists(SqliteTransaction transaction, string uid)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM runs WHERE uid = $uid";
        command.Parameters.AddWithValue("$uid", uid);
        return (long)command.ExecuteScalar()! > 0;
    }

    private StoredRun? FindFinishedTrial(SqliteTransaction transaction, string lab, string key, string hash)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"{SelectRuns} WHERE lab = $lab AND trial_key = $key AND config_hash = $hash AND status = 'finished' AND kind = 'trial' ORDER BY id LIMIT 1";
        command.Parameters.AddWithValue("$lab", lab);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$hash", hash);
        return ReadRuns(command).FirstOrDefault();
    }

    private void Insert(SqliteTransaction transaction, StoredRun run, EpochSeries epochs)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO runs(uid, lab, kind, trial_key, config, config_hash, seed, status, error, started_at, ended_at, host, pid, machine, versions,
                             final_metrics, artefacts, shard, timing)
            VALUES ($uid, $lab, $kind, $key, $config, $hash, $seed, $status, $error, $started, $ended, $host, $pid, $machine, $versions,
                    $metrics, $artefacts, $shard, $timing)
            RETURNING id
            """;
        object Or(object? value) => value ?? DBNull.Value;
        command.Parameters.AddWithValue("$uid", run.Uid);
        command.Parameters.AddWithValue("$lab", run.Lab);
        command.Parameters.AddWithValue("$kind", run.Kind);
        command.Parameters.AddWithValue("$key", Or(run.TrialKey));
        command.Parameters.AddWithValue("$config", run.Config);
        command.Parameters.AddWithValue("$hash", run.ConfigHash);
        command.Parameters.AddWithValue("$seed", Or(run.Seed));
        command.Parameters.AddWithValue("$status", run.Status);
        command.Parameters.AddWithValue("$error", Or(run.Error));
        command.Parameters.AddWithValue("$started", run.StartedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$ended", Or(run.EndedAt?.ToString("O", CultureInfo.InvariantCulture)));
        command.Parameters.AddWithValue("$host", Or(run.Host));
        command.Parameters.AddWithValue("$pid", Or(run.Pid));
        command.Parameters.AddWithValue("$machine", Or(run.Machine));
        command.Parameters.AddWithValue("$versions", Or(run.Versions));
        command.Parameters.AddWithValue("$metrics", run.Status == RunStatus.Finished ? MetricsJson(run.FinalMetrics) : DBNull.Value);
        command.Parameters.AddWithValue("$artefacts", ResultsFile.Serialize(run.Artefacts));
        command.Parameters.AddWithValue("$shard", Or(run.Shard));
        command.Parameters.AddWithValue("$timing", Or(run.Timing));
        long id = (long)command.ExecuteScalar()!;
        WriteEpochs(transaction, id, epochs);
    }

    /// <summary>How two runs of one trial differ in their figures (bit for bit), or null when they do not.</summary>
    private static string? Difference(StoredRun a, EpochSeries aEpochs, StoredRun b, EpochSeries bEpochs)
    {
        foreach (string name in a.FinalMetrics.Keys.Union(b.FinalMetrics.Keys).Order(StringComparer.Ordinal))
        {
            bool inA = a.FinalMetrics.TryGetValue(name, out double x), inB = b.FinalMetrics.TryGetValue(name, out double y);
            if (!inA || !inB || BitConverter.DoubleToInt64Bits(x) != BitConverter.DoubleToInt64Bits(y))
            {
                return $"{name} {(inA ? x.ToString("R", CultureInfo.InvariantCulture) : "missing")} vs {(inB ? y.ToString("R", CultureInfo.InvariantCulture) : "missing")}";
            }
        }

        foreach (string series in aEpochs.Keys.Union(bEpochs.Keys))
        {
            var sa = aEpochs.GetValueOrDefault(series) ?? [];
            var sb = bEpochs.GetValueOrDefault(series) ?? [];
            foreach (string name in sa.Keys.Union(sb.Keys))
            {
                var va = sa.GetValueOrDefault(name) ?? [];
                var vb = sb.GetValueOrDefault(name) ?? [];
                if (va.Count != vb.Count)
                {
                    return $"{name} has {va.Count} vs {vb.Count} epochs";
                }

                for (int i = 0; i < va.Count; i++)
                {
                    if (BitConverter.DoubleToInt64Bits(va[i]) != BitConverter.DoubleToInt64Bits(vb[i]))
                    {
                        return $"{name} at epoch {i + 1}: {va[i].ToString("R", CultureInfo.InvariantCulture)} vs {vb[i].ToString("R", CultureInfo.InvariantCulture)}";
                    }
                }
            }
        }

        return null;
    }
}
