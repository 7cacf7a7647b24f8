using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Baton.Core.Workers;

namespace Baton.Testing;

/// <summary>One run of a fake agent CLI, as it logged itself: how it was called, where, and what it was given.</summary>
/// <param name="ChildPid">The <c>sleep</c> a hanging run started in its process group (null otherwise).</param>
/// <param name="Env">The variables named in <c>FAKE_AGENT_ENV_NAMES</c>: their values, null when unset.</param>
public sealed record FakeAgentRun(string Cli, int Pid, int? ChildPid, string Cwd, IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string?> Env);

/// <summary>
/// Fake <c>claude</c>, <c>gemini</c> and <c>codex</c> executables (/bin/sh scripts in a <see cref="FakeBin"/>) that print
/// each CLI's real headless output: Claude's stream-json (<c>system/init</c> with the <c>--session-id</c> given,
/// <c>assistant</c> with usage, <c>rate_limit_event</c>, the final <c>result</c>), Gemini's pretty-printed json object
/// (errors as a JSON object on stderr, exit codes 0/1), Codex's <c>exec --json</c> JSONL (<c>thread.started</c> …
/// <c>turn.completed</c> / <c>turn.failed</c>). What a run does is chosen by directives in its prompt, so one test can
/// give each task its own behaviour: none succeeds; <see cref="Fail"/>, <see cref="RateLimit"/> (the CLI's own limit
/// answer, reset about an hour ahead), <see cref="Hang"/>, <see cref="IgnoreTerm"/>, <see cref="Crash"/>,
/// <see cref="Garbage"/>, <see cref="Commit"/>, <see cref="Cost"/>, <see cref="Sleep"/>.
/// Every run appends one JSON line to <c>$FAKE_AGENT_LOG</c> (<see cref="Runs"/>). The scripts sleep only when told to.
/// </summary>
public sealed class FakeAgentClis
{
    /// <summary>Ends with the CLI's own failure (Claude <c>error_during_execution</c>, Gemini exit 1, Codex <c>turn.failed</c>).</summary>
    public const string Fail = "[fake:fail]";

    /// <summary>Answers with the CLI's real rate/usage-limit form, stating a reset about an hour from now.</summary>
    public const string RateLimit = "[fake:rate-limit]";

    /// <summary>Starts a child <c>sleep</c> in its process group, logs both pids, says <see cref="HangingMarker"/> on stderr, and waits (TERM ends it).</summary>
    public const string Hang = "[fake:hang]";

    /// <summary>What a hanging run writes on stderr once it has logged itself and its child: a test waits for it instead of sleeping.</summary>
    public const string HangingMarker = ": hanging (pid ";

    /// <summary>As <see cref="Hang"/>, but TERM is ignored (by the child too): only KILL ends it.</summary>
    public const string IgnoreTerm = "[fake:ignore-term]";

    /// <summary>Dies mid-stream: a cut line, no final record, exit 1.</summary>
    public const string Crash = "[fake:crash]";

    /// <summary>Prints only lines that are not the CLI's format, and exits 0.</summary>
    public const string Garbage = "[fake:garbage]";

    /// <summary>Appends a line to <c>baton-fake-&lt;cli&gt;.txt</c> in its working directory (a git worktree) and commits it, then succeeds.</summary>
    public const string Commit = "[fake:commit]";

    /// <summary>Streams usage worth <paramref name="usd"/> at <see cref="Price"/> before finishing (Claude also honours <c>--max-budget-usd</c>).</summary>
    public static string Cost(double usd) => $"[fake:cost={usd.ToString("0.######", CultureInfo.InvariantCulture)}]";

    /// <summary>
    /// The run's answer (every CLI's final message) comes from the next file of <paramref name="directory"/> (<c>1</c>, <c>2</c>, … in
    /// turn; the last one repeats): its first line is more directives (e.g. <see cref="Commit"/>), the rest is the
    /// final message. <see cref="WriteAnswers"/> writes such a directory. Lets a test script an agent's plans and verdicts.
    /// </summary>
    public static string Answers(string directory) => $"[fake:answers={directory}]";

    /// <summary>Writes the answers a run under <see cref="Answers"/> gives, in turn: (directives line, final message).</summary>
    public static void WriteAnswers(string directory, params (string Directives, string Message)[] answers)
    {
        Directory.CreateDirectory(directory);
        File.Delete(System.IO.Path.Combine(directory, ".next"));
        for (var i = 0; i < answers.Length; i++)
            File.WriteAllText(System.IO.Path.Combine(directory, (i + 1).ToString(CultureInfo.InvariantCulture)), answers[i].Directives + "\n" + answers[i].Message);
    }

