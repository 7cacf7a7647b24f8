using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Core.Handoffs;

/// <summary>
/// Turns the structured fields of a handoff into its stored form: validated, canonical payload (RFC 8785), SHA-256 and
/// size, refused over the size limit. EOD and <c>POST /v1/handoffs</c> both come through here.
/// </summary>
internal static class HandoffFactory
{
    private const int MaxListItems = 200;
    private const int MaxItemChars = 4_000;

    /// <summary>Validates the shared fields into <paramref name="v"/>; call <see cref="Validator.ThrowIfAny"/> after.</summary>
    public static (string Summary, HandoffStatus Status) Validate(IHandoffFields fields, Validator v)
    {
        var summary = v.Required("summary", fields.Summary, 2_000, multiline: true);
        v.NoBidiControls("summary", summary);
        var status = v.Required("status", fields.Status);
        v.NoBidiControls("to_agent", v.Text("to_agent", fields.ToAgent));
        v.Positive("issue_number", fields.IssueNumber);
        CheckList(v, "accomplished", fields.Accomplished);
        CheckList(v, "in_progress", fields.InProgress);
        CheckList(v, "blocked", fields.Blocked);
        CheckList(v, "next_steps", fields.NextSteps);
        CheckList(v, "success_criteria", fields.SuccessCriteria);
        return (summary, status);
    }

    public static Handoff Create(
        BatonCore core,
        Caller caller,
        IHandoffFields fields,
        string summary,
        HandoffStatus status,
        string? sessionId,
        string venture,
        string repo,
        string track,
        string fromAgent,
        string? sourceVenture)
    {
        var document = new JsonObject
        {
            ["summary"] = summary,
            ["status"] = status switch { HandoffStatus.Done => "done", HandoffStatus.InProgress => "in_progress", _ => "blocked" },
            ["accomplished"] = ToArray(fields.Accomplished),
            ["in_progress"] = ToArray(fields.InProgress),
            ["blocked"] = ToArray(fields.Blocked),
            ["next_steps"] = ToArray(fields.NextSteps),
            ["success_criteria"] = ToArray(fields.SuccessCriteria),
            ["to_agent"] = fields.ToAgent?.Trim(),
            ["issue_number"] = fields.IssueNumber,
            ["payload"] = fields.Payload?.DeepClone() ?? new JsonObject(),
        };

        string canonical;
        try
        {
            canonical = CanonicalJson.Serialize(document);
        }
        catch (FormatException e)
        {
            throw BatonException.Validation("payload", e.Message);
        }

        var bytes = Encoding.UTF8.GetBytes(canonical);
        if (bytes.Length > core.Options.MaxPayloadBytes)
        {
            throw new BatonException(ErrorCodes.PayloadTooLarge,
                $"The handoff is {bytes.Length:N0} bytes as canonical JSON; the limit is {core.Options.MaxPayloadBytes:N0} bytes. " +
                "Keep the handoff to what the next agent needs and put large material in a doc or note it can fetch.");
        }

        return new Handoff(
            Id: core.Ids.New(IdGenerator.Handoff),
            SessionId: sessionId,
            Venture: venture,
            Repo: repo,
            Track: track,
            IssueNumber: fields.IssueNumber,
            FromAgent: fromAgent,
            ToAgent: fields.ToAgent?.Trim(),
            Status: status,
            Summary: summary,
            Payload: canonical,
            PayloadHash: Convert.ToHexStringLower(SHA256.HashData(bytes)),
            PayloadSizeBytes: bytes.Length,
            SourceVenture: sourceVenture,
            CreatedAt: core.Now(),
            ActorKeyId: caller.ActorKeyId,
            CreationCorrelationId: caller.CorrelationId);
    }

    public static HandoffReceipt Receipt(Handoff h) => new(h.Id, h.Venture, h.PayloadHash, h.PayloadSizeBytes);

    private static JsonArray ToArray(IReadOnlyList<string>? items) =>
        new((items ?? []).Select(i => (JsonNode?)JsonValue.Create(i.Trim())).ToArray());

    private static void CheckList(Validator v, string field, IReadOnlyList<string>? items)
    {
        if (items is null) return;
        if (items.Count > MaxListItems) v.Add(field, $"must have at most {MaxListItems} entries (got {items.Count}).");
        if (items.Any(i => i is null)) v.Add(field, "must not contain null entries.");
        else if (items.Any(i => i.Length > MaxItemChars)) v.Add(field, $"entries must be at most {MaxItemChars} characters.");
        // Entries reach the briefing and terminals: the same characters a summary may not carry are refused here.
        if (items.Any(i => i is not null && DisplayText.HasHidden(i, allowCarriageReturn: true)))
            v.Add(field, "entries must not contain control characters other than line breaks and tabs, nor bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069).");
    }
}
