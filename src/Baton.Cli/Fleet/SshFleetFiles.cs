using System.Text;
using Baton.Core.Fleet;

namespace Baton.Cli.Fleet;

/// <summary>
/// The three SSH files <c>baton fleet ssh-config</c> looks after, as pure functions of their current text and the
/// fleet: Baton owns <c>~/.ssh/config.d/baton-fleet</c> whole; in <c>authorized_keys</c> it only appends the keys that
/// are missing; in <c>~/.ssh/config</c> it only adds one <c>Include</c> line. Each function returns its input unchanged
/// when there is nothing to do, which is what makes a second run change nothing.
/// </summary>
public static class SshFleetFiles
{
    public const string IncludeLine = "Include config.d/*";

    /// <summary>The whole of <c>config.d/baton-fleet</c>: a Host entry per machine, sorted by hostname so the text is stable.</summary>
    public static string HostsFile(IEnumerable<MachineInfo> others)
    {
        var text = new StringBuilder();
        text.Append("# Written by `baton fleet ssh-config` from the machines registered with Baton; rewritten on every run.\n");
        text.Append("# Add your own hosts to ~/.ssh/config instead of editing this file.\n");
        foreach (var machine in others.OrderBy(m => m.Hostname, StringComparer.Ordinal))
        {
            text.Append('\n');
            text.Append("# ").Append(machine.Id).Append(machine.Os is null ? "" : $" ({machine.Os}{(machine.Arch is null ? "" : "/" + machine.Arch)})").Append('\n');
            text.Append("Host ").Append(machine.Hostname).Append('\n');
            text.Append("  HostName ").Append(machine.Address ?? machine.Hostname).Append('\n');
            if (machine.SshUser is not null) text.Append("  User ").Append(machine.SshUser).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="existing"/> with a line appended for each key it lacks (compared by key type and data, not the
    /// comment or options); the existing lines are kept byte for byte. Also returns the hostnames whose keys were added.
    /// </summary>
    public static (string Text, IReadOnlyList<string> AddedFor) WithKeys(string existing, IEnumerable<MachineInfo> others)
    {
        var present = existing.Split('\n').Select(IdentityOrNull).Where(i => i is not null).ToHashSet(StringComparer.Ordinal);
        var added = new List<string>();
        var text = new StringBuilder(existing);
        foreach (var machine in others.Where(m => m.SshPublicKey is not null).OrderBy(m => m.Hostname, StringComparer.Ordinal))
        {
            if (!present.Add(MachineRules.KeyIdentity(machine.SshPublicKey!))) continue;
            if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
            text.Append(machine.SshPublicKey!.Trim()).Append('\n');
            added.Add(machine.Hostname);
        }
        return (text.ToString(), added);
    }

    /// <summary>True when some line of an ssh config already includes <c>config.d/*</c> (any spelling ssh accepts for it).</summary>
    public static bool HasInclude(string config) =>
        config.Split('\n').Select(l => l.Trim()).Any(line =>
        {
            var parts = line.Split([' ', '\t', '='], StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 2 && parts[0].Equals("Include", StringComparison.OrdinalIgnoreCase)
                   && parts.Skip(1).Any(p => p.Trim('"').EndsWith("config.d/*", StringComparison.Ordinal));
        });

    /// <summary>
    /// The config with <see cref="IncludeLine"/> at the top when it has none. At the top because ssh reads an Include
    /// where it stands: after a <c>Host</c> line it would only apply inside that host's block.
    /// </summary>
    public static string WithInclude(string config) =>
        HasInclude(config) ? config : IncludeLine + "\n" + (config.Length == 0 ? "" : "\n" + config);

    /// <summary>
    /// The key type and data of an authorized_keys line (after any options such as <c>from="…"</c>); null for blank
    /// lines and comments.
    /// </summary>
    public static string? IdentityOrNull(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed.StartsWith('#')) return null;
        var parts = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (IsKeyType(parts[i])) return parts[i] + " " + parts[i + 1];
        }
        return MachineRules.KeyIdentity(trimmed);
    }

    private static bool IsKeyType(string token) =>
        token.StartsWith("ssh-", StringComparison.Ordinal) || token.StartsWith("ecdsa-sha2-", StringComparison.Ordinal) || token.StartsWith("sk-", StringComparison.Ordinal);
}

/// <summary>What one run did (or, with --dry-run, would do) to one file.</summary>
public sealed record SshFileChange(string Path, bool Changed, string What);

/// <summary>
/// Writes the fleet's SSH files. A file is written only when its text changes (so mtimes stay put on a second run),
/// through a temp file created 0600 and renamed over it, so neither a crash nor a loose umask ever leaves a key file
/// readable by others. Directories Baton creates are 0700, as ssh expects.
/// </summary>
public static class SshFleetWriter
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static IReadOnlyList<SshFileChange> Apply(string home, string thisHostname, IReadOnlyList<MachineInfo> fleet, bool dryRun)
    {
        var ssh = Path.Combine(home, ".ssh");
        var others = fleet.Where(m => !string.Equals(m.Hostname, thisHostname, StringComparison.Ordinal)).ToList();
        var changes = new List<SshFileChange>();

        var hostsPath = Path.Combine(ssh, "config.d", "baton-fleet");
        var hosts = SshFleetFiles.HostsFile(others);
        changes.Add(Put(hostsPath, ReadOrEmpty(hostsPath), hosts, dryRun, $"{others.Count} Host entr{(others.Count == 1 ? "y" : "ies")}"));

        var keysPath = Path.Combine(ssh, "authorized_keys");
        var (keys, addedFor) = SshFleetFiles.WithKeys(ReadOrEmpty(keysPath), others);
        changes.Add(Put(keysPath, ReadOrEmpty(keysPath), keys, dryRun,
            addedFor.Count == 0 ? "every fleet key already present" : $"add key{(addedFor.Count == 1 ? "" : "s")} of {string.Join(", ", addedFor)}"));

        var configPath = Path.Combine(ssh, "config");
        var config = ReadOrEmpty(configPath);
        changes.Add(Put(configPath, config, SshFleetFiles.WithInclude(config), dryRun,
            SshFleetFiles.HasInclude(config) ? "already includes config.d/*" : $"add `{SshFleetFiles.IncludeLine}` at the top"));
        return changes;
    }

    private static SshFileChange Put(string path, string current, string wanted, bool dryRun, string what)
    {
        if (current == wanted && File.Exists(path)) return new SshFileChange(path, false, what);
        if (!dryRun) Write(path, wanted);
        return new SshFileChange(path, true, what);
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(Target(path)) : "";

    private static void Write(string path, string content)
    {
        var target = Target(path);
        var directory = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, PrivateDirectory);
        }
        var mode = PrivateFile;
        if (!OperatingSystem.IsWindows() && File.Exists(target))
        {
            // Keep a stricter or executable-free mode the user chose, but never one ssh would refuse (group/other write).
            mode = File.GetUnixFileMode(target) & ~(UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        var temp = target + ".baton-tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(content);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, mode); // a leftover temp from a crash keeps its old mode otherwise
        File.Move(temp, target, overwrite: true);
    }

    /// <summary>A dotfiles manager's symlink is followed, so the link stays a link and the file it points at is updated.</summary>
    private static string Target(string path) =>
        File.Exists(path) && new FileInfo(path).LinkTarget is not null ? new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path : path;
}
