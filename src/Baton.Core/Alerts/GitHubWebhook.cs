using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Core.Common;

namespace Baton.Core.Alerts;

/// <summary>A completed CI run as a GitHub event describes it: enough to open, count or resolve an alert.</summary>
/// <param name="HeadRepo">Where the run's head lives (<c>workflow_run.head_repository.full_name</c>); another repo than <paramref name="Repo"/> for a fork's pull request.</param>
/// <param name="Branch">The branch as the alert keeps it (<see cref="AlertRules.AlertBranch"/>: a fork's as <c>owner:branch</c>).</param>
/// <param name="Conclusion">GitHub's conclusion (<c>success</c>, <c>failure</c>, <c>timed_out</c>, …).</param>
/// <param name="Run">The run's place in its workflow's history, for deliveries that arrive out of order.</param>
internal sealed record CiCompletion(
    string Source,
    string Repo,
    string? DefaultBranch,
    string? HeadRepo,
    string Workflow,
    string Branch,
    string Conclusion,
    string? Url,
    long? RunId,
    RunOrder Run);

/// <summary>What a GitHub delivery is about, read after its signature was verified.</summary>
/// <param name="Repo"><c>repository.full_name</c>, when the payload has one (an organization's hook sends <c>ping</c> without).</param>
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
    /// Reads the parts of a payload Baton uses, checking every text it would keep against <see cref="AlertLimits"/>
    /// (problems go to <paramref name="v"/>, named by their payload path; the caller throws). Unknown events and
    /// unfinished runs come back without a <see cref="GitHubEvent.Completion"/>. Throws <see cref="JsonException"/> when
    /// the body is not a JSON object.
    /// </summary>
    internal static GitHubEvent Parse(string eventName, ReadOnlySpan<byte> body, Validator v)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException("The payload is not a JSON object.");

        var repository = Child(root, "repository");
        var repo = v.Text("repository.full_name", Str(repository, "full_name"), AlertLimits.Repo);
        var defaultBranch = v.Text("repository.default_branch", Str(repository, "default_branch"), AlertLimits.Branch);
        var completion = eventName switch
        {
            "workflow_run" => WorkflowRun(root, repo, defaultBranch, v),
            "check_suite" => CheckSuite(root, repo, defaultBranch, v),
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
    // workflow_run.{name, head_branch, head_repository.full_name, conclusion, html_url, id, run_number, created_at}.
    private static CiCompletion? WorkflowRun(JsonElement root, string? repo, string? defaultBranch, Validator v)
    {
        if (Str(root, "action") != "completed" || repo is null) return null;
        var run = Child(root, "workflow_run");
        var name = v.Text("workflow_run.name", Str(run, "name"), AlertLimits.Workflow);
        var headBranch = v.Text("workflow_run.head_branch", Str(run, "head_branch"), AlertLimits.Branch);
        // A fork's pull request runs in our repo on the fork's branch, which may well be called main too.
        var headRepo = v.Text("workflow_run.head_repository.full_name", Str(Child(run, "head_repository"), "full_name"), AlertLimits.Repo);
        var url = v.Text("workflow_run.html_url", Str(run, "html_url"), AlertLimits.Url);
        var conclusion = Str(run, "conclusion");
        if (name is null || headBranch is null || conclusion is null) return null;
        var branch = QualifiedBranch(v, "workflow_run.head_branch", repo, headRepo, headBranch);
        return new CiCompletion("workflow_run", repo, defaultBranch, headRepo, name, branch, conclusion, url, Long(run, "id"),
            new RunOrder(Time(run, "created_at"), Long(run, "run_number")));
    }

    /// <summary>The GitHub App slug of GitHub Actions, whose check suites are left to <c>workflow_run</c>.</summary>
    public const string GitHubActionsAppSlug = "github-actions";

    // https://docs.github.com/webhooks/webhook-events-and-payloads#check_suite: action "completed" carries
    // check_suite.{head_branch, conclusion, app.name, id, created_at}; a suite has no page of its own, so the url is the
    // repo's. A suite has no head repository field: the Checks API sees only pushes to the repo itself, and a suite whose
    // head is in a fork comes with head_branch null — so it is skipped below, never taken for one of our branches.
    private static CiCompletion? CheckSuite(JsonElement root, string? repo, string? defaultBranch, Validator v)
    {
        if (Str(root, "action") != "completed" || repo is null) return null;
        var suite = Child(root, "check_suite");
        var branch = v.Text("check_suite.head_branch", Str(suite, "head_branch"), AlertLimits.Branch);
        var conclusion = Str(suite, "conclusion");
        if (branch is null || conclusion is null) return null;
        // GitHub Actions sends a check suite per workflow run, all named "GitHub Actions": one workflow's green suite
        // would close another's red one. Its workflow_run events name the workflow, so those carry Actions (0008).
        if (Str(Child(suite, "app"), "slug") == GitHubActionsAppSlug) return null;
        var app = v.Text("check_suite.app.name", Str(Child(suite, "app"), "name"), AlertLimits.Workflow) ?? "checks";
        var url = v.Text("repository.html_url", Str(Child(root, "repository"), "html_url"), AlertLimits.Url);
        return new CiCompletion("check_suite", repo, defaultBranch, null, app, branch, conclusion, url, Long(suite, "id"),
            new RunOrder(Time(suite, "created_at"), Long(suite, "id")));
    }

    private static string QualifiedBranch(Validator v, string field, string repo, string? headRepo, string headBranch)
    {
        var branch = AlertRules.AlertBranch(repo, headRepo, headBranch);
        if (branch.Length > AlertLimits.Branch && headBranch.Length <= AlertLimits.Branch)
            v.Add(field, $"with the fork's owner in front ('{branch[..(branch.IndexOf(':', StringComparison.Ordinal) + 1)]}') must be at most {AlertLimits.Branch} characters (got {branch.Length}).");
        return branch;
    }

    private static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child) ? child : default;

    private static string? Str(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        Str(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static long? Long(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var n) ? n : null;
}

public enum AlertSignalKindOrNone { None, Failure, Success }
