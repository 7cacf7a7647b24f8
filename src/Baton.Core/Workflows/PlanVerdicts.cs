using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Core.Workflows;

/// <summary>Reads a review-plan task's answer (REVIEW).</summary>
public static class PlanVerdicts
{
    /// <summary>At most this many concerns and suggestions each are kept, of at most <see cref="MaxEntryLength"/> characters.</summary>
    public const int MaxEntries = 50;
    public const int MaxEntryLength = 2_000;

    /// <summary>What a review-plan task is asked to answer (the engine's prompt carries it).</summary>
    public const string Shape = "{\"approved\": true | false, \"concerns\": [\"one concern per entry\"], \"suggestions\": [\"one suggestion per entry\"]}";

    /// <summary>
    /// The verdict in a task's result JSON: <c>{approved, concerns, suggestions}</c> at the top, or a JSON object of that
    /// shape inside its <c>final_message</c> (a fenced block, or the first '{' to the last '}'); null with the problem
    /// named when there is none (then the attempt is failed, never an approval). A verdict may come with a problem
    /// too: entries that are not strings are dropped and named, and lists longer than <see cref="MaxEntries"/> cut.
    /// </summary>
    public static (PlanVerdict? Verdict, string? Problem) Read(string? resultJsonOrText)
    {
        if (string.IsNullOrWhiteSpace(resultJsonOrText)) return (null, "the review gave no answer");
        var root = AnswerJson.ParseObjectOrNull(resultJsonOrText);
        if (root is null)
        {
            // Plain text (an agent's last message as it is): a verdict object inside it.
            root = AnswerJson.FindObjectWith(resultJsonOrText, "approved");
        }
        else if (!root.ContainsKey("approved") && root["final_message"] is JsonValue message && message.TryGetValue<string>(out var text))
        {
            root = AnswerJson.FindObjectWith(text, "approved") ?? root;
        }
        if (root is null) return (null, $"the answer holds no verdict object {Shape}");

        bool approved;
        switch (root["approved"])
        {
            case null when !root.ContainsKey("approved"):
                return (null, $"the answer has no \"approved\" (true or false); expected {Shape}");
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                approved = v.GetValue<bool>();
                break;
            case var other:
                // "true" as a string, 1, null: not a JSON boolean, so not an approval.
                return (null, $"\"approved\" is {DisplayText.Clip(other?.ToJsonString() ?? "null", 60)}, not true or false");
        }

        var problems = new List<string>();
        var concerns = Strings(root, "concerns", problems);
        var suggestions = Strings(root, "suggestions", problems);
        if (concerns is null || suggestions is null) return (null, string.Join("; ", problems));
        return (new PlanVerdict(approved, concerns, suggestions), problems.Count == 0 ? null : string.Join("; ", problems));
    }

    // A missing (or null) list reads as empty; anything but an array of strings is named.
    private static List<string>? Strings(JsonObject root, string name, List<string> problems)
    {
        var entries = new List<string>();
        switch (root[name])
        {
            case null:
                return entries;
            case JsonArray list:
                var dropped = 0;
                foreach (var item in list)
                {
                    if (item is JsonValue s && s.GetValueKind() == JsonValueKind.String)
                    {
                        var entry = s.GetValue<string>().Trim();
                        if (entry.Length > 0) entries.Add(DisplayText.Clip(entry, MaxEntryLength));
                    }
                    else dropped++;
                }
                if (dropped > 0) problems.Add($"{dropped} of \"{name}\" {(dropped == 1 ? "is" : "are")} not a string (left out)");
                if (entries.Count > MaxEntries)
                {
                    problems.Add($"kept the first {MaxEntries} of {entries.Count} {name}");
                    entries = entries.Take(MaxEntries).ToList();
                }
                return entries;
            default:
                problems.Add($"\"{name}\" is not an array of strings");
                return null;
        }
    }


}
