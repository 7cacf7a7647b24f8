using System.Text.RegularExpressions;

namespace Baton.Core.Common;

/// <summary>
/// Collects every problem with a request, field by field (snake_case names, as on the wire), then throws one
/// <see cref="BatonException"/> with code <c>validation_failed</c> listing them all.
/// </summary>
public sealed partial class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private readonly List<string> _fields = [];

    public bool HasErrors => _errors.Count > 0;

    /// <summary>
    /// Every problem so far, field → messages, in the order the fields were first named: for a reader of a file
    /// (<c>worker.json</c>) that reports each problem at its line instead of throwing.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Problems =>
        _fields.Select(f => new KeyValuePair<string, IReadOnlyList<string>>(f, _errors[f])).ToList();

    public Validator Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
            _fields.Add(field);
        }
        list.Add(message);
        return this;
    }

    /// <summary>
    /// A required text of at most <paramref name="maxLength"/> characters with no control characters;
    /// <paramref name="multiline"/> allows line breaks and tabs (note and doc content, markdown).
    /// </summary>
    public string Required(string field, string? value, int maxLength = 200, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required.");
            return "";
        }
        return Text(field, value, maxLength, multiline)!;
    }

    /// <summary>An optional text; null stays null. Names, codes and titles are single-line unless <paramref name="multiline"/>.</summary>
    public string? Text(string field, string? value, int maxLength = 200, bool multiline = false)
    {
        if (value is null) return null;
        var trimmed = value.Trim();
        if (trimmed.Length > maxLength) Add(field, $"must be at most {maxLength} characters (got {trimmed.Length}).");
        if (trimmed.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
            Add(field, multiline ? "must not contain control characters other than line breaks and tabs." : "must be one line without control characters.");
        return trimmed;
    }

    public T Required<T>(string field, T? value) where T : struct
    {
        if (value is null) Add(field, "is required.");
        return value ?? default;
    }

    public int? Positive(string field, int? value)
    {
        if (value is <= 0) Add(field, $"must be a positive number (got {value}).");
        return value;
    }

    public int Range(string field, int? value, int min, int max, int fallback)
    {
        if (value is null) return fallback;
        if (value < min || value > max) Add(field, $"must be between {min} and {max} (got {value}).");
        return value.Value;
    }

    /// <summary>
    /// The entries of an optional list, never assuming one is there: a JSON <c>null</c> inside the array
    /// (<c>"tags":[null]</c>) is a problem naming its index (<c>tags[0]</c>) instead of a crash further on. Null or
    /// empty list → empty. The caller applies its own rules to the entries returned (all non-null).
    /// </summary>
    public IReadOnlyList<string> Entries(string field, IReadOnlyList<string?>? values)
    {
        if (values is null || values.Count == 0) return [];
        var entries = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } value) entries.Add(value);
            else Add($"{field}[{i}]", "must be a string, not null.");
        }
        return entries;
    }

    /// <summary>Venture codes: 2–12 lowercase letters or digits.</summary>
    public string VentureCode(string field, string? value)
    {
        var code = Required(field, value, 12);
        if (code.Length > 0 && !VentureCodePattern().IsMatch(code))
            Add(field, $"must be 2–12 lowercase letters or digits (got '{code}').");
        return code;
    }

    /// <summary>
    /// Refuses the bidirectional override and isolate characters (<see cref="DisplayText.IsBidiControl"/>) in a field
    /// that has no use for them — names, titles, summaries — so text cannot read differently from how it is stored.
    /// Control characters are <see cref="Text"/>'s check; this one adds what <see cref="char.IsControl(char)"/> misses.
    /// </summary>
    public string? NoBidiControls(string field, string? value)
    {
        if (value is not null && value.Any(DisplayText.IsBidiControl))
            Add(field, "must not contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069).");
        return value;
    }

    public void ThrowIfAny()
    {
        if (HasErrors) throw BatonException.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    [GeneratedRegex("^[a-z0-9]{2,12}$")]
    public static partial Regex VentureCodePattern();
}
