using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Baton.Cli.Launch;

/// <summary>A provider failed or gave unusable secrets. The message never holds a secret value.</summary>
public sealed class SecretsException(string message) : Exception(message);

/// <summary>
/// Fetches a venture's secrets once, for the agent's environment only: they are held in memory, never written to disk
/// and never printed. Messages name keys, paths and environments, never values.
/// </summary>
public static partial class Secrets
{
    public const string Infisical = "infisical";
    public const string EnvFile = "env-file";
    public const string Command = "command";
    public const string None = "none";

    /// <summary>Runs the configured provider and validates what it gave: not empty, every required key present.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> FetchAsync(
        SecretsConfig config, string? ventureSecretsPath, string env, string repoDirectory, IReadOnlyList<string> requiredKeys,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(config.TimeoutSeconds is > 0 ? config.TimeoutSeconds.Value : 20);
        Dictionary<string, string> secrets;
        string source;
        switch (config.Provider)
        {
            case Infisical:
                var path = config.Path ?? ventureSecretsPath
                           ?? throw new SecretsException("The infisical provider needs a secrets path: set secrets_path on the venture or secrets.path in launch.json.");
                source = $"infisical path {path}, env {env}";
                var output = await RunAsync("infisical", ["export", "--format=json", "--silent", "--path", path, "--env", env], repoDirectory, environment, timeout, source, ct);
                secrets = Parse(output, source);
                break;
            case EnvFile:
                var file = config.File ?? throw new SecretsException("The env-file provider needs secrets.file in launch.json.");
                var full = Path.GetFullPath(file);
                if (IsInside(full, repoDirectory))
                    throw new SecretsException($"The env file {full} is inside the repository: move it outside (secrets must never be in a working tree) and update launch.json.");
                if (!File.Exists(full)) throw new SecretsException($"The env file {full} does not exist: create it or fix secrets.file in launch.json.");
                source = $"env file {full}";
                secrets = Parse(await File.ReadAllTextAsync(full, ct), source);
                break;
            case Command:
                if (config.Command is not { Count: > 0 } command) throw new SecretsException("The command provider needs secrets.command (program and arguments) in launch.json.");
                source = $"command {command[0]}";
                secrets = Parse(await RunAsync(command[0], command.Skip(1), repoDirectory, environment, timeout, source, ct), source);
                break;
            default:
                throw new SecretsException($"Unknown secrets provider '{config.Provider}': use infisical, env-file, command or none in launch.json.");
        }

        if (secrets.Count == 0) throw new SecretsException($"The secrets provider returned nothing ({source}): check the path and environment exist and hold secrets.");
        var missing = requiredKeys.Where(k => !secrets.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new SecretsException($"The secrets ({source}) lack {string.Join(", ", missing)}. Keys found: {string.Join(", ", secrets.Keys.Order(StringComparer.Ordinal))}. " +
                                       "Add the missing keys to the venture's secrets (an admin makes a Baton key with `baton keys create`).");
        return secrets;
    }

