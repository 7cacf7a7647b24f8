namespace Baton.Storage.Sqlite;

/// <summary>How to open the embedded store. Plain settings with documented defaults; <see cref="Validate"/> lists every problem.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>File name of the database inside the data directory.</summary>
    public const string FileName = "baton.db";

    /// <summary>Largest number of queued writes committed in one transaction. Default 256.</summary>
    public const int DefaultMaxGroupSize = 256;

    private static readonly string[] SynchronousModes = ["NORMAL", "FULL"];

    /// <summary>Path of the database file. Its parent directory is created when missing.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>
    /// <c>PRAGMA synchronous</c>: "NORMAL" (default) or "FULL". In WAL mode NORMAL already survives a killed process
    /// (the commit is in the WAL before anyone is answered); FULL also survives power loss, at an fsync per commit.
    /// </summary>
    public string Synchronous { get; init; } = "NORMAL";

    /// <summary>How long a connection waits for another process's lock before failing. Default 5 seconds.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest number of queued writes committed together. Default <see cref="DefaultMaxGroupSize"/>.</summary>
    public int MaxGroupSize { get; init; } = DefaultMaxGroupSize;

    /// <summary>Options for <c>&lt;dataDir&gt;/baton.db</c> with every other setting at its default.</summary>
    public static SqliteStoreOptions ForDataDirectory(string dataDir) => new() { DatabasePath = Path.Combine(dataDir, FileName) };

    /// <summary>Every problem with these options, each naming the allowed values; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DatabasePath))
            problems.Add("DatabasePath: must name a file, e.g. <data-dir>/baton.db.");
        if (!SynchronousModes.Contains(Synchronous, StringComparer.OrdinalIgnoreCase))
            problems.Add($"Synchronous: '{Synchronous}' is not allowed; use one of {string.Join(", ", SynchronousModes)}.");
        if (BusyTimeout < TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
            problems.Add($"BusyTimeout: {BusyTimeout} is outside 0 s to 10 min.");
        if (MaxGroupSize is < 1 or > 10_000)
            problems.Add($"MaxGroupSize: {MaxGroupSize} is outside 1 to 10000.");
        return problems;
    }
}
