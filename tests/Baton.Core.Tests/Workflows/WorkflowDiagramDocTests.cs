using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workflows;

/// <summary>docs/architecture.md §17 draws the transition table; this holds the drawing to the table.</summary>
public class WorkflowDiagramDocTests
{
    [Fact]
    public void ArchitectureDoc_MermaidBlock_IsTheTablesDiagram()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "architecture.md"));
        var section = doc[doc.IndexOf("## §17 Workflows", StringComparison.Ordinal)..];
        const string open = "```mermaid\n";
        var start = section.IndexOf(open, StringComparison.Ordinal) + open.Length;
        var block = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];

        Assert.Equal(WorkflowMachine.Mermaid(), block);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Baton.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("no Baton.slnx above " + AppContext.BaseDirectory);
    }
}
