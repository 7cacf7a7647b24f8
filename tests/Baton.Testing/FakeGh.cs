using System.Text.Json;

namespace Baton.Testing;

/// <summary>
/// A fake <c>gh</c>: a shell script that records every call's arguments (one line each, tab-separated) and answers
/// from canned files beside it. Tests put it first on PATH (process tests) or name it as the gh command (in memory).
/// </summary>
public sealed class FakeGh
{
    public FakeGh(string directory)
    {
        Bin = new FakeBin(directory);
        Path = Bin.Write("gh", $$"""
            #!/bin/sh
            dir='{{directory}}'
            for a in "$@"; do printf '%s\t' "$a" >> "$dir/calls.log"; done
            printf '\n' >> "$dir/calls.log"
            case "$1" in
              auth)
                if [ -f "$dir/unauthenticated" ]; then echo "You are not logged into any GitHub hosts. To log in, run: gh auth login" >&2; exit 1; fi
                echo "Logged in to github.com account test"; exit 0 ;;
              issue)
                if [ -f "$dir/unauthenticated" ]; then echo "To get started with GitHub CLI, please run:  gh auth login" >&2; exit 4; fi
                case "$2" in
                  list) cat "$dir/issues.json" ;;
                  create) echo "https://github.com/$4/issues/101" ;;
                esac ;;
              api) cat "$dir/total.txt" ;;
              pr)
                if [ -f "$dir/unauthenticated" ]; then echo "To get started with GitHub CLI, please run:  gh auth login" >&2; exit 4; fi
                case "$2" in
                  create)
                    # As real gh answers when the head branch already has an open PR: exit 1, the PR's URL on stderr.
                    if [ -f "$dir/open-pr.txt" ]; then printf 'a pull request for branch "%s" into branch "%s" already exists:\n' "$4" "$6" >&2; cat "$dir/open-pr.txt" >&2; exit 1; fi
                    echo "Creating pull request for baton/x into main in example-org/alpha-console" >&2; echo "https://github.com/example-org/alpha-console/pull/7" ;;
                esac ;;
            esac
            """);
        Issues = "[]";
        Total = "0";
    }

    /// <summary>The directory holding the script and its canned answers; put <see cref="FakeBin.SearchPath"/> on PATH.</summary>
    public FakeBin Bin { get; }

    public string Directory => Bin.Directory;

    public string Path { get; }

    public string Issues { set => File.WriteAllText(System.IO.Path.Combine(Directory, "issues.json"), value); }

    public string Total { set => File.WriteAllText(System.IO.Path.Combine(Directory, "total.txt"), value); }

    /// <summary>The URL of a PR already open for whatever branch <c>pr create</c> is asked for (null: none, a new one is created).</summary>
    public string? OpenPullRequest
    {
        set
        {
            var marker = System.IO.Path.Combine(Directory, "open-pr.txt");
            if (value is null) File.Delete(marker);
            else File.WriteAllText(marker, value + "\n");
        }
    }

    public bool Authenticated
    {
        set
        {
            var marker = System.IO.Path.Combine(Directory, "unauthenticated");
            if (value) File.Delete(marker);
            else File.WriteAllText(marker, "");
        }
    }

    /// <summary>Every call so far, as argument lists.</summary>
    public IReadOnlyList<string[]> Calls
    {
        get
        {
            var log = System.IO.Path.Combine(Directory, "calls.log");
            return File.Exists(log)
                ? File.ReadAllLines(log).Where(l => l.Length > 0).Select(l => l.TrimEnd('\t').Split('\t')).ToList()
                : [];
        }
    }

    /// <summary>A JSON issue as gh prints it.</summary>
    public static string Issue(int number, string title, params string[] labels) =>
        JsonSerializer.Serialize(new
        {
            number,
            title,
            labels = labels.Select(l => new { name = l }).ToArray(),
            url = $"https://github.com/example-org/alpha-console/issues/{number}",
        });
}
