using System.Text;
using Baton.Core.Workflows;

namespace Baton.Testing;

/// <summary>An issue the fake's <c>gh issue create</c> made.</summary>
public sealed record FakeCreatedIssue(string Repo, int Number, string Title, string Body, IReadOnlyList<string> Labels, string Url);

/// <summary>A pull request the fake holds (made by <c>gh pr create</c> or <see cref="FakeGitHub.AddPullRequest"/>).</summary>
public sealed record FakePullRequest(string Repo, int Number, string Branch, string Base, string Title, string State, string Url);

/// <summary>
/// A stateful fake <c>gh</c> for the workflow engine and sprints: a POSIX sh script (the CI machine has no python or
/// jq) whose state is files under its directory, written and read here. It serves issues (<c>issue view</c>,
/// <c>issue list --label</c>) in gh's <c>--json</c> shape, appends comments, edits labels (an unknown label fails as
/// real gh does, unless <c>label create</c> made it), creates issues (numbered from 1000), closes them, and opens,
/// shows and merges pull requests. Every call is recorded (<see cref="Calls"/>). Separate from <see cref="FakeGh"/>,
/// whose canned answers other tests rely on.
/// </summary>
/// <remarks>
/// Layout: <c>repos/&lt;org&gt;/&lt;name&gt;/issues/&lt;n&gt;/{title,body,state,labels,comments/&lt;k&gt;}</c>,
/// <c>repos/…/labels/&lt;hex of the name&gt;</c> (name, color, description: a label exists in the repo when its file
/// does), <c>repos/…/pulls/&lt;n&gt;/{branch,base,title,body,state}</c>, <c>created.log</c> (issues made by
/// <c>issue create</c>), <c>merged.log</c>, <c>fail/&lt;group&gt;-&lt;verb&gt;</c> (calls left to fail).
/// </remarks>
public sealed class FakeGitHub
{
    /// <summary>Where <c>gh pr create</c> without <c>--repo</c> opens its PR (real gh reads the checkout's remote).</summary>
    public const string DefaultRepository = "example-org/alpha-console";

    /// <summary>What a failing call prints when <see cref="FailNext"/> names no message: a transient server error.</summary>
    public const string DefaultFailure = "HTTP 502: Bad Gateway (https://api.github.com/graphql)";

