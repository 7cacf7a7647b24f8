using System.Text;

namespace Baton.Cli.Output;

/// <summary>A plain aligned table for people: a header row, then rows, columns padded to their widest cell.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params string?[] cells)
    {
        _rows.Add(cells.Select(c => Clean(c ?? "-")).ToArray());
        return this;
    }

    public void WriteTo(TextWriter output)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        WriteRow(output, headers, widths);
        foreach (var row in _rows) WriteRow(output, row, widths);
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : "";
            line.Append(i == widths.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
        }
        output.WriteLine(line.ToString().TrimEnd());
    }

    // One row per record: line breaks in a summary would break the alignment.
    private static string Clean(string cell) => cell.ReplaceLineEndings(" ");
}