    /// <summary>Sleeps <paramref name="seconds"/> after its first records, before its final one.</summary>
    public static string Sleep(int seconds) => $"[fake:sleep={seconds}]";

    /// <summary>The price the fakes' tokens are worth: $1 per million either way, so <see cref="Cost"/>(0.75) is 750,000 tokens.</summary>
    public static TokenPrice Price { get; } = new(1, 1);

    /// <summary>What a default run reports: 1,200 input tokens, 340 output tokens (and Claude's cost, $0.0123).</summary>
    public const long InputTokens = 1200;

    public const long OutputTokens = 340;

    public const double ClaudeCostUsd = 0.0123;

    /// <summary>The thread id a fake Codex run reports, from its pid.</summary>
    public static string CodexThreadId(int pid) => $"0199a213-81c0-7800-8aa1-{pid:D12}";

    public FakeAgentClis(string directory)
    {
        Bin = new FakeBin(directory);
        LogPath = System.IO.Path.Combine(directory, "agent-runs.jsonl");
        Claude = Bin.Write("claude", "#!/bin/sh\ncli=claude\n" + Prelude + ClaudeBody);
        Gemini = Bin.Write("gemini", "#!/bin/sh\ncli=gemini\n" + Prelude + GeminiBody);
        Codex = Bin.Write("codex", "#!/bin/sh\ncli=codex\n" + Prelude + CodexBody);
    }

    public FakeBin Bin { get; }

    public string Claude { get; }

    public string Gemini { get; }

    public string Codex { get; }

    /// <summary>Where the runs log themselves when <c>FAKE_AGENT_LOG</c> is this path (<see cref="ApplyTo"/> sets it).</summary>
    public string LogPath { get; }

    /// <summary>
    /// The variable whose directives one CLI's fake follows on top of its prompt's (<c>FAKE_CLAUDE_DIRECTIVES</c>, …): how a
    /// test makes one CLI rate-limited while another, given the same task, succeeds.
    /// </summary>
    public static string DirectivesVariable(string cli) => $"FAKE_{cli.ToUpperInvariant()}_DIRECTIVES";

