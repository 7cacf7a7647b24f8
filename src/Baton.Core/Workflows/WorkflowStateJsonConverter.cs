using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.Core.Workflows;

/// <summary>
/// A workflow state on the wire as <see cref="WorkflowMachine.Name(WorkflowState)"/> writes it (<c>IN_PROGRESS</c>): the
/// names the diagram, the labels, the events and the issue comments use, so a client never sees two spellings of one
/// state. Registered in <c>BatonJson</c> ahead of the snake_case enum converter, which would write <c>in_progress</c>.
/// Reading also takes the snake_case spelling, case-insensitively, so a hand-written request is not refused for it.
/// </summary>
public sealed class WorkflowStateJsonConverter : JsonConverter<WorkflowState>
{
    public override WorkflowState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("A workflow state must be a string such as \"IN_PROGRESS\".");
        return ParseOrNull(reader.GetString()) ?? throw new JsonException($"A workflow state must be one of: {string.Join(", ", Names)}.");
    }

    public override void Write(Utf8JsonWriter writer, WorkflowState value, JsonSerializerOptions options) =>
        writer.WriteStringValue(WorkflowMachine.Name(value));

    /// <summary>Every state's wire name, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<WorkflowState>().Select(WorkflowMachine.Name).ToList();

    /// <summary>The state named <c>IN_PROGRESS</c> or <c>in_progress</c> (any case), or null.</summary>
    public static WorkflowState? ParseOrNull(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var trimmed = text.Trim().Replace('-', '_');
        foreach (var state in Enum.GetValues<WorkflowState>())
        {
            if (string.Equals(WorkflowMachine.Name(state), trimmed, StringComparison.OrdinalIgnoreCase)) return state;
        }
        return null;
    }
}
