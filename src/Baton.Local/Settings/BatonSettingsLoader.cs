using System.Globalization;
using System.Text.Json;
using Baton.Core.Common;

namespace Baton.Local.Settings;

/// <summary>
/// Builds <see cref="BatonSettings"/> from its sources, highest first: command-line flags, environment variables,
/// <c>baton.json</c> in the data directory, defaults. The environment is a parameter (not read here) so tests and
/// every front end pass exactly what they mean. Nothing throws: problems are collected for
/// <see cref="BatonSettings.Validate"/>.
/// </summary>
public static class BatonSettingsLoader
{
    public const string UrlVariable = "BATON_URL";
    public const string KeyVariable = "BATON_KEY";
    public const string DataDirVariable = "BATON_DATA_DIR";
    public const string ListenVariable = "BATON_LISTEN";
    public const string StoreVariable = "BATON_STORE";
    public const string StoreUrlVariable = "BATON_STORE_URL";
    public const string AgentVariable = "BATON_AGENT";
    public const string StaleMinutesVariable = "BATON_STALE_MINUTES";
    public const string HealthProbeSecondsVariable = "BATON_HEALTH_PROBE_SECONDS";
    public const string WorkflowPassSecondsVariable = "BATON_WORKFLOW_PASS_SECONDS";
    public const string LeaseSecondsVariable = "BATON_LEASE_SECONDS";
    public const string RateLimitVariable = "BATON_RATE_LIMIT";
    public const string VenturesFileVariable = "BATON_VENTURES_FILE";
    public const string DurabilityVariable = "BATON_DURABILITY";

    /// <summary>The optional settings file, read from the data directory.</summary>
    public const string FileName = "baton.json";

    /// <summary>Every variable name, in the order help and messages list them.</summary>
    public static IReadOnlyList<string> Variables { get; } =
    [
        UrlVariable, KeyVariable, DataDirVariable, ListenVariable, StoreVariable, StoreUrlVariable,
        AgentVariable, StaleMinutesVariable, HealthProbeSecondsVariable, WorkflowPassSecondsVariable, LeaseSecondsVariable, RateLimitVariable, VenturesFileVariable, DurabilityVariable,
    ];

    /// <summary>The command-line flag that sets each variable, for messages that say where a value came from.</summary>
    private static readonly Dictionary<string, string> FlagNames = new(StringComparer.Ordinal)
    {
        [DataDirVariable] = "--data-dir",
        [ListenVariable] = "--listen",
        [AgentVariable] = "--agent",
        [StaleMinutesVariable] = "--stale-minutes",
        [HealthProbeSecondsVariable] = "--health-probe-seconds",
        [WorkflowPassSecondsVariable] = "--workflow-pass-seconds",
        [LeaseSecondsVariable] = "--lease-seconds",
        [RateLimitVariable] = "--rate-limit",
        [VenturesFileVariable] = "--ventures-file",
        [StoreVariable] = "--store",
        [StoreUrlVariable] = "--store-url",
        [DurabilityVariable] = "--durability",
    };

    /// <param name="flags">Values given on the command line, keyed by variable name (e.g. <c>BATON_LISTEN</c>); absent = not given.</param>
    /// <param name="environment">The process environment (or a test's); only the <c>BATON_*</c> names, <c>XDG_DATA_HOME</c> and <c>HOME</c> are read.</param>
    public static BatonSettings Load(IReadOnlyDictionary<string, string> flags, IReadOnlyDictionary<string, string> environment)
    {
        var settings = new BatonSettings();

        // The data directory comes first: baton.json lives in it, so it cannot itself be set from baton.json.
        var dataDir = Pick(DataDirVariable, flags, environment, fileValues: null, settings);
        settings.DataDir = dataDir ?? DefaultDataDir(environment) ?? "";

        var fileValues = settings.DataDir.Length > 0
            ? ReadFile(Path.Combine(settings.DataDir, FileName), settings.LoadProblems)
            : new Dictionary<string, string>();

        settings.Url = Pick(UrlVariable, flags, environment, fileValues, settings);
        settings.Key = Pick(KeyVariable, flags, environment, fileValues, settings);
        settings.Listen = Pick(ListenVariable, flags, environment, fileValues, settings) ?? BatonSettings.DefaultListen;
        settings.Store = Pick(StoreVariable, flags, environment, fileValues, settings)?.ToLowerInvariant() ?? BatonSettings.SqliteStore;
        settings.StoreUrl = Pick(StoreUrlVariable, flags, environment, fileValues, settings);
        settings.Agent = Pick(AgentVariable, flags, environment, fileValues, settings);
        settings.VenturesFile = Pick(VenturesFileVariable, flags, environment, fileValues, settings);
        settings.Durability = Pick(DurabilityVariable, flags, environment, fileValues, settings)?.ToLowerInvariant() ?? BatonSettings.NormalDurability;
        settings.StaleMinutes = PickInt(StaleMinutesVariable, BatonSettings.DefaultStaleMinutes,
            "a whole number of minutes, 1 or more (default 45)", flags, environment, fileValues, settings);
        settings.HealthProbeSeconds = PickInt(HealthProbeSecondsVariable, BatonSettings.DefaultHealthProbeSeconds,
            "a whole number of seconds, 0 (the server probes nothing) or 5 or more (default 30)", flags, environment, fileValues, settings);
        settings.WorkflowPassSeconds = PickInt(WorkflowPassSecondsVariable, BatonSettings.DefaultWorkflowPassSeconds,
            "a whole number of seconds, 0 (this server drives no workflows) or more (default 1)", flags, environment, fileValues, settings);
        settings.LeaseSeconds = PickInt(LeaseSecondsVariable, BatonSettings.DefaultLeaseSeconds,
            "a whole number of seconds, 3 or more (default 60)", flags, environment, fileValues, settings);
        settings.RateLimit = PickInt(RateLimitVariable, BatonSettings.DefaultRateLimit,
            "a whole number of requests per minute, 0 (off) or more (default 100)", flags, environment, fileValues, settings);
        return settings;
    }

