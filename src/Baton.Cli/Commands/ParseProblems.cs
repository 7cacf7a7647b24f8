using System.CommandLine;
using System.CommandLine.Parsing;

namespace Baton.Cli.Commands;

/// <summary>
/// What a command line that does not parse is told: one line per mistake, with the closest verb or flag when there is
/// one (<c>--agnet</c> → <c>--agent</c>). System.CommandLine reports an unknown flag's value as a second unknown token
/// and an unknown verb also as "Required command was not provided"; both are the same mistake, said once here.
/// </summary>
public static class ParseProblems
{
    public static IReadOnlyList<string> Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse.CommandResult);
        var messages = new List<string>();
        var unknownWord = false;
        string? previous = null;
        foreach (var token in parse.UnmatchedTokens)
        {
            var isFlag = token.StartsWith('-') && token.Length > 1;
            if (!isFlag && previous is not null && previous.StartsWith('-'))
            {
                previous = token; // the value of the unknown flag before it
                continue;
            }
            previous = token;
            if (isFlag)
            {
                var name = token.Split('=', 2)[0];
                messages.Add($"Unknown option '{name}' for `{path}`.{DidYouMean(name, OptionNames(parse.CommandResult))}");
            }
            else if (command.Subcommands.Any(c => !c.Hidden))
            {
                unknownWord = true;
                var what = parse.CommandResult.Parent is null ? $"verb '{token}'" : $"subcommand '{token}' of `{path}`";
                messages.Add($"Unknown {what}.{DidYouMean(token, command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name)))}");
            }
            else
            {
                messages.Add($"Unexpected argument '{token}' for `{path}`.");
            }
        }

        var unmatched = parse.UnmatchedTokens.Select(t => $"Unrecognized command or argument '{t}'.").ToHashSet(StringComparer.Ordinal);
        foreach (var error in parse.Errors)
        {
            if (unmatched.Contains(error.Message)) continue;
            if (unknownWord && error.Message == "Required command was not provided.") continue;
            if (!messages.Contains(error.Message)) messages.Add(error.Message);
        }
        return messages;
    }

    /// <summary>Where to look next: this verb's help when the line got as far as a verb, else the whole list.</summary>
    public static string HelpHint(ParseResult parse) =>
        parse.CommandResult.Parent is null
            ? "Run `baton --help` for the verbs (and `baton <verb> --help` for each one's options)."
            : $"Run `{CommandPath(parse.CommandResult)} --help` for usage.";

    /// <summary>
    /// The candidates closest to <paramref name="token"/>: an edit distance (with swapped neighbours as one edit) of at
    /// most a third of its length, or a candidate it is the start of; the nearest first, at most three.
    /// </summary>
    public static IReadOnlyList<string> Closest(string token, IEnumerable<string> candidates)
    {
        var bare = token.TrimStart('-');
        var limit = Math.Max(1, bare.Length / 3);
        return candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(token, c)))
            .Where(c => c.Distance <= limit || (bare.Length >= 3 && c.Name.TrimStart('-').StartsWith(bare, StringComparison.Ordinal)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(3).Select(c => c.Name).ToList();
    }

    private static string DidYouMean(string token, IEnumerable<string> candidates) => Closest(token, candidates) switch
    {
        [] => "",
        [var one] => $" Did you mean {one}?",
        var several => $" Did you mean one of {string.Join(", ", several)}?",
    };

    /// <summary>The command's own options and the recursive ones of the commands above it, by every name they answer to.</summary>
    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        for (SymbolResult? at = result; at is CommandResult current; at = current.Parent)
        {
            foreach (var option in current.Command.Options.Where(o => !o.Hidden && (ReferenceEquals(current, result) || o.Recursive)))
            {
                yield return option.Name;
                foreach (var alias in option.Aliases) yield return alias;
            }
        }
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? at = result; at is CommandResult current && current.Parent is not null; at = current.Parent) names.Add(current.Command.Name);
        names.Add("baton");
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
