using Baton.Local.Git;

namespace Baton.Local.Services;

/// <summary>Runs a supervisor's command (<c>systemctl</c>, <c>launchctl</c>); null when the program is not installed.</summary>
public delegate Task<CommandOutput?> ServiceCommandRunner(string program, IReadOnlyList<string> arguments, CancellationToken ct);

/// <summary>One supervisor call and what it answered (exit code null: the program is not installed).</summary>
public sealed record ServiceCall(string Program, IReadOnlyList<string> Arguments, int? ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    public string CommandLine => string.Join(' ', Arguments.Prepend(Program));
}

/// <summary>Where a kind's files go on a platform.</summary>
/// <param name="EnvironmentFile">systemd: the secrets file; null on launchd (the plist holds them).</param>
/// <param name="LogFile">launchd: the log file; null on systemd (the journal keeps the logs).</param>
public sealed record ServicePaths(string UnitFile, string? EnvironmentFile, string? LogFile);

public enum ServiceInstallResult { Installed, Replaced, UpToDate, Refused }

/// <summary>What <c>baton service install</c> did; <paramref name="Differences"/> says how an existing file differed.</summary>
public sealed record ServiceInstallOutcome(ServiceKind Kind, ServicePaths Paths, ServiceInstallResult Result, IReadOnlyList<string> Differences, IReadOnlyList<ServiceCall> Calls)
{
    /// <summary>Every supervisor call succeeded (and the install was not refused).</summary>
    public bool Succeeded => Result != ServiceInstallResult.Refused && Calls.All(c => c.Succeeded);
}

/// <summary>What <c>baton service status</c> found: the file, whether install would write the same now, and the supervisor's view.</summary>
public sealed record ServiceStatus(ServiceKind Kind, ServicePaths Paths, bool Installed, bool Current, IReadOnlyList<string> Differences, ServiceCall? Supervisor);

public sealed record ServiceUninstallOutcome(ServiceKind Kind, ServicePaths Paths, bool Removed, IReadOnlyList<ServiceCall> Calls);

/// <summary>
/// Writes, compares and removes a service's files and tells the supervisor (docs/architecture.md §11 "Service units").
/// Everything it touches is passed in — platform, home, the user id launchd needs, the runner — so tests run it against a
/// temporary home and fake <c>systemctl</c>/<c>launchctl</c> executables.
/// </summary>
public sealed class ServiceInstaller(ServicePlatform platform, string home, string? xdgConfigHome, int uid, ServiceCommandRunner run)
{
    public ServicePlatform Platform => platform;

    public ServicePaths PathsOf(ServiceKind kind)
    {
        if (platform == ServicePlatform.Launchd)
        {
            return new ServicePaths(
                Path.Combine(home, "Library", "LaunchAgents", ServiceUnits.LaunchdLabel(kind) + ".plist"), null,
                Path.Combine(home, "Library", "Logs", "baton", ServiceUnits.Name(kind) + ".log"));
        }
        var config = string.IsNullOrEmpty(xdgConfigHome) ? Path.Combine(home, ".config") : xdgConfigHome;
        return new ServicePaths(
            Path.Combine(config, "systemd", "user", ServiceUnits.SystemdUnitName(kind)),
            Path.Combine(config, "baton", ServiceUnits.Name(kind) + ".env"), null);
    }

    /// <summary>The files install would write now: path → content (the secrets file only when there are secrets).</summary>
    public IReadOnlyList<(string Path, string Content, bool Secret)> FilesOf(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var paths = PathsOf(spec.Kind);
        if (platform == ServicePlatform.Launchd) return [(paths.UnitFile, ServiceUnits.LaunchdPlist(spec, paths.LogFile!), spec.Secrets.Count > 0)];
        var unit = (paths.UnitFile, ServiceUnits.SystemdUnit(spec, paths.EnvironmentFile), false);
        return spec.Secrets.Count > 0 ? [unit, (paths.EnvironmentFile!, ServiceUnits.SystemdEnvironmentFile(spec.Secrets), true)] : [unit];
    }

    public async Task<ServiceInstallOutcome> InstallAsync(ServiceSpec spec, bool force, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var paths = PathsOf(spec.Kind);
        var files = FilesOf(spec);
        var differences = Differences(spec);
        var existed = File.Exists(paths.UnitFile);
        if (existed && differences.Count > 0 && !force)
            return new ServiceInstallOutcome(spec.Kind, paths, ServiceInstallResult.Refused, differences, []);

        foreach (var (path, content, secret) in files) Write(path, content, secret);
        // A secrets file left from an install that had secrets would be read by nothing, but still hold them.
        if (paths.EnvironmentFile is { } envFile && files.All(f => f.Path != envFile) && File.Exists(envFile)) File.Delete(envFile);
        if (paths.LogFile is { } log) Directory.CreateDirectory(Path.GetDirectoryName(log)!);

        var calls = new List<ServiceCall>();
        var replaced = existed && differences.Count > 0;
        if (platform == ServicePlatform.Systemd)
        {
            var unit = ServiceUnits.SystemdUnitName(spec.Kind);
            if (await CallAsync(calls, "systemctl", ["--user", "daemon-reload"], ct)
                && await CallAsync(calls, "systemctl", ["--user", "enable", "--now", unit], ct)
                && replaced)
                await CallAsync(calls, "systemctl", ["--user", "restart", unit], ct); // enable --now leaves a running one on the old unit
        }
        else
        {
            // bootstrap refuses a label already loaded: a replaced agent is booted out first (failing when none was loaded).
            if (existed) await RunAsync("launchctl", ["bootout", Target(spec.Kind)], ct);
            await CallAsync(calls, "launchctl", ["bootstrap", $"gui/{uid}", paths.UnitFile], ct);
        }
        var result = !existed ? ServiceInstallResult.Installed : replaced ? ServiceInstallResult.Replaced : ServiceInstallResult.UpToDate;
        return new ServiceInstallOutcome(spec.Kind, paths, result, differences, calls);
    }