    /// <summary><c>$XDG_DATA_HOME/baton</c>, else <c>$HOME/.local/share/baton</c>; null when neither is set.</summary>
    public static string? DefaultDataDir(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.TryGetValue("XDG_DATA_HOME", out var xdg) && !string.IsNullOrWhiteSpace(xdg)) return Path.Combine(xdg, "baton");
        if (environment.TryGetValue("HOME", out var home) && !string.IsNullOrWhiteSpace(home)) return Path.Combine(home, ".local", "share", "baton");
        return null;
    }

    /// <summary>The process environment as a dictionary, for front ends to pass to <see cref="Load"/>.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value) result[name] = value;
        }
        return result;
    }

    private static string? Pick(
        string variable,
        IReadOnlyDictionary<string, string> flags,
        IReadOnlyDictionary<string, string> environment,
        IReadOnlyDictionary<string, string>? fileValues,
        BatonSettings settings)
    {
        // An empty value counts as not given, so `BATON_URL= baton sod` means local mode, as a shell user expects.
        if (flags.TryGetValue(variable, out var flag) && !string.IsNullOrWhiteSpace(flag))
        {
            settings.Sources[variable] = FlagNames.GetValueOrDefault(variable, "the command line");
            return flag.Trim();
        }
        if (environment.TryGetValue(variable, out var env) && !string.IsNullOrWhiteSpace(env))
        {
            settings.Sources[variable] = "environment";
            return env.Trim();
        }
        if (fileValues is not null && fileValues.TryGetValue(variable, out var fromFile) && !string.IsNullOrWhiteSpace(fromFile))
        {
            settings.Sources[variable] = FileName;
            return fromFile.Trim();
        }
        return null;
    }

    private static int PickInt(
        string variable,
        int defaultValue,
        string allowed,
        IReadOnlyDictionary<string, string> flags,
        IReadOnlyDictionary<string, string> environment,
        IReadOnlyDictionary<string, string> fileValues,
        BatonSettings settings)
    {
        var text = Pick(variable, flags, environment, fileValues, settings);
        if (text is null) return defaultValue;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        settings.LoadProblems.Add($"{variable} (from {settings.Sources[variable]}) is '{text}': expected {allowed}.");
        return defaultValue;
    }

    /// <summary>
    /// Reads <c>baton.json</c>: an object whose keys are the variable names. A missing file is fine; a malformed one
    /// is reported with its line, and unknown keys are reported with the allowed ones (a typo should not be ignored).
    /// </summary>
    private static Dictionary<string, string> ReadFile(string path, List<string> problems)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return values;

        JsonDocument document;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            document = JsonDocument.Parse(bytes, JsonLines.DocumentOptions);
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            problems.Add($"{path} is not valid JSON at line {line}: {FirstSentence(ex.Message)} {JsonLines.Fix(ex)} Or remove the file.");
            return values;
        }
        catch (IOException ex)
        {
            problems.Add($"{path} could not be read ({ex.GetType().Name}): check its permissions.");
            return values;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path} must hold a JSON object such as {{\"BATON_LISTEN\": \"127.0.0.1:8765\"}}.");
                return values;
            }
            var lines = JsonLines.Of(bytes);
            var allowed = Variables.Where(v => v != DataDirVariable).ToList();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == DataDirVariable || !Variables.Contains(property.Name))
                {
                    var near = property.Name == DataDirVariable ? null : ClosestName.FindOrNull(property.Name, allowed);
                    problems.Add($"{path}:{JsonLines.LineOrEnclosing(lines, property.Name)}: the key '{property.Name}' is not one it can set" +
                                 (near is null ? "" : $" (did you mean '{near}'?)") + ": allowed keys are " + string.Join(", ", allowed) + ".");
                    continue;
                }
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        values[property.Name] = property.Value.GetString()!;
                        break;
                    case JsonValueKind.Number:
                        values[property.Name] = property.Value.GetRawText();
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        problems.Add($"{path}: '{property.Name}' must be a string or a number, not {property.Value.ValueKind.ToString().ToLowerInvariant()}.");
                        break;
                }
            }
        }
        return values;
    }

    // System.Text.Json messages end with "Path: $ | LineNumber: …"; the line is reported separately, so keep the reason.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
