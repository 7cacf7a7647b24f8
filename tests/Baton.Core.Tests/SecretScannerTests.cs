using Baton.Core.Knowledge;


namespace Baton.Core.Tests;

public class SecretScannerTests
{
    [Theory]
    [InlineData("aws key AKIAIOSFODNN7EXAMPLE here", "AWS access key id")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS secret access key")]
    [InlineData("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "GitHub token")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "GitHub fine-grained token")]
    [InlineData("glpat-xxxxxxxxxxxxxxxxxxxx", "GitLab token")]
    [InlineData("xoxb-1234567890-abcdefghij", "Slack token")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----", "private key block")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----", "private key block")]
    public void Scan_KnownTokenFormats_AreFoundByKind(string line, string kind)
    {
        var finding = Assert.Single(SecretScanner.Scan($"notes\n{line}\nmore"));

        Assert.Equal(kind, finding.Kind);
        Assert.Equal(2, finding.Line);
    }

    [Fact]
    public void Scan_KeyAssignmentWithRandomValue_IsFoundWithTheNameNotTheValue()
    {
        var finding = Assert.Single(SecretScanner.Scan("export STRIPE_API_KEY=sk9Fq2LmXw8Rt4Zp1Vb7Nc3Hd6Yg0Ka5"));

        Assert.Equal("high-entropy value assigned to STRIPE_API_KEY", finding.Kind);
        Assert.DoesNotContain("sk9Fq2", finding.Kind);
    }

    [Theory]
    [InlineData("The deploy key lives in the vault at /alpha/prod.")]
    [InlineData("API_KEY=see-the-vault-for-the-real-value")]
    [InlineData("PASSWORD=changeme")]
    [InlineData("Use ghp_ prefixed tokens only through gh auth login.")]
    [InlineData("TOKEN_PATH=/var/lib/app/tokens/current")]
    public void Scan_OrdinaryProse_FindsNothing(string text)
    {
        Assert.Empty(SecretScanner.Scan(text));
    }
}
