using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Baton.Core.Alerts;

/// <summary>A completed CI run as a GitHub event describes it: enough to open, count or resolve an alert.</summary>
/// <param name="Conclusion">GitHub's conclusion (<c>success</c>, <c>failure</c>, <c>timed_out</c>, …).</param>
internal sealed record CiCompletion(
    string Source,
    string Repo,
    string? DefaultBranch,
    string Workflow,
    string Branch,
    string Conclusion,
    string? Url,
    long? RunId);

/// <summary>What a GitHub delivery is about, read after its signature was verified.</summary>
/// <param name="Repo"><c>repository.full_name</c>, when the payload has one.</param>
/// <param name="Completion">Set for a completed <c>workflow_run</c> or <c>check_suite</c>; null for anything else.</param>
internal sealed record GitHubEvent(string Name, string? Repo, string? DefaultBranch, CiCompletion? Completion);

/// <summary>
/// GitHub webhooks (issue 7): the <c>X-Hub-Signature-256</c> check and the reading of <c>workflow_run</c> and
/// <c>check_suite</c> payloads. Pure: no I/O, no clock.
/// </summary>
public static class GitHubWebhook
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    public const string EventHeader = "X-GitHub-Event";
    public const string DeliveryHeader = "X-GitHub-Delivery";

    private const string SignaturePrefix = "sha256=";

    /// <summary>Conclusions that open an alert or add an occurrence.</summary>
    public static readonly IReadOnlySet<string> FailureConclusions = new HashSet<string>(StringComparer.Ordinal) { "failure", "timed_out", "startup_failure" };

    /// <summary>
    /// True when <paramref name="signatureHeader"/> is <c>sha256=</c> and the hex HMAC-SHA256 of <paramref name="body"/>
    /// under <paramref name="secret"/>. Compared in constant time, so a forger learns nothing from how long a wrong
    /// guess took. Must run before anything parses the body.
    /// </summary>
    public static bool IsSignatureValid(string secret, ReadOnlySpan<byte> body, string? signatureHeader)
    {
        if (string.IsNullOrEmpty(secret) || signatureHeader is null || !signatureHeader.StartsWith(SignaturePrefix, StringComparison.Ordinal)) return false;
        var hex = signatureHeader.AsSpan(SignaturePrefix.Length).Trim();
        if (hex.Length != 64) return false;

        Span<byte> presented = stackalloc byte[32];
        for (var i = 0; i < 32; i++)
        {
            if (!byte.TryParse(hex.Slice(i * 2, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out presented[i])) return false;
        }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>The header value GitHub would send for <paramref name="body"/> (for tests and tools that sign their own deliveries).</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        SignaturePrefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>
    /// Reads the parts of a payload Baton uses. Unknown events and unfinished runs come back without a
    /// <see cref="GitHubEvent.Completion"/>. Throws <see cref="JsonException"/> when the body is not a JSON object.
    /// </summary>
    internal static GitHubEvent Parse(string eventName, ReadOnlySpan<byte> body)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException("The payload is not a JSON object.");

        var repository = Child(root, "repository");
        var repo = Str(repository, "full_name");
        var defaultBranch = Str(repository, "default_branch");
        var completion = eventName switch
        {
            "workflow_run" => WorkflowRun(root, repo, defaultBranch),
            "check_suite" => CheckSuite(root, repo, defaultBranch),
            _ => null,
        };
        return new GitHubEvent(eventName, repo, defaultBranch, completion);
    }

    /// <summary>What a completion means for alerts: a failure, a success, or nothing (cancelled, skipped, neutral, …).</summary>
    public static AlertSignalKindOrNone Classify(string conclusion) =>
        FailureConclusions.Contains(conclusion) ? AlertSignalKindOrNone.Failure
        : conclusion == "success" ? AlertSignalKindOrNone.Success
        : AlertSignalKindOrNone.None;

    // https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_run: action "completed" carries
    // workflow_run.{name, head_branch, conclusion, html_url, id}.
    private static CiCompletion? WorkflowRun(JsonElement root, string? repo, string? defaultBranch)
    {
        if (Str(root, "action") != "completed" || repo is null) return null;
        var run = Child(root, "workflow_run");
        var name = Str(run, "name");
        var branch = Str(run, "head_branch");
        var conclusion = Str(run, "conclusion");
        if (name is null || branch is null || conclusion is null) return null;
        return new CiCompletion("workflow_run", repo, defaultBranch, name, branch, conclusion, Str(run, "html_url"), Long(run, "id"));
    }

    /// <summary>The GitHub App slug of GitHub Actions, whose check suites are left to <c>workflow_run</c>.</summary>
    public const string GitHubActionsAppSlug = "github-actions";

    // https://docs.github.com/webhooks/webhook-events-and-payloads#check_suite: action "completed" carries
    // check_suite.{head_branch, conclusion, app.name, id}; a suite has no page of its own, so the url is the repo's.
    private static CiCompletion? CheckSuite(JsonElement root, string? repo, string? defaultBranch)
    {
        if (Str(root, "action") != "completed" || repo is null) return null;
        var suite = Child(root, "check_suite");
        var branch = Str(suite, "head_branch");
        var conclusion = Str(suite, "conclusion");
        if (branch is null || conclusion is null) return null;
        // GitHub Actions sends a check suite per workflow run, all named "GitHub Actions": one workflow's green suite
        // would close another's red one. Its workflow_run events name the workflow, so those carry Actions (0008).
        if (Str(Child(suite, "app"), "slug") == GitHubActionsAppSlug) return null;
        var app = Str(Child(suite, "app"), "name") ?? "checks";
        return new CiCompletion("check_suite", repo, defaultBranch, app, branch, conclusion, Str(Child(root, "repository"), "html_url"), Long(suite, "id"));
    }

    private static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child) ? child : default;

    private static string? Str(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static long? Long(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var n) ? n : null;
}

public enum AlertSignalKindOrNone { None, Failure, Success }
