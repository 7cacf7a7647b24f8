using System.Globalization;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Sessions;

namespace Baton.Server.Api;

/// <summary>
/// Parses query parameters by hand, so a bad value is a 400 that names the parameter and says what is allowed
/// (framework binding would answer with a message about .NET types).
/// </summary>
internal static class QueryValues
{
    public static int? LimitOrNull(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > PageRequest.MaxLimit)
            throw BatonException.Validation("limit", $"must be a whole number from 1 to {PageRequest.MaxLimit} (default {PageRequest.DefaultLimit}).");
        return limit;
    }

    public static int? WholeNumberOrNull(string name, string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw BatonException.Validation(name, "must be a positive whole number.");
        return value;
    }

    /// <summary><c>true</c> or <c>false</c> (lowercase, as JSON writes them); anything else names the parameter.</summary>
    public static bool? BooleanOrNull(string name, string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        return text switch
        {
            "true" => true,
            "false" => false,
            _ => throw BatonException.Validation(name, "must be true or false."),
        };
    }

    public static SessionStatus? SessionStatusOrNull(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        foreach (var status in Enum.GetValues<SessionStatus>())
        {
            if (string.Equals(JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString()), text, StringComparison.Ordinal)) return status;
        }
        throw BatonException.Validation("status", "must be one of: active, ended, abandoned.");
    }
}