    /// <summary>JSON (an object of strings, or Infisical's array of {key, value}) or KEY=value lines.</summary>
    public static Dictionary<string, string> Parse(string text, string source)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return [];
        if (trimmed[0] is '{' or '[')
        {
            try
            {
                return ParseJson(trimmed);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw Unparsable(trimmed, source);
            }
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in trimmed.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var equals = line.IndexOf('=');
            if (equals <= 0 || !KeyPattern().IsMatch(line[..equals].Trim())) throw Unparsable(trimmed, source);
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'')) value = value[1..^1];
            result[line[..equals].Trim()] = value;
        }
        return result;
    }

    private static Dictionary<string, string> ParseJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in document.RootElement.EnumerateObject()) result[property.Name] = property.Value.GetString() ?? "";
        }
        else
        {
            foreach (var item in document.RootElement.EnumerateArray())
                result[item.GetProperty("key").GetString()!] = item.GetProperty("value").GetString() ?? "";
        }
        return result;
    }

    /// <summary>
    /// The first 200 characters with secret values masked, and the words around them left readable (a provider's
    /// "error: you must be logged in" stays as it is): what is assigned with <c>=</c> (<c>KEY=value</c>), the value of a
    /// name that holds secrets (<c>DATABASE_URL: …</c>, <c>"api_token": "…"</c>, Infisical's <c>"value": "…"</c>), a URL's
    /// password, and any long run of letters and digits (a token, wherever it appears).
    /// </summary>
    public static string MaskedPreview(string text)
    {
        var preview = text.Length > 200 ? text[..200] : text;
        preview = QuotedPair().Replace(preview, m => SecretName(m.Groups["name"].Value) ? Masked(m) : m.Value);
        preview = BarePair().Replace(preview, m => m.Groups["sep"].Value.Contains('=') || SecretName(m.Groups["name"].Value) ? Masked(m) : m.Value);
        preview = UrlPassword().Replace(preview, Masked);
        return Token().Replace(preview, m => m.Value.Any(char.IsAsciiLetter) && m.Value.Any(char.IsAsciiDigit) ? "****" : m.Value);
    }

    /// <summary>The match with its <c>value</c> group replaced.</summary>
    private static string Masked(Match m)
    {
        var value = m.Groups["value"];
        return m.Value[..(value.Index - m.Index)] + "****" + m.Value[(value.Index - m.Index + value.Length)..];
    }

    /// <summary>
    /// A name for a secret: an environment-style NAME_WITH_UNDERSCORES, or one that says key, token, secret, password
    /// or value — but not Infisical's bare <c>"key"</c>, which holds the secret's name.
    /// </summary>
    private static bool SecretName(string name) =>
        EnvironmentName().IsMatch(name) || (!name.Equals("key", StringComparison.OrdinalIgnoreCase) && SecretWord().IsMatch(name));

    private static SecretsException Unparsable(string text, string source) =>
        new($"The secrets output ({source}) is neither JSON nor KEY=value lines. It starts: {MaskedPreview(text)}");

    private static async Task<string> RunAsync(string program, IEnumerable<string> arguments, string directory,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout, string source, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        // The provider sees the launcher's environment (INFISICAL_TOKEN for headless machines included).
        foreach (var (name, value) in environment) start.Environment[name] = value;
        if (AgentCli.FindOnPathOrNull(program, environment.GetValueOrDefault("PATH")) is null && !File.Exists(program))
            throw new SecretsException($"The secrets provider '{program}' is not installed (not on PATH): install it, or choose another provider in launch.json.");

        using var process = Process.Start(start) ?? throw new SecretsException($"Could not start '{program}' for the secrets.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new SecretsException($"The secrets provider did not answer within {timeout.TotalSeconds:0} s ({source}): check its login and network, or raise secrets.timeout_seconds.");
        }
        if (process.ExitCode != 0)
        {
            var error = MaskedPreview((await stderr).Trim());
            throw new SecretsException($"The secrets provider failed with exit code {process.ExitCode} ({source}): {error} " +
                                       (program == "infisical" ? "Log in with `infisical login`, or set INFISICAL_TOKEN on a headless machine." : ""));
        }
        return await stdout;
    }

    private static bool IsInside(string path, string directory)
    {
        var root = Path.GetFullPath(directory).TrimEnd('/') + "/";
        return path.StartsWith(root, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"""(?<name>[^""\n]*)""\s*:\s*""(?<value>(?:[^""\\\n]|\\.)*)""")]
    private static partial Regex QuotedPair();

    [GeneratedRegex(@"(?<![\w""'/])(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)(?<sep>\s*=\s*|:[ \t]*)[""']?(?<value>[^\s""',}]+)")]
    private static partial Regex BarePair();

    [GeneratedRegex(@"://[^\s:/@]+:(?<value>[^\s@/]+)@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"[A-Za-z0-9_\-+/=.]{16,}")]
    private static partial Regex Token();

    [GeneratedRegex(@"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")]
    private static partial Regex EnvironmentName();

    [GeneratedRegex(@"key|token|secret|passw(or)?d|pwd|credential|^value$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretWord();
}