    /// <summary>Puts the fakes first on PATH for <paramref name="start"/>, has them log to <see cref="LogPath"/> with the variables named.</summary>
    public void ApplyTo(ProcessStartInfo start, params string[] envNames)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Environment["PATH"] = Bin.SearchPath;
        start.Environment["FAKE_AGENT_LOG"] = LogPath;
        start.Environment["FAKE_AGENT_ENV_NAMES"] = string.Join(',', envNames);
    }

    /// <summary>Every run logged so far, in the order they logged.</summary>
    public IReadOnlyList<FakeAgentRun> Runs =>
        File.Exists(LogPath)
            ? File.ReadAllLines(LogPath).Where(l => l.Length > 0).Select(Parse).ToList()
            : [];

    private static FakeAgentRun Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var child = root.GetProperty("child_pid");
        return new FakeAgentRun(
            root.GetProperty("cli").GetString()!,
            root.GetProperty("pid").GetInt32(),
            child.ValueKind == JsonValueKind.Number ? child.GetInt32() : null,
            root.GetProperty("cwd").GetString()!,
            root.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!).ToList(),
            root.GetProperty("env").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()));
    }

    // Shared by the three: the directives, the log line, the modes that are the same everywhere. `all` holds every
    // argument, so a directive anywhere in the prompt counts. jesc escapes a value for a JSON string.
    private const string Prelude = """
        case "$cli" in claude) extra="${FAKE_CLAUDE_DIRECTIVES:-}" ;; gemini) extra="${FAKE_GEMINI_DIRECTIVES:-}" ;; *) extra="${FAKE_CODEX_DIRECTIVES:-}" ;; esac
        all="$* $extra"
        has() { case "$all" in *"$1"*) return 0 ;; esac; return 1; }
        answer=""
        adir=$(printf '%s\n' "$all" | sed -n 's/.*\[fake:answers=\([^]]*\)\].*/\1/p' | head -n 1)
        if [ -n "$adir" ]; then
          n=$(cat "$adir/.next" 2>/dev/null || echo 1)
          f="$adir/$n"; [ -f "$f" ] || f=$(ls "$adir" | sort -n | tail -n 1 | sed "s|^|$adir/|")
          [ -f "$adir/$((n + 1))" ] && echo $((n + 1)) > "$adir/.next"
          all="$all $(head -n 1 "$f")"
          answer=$(tail -n +2 "$f")
        fi
        num() { printf '%s\n' "$all" | sed -n "s/.*\[fake:$1=\([0-9.]*\)\].*/\1/p" | head -n 1; }
        tab=$(printf '\t'); cr=$(printf '\r')
        jesc() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e "s/$tab/\\\\t/g" -e "s/$cr/\\\\r/g" | awk 'BEGIN { ORS = "" } { if (NR > 1) print "\\n"; print }'; }
        argv=""; sep=""
        for a in "$@"; do argv="$argv$sep\"$(jesc "$a")\""; sep=","; done
        sid=""; prev=""
        for a in "$@"; do
          [ "$prev" = "--session-id" ] && sid="$a"
          prev="$a"
        done
        [ -n "$sid" ] || sid=$(printf '5e55c0de-0000-4000-8000-%012d' $$)
        log() {
          [ -n "${FAKE_AGENT_LOG:-}" ] || return 0
          envj=""; esep=""; oldifs=$IFS; IFS=,
          for n in ${FAKE_AGENT_ENV_NAMES:-}; do
            case "$n" in '' | *[!A-Za-z0-9_]*) continue ;; esac
            if eval "[ -n \"\${$n+x}\" ]"; then eval "v=\${$n}"; envj="$envj$esep\"$n\":\"$(jesc "$v")\""; else envj="$envj$esep\"$n\":null"; fi
            esep=","
          done
          IFS=$oldifs
          printf '%s\n' "{\"cli\":\"$cli\",\"pid\":$$,\"child_pid\":$1,\"cwd\":\"$(jesc "$PWD")\",\"argv\":[$argv],\"env\":{$envj}}" >> "$FAKE_AGENT_LOG"
        }
        hang() {
          sleep 100000 &
          child=$!
          log "$child"
          echo "fake $cli: hanging (pid $$, child $child)" >&2
          wait "$child"
          exit 1
        }
        garbage() {
          log null
          echo "Loading the fake $cli..."
          printf '\033[31mnot json at all\033[0m\n'
          echo '{"type": "assistant", "message": {'
          echo '[1, 2, 3]'
          echo '{"no_type": true}'
          exit 0
        }
        commit() {
          f="baton-fake-$cli.txt"
          # Appended, so a second run on a branch that has the file still has something to commit.
          printf 'written by the fake %s (pid %s)\n' "$cli" "$$" >> "$f"
          git add "$f" && git -c user.name=fake-agent -c user.email=fake-agent@example.invalid -c commit.gpgsign=false commit -q -m "fake $cli: add $f" > /dev/null 2>&1 \
            || { echo "fake $cli: git commit failed" >&2; exit 1; }
        }
        pause() { s=$(num sleep); [ -n "$s" ] && sleep "$s"; return 0; }
        cost=$(num cost)
        if [ -n "$cost" ]; then
          tokens=$(awk -v c="$cost" 'BEGIN { printf "%d", c * 1000000 + 0.5 }')
          in_tokens=$((tokens / 2)); out_tokens=$((tokens - in_tokens))
        else
          in_tokens=1200; out_tokens=340
        fi
        has '[fake:ignore-term]' && trap '' TERM
        reset_epoch() { now=$(date +%s); echo $(( (now + 3600 + 3599) / 3600 * 3600 )); }
        final() { if [ -n "$answer" ]; then jesc "$answer"; else printf 'Done: fake %s finished the task.' "$cli"; fi; }

        """;

    private const string ClaudeBody = """
        printf '{"type":"system","subtype":"init","cwd":"%s","session_id":"%s","tools":["Bash","Edit","Read","Write"],"mcp_servers":[],"model":"claude-sonnet-4-5","permissionMode":"default","apiKeySource":"none","claude_code_version":"2.1.90"}\n' "$(jesc "$PWD")" "$sid"
        if has '[fake:hang]' || has '[fake:ignore-term]'; then hang; fi
        has '[fake:garbage]' && garbage
        log null
        if has '[fake:crash]'; then
          printf '{"type":"assistant","message":{"id":"msg_fake_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Working on it."}],"usage":{"input_tokens":12,"cache_creation_input_tokens":188,"cache_read_input_tokens":1000,"output_tokens":40}},"parent_tool_use_id":null,"session_id":"%s"}\n' "$sid"
          printf '{"type":"assistant","message":{"id":"msg_fake_2","content":[{"type":"te'
          echo "fake claude: connection reset by peer" >&2
          exit 1
        fi
        if has '[fake:rate-limit]'; then
          r=$(reset_epoch); h=$((r / 3600 % 24)); ap=am; [ "$h" -ge 12 ] && ap=pm; h12=$((h % 12)); [ "$h12" -eq 0 ] && h12=12
          text="You've hit your session limit · resets $h12$ap (UTC)"
          printf '{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":%s,"rateLimitType":"five_hour","overageStatus":"rejected","overageDisabledReason":"org_level_disabled","isUsingOverage":false},"session_id":"%s"}\n' "$r" "$sid"
          printf '{"type":"assistant","message":{"id":"msg_fake_limit","type":"message","role":"assistant","model":"<synthetic>","content":[{"type":"text","text":"%s"}],"stop_reason":"stop_sequence","usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}},"parent_tool_use_id":null,"session_id":"%s","error":"rate_limit","is_api_error_message":true}\n' "$text" "$sid"
          printf '{"type":"result","subtype":"success","is_error":true,"api_error_status":429,"duration_ms":38,"duration_api_ms":0,"num_turns":1,"result":"%s","stop_reason":"stop_sequence","session_id":"%s","total_cost_usd":0,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0},"permission_denials":[],"terminal_reason":"api_error"}\n' "$text" "$sid"
          exit 1
        fi
        if [ -n "$cost" ]; then
          usd=$cost; final_out=0
          printf '{"type":"assistant","message":{"id":"msg_fake_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Working on it."}],"usage":{"input_tokens":%s,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":%s}},"parent_tool_use_id":null,"session_id":"%s"}\n' "$in_tokens" "$out_tokens" "$sid"
        else
          usd=0.0123; final_out=300
          printf '{"type":"assistant","message":{"id":"msg_fake_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Working on it."}],"usage":{"input_tokens":12,"cache_creation_input_tokens":188,"cache_read_input_tokens":1000,"output_tokens":40}},"parent_tool_use_id":null,"session_id":"%s"}\n' "$sid"
        fi
        pause
        budget=""; prev=""
        for a in "$@"; do [ "$prev" = "--max-budget-usd" ] && budget="$a"; prev="$a"; done
        usage=$(printf '{"input_tokens":%s,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":%s}' "$in_tokens" "$out_tokens")
        if [ -n "$budget" ] && awk -v c="$usd" -v b="$budget" 'BEGIN { exit !(c > b) }'; then
          printf '{"type":"result","subtype":"error_max_budget_usd","is_error":true,"duration_ms":2100,"duration_api_ms":1900,"num_turns":3,"session_id":"%s","total_cost_usd":%s,"usage":%s,"permission_denials":[],"errors":["Reached maximum budget ($%s)"]}\n' "$sid" "$usd" "$usage" "$budget"
          exit 1
        fi
        if has '[fake:fail]'; then
          printf '{"type":"result","subtype":"error_during_execution","is_error":true,"duration_ms":812,"duration_api_ms":640,"num_turns":2,"session_id":"%s","total_cost_usd":%s,"usage":%s,"permission_denials":[],"errors":["fake failure: the tool call failed"]}\n' "$sid" "$usd" "$usage"
          exit 1
        fi
        has '[fake:commit]' && commit
        printf '{"type":"assistant","message":{"id":"msg_fake_2","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"%s"}],"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":%s}},"parent_tool_use_id":null,"session_id":"%s"}\n' "$(final)" "$final_out" "$sid"
        printf '{"type":"result","subtype":"success","is_error":false,"duration_ms":2100,"duration_api_ms":1900,"num_turns":3,"result":"%s","stop_reason":"end_turn","session_id":"%s","total_cost_usd":%s,"usage":%s,"modelUsage":{},"permission_denials":[],"terminal_reason":"completed"}\n' "$(final)" "$sid" "$usd" "$usage"
        exit 0
        """;

    private const string GeminiBody = """
        if has '[fake:hang]' || has '[fake:ignore-term]'; then hang; fi
        has '[fake:garbage]' && garbage
        log null
        json_error() {
          printf '{\n  "error": {\n    "type": "%s",\n    "message": "%s",\n    "code": 1\n  }\n}\n' "$1" "$2" >&2
          exit 1
        }
        if has '[fake:crash]'; then
          printf '{\n  "session_id": "%s",\n  "response": "Half an ans' "$sid"
          echo "fake gemini: killed" >&2
          exit 1
        fi
        has '[fake:rate-limit]' && json_error TerminalQuotaError "You have exhausted your capacity on this model. Your quota will reset after 1h0m0s."
        pause
        has '[fake:fail]' && json_error Error "[API Error: got status: INTERNAL. {\\\"error\\\":{\\\"code\\\":500,\\\"message\\\":\\\"Internal error encountered.\\\",\\\"status\\\":\\\"INTERNAL\\\"}}]"
        has '[fake:commit]' && commit
        if [ -n "$cost" ]; then prompt_tokens=$in_tokens; candidates=$out_tokens; thoughts=0; cached=0
        else prompt_tokens=1200; candidates=300; thoughts=40; cached=1000; fi
        cat <<EOF
        {
          "session_id": "$sid",
          "response": "$(final)",
          "stats": {
            "models": {
              "gemini-2.5-pro": {
                "api": {
                  "totalRequests": 2,
                  "totalErrors": 0,
                  "totalLatencyMs": 5053
                },
                "tokens": {
                  "input": $((prompt_tokens - cached)),
                  "prompt": $prompt_tokens,
                  "candidates": $candidates,
                  "total": $((prompt_tokens + candidates + thoughts)),
                  "cached": $cached,
                  "thoughts": $thoughts,
                  "tool": 0
                },
                "roles": {}
              }
            },
            "tools": {
              "totalCalls": 1,
              "totalSuccess": 1,
              "totalFail": 0,
              "totalDurationMs": 12,
              "totalDecisions": {
                "accept": 0,
                "reject": 0,
                "modify": 0,
                "auto_accept": 1
              },
              "byName": {}
            },
            "files": {
              "totalLinesAdded": 1,
              "totalLinesRemoved": 0
            }
          }
        }
        EOF
        exit 0
        """;

    private const string CodexBody = """
        tid=$(printf '0199a213-81c0-7800-8aa1-%012d' $$)
        echo "{\"type\":\"thread.started\",\"thread_id\":\"$tid\"}"
        echo '{"type":"turn.started"}'
        if has '[fake:hang]' || has '[fake:ignore-term]'; then hang; fi
        has '[fake:garbage]' && garbage
        log null
        if has '[fake:crash]'; then
          echo '{"type":"item.started","item":{"id":"item_0","type":"command_execution","command":"bash -lc ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}'
          printf '{"type":"item.completed","item":{"id":"item_0","type":"comm'
          echo "fake codex: stream disconnected" >&2
          exit 1
        fi
        if has '[fake:rate-limit]'; then
          r=$(( $(date +%s) + 3600 ))
          fmt='+%Y%m%d %I %M %p %b %d %Y'
          d=$(LC_ALL=C date -d "@$r" "$fmt" 2> /dev/null || LC_ALL=C date -r "$r" "$fmt")
          set -- $d
          hh=${2#0}; dd=${6#0}
          if [ "$1" = "$(date +%Y%m%d)" ]; then when="$hh:$3 $4"
          else
            case "$dd" in 1 | 21 | 31) suf=st ;; 2 | 22) suf=nd ;; 3 | 23) suf=rd ;; *) suf=th ;; esac
            when="$5 $dd$suf, $7 $hh:$3 $4"
          fi
          msg="You've hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus), or try again at $when."
          printf '{"type":"error","message":"%s"}\n' "$msg"
          printf '{"type":"turn.failed","error":{"message":"%s"}}\n' "$msg"
          exit 1
        fi
        echo '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Reading the task**"}}'
        pause
        if has '[fake:fail]'; then
          echo '{"type":"turn.failed","error":{"message":"fake failure: stream disconnected before completion"}}'
          exit 1
        fi
        has '[fake:commit]' && commit
        if [ -n "$cost" ]; then cached=0; else cached=1000; fi
        printf '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"%s"}}\n' "$(final)"
        echo "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":$in_tokens,\"cached_input_tokens\":$cached,\"output_tokens\":$out_tokens}}"
        exit 0
        """;
}
