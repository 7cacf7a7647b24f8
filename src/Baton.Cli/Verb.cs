using System.CommandLine;
using System.Text.Json;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Local.Diagnostics;
using Baton.Local.Settings;

namespace Baton.Cli;

/// <summary>Everything one verb's action needs once configuration is valid and the services are open.</summary>
public sealed record VerbContext(CliRuntime Runtime, BatonSettings Settings, BatonConnection Services, ParseResult Parse)
{
    public TextWriter Out => Runtime.Out;

    public SessionStateFile State => new(Settings.DataDir);

    public string Agent(Option<string> agentOption, Option<string>? cliOption = null) =>
        AgentName.Resolve(Parse.GetValue(agentOption), Settings.Agent, cliOption is null ? null : Parse.GetValue(cliOption), Runtime.HostName, Runtime.Terminal);
}

/// <summary>
/// The one path every verb runs through: settings are loaded and validated (every problem printed, exit 2, before
/// anything runs), the services opened in the right mode, and failures turned into the exit codes of
/// <see cref="ExitCodes"/> with the server's detail on stderr.
/// </summary>
public static class Verb
{
    /// <summary>Command-line flags that override a setting, and the variable each one sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> SettingFlags = new Dictionary<string, string>
    {
        ["--data-dir"] = BatonSettingsLoader.DataDirVariable,
        ["--listen"] = BatonSettingsLoader.ListenVariable,
        ["--ventures-file"] = BatonSettingsLoader.VenturesFileVariable,
        ["--rate-limit"] = BatonSettingsLoader.RateLimitVariable,
        ["--stale-minutes"] = BatonSettingsLoader.StaleMinutesVariable,
        ["--health-probe-seconds"] = BatonSettingsLoader.HealthProbeSecondsVariable,
        ["--workflow-pass-seconds"] = BatonSettingsLoader.WorkflowPassSecondsVariable,
        ["--lease-seconds"] = BatonSettingsLoader.LeaseSecondsVariable,
        ["--agent"] = BatonSettingsLoader.AgentVariable,
        ["--store"] = BatonSettingsLoader.StoreVariable,
        ["--store-url"] = BatonSettingsLoader.StoreUrlVariable,
        ["--durability"] = BatonSettingsLoader.DurabilityVariable,
    };

    /// <summary>Runs <paramref name="body"/> with open services.</summary>
    public static Task<int> RunAsync(CliRuntime runtime, ParseResult parse, Func<VerbContext, CancellationToken, Task<int>> body, CancellationToken ct) =>
        RunWithSettingsAsync(runtime, parse, async (settings, token) =>
        {
            await using var services = await BatonConnection.OpenAsync(settings, token);
            StartupTrace.Mark("services open");
            return await body(new VerbContext(runtime, settings, services, parse), token);
        }, ct);

    /// <summary>Runs <paramref name="body"/> with valid settings only (for <c>serve</c>, which opens its own store).</summary>
    public static async Task<int> RunWithSettingsAsync(CliRuntime runtime, ParseResult parse, Func<BatonSettings, CancellationToken, Task<int>> body, CancellationToken ct)
    {
        var settings = LoadSettings(runtime, parse);
        var problems = settings.Validate();
        StartupTrace.Mark("settings loaded");
        if (problems.Count > 0)
        {
            runtime.Error.WriteLine($"baton: the configuration has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:");
            foreach (var problem in problems) runtime.Error.WriteLine("  - " + problem);
            return ExitCodes.Usage;
        }

        try
        {
            return await body(settings, ct);
        }
        catch (BatonException ex)
        {
            WriteFailure(runtime.Error, ex);
            return ExitCodes.Failed;
        }
        catch (UsageException ex)
        {
            runtime.Error.WriteLine("baton: " + ex.Message);
            return ExitCodes.Usage;
        }
        catch (ArgumentProblem ex)
        {
            // The application handlers' "fix your call": a usage error at a terminal.
            runtime.Error.WriteLine("baton: " + ex.Message);
            return ExitCodes.Usage;
        }
        catch (Baton.Core.Storage.StoreUnavailableException ex)
        {
            // A full, read-only or failing disk, or a database server that is gone: the store's one-line reason.
            runtime.Error.WriteLine("baton: " + ex.Message);
            runtime.Error.WriteLine($"  (code: {ex.ToProblem().Code})");
            return ExitCodes.Failed;
        }
        catch (VentureFileException ex)
        {
            runtime.Error.WriteLine("baton: " + ex.Message);
            return ExitCodes.Usage;
        }
    }

    public static BatonSettings LoadSettings(CliRuntime runtime, ParseResult parse)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            foreach (var option in result.Command.Options.OfType<Option<string>>())
            {
                if (SettingFlags.TryGetValue(option.Name, out var variable) && !flags.ContainsKey(variable) && parse.GetValue(option) is { } value)
                {
                    flags[variable] = value;
                }
            }
        }
        return BatonSettingsLoader.Load(flags, runtime.Environment);
    }

    public static void WriteFailure(TextWriter error, BatonException ex)
    {
        error.WriteLine($"baton: {ex.Detail}");
        if (ex.Errors is not null)
        {
            // A validation detail already lists every field (BatonException.Validation, and the server's problem
            // detail alike): a field line is printed only when the detail does not say it.
            foreach (var (field, messages) in ex.Errors)
            {
                var line = $"{field}: {string.Join(" ", messages)}";
                if (!ex.Detail.Contains(line, StringComparison.Ordinal)) error.WriteLine("  " + line);
            }
        }
        error.WriteLine($"  (code: {ex.Code})");
    }

    public static void WriteJson<T>(TextWriter output, T value) => output.WriteLine(JsonSerializer.Serialize(value, BatonJson.Indented));
}
