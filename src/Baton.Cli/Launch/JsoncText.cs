using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baton.Cli.Launch;

/// <summary>
/// Minimal edits of a JSON-with-comments file (Gemini's <c>settings.json</c>, Claude's <c>settings.local.json</c>): a
/// member is set, added or removed, an array item added or removed, and every other byte — comments, layout, order,
/// unescaped non-ASCII text — stays as the user wrote it. Rewriting the file through a JSON tree would drop the comments
/// and escape <c>Räsonieren</c> as <c>R\u00E4sonieren</c>. The text is checked as JSON first (comments and trailing
/// commas allowed), so the span reader here only ever sees a valid document.
/// </summary>
public sealed class JsoncText
{
    private static readonly JsonSerializerOptions Written = new()
    {
        WriteIndented = true,
        // Values Baton writes are read by people too: keep `$`, quotes and non-ASCII as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private JsoncText(string text, JsonObject value, Span root)
    {
        Text = text;
        Value = value;
        Root = root;
    }

    public string Text { get; }

    /// <summary>The document's value, to decide what to edit.</summary>
    public JsonObject Value { get; }

    private Span Root { get; }

    /// <summary>Reads <paramref name="text"/> (empty or whitespace: an empty object).</summary>
    /// <exception cref="JsonException">Not JSON (with comments and trailing commas allowed).</exception>
    /// <exception cref="InvalidDataException">JSON, but not an object.</exception>
    public static JsoncText Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) text = "{}\n";
        var value = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                    as JsonObject ?? throw new InvalidDataException("not a JSON object");
        var reader = new SpanReader(text);
        return new JsoncText(text, value, reader.ReadValue());
    }

    /// <summary>Sets <paramref name="path"/> (object names from the root, the last one the member) to <paramref name="value"/>, adding the objects on the way.</summary>
    public JsoncText Set(IReadOnlyList<string> path, JsonNode value)
    {
        var (parent, depth) = Deepest(path);
        if (depth == path.Count - 1 && parent.Member(path[^1]) is { } existing)
            return With(existing.Value.Start, existing.Value.End, Serialize(value, IndentOf(existing.NameStart)));

        // Wrap the value in the objects that do not exist yet, innermost first.
        JsonNode wrapped = value.DeepClone();
        for (var i = path.Count - 1; i > depth; i--) wrapped = new JsonObject { [path[i]] = wrapped };
        return Insert(parent, path[depth], wrapped);
    }

    /// <summary>Removes the member at <paramref name="path"/>; the same text when it is absent.</summary>
    public JsoncText Remove(IReadOnlyList<string> path)
    {
        var (parent, depth) = Deepest(path);
        if (depth != path.Count - 1 || parent.Member(path[^1]) is not { } member) return this;
        var index = parent.Members.IndexOf(member);
        return Cut(parent.Members.Select(m => (m.NameStart, m.Value.End)).ToList(), index, parent);
    }

    /// <summary>Removes the <paramref name="index"/>th item of the array at <paramref name="path"/>.</summary>
    public JsoncText RemoveItem(IReadOnlyList<string> path, int index)
    {
        var array = At(path) ?? throw new InvalidOperationException("no array at " + string.Join('.', path));
        return Cut(array.Items.Select(i => (i.Start, i.End)).ToList(), index, array);
    }

    /// <summary>Appends <paramref name="value"/> to the array at <paramref name="path"/>, on the line of the last item.</summary>
    public JsoncText Append(IReadOnlyList<string> path, JsonNode value)
    {
        var array = At(path) ?? throw new InvalidOperationException("no array at " + string.Join('.', path));
        var item = Serialize(value, "");
        if (array.Items.Count == 0) return With(array.Start + 1, array.End - 1, item);
        var last = array.Items[^1];
        return With(last.End, last.End, ", " + item);
    }

    /// <summary>
    /// Appends <paramref name="value"/> to the array at <paramref name="path"/> on a line of its own, indented like the
    /// last item (for lists of objects, where <see cref="Append"/>'s same-line form would be hard to read).
    /// </summary>
    public JsoncText AppendLine(IReadOnlyList<string> path, JsonNode value)
    {
        var array = At(path) ?? throw new InvalidOperationException("no array at " + string.Join('.', path));
        if (array.Items.Count == 0)
        {
            var outer = IndentOf(array.Start);
            var inner = outer + "  ";
            return With(array.Start + 1, array.End - 1, "\n" + inner + Serialize(value, inner) + "\n" + outer);
        }
        var last = array.Items[^1];
        var indent = IndentOf(last.Start);
        return With(last.End, last.End, ",\n" + indent + Serialize(value, indent));
    }

    private (Span Parent, int Depth) Deepest(IReadOnlyList<string> path)
    {
        var current = Root;
        for (var depth = 0; depth < path.Count - 1; depth++)
        {
            if (current.Member(path[depth]) is not { } member) return (current, depth);
            if (member.Value.Kind != '{') throw new InvalidOperationException($"'{path[depth]}' is not an object");
            current = member.Value;
        }
        return (current, path.Count - 1);
    }

    private Span? At(IReadOnlyList<string> path)
    {
        var current = Root;
        foreach (var name in path)
        {
            if (current.Member(name) is not { } member) return null;
            current = member.Value;
        }
        return current;
    }

    /// <summary>Adds <c>"name": value</c> as the last member of <paramref name="target"/>, after any comment ending the last member's line.</summary>
    private JsoncText Insert(Span target, string name, JsonNode value)
    {
        if (target.Members.Count == 0)
        {
            var outer = IndentOf(target.Start);
            var inner = outer + "  ";
            var member = $"{inner}{Serialize(JsonValue.Create(name), "")}: {Serialize(value, inner)}";
            var interior = Text[(target.Start + 1)..(target.End - 1)];
            return string.IsNullOrWhiteSpace(interior)
                ? With(target.Start + 1, target.End - 1, "\n" + member + "\n" + outer)
                : With(target.Start + 1, target.Start + 1, "\n" + member);
        }

        var last = target.Members[^1];
        var indent = IndentOf(last.NameStart);
        var text = $"\n{indent}{Serialize(JsonValue.Create(name), "")}: {Serialize(value, indent)}";
        var valueEnd = last.Value.End;
        var afterValue = SkipBlanks(valueEnd);
        var trailingComma = afterValue < Text.Length && Text[afterValue] == ',';
        var restOfLine = trailingComma ? afterValue + 1 : valueEnd;
        // A comment ending the last member's line stays with that member.
        var at = SkipBlanks(restOfLine);
        at = Text.AsSpan(at).StartsWith("//") ? (Text.IndexOf('\n', at) is var newline and >= 0 ? newline : Text.Length) : restOfLine;
        return trailingComma
            ? With(at, at, text + ",")
            : Parse(Text[..valueEnd] + "," + Text[valueEnd..at] + text + Text[at..]);
    }

    /// <summary>Removes element <paramref name="index"/> of <paramref name="elements"/> with the comma that joins it to its neighbour.</summary>
    private JsoncText Cut(IReadOnlyList<(int Start, int End)> elements, int index, Span container)
    {
        if (elements.Count == 1) return With(container.Start + 1, container.End - 1, "");
        return index < elements.Count - 1
            ? With(elements[index].Start, elements[index + 1].Start, "")
            : With(elements[index - 1].End, elements[index].End, "");
    }

    private int SkipBlanks(int at)
    {
        while (at < Text.Length && Text[at] is ' ' or '\t') at++;
        return at;
    }

    /// <summary>The whitespace that starts the line holding <paramref name="at"/>.</summary>
    private string IndentOf(int at)
    {
        var lineStart = Text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        var end = lineStart;
        while (end < Text.Length && Text[end] is ' ' or '\t') end++;
        return Text[lineStart..end];
    }

    private JsoncText With(int start, int end, string replacement) => Parse(Text[..start] + replacement + Text[end..]);

    /// <summary>The value as indented JSON, every line after the first indented by <paramref name="indent"/>.</summary>
    private static string Serialize(JsonNode? value, string indent) =>
        (value?.ToJsonString(Written) ?? "null").ReplaceLineEndings("\n").Replace("\n", "\n" + indent, StringComparison.Ordinal);

    /// <summary>An object, array or scalar in the text: where it starts and ends, and its members or items.</summary>
    private sealed class Span(char kind, int start)
    {
        public char Kind { get; } = kind;
        public int Start { get; } = start;
        public int End { get; set; }
        public List<(string Name, int NameStart, Span Value)> Members { get; } = [];
        public List<Span> Items { get; } = [];

        public (string Name, int NameStart, Span Value)? Member(string name)
        {
            // The last one wins, as in JSON.parse.
            for (var i = Members.Count - 1; i >= 0; i--)
                if (Members[i].Name == name) return Members[i];
            return null;
        }
    }

    /// <summary>Reads spans from text already known to be valid JSONC.</summary>
    private sealed class SpanReader(string text)
    {
        private int _at;

        public Span ReadValue()
        {
            Skip();
            var start = _at;
            switch (text[_at])
            {
                case '{':
                {
                    var span = new Span('{', start);
                    _at++;
                    while (true)
                    {
                        Skip();
                        if (text[_at] == '}') break;
                        var nameStart = _at;
                        var name = JsonSerializer.Deserialize<string>(text[nameStart..ReadString()])!;
                        Skip();
                        _at++; // ':'
                        span.Members.Add((name, nameStart, ReadValue()));
                        Skip();
                        if (text[_at] == ',') _at++;
                    }
                    _at++;
                    span.End = _at;
                    return span;
                }
                case '[':
                {
                    var span = new Span('[', start);
                    _at++;
                    while (true)
                    {
                        Skip();
                        if (text[_at] == ']') break;
                        span.Items.Add(ReadValue());
                        Skip();
                        if (text[_at] == ',') _at++;
                    }
                    _at++;
                    span.End = _at;
                    return span;
                }
                case '"':
                    return new Span('"', start) { End = ReadString() };
                default:
                    while (_at < text.Length && text[_at] is not (',' or '}' or ']' or ' ' or '\t' or '\r' or '\n' or '/')) _at++;
                    return new Span('0', start) { End = _at };
            }
        }

        /// <summary>Reads the string starting at the cursor; returns the index after its closing quote.</summary>
        private int ReadString()
        {
            _at++;
            while (text[_at] != '"') _at += text[_at] == '\\' ? 2 : 1;
            return ++_at;
        }

        private void Skip()
        {
            while (_at < text.Length)
            {
                if (char.IsWhiteSpace(text[_at])) _at++;
                else if (text.AsSpan(_at).StartsWith("//")) _at = text.IndexOf('\n', _at) is var n and >= 0 ? n + 1 : text.Length;
                else if (text.AsSpan(_at).StartsWith("/*")) _at = text.IndexOf("*/", _at + 2, StringComparison.Ordinal) + 2;
                else return;
            }
        }
    }
}