    public FakeGitHub(string directory)
    {
        Bin = new FakeBin(directory);
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(directory, "repos"));
        DefaultRepo = DefaultRepository;
        Path = Bin.Write("gh", Script.Replace("@DIR@", directory.Replace("'", "'\\''")));
    }

    /// <summary>The directory holding the script and its state; put <see cref="FakeBin.SearchPath"/> on PATH.</summary>
    public FakeBin Bin { get; }

    public string Directory => Bin.Directory;

    /// <summary>The script's path, to name as the gh command.</summary>
    public string Path { get; }

    /// <summary>The repo <c>gh pr create</c> without <c>--repo</c> answers for.</summary>
    public string DefaultRepo
    {
        get => File.ReadAllText(In("default-repo")).Trim();
        set => File.WriteAllText(In("default-repo"), value);
    }

    public bool Authenticated
    {
        set
        {
            if (value) File.Delete(In("unauthenticated"));
            else File.WriteAllText(In("unauthenticated"), "");
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> calls of <paramref name="subcommand"/> (<c>"issue comment"</c>,
    /// <c>"pr merge"</c>…) fail with exit 1 and <paramref name="message"/> on stderr; later ones run normally.
    /// </summary>
    public void FailNext(string subcommand, int count, string message = DefaultFailure)
    {
        var key = subcommand.Trim().Replace(' ', '-');
        System.IO.Directory.CreateDirectory(In("fail"));
        File.WriteAllText(In("fail", key), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(In("fail", key + ".msg"), message);
    }

    /// <summary>Makes the label exist in the repo (as if created on GitHub).</summary>
    public void AddLabel(string repo, string label, string color = "ededed", string description = "")
    {
        var labels = In("repos", repo, "labels");
        System.IO.Directory.CreateDirectory(labels);
        File.WriteAllText(System.IO.Path.Combine(labels, Hex(label)), $"{label}\n{color}\n{description}\n");
    }

    /// <summary>An open issue, exactly as <c>gh issue view --json number,title,body,state,labels,url</c> will print it; its labels exist in the repo.</summary>
    public void AddIssue(string repo, int number, string title, string body, params string[] labels)
    {
        foreach (var label in labels)
        {
            if (!RepoLabels(repo).Contains(label)) AddLabel(repo, label);
        }
        var issue = IssueDirectory(repo, number);
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(issue, "comments"));
        File.WriteAllText(System.IO.Path.Combine(issue, "title"), title);
        File.WriteAllText(System.IO.Path.Combine(issue, "body"), body);
        File.WriteAllText(System.IO.Path.Combine(issue, "state"), "OPEN");
        File.WriteAllText(System.IO.Path.Combine(issue, "labels"), string.Concat(labels.Select(l => l + "\n")));
    }

    /// <summary>The labels of the repo (what <c>gh label create</c> and <see cref="AddLabel"/> made, and those of added issues).</summary>
    public IReadOnlyList<string> RepoLabels(string repo)
    {
        var labels = In("repos", repo, "labels");
        return System.IO.Directory.Exists(labels)
            ? System.IO.Directory.GetFiles(labels).Select(f => File.ReadAllLines(f)[0]).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Labels made by <c>gh label create</c>, in order, with the color and description it was given.</summary>
    public IReadOnlyList<(string Repo, string Label, string Color, string Description)> CreatedLabels =>
        ReadLog("labels-created.log").Select(f => (f[0], f[1], f[2], f[3])).ToList();

    /// <summary>The issue's labels now, in the order they were added.</summary>
    public IReadOnlyList<string> Labels(string repo, int number) =>
        ReadLines(System.IO.Path.Combine(IssueDirectory(repo, number), "labels"));

    /// <summary>The issue's comments, oldest first (a closing comment included), each exactly as gh received it.</summary>
    public IReadOnlyList<string> Comments(string repo, int number)
    {
        var comments = System.IO.Path.Combine(IssueDirectory(repo, number), "comments");
        return System.IO.Directory.Exists(comments)
            ? System.IO.Directory.GetFiles(comments).OrderBy(f => int.Parse(System.IO.Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture)).Select(File.ReadAllText).ToList()
            : [];
    }

    public bool IsClosed(string repo, int number) =>
        File.ReadAllText(System.IO.Path.Combine(IssueDirectory(repo, number), "state")).Trim() == "CLOSED";

    /// <summary>Issues made by <c>gh issue create</c>, in order.</summary>
    public IReadOnlyList<FakeCreatedIssue> CreatedIssues =>
        ReadLog("created.log").Select(f =>
        {
            var (repo, number) = (f[0], int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture));
            var issue = IssueDirectory(repo, number);
            return new FakeCreatedIssue(repo, number, File.ReadAllText(System.IO.Path.Combine(issue, "title")),
                File.ReadAllText(System.IO.Path.Combine(issue, "body")), Labels(repo, number), $"https://github.com/{repo}/issues/{number}");
        }).ToList();

    /// <summary>A pull request that exists already (for a test starting mid-way); answers its URL.</summary>
    public string AddPullRequest(string repo, int number, string branch, string baseBranch = "main", PullRequestState state = PullRequestState.Open, string title = "")
    {
        var pull = In("repos", repo, "pulls", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(pull);
        File.WriteAllText(System.IO.Path.Combine(pull, "branch"), branch);
        File.WriteAllText(System.IO.Path.Combine(pull, "base"), baseBranch);
        File.WriteAllText(System.IO.Path.Combine(pull, "title"), title);
        File.WriteAllText(System.IO.Path.Combine(pull, "body"), "");
        File.WriteAllText(System.IO.Path.Combine(pull, "state"), StateName(state));
        return $"https://github.com/{repo}/pull/{number}";
    }

    /// <summary>Every pull request of every repo, by repo and number.</summary>
    public IReadOnlyList<FakePullRequest> PullRequests
    {
        get
        {
            var list = new List<FakePullRequest>();
            foreach (var pulls in System.IO.Directory.GetDirectories(In("repos"), "pulls", SearchOption.AllDirectories))
            {
                var repo = System.IO.Path.GetRelativePath(In("repos"), System.IO.Path.GetDirectoryName(pulls)!).Replace('\\', '/');
                foreach (var pull in System.IO.Directory.GetDirectories(pulls))
                {
                    var number = int.Parse(System.IO.Path.GetFileName(pull), System.Globalization.CultureInfo.InvariantCulture);
                    string Read(string name) => File.ReadAllText(System.IO.Path.Combine(pull, name)).Trim();
                    list.Add(new FakePullRequest(repo, number, Read("branch"), Read("base"), Read("title"), Read("state"), $"https://github.com/{repo}/pull/{number}"));
                }
            }
            return list.OrderBy(p => p.Repo, StringComparer.Ordinal).ThenBy(p => p.Number).ToList();
        }
    }

    /// <summary>Sets a PR's state, as if someone merged or closed it on GitHub.</summary>
    public void SetPrState(string prUrl, PullRequestState state) => File.WriteAllText(System.IO.Path.Combine(PullDirectory(prUrl), "state"), StateName(state));

    /// <summary>OPEN, MERGED or CLOSED.</summary>
    public string PrState(string prUrl) => File.ReadAllText(System.IO.Path.Combine(PullDirectory(prUrl), "state")).Trim();

    /// <summary>The PRs <c>gh pr merge</c> merged (an already merged one is not listed again).</summary>
    public IReadOnlyList<string> Merged => ReadLog("merged.log").Select(f => f[0]).ToList();

    /// <summary>Every call so far, as argument lists.</summary>
    public IReadOnlyList<string[]> Calls => ReadLog("calls.log");

    /// <summary>The calls of one subcommand (<c>"issue edit"</c>), in order.</summary>
    public IReadOnlyList<string[]> CallsOf(string subcommand)
    {
        var words = subcommand.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return Calls.Where(c => c.Length >= words.Length && c.Take(words.Length).SequenceEqual(words)).ToList();
    }

    private static string StateName(PullRequestState state) => state.ToString().ToUpperInvariant();

    private string PullDirectory(string prUrl)
    {
        // https://github.com/<org>/<name>/pull/<n>
        var parts = new Uri(prUrl).AbsolutePath.Trim('/').Split('/');
        return In("repos", parts[0] + "/" + parts[1], "pulls", parts[3]);
    }

    private string IssueDirectory(string repo, int number) =>
        In("repos", repo, "issues", number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private string In(params string[] parts) => System.IO.Path.Combine([Directory, .. parts.SelectMany(p => p.Split('/'))]);

    private List<string[]> ReadLog(string name)
    {
        var log = In(name);
        return File.Exists(log)
            ? File.ReadAllLines(log).Where(l => l.Length > 0).Select(l => l.TrimEnd('\t').Split('\t')).ToList()
            : [];
    }

    private static List<string> ReadLines(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];

    /// <summary>The label's file name: its UTF-8 bytes in lowercase hex, as the script's <c>hex</c> makes it (a label may hold '/').</summary>
    private static string Hex(string label) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(label));

    // The script. One call at a time holds the directory (flock), so parallel effects never race a counter.
    // Messages are real gh's, so the code under test meets what it will meet.
    private const string Script = """
        #!/bin/sh
        dir='@DIR@'
        # One call at a time: flock (util-linux, essential on Debian), released by the kernel even for a killed call.
        exec 9> "$dir/.lock"
        flock 9
        for a in "$@"; do printf '%s\t' "$a" >> "$dir/calls.log"; done
        printf '\n' >> "$dir/calls.log"
        tmp="$dir/.tmp.$$"
        mkdir -p "$tmp"
        trap 'rm -rf "$tmp"' EXIT

        hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
        # stdin as a JSON string: every byte walked (no gsub, whose backslash rules differ between awks).
        json_esc() {
          awk 'BEGIN { RS = "\001"; printf "\"" }
            { n = length($0); for (i = 1; i <= n; i++) { c = substr($0, i, 1)
                if (c == "\\") printf "%s", "\\\\"; else if (c == "\"") printf "%s", "\\\""
                else if (c == "\n") printf "%s", "\\n"; else if (c == "\r") printf "%s", "\\r"
                else if (c == "\t") printf "%s", "\\t"; else printf "%s", c } }
            END { printf "\"" }'
        }
        json_str() { printf '%s' "$1" | json_esc; }
        fail() { printf '%s\n' "$1" >&2; exit "${2:-1}"; }
        repo_dir() { printf '%s/repos/%s' "$dir" "$1"; }
        label_exists() { [ -f "$(repo_dir "$1")/labels/$(hex "$2")" ]; }

        issue_json() {
          d="$(repo_dir "$1")/issues/$2"
          printf '{"body":'; json_esc < "$d/body"
          printf ',"labels":['
          sep=''
          while IFS= read -r l; do
            [ -n "$l" ] || continue
            lf="$(repo_dir "$1")/labels/$(hex "$l")"
            printf '%s{"id":"LA_%s","name":' "$sep" "$(hex "$l")"; json_str "$l"
            printf ',"description":'; json_str "$(sed -n 3p "$lf" 2>/dev/null)"
            printf ',"color":"%s"}' "$(sed -n 2p "$lf" 2>/dev/null)"
            sep=','
          done < "$d/labels"
          printf '],"number":%s,"state":"%s","title":' "$2" "$(cat "$d/state")"
          json_esc < "$d/title"
          printf ',"url":"https://github.com/%s/issues/%s"}' "$1" "$2"
        }

        no_issue() { fail "GraphQL: Could not resolve to an issue or pull request with the number of $1. (repository.issue)"; }

        # Options: --repo, --title, --body, --body-file (- is stdin), --label/--add-label/--remove-label (comma lists,
        # repeatable), --head, --base, --comment, --json, --state, --limit; the first other word is the positional.
        [ $# -ge 2 ] || fail "the fake gh knows only '<group> <verb>' commands, not: $*"
        cmd="$1 $2"
        shift 2
        repo=''; pos=''; title=''; json=''; state_filter='open'; limit=30; head=''; base=''; comment=''
        color=''; description=''; force=''
        : > "$tmp/body"; : > "$tmp/add"; : > "$tmp/remove"; : > "$tmp/label"
        while [ $# -gt 0 ]; do
          case "$1" in
            -R|--repo) repo="$2"; shift ;;
            -t|--title) title="$2"; shift ;;
            -b|--body) printf '%s' "$2" > "$tmp/body"; shift ;;
            -F|--body-file) if [ "$2" = "-" ]; then cat > "$tmp/body"; else cat "$2" > "$tmp/body"; fi; shift ;;
            -l|--label) printf '%s\n' "$2" | tr ',' '\n' >> "$tmp/label"; shift ;;
            --add-label) printf '%s\n' "$2" | tr ',' '\n' >> "$tmp/add"; shift ;;
            --remove-label) printf '%s\n' "$2" | tr ',' '\n' >> "$tmp/remove"; shift ;;
            -H|--head) head="$2"; shift ;;
            -B|--base) base="$2"; shift ;;
            --comment) comment="$2"; shift ;;
            -c) if [ "$cmd" = "label create" ]; then color="$2"; else comment="$2"; fi; shift ;;
            --json) json="$2"; shift ;;
            -s|--state) state_filter="$2"; shift ;;
            -L|--limit) limit="$2"; shift ;;
            --description) description="$2"; shift ;;
            --color) color="$2"; shift ;;
            -d) if [ "$cmd" = "label create" ]; then description="$2"; shift; fi ;;
            -f|--force) force=1 ;;
            -*) ;;
            *) [ -n "$pos" ] || pos="$1" ;;
          esac
          shift
        done

        case "$cmd" in
          auth\ *)
            if [ -f "$dir/unauthenticated" ]; then fail "You are not logged into any GitHub hosts. To log in, run: gh auth login"; fi
            echo "Logged in to github.com account test"; exit 0 ;;
        esac
        if [ -f "$dir/unauthenticated" ]; then
          printf 'To get started with GitHub CLI, please run:  gh auth login\nAlternatively, populate the GH_TOKEN environment variable with a GitHub API authentication token.\n' >&2
          exit 4
        fi
        key=$(printf '%s' "$cmd" | tr ' ' '-')
        if [ -f "$dir/fail/$key" ]; then
          left=$(cat "$dir/fail/$key")
          if [ "$left" -gt 0 ]; then
            echo $((left - 1)) > "$dir/fail/$key"
            fail "$(cat "$dir/fail/$key.msg")"
          fi
        fi

        # A PR URL (https://github.com/o/r/pull/n) or a number with --repo.
        pr_locate() {
          case "$pos" in
            https://github.com/*/pull/*)
              rest=${pos#https://github.com/}; pr_repo=${rest%/pull/*}; pr_number=${rest##*/pull/} ;;
            *) pr_repo=${repo:-$(cat "$dir/default-repo")}; pr_number=$pos ;;
          esac
          pr_dir="$(repo_dir "$pr_repo")/pulls/$pr_number"
          [ -d "$pr_dir" ] || fail "GraphQL: Could not resolve to a PullRequest with the number of $pr_number. (repository.pullRequest)"
        }

        case "$cmd" in
          "issue view")
            [ -d "$(repo_dir "$repo")/issues/$pos" ] || no_issue "$pos"
            issue_json "$repo" "$pos"; printf '\n' ;;
          "issue list")
            printf '['
            sep=''; count=0
            for n in $(ls "$(repo_dir "$repo")/issues" 2>/dev/null | sort -rn); do
              d="$(repo_dir "$repo")/issues/$n"
              st=$(cat "$d/state")
              case "$state_filter" in
                open) [ "$st" = "OPEN" ] || continue ;;
                closed) [ "$st" = "CLOSED" ] || continue ;;
              esac
              ok=1
              while IFS= read -r l; do
                [ -n "$l" ] || continue
                grep -Fxq -- "$l" "$d/labels" || ok=0
              done < "$tmp/label"
              [ $ok -eq 1 ] || continue
              [ "$count" -lt "$limit" ] || break
              printf '%s' "$sep"; issue_json "$repo" "$n"; sep=','; count=$((count + 1))
            done
            printf ']\n' ;;
          "issue comment")
            d="$(repo_dir "$repo")/issues/$pos"
            [ -d "$d" ] || no_issue "$pos"
            mkdir -p "$d/comments"
            k=$(( $(ls "$d/comments" | wc -l) + 1 ))
            cp "$tmp/body" "$d/comments/$k"
            echo "https://github.com/$repo/issues/$pos#issuecomment-$k" ;;
          "issue edit")
            d="$(repo_dir "$repo")/issues/$pos"
            [ -d "$d" ] || no_issue "$pos"
            # gh resolves every named label (added or removed) to the repo's labels first.
            for f in add remove; do
              while IFS= read -r l; do
                [ -n "$l" ] || continue
                label_exists "$repo" "$l" || fail "failed to update https://github.com/$repo/issues/$pos: '$l' not found
        failed to update 1 issue"
              done < "$tmp/$f"
            done
            while IFS= read -r l; do
              [ -n "$l" ] || continue
              grep -Fxq -- "$l" "$d/labels" || printf '%s\n' "$l" >> "$d/labels"
            done < "$tmp/add"
            grep -Fxv -f "$tmp/remove" "$d/labels" > "$tmp/kept" || true
            [ -s "$tmp/remove" ] && cp "$tmp/kept" "$d/labels"
            echo "https://github.com/$repo/issues/$pos" ;;
          "issue create")
            while IFS= read -r l; do
              [ -n "$l" ] || continue
              label_exists "$repo" "$l" || fail "could not add label: '$l' not found"
            done < "$tmp/label"
            mkdir -p "$(repo_dir "$repo")"
            last=$(cat "$(repo_dir "$repo")/next-issue" 2>/dev/null || echo 999)
            n=$((last + 1)); echo "$n" > "$(repo_dir "$repo")/next-issue"
            d="$(repo_dir "$repo")/issues/$n"
            mkdir -p "$d/comments"
            printf '%s' "$title" > "$d/title"; cp "$tmp/body" "$d/body"; echo OPEN > "$d/state"
            grep -v '^$' "$tmp/label" > "$d/labels" || true
            printf '%s\t%s\n' "$repo" "$n" >> "$dir/created.log"
            printf '\nCreating issue in %s\n\n' "$repo" >&2
            echo "https://github.com/$repo/issues/$n" ;;
          "issue close")
            d="$(repo_dir "$repo")/issues/$pos"
            [ -d "$d" ] || no_issue "$pos"
            if [ "$(cat "$d/state")" = "CLOSED" ]; then
              printf '! Issue %s#%s (%s) is already closed\n' "$repo" "$pos" "$(cat "$d/title")" >&2; exit 0
            fi
            if [ -n "$comment" ]; then
              k=$(( $(ls "$d/comments" | wc -l) + 1 ))
              printf '%s' "$comment" > "$d/comments/$k"
            fi
            echo CLOSED > "$d/state"
            printf '✓ Closed issue %s#%s (%s)\n' "$repo" "$pos" "$(cat "$d/title")" >&2 ;;
          "label create")
            mkdir -p "$(repo_dir "$repo")/labels"
            lf="$(repo_dir "$repo")/labels/$(hex "$pos")"
            if [ -f "$lf" ] && [ -z "$force" ]; then
              fail "label with name \"$pos\" already exists; use \`--force\` to update its color and description"
            fi
            printf '%s\n%s\n%s\n' "$pos" "${color:-ededed}" "${description:-}" > "$lf"
            printf '%s\t%s\t%s\t%s\n' "$repo" "$pos" "${color:-ededed}" "${description:-}" >> "$dir/labels-created.log"
            printf '✓ Label "%s" created in %s\n' "$pos" "$repo" >&2 ;;
          "pr create")
            pr_repo=${repo:-$(cat "$dir/default-repo")}
            [ -n "$head" ] || head=$(git symbolic-ref --quiet --short HEAD 2>/dev/null)
            [ -n "$base" ] || base=main
            pulls="$(repo_dir "$pr_repo")/pulls"
            mkdir -p "$pulls"
            for p in $(ls "$pulls" | sort -n); do
              if [ "$(cat "$pulls/$p/branch")" = "$head" ] && [ "$(cat "$pulls/$p/state")" = "OPEN" ]; then
                fail "a pull request for branch \"$head\" into branch \"$(cat "$pulls/$p/base")\" already exists:
        https://github.com/$pr_repo/pull/$p"
              fi
            done
            last=$(ls "$pulls" | sort -n | tail -1)
            n=$(( ${last:-99} + 1 ))
            mkdir -p "$pulls/$n"
            printf '%s' "$head" > "$pulls/$n/branch"; printf '%s' "$base" > "$pulls/$n/base"
            printf '%s' "$title" > "$pulls/$n/title"; cp "$tmp/body" "$pulls/$n/body"; echo OPEN > "$pulls/$n/state"
            printf '\nCreating pull request for %s into %s in %s\n\n' "$head" "$base" "$pr_repo" >&2
            echo "https://github.com/$pr_repo/pull/$n" ;;
          "pr view")
            pr_locate
            printf '{'
            sep=''
            for field in $(printf '%s' "${json:-state}" | tr ',' ' '); do
              case "$field" in
                state) printf '%s"state":"%s"' "$sep" "$(cat "$pr_dir/state")" ;;
                number) printf '%s"number":%s' "$sep" "$pr_number" ;;
                url) printf '%s"url":"https://github.com/%s/pull/%s"' "$sep" "$pr_repo" "$pr_number" ;;
                headRefName) printf '%s"headRefName":' "$sep"; json_esc < "$pr_dir/branch" ;;
                baseRefName) printf '%s"baseRefName":' "$sep"; json_esc < "$pr_dir/base" ;;
                title) printf '%s"title":' "$sep"; json_esc < "$pr_dir/title" ;;
                *) fail "Unknown JSON field: \"$field\"" ;;
              esac
              sep=','
            done
            printf '}\n' ;;
          "pr merge")
            pr_locate
            case "$(cat "$pr_dir/state")" in
              MERGED) printf '! Pull request %s#%s was already merged\n' "$pr_repo" "$pr_number" >&2; exit 0 ;;
              CLOSED) fail "X Pull request $pr_repo#$pr_number is closed" ;;
            esac
            echo MERGED > "$pr_dir/state"
            printf '%s\n' "https://github.com/$pr_repo/pull/$pr_number" >> "$dir/merged.log"
            printf '✓ Merged pull request %s#%s (%s)\n' "$pr_repo" "$pr_number" "$(cat "$pr_dir/title")" >&2 ;;
          *) fail "unknown command \"$cmd\" for the fake gh" ;;
        esac
        """;
}
