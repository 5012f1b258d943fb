using Microsoft.Data.Sqlite;

namespace Backprop.Labs.Store;

/// <summary>The run store's schema, as numbered migrations applied in order. A store records the migrations it has
/// applied in <c>schema_migrations</c>; opening it applies the missing ones in one transaction, and a store that has
/// a migration this build does not know (written by a newer Backprop) is refused.</summary>
public static class RunStoreSchema
{
    /// <summary>One step of the schema: its version, what it does, and its SQL.</summary>
    /// <param name="Version">1, 2, …: the schema version after this step.</param>
    /// <param name="Description">What the step adds.</param>
    /// <param name="Sql">The statements.</param>
    public sealed record Migration(int Version, string Description, string Sql);

    /// <summary>Every migration, oldest first. Never edit a released one: add the next.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "runs, per-epoch metrics", """
            CREATE TABLE runs (
                id            INTEGER PRIMARY KEY AUTOINCREMENT,
                uid           TEXT NOT NULL UNIQUE,
                lab           TEXT NOT NULL,
                kind          TEXT NOT NULL,
                trial_key     TEXT,
                config        TEXT NOT NULL,
                config_hash   TEXT NOT NULL,
                seed          INTEGER,
                status        TEXT NOT NULL,
                error         TEXT,
                started_at    TEXT NOT NULL,
                ended_at      TEXT,
                host          TEXT,
                pid           INTEGER,
                machine       TEXT,
                versions      TEXT,
                final_metrics TEXT,
                artefacts     TEXT
            );
            CREATE INDEX runs_by_lab ON runs(lab, status);
            CREATE TABLE epoch_metrics (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                series TEXT NOT NULL,
                epoch  INTEGER NOT NULL,
                name   TEXT NOT NULL,
                value  REAL,
                PRIMARY KEY (run_id, series, epoch, name)
            );
            """),
        new(2, "shards, timings, the keyed-trial index", """
            ALTER TABLE runs ADD COLUMN shard TEXT;
            ALTER TABLE runs ADD COLUMN timing TEXT;
            CREATE INDEX runs_by_trial ON runs(lab, trial_key, config_hash, status);
            """),
    ];

    /// <summary>The schema version this build writes: the last migration's.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>The version a store is at: 0 for an empty file.</summary>
    internal static int VersionOf(SqliteConnection connection)
    {
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        using var max = connection.CreateCommand();
        max.CommandText = "SELECT coalesce(max(version), 0) FROM schema_migrations";
        return Convert.ToInt32(max.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Brings a store to <paramref name="target"/> (default: <see cref="CurrentVersion"/>); refuses a newer store.</summary>
    /// <exception cref="RunStoreException">The store was written by a newer Backprop.</exception>
    internal static void Migrate(SqliteConnection connection, string path, int? target = null)
    {
        int goal = target ?? CurrentVersion;
        // BEGIN IMMEDIATE: two processes opening a new store at once migrate it one after the other.
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";
            create.ExecuteNonQuery();
        }

        int version = VersionOf(connection);
        if (version > CurrentVersion)
        {
            throw new RunStoreException(
                $"{path}: this run store has schema version {version}, written by a newer Backprop; this one reads versions up to {CurrentVersion}. Update Backprop, or choose another store with --store.");
        }

        foreach (var migration in Migrations.Where(m => m.Version > version && m.Version <= goal))
        {
            using var step = connection.CreateCommand();
            step.Transaction = transaction;
#pragma warning disable CA2100 // The SQL is one of the constant migrations above, never user input.
            step.CommandText = migration.Sql;
#pragma warning restore CA2100
            step.ExecuteNonQuery();
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations(version, description, applied_at) VALUES ($v, $d, $t)";
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$d", migration.Description);
            record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            record.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
