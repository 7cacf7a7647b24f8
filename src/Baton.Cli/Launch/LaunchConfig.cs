using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Core.Common;

namespace Baton.Cli.Launch;

/// <summary>
/// How <c>baton launch</c> starts each venture on this machine: <c>&lt;data-dir&gt;/launch.json</c>. It is per machine
/// (not in ventures.json) because secret providers and env files differ from machine to machine. Every field is
/// optional; a venture not listed uses the defaults documented on <see cref="VentureLaunch"/>.
/// <code>{ "ventures": { "alpha": { "agent": "codex", "secrets": { "provider": "env-file", "file": "/secure/alpha.env" },
///   "deny_env": ["AWS_*"], "required_keys": ["BATON_KEY", "DATABASE_URL"] } } }</code>
/// </summary>
public sealed record LaunchConfig(IReadOnlyDictionary<string, VentureLaunch>? Ventures)
{
    public const string FileName = "launch.json";

    public VentureLaunch For(string venture) => Ventures?.GetValueOrDefault(venture) ?? new VentureLaunch(null, null, null, null);

    /// <summary>
    /// The file in <paramref name="dataDir"/>, or an empty config when there is none. A malformed file is a usage error
    /// naming it and the line; so is an unknown field (a misspelt <c>"agnet"</c> would otherwise be dropped and the
    /// default used), with the nearest known name.
    /// </summary>
    public static LaunchConfig Load(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path)) return new LaunchConfig((IReadOnlyDictionary<string, VentureLaunch>?)null);
        try
        {
            return JsonSerializer.Deserialize<LaunchConfig>(File.ReadAllText(path), BatonJson.Requests) ?? new LaunchConfig((IReadOnlyDictionary<string, VentureLaunch>?)null);
        }
        catch (JsonException ex)
        {
            var at = $"{path}:{(ex.LineNumber ?? 0) + 1}";
            if (UnknownField.FindOrNull(BatonJson.Requests, typeof(LaunchConfig), ex.Path) is { } unknown)
                throw new UsageException($"{at}: {unknown.Message} Fix the name or remove the field.");
            throw new UsageException($"{at}: not valid launch configuration ({ex.Message.Split('.')[0]}): fix it or move it away; " +
                                     "expected {\"ventures\": {\"<code>\": {\"agent\": …, \"secrets\": {\"provider\": …}, \"deny_env\": […]}}}.");
        }
    }
}

/// <param name="Agent">claude, gemini or codex; default BATON_DEFAULT_AGENT, else claude.</param>
/// <param name="Secrets">Where the venture's secrets come from; default infisical when the venture has a secrets_path, else none.</param>
/// <param name="DenyEnv">Variables (names, or prefixes ending in <c>*</c>) never passed on to the agent, on top of <see cref="ChildEnvironment.DefaultDeny"/>.</param>
/// <param name="RequiredKeys">Keys the secrets must hold; default <c>BATON_KEY</c>.</param>
public sealed record VentureLaunch(
    string? Agent,
    SecretsConfig? Secrets,
    IReadOnlyList<string>? DenyEnv,
    IReadOnlyList<string>? RequiredKeys);

/// <param name="Provider"><c>infisical</c>, <c>env-file</c>, <c>command</c> or <c>none</c>.</param>
/// <param name="File">For env-file: the file of KEY=value lines (must be outside the repo).</param>
/// <param name="Command">For command: the program and its arguments; it prints JSON or KEY=value lines.</param>
/// <param name="Path">For infisical: the secrets path; default the venture's secrets_path.</param>
/// <param name="TimeoutSeconds">How long the provider may take. Default 20.</param>
public sealed record SecretsConfig(
    string? Provider,
    string? File = null,
    IReadOnlyList<string>? Command = null,
    string? Path = null,
    [property: JsonPropertyName("timeout_seconds")] int? TimeoutSeconds = null);
