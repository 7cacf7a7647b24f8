using System.Text.RegularExpressions;

namespace Baton.Core.Knowledge;

/// <summary>What kind of secret was found and on which line (1-based). Never the value.</summary>
internal sealed record SecretFinding(string Kind, int Line);

/// <summary>
/// Finds text that looks like a credential, so the knowledge store never keeps one: notes are read back into every
/// agent's briefing, which is the last place a secret should travel. Patterns are the providers' documented token
/// formats; the generic rule catches <c>NAME=value</c> lines whose name says secret and whose value looks random.
/// </summary>
internal static partial class SecretScanner
{
    private static readonly (string Kind, Regex Pattern)[] Patterns =
    [
        ("AWS access key id", AwsAccessKey()),
        ("AWS secret access key", AwsSecretKey()),
        ("GitHub token", GitHubToken()),
        ("GitHub fine-grained token", GitHubPat()),
        ("GitLab token", GitLabToken()),
        ("Slack token", SlackToken()),
        ("Slack webhook URL", SlackWebhook()),
        ("private key block", PrivateKey()),
    ];

    /// <summary>Every finding, in line order (one per kind and line).</summary>
    public static IReadOnlyList<SecretFinding> Scan(string text)
    {
        var findings = new List<SecretFinding>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            foreach (var (kind, pattern) in Patterns)
            {
                if (pattern.IsMatch(line)) findings.Add(new SecretFinding(kind, i + 1));
            }
            if (findings.Count == 0 || findings[^1].Line != i + 1)
            {
                var assignment = SecretAssignment().Match(line);
                if (assignment.Success && LooksRandom(assignment.Groups["value"].Value))
                    findings.Add(new SecretFinding($"high-entropy value assigned to {assignment.Groups["name"].Value}", i + 1));
            }
        }
        return findings;
    }

    /// <summary>
    /// Random-looking: long, several character classes, and at least 3.5 bits of Shannon entropy a character
    /// (English words and paths sit well below; base64/hex keys above).
    /// </summary>
    public static bool LooksRandom(string value)
    {
        if (value.Length < 20) return false;
        var classes = (value.Any(char.IsLower) ? 1 : 0) + (value.Any(char.IsUpper) ? 1 : 0) + (value.Any(char.IsDigit) ? 1 : 0) + (value.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        return classes >= 2 && Entropy(value) >= 3.5;
    }

    public static double Entropy(string value)
    {
        var counts = value.GroupBy(c => c).Select(g => (double)g.Count());
        return -counts.Sum(n => n / value.Length * Math.Log2(n / value.Length));
    }

    [GeneratedRegex(@"\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b")]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"(?i)aws_?secret_?access_?key\s*[=:]\s*[""']?[A-Za-z0-9/+=]{40}")]
    private static partial Regex AwsSecretKey();

    [GeneratedRegex(@"\bgh[pousr]_[A-Za-z0-9]{36,}\b")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bgithub_pat_[A-Za-z0-9_]{22,}")]
    private static partial Regex GitHubPat();

    [GeneratedRegex(@"\bglpat-[A-Za-z0-9_\-]{20,}")]
    private static partial Regex GitLabToken();

    [GeneratedRegex(@"\bxox[abposr]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+")]
    private static partial Regex SlackWebhook();

    [GeneratedRegex(@"-----BEGIN (RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY( BLOCK)?-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"^\s*(export\s+)?(?<name>[A-Za-z_][A-Za-z0-9_.-]*(KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD|CREDENTIAL|AUTH)[A-Za-z0-9_]*)\s*[=:]\s*[""']?(?<value>[^\s""']{20,})[""']?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretAssignment();
}
