namespace Baton.Testing;

/// <summary>The venture registry the HTTP and browser tests' servers start with: two ventures, alpha and beta.</summary>
public static class TestVentures
{
    public const string AlphaAndBeta = """
        {
          "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"],
              "capabilities": ["has_api"], "platform": false, "note_tags": [] },
            { "code": "beta", "name": "Project Beta", "org": "example-org", "repos": ["beta-api"],
              "capabilities": [], "platform": false, "note_tags": [] }
          ]
        }
        """;
}