    /// <summary>The file against what install would write for <paramref name="spec"/>, and the supervisor's own report when installed.</summary>
    public async Task<ServiceStatus> StatusAsync(ServiceSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var paths = PathsOf(spec.Kind);
        if (!File.Exists(paths.UnitFile)) return new ServiceStatus(spec.Kind, paths, false, false, [], null);
        var differences = Differences(spec);
        var supervisor = platform == ServicePlatform.Systemd
            ? await RunAsync("systemctl", ["--user", "status", "--no-pager", ServiceUnits.SystemdUnitName(spec.Kind)], ct)
            : await RunAsync("launchctl", ["print", Target(spec.Kind)], ct);
        return new ServiceStatus(spec.Kind, paths, true, differences.Count == 0, differences, supervisor);
    }

    public async Task<ServiceUninstallOutcome> UninstallAsync(ServiceKind kind, CancellationToken ct)
    {
        var paths = PathsOf(kind);
        var calls = new List<ServiceCall>();
        var existed = File.Exists(paths.UnitFile);
        if (existed)
        {
            if (platform == ServicePlatform.Systemd) await CallAsync(calls, "systemctl", ["--user", "disable", "--now", ServiceUnits.SystemdUnitName(kind)], ct);
            else await CallAsync(calls, "launchctl", ["bootout", Target(kind)], ct);
        }
        // File.Delete of a missing file is fine, but not of one in a missing directory.
        if (existed) File.Delete(paths.UnitFile);
        if (paths.EnvironmentFile is not null && File.Exists(paths.EnvironmentFile)) File.Delete(paths.EnvironmentFile);
        if (existed && platform == ServicePlatform.Systemd) await CallAsync(calls, "systemctl", ["--user", "daemon-reload"], ct);
        return new ServiceUninstallOutcome(kind, paths, existed, calls);
    }

    /// <summary>
    /// How the files on disk differ from what install would write: the unit's changed lines (<c>- on disk</c>,
    /// <c>+ would write</c>); a secrets file only by name, never its values.
    /// </summary>
    public IReadOnlyList<string> Differences(ServiceSpec spec)
    {
        var differences = new List<string>();
        var paths = PathsOf(spec.Kind);
        var files = FilesOf(spec);
        foreach (var (path, content, secret) in files)
        {
            var existing = File.Exists(path) ? File.ReadAllText(path) : null;
            if (existing == content) continue;
            if (existing is null) differences.Add($"{path} is missing");
            else if (secret) differences.Add($"{path}: the secrets differ (values not shown)");
            else
            {
                var old = existing.Split('\n');
                var now = content.Split('\n');
                differences.AddRange(old.Except(now, StringComparer.Ordinal).Where(l => l.Length > 0).Select(l => "- " + l));
                differences.AddRange(now.Except(old, StringComparer.Ordinal).Where(l => l.Length > 0).Select(l => "+ " + l));
                if (differences.Count == 0) differences.Add($"{path}: the same lines in another order or spacing");
            }
        }
        if (paths.EnvironmentFile is { } envFile && files.All(f => f.Path != envFile) && File.Exists(envFile))
            differences.Add($"{envFile} would be removed (no secrets to pass now)");
        return differences;
    }

    private string Target(ServiceKind kind) => $"gui/{uid}/{ServiceUnits.LaunchdLabel(kind)}";

    private async Task<bool> CallAsync(List<ServiceCall> calls, string program, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var call = await RunAsync(program, arguments, ct);
        calls.Add(call);
        return call.Succeeded;
    }

    private async Task<ServiceCall> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var output = await run(program, arguments, ct);
        return output is null
            ? new ServiceCall(program, arguments, null, $"{program} is not installed (not found on PATH)")
            : new ServiceCall(program, arguments, output.ExitCode, (output.Stdout + output.Stderr).TrimEnd());
    }

    /// <summary>
    /// Written whole through a temporary file and a rename, so a supervisor never reads half a unit; a secret-bearing
    /// file is created with mode 0600 before anything is written to it.
    /// </summary>
    private static void Write(string path, string content, bool secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.Delete(temporary); // UnixCreateMode applies only to a file created now
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The runner for a real machine: the program looked up on <paramref name="searchPath"/> (the CLI's PATH).</summary>
    public static ServiceCommandRunner OnPath(string? searchPath, string workingDirectory) => (program, arguments, ct) =>
    {
        var found = (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
        return found is null ? Task.FromResult<CommandOutput?>(null) : ExternalCommand.RunOrNullAsync(found, arguments, workingDirectory, ct);
    };
}
