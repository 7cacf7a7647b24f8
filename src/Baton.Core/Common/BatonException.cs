
namespace Baton.Core.Common;

/// <summary>
/// An expected failure a caller can act on. The server renders it as <c>application/problem+json</c> with
/// <see cref="Code"/> and <see cref="Detail"/>; the HTTP client turns such a response back into this exception, so
/// the CLI prints the same detail in both modes. <see cref="Detail"/> always says what to do next and never carries
/// an exception message, SQL or a secret.
/// </summary>
public sealed class BatonException : Exception
{
    public BatonException(string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(detail)
    {
        Code = code;
        Detail = detail;
        Errors = errors;
    }

    /// <summary>A stable code from <see cref="ErrorCodes"/>.</summary>
    public string Code { get; }

    public string Detail { get; }

    /// <summary>For <see cref="ErrorCodes.ValidationFailed"/>: field name (snake_case) → messages.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    public int Status => ErrorCodes.StatusOf(Code);

    public string Title => ErrorCodes.TitleOf(Code);

    public static BatonException Validation(string field, string message) =>
        new(ErrorCodes.ValidationFailed, $"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] });

    public static BatonException Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(ErrorCodes.ValidationFailed,
            "The request has invalid fields: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            errors);
}
