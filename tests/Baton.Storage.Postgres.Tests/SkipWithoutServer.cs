using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Baton.Storage.Postgres.Tests.SkipWithoutServerFramework", "Baton.Storage.Postgres.Tests")]

namespace Baton.Storage.Postgres.Tests;

/// <summary>
/// Without <c>BATON_TEST_PG</c> every test of this assembly is reported skipped with the reason (so a laptop without
/// PostgreSQL still runs the rest of the suite green); with it, every test runs. The contract tests are inherited
/// <c>[Fact]</c>s, which cannot carry a skip condition of their own, hence a framework-level switch. CI always sets it.
/// </summary>
public sealed class SkipWithoutServerFramework(IMessageSink sink) : XunitTestFramework(sink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assembly, ISourceInformationProvider source, IMessageSink sink)
        : XunitTestFrameworkDiscoverer(assembly, source, sink)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus,
            ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (TestDatabase.ConnectionString is not null)
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            if (testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).FirstOrDefault() is null) return true;

            var testCase = new SkippedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
            return ReportDiscoveredTestCase(testCase, includeSourceInformation, messageBus);
        }
    }
}

/// <summary>A test case reported as skipped because no PostgreSQL server is configured.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedTestCase() { }

    public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method) { }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => TestDatabase.SkipReason;

    // The console logger of `dotnet test` prints a skipped test's name but not its reason (only a detailed logger does),
    // so the reason goes into the name: whoever reads the normal output learns why, and what to set.
    protected override string GetDisplayName(IAttributeInfo factAttribute, string displayName) =>
        $"{base.GetDisplayName(factAttribute, displayName)} — skipped: {TestDatabase.SkipReason}";
}
