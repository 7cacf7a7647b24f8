using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Baton.Server.Dashboard;

/// <summary>
/// A fragment of HTML that is safe to send: the dashboard's only way to produce markup. Written with an interpolated
/// string, <c>Html.Of($"&lt;td&gt;{session.Agent}&lt;/td&gt;")</c>, whose literal parts are ours and whose every hole is
/// escaped — unless the hole is itself an <see cref="Html"/> (already safe). So data (summaries, notes, alert titles,
/// agent names) can never become markup or script: there is no way to put a string in raw short of
/// <see cref="Trusted"/>, which takes only compile-time constants by convention and is never given data.
/// Attribute values must be quoted in the literal (<c>title="{x}"</c>): the encoder escapes quotes, so a hole cannot
/// leave its attribute. A URL from data goes through <see cref="Url"/>, which refuses every scheme but http(s).
/// </summary>
public readonly struct Html : IEquatable<Html>
{
    private readonly string? _value;

    private Html(string value) => _value = value;

    public static Html Empty => default;

    /// <summary>The markup as sent.</summary>
    public override string ToString() => _value ?? "";

    public bool IsEmpty => string.IsNullOrEmpty(_value);

    /// <summary>Builds a fragment: literal parts as written, holes escaped (an <see cref="Html"/> hole as it is).</summary>
    public static Html Of(ref HtmlHandler handler) => new(handler.ToStringAndClear());

    /// <summary>Plain text, escaped.</summary>
    public static Html Text(string? text) => new(HtmlEncoder.Default.Encode(text ?? ""));

    /// <summary>Markup written in our own source (a constant): never data.</summary>
    public static Html Trusted(string markup) => new(markup);

    /// <summary>The fragments one after another.</summary>
    public static Html Join(IEnumerable<Html> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts) builder.Append(part._value);
        return new Html(builder.ToString());
    }

    /// <summary>The fragments one after another, <paramref name="separator"/> between them.</summary>
    public static Html Join(Html separator, IEnumerable<Html> parts) =>
        new(string.Join(separator._value ?? "", parts.Select(p => p._value ?? "")));

    /// <summary>
    /// A URL from data, for an <c>href</c>: kept when absolute http(s) or a path on this server (<c>/…</c>, not
    /// <c>//…</c>), otherwise <c>#</c> — a <c>javascript:</c> or <c>data:</c> link in a PR URL or alert link never runs.
    /// The result still goes into a hole, so it is escaped as well.
    /// </summary>
    public static string Url(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return "#";
        if (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)) return url;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : "#";
    }

    public bool Equals(Html other) => string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Html other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    public static bool operator ==(Html left, Html right) => left.Equals(right);

    public static bool operator !=(Html left, Html right) => !left.Equals(right);
}

/// <summary>The interpolated-string handler behind <see cref="Html.Of"/>: escapes every hole that is not <see cref="Html"/>.</summary>
[InterpolatedStringHandler]
public ref struct HtmlHandler
{
    private StringBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + formattedCount * 16);

    public void AppendLiteral(string literal) => _builder.Append(literal);

    public void AppendFormatted(Html value) => _builder.Append(value.ToString());

    public void AppendFormatted(string? value) => _builder.Append(HtmlEncoder.Default.Encode(value ?? ""));

    public void AppendFormatted<T>(T value) => AppendFormatted(value switch
    {
        null => "",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    });

    public void AppendFormatted<T>(T value, string? format) where T : IFormattable =>
        AppendFormatted(value.ToString(format, CultureInfo.InvariantCulture));

    internal string ToStringAndClear()
    {
        var text = _builder.ToString();
        _builder = null!;
        return text;
    }
}
